#pragma once
// The staged attention pipeline. Matrices are row-major; rows are queries, columns are keys.
//
//   Q = X·Wq, K = C·Wk, V = C·Wv                    (projection.h)
//   raw    = Q·Kᵀ                                   [Tq, Tk]
//   scaled = raw · scale / τ                        scale: 1/√d_k, 1/d_k, 1 or a number
//   masked = scaled + additive, -inf where not allowed (causal, boolean mask, key padding)
//   A      = softmax of each row of masked          (row max subtracted; fully masked rows → 0)
//   O      = A·V                                    [Tq, dv]
//
// Heads are independent; with grouped-query attention query head h reads key/value head
// ⌊h·H_kv/H_q⌋. Rows are processed in blocks that stay in cache from the scores through the
// softmax to A·V; only the stages asked for are stored.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "memory_budget.h"
#include "result.h"
#include "stages.h"
#include "tensor.h"

namespace attnscope {

/// Bit flags naming the T×T stages to keep (Output is always kept).
enum KeepFlags : unsigned {
    KeepNone = 0,
    KeepScoresRaw = 1u << 0,
    KeepScoresScaled = 1u << 1,
    KeepScoresMasked = 1u << 2,
    KeepWeights = 1u << 3,
    KeepAll = KeepScoresRaw | KeepScoresScaled | KeepScoresMasked | KeepWeights,
};

/// How the raw scores are multiplied before the softmax.
struct ScaleSpec {
    enum class Mode { Sqrt, Dim, None, Custom };
    Mode mode = Mode::Sqrt;
    double custom = 1.0; ///< the multiplier when mode == Custom

    /// The multiplier for head size `dk`: 1/√dk, 1/dk, 1 or `custom`.
    double factor(std::int64_t dk) const;
    /// "sqrt", "dim", "none" or a finite number.
    static Result<ScaleSpec> parse(const std::string &text);
};

/// Boolean matrix, row-major; true = may attend.
using BoolMat = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Every mask kind; they combine. Per-head lists hold nothing, one matrix shared by all heads,
/// or one per query head.
template <class S>
struct MaskSpec {
    bool causal = false;              ///< query i may attend keys 0..i (top-left aligned)
    std::vector<BoolMat> allowed;     ///< [Tq, Tk]; false = never attended
    std::vector<Mat<S>> additive;     ///< [Tq, Tk]; added to the scaled scores (may hold -inf)
    std::vector<bool> keyPadding;     ///< [Tk]; true = padding, never attended
    std::vector<S> keyAdditive;       ///< [Tk]; added to every row's scaled scores (a float key padding mask, as torch adds it)

    /// Query head `head`'s entry of a per-head list (`allowed` or `additive`, not empty): the
    /// only one, or its own.
    template <class M>
    static const M &forHead(const std::vector<M> &perHead, std::size_t head)
    {
        return perHead[perHead.size() == 1 ? 0 : head];
    }
};

struct AttentionOptions {
    ScaleSpec scale;
    double temperature = 1.0;      ///< τ > 0; divides the scaled scores
    unsigned keep = KeepWeights;   ///< KeepFlags
    std::uint64_t memoryBudget = 0; ///< bytes; 0 = memoryBudget(), the process-wide budget
    /// Checked between row blocks; when it becomes true the computation stops with Cancelled.
    const std::atomic<bool> *cancel = nullptr;
};

/// Per-head inputs: Q [Tq, dk] × Hq, K [Tk, dk] × Hkv, V [Tk, dv] × Hkv, Hq a multiple of Hkv.
template <class S>
struct AttentionInputs {
    std::vector<Mat<S>> q, k, v;
    MaskSpec<S> mask;

    /// The key/value head that query head `h` reads: with grouped-query attention, q.size() /
    /// k.size() consecutive query heads share one.
    std::size_t kvHeadOf(std::size_t h) const { return h * k.size() / q.size(); }
};

template <class S>
struct HeadResult {
    int kvHead = 0;
    Mat<S> scoresRaw, scoresScaled, scoresMasked; ///< [Tq, Tk], empty unless kept
    Mat<S> weights; ///< [Tq, Tk]; each row sums to 1 within 1e-6, or is all zero when fully masked
    Mat<S> output;  ///< [Tq, dv]
    std::vector<std::int64_t> fullyMaskedRows;
};

/// The member of HeadResult that holds the matrix of `stage` (Scores, Scaled, Masked, Weights,
/// Output); nullptr for Inputs and Qkv, whose matrices are the inputs.
template <class S>
constexpr Mat<S> HeadResult<S>::*headResultMember(Stage stage)
{
    switch (stage) {
    case Stage::Scores: return &HeadResult<S>::scoresRaw;
    case Stage::Scaled: return &HeadResult<S>::scoresScaled;
    case Stage::Masked: return &HeadResult<S>::scoresMasked;
    case Stage::Weights: return &HeadResult<S>::weights;
    case Stage::Output: return &HeadResult<S>::output;
    case Stage::Inputs:
    case Stage::Qkv: break;
    }
    return nullptr;
}

template <class S>
struct AttentionResult {
    std::vector<HeadResult<S>> heads;
    std::vector<std::string> warnings;
};


/// Bytes the pipeline will allocate for these sizes and options (stored stages, outputs and
/// working blocks).
std::uint64_t attentionBytesNeeded(std::int64_t heads, std::int64_t tq, std::int64_t tk, std::int64_t dv,
                                   unsigned keep, std::size_t scalarSize);

/// Checks shapes, then runs the pipeline. Refuses (OverBudget, before allocating) when the
/// stored stages and working blocks would not fit what is left of the budget (reserveMemory:
/// the heap already in use, the inputs included, counts). Warns about fully masked rows.
template <class S>
Result<AttentionResult<S>> computeAttention(const AttentionInputs<S> &in, const AttentionOptions &opt);

/// [Tq, Tk]: true where `mask` blocks query i from key j for query head `head` — causal, false in
/// the boolean mask, a padded key, or −inf in an additive mask (the additive and key masks
/// summed, as computeAttention adds them) — exactly the cells computeAttention sets to −inf.
/// Requires the mask's shapes to match Tq × Tk (computeAttention's checks). No mask: all false.
template <class S>
BoolMat blockedPositions(const MaskSpec<S> &mask, std::size_t head, std::int64_t tq, std::int64_t tk);

/// Splits the columns of `m` into `n` contiguous slices (nn.MultiheadAttention's layout).
template <class S>
std::vector<Mat<S>> splitHeads(const Mat<S> &m, int n);
/// Concatenates head outputs side by side, in head order.
template <class S>
Mat<S> concatHeads(const std::vector<Mat<S>> &heads);

/// Numerically stable softmax of each row in place: subtract the row max, exp, normalise.
/// Rows whose entries are all -inf become zero; their indices are appended to `fullyMasked`
/// (offset by `rowOffset`).
template <class S>
void softmaxRowsInPlace(Eigen::Ref<Mat<S>> rows, std::vector<std::int64_t> &fullyMasked,
                        std::int64_t rowOffset = 0);

} // namespace attnscope
