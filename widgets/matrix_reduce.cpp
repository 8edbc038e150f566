#include "matrix_reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnscope {

Mat<double> reduceBlock(const Mat<double> &m, Eigen::Index row0, Eigen::Index rows, Eigen::Index col0,
                        Eigen::Index cols, Eigen::Index outRows, Eigen::Index outCols, Reduction how,
                        bool signedMagnitude)
{
    outRows = std::max<Eigen::Index>(1, std::min(outRows, rows));
    outCols = std::max<Eigen::Index>(1, std::min(outCols, cols));
    if (outRows == rows && outCols == cols)
        return m.block(row0, col0, rows, cols);
    Mat<double> out(outRows, outCols);
    for (Eigen::Index i = 0; i < outRows; ++i) {
        const Eigen::Index r0 = row0 + i * rows / outRows, r1 = row0 + (i + 1) * rows / outRows;
        for (Eigen::Index j = 0; j < outCols; ++j) {
            const Eigen::Index c0 = col0 + j * cols / outCols, c1 = col0 + (j + 1) * cols / outCols;
            double best = std::numeric_limits<double>::quiet_NaN(), sum = 0;
            Eigen::Index finite = 0;
            double fallback = m(r0, c0);
            for (Eigen::Index r = r0; r < r1; ++r) {
                const double *p = m.data() + r * m.cols();
                for (Eigen::Index c = c0; c < c1; ++c) {
                    const double v = p[c];
                    if (!std::isfinite(v)) {
                        fallback = v;
                        continue;
                    }
                    ++finite;
                    sum += v;
                    const bool better = signedMagnitude ? std::abs(v) > std::abs(best) : v > best;
                    if (std::isnan(best) || better)
                        best = v;
                }
            }
            out(i, j) = finite == 0 ? fallback : (how == Reduction::Max ? best : sum / double(finite));
        }
    }
    return out;
}

Mat<double> reduceCellKinds(const Mat<double> &m, const CellMask *masked, Eigen::Index row0, Eigen::Index rows,
                            Eigen::Index col0, Eigen::Index cols, Eigen::Index outRows, Eigen::Index outCols)
{
    outRows = std::max<Eigen::Index>(1, std::min(outRows, rows));
    outCols = std::max<Eigen::Index>(1, std::min(outCols, cols));
    Mat<double> out(outRows, outCols);
    for (Eigen::Index i = 0; i < outRows; ++i) {
        const Eigen::Index r0 = row0 + i * rows / outRows, r1 = row0 + (i + 1) * rows / outRows;
        for (Eigen::Index j = 0; j < outCols; ++j) {
            const Eigen::Index c0 = col0 + j * cols / outCols, c1 = col0 + (j + 1) * cols / outCols;
            // The strongest kind seen: NaN > +inf > unmasked -inf; masked only if nothing is finite.
            int worst = 0;
            bool finite = false, anyMasked = false;
            for (Eigen::Index r = r0; r < r1; ++r) {
                const double *p = m.data() + r * m.cols();
                for (Eigen::Index c = c0; c < c1; ++c) {
                    const CellKind kind = cellKind(p[c], masked && (*masked)(r, c));
                    finite = finite || kind == CellKind::Finite;
                    anyMasked = anyMasked || kind == CellKind::Masked;
                    const int rank = kind == CellKind::NaN ? 3 : kind == CellKind::PosInf ? 2 : kind == CellKind::NegInf ? 1 : 0;
                    worst = std::max(worst, rank);
                }
            }
            const CellKind shown = worst == 3 ? CellKind::NaN
                                   : worst == 2 ? CellKind::PosInf
                                   : worst == 1 ? CellKind::NegInf
                                   : anyMasked && !finite ? CellKind::Masked
                                                          : CellKind::Finite;
            out(i, j) = shown == CellKind::Finite ? std::numeric_limits<double>::quiet_NaN() : double(int(shown));
        }
    }
    return out;
}

} // namespace attnscope
