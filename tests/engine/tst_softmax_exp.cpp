// The softmax row kernel (softmaxRowsInPlace, the code behind every attention row) and its
// vectorised float exponential, against double precision.
//
//  - expSweep: a dense sweep of x in [-104, 0] (every multiple of 2^-14, plus powers of two near
//    0 and the floats around the flush threshold), through rows [0, x1, …, x63] whose max is 0.
//    The first weight is then exactly 1/sum in float and the others are fl(exp(x)·(1/sum)), so
//    exp(x) in float is recovered as weight/first to within one rounding (2^-24). Required:
//    relative error <= 2e-7 (+ that rounding) against std::exp in double, and exactly 0 for
//    x < -87.3 (e^-87.3 is about FLT_MIN; smaller results would be subnormal).
//    Rows are 64 wide, a multiple of every packet width, so every value goes through the
//    vectorised path. Double keeps Eigen's exp; it is checked the same way at 1e-15 (+ 2^-53).
//  - knownRows: rows of values on a 1/256 grid (so that x − max is exact), of lengths that
//    exercise the packet loops and the partial last packet, against a softmax in double:
//    rtol 1e-6 (and 2^-149 absolute for weights that underflow to subnormals).
//  - negInfinity / fullyMasked: exp(-inf) is exactly 0 wherever it falls in a row; rows of
//    -inf only become zero and are reported with the row offset.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "attention.h"

using namespace attnscope;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Sweep values: every multiple of 2^-14 in [-104, 0), powers of two down to the smallest
/// normal, and the floats next to the flush threshold and the subnormal boundary.
template <class S>
std::vector<S> sweepValues()
{
    std::vector<S> xs;
    for (std::int64_t k = 1; k <= std::int64_t(104) << 14; ++k)
        xs.push_back(S(-double(k) / 16384.0));
    for (int e = 0; e < 126; ++e)
        xs.push_back(-std::ldexp(S(1), -e));
    for (const S c : {S(-87.3), S(-87.33654475), S(-88.7228), S(-0.34657359), S(0.34657359)}) {
        S v = c;
        for (int i = 0; i < 64; ++i)
            v = std::nextafter(v, S(0));
        for (int i = 0; i < 128; ++i) {
            if (v <= 0)
                xs.push_back(v);
            v = std::nextafter(v, -std::numeric_limits<S>::infinity());
        }
    }
    // Sorted, so that each row holds neighbouring values: its sum is then near 1 wherever the
    // values are tiny, and no weight underflows into the subnormals.
    std::sort(xs.begin(), xs.end());
    return xs;
}

struct SweepStats {
    double maxRel = 0, worstX = 0;
    std::int64_t checked = 0, flushed = 0;
    QString firstFailure;
};

/// Runs the sweep for S; `tol` bounds the exp's relative error, `round` is one rounding of S.
template <class S>
SweepStats runSweep(double tol, double round, S flushBelow)
{
    const std::vector<S> xs = sweepValues<S>();
    constexpr Eigen::Index kWidth = 64;
    const Eigen::Index perRow = kWidth - 1;
    const Eigen::Index rows = (Eigen::Index(xs.size()) + perRow - 1) / perRow;
    Mat<S> m = Mat<S>::Constant(rows, kWidth, -std::numeric_limits<S>::infinity());
    for (std::size_t i = 0; i < xs.size(); ++i)
        m(Eigen::Index(i) / perRow, 1 + Eigen::Index(i) % perRow) = xs[i];
    m.col(0).setZero();
    std::vector<std::int64_t> fullyMasked;
    softmaxRowsInPlace<S>(m, fullyMasked);

    SweepStats st;
    if (!fullyMasked.empty())
        st.firstFailure = QStringLiteral("a row with max 0 was reported fully masked");
    for (std::size_t i = 0; i < xs.size() && st.firstFailure.isEmpty(); ++i) {
        const Eigen::Index r = Eigen::Index(i) / perRow, c = 1 + Eigen::Index(i) % perRow;
        const double x = double(xs[i]), w = double(m(r, c)), first = double(m(r, 0));
        if (xs[i] < flushBelow) {
            ++st.flushed;
            if (w != 0)
                st.firstFailure = QStringLiteral("exp(%1) = %2, expected exactly 0").arg(x, 0, 'g', 10).arg(w);
            continue;
        }
        const double ref = std::exp(x);
        const double got = w / first; // exp(x) in S, times (1 + δ), |δ| <= round
        const double rel = std::abs(got - ref) / ref;
        ++st.checked;
        if (!(rel <= st.maxRel)) {
            st.maxRel = rel;
            st.worstX = x;
        }
        // Necessary: the exp's own error (after removing the normalisation's rounding) <= tol.
        // Sufficient: measured with that rounding added, <= tol + round.
        if (!(rel <= tol + round) || !(std::isfinite(w) && w > 0))
            st.firstFailure = QStringLiteral("exp(%1): relative error %2 > %3").arg(x, 0, 'g', 10).arg(rel).arg(tol + round);
    }
    return st;
}

