// attnscope-cli attention: the staged pipeline on tensor files, outputs as .npy.

#include <QCommandLineParser>

#include <cstdio>
#include <set>
#include <span>

#include "attention_request.h"
#include "attention_options.h"
#include "attention_overview.h"
#include "parallel.h"
#include "cli_common.h"
#include "commands.h"
#include "file_io.h"
#include "npy.h"
#include "tensor_file.h"

namespace attnscope::cli {
namespace {

const char *kUsage = R"(Usage: attnscope-cli attention (--q TENSOR --k TENSOR --v TENSOR | --x TENSOR --wq TENSOR --wk TENSOR --wv TENSOR [--context TENSOR])
    [--heads N] [--batch B | --layer L] [--scale sqrt|dim|none|NUMBER]
    [--mask causal|TENSOR] [--key-padding TENSOR] [--attention-mask TENSOR] [--precision f32|f64]
    [--scores-out FILE.npy] [--weights-out FILE.npy] [--output-out FILE.npy]
    [--column-sums-out FILE.npy] [--entropy-out FILE.npy] [--threads N] [--memory-budget SIZE]

TENSOR is a .npy, .npz, .safetensors, .csv or .tsv file, as PATH or PATH:NAME.

Computes scaled dot-product attention, stage by stage:
  raw = Q·Kᵀ, scaled = raw·scale, masked (-inf where a key may not be attended),
  weights A = softmax of each query row, output O = A·V.

Shapes (indices are 0-based everywhere):
  Q [Tq, d], [H, Tq, d] or [B, H, Tq, d]; K and V the same with Tk keys. Q, K and V have the
  same number of dimensions. K and V may have fewer heads than Q (grouped-query attention):
  query head h reads key/value head floor(h·Hkv/Hq).
  --x [Tq, d_model], --context [Tk, d_model] (default: X), --wq/--wk [d_model, d_k],
  --wv [d_model, d_v]: Q = X·Wq, K = C·Wk, V = C·Wv.
  From an attention bundle (a file holding `attentions`), FILE:q, FILE:k and FILE:v are one
  layer of its q, k, v ([L, H, T, d], or per layer q.0 … q.{L-1} when the layers' head sizes
  differ): --layer L picks it (default the last); --batch is refused there. In any other file
  the first of four axes is a batch (--batch B, default 0) and --layer is refused.

Masks (they combine; --mask may be given twice, as causal and a TENSOR):
  causal            query i may attend keys 0..i, top-left aligned (also when Tq != Tk,
                    as torch's is_causal)
  --mask TENSOR     [Tq, Tk], [H, Tq, Tk] or [B, H, Tq, Tk] (H may be 1); bool or integer:
                    non-zero = MAY attend (torch SDPA's attn_mask); float: added to the
                    scaled scores (-inf blocks)
  --key-padding     [Tk] or [B, Tk]; bool or integer: non-zero = padding, never attended
                    (nn.MultiheadAttention's key_padding_mask); float: added to the scores,
                    as torch adds a float key_padding_mask (-1.0 lowers a key, -inf blocks)
  --attention-mask  [Tk] or [B, Tk], bool or integer: Hugging Face's attention_mask,
                    1 = keep, 0 = padding (float is refused)
  B is the item --batch selects for 4-D inputs; a batch axis of 1 applies to every item.
  A query row with every key masked gets zero weights and a zero output (with a warning).
  NaN or infinite results from overflow (float32 beyond 3.4e38) are named in a warning.

Outputs are little-endian C-order .npy, float32 unless --precision f64:
  scores  what the softmax receives (scaled, masked, -inf where masked)
  weights [Tq, Tk] for 2-D inputs without --heads, else [H, Tq, Tk]
  output  [Tq, dv] for 2-D inputs (heads concatenated back), [H, Tq, dv] otherwise
By-products, float64, without the Tq × Tk matrix (streamed block of rows by block):
  column sums  Σ_i A[i, j], the attention each key receives (sinks stand out): [Tk] for 2-D
               inputs without --heads, else [H, Tk]
  entropy      each query row's −Σ_j A[i, j]·log2 A[i, j] in bits (0·log 0 = 0; a fully masked
               row: 0): [Tq], or [H, Tq]
Asked without --scores-out, --weights-out and --output-out, they need neither --v (nor --wv)
nor memory for any Tq × Tk matrix: the budget counts only what is kept (O(T·d) per thread).
--threads N computes on N threads (default every core); every result is the same for any N.
They are all written together, only when everything succeeded: each to a temporary file, flushed,
then renamed in the order scores, output, weights (a new weights file means the others are new).
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").)";

template <class S>
std::span<const std::byte> bytesOf(const Mat<S> &m)
{
    return {reinterpret_cast<const std::byte *>(m.data()), std::size_t(m.size()) * sizeof(S)};
}

struct Outputs {
    QString scores, weights, output, columnSums, entropy;
    bool stored() const { return !scores.isEmpty() || !weights.isEmpty() || !output.isEmpty(); }
    bool byProducts() const { return !columnSums.isEmpty() || !entropy.isEmpty(); }
};

/// Adds [H, n] (or [n] when `squeeze`) float64 from one vector per head.
template <class S>
Status addPerHead(OutputBatch &batch, const QString &path, const AttentionOverview<S> &ov, bool squeeze,
                  std::vector<double> HeadOverview<S>::*member)
{
    const auto n = std::int64_t((ov.heads.front().*member).size());
    Shape shape = {n};
    if (!squeeze)
        shape.insert(shape.begin(), std::int64_t(ov.heads.size()));
    const auto header = npyHeader(DType::F64, shape);
    std::vector<std::span<const std::byte>> parts{std::span<const std::byte>(header)};
    for (const auto &h : ov.heads)
        parts.push_back({reinterpret_cast<const std::byte *>((h.*member).data()), (h.*member).size() * sizeof(double)});
    return batch.add(path.toStdString(), parts);
}

/// The column sums and entropies of every head, streamed (computeOverview), written into `batch`
/// (its temporary files). The overview's warnings are said only when nothing is stored: the
/// stored path says the same ones.
template <class S>
Status addByProducts(OutputBatch &batch, const PreparedAttention<S> &prepared, const AttentionOptions &base,
                     const Outputs &out)
{
    OverviewOptions opt;
    opt.scale = base.scale;
    opt.temperature = base.temperature;
    opt.memoryBudget = base.memoryBudget;
    opt.columnSums = !out.columnSums.isEmpty();
    opt.entropy = !out.entropy.isEmpty();
    auto ov = computeOverview<S>(prepared.inputs, opt);
    if (!ov)
        return withBudgetHint(ov.error());
    if (!out.stored())
        warnAll(ov->warnings);
    const bool single = prepared.layout == HeadLayout::Single;
    if (opt.columnSums)
        if (auto st = addPerHead<S>(batch, out.columnSums, *ov, single, &HeadOverview<S>::columnSums); !st)
            return st;
    if (opt.entropy)
        if (auto st = addPerHead<S>(batch, out.entropy, *ov, single, &HeadOverview<S>::entropyBits); !st)
            return st;
    return okStatus();
}

/// Adds `[H, rows, cols]` (or `[rows, cols]` when `squeeze`) built from one matrix per head.
template <class S, class Get>
Status addStacked(OutputBatch &batch, const QString &path, const AttentionResult<S> &r, bool squeeze, Get get,
                  int renameRank = 0)
{
    const Mat<S> &first = get(r.heads.front());
    Shape shape = {first.rows(), first.cols()};
    if (!squeeze)
        shape.insert(shape.begin(), std::int64_t(r.heads.size()));
    const auto header = npyHeader(std::is_same_v<S, float> ? DType::F32 : DType::F64, shape);
    std::vector<std::span<const std::byte>> parts{std::span<const std::byte>(header)};
    for (const auto &h : r.heads)
        parts.push_back(bytesOf<S>(get(h)));
    return batch.add(path.toStdString(), parts, renameRank);
}

/// The stored stages asked for: scores, output, then weights (renamed last).
template <class S>
Status addStoredOutputs(OutputBatch &batch, const PreparedAttention<S> &prepared, const AttentionResult<S> &result,
                        const Outputs &out)
{
    const bool single = prepared.layout == HeadLayout::Single;
    if (!out.scores.isEmpty())
        if (auto st = addStacked<S>(batch, out.scores, result, single, [](const HeadResult<S> &h) -> const Mat<S> & { return h.scoresMasked; }); !st)
            return st;
    if (!out.output.isEmpty()) {
        Status st = okStatus();
        if (prepared.layout == HeadLayout::Stacked) {
            st = addStacked<S>(batch, out.output, result, false, [](const HeadResult<S> &h) -> const Mat<S> & { return h.output; });
        } else {
            std::vector<Mat<S>> parts;
            for (const auto &h : result.heads)
                parts.push_back(h.output);
            const Mat<S> joined = concatHeads(parts);
            const auto header = npyHeader(std::is_same_v<S, float> ? DType::F32 : DType::F64, {joined.rows(), joined.cols()});
            st = batch.add(out.output.toStdString(), {std::span<const std::byte>(header), bytesOf<S>(joined)});
        }
        if (!st)
            return st;
    }
    // Renamed last (rank 1): a new weights file after a crash means the others are new too.
    if (!out.weights.isEmpty())
        if (auto st = addStacked<S>(batch, out.weights, result, single, [](const HeadResult<S> &h) -> const Mat<S> & { return h.weights; }, 1); !st)
            return st;
    return okStatus();
}

template <class S>
int run(AttentionRequest req, const AttentionOptions &baseOpt, const Outputs &out)
{
    req.valuesOptional = !out.stored(); // the by-products alone need no V
    auto prepared = prepareAttention<S>(req);
    if (!prepared)
        return fail(prepared.error());
    for (const auto &w : prepared->warnings)
        warn(w);
    OutputBatch batch;
    if (out.byProducts())
        if (auto st = addByProducts<S>(batch, *prepared, baseOpt, out); !st)
            return fail(st.error());
    if (out.stored()) {
        // Only the stored stages, checked against what is left of the budget after the by-products.
        AttentionOptions opt = baseOpt;
        opt.keep = (out.scores.isEmpty() ? 0u : unsigned(KeepScoresMasked)) | (out.weights.isEmpty() ? 0u : unsigned(KeepWeights));
        auto result = computeAttention<S>(prepared->inputs, opt);
        if (!result)
            return fail(withBudgetHint(result.error()));
        warnAll(result->warnings);
        if (auto st = addStoredOutputs<S>(batch, *prepared, *result, out); !st)
            return fail(st.error());
    }
    if (auto st = batch.commit(); !st)
        return fail(st.error());

    const auto &h0 = prepared->inputs;
    std::printf("attention: %zu head(s) (%zu key/value), Tq = %lld, Tk = %lld, d_k = %lld, d_v = %s, %s, %d thread(s)\n",
                h0.q.size(), h0.k.size(), static_cast<long long>(h0.q[0].rows()), static_cast<long long>(h0.k[0].rows()),
                static_cast<long long>(h0.q[0].cols()),
                h0.v.empty() ? "- (no V needed)" : std::to_string(h0.v[0].cols()).c_str(),
                std::is_same_v<S, float> ? "float32" : "float64", threadCount());
    return kExitOk;
}

} // namespace

int attentionCommand(const QStringList &args)
{
    QCommandLineParser p;
    addAttentionInputOptions(p);
    addValueOption(p, "scores-out", "Write the masked, scaled scores the softmax receives.", "FILE.npy");
    addValueOption(p, "weights-out", "Write the attention weights.", "FILE.npy");
    addValueOption(p, "output-out", "Write the output A·V.", "FILE.npy");
    addValueOption(p, "column-sums-out", "Write Σ_i A[i, j] per key, float64, streamed.", "FILE.npy");
    addValueOption(p, "entropy-out", "Write each query row's entropy in bits, float64, streamed.", "FILE.npy");
    if (auto exit = parseOrExit(p, args, QString::fromUtf8(kUsage)))
        return *exit;

    Outputs out{p.value("scores-out"), p.value("weights-out"), p.value("output-out"), p.value("column-sums-out"),
                p.value("entropy-out")};
    std::set<QString> seen;
    for (const auto &path : {out.scores, out.weights, out.output, out.columnSums, out.entropy})
        if (!path.isEmpty() && !seen.insert(path).second)
            return fail("the output file " + path.toStdString() + " is named twice");
    auto inputs = readAttentionInputOptions(p);
    if (!inputs)
        return fail(inputs.error());
    return inputs->f64 ? run<double>(inputs->request, inputs->options, out)
                       : run<float>(inputs->request, inputs->options, out);
}

} // namespace attnscope::cli
