#include "combine.h"

#include "memory_budget.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <utility>

namespace attnscope {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string formatNumber(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

/// Maps the finite entries of `b` linearly from their min..max to 0..1 (all equal → 0).
template <class Block>
void mapFiniteToUnit(Block &&b)
{
    double lo = kInf, hi = -kInf;
    for (Eigen::Index i = 0; i < b.rows(); ++i)
        for (Eigen::Index j = 0; j < b.cols(); ++j)
            if (std::isfinite(b(i, j))) {
                lo = std::min(lo, b(i, j));
                hi = std::max(hi, b(i, j));
            }
    for (Eigen::Index i = 0; i < b.rows(); ++i)
        for (Eigen::Index j = 0; j < b.cols(); ++j)
            if (std::isfinite(b(i, j)))
                b(i, j) = hi > lo ? (b(i, j) - lo) / (hi - lo) : 0.0;
}

std::string listRows(const std::vector<Eigen::Index> &rows)
{
    constexpr std::size_t kShown = 10;
    std::string text;
    for (std::size_t i = 0; i < rows.size() && i < kShown; ++i)
        text += (i ? ", " : "") + std::to_string(rows[i]);
    if (rows.size() > kShown)
        text += " and " + std::to_string(rows.size() - kShown) + " more";
    return text;
}

} // namespace

Result<Fusion> parseFusion(const std::string &text)
{
    for (Fusion f : {Fusion::Mean, Fusion::Max, Fusion::Min})
        if (text == fusionName(f))
            return f;
    return makeError(Error::Code::BadArgument, "'" + text + "' is not mean, max or min");
}

const char *fusionName(Fusion fusion)
{
    switch (fusion) {
    case Fusion::Mean: return "mean";
    case Fusion::Max: return "max";
    case Fusion::Min: return "min";
    }
    return "?";
}

Mat<double> fuseHeads(const Tensor &attn4d, int layer, Fusion fusion)
{
    assert(attn4d.rank() == 4 && attn4d.shape[1] >= 1 && layer >= 0 && layer < attn4d.shape[0]);
    const std::int64_t heads = attn4d.shape[1];
    const std::int64_t first = std::int64_t(layer) * heads;
    Mat<double> f = attn4d.matrix<double>(first);
    for (std::int64_t h = 1; h < heads; ++h) {
        const Mat<double> m = attn4d.matrix<double>(first + h);
        switch (fusion) {
        case Fusion::Mean: f += m; break;
        case Fusion::Max: f = f.cwiseMax(m); break;
        case Fusion::Min: f = f.cwiseMin(m); break;
        }
    }
    if (fusion == Fusion::Mean)
        f /= double(heads);
    return f;
}

std::int64_t discardCount(std::int64_t t, double ratio)
{
    return std::int64_t(std::floor(ratio * double(t * t - t)));
}

std::uint64_t combineBytesNeeded(std::int64_t tq, std::int64_t tk, bool rollout)
{
    return satMul(satMul(std::uint64_t(tq), std::uint64_t(tk)), rollout ? 36 : 24);
}

Mat<double> discardSmallest(const Mat<double> &m, double ratio)
{
    assert(m.rows() == m.cols() && ratio >= 0 && ratio < 1);
    const std::int64_t t = m.rows();
    const std::int64_t k = discardCount(t, ratio);
    Mat<double> out = m;
    if (k <= 0)
        return out;
    std::vector<std::int64_t> offDiagonal;
    offDiagonal.reserve(std::size_t(t * t - t));
    for (std::int64_t i = 0; i < t; ++i)
        for (std::int64_t j = 0; j < t; ++j)
            if (i != j)
                offDiagonal.push_back(i * t + j);
    // (value, position) is a strict total order: the k smallest under it are exactly the first
    // k of a stable sort by value over row-major positions, found in linear time.
    const double *v = m.data();
    const auto before = [v](std::int64_t a, std::int64_t b) { return v[a] < v[b] || (v[a] == v[b] && a < b); };
    std::nth_element(offDiagonal.begin(), offDiagonal.begin() + (k - 1), offDiagonal.end(), before);
    for (std::int64_t i = 0; i < k; ++i)
        out.data()[offDiagonal[std::size_t(i)]] = 0.0;
    return out;
}

Mat<double> rollout(const Tensor &attn4d, int lastLayer, Fusion fusion, double discardRatio)
{
    assert(attn4d.rank() == 4 && attn4d.shape[2] == attn4d.shape[3]);
    assert(lastLayer >= 0 && lastLayer < attn4d.shape[0]);
    const std::int64_t t = attn4d.shape[2];
    Mat<double> result;
    for (int layer = 0; layer <= lastLayer; ++layer) {
        Mat<double> f = fuseHeads(attn4d, layer, fusion);
        if (discardRatio > 0)
            f = discardSmallest(f, discardRatio);
        // Ã = (F' + I) / 2, rows renormalised: the residual connection carries half the signal.
        Mat<double> step = (f + Mat<double>::Identity(t, t)) / 2.0;
        step.array().colwise() /= step.rowwise().sum().array();
        result = layer == 0 ? std::move(step) : Mat<double>(step * result);
    }
    return result;
}

Result<Mat<double>> hideTokens(const Mat<double> &m, const std::vector<int> &hidden, bool renormalize,
                               std::vector<std::string> &warnings)
{
    const Eigen::Index keys = m.cols();
    std::vector<bool> gone(std::size_t(keys), false);
    for (int j : hidden) {
        if (j < 0 || j >= keys)
            return makeError(Error::Code::BadArgument, "key " + std::to_string(j) + " is out of range: there are " +
                                                           std::to_string(keys) + " keys (0.." +
                                                           std::to_string(keys - 1) + ")");
        gone[std::size_t(j)] = true;
    }
    const auto kept = Eigen::Index(std::count(gone.begin(), gone.end(), false));
    if (kept == 0 && keys > 0)
        return makeError(Error::Code::BadArgument, "every one of the " + std::to_string(keys) + " keys would be hidden");

    Mat<double> out(m.rows(), kept);
    for (Eigen::Index j = 0, c = 0; j < keys; ++j)
        if (!gone[std::size_t(j)])
            out.col(c++) = m.col(j);
    if (!renormalize)
        return out;
    std::vector<Eigen::Index> empty;
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
        const double sum = out.row(i).sum();
        if (sum == 0.0)
            empty.push_back(i);
        else
            out.row(i) /= sum;
    }
    if (!empty.empty())
        warnings.push_back("query row(s) " + listRows(empty) +
                           " have nothing left to renormalise (their remaining weights sum to 0) and stay as they are");
    return out;
}

