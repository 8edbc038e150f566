#pragma once
// The computation behind one cell, with real numbers, for the detail panel: the terms of q·k,
// the scaling, the mask, the exponentials and normalisation of the softmax, and for the output
// the weighted sum of V rows. Recomputed here in double from the head's Q, K and V, so the
// panel never trusts what it explains.

#include <string>
#include <vector>

#include "explorer_setup.h"

namespace attnscope {

struct CellExplanation {
    Stage stage = Stage::Weights;
    int row = 0, col = 0; ///< query row; key column (or output column for Stage::Output)
    std::vector<double> q, k;           ///< q_row and k_col (d_k entries)
    double raw = 0;                      ///< Σ q_i k_i
    double factor = 1;                   ///< the scale multiplier
    double temperature = 1;
    double scaled = 0;                   ///< raw · factor / τ
    double additive = 0;                 ///< from an additive mask
    bool blocked = false;                ///< masked out (causal, boolean or padding)
    std::string blockedBy;               ///< "causal", "mask", "padding"
    double masked = 0;                   ///< what the softmax receives (-inf when blocked)
    double rowMax = 0;                   ///< max over the row of masked
    double expValue = 0;                 ///< exp(masked − rowMax)
    double expSum = 0;                   ///< Σ_j exp(masked_j − rowMax)
    double weight = 0;                   ///< expValue / expSum (0 when the row is fully masked)
    std::vector<double> rowWeights;      ///< Stage::Output: a_row,j for every key j
    std::vector<double> vColumn;         ///< Stage::Output: v_j,col for every key j
    double output = 0;                   ///< Σ_j a_row,j v_j,col
};

/// Explains cell (row, col) of `stage` for head `head` of `setup`. Requires valid indices.
CellExplanation explainCell(const ExplorerSetup &setup, int head, const ScaleSpec &scale, double temperature,
                            Stage stage, int row, int col);

} // namespace attnscope
