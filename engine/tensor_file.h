#pragma once
// One entry point for every tensor a user names: `path` (the format is recognised from the
// file's content) — the place where later formats plug in.

#include <string>

#include "attention_request.h"
#include "result.h"

namespace attnscope {

/// Reads the tensor named by `spec`. The result's source is `spec`.
Result<NamedTensor> readTensor(const std::string &spec);

} // namespace attnscope
