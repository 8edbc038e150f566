// The streamed overview (engine/math/attention_overview.h) against the stored path: bins (max
// and mean), the min and max, column sums and row entropies computed here from
// computeAttention's kept weights, with masks and grouped-query heads; exact tiles; the same
// results for every thread count; the refusal when even the O(T) state exceeds the budget.
// Tolerances: float64 1e-12 (absolute, on weights ≤ 1; sums and entropies relative to
// max(1, |x|)), float32 2e-6 likewise (float exponentials and sums).

#include <QtTest>

#include <cmath>
#include <random>

#include "attention.h"
#include "attention_overview.h"
#include "memory_budget.h"
#include "parallel.h"

using namespace attnscope;

namespace {

template <class S>
Mat<S> randomMatrix(Eigen::Index rows, Eigen::Index cols, std::mt19937 &rng, double spread = 2.0)
{
    std::normal_distribution<double> n(0.0, spread);
    Mat<S> m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = S(n(rng));
    return m;
}

template <class S>
AttentionInputs<S> randomInputs(int heads, int kvHeads, Eigen::Index tq, Eigen::Index tk, Eigen::Index d, unsigned seed)
{
    std::mt19937 rng(seed);
    AttentionInputs<S> in;
    for (int h = 0; h < heads; ++h)
        in.q.push_back(randomMatrix<S>(tq, d, rng));
    for (int g = 0; g < kvHeads; ++g) {
        in.k.push_back(randomMatrix<S>(tk, d, rng));
        in.v.push_back(randomMatrix<S>(tk, 3, rng));
    }
    return in;
}

/// The stored weights of every head, as computeAttention keeps them, in double.
template <class S>
std::vector<Mat<double>> storedWeights(const AttentionInputs<S> &in, const ScaleSpec &scale)
{
    AttentionOptions opt;
    opt.scale = scale;
    opt.keep = KeepWeights;
    auto r = computeAttention(in, opt);
    if (!r)
        qFatal("computeAttention: %s", r.error().message.c_str());
    std::vector<Mat<double>> out;
    for (const auto &h : r->heads)
        out.push_back(h.weights.template cast<double>());
    return out;
}

/// What the overview should hold, computed from a stored matrix the plain way.
struct Expected {
    Mat<double> binMax, binMean;
    std::vector<double> columnSums, entropy;
    double lo = 0, hi = 0;
};

Expected expectedFrom(const Mat<double> &w, const BinAxis &rows, const BinAxis &cols)
{
    Expected e;
    e.lo = w.minCoeff();
    e.hi = w.maxCoeff();
    e.binMax.resize(rows.bins(), cols.bins());
    e.binMean.resize(rows.bins(), cols.bins());
    for (std::int64_t r = 0; r < rows.bins(); ++r)
        for (std::int64_t c = 0; c < cols.bins(); ++c) {
            const auto block = w.block(rows.first(r), cols.first(c), rows.count(r), cols.count(c));
            e.binMax(r, c) = block.maxCoeff();
            e.binMean(r, c) = block.mean();
        }
    for (Eigen::Index j = 0; j < w.cols(); ++j)
        e.columnSums.push_back(w.col(j).sum());
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
        double h = 0;
        for (Eigen::Index j = 0; j < w.cols(); ++j)
            if (w(i, j) > 0)
                h -= w(i, j) * std::log2(w(i, j));
        e.entropy.push_back(h);
    }
    return e;
}

double worst(const std::vector<double> &a, const std::vector<double> &b)
{
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        d = std::max(d, std::abs(a[i] - b[i]) / std::max(1.0, std::abs(b[i])));
    return a.size() == b.size() ? d : 1e300;
}

