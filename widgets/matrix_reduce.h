#pragma once
// Reducing a matrix to screen resolution: when cells are smaller than a pixel, each output
// cell holds the maximum (or the mean) of the cells it covers, so that a single strong cell
// never vanishes in sampling, as it does when a plot scales a large image itself.

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

} // namespace attnscope
