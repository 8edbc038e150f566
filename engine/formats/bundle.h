#pragma once
// Reading attention bundles (docs/bundle-format.md). The struct and its members are
// math/attention_bundle.h, so that the math on bundles needs no file reading.

#include <cstdint>
#include <optional>
#include <string>

#include "attention_bundle.h"
#include "attention_request.h"
#include "result.h"

namespace attnscope {

/// Whether layer `layer` of `b` attends causally: the bundle says so (`causal`), or, when it says
/// nothing, Tq == Tk and every head of the layer is exactly 0 above the diagonal.
bool layerIsCausal(const AttentionBundle &b, std::int64_t layer);

/// Whether the file at `path` is an attention bundle: it holds an array `attentions`. False for a
/// file that cannot be opened (its reader says why when it is read).
bool isBundleFile(const std::string &path);

/// One layer of a bundle's q, k or v, as `attention` and `stages` take them: the TENSOR `spec`
/// names an array [L, H, T, d] (`FILE:q`), the stem of per-layer arrays q.0 … q.{L−1} (also
/// `FILE:q`), or one per-layer array (`FILE:q.3`, which is its own layer: `layer` must then be
/// unset or 3). `layer` is 0-based, default the last. The result is [H, T, d], its source `spec`
/// with the layer ("b.npz:q, layer 11"). Errors name the file and the layers there are.
Result<NamedTensor> readBundleLayer(const std::string &spec, std::optional<std::int64_t> layer);

/// Reads a bundle (.npz or .safetensors), or a bare attention tensor given as a TENSOR spec
/// (then without tokens). Checks token counts and the grid against the attention's shape.
Result<AttentionBundle> readAttentionBundle(const std::string &spec);

} // namespace attnscope
