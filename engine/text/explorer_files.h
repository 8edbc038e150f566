#pragma once
// Opening files for the explorer window: a text file becomes a sentence, a tensor file with
// q/k/v (or x/wq/wk/wv) members or a bundle with per-layer q/k/v becomes a fixed setup, and a set
// of files named after their roles (q.npy, k.npy, v.npy, x.npy, wq.npy, …) likewise.

#include <memory>
#include <string>
#include <vector>

#include "explorer.h"

namespace attnscope {

struct ExplorerFile {
    std::shared_ptr<const ExplorerSetup> setup; ///< set for tensors
    std::string sentence;                       ///< set for text
};

/// Opens `path` by its kind (see above). `layer` picks a bundle's layer (-1: the last).
Result<ExplorerFile> openExplorerFile(const std::string &path, int layer = -1);

/// Builds a setup from files named after their roles: q, k, v; or x, wq, wk, wv and optionally
/// context (or c); optionally mask, key_padding, and tokens / key_tokens (.txt, one per line).
Result<ExplorerSetup> setupFromRoleFiles(const std::vector<std::string> &paths);

} // namespace attnscope
