#pragma once
// Reading attention bundles (docs/bundle-format.md). The struct and its members are
// math/attention_bundle.h, so that the math on bundles needs no file reading.

#include <cstdint>
#include <string>

#include "attention_bundle.h"
#include "result.h"

namespace attnscope {

/// Whether layer `layer` of `b` attends causally: the bundle says so (`causal`), or, when it says
/// nothing, Tq == Tk and every head of the layer is exactly 0 above the diagonal.
bool layerIsCausal(const AttentionBundle &b, std::int64_t layer);

/// Reads a bundle (.npz or .safetensors), or a bare attention tensor given as a TENSOR spec
/// (then without tokens). Checks token counts and the grid against the attention's shape.
Result<AttentionBundle> readAttentionBundle(const std::string &spec);

} // namespace attnscope
