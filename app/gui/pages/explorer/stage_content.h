#pragma once
// What each stage shows: which matrices, with which labels and colour scales, and the one line
// that says what happened, with its formula. Pure functions of a computed state.

#include <QString>
#include <QStringList>

#include <vector>

#include "explorer_session.h"
#include "heatmap_view.h"
#include "text.h" // toQStringList, indexLabels

namespace attnscope {

/// Up to three heatmaps for a stage (Inputs: X and C; Q, K, V: three; others: one).
std::vector<HeatmapView::Content> stageContents(const ExplorerState &s, Stage stage);

/// One line with the formula, e.g. "A = softmax(row) — exp(s − max) / Σ exp; each row sums to 1".
QString stageExplanation(const ExplorerState &s, Stage stage);

/// The status-bar text for a hovered cell of the stage's first heatmap: value, tokens and, for
/// weights, the row sum, its entropy and the top-3 keys.
QString hoverText(const ExplorerState &s, Stage stage, int row, int col);

} // namespace attnscope