/// Softmax of a row in double; -inf entries give 0; all -inf gives all 0.
std::vector<double> softmaxDouble(const std::vector<double> &row)
{
    double m = -kInf;
    for (double v : row)
        m = std::max(m, v);
    std::vector<double> out(row.size(), 0.0);
    if (m == -kInf)
        return out;
    double sum = 0;
    for (std::size_t j = 0; j < row.size(); ++j)
        sum += out[j] = std::exp(row[j] - m);
    for (double &v : out)
        v /= sum;
    return out;
}

} // namespace

class TstSoftmaxExp : public QObject {
    Q_OBJECT
private slots:
    void expSweepFloat();
    void expSweepDouble();
    void knownRows_data();
    void knownRows();
    void negInfinity();
    void fullyMasked();
};

void TstSoftmaxExp::expSweepFloat()
{
    const SweepStats st = runSweep<float>(2e-7, std::ldexp(1.0, -24), -87.3f);
    qInfo("float: %lld values checked, %lld flushed; max relative error %.3g at x = %.9g (includes one rounding, 5.96e-8)",
          static_cast<long long>(st.checked), static_cast<long long>(st.flushed), st.maxRel, st.worstX);
    QVERIFY2(st.firstFailure.isEmpty(), qPrintable(st.firstFailure));
    QVERIFY(st.checked > 1400000);
    QVERIFY(st.flushed > 270000);
}

void TstSoftmaxExp::expSweepDouble()
{
    const SweepStats st = runSweep<double>(1e-15, std::ldexp(1.0, -53), -std::numeric_limits<double>::infinity());
    qInfo("double: %lld values checked; max relative error %.3g at x = %.17g",
          static_cast<long long>(st.checked), st.maxRel, st.worstX);
    QVERIFY2(st.firstFailure.isEmpty(), qPrintable(st.firstFailure));
}

void TstSoftmaxExp::knownRows_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("spread"); // values are k/256 for integers |k| <= spread
    for (int n : {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 100, 256, 1000, 1023, 4096})
        for (int spread : {0, 256, 2560, 20000}) // up to ±78: x − max stays above -157, with some flushed
            QTest::addRow("n%d_spread%d", n, spread) << n << spread;
}

void TstSoftmaxExp::knownRows()
{
    QFETCH(int, length);
    QFETCH(int, spread);
    std::mt19937 rng(unsigned(length * 7919 + spread));
    std::uniform_int_distribution<int> dist(-spread, spread);
    constexpr int kRows = 5;
    Mat<float> f(kRows, length);
    Mat<double> d(kRows, length);
    for (int r = 0; r < kRows; ++r)
        for (int j = 0; j < length; ++j) {
            const double v = dist(rng) / 256.0;
            f(r, j) = float(v);
            d(r, j) = v;
        }
    const Mat<double> inputs = d;
    std::vector<std::int64_t> masked;
    softmaxRowsInPlace<float>(f, masked);
    softmaxRowsInPlace<double>(d, masked);
    QVERIFY(masked.empty());
    double maxRel = 0;
    for (int r = 0; r < kRows; ++r) {
        std::vector<double> row(static_cast<std::size_t>(length));
        for (int j = 0; j < length; ++j)
            row[std::size_t(j)] = inputs(r, j);
        const std::vector<double> ref = softmaxDouble(row);
        double m = -kInf, sumF = 0, sumD = 0;
        for (double v : row)
            m = std::max(m, v);
        for (int j = 0; j < length; ++j) {
            const double e = ref[std::size_t(j)], gf = f(r, j), gd = d(r, j);
            sumF += gf;
            sumD += gd;
            if (row[std::size_t(j)] - m < -87.3) {
                // Flushed in float (e^-87.3 ≈ FLT_MIN): exactly 0, where the reference is < 1.3e-38.
                QVERIFY2(gf == 0, qPrintable(QStringLiteral("row %1 col %2: %3, expected 0").arg(r).arg(j).arg(gf)));
            } else if (e < double(std::numeric_limits<float>::min())) {
                // A subnormal weight: exp(x) is normal, the division by the sum underflows.
                QVERIFY2(std::abs(gf - e) <= 1e-6 * e + std::ldexp(1.0, -149),
                         qPrintable(QStringLiteral("float row %1 col %2: %3 vs %4").arg(r).arg(j).arg(gf).arg(e)));
            } else {
                const double rel = std::abs(gf - e) / e;
                maxRel = std::max(maxRel, rel);
                QVERIFY2(rel <= 1e-6, qPrintable(QStringLiteral("float row %1 col %2: %3 vs %4 (rel %5)")
                                                     .arg(r).arg(j).arg(gf, 0, 'g', 9).arg(e, 0, 'g', 17).arg(rel)));
            }
            QVERIFY2(std::abs(gd - e) <= 1e-13 * e,
                     qPrintable(QStringLiteral("double row %1 col %2: %3 vs %4").arg(r).arg(j).arg(gd, 0, 'g', 17).arg(e, 0, 'g', 17)));
        }
        QVERIFY(std::abs(sumF - 1) <= 1e-5);
        QVERIFY(std::abs(sumD - 1) <= 1e-12);
    }
    if (QTest::currentDataTag() == QByteArray("n4096_spread2560"))
        qInfo("float, 4096 keys: max relative error %.3g", maxRel);
}

