#pragma once
// Tensors compared against numpy references, for the engine and command-line tests.

#include <QJsonArray>
#include <QJsonValue>
#include <QString>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "tensor.h"

namespace attnscope::test {

/// max |a − b| over two tensors of the same shape, converted to double; +∞ when the shapes differ.
inline double maxAbsDiff(const Tensor &a, const Tensor &b)
{
    if (a.shape != b.shape)
        return std::numeric_limits<double>::infinity();
    double m = 0;
    for (std::int64_t i = 0; i < a.numel(); ++i)
        m = std::max(m, std::abs(a.at(i) - b.at(i)));
    return m;
}

/// maxAbsDiff layer by layer (a bundle's q, k or v); +∞ when the layer counts or shapes differ or
/// there are none.
inline double maxAbsDiff(const std::vector<Tensor> &a, const std::vector<Tensor> &b)
{
    if (a.size() != b.size() || a.empty())
        return std::numeric_limits<double>::infinity();
    double m = 0;
    for (std::size_t l = 0; l < a.size(); ++l)
        m = std::max(m, maxAbsDiff(a[l], b[l]));
    return m;
}

/// max |m − json| over a matrix and a numpy fixture's matrix given as rows of numbers (JSON);
/// +∞ when the shapes differ.
inline double maxAbsDiff(const Mat<double> &m, const QJsonValue &json)
{
    const QJsonArray rows = json.toArray();
    if (rows.size() != m.rows())
        return std::numeric_limits<double>::infinity();
    double worst = 0;
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const QJsonArray row = rows[int(i)].toArray();
        if (row.size() != m.cols())
            return std::numeric_limits<double>::infinity();
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            worst = std::max(worst, std::abs(m(i, j) - row[int(j)].toDouble()));
    }
    return worst;
}

inline QString shapeText(const Shape &s) { return QString::fromStdString(shapeToString(s)); }

/// Empty when the values `got(i)` (flat, C order) of shape `gotShape` match `expected` within
/// |got − expected| <= atol + rtol·|expected|; otherwise what differs first, with the largest
/// error. NaN in `got` always differs; infinities must be equal. With `maskedBy` (the expected
/// scores), weights where the scores are -inf must be exactly 0.
inline QString compareValues(const QString &what, const Tensor &expected, const Shape &gotShape,
                             const std::function<double(std::int64_t)> &got, double rtol, double atol,
                             const Tensor *maskedBy = nullptr)
{
    if (expected.shape != gotShape)
        return what + ": shape " + shapeText(gotShape) + ", expected " + shapeText(expected.shape);
    double maxErr = 0;
    QString first;
    for (std::int64_t i = 0; i < expected.numel(); ++i) {
        const double e = expected.at(i), g = got(i);
        QString bad;
        if (std::isnan(g))
            bad = QStringLiteral("NaN");
        else if (std::isinf(e) || std::isinf(g))
            bad = e == g ? QString() : QStringLiteral("infinity mismatch");
        else if (maskedBy && std::isinf(maskedBy->at(i)))
            bad = g == 0.0 ? QString() : QStringLiteral("masked weight is not exactly 0");
        else {
            const double err = std::abs(g - e);
            maxErr = std::max(maxErr, err);
            if (err > atol + rtol * std::abs(e))
                bad = QStringLiteral("outside tolerance");
        }
        if (!bad.isEmpty() && first.isEmpty())
            first = QStringLiteral("%1 at flat index %2: got %3, expected %4")
                        .arg(bad)
                        .arg(i)
                        .arg(g, 0, 'g', 17)
                        .arg(e, 0, 'g', 17);
    }
    if (first.isEmpty())
        return {};
    return what + ": " + first + QStringLiteral(" (max abs error %1, rtol %2, atol %3)").arg(maxErr).arg(rtol).arg(atol);
}

/// compareValues for a tensor read back from a file.
inline QString compareTensors(const QString &what, const Tensor &expected, const Tensor &got, double rtol, double atol,
                              const Tensor *maskedBy = nullptr)
{
    return compareValues(what, expected, got.shape, [&got](std::int64_t i) { return got.at(i); }, rtol, atol, maskedBy);
}

} // namespace attnscope::test
