// attnscope-cli attention: the staged pipeline on tensor files, outputs as .npy.

#include <QCommandLineParser>

#include <cstdio>
#include <set>
#include <span>

#include "attention_request.h"
#include "attention_options.h"
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
    [--memory-budget SIZE]

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
They are written together, only when everything succeeded: each to a temporary file, flushed,
then renamed in the order scores, output, weights (a new weights file means the others are new).
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").)";

template <class S>
std::span<const std::byte> bytesOf(const Mat<S> &m)
{
    return {reinterpret_cast<const std::byte *>(m.data()), std::size_t(m.size()) * sizeof(S)};
}

struct Outputs {
    QString scores, weights, output;
};

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

template <class S>
int run(const AttentionRequest &req, const AttentionOptions &baseOpt, const Outputs &out)
{
    auto prepared = prepareAttention<S>(req);
    if (!prepared)
        return fail(prepared.error());
    for (const auto &w : prepared->warnings)
        warn(w);
    AttentionOptions opt = baseOpt;
    opt.keep = (out.scores.isEmpty() ? 0u : unsigned(KeepScoresMasked)) | (out.weights.isEmpty() ? 0u : unsigned(KeepWeights));
    auto result = computeAttention<S>(prepared->inputs, opt);
    if (!result && result.error().code == Error::Code::OverBudget)
        return fail(result.error().message + " (set the budget with --memory-budget)");
    if (!result)
        return fail(result.error());
    for (const auto &w : result->warnings)
        warn(w);

    const bool single = prepared->layout == HeadLayout::Single;
    OutputBatch batch;
    if (!out.scores.isEmpty())
        if (auto st = addStacked<S>(batch, out.scores, *result, single, [](const HeadResult<S> &h) -> const Mat<S> & { return h.scoresMasked; }); !st)
            return fail(st.error());
    if (!out.output.isEmpty()) {
        Status st = okStatus();
        if (prepared->layout == HeadLayout::Stacked) {
            st = addStacked<S>(batch, out.output, *result, false, [](const HeadResult<S> &h) -> const Mat<S> & { return h.output; });
        } else {
            std::vector<Mat<S>> parts;
            for (const auto &h : result->heads)
                parts.push_back(h.output);
            const Mat<S> joined = concatHeads(parts);
            const auto header = npyHeader(std::is_same_v<S, float> ? DType::F32 : DType::F64, {joined.rows(), joined.cols()});
            st = batch.add(out.output.toStdString(), {std::span<const std::byte>(header), bytesOf<S>(joined)});
        }
        if (!st)
            return fail(st.error());
    }
    // Renamed last (rank 1): a new weights file after a crash means the others are new too.
    if (!out.weights.isEmpty())
        if (auto st = addStacked<S>(batch, out.weights, *result, single, [](const HeadResult<S> &h) -> const Mat<S> & { return h.weights; }, 1); !st)
            return fail(st.error());
    if (auto st = batch.commit(); !st)
        return fail(st.error());

    const auto &h0 = prepared->inputs;
    std::printf("attention: %zu head(s) (%zu key/value), Tq = %lld, Tk = %lld, d_k = %lld, d_v = %lld, %s\n",
                h0.q.size(), h0.k.size(), static_cast<long long>(h0.q[0].rows()), static_cast<long long>(h0.k[0].rows()),
                static_cast<long long>(h0.q[0].cols()), static_cast<long long>(h0.v[0].cols()),
                std::is_same_v<S, float> ? "float32" : "float64");
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
    if (auto exit = parseOrExit(p, args, QString::fromUtf8(kUsage)))
        return *exit;

    Outputs out{p.value("scores-out"), p.value("weights-out"), p.value("output-out")};
    std::set<QString> seen;
    for (const auto &path : {out.scores, out.weights, out.output})
        if (!path.isEmpty() && !seen.insert(path).second)
            return fail("the output file " + path.toStdString() + " is named twice");
    auto inputs = readAttentionInputOptions(p);
    if (!inputs)
        return fail(inputs.error());
    return inputs->f64 ? run<double>(inputs->request, inputs->options, out)
                       : run<float>(inputs->request, inputs->options, out);
}

} // namespace attnscope::cli
