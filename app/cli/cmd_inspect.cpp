// attnscope-cli inspect: what a tensor file holds.
//
// Every array is listed, also those AttnScope does not read (object arrays, `|S` bytes, complex,
// structured, safetensors F8 …), each marked with why; the exit status is 2 only when the file's
// structure (zip directory, .npy headers, safetensors JSON) is broken. A file holding
// `attentions` is summarised as a bundle: its shape as [L, H, Tq, Tk], tokens, q/k/v (one
// [L, H, T, d] array or one per layer), image_grid, causal, model and sliding_window.

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "printable.h"
#include "tensor_file.h"

namespace attnscope::cli {
namespace {

const ArrayInfo *findArray(const TensorFileInfo &info, const std::string &name)
{
    for (const auto &a : info.arrays)
        if (a.name == name)
            return &a;
    return nullptr;
}

const std::string *findMetadata(const TensorFileInfo &info, const std::string &key)
{
    for (const auto &[k, v] : info.metadata)
        if (k == key)
            return &v;
    return nullptr;
}

/// An error message without the file's path in front (the listing names the file once).
std::string withoutPath(const std::string &message, const std::string &path)
{
    if (message.rfind(path + ":", 0) == 0)
        return message.substr(path.size() + (message.compare(path.size(), 2, ": ") == 0 ? 2 : 1));
    return message;
}

/// "stored" or "deflated, 312 of 1,088 bytes" for an .npz member; "" elsewhere.
std::string storageOf(const ArrayInfo &a)
{
    if (a.storage == "deflated")
        return "deflated, " + groupThousands(a.packedBytes) + " of " + groupThousands(a.unpackedBytes) + " bytes";
    return a.storage;
}

/// One line per array: name, dtype, shape, how an .npz stores it, and why it is not read.
void listArrays(const TensorFileInfo &info, std::vector<std::string> &warnings)
{
    std::size_t nameWidth = 4, dtypeWidth = 8, shapeWidth = 0;
    for (const auto &a : info.arrays) {
        nameWidth = std::max(nameWidth, printableName(a.name).size());
        dtypeWidth = std::max(dtypeWidth, a.dtype.size());
        shapeWidth = std::max(shapeWidth, shapeToString(a.shape).size());
    }
    for (const auto &a : info.arrays) {
        const std::string name = a.name.empty() ? "(array)" : printableName(a.name);
        std::string tail = storageOf(a);
        if (!a.readable)
            tail += (tail.empty() ? "" : "  ") + std::string("not read: ") + printableName(a.why);
        std::string shape = shapeToString(a.shape);
        if (!tail.empty())
            shape.resize(std::max(shape.size(), shapeWidth), ' ');
        std::printf("  %-*s  %-*s  %s%s%s\n", int(nameWidth), name.c_str(), int(dtypeWidth), a.dtype.c_str(), shape.c_str(),
                    tail.empty() ? "" : "  ", tail.c_str());
        warnings.insert(warnings.end(), a.warnings.begin(), a.warnings.end());
    }
}

void row(const char *key, const std::string &text) { std::printf("  %-14s  %s\n", key, text.c_str()); }

/// The first five and last three of `tokens`, quoted, with the count: 10: "<s>" "The" … "</s>".
std::string tokenSummary(const std::vector<std::string> &tokens)
{
    std::string out = std::to_string(tokens.size()) + ":";
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens.size() > 8 && i == 5) {
            out += " …";
            i = tokens.size() - 4;
            continue;
        }
        out += " \"" + printableName(tokens[i]) + "\"";
    }
    return out;
}

/// A token list of the file (tokens or key_tokens): absent, read, or the line saying why not.
struct TokenList {
    bool present = false;
    std::vector<std::string> tokens;
    std::string problem; ///< "not read: …" when it could not be read
};

TokenList readTokenList(TensorFile &file, const char *name)
{
    const TensorFileInfo &info = file.info();
    const ArrayInfo *a = findArray(info, name);
    if (!a && !findMetadata(info, name))
        return {};
    if (a && !a->readable)
        return {true, {}, "not read: " + printableName(a->why)};
    auto tokens = file.readStrings(name);
    if (!tokens)
        return {true, {}, "not read: " + withoutPath(tokens.error().message, info.path)};
    return {true, std::move(tokens.value()), ""};
}

