#pragma once
// The word-level view options `combine` and `render` share, read into an engine ViewRequest
// (attention_views.h) so that both commands compute exactly what the window shows:
//   --fuse mean|max|min  --rollout  --discard-ratio R  --merge-subwords
//   --hide-tokens LIST (token_list.h; several add up)  --hide-rows  --renormalize

#include <QCommandLineParser>

#include "attention_views.h"
#include "result.h"

namespace attnscope::cli {

/// The options as given; `hideLists` are resolved against a bundle's tokens by hiddenKeys.
struct ViewOptions {
    ViewRequest request; ///< mode, fusion, discardRatio, mergeSubwords, hideRows, renormalize set
    bool fuseGiven = false;
    QStringList hideLists;
};

/// Reads the options above (each command adds them with its own help texts). `defaultMode` is
/// the mode without --fuse or --rollout. Errors: --fuse not mean/max/min, --discard-ratio
/// without --rollout or outside [0, 1), --hide-rows without --hide-tokens.
Result<ViewOptions> readViewOptions(const QCommandLineParser &p, ViewRequest::Mode defaultMode);

/// The keys named by every --hide-tokens LIST among `b`'s key tokens (as stored; indices only
/// when it has none), ascending. Errors start with "--hide-tokens: " and name every bad item.
Result<std::vector<int>> hiddenKeys(const ViewOptions &o, const AttentionBundle &b);

} // namespace attnscope::cli
