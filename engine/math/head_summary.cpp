#include "head_summary.h"

#include <cmath>
#include <limits>

namespace attnscope {
namespace {

constexpr const char *kKeys[kHeadMetricCount] = {"entropy", "special", "previous", "next", "self"};

/// A weight as the summaries count it: non-finite ones as 0.
inline double weight(double a)
{
    return std::isfinite(a) ? a : 0.0;
}

/// Mean over rows with a positive sum of −Σ a·log₂ a; 0 when there is none.
double meanRowEntropy(const Mat<double> &a)
{
    double total = 0;
    Eigen::Index counted = 0;
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
        double sum = 0, h = 0;
        for (Eigen::Index j = 0; j < a.cols(); ++j) {
            const double w = weight(a(i, j));
            sum += w;
            if (w > 0)
                h -= w * std::log2(w);
        }
        if (sum > 0) {
            total += h;
            ++counted;
        }
    }
    return counted == 0 ? 0.0 : total / double(counted);
}

/// Mean over the rows i in [first, last) of a[i, i + offset].
double meanDiagonal(const Mat<double> &a, Eigen::Index offset)
{
    const Eigen::Index t = a.rows();
    const Eigen::Index first = offset < 0 ? -offset : 0, last = offset > 0 ? t - offset : t;
    if (last <= first)
        return std::numeric_limits<double>::quiet_NaN();
    double sum = 0;
    for (Eigen::Index i = first; i < last; ++i)
        sum += weight(a(i, i + offset));
    return sum / double(last - first);
}

} // namespace

const char *headMetricKey(HeadMetric m)
{
    return kKeys[int(m)];
}

bool headMetricFromKey(const std::string &key, HeadMetric *out)
{
    for (int i = 0; i < kHeadMetricCount; ++i)
        if (key == kKeys[i]) {
            *out = HeadMetric(i);
            return true;
        }
    return false;
}

double HeadSummary::value(HeadMetric m) const
{
    switch (m) {
    case HeadMetric::Entropy: return entropy;
    case HeadMetric::Special: return special;
    case HeadMetric::Previous: return previous;
    case HeadMetric::Next: return next;
    case HeadMetric::Self: return self;
    }
    return 0;
}

HeadSummary summarizeHead(const Mat<double> &a, const std::vector<int> &specialKeys)
{
    HeadSummary s;
    s.entropy = meanRowEntropy(a);
    if (!specialKeys.empty() && a.rows() > 0) {
        double sum = 0;
        for (Eigen::Index i = 0; i < a.rows(); ++i)
            for (int j : specialKeys)
                sum += weight(a(i, j));
        s.special = sum / double(a.rows());
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const bool square = a.rows() == a.cols();
    s.previous = square ? meanDiagonal(a, -1) : nan;
    s.next = square ? meanDiagonal(a, 1) : nan;
    s.self = square && a.rows() > 0 ? meanDiagonal(a, 0) : nan;
    return s;
}

std::vector<HeadSummary> summarizeHeads(const AttentionBundle &b, const std::vector<std::string> &specials)
{
    const std::vector<int> specialKeys = specialTokenIndices(b.keyTokens, specials);
    std::vector<HeadSummary> out;
    out.reserve(std::size_t(b.layers() * b.heads()));
    for (std::int64_t l = 0; l < b.layers(); ++l)
        for (std::int64_t h = 0; h < b.heads(); ++h) {
            HeadSummary s = summarizeHead(b.attentions.matrix<double>(l * b.heads() + h), specialKeys);
            s.layer = int(l);
            s.head = int(h);
            out.push_back(s);
        }
    return out;
}

} // namespace attnscope