template <class S>
void compareWithStored(const AttentionInputs<S> &in, int width, int height, double tol)
{
    OverviewOptions opt;
    opt.width = width;
    opt.height = height;
    opt.columnSums = opt.entropy = true;
    auto ov = computeOverview(in, opt);
    QVERIFY2(ov, ov ? "" : ov.error().message.c_str());
    const auto stored = storedWeights(in, opt.scale);
    QCOMPARE(ov->heads.size(), stored.size());
    QCOMPARE(ov->rows.bins(), std::min<std::int64_t>(in.q[0].rows(), height));
    QCOMPARE(ov->cols.bins(), std::min<std::int64_t>(in.k[0].rows(), width));
    for (std::size_t h = 0; h < stored.size(); ++h) {
        const HeadOverview<S> &o = ov->heads[h];
        const Expected e = expectedFrom(stored[h], ov->rows, ov->cols);
        QCOMPARE(o.kvHead, int(in.kvHeadOf(h)));
        QVERIFY2(std::abs(o.lo - e.lo) <= tol && std::abs(o.hi - e.hi) <= tol,
                 qPrintable(QString("head %1: lo %2 hi %3, stored %4 %5").arg(h).arg(o.lo).arg(o.hi).arg(e.lo).arg(e.hi)));
        Mat<double> mean(o.binSum.rows(), o.binSum.cols());
        for (Eigen::Index r = 0; r < mean.rows(); ++r)
            for (Eigen::Index c = 0; c < mean.cols(); ++c)
                mean(r, c) = o.binMean(ov->rows, ov->cols, r, c);
        const double dMax = (o.binMax - e.binMax).cwiseAbs().maxCoeff();
        const double dMean = (mean - e.binMean).cwiseAbs().maxCoeff();
        QVERIFY2(dMax <= tol, qPrintable(QString("head %1: bin max off by %2").arg(h).arg(dMax)));
        QVERIFY2(dMean <= tol, qPrintable(QString("head %1: bin mean off by %2").arg(h).arg(dMean)));
        QVERIFY2(worst(o.columnSums, e.columnSums) <= tol * 10,
                 qPrintable(QString("head %1: column sums off by %2").arg(h).arg(worst(o.columnSums, e.columnSums))));
        QVERIFY2(worst(o.entropyBits, e.entropy) <= tol * 10,
                 qPrintable(QString("head %1: entropy off by %2").arg(h).arg(worst(o.entropyBits, e.entropy))));
        // Tiles and single cells from the kept row statistics.
        const Mat<double> all = overviewTile(in, opt, o, h, 0, in.q[0].rows(), 0, in.k[0].rows());
        QVERIFY2((all - stored[h]).cwiseAbs().maxCoeff() <= tol,
                 qPrintable(QString("the whole tile differs from the stored weights by %1").arg((all - stored[h]).cwiseAbs().maxCoeff())));
        const Mat<double> cell = overviewTile(in, opt, o, h, 3, 4, 5, 6);
        QCOMPARE(cell.rows(), Eigen::Index(1));
        QVERIFY(std::abs(cell(0, 0) - stored[h](3, 5)) <= tol);
        // A zoomed region, binned on fewer and on more pixels than it has cells: the region's
        // own scores only, and the same bins as the stored matrix's block (masks included).
        const std::int64_t tq = in.q[0].rows(), tk = in.k[0].rows();
        const std::int64_t r0 = tq / 3, r1 = tq - 1, c0 = tk / 4, c1 = std::max(c0 + 1, tk * 3 / 4);
        for (auto [w, hgt] : {std::pair{5, 7}, {int(2 * (c1 - c0)), int(r1 - r0)}}) {
            auto region = overviewRegion(in, opt, o, h, r0, r1, c0, c1, w, hgt);
            QVERIFY2(region, region ? "" : region.error().message.c_str());
            QCOMPARE(region->r0, r0);
            QCOMPARE(region->c0, c0);
            const Expected re = expectedFrom(stored[h].block(r0, c0, r1 - r0, c1 - c0), region->rows, region->cols);
            Mat<double> regionMean(region->binSum.rows(), region->binSum.cols());
            for (Eigen::Index r = 0; r < regionMean.rows(); ++r)
                for (Eigen::Index c = 0; c < regionMean.cols(); ++c)
                    regionMean(r, c) = region->binSum(r, c) / double(region->rows.count(r) * region->cols.count(c));
            QVERIFY2((region->binMax - re.binMax).cwiseAbs().maxCoeff() <= tol,
                     qPrintable(QString("head %1: region %2×%3 bin max off").arg(h).arg(w).arg(hgt)));
            QVERIFY2((regionMean - re.binMean).cwiseAbs().maxCoeff() <= tol,
                     qPrintable(QString("head %1: region %2×%3 bin mean off").arg(h).arg(w).arg(hgt)));
        }
    }
}

