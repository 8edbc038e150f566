// attnscope-cli model: a Hugging Face model folder's attention on a text or an image, as a bundle.

#include <QFile>

#include <cstdio>
#include <string>

#include "attention_options.h"
#include "bundle_writer.h"
#include "cli_common.h"
#include "commands.h"
#include "memory_budget.h"
#include "model_folder.h"
#include "parallel.h"

namespace attnscope::cli {
namespace {

const char *kUsage = R"(Usage: attnscope-cli model --model DIR (--text TEXT | --text-file FILE | --image IMAGE)
                          [--no-special] [--qkv] [--threads N] [--memory-budget SIZE]
                          --out BUNDLE.npz|BUNDLE.safetensors

Runs the Hugging Face model in DIR (config.json, model.safetensors or its shards, and
tokenizer.json, vocab.txt or vocab.json + merges.txt; preprocessor_config.json for vit) on the
text or the image, and writes every layer's attention as a bundle (docs/bundle-format.md):
attentions [L, H, T, T], tokens, input_ids; with --qkv also q [L, H, T, d], k and v
[L, H_kv, T, d] (q and k after the bias, q_norm/k_norm and the rotation, before the scale) and x
[L, T, d_model] (each layer's normed input). Supported: bert, gpt2, llama, mistral, qwen2, qwen3,
vit (docs/models.md).)";

} // namespace

int modelCommand(const QStringList &args)
{
    QCommandLineParser p;
    addValueOption(p, "model", "The model folder.", "DIR");
    addValueOption(p, "text", "The text to run the model on.", "TEXT");
    addValueOption(p, "text-file", "The text, from a UTF-8 file (a BOM is removed, a final newline kept).", "FILE");
    addValueOption(p, "image", "The image a vit model runs on.", "IMAGE");
    addFlagOption(p, "no-special", "Add no special tokens ([CLS], [SEP], <s>): add_special_tokens=False.");
    addFlagOption(p, "qkv", "Also write q, k, v and x.");
    addThreadsOption(p);
    addValueOption(p, "out", "The bundle to write: .npz or .safetensors.", "BUNDLE");
    addMemoryBudgetOption(p);
    if (auto exit = parseOrExit(p, args, QString::fromUtf8(kUsage)))
        return *exit;
    if (!p.isSet("model"))
        return fail("model needs --model DIR (see 'attnscope-cli model --help')");
    if (!p.isSet("out"))
        return fail("model needs --out BUNDLE.npz or BUNDLE.safetensors");
    if (p.isSet("image") && (p.isSet("text") || p.isSet("text-file")))
        return fail("model takes --image or a text (--text, --text-file), not both");
    const std::string out = p.value("out").toStdString();
    if (!out.ends_with(".npz") && !out.ends_with(".safetensors"))
        return fail(out + ": the bundle is written as .npz or .safetensors");
    if (auto st = applyThreadsOption(p); !st)
        return fail(st.error());
    if (auto st = applyMemoryBudgetOption(p); !st)
        return fail(st.error());
    std::string text;
    if (!p.isSet("image")) {
        auto read = textOption(p, "model");
        if (!read)
            return fail(read.error());
        text = std::move(read.value());
    }
    auto folder = openModelFolder(p.value("model").toStdString());
    if (!folder)
        return fail(folder.error());
    ModelRunOptions options;
    options.keepQkv = p.isSet("qkv");
    options.keepInputs = p.isSet("qkv");
    options.threads = threadCount();
    auto bundle = p.isSet("image") ? runModelOnImageFile(*folder, p.value("image").toStdString(), options)
                                   : runModelOnText(*folder, text, !p.isSet("no-special"), options);
    if (!bundle)
        return fail(bundle.error());
    if (auto st = writeAttentionBundle(*bundle, out); !st)
        return fail(st.error());
    return kExitOk;
}

} // namespace attnscope::cli
