// attnscope-cli tokenize: a Hugging Face tokenizer's ids and tokens for a text, as one JSON line.

#include <QCommandLineParser>

#include <cstdio>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "hf_tokenizer.h"

namespace attnscope::cli {
namespace {

const char *kUsage = R"(Usage: attnscope-cli tokenize --model DIR (--text TEXT | --text-file FILE) [--no-special]
    [--memory-budget SIZE]

Tokenizes TEXT as Hugging Face tokenizers would (Tokenizer.from_file(...).encode(text).ids and
.tokens) and writes one line of compact JSON to stdout: {"ids":[...],"tokens":[...]}, UTF-8.

DIR is a model folder (tokenizer.json; else vocab.txt as BertTokenizer; else vocab.json +
merges.txt as GPT2Tokenizer) or a tokenizer.json file. --text-file is read as UTF-8 (a BOM is
removed, a final newline is part of the text). --no-special is add_special_tokens=False: no
[CLS]/[SEP] or <s> around the text; special tokens written in the text are matched either way.
Empty text gives {"ids":[],"tokens":[]}.
)";

/// `s` as a JSON string: quotes, backslashes and control characters escaped (as JavaScript's
/// JSON.stringify escapes them), UTF-8 kept.
std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\b') {
            out += "\\b";
        } else if (c == '\f') {
            out += "\\f";
        } else if (u < 0x20) {
            char code[8];
            std::snprintf(code, sizeof code, "\\u%04x", u);
            out += code;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string encodingJson(const TokenizerEncoding &e)
{
    std::string out = "{\"ids\":[";
    for (std::size_t i = 0; i < e.ids.size(); ++i) {
        if (i > 0)
            out += ',';
        out += std::to_string(e.ids[i]);
    }
    out += "],\"tokens\":[";
    for (std::size_t i = 0; i < e.tokens.size(); ++i) {
        if (i > 0)
            out += ',';
        out += jsonString(e.tokens[i]);
    }
    return out + "]}";
}

} // namespace

int tokenizeCommand(const QStringList &args)
{
    QCommandLineParser p;
    addValueOption(p, "model", "The model folder, or its tokenizer.json.", "DIR");
    addValueOption(p, "text", "The text to tokenize.", "TEXT");
    addValueOption(p, "text-file", "A UTF-8 file holding the text.", "FILE");
    addFlagOption(p, "no-special", "Do not add the special tokens of the post-processor (add_special_tokens=False).");
    addMemoryBudgetOption(p);
    if (auto exit = parseOrExit(p, args, QString::fromUtf8(kUsage)))
        return *exit;
    if (!p.isSet("model") || p.value("model").isEmpty())
        return fail("tokenize needs --model DIR (see 'attnscope-cli tokenize --help')");
    if (auto st = applyMemoryBudgetOption(p); !st)
        return fail(st.error());
    auto text = textOption(p, "tokenize");
    if (!text)
        return fail(text.error());
    auto tokenizer = HfTokenizer::load(p.value("model").toStdString());
    if (!tokenizer)
        return fail(tokenizer.error());
    TokenizerEncoding encoding;
    if (!text->empty()) {
        auto encoded = (*tokenizer)->encode(*text, !p.isSet("no-special"));
        if (!encoded)
            return fail(encoded.error());
        encoding = std::move(*encoded);
    }
    std::printf("%s\n", encodingJson(encoding).c_str());
    return kExitOk;
}

} // namespace attnscope::cli