struct ThreadsGuard {
    ~ThreadsGuard() { setThreadCount(0); }
};

} // namespace

class TestAttentionOverview : public QObject {
    Q_OBJECT

private slots:
    void binAxisFollowsTheBareRule()
    {
        // 10 cells on 4 pixels: [0, 2), [2, 5), [5, 7), [7, 10) — by hand from ⌊x·10/4⌋.
        const BinAxis a(10, 4);
        QCOMPARE(a.bins(), std::int64_t(4));
        QCOMPARE(a.first(0), std::int64_t(0));
        QCOMPARE(a.first(1), std::int64_t(2));
        QCOMPARE(a.first(2), std::int64_t(5));
        QCOMPARE(a.first(3), std::int64_t(7));
        QCOMPARE(a.first(4), std::int64_t(10));
        QCOMPARE(a.binOfPixel(3), std::int64_t(3));
        // 3 cells on 7 pixels: pixel x shows cell ⌊x·3/7⌋ = 0 0 0 1 1 2 2.
        const BinAxis b(3, 7);
        QCOMPARE(b.bins(), std::int64_t(3));
        const std::int64_t expected[] = {0, 0, 0, 1, 1, 2, 2};
        for (int x = 0; x < 7; ++x)
            QCOMPARE(b.binOfPixel(x), expected[x]);
        // binOfCell inverts first(): every cell lies in [first(b), first(b + 1)).
        for (const BinAxis &axis : {a, b, BinAxis(1000, 7), BinAxis(7, 7), BinAxis(32768, 2048), BinAxis(999, 1000)})
            for (std::int64_t i = 0; i < axis.cells(); ++i) {
                const std::int64_t bin = axis.binOfCell(i);
                QVERIFY(bin >= 0 && bin < axis.bins() && axis.first(bin) <= i && i < axis.first(bin + 1));
            }
    }

    void mergedBinsAreExactUnionsOfBins()
    {
        // A 97 × 61 matrix binned on 40 × 30, then bins [3, 37) × [2, 29) merged onto 9 × 7:
        // every group's max and mean are those of the stored cells it covers.
        std::mt19937 rng(11);
        const Mat<double> w = randomMatrix<double>(97, 61, rng).cwiseAbs();
        const BinAxis rows(97, 40), cols(61, 30);
        Mat<double> mx(rows.bins(), cols.bins()), sum(rows.bins(), cols.bins());
        for (std::int64_t r = 0; r < rows.bins(); ++r)
            for (std::int64_t c = 0; c < cols.bins(); ++c) {
                const auto b = w.block(rows.first(r), cols.first(c), rows.count(r), cols.count(c));
                mx(r, c) = b.maxCoeff();
                sum(r, c) = b.sum();
            }
        const MergedBins m = mergeBins(mx, sum, rows, cols, 3, 37, 2, 29, 7, 9);
        QCOMPARE(m.rowGroups.bins(), std::int64_t(9));
        QCOMPARE(m.colGroups.bins(), std::int64_t(7));
        QCOMPARE(m.r0, rows.first(3));
        QCOMPARE(m.r1, rows.first(37));
        QCOMPARE(m.c1, cols.first(29));
        for (std::int64_t gr = 0; gr < 9; ++gr)
            for (std::int64_t gc = 0; gc < 7; ++gc) {
                const std::int64_t r0 = m.rowCells[std::size_t(gr)], r1 = m.rowCells[std::size_t(gr) + 1];
                const std::int64_t c0 = m.colCells[std::size_t(gc)], c1 = m.colCells[std::size_t(gc) + 1];
                const auto b = w.block(r0, c0, r1 - r0, c1 - c0);
                QCOMPARE(m.max(gr, gc), b.maxCoeff());
                QVERIFY(std::abs(m.mean(gr, gc) - b.mean()) <= 1e-12);
            }
        QCOMPARE(m.rowCells.front(), m.r0);
        QCOMPARE(m.rowCells.back(), m.r1);
    }

