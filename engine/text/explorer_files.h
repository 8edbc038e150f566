#pragma once
// Opening files for the explorer window: a text file becomes a sentence, a tensor file with
// q/k/v (or x/wq/wk/wv) members or a bundle with per-layer q/k/v becomes a fixed setup, and a set
// of files named after their roles (q.npy, k.npy, v.npy, x.npy, wq.npy, …) likewise.

#include <memory>
#include <string>
#include <vector>

#include "attention_bundle.h"
#include "attention_request.h"
#include "explorer.h"

namespace attnscope {

class TensorFile;

struct ExplorerFile {
    std::shared_ptr<const ExplorerSetup> setup; ///< set for tensors
    std::string sentence;                       ///< set for text
};

/// Opens `path` by its kind (see above). `layer` picks a bundle's layer (-1: the last).
Result<ExplorerFile> openExplorerFile(const std::string &path, int layer = -1);

/// The setup of layer `layer` (-1: the last) of a bundle with q, k and v [L, H, T, d]: its tokens,
/// and a causal mask exactly when layerIsCausal() says so. An error names the file when the bundle
/// has no q/k/v or the layer is out of range.
Result<ExplorerSetup> setupFromBundle(const AttentionBundle &b, int layer);
/// The role a file's name gives it: its base name in lower case ("Q.npy" → "q"), with the
/// aliases "c" → "context" and "padding" → "key_padding".
std::string fileRole(const std::string &path);

/// The inputs a set of files gives, read but not yet checked against each other.
struct RoleInputs {
    AttentionRequest request;
    std::vector<std::string> tokens, keyTokens; ///< empty when no token file was given
};

/// Reads files named after their roles (see setupFromRoleFiles); an error names a file that
/// cannot be read or whose name is no role. Which roles are needed is the caller's to check.
Result<RoleInputs> readRoleFiles(const std::vector<std::string> &paths);
/// Reads the members of `f` (opened from `path`) named q, k, v, x, wq, wk, wv, context and its
/// tokens / key_tokens, whichever it has.
Result<RoleInputs> readTensorFileRoles(TensorFile &f, const std::string &path);
/// Runs `req` through the command line's checks (prepareAttention) and labels the result: the
/// tokens given, or the indices.
Result<ExplorerSetup> setupFromRequest(const AttentionRequest &req, std::vector<std::string> queryTokens,
                                       std::vector<std::string> keyTokens);

/// Builds a setup from files named after their roles: q, k, v; or x, wq, wk, wv and optionally
/// context (or c); optionally mask, key_padding, and tokens / key_tokens (.txt, one per line).
Result<ExplorerSetup> setupFromRoleFiles(const std::vector<std::string> &paths);

} // namespace attnscope
