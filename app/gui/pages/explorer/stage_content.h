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

/// The Output stage's matrix A·V with row `row` replaced by the sum of its first `terms` terms,
/// Σ_{j < terms} a_row,j · v_j (Play builds the sum up one term at a time).
Mat<double> partialOutput(const ExplorerState &s, int row, int terms);

/// The line that says which terms are in the sum: "o_3 (“sat”) = a_3,0·v_0 + … + a_3,2·v_2 —
/// 3 of 11 terms; the last added: a_3,2 = 0.214 × v_2 (“on”)".
QString partialSumText(const ExplorerState &s, int row, int terms);

} // namespace attnscope