    void matchesStoredWeights_data()
    {
        QTest::addColumn<int>("tq");
        QTest::addColumn<int>("tk");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("fewer pixels, uneven") << 37 << 53 << 10 << 7;
        QTest::newRow("more pixels than cells") << 9 << 13 << 80 << 50;
        QTest::newRow("one pixel per cell") << 40 << 40 << 40 << 40;
        QTest::newRow("long rows, several groups") << 1100 << 300 << 64 << 33;
    }
    void matchesStoredWeights()
    {
        QFETCH(int, tq);
        QFETCH(int, tk);
        QFETCH(int, width);
        QFETCH(int, height);
        compareWithStored(randomInputs<double>(2, 2, tq, tk, 8, 1), width, height, 1e-12);
        compareWithStored(randomInputs<float>(2, 2, tq, tk, 8, 2), width, height, 2e-6);
    }

    void masksAndGroupedHeads()
    {
        // Four query heads on two key/value heads, causal, a per-head boolean mask, a padded key
        // and an additive mask that blocks every key of row 2 (a fully masked row: weights 0).
        auto in = randomInputs<double>(4, 2, 24, 30, 6, 3);
        in.mask.causal = true;
        std::mt19937 rng(4);
        for (int h = 0; h < 4; ++h) {
            BoolMat allowed = BoolMat::Constant(24, 30, true);
            for (int i = 0; i < 24; ++i)
                allowed(i, int(rng() % 30)) = false;
            in.mask.allowed.push_back(allowed);
        }
        in.mask.keyPadding.assign(30, false);
        in.mask.keyPadding[1] = true;
        Mat<double> add = Mat<double>::Zero(24, 30);
        add.row(2).setConstant(-std::numeric_limits<double>::infinity());
        add(5, 0) = -1.5;
        in.mask.additive = {add};
        compareWithStored(in, 7, 5, 1e-12);
        OverviewOptions opt;
        opt.entropy = true;
        auto ov = computeOverview(in, opt);
        QVERIFY(ov);
        QCOMPARE(ov->heads[1].fullyMaskedRows, std::vector<std::int64_t>{2});
        QCOMPARE(ov->heads[1].entropyBits[2], 0.0);
        QVERIFY(!ov->warnings.empty());

        auto f = randomInputs<float>(4, 2, 24, 30, 6, 3);
        f.mask.causal = true;
        f.mask.keyAdditive.assign(30, 0.0f);
        f.mask.keyAdditive[7] = -2.0f;
        compareWithStored(f, 11, 9, 2e-6);
    }