Mat<double> normalizeRows(const Mat<double> &m)
{
    Mat<double> out = m;
    for (Eigen::Index i = 0; i < out.rows(); ++i)
        mapFiniteToUnit(out.row(i));
    return out;
}

Mat<double> normalizeColumns(const Mat<double> &m)
{
    Mat<double> out = m;
    for (Eigen::Index j = 0; j < out.cols(); ++j)
        mapFiniteToUnit(out.col(j));
    return out;
}

Mat<double> normalizeGlobal(const Mat<double> &m)
{
    Mat<double> out = m;
    mapFiniteToUnit(out);
    return out;
}

Mat<double> log10Values(const Mat<double> &m, double floor)
{
    return m.unaryExpr([floor](double x) {
        if (std::isnan(x))
            return x;
        return x > 0 ? std::max(std::log10(x), floor) : floor;
    });
}

Status checkAttentionValues(const Tensor &attn4d, int firstLayer, int lastLayer, bool nonNegative,
                            const std::string &what)
{
    assert(attn4d.rank() == 4 && firstLayer >= 0 && firstLayer <= lastLayer && lastLayer < attn4d.shape[0]);
    const std::int64_t heads = attn4d.shape[1];
    for (std::int64_t l = firstLayer; l <= lastLayer; ++l)
        for (std::int64_t h = 0; h < heads; ++h) {
            const Mat<double> m = attn4d.matrix<double>(l * heads + h);
            for (Eigen::Index q = 0; q < m.rows(); ++q)
                for (Eigen::Index k = 0; k < m.cols(); ++k) {
                    const double x = m(q, k);
                    const bool bad = !std::isfinite(x) || (nonNegative && x < 0);
                    if (!bad)
                        continue;
                    return makeError(Error::Code::BadArgument,
                                     what + ": element [" + std::to_string(l) + ", " + std::to_string(h) + ", " +
                                         std::to_string(q) + ", " + std::to_string(k) + "] is " + formatNumber(x) +
                                         (std::isfinite(x) ? " (attention weights must be >= 0 for rollout)"
                                                           : " (attention must be finite)"));
                }
        }
    return okStatus();
}

} // namespace attnscope
