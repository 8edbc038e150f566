#pragma once
// Writing attention bundles (docs/bundle-format.md): .npz (numpy's zip, stored) or .safetensors,
// by the file's extension, atomically (a temporary file renamed over the target).

#include <string>
#include <vector>

#include "attention_bundle.h"
#include "result.h"

namespace attnscope {

/// Writes `b` to `path` (.npz or .safetensors): attentions, tokens, key_tokens (when they differ
/// from tokens), q, k, v, x, input_ids, image_grid, causal, and the metadata `model` and
/// `sliding_window` when set. A failure leaves an existing file at `path` untouched.
Status writeAttentionBundle(const AttentionBundle &b, const std::string &path);

/// One array of an .npz: a tensor (borrowed; it must outlive the call), or, when `tensor` is
/// null, a 1-D unicode array `<U` of `strings`.
struct NpzArray {
    std::string name; ///< the key, without ".npy"
    const Tensor *tensor = nullptr;
    std::vector<std::string> strings;
};

/// Writes `arrays` in this order as numpy's savez does (stored members NAME.npy), atomically:
/// a failure leaves an existing file at `path` untouched.
Status writeNpzArrays(const std::vector<NpzArray> &arrays, const std::string &path);

} // namespace attnscope
