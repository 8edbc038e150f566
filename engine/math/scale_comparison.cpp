#include "scale_comparison.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace attnscope {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double populationStd(const Mat<double> &s)
{
    double sum = 0, sumSq = 0;
    Eigen::Index n = 0;
    for (Eigen::Index k = 0; k < s.size(); ++k)
        if (std::isfinite(s.data()[k])) {
            sum += s.data()[k];
            ++n;
        }
    if (n == 0)
        return 0;
    const double mean = sum / double(n);
    for (Eigen::Index k = 0; k < s.size(); ++k)
        if (std::isfinite(s.data()[k]))
            sumSq += (s.data()[k] - mean) * (s.data()[k] - mean);
    return std::sqrt(sumSq / double(n));
}

} // namespace

double entropyBits(const double *row, Eigen::Index n)
{
    double h = 0;
    for (Eigen::Index j = 0; j < n; ++j)
        if (row[j] > 0)
            h -= row[j] * std::log2(row[j]);
    return h;
}

ScaleComparison compareScalings(const Mat<double> &raw, const BoolMat &blocked, int headDk, int dk)
{
    assert(headDk >= 1 && dk >= 1);
    assert(blocked.size() == 0 || (blocked.rows() == raw.rows() && blocked.cols() == raw.cols()));
    ScaleComparison out;
    out.dk = dk;
    out.scoreGrowth = std::sqrt(double(dk) / double(headDk));
    out.raw = raw * out.scoreGrowth;
    const ScaleSpec::Mode modes[3] = {ScaleSpec::Mode::Sqrt, ScaleSpec::Mode::Dim, ScaleSpec::Mode::None};
    for (std::size_t v = 0; v < 3; ++v) {
        ScalingVariant &var = out.variants[v];
        var.mode = modes[v];
        var.factor = ScaleSpec{modes[v], 1.0}.factor(dk);
        var.scaled = out.raw * var.factor;
        for (Eigen::Index i = 0; i < raw.rows(); ++i)
            for (Eigen::Index j = 0; j < raw.cols(); ++j)
                if ((blocked.size() != 0 && blocked(i, j)) || !std::isfinite(raw(i, j)))
                    var.scaled(i, j) = kNegInf;
        var.weights = var.scaled;
        std::vector<std::int64_t> fullyMasked; // their rows are all 0, as the entropy wants
        softmaxRowsInPlace<double>(var.weights, fullyMasked);
        var.rowEntropyBits.resize(std::size_t(raw.rows()));
        for (Eigen::Index i = 0; i < raw.rows(); ++i) {
            const Eigen::RowVectorXd row = var.weights.row(i);
            var.rowEntropyBits[std::size_t(i)] = entropyBits(row.data(), row.size());
        }
        var.scaledStd = populationStd(var.scaled);
    }
    return out;
}

} // namespace attnscope
