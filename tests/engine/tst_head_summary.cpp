// Per-head summaries (engine/math/head_summary.h): every head of the fixtures of
// fixtures/gen_model_view.py (an independent numpy reference, float64 from the stored float32
// weights) through readAttentionBundle → summarizeHeads, and hand-computed cases.
//
// Tolerance: |got − expected| <= 1e-12 elementwise; NaN exactly where the reference has NaN.

#include <QtTest>

#include <cmath>
#include <limits>

#include "bundle.h"
#include "head_summary.h"
#include "npy.h"

using namespace attnscope;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/modelview");
constexpr double kTol = 1e-12;

bool close(double got, double expected)
{
    if (std::isnan(expected))
        return std::isnan(got);
    return std::abs(got - expected) <= kTol;
}

} // namespace

class TestHeadSummary : public QObject {
    Q_OBJECT
private slots:
    void fixtures_data();
    void fixtures();
    void handComputed();
    void zeroRowsAreSkipped();
    void plantedHeadsRankFirst();
    void metricKeys();
};

void TestHeadSummary::fixtures_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bert12: 12 x 12, [CLS]/[SEP]") << "bert12.npz" << "bert12.npy";
    QTest::newRow("small: zero row, one-hot heads") << "small.npz" << "small.npy";
    QTest::newRow("rect: 3 x 4, no specials") << "rect.npz" << "rect.npy";
    QTest::newRow("bare tensor: no tokens") << "bare.npy" << "bare.npy";
}

void TestHeadSummary::fixtures()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    auto bundle = readAttentionBundle((kDir + "/" + input).toStdString());
    QVERIFY2(bundle, bundle ? "" : bundle.error().message.c_str());
    auto ref = readNpy((kDir + "/expected/" + expected).toStdString());
    QVERIFY2(ref, ref ? "" : ref.error().message.c_str());
    const std::vector<HeadSummary> got = summarizeHeads(*bundle);
    QCOMPARE(std::int64_t(got.size()), bundle->layers() * bundle->heads());
    QCOMPARE(ref->shape, (Shape{std::int64_t(got.size()), kHeadMetricCount}));
    for (std::size_t k = 0; k < got.size(); ++k) {
        QCOMPARE(got[k].layer, int(std::int64_t(k) / bundle->heads()));
        QCOMPARE(got[k].head, int(std::int64_t(k) % bundle->heads()));
        for (int m = 0; m < kHeadMetricCount; ++m) {
            const double e = ref->at(std::int64_t(k) * kHeadMetricCount + m), g = got[k].value(HeadMetric(m));
            QVERIFY2(close(g, e), qPrintable(QStringLiteral("layer %1 head %2 %3: got %4, expected %5")
                                                 .arg(got[k].layer)
                                                 .arg(got[k].head)
                                                 .arg(headMetricKey(HeadMetric(m)))
                                                 .arg(g, 0, 'g', 17)
                                                 .arg(e, 0, 'g', 17)));
        }
    }
}

void TestHeadSummary::handComputed()
{
    // Rows: uniform over 4 keys (2 bits), one-hot on key 0 (0 bits), half on keys 1 and 3 (1 bit),
    // one-hot on key 2. Specials: key 0.
    Mat<double> a(4, 4);
    a << 0.25, 0.25, 0.25, 0.25, //
        1, 0, 0, 0,              //
        0, 0.5, 0, 0.5,          //
        0, 0, 1, 0;
    const HeadSummary s = summarizeHead(a, {0});
    QVERIFY(close(s.entropy, (2.0 + 0 + 1 + 0) / 4));
    QVERIFY(close(s.special, (0.25 + 1 + 0 + 0) / 4));
    QVERIFY(close(s.previous, (1.0 + 0.5 + 1) / 3)); // a[1,0], a[2,1], a[3,2]
    QVERIFY(close(s.next, (0.25 + 0 + 0.5) / 3));    // a[0,1], a[1,2], a[2,3]
    QVERIFY(close(s.self, (0.25 + 0 + 0 + 0) / 4));
}

void TestHeadSummary::zeroRowsAreSkipped()
{
    Mat<double> a(2, 2);
    a << 0.5, 0.5, 0, 0;
    QVERIFY(close(summarizeHead(a, {}).entropy, 1.0)); // the zero row neither counts nor adds 0
    QVERIFY(close(summarizeHead(Mat<double>::Zero(3, 3), {}).entropy, 0.0));
    Mat<double> one(1, 1);
    one << 1;
    const HeadSummary s = summarizeHead(one, {});
    QVERIFY(std::isnan(s.previous) && std::isnan(s.next));
    QVERIFY(close(s.self, 1.0));
    Mat<double> inf(1, 2);
    inf << std::numeric_limits<double>::infinity(), 1;
    QVERIFY(close(summarizeHead(inf, {0}).special, 0.0)); // non-finite weights count as 0
}

void TestHeadSummary::plantedHeadsRankFirst()
{
    // The planted heads of bert12 must top their summary: what the Model view ranks by.
    auto bundle = readAttentionBundle((kDir + "/bert12.npz").toStdString());
    QVERIFY(bundle);
    const std::vector<HeadSummary> s = summarizeHeads(*bundle);
    auto best = [&](HeadMetric m) {
        std::size_t k = 0;
        for (std::size_t i = 1; i < s.size(); ++i)
            if (s[i].value(m) > s[k].value(m))
                k = i;
        return std::make_pair(s[k].layer, s[k].head);
    };
    QCOMPARE(best(HeadMetric::Previous), std::make_pair(2, 3));
    QCOMPARE(best(HeadMetric::Next), std::make_pair(0, 5));
    QCOMPARE(best(HeadMetric::Special), std::make_pair(5, 7));
    QCOMPARE(best(HeadMetric::Self), std::make_pair(8, 1));
}

void TestHeadSummary::metricKeys()
{
    for (int m = 0; m < kHeadMetricCount; ++m) {
        HeadMetric back = HeadMetric::Entropy;
        QVERIFY(headMetricFromKey(headMetricKey(HeadMetric(m)), &back));
        QCOMPARE(int(back), m);
    }
    HeadMetric unused;
    QVERIFY(!headMetricFromKey("Entropy", &unused));
}

QTEST_GUILESS_MAIN(TestHeadSummary)
#include "tst_head_summary.moc"
