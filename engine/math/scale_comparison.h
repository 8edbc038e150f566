#pragma once
// The √d_k lesson as numbers: the same raw scores S = Q·Kᵀ of one head under 1/√d_k, 1/d_k and
// no scaling, each softmaxed (the mask applied), with each row's entropy and the spread of the
// scaled scores. Rows are queries, columns keys.
//
// Choosing another d_k than the head's own: the raw scores are rescaled "as if" the head had
// d_k dimensions. A score is a sum of d_k products q_i·k_i; for entries of comparable size the
// sum's standard deviation grows like √d_k, so S is multiplied by √(d_k shown / d_k of the head).
// No new embeddings are drawn: the pattern stays the same and only its magnitude changes, which
// is exactly what each scaling then does or fails to undo.

#include <array>
#include <vector>

#include "attention.h"

namespace attnscope {

/// One scaling of the raw scores.
struct ScalingVariant {
    ScaleSpec::Mode mode = ScaleSpec::Mode::Sqrt; ///< Sqrt (1/√d_k), Dim (1/d_k) or None
    double factor = 1;                            ///< the multiplier at the comparison's d_k
    Mat<double> scaled;  ///< [Tq, Tk] S·factor; −∞ where the mask blocks
    Mat<double> weights; ///< [Tq, Tk] softmax of each row of `scaled`; each row sums to 1 within 1e-12, or is all 0 when fully masked
    std::vector<double> rowEntropyBits; ///< [Tq] −Σ_j a_ij log₂ a_ij (0·log 0 = 0); 0 for a fully masked row
    double scaledStd = 0; ///< population standard deviation of `scaled` over the cells not blocked (0 if none)
};

/// The three scalings of the same scores, in the order Sqrt, Dim, None.
struct ScaleComparison {
    int dk = 1;             ///< the d_k the factors and the rescaled scores are for
    double scoreGrowth = 1; ///< √(dk / the head's own d_k): what the raw scores were multiplied by
    Mat<double> raw;        ///< [Tq, Tk] the (rescaled) raw scores
    std::array<ScalingVariant, 3> variants;
};

/// Compares the scalings of `raw` ([Tq, Tk], the head's Q·Kᵀ at head size `headDk`) at head size
/// `dk`, with `blocked` ([Tq, Tk], true = masked; empty = nothing masked). Requires headDk ≥ 1,
/// dk ≥ 1 and `blocked` empty or of raw's shape. Non-finite raw scores are treated as blocked.
ScaleComparison compareScalings(const Mat<double> &raw, const BoolMat &blocked, int headDk, int dk);

/// Entropy in bits of one row of weights: −Σ a log₂ a over a > 0.
double entropyBits(const double *row, Eigen::Index n);

} // namespace attnscope
