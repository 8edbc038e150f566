// attnscope-cli combine: heads fused, layers rolled out, tokens hidden, sub-words merged; one
// [Tq', Tk'] matrix out, as .npy or as an .npz with its tokens and their original indices.

#include <QCommandLineParser>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "bundle.h"
#include "bundle_writer.h"
#include "cli_common.h"
#include "combine.h"
#include "commands.h"
#include "file_io.h"
#include "memory_budget.h"
#include "npy.h"
#include "view_options.h"

namespace attnscope::cli {
namespace {

const char *kUsage = R"(Usage: attnscope-cli combine --weights TENSOR [--fuse mean|max|min] [--layer L]
    [--rollout] [--discard-ratio R] [--merge-subwords] [--hide-tokens LIST] [--hide-rows]
    [--renormalize] --out FILE.npz|FILE.npy [--memory-budget SIZE]

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
  hide      after fusing or rollout, --hide-tokens LIST drops those key columns (a key named
            twice is hidden once); with --hide-rows their rows (queries) too (Tq = Tk only).
            The output keeps the remaining rows and columns in order. Hiding every key is an
            error. LIST: items separated by commas; digits or #N is a 0-based index; =TEXT the
            token TEXT (for tokens that look like numbers); any other item a token text,
            matched exactly and case-sensitively against the file's tokens as stored (Ġ and ##
            included, before merging), hiding every occurrence. A text found nowhere is an
            error naming it; a comma token is given as #N.
  renormalise  --renormalize divides each row of what remains by its sum (also without
            --hide-tokens, e.g. after max or min fusion). A row whose remaining weights sum to
            0 stays as it is, with a warning.
  merge     --merge-subwords, last: sub-word pieces (## WordPiece, Ġ GPT-2, ▁ SentencePiece)
            become words as in the window; attention to a word is the sum over its pieces'
            columns, from a word the mean of its pieces' rows.

The input must be finite, and >= 0 for --rollout. The output is written only when everything
succeeded, by its extension:
  .npy  float32 little-endian [Tq', Tk'].
  .npz  `attentions` float32 [1, 1, Tq', Tk']; when the input has tokens, also `tokens` <U [Tq']
        and `key_tokens` <U [Tk'] (merged words as the window shows them) and `query_index` /
        `key_index` int64: each remaining row's and column's original 0-based index (a merged
        word: its first piece's). `render` labels such a file's rows and columns "TEXT #i".
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").)";

struct Request {
    QString weights, out;
    std::optional<long long> layer;
    ViewOptions view;
    bool rollout() const { return view.request.mode == ViewRequest::Mode::Rollout; }
};

/// The options, checked as far as they can be without the file.
Result<Request> parseRequest(const QCommandLineParser &p)
{
    Request r;
    r.weights = p.value("weights");
    r.out = p.value("out");
    if (r.weights.isEmpty())
        return makeError(Error::Code::BadArgument, "--weights TENSOR is required (see 'attnscope-cli combine --help')");
    if (r.out.isEmpty())
        return makeError(Error::Code::BadArgument, "--out FILE.npz|FILE.npy is required (see 'attnscope-cli combine --help')");
    if (!r.out.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive) &&
        !r.out.endsWith(QLatin1String(".npz"), Qt::CaseInsensitive))
        return makeError(Error::Code::BadArgument, "--out: '" + r.out.toStdString() + "' must end in .npy or .npz");
    auto view = readViewOptions(p, ViewRequest::Mode::FuseHeads);
    if (!view)
        return view.error();
    r.view = std::move(view.value());
    if (p.isSet("layer")) {
        bool ok = false;
        r.layer = p.value("layer").toLongLong(&ok);
        if (!ok)
            return makeError(Error::Code::BadArgument, "--layer: '" + p.value("layer").toStdString() +
                                                           "' is not a whole number");
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
    if (r.rollout() && b.queries() != b.keys())
        return makeError(Error::Code::BadShape, "--rollout needs square attention (Tq = Tk), but " + what + " is " +
                                                    shapeToString(b.attentions.shape) + " as [L, H, Tq, Tk]");
    const int first = r.rollout() ? 0 : int(layer);
    if (auto st = checkAttentionValues(b.attentions, first, int(layer), r.rollout(), what); !st)
        return st.error();
    return int(layer);
}

bool isNpz(const QString &path) { return path.endsWith(QLatin1String(".npz"), Qt::CaseInsensitive); }

/// The .npy [Tq', Tk'] or the .npz of the usage text, written from a float copy in place.
Status writeOutput(const QString &out, const AttentionBundle &b, const ViewResult &view)
{
    const Mat<float> values = view.values.cast<float>();
    const auto *data = reinterpret_cast<const std::byte *>(values.data());
    const std::size_t size = std::size_t(values.size()) * sizeof(float);
    if (!isNpz(out)) {
        const auto header = npyHeader(DType::F32, {values.rows(), values.cols()});
        OutputBatch batch;
        if (auto st = batch.add(out.toStdString(), {std::span<const std::byte>(header), std::span<const std::byte>(data, size)}); !st)
            return st;
        return batch.commit();
    }
    Tensor attentions;
    attentions.dtype = DType::F32;
    attentions.shape = {1, 1, values.rows(), values.cols()};
    attentions.bytes.assign(data, data + size);
    const Tensor queryIndex = Tensor::fromInt64s(view.rowIndex), keyIndex = Tensor::fromInt64s(view.colIndex);
    std::vector<NpzArray> arrays{{"attentions", &attentions, {}}};
    if (!b.tokens.empty())
        arrays.push_back({"tokens", nullptr, view.rowLabels});
    if (!b.keyTokens.empty())
        arrays.push_back({"key_tokens", nullptr, view.colLabels});
    if (!b.tokens.empty())
        arrays.push_back({"query_index", &queryIndex, {}});
    if (!b.keyTokens.empty())
        arrays.push_back({"key_index", &keyIndex, {}});
    return writeNpzArrays(arrays, out.toStdString());
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
    addValueOption(p, "hide-tokens", "Drop these key columns: indices, #N, =TEXT or token texts, comma-separated.", "LIST");
    addFlagOption(p, "hide-rows", "With --hide-tokens: drop the hidden tokens' rows (queries) too.");
    addFlagOption(p, "renormalize", "Divide each remaining row by its sum (rows summing to 0 stay, with a warning).");
    addFlagOption(p, "merge-subwords", "Merge sub-word pieces into words (to a word: sum; from a word: mean).");
    addValueOption(p, "out", "The output: .npy [Tq', Tk'], or .npz with tokens and original indices.", "FILE");
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

    ViewRequest v = r.view.request;
    v.layer = layer.value();
    auto hidden = hiddenKeys(r.view, bundle.value());
    if (!hidden)
        return fail(hidden.error());
    v.hiddenKeys = std::move(hidden.value());
    // computeView holds at most what combine did before (the fused matrix and one copy in
    // double), and the float32 output follows once the double result is the only matrix left.
    if (auto st = reserveMemory(combineBytesNeeded(bundle->queries(), bundle->keys(), r.rollout()),
                                std::string(r.rollout() ? "rolling out " : "combining ") + r.weights.toStdString());
        !st)
        return fail(withBudgetHint(st.error()));
    auto view = computeView(bundle.value(), v);
    if (!view)
        return fail((v.hiddenKeys.empty() ? "" : "--hide-tokens: ") + view.error().message);
    warnAll(view->warnings);
    if (auto st = writeOutput(r.out, bundle.value(), view.value()); !st)
        return fail(st.error());
    if (!bundle->layoutNote.empty())
        std::printf("combine: %s\n", bundle->layoutNote.c_str());
    std::printf("combine: %s of %lld head(s), %s %d, output [%lld, %lld] float32%s\n", fusionName(v.fusion),
                static_cast<long long>(bundle->heads()), r.rollout() ? "rollout over layers 0 to" : "layer", v.layer,
                static_cast<long long>(view->values.rows()), static_cast<long long>(view->values.cols()),
                isNpz(r.out) ? " with tokens and indices" : "");
    return kExitOk;
}

} // namespace attnscope::cli
