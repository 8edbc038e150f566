#pragma once
// From tensors as users hand them over (files of Q, K, V, or of X and the projection weights,
// with masks) to the per-head matrices of AttentionInputs, checking every shape on the way.
//
// Layouts: Q, K and V are [T, d] (one head, or N heads split from d as nn.MultiheadAttention
// does), [H, T, d], or [B, H, T, d] with one batch item selected. Q, K and V have the same rank.

#include <optional>
#include <string>
#include <vector>

#include "attention.h"

namespace attnscope {

/// A tensor and where it came from ("q.npy"), for messages.
struct NamedTensor {
    std::string source;
    Tensor tensor;
    std::vector<std::string> warnings = {}; ///< from the reader, e.g. "q.csv: the first row … is taken as column names"
};

struct AttentionRequest {
    std::optional<NamedTensor> q, k, v;              ///< given directly, or
    std::optional<NamedTensor> x, wq, wk, wv, context; ///< projected: Q = X·Wq, K = C·Wk, V = C·Wv
    int heads = 0;          ///< > 0: split 2-D inputs into this many heads
    std::int64_t batch = 0; ///< the batch item of 4-D inputs
    bool causal = false;                   ///< query i attends keys 0..i (top-left aligned, also when Tq ≠ Tk)
    /// [Tq, Tk], [H, Tq, Tk] or [B, H, Tq, Tk] (H may be 1): bool/int non-zero = may attend
    /// (torch SDPA's bool attn_mask), float = added to the scaled scores (-inf blocks).
    std::optional<NamedTensor> mask;
    /// [Tk] or [B, Tk]: bool/int non-zero = padding, never attended (nn.MultiheadAttention's
    /// key_padding_mask); float = added to every query's scores, as torch adds a float one.
    std::optional<NamedTensor> keyPadding;
    /// [Tk] or [B, Tk], bool/int, Hugging Face's attention_mask: non-zero = keep, 0 = padding.
    std::optional<NamedTensor> attentionMask;
    /// V (or Wv) may be left out: only the weights are wanted (computeOverview); inputs.v stays
    /// empty then.
    bool valuesOptional = false;
};

/// How the outputs are shaped, following the inputs.
enum class HeadLayout {
    Single,  ///< 2-D inputs without a split: weights [Tq, Tk], output [Tq, dv]
    Split,   ///< 2-D inputs split into heads: weights [H, Tq, Tk], output [Tq, H·dv]
    Stacked, ///< 3-D or 4-D inputs: weights [H, Tq, Tk], output [H, Tq, dv]
};

template <class S>
struct PreparedAttention {
    AttentionInputs<S> inputs;
    HeadLayout layout = HeadLayout::Single;
    std::vector<std::string> warnings; ///< non-finite inputs and the like
};

/// Checks the request against the layout rules and builds the per-head inputs.
template <class S>
Result<PreparedAttention<S>> prepareAttention(const AttentionRequest &req);

} // namespace attnscope