/// The list's line: its summary, checked against the attention's count along `axis`.
void showTokens(const char *name, const TokenList &t, std::int64_t expected, const char *axis)
{
    if (!t.problem.empty()) {
        row(name, t.problem);
        return;
    }
    std::string text = tokenSummary(t.tokens);
    if (expected >= 0 && std::int64_t(t.tokens.size()) != expected)
        text += "  (the attention has " + std::string(axis) + " = " + std::to_string(expected) +
                ": the bundle reader refuses this)";
    row(name, text);
}

/// The attention's shape as [L, H, Tq, Tk]; {} when it is no attention shape.
Shape showAttentionShape(const ArrayInfo &a)
{
    const std::string shape = shapeToString(a.shape);
    Shape s = a.shape;
    if (s.size() < 2 || s.size() > 4) {
        row("attentions", shape + ": not [L, H, Tq, Tk], [H, Tq, Tk] or [Tq, Tk] (the bundle reader refuses it)");
        return {};
    }
    while (s.size() < 4)
        s.insert(s.begin(), 1);
    std::string text = "[L, H, Tq, Tk] = " + shapeToString(s);
    if (a.shape.size() < 4)
        text = (a.shape.size() == 3 ? "[H, Tq, Tk] = " : "[Tq, Tk] = ") + shape + ", read as " + text;
    if (!a.readable)
        text += "  not read: " + printableName(a.why);
    row("attentions", text);
    return s;
}

/// q, k or v: one [L, H, T, d] array, or per-layer arrays q.0 … listed as runs of equal shape.
void showProjection(const TensorFileInfo &info, const std::string &stem, std::int64_t layers)
{
    if (const ArrayInfo *a = findArray(info, stem)) {
        std::string text = (a->shape.size() == 4 ? "[L, H, T, d] = " : "") + shapeToString(a->shape);
        if (a->shape.size() != 4 || a->shape[0] != layers)
            text += "  (not [L, H, T, d] with L = " + std::to_string(layers) + ": the bundle reader refuses it)";
        row(stem.c_str(), text);
        return;
    }
    std::vector<const ArrayInfo *> per;
    while (const ArrayInfo *a = findArray(info, stem + "." + std::to_string(per.size())))
        per.push_back(a);
    if (per.empty())
        return;
    std::string text = "per layer, [H, T, d]:";
    for (std::size_t i = 0; i < per.size();) {
        std::size_t j = i;
        while (j + 1 < per.size() && per[j + 1]->shape == per[i]->shape)
            ++j;
        text += (i ? "; " : " ") + stem + "." + std::to_string(i) + (j > i ? " … " + stem + "." + std::to_string(j) : "") +
                " " + shapeToString(per[i]->shape);
        i = j + 1;
    }
    if (std::int64_t(per.size()) != layers)
        text += "  (" + std::to_string(per.size()) + " layers, the attention " + std::to_string(layers) +
                ": the bundle reader refuses this)";
    row(stem.c_str(), text);
}

/// A small numeric array (a scalar or image_grid) as numbers, or why not.
std::optional<std::vector<double>> smallValues(TensorFile &file, const std::string &name)
{
    const ArrayInfo *a = findArray(file.info(), name);
    if (!a)
        return std::nullopt;
    std::int64_t n = 1;
    for (auto d : a->shape)
        n *= d;
    if (!a->readable || !a->numeric || n > 16) {
        row(name.c_str(), a->dtype + " " + shapeToString(a->shape) + ": not a bundle's " + name);
        return std::nullopt;
    }
    auto t = file.read(name);
    if (!t) {
        row(name.c_str(), "not read: " + withoutPath(t.error().message, file.info().path));
        return std::nullopt;
    }
    std::vector<double> out;
    for (std::int64_t i = 0; i < t->numel(); ++i)
        out.push_back(t->at(i));
    return out;
}

std::string number(double x)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

void showGrid(TensorFile &file, std::int64_t keys)
{
    const auto g = smallValues(file, "image_grid");
    if (!g)
        return;
    if (g->size() != 2) {
        row("image_grid", std::to_string(g->size()) + " values: not [rows, cols]");
        return;
    }
    const double cells = (*g)[0] * (*g)[1];
    std::string text = "[rows, cols] = [" + number((*g)[0]) + ", " + number((*g)[1]) + "]";
    if (double(keys) == cells + 1)
        text += ": a [CLS] key, then " + number(cells) + " patches";
    else if (double(keys) == cells)
        text += ": " + number(cells) + " patches";
    else
        text += ": does not fit Tk = " + std::to_string(keys) + " (the bundle reader refuses this)";
    row("image_grid", text);
}

