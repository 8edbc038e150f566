#pragma once
// Writing attention bundles (docs/bundle-format.md): .npz (numpy's zip, stored) or .safetensors,
// by the file's extension, atomically (a temporary file renamed over the target).

#include <string>

#include "attention_bundle.h"
#include "result.h"

namespace attnscope {

/// Writes `b` to `path` (.npz or .safetensors): attentions, tokens, key_tokens (when they differ
/// from tokens), q, k, v, x, input_ids, image_grid, causal, and the metadata `model` and
/// `sliding_window` when set. A failure leaves an existing file at `path` untouched.
Status writeAttentionBundle(const AttentionBundle &b, const std::string &path);

} // namespace attnscope
