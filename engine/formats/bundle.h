#pragma once
// Reading attention bundles (docs/bundle-format.md). The struct and its members are
// math/attention_bundle.h, so that the math on bundles needs no file reading.

#include <string>

#include "attention_bundle.h"
#include "result.h"

namespace attnscope {

/// Reads a bundle (.npz or .safetensors), or a bare attention tensor given as a TENSOR spec
/// (then without tokens). Checks token counts and the grid against the attention's shape.
Result<AttentionBundle> readAttentionBundle(const std::string &spec);

} // namespace attnscope
