#pragma once
// An attention bundle in memory: attention dumped from a real model, with its tokens
// (docs/bundle-format.md). Reading one from a file is formats/bundle.h; the views of imported
// attention (attention_views.h) work on this struct alone.
//
//   attentions  [L, H, Tq, Tk] (fewer leading dimensions allowed)      required
//   tokens, key_tokens  .npz: `<U…` arrays; .safetensors: JSON lists under __metadata__
//   q, k, v     [L, H, T, d], or per layer q.0 … q.{L−1} [H, T, d_l] when the
//               layers' head sizes differ, so that the stages can be recomputed  optional
//   image_grid  [rows, cols]: the keys are image patches (Tk = rows·cols, or rows·cols + 1
//               with a leading [CLS] key)                                      optional

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tensor.h"

namespace attnscope {

/// A bundle: `attentions` [L, H, Tq, Tk] with optional tokens, per-layer q/k/v and image grid.
struct AttentionBundle {
    std::string path;
    Tensor attentions; ///< always [L, H, Tq, Tk]: missing leading dimensions are added as 1
    std::vector<std::string> tokens;    ///< Tq entries, or empty
    std::vector<std::string> keyTokens; ///< Tk entries; the query tokens when Tq == Tk and none given
    /// q, k, v layer by layer: q[l] is [H, Tq, d_l], k[l] and v[l] are [H_kv, Tk, d_l] (H_kv
    /// divides H: grouped-query heads). Empty when the bundle has none; else L entries each.
    std::vector<Tensor> q, k, v;
    int gridRows = 0, gridCols = 0;     ///< image_grid, 0 when absent
    bool leadingClsKey = false;         ///< Tk == rows·cols + 1
    /// Whether the model masked causally, when the file says: the metadata entry `causal`
    /// ("true" / "false", .safetensors) or a scalar array `causal` (non-zero: true, .npz).
    std::optional<bool> causal;
    /// `x` [L, Tq, d_model]: each layer's input to the attention, after the layer's norm (what
    /// Q, K and V are projected from), when the bundle came from a model.
    std::optional<Tensor> inputs;
    std::vector<std::int64_t> inputIds; ///< `input_ids` [Tq], when the bundle came from a model
    std::string model;                  ///< metadata `model`: the model that made it, or empty
    /// metadata `sliding_window`: query i attends keys i − w + 1 … i only (Mistral); 0: no window.
    int slidingWindow = 0;
    /// How a bare rank-4 tensor (not a bundle's `attentions`) was read, in one line, e.g.
    /// "w.npy: a bare [2, 4, 7, 7] tensor, read as [L, H, Tq, Tk]: 2 layers × 4 heads"; else empty.
    std::string layoutNote;

    std::int64_t layers() const { return attentions.shape[0]; }
    std::int64_t heads() const { return attentions.shape[1]; }
    std::int64_t queries() const { return attentions.shape[2]; }
    std::int64_t keys() const { return attentions.shape[3]; }
    bool hasQkv() const { return !q.empty() && !k.empty() && !v.empty(); }
};

/// Sets `b.layoutNote` when `b.attentions` came from a bare rank-4 tensor of `path` (not from a
/// bundle's `attentions`, which is [L, H, Tq, Tk] by definition): its first axis is taken for layers,
/// though a dumped [B, H, Tq, Tk] would be a batch.
void noteBareLayout(AttentionBundle &b, const std::string &path, int storedRank, bool fromBundle);

/// Layer `layer` of `t` [L, H, T, d]: a copy [H, T, d]. Requires rank 4 and 0 <= layer < L.
Tensor layerOf(const Tensor &t, std::int64_t layer);
/// The per-layer tensors stacked into [L, …] when they share dtype and shape (the 4-D form of a
/// bundle's q, k or v); nothing when they differ or `layers` is empty.
std::optional<Tensor> stackLayers(const std::vector<Tensor> &layers);

} // namespace attnscope
