#pragma once
// Attention bundles: attention dumped from real models, with its tokens (docs/bundle-format.md).
//
//   attentions  [L, H, Tq, Tk] (fewer leading dimensions allowed)      required
//   tokens, key_tokens  .npz: `<U…` arrays; .safetensors: JSON lists under __metadata__
//   q, k, v     [L, H, T, d] per layer, so that the stages can be recomputed   optional
//   image_grid  [rows, cols]: the keys are image patches (Tk = rows·cols, or rows·cols + 1
//               with a leading [CLS] key)                                      optional

#include <optional>
#include <string>
#include <vector>

#include "result.h"
#include "tensor.h"

namespace attnscope {

struct AttentionBundle {
    std::string path;
    Tensor attentions; ///< always [L, H, Tq, Tk]: missing leading dimensions are added as 1
    std::vector<std::string> tokens;    ///< Tq entries, or empty
    std::vector<std::string> keyTokens; ///< Tk entries; the query tokens when Tq == Tk and none given
    std::optional<Tensor> q, k, v;      ///< [L, H, T, d] when present
    int gridRows = 0, gridCols = 0;     ///< image_grid, 0 when absent
    bool leadingClsKey = false;         ///< Tk == rows·cols + 1

    std::int64_t layers() const { return attentions.shape[0]; }
    std::int64_t heads() const { return attentions.shape[1]; }
    std::int64_t queries() const { return attentions.shape[2]; }
    std::int64_t keys() const { return attentions.shape[3]; }
};

/// Reads a bundle (.npz or .safetensors), or a bare attention tensor given as a TENSOR spec
/// (then without tokens). Checks token counts and the grid against the attention's shape.
Result<AttentionBundle> readAttentionBundle(const std::string &spec);

} // namespace attnscope
