#pragma once
// "What if": a token's query or key vector replaced by hand, before the scores, so that the
// scores, the softmax and the output follow. See docs/story.md.

#include <vector>

#include "explorer_setup.h"

namespace attnscope {

/// One hand-edited vector: row `token` of head `head`'s Q, or of the K head it reads.
struct VectorOverride {
    enum class Target { Query, Key };
    Target target = Target::Query;
    int head = 0;
    int token = 0;
    std::vector<double> values; ///< the new row, d_k numbers
    bool operator==(const VectorOverride &) const = default;
};

/// `setup` with every override applied (later ones win on the same row). Refuses an override
/// whose head or token does not exist, whose length is not d_k, or whose values are not finite.
Result<ExplorerSetup> applyOverrides(const ExplorerSetup &setup, const std::vector<VectorOverride> &overrides);

/// `list` with `o` in place of any override of the same target, head and token (or appended).
std::vector<VectorOverride> withOverride(std::vector<VectorOverride> list, const VectorOverride &o);

} // namespace attnscope