    void sameResultsForEveryThreadCount()
    {
        ThreadsGuard guard;
        auto in = randomInputs<float>(2, 1, 1500, 700, 16, 5);
        in.mask.causal = true;
        OverviewOptions opt;
        opt.width = 50;
        opt.height = 61;
        opt.columnSums = opt.entropy = true;
        std::vector<AttentionOverview<float>> runs;
        std::vector<std::vector<Mat<float>>> weights;
        for (int threads : {1, 2, 3}) {
            setThreadCount(threads);
            auto ov = computeOverview(in, opt);
            QVERIFY(ov);
            runs.push_back(std::move(ov.value()));
            AttentionOptions a;
            a.keep = KeepWeights;
            auto r = computeAttention(in, a);
            QVERIFY(r);
            weights.push_back({r->heads[0].weights, r->heads[1].weights, r->heads[0].output});
        }
        for (std::size_t t = 1; t < runs.size(); ++t) {
            for (std::size_t h = 0; h < 2; ++h) {
                const auto &a = runs[0].heads[h], &b = runs[t].heads[h];
                QVERIFY(a.columnSums == b.columnSums); // bit for bit
                QVERIFY(a.entropyBits == b.entropyBits);
                QVERIFY(a.binMax == b.binMax);
                QVERIFY(a.binSum == b.binSum);
                QCOMPARE(a.lo, b.lo);
                QCOMPARE(a.hi, b.hi);
            }
            for (std::size_t m = 0; m < weights[0].size(); ++m)
                QVERIFY2(weights[0][m] == weights[t][m], "computeAttention differs between thread counts");
        }
    }

    void parallelForRunsEveryItemOnce()
    {
        ThreadsGuard guard;
        setThreadCount(2);
        std::vector<std::atomic<int>> hits(1000);
        parallelFor(1000, [&](std::int64_t i) {
            hits[std::size_t(i)]++;
            parallelFor(3, [&](std::int64_t) {}); // nested: serial, no deadlock
        });
        for (const auto &h : hits)
            QCOMPARE(h.load(), 1);
        bool threw = false;
        try {
            parallelFor(10, [](std::int64_t i) {
                if (i == 7)
                    throw std::runtime_error("item 7");
            });
        } catch (const std::runtime_error &e) {
            threw = QByteArray(e.what()) == "item 7";
        }
        QVERIFY(threw);
    }

    void refusedOverBudget()
    {
        const auto in = randomInputs<float>(1, 1, 300, 200, 8, 6);
        OverviewOptions opt;
        opt.width = 100;
        opt.height = 100;
        opt.memoryBudget = std::uint64_t(heapInUse()) + 1000; // far below the O(T) state
        auto ov = computeOverview(in, opt);
        QVERIFY(!ov);
        QCOMPARE(ov.error().code, Error::Code::OverBudget);
        QVERIFY2(QString::fromStdString(ov.error().message).contains("overview"), ov.error().message.c_str());
        // The need grows with T, not T²: 4× the keys, far less than 16× the bytes.
        const auto small = overviewBytesNeeded(1, 4096, 4096, 64, opt, 4, 2);
        const auto large = overviewBytesNeeded(1, 16384, 16384, 64, opt, 4, 2);
        QVERIFY(large < small * 6);
        // A region is refused the same way, before its bins are allocated.
        OverviewOptions roomy = opt;
        roomy.memoryBudget = 0;
        auto whole = computeOverview(in, roomy);
        QVERIFY(whole);
        auto region = overviewRegion(in, opt, whole->heads.front(), 0, 0, 300, 0, 200, 200, 300);
        QVERIFY(!region);
        QCOMPARE(region.error().code, Error::Code::OverBudget);
        // A region's need follows its cells and pixels, not the whole matrix.
        QVERIFY(regionBytesNeeded(512, 512, 64, 512, 512, 4, 2) < regionBytesNeeded(4096, 4096, 64, 4096, 4096, 4, 2) / 32);
    }

    void valuesAreOptional()
    {
        auto in = randomInputs<double>(1, 1, 5, 6, 4, 7);
        in.v.clear();
        OverviewOptions opt;
        opt.columnSums = true;
        auto ov = computeOverview(in, opt);
        QVERIFY2(ov, ov ? "" : ov.error().message.c_str());
        double total = 0;
        for (double c : ov->heads[0].columnSums)
            total += c;
        QVERIFY(std::abs(total - 5.0) < 1e-12); // every row sums to 1
        in.k[0].resize(6, 3);
        QVERIFY(!computeOverview(in, opt)); // d of Q and K differ
    }
};

QTEST_GUILESS_MAIN(TestAttentionOverview)
#include "tst_attention_overview.moc"
