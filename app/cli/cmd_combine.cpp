// attnscope-cli combine: heads fused, layers rolled out, keys hidden; one [Tq, Tk] .npy out.

#include <QCommandLineParser>

#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "bundle.h"
#include "cli_common.h"
#include "combine.h"
#include "commands.h"
#include "file_io.h"
#include "memory_budget.h"
#include "npy.h"

namespace attnscope::cli {
namespace {

const char *kUsage = R"(Usage: attnscope-cli combine --weights TENSOR [--fuse mean|max|min] [--layer L]
    [--rollout] [--discard-ratio R] [--hide-tokens I,J,...] [--renormalize] --out FILE.npy
    [--memory-budget SIZE]

TENSOR is a .npy, .npz, .safetensors, .csv or .tsv file, as PATH or PATH:NAME, holding attention
weights [L, H, Tq, Tk]; [H, Tq, Tk] is read as one layer and [Tq, Tk] as one layer with one head.
An attention bundle without a NAME means its `attentions`. Indices are 0-based everywhere.

Combines attention into one matrix [Tq, Tk] (rows are queries, columns are keys):
  fuse      the heads of a layer are reduced elementwise by --fuse (default mean).
            Without --rollout the output is the fused matrix of layer --layer (default: the last).
  rollout   (Abnar & Zuidema, 2020) over layers 0..--layer (default: all), square attention
            only: for each layer the fused F; with --discard-ratio R, the floor(R*(T*T-T))
            smallest off-diagonal entries of F (over the whole matrix; among equal values the
            earlier row-major position first) set to 0; A_l = (F + I) / 2 with each row divided
            by its sum; the output is A_L * ... * A_1 * A_0 (layer 0 applied first), [T, T].
  hide      after fusing or rollout, --hide-tokens drops those key columns (a key listed twice
            is hidden once); the output keeps the remaining columns in order. Hiding every key
            is an error.
  renormalise  --renormalize divides each row of what remains by its sum (also without
            --hide-tokens, e.g. after max or min fusion). A row whose remaining weights sum to
            0 stays as it is, with a warning.

The input must be finite, and >= 0 for --rollout. The output is float32 little-endian .npy,
written only when everything succeeded.
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").)";

struct Request {
    QString weights, out;
    Fusion fusion = Fusion::Mean;
    std::optional<long long> layer;
    bool rollout = false;
    double discardRatio = 0.0;
    std::optional<std::vector<int>> hidden;
    bool renormalize = false;
};

/// "0,3,5" → {0, 3, 5}; every item a whole number. Several --hide-tokens options add up.
Result<std::vector<int>> parseIndexList(const QStringList &values)
{
    std::vector<int> out;
    for (const QString &value : values)
        for (const QString &item : value.split(u',')) {
            bool ok = false;
            const int i = item.trimmed().toInt(&ok);
            if (!ok)
                return makeError(Error::Code::BadArgument, "--hide-tokens: '" + value.toStdString() +
                                                               "' is not a list of key indices such as 0,3,5");
            out.push_back(i);
        }
    return out;
}

/// The options, checked as far as they can be without the file.
Result<Request> parseRequest(const QCommandLineParser &p)
{
    Request r;
    r.weights = p.value("weights");
    r.out = p.value("out");
    if (r.weights.isEmpty())
        return makeError(Error::Code::BadArgument, "--weights TENSOR is required (see 'attnscope-cli combine --help')");
    if (r.out.isEmpty())
        return makeError(Error::Code::BadArgument, "--out FILE.npy is required (see 'attnscope-cli combine --help')");
    if (p.isSet("fuse")) {
        auto f = parseFusion(p.value("fuse").toStdString());
        if (!f)
            return makeError(Error::Code::BadArgument, "--fuse: " + f.error().message);
        r.fusion = f.value();
    }
    r.rollout = p.isSet("rollout");
    r.renormalize = p.isSet("renormalize");
    if (p.isSet("discard-ratio")) {
        if (!r.rollout)
            return makeError(Error::Code::BadArgument, "--discard-ratio goes with --rollout");
        bool ok = false;
        r.discardRatio = p.value("discard-ratio").toDouble(&ok);
        if (!ok || !(r.discardRatio >= 0.0 && r.discardRatio < 1.0)) // also refuses NaN
            return makeError(Error::Code::BadArgument, "--discard-ratio: '" + p.value("discard-ratio").toStdString() +
                                                           "' is not a number in [0, 1)");
    }
    if (p.isSet("layer")) {
        bool ok = false;
        r.layer = p.value("layer").toLongLong(&ok);
        if (!ok)
            return makeError(Error::Code::BadArgument, "--layer: '" + p.value("layer").toStdString() +
                                                           "' is not a whole number");
    }
    if (p.isSet("hide-tokens")) {
        auto hidden = parseIndexList(p.values("hide-tokens"));
        if (!hidden)
            return hidden.error();
        r.hidden = std::move(hidden.value());
    }
    return r;
}

/// The checks that need the attention's shape and values; returns the last layer used.
Result<int> checkAgainst(const Request &r, const AttentionBundle &b)
{
    const std::string what = r.weights.toStdString();
    if (b.layers() == 0 || b.heads() == 0 || b.queries() == 0 || b.keys() == 0)
        return makeError(Error::Code::BadShape, what + ": the attention " + shapeToString(b.attentions.shape) + " is empty");
    const long long layer = r.layer.value_or(b.layers() - 1);
    if (layer < 0 || layer >= b.layers())
        return makeError(Error::Code::BadArgument, "--layer " + std::to_string(layer) + " is out of range: " + what +
                                                       " has " + std::to_string(b.layers()) + " layer(s) (0.." +
                                                       std::to_string(b.layers() - 1) + ")");
    if (r.rollout && b.queries() != b.keys())
        return makeError(Error::Code::BadShape, "--rollout needs square attention (Tq = Tk), but " + what + " is " +
                                                    shapeToString(b.attentions.shape) + " as [L, H, Tq, Tk]");
    const int first = r.rollout ? 0 : int(layer);
    if (auto st = checkAttentionValues(b.attentions, first, int(layer), r.rollout, what); !st)
        return st.error();
    return int(layer);
}

} // namespace

int combineCommand(const QStringList &args)
{
    QCommandLineParser p;
    addValueOption(p, "weights", "Attention weights [L, H, Tq, Tk], [H, Tq, Tk] or [Tq, Tk].", "TENSOR");
    addValueOption(p, "fuse", "How the heads of a layer are reduced: mean (default), max or min.", "HOW");
    addValueOption(p, "layer", "The layer to show (default: the last); with --rollout, the last layer rolled out.", "L");
    addFlagOption(p, "rollout", "Attention rollout over layers 0..L (square attention only).");
    addValueOption(p, "discard-ratio", "With --rollout: zero this fraction R in [0, 1) of each fused layer's smallest "
                           "off-diagonal entries first (default 0).", "R");
    addValueOption(p, "hide-tokens", "Drop these key columns (0-based, comma-separated; a duplicate hides once).", "I,J,...");
    addFlagOption(p, "renormalize", "Divide each remaining row by its sum (rows summing to 0 stay, with a warning).");
    addValueOption(p, "out", "The output, float32 .npy [Tq, Tk minus the hidden keys].", "FILE.npy");
    addMemoryBudgetOption(p);
    if (auto exit = parseOrExit(p, args, QString::fromUtf8(kUsage)))
        return *exit;

    auto request = parseRequest(p);
    if (!request)
        return fail(request.error());
    const Request &r = request.value();
    if (auto st = applyMemoryBudgetOption(p); !st)
        return fail(st.error());
    auto bundle = readAttentionBundle(r.weights.toStdString());
    if (!bundle)
        return fail(bundle.error());
    auto layer = checkAgainst(r, bundle.value());
    if (!layer)
        return fail(layer.error());

    const Tensor &attn = bundle->attentions;
    if (auto st = reserveMemory(combineBytesNeeded(bundle->queries(), bundle->keys(), r.rollout),
                                std::string(r.rollout ? "rolling out " : "combining ") + r.weights.toStdString());
        !st)
        return fail(st.error().message + " (set the budget with --memory-budget)");
    Mat<double> m = r.rollout ? rollout(attn, layer.value(), r.fusion, r.discardRatio)
                              : fuseHeads(attn, layer.value(), r.fusion);
    std::vector<std::string> warnings;
    if (r.hidden || r.renormalize) {
        auto shown = hideTokens(m, r.hidden.value_or(std::vector<int>{}), r.renormalize, warnings);
        if (!shown)
            return fail("--hide-tokens: " + shown.error().message);
        m = std::move(shown.value());
    }
    for (const auto &w : warnings)
        warn(w);

    // Written from a float copy in place (header, then the matrix), not through another copy.
    const Mat<float> out = m.cast<float>();
    m = Mat<double>();
    const auto header = npyHeader(DType::F32, {out.rows(), out.cols()});
    OutputBatch batch;
    if (auto st = batch.add(r.out.toStdString(), {std::span<const std::byte>(header),
                                                  std::span<const std::byte>(reinterpret_cast<const std::byte *>(out.data()),
                                                                             std::size_t(out.size()) * sizeof(float))});
        !st)
        return fail(st.error());
    if (auto st = batch.commit(); !st)
        return fail(st.error());
    std::printf("combine: %s of %lld head(s), %s %d, output [%lld, %lld] float32\n", fusionName(r.fusion),
                static_cast<long long>(bundle->heads()), r.rollout ? "rollout over layers 0 to" : "layer", layer.value(),
                static_cast<long long>(out.rows()), static_cast<long long>(out.cols()));
    return kExitOk;
}

} // namespace attnscope::cli
