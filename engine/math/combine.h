#pragma once
// Combining attention over heads and layers, and the normalisations the heatmaps use. Matrices
// are row-major; rows are queries, columns are keys. Everything is computed in double.
//
//   F_l      = mean | max | min over the heads of layer l, elementwise         [Tq, Tk]
//   F'_l     = F_l with its ⌊R·(T²−T)⌋ smallest off-diagonal entries set to 0
//   Ã_l      = (F'_l + I) / 2, each row divided by its sum                      [T, T]
//   rollout  = Ã_L · … · Ã_1 · Ã_0 (layer 0 applied first)                     [T, T]
// (attention rollout: Abnar & Zuidema, "Quantifying Attention Flow in Transformers", 2020.)
//
// The functions here assume valid arguments (they assert); user input is checked first with
// checkAttentionValues and the shapes, as `attnscope-cli combine` does. hideTokens checks its
// indices itself and returns an error.

#include <limits>
#include <string>
#include <vector>

#include "result.h"
#include "tensor.h"

namespace attnscope {

/// How the heads of a layer are reduced.
enum class Fusion { Mean, Max, Min };

/// "mean", "max" or "min".
Result<Fusion> parseFusion(const std::string &text);
/// "mean", "max" or "min".
const char *fusionName(Fusion fusion);

/// The heads of layer `layer` of `attn4d` [L, H, Tq, Tk] reduced elementwise: [Tq, Tk].
/// Requires rank 4, H >= 1, 0 <= layer < L. Mean adds the heads in head order, then divides by H.
Mat<double> fuseHeads(const Tensor &attn4d, int layer, Fusion fusion);

/// Bytes `attnscope-cli combine` holds at its peak for [Tq, Tk] attention beside the input:
/// 24·Tq·Tk for one fused layer (the fused matrix and one head in double, then the float32
/// output), 36·T² for rollout (the product so far, the fused layer, Ã and the new product;
/// discarding holds an index per entry instead). Measured as peak RSS less the input and a
/// 4×4 run, at [3, 2, 3000, 3000]: 22.6 and 32.6 bytes per cell (README, "Memory").
std::uint64_t combineBytesNeeded(std::int64_t tq, std::int64_t tk, bool rollout);

/// How many off-diagonal entries of a T×T matrix discardSmallest zeroes: ⌊ratio·(T²−T)⌋.
std::int64_t discardCount(std::int64_t t, double ratio);

/// `m` [T, T] with its discardCount(T, ratio) smallest off-diagonal entries set to 0, chosen over
/// the whole matrix; among equal values the earlier row-major position goes first. The diagonal
/// is never touched. Requires a square matrix without NaN and 0 <= ratio < 1.
Mat<double> discardSmallest(const Mat<double> &m, double ratio);

/// Attention rollout over layers 0..lastLayer of `attn4d` [L, H, T, T] (see the top of this
/// file): [T, T]. Requires Tq = Tk, 0 <= lastLayer < L, 0 <= discardRatio < 1, and entries that
/// are finite and >= 0 (so every row of F' + I sums to at least 1). Each row of the result
/// sums to 1 within 1e-12 for a few dozen layers; its entries are >= 0.
Mat<double> rollout(const Tensor &attn4d, int lastLayer, Fusion fusion, double discardRatio = 0.0);

/// `m` [Tq, Tk] without the key columns listed in `hidden` (0-based; duplicates count once),
/// the others kept in order: [Tq, Tk − distinct hidden]. With `renormalize` each row is divided
/// by its sum; a row whose remaining entries sum to 0 (nothing left) stays as it is and one
/// warning naming such rows is appended to `warnings`. An empty `hidden` with `renormalize`
/// only renormalises. Errors (BadArgument): an index outside 0..Tk−1, or every key hidden.
Result<Mat<double>> hideTokens(const Mat<double> &m, const std::vector<int> &hidden, bool renormalize,
                               std::vector<std::string> &warnings);

/// Each row's finite entries mapped linearly from the row's min..max to 0..1; a row whose finite
/// entries are all equal becomes 0 there; non-finite entries are kept as they are. Same shape.
Mat<double> normalizeRows(const Mat<double> &m);
/// As normalizeRows, per column.
Mat<double> normalizeColumns(const Mat<double> &m);
/// As normalizeRows, over the whole matrix.
Mat<double> normalizeGlobal(const Mat<double> &m);

/// log10 of each entry, never below `floor`: entries <= 0 become `floor` (by default -inf, which
/// the heatmaps draw as "nothing"); NaN stays NaN. Same shape.
Mat<double> log10Values(const Mat<double> &m, double floor = -std::numeric_limits<double>::infinity());

/// Checks that layers firstLayer..lastLayer of `attn4d` [L, H, Tq, Tk] hold only finite values
/// and, with `nonNegative`, none below 0. The error (BadArgument) starts with `what` and names
/// the first offending element [l, h, q, k]. Requires 0 <= firstLayer <= lastLayer < L.
Status checkAttentionValues(const Tensor &attn4d, int firstLayer, int lastLayer, bool nonNegative,
                            const std::string &what);

} // namespace attnscope
