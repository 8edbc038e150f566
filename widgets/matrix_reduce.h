#pragma once
// Reducing a matrix to screen resolution: when cells are smaller than a pixel, each output
// cell holds the maximum (or the mean) of the cells it covers, so that a single strong cell
// never vanishes in sampling, as it does when a plot scales a large image itself.

#include "cell_values.h"
#include "tensor.h"

namespace attnscope {

enum class Reduction {
    Max,  ///< the largest value (for signed data: the value of largest magnitude)
    Mean,
};

/// The block [row0, row0 + rows) × [col0, col0 + cols) of `m` reduced to at most outRows ×
/// outCols cells. Output cell (i, j) covers rows [row0 + ⌊i·rows/outRows⌋, row0 + ⌊(i+1)·rows/outRows⌋)
/// and likewise for columns; a direction that already fits is copied as it is. Non-finite
/// values (-inf where masked) are ignored unless a block holds nothing else.
Mat<double> reduceBlock(const Mat<double> &m, Eigen::Index row0, Eigen::Index rows, Eigen::Index col0,
                        Eigen::Index cols, Eigen::Index outRows, Eigen::Index outCols, Reduction how,
                        bool signedMagnitude = false);

/// The special cells of the same block, reduced over the same output cells as reduceBlock:
/// int(CellKind) of each output cell, or NaN where it shows an ordinary value. An unexpected
/// value never vanishes: a cell covering any NaN shows NaN, else any +∞ shows +∞, else any −∞
/// where `masked` (null: nothing masked) blocks nothing shows −∞ (not masked); masked cells show
/// Masked only when they cover nothing else, as reduceBlock gives way to values.
Mat<double> reduceCellKinds(const Mat<double> &m, const CellMask *masked, Eigen::Index row0, Eigen::Index rows,
                            Eigen::Index col0, Eigen::Index cols, Eigen::Index outRows, Eigen::Index outCols);

} // namespace attnscope