void TstSoftmaxExp::negInfinity()
{
    // -inf at every position of rows of several lengths (packet loops and scalar tail): the
    // weight there is exactly 0 and the rest matches the softmax of the finite entries.
    const float ninf = -std::numeric_limits<float>::infinity();
    for (int n : {2, 5, 16, 17, 33, 64, 70}) {
        for (int pos = 0; pos < n; ++pos) {
            Mat<float> f(1, n);
            std::vector<double> row(static_cast<std::size_t>(n));
            for (int j = 0; j < n; ++j) {
                const double v = (j % 5) - 2.0 + j / 64.0;
                f(0, j) = j == pos ? ninf : float(v);
                row[std::size_t(j)] = j == pos ? -kInf : v;
            }
            std::vector<std::int64_t> masked;
            softmaxRowsInPlace<float>(f, masked);
            QVERIFY(masked.empty());
            const std::vector<double> ref = softmaxDouble(row);
            for (int j = 0; j < n; ++j) {
                if (j == pos)
                    QVERIFY2(f(0, j) == 0.0f && !std::signbit(f(0, j)),
                             qPrintable(QStringLiteral("n %1: weight of the -inf key is %2").arg(n).arg(f(0, j))));
                else
                    QVERIFY(std::abs(f(0, j) - ref[std::size_t(j)]) <= 1e-6 * ref[std::size_t(j)]);
            }
        }
    }
    // Every key but one masked: that one gets exactly 1.
    Mat<float> f = Mat<float>::Constant(3, 40, ninf);
    f(0, 0) = -1000.0f;
    f(1, 39) = 5.0f;
    f(2, 17) = 0.0f;
    std::vector<std::int64_t> masked;
    softmaxRowsInPlace<float>(f, masked);
    QVERIFY(masked.empty());
    QCOMPARE(f(0, 0), 1.0f);
    QCOMPARE(f(1, 39), 1.0f);
    QCOMPARE(f(2, 17), 1.0f);
    QCOMPARE(f.sum(), 3.0f);
}

void TstSoftmaxExp::fullyMasked()
{
    const float ninf = -std::numeric_limits<float>::infinity();
    for (int n : {1, 16, 37}) {
        Mat<float> f = Mat<float>::Random(6, n);
        f.row(1).setConstant(ninf);
        f.row(4).setConstant(ninf);
        std::vector<std::int64_t> masked;
        softmaxRowsInPlace<float>(f, masked, 100);
        QCOMPARE(masked, (std::vector<std::int64_t>{101, 104}));
        QVERIFY(f.row(1).isZero(0));
        QVERIFY(f.row(4).isZero(0));
        for (int r : {0, 2, 3, 5})
            QVERIFY(std::abs(f.row(r).sum() - 1.0f) <= 1e-6f);
        QVERIFY(f.allFinite());

        Mat<double> d = Mat<double>::Constant(2, n, -kInf);
        d(1, 0) = 3.0;
        masked.clear();
        softmaxRowsInPlace<double>(d, masked);
        QCOMPARE(masked, (std::vector<std::int64_t>{0}));
        QVERIFY(d.row(0).isZero(0));
        QCOMPARE(d(1, 0), 1.0);
    }
}

QTEST_GUILESS_MAIN(TstSoftmaxExp)
#include "tst_softmax_exp.moc"