/// causal, model and sliding_window: safetensors metadata or .npz arrays.
void showModelParts(TensorFile &file)
{
    const TensorFileInfo &info = file.info();
    if (const std::string *c = findMetadata(info, "causal"))
        row("causal", printableName(*c));
    else if (const auto v = smallValues(file, "causal"))
        row("causal", v->size() == 1 ? ((*v)[0] != 0 ? "true" : "false") : "not one number");
    if (const std::string *m = findMetadata(info, "model")) {
        row("model", printableName(*m));
    } else if (const ArrayInfo *a = findArray(info, "model")) {
        auto names = a->readable ? file.readStrings("model") : Result<std::vector<std::string>>(makeError(Error::Code::Unsupported, a->why));
        row("model", names && names->size() == 1 ? printableName(names->front())
                                                 : "not read: " + (names ? std::string("not one string")
                                                                         : withoutPath(names.error().message, info.path)));
    }
    if (const std::string *w = findMetadata(info, "sliding_window"))
        row("sliding_window", printableName(*w));
    else if (const auto v = smallValues(file, "sliding_window"))
        row("sliding_window", v->size() == 1 ? number((*v)[0]) : "not one number");
}

/// The bundle summary of a file holding `attentions`.
void showBundle(TensorFile &file)
{
    const TensorFileInfo &info = file.info();
    const ArrayInfo *att = findArray(info, "attentions");
    if (!att)
        return;
    std::printf("attention bundle:\n");
    const Shape s = showAttentionShape(*att);
    const std::int64_t layers = s.empty() ? -1 : s[0];
    const std::int64_t queries = s.empty() ? -1 : s[2], keys = s.empty() ? -1 : s[3];
    const TokenList tokens = readTokenList(file, "tokens"), keyTokens = readTokenList(file, "key_tokens");
    if (tokens.present)
        showTokens("tokens", tokens, queries, "Tq");
    const bool same = tokens.problem.empty() && keyTokens.problem.empty() && tokens.tokens == keyTokens.tokens;
    if (keyTokens.present && same)
        row("key_tokens", "the same as the tokens");
    else if (keyTokens.present)
        showTokens("key_tokens", keyTokens, keys, "Tk");
    else if (tokens.present && tokens.problem.empty() && queries == keys)
        row("key_tokens", "none: the keys are the tokens (Tq = Tk)");
    for (const char *stem : {"q", "k", "v"})
        showProjection(info, stem, layers);
    showGrid(file, keys);
    showModelParts(file);
}

} // namespace

int inspectCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument("FILE", "A .npy, .npz, .safetensors, .csv or .tsv file.");
    const char *usage =
        "Usage: attnscope-cli inspect FILE\n\n"
        "Lists every array in FILE with its name, dtype and shape (in an .npz, whether it is stored or\n"
        "deflated), marks those AttnScope does not read and why, and shows the file's metadata\n"
        "(safetensors __metadata__). Names are what TENSOR arguments take as FILE:NAME. A file holding\n"
        "`attentions` is summarised as a bundle: [L, H, Tq, Tk], tokens, q/k/v, image_grid, causal,\n"
        "model, sliding_window. Exit status 0 when the file's structure is sound, 2 when it is broken.";
    const QCommandLineOption help({"h", "help"}, "Show this help and exit.");
    p.addOption(help);
    if (!p.parse(args))
        return fail(p.errorText().toStdString() + " (see 'attnscope-cli inspect --help')");
    if (p.isSet(help)) {
        std::printf("%s\n", usage);
        return kExitOk;
    }
    if (p.positionalArguments().size() != 1)
        return fail("inspect takes exactly one FILE (see 'attnscope-cli inspect --help')");
    const std::string path = p.positionalArguments().first().toStdString();
    auto file = openTensorFile(path);
    if (!file)
        return fail(file.error());
    const TensorFileInfo &info = (*file)->info();
    std::vector<std::string> warnings = info.warnings;
    std::printf("%s: %s, %zu array%s\n", printableName(path).c_str(), info.format.c_str(), info.arrays.size(),
                info.arrays.size() == 1 ? "" : "s");
    listArrays(info, warnings);
    if (!info.metadata.empty()) {
        std::printf("metadata:\n");
        for (const auto &[key, raw] : info.metadata) {
            const std::string value = printableName(raw.size() > 200 ? raw.substr(0, 200) + "…" : raw);
            std::printf("  %s: %s\n", printableName(key).c_str(), value.c_str());
        }
    }
    showBundle(**file);
    warnAll(warnings);
    return kExitOk;
}

} // namespace attnscope::cli
