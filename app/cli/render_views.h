#pragma once
// What `render` draws of the word-level views (view_options.h): token files into the bundle, the
// engine's view, the picture's labels ("TEXT #i") and the default title. Apart from
// cmd_render.cpp so that the command's other branches (--bare, --image, --view) stay short.

#include <QString>

#include <string>
#include <utility>
#include <vector>

#include "attention_views.h"
#include "result.h"
#include "view_options.h"

namespace attnscope::cli {

/// --tokens / --key-tokens (file names, empty when not given) replace the bundle's tokens (their
/// counts checked), so that LIST texts and merging see them too. For square attention the
/// --tokens file labels the keys as well unless --key-tokens is given.
Status applyTokenFiles(const QString &tokensFile, const QString &keyTokensFile, AttentionBundle &b);

/// The engine's view of the options: head `head` of layer `layer`, or fused, or rolled out;
/// hidden; merged. Errors about hiding start with "--hide-tokens: ".
Result<ViewResult> computeRenderView(const ViewOptions &o, const AttentionBundle &b, int layer, int head);

/// The picture's row and column labels: "TEXT #i" after hiding (pictureRowLabels), and always
/// for a `combine` .npz that carries the original indices (query_index, key_index).
Result<std::pair<std::vector<std::string>, std::vector<std::string>>> pictureLabels(const AttentionBundle &b,
                                                                                     const ViewResult &v);

/// The file and what is selected, as the window titles its heatmap ("demo.npz — mean of 12
/// heads, layer 3"); a file of one matrix (one layer, one head) shown as it is: the file alone.
QString defaultTitle(const AttentionBundle &b, ViewRequest::Mode mode, const ViewResult &v);

} // namespace attnscope::cli
