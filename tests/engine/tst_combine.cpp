// Combining heads and layers (engine/math/combine.h) against numpy: every case of
// fixtures/gen_combine.py (an independent float64 reference) through readAttentionBundle →
// fuseHeads / rollout → hideTokens, and the normalisations; plus properties (rollout rows sum to
// 1, the mean of identical heads is the head, the discard tie-break, hidden indices checked)
// and a 2×2 rollout computed by hand.
//
// Tolerance against the references: |got − expected| <= 1e-12 + 1e-12·|expected|, elementwise
// (float64 throughout; the inputs are the values stored in the files). Infinities must match
// exactly and NaN only where the reference has NaN.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

#include "bundle.h"
#include "combine.h"
#include "npy.h"

using namespace attnscope;

namespace {

const QString kFixtureDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/combine");
constexpr double kTol = 1e-12;
constexpr double kInf = std::numeric_limits<double>::infinity();

QJsonObject manifest()
{
    QFile f(kFixtureDir + "/manifest.json");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// Empty when `got` matches `expected` [rows, cols] within kTol; otherwise what differs.
QString compare(const QString &what, const Tensor &expected, const Mat<double> &got)
{
    if (expected.rank() != 2 || expected.shape[0] != got.rows() || expected.shape[1] != got.cols())
        return what + QStringLiteral(": shape [%1, %2], expected %3")
                          .arg(got.rows())
                          .arg(got.cols())
                          .arg(QString::fromStdString(shapeToString(expected.shape)));
    for (Eigen::Index i = 0; i < got.size(); ++i) {
        const double e = expected.at(i), g = got.data()[i];
        const bool same = std::isnan(e) ? std::isnan(g)
                          : std::isinf(e) ? e == g
                                          : std::isfinite(g) && std::abs(g - e) <= kTol + kTol * std::abs(e);
        if (!same)
            return what + QStringLiteral(": at flat index %1 got %2, expected %3 (tolerance %4 + %4·|expected|)")
                              .arg(i)
                              .arg(g, 0, 'g', 17)
                              .arg(e, 0, 'g', 17)
                              .arg(kTol);
    }
    return {};
}

/// [L, H, T, T] float64 from L·H matrices, layer-major.
Tensor stack(const std::vector<Mat<double>> &ms, std::int64_t layers)
{
    Tensor t = Tensor::fromMatrices(ms);
    t.shape = {layers, std::int64_t(ms.size()) / layers, t.shape[1], t.shape[2]};
    return t;
}

/// A random [rows, cols] matrix of softmax rows.
Mat<double> randomAttention(std::mt19937_64 &rng, Eigen::Index rows, Eigen::Index cols)
{
    std::normal_distribution<double> normal(0.0, 2.0);
    Mat<double> m(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < cols; ++j)
            m(i, j) = std::exp(normal(rng));
        m.row(i) /= m.row(i).sum();
    }
    return m;
}

} // namespace

class TstCombine : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void fixtures_data();
    void fixtures();
    void normalizations_data();
    void normalizations();

    void rolloutByHand2x2();
    void rolloutRowsSumToOne();
    void meanOfIdenticalHeadsIsTheHead();
    void discardTieBreakByPosition();
    void discardCounts();
    void discardNeverTouchesTheDiagonal();
    void hideTokensChecksIndices();
    void hideTokensEmptyRowWarns();
    void checkAttentionValuesNamesTheElement();
    void parseFusionNames();
    void normalizationEdges();

private:
    QJsonObject m_manifest;
};

void TstCombine::initTestCase()
{
    m_manifest = manifest();
    QVERIFY2(m_manifest.value("cases").toArray().size() >= 30,
             qPrintable("the manifest " + kFixtureDir + "/manifest.json is missing or short"));
    QVERIFY(m_manifest.value("normalizations").toArray().size() >= 5);
    const QJsonObject tol = m_manifest.value("tolerance").toObject().value("engine").toObject();
    QCOMPARE(tol.value("rtol").toDouble(), kTol);
    QCOMPARE(tol.value("atol").toDouble(), kTol);
}

void TstCombine::fixtures_data()
{
    QTest::addColumn<int>("index");
    const QJsonArray cases = manifest().value("cases").toArray();
    for (int i = 0; i < cases.size(); ++i)
        QTest::newRow(qPrintable(cases[i].toObject().value("name").toString())) << i;
}

void TstCombine::fixtures()
{
    QFETCH(int, index);
    const QJsonObject c = m_manifest.value("cases").toArray()[index].toObject();
    auto bundle = readAttentionBundle((kFixtureDir + "/" + c.value("weights").toString()).toStdString());
    QVERIFY2(bundle.ok(), bundle.ok() ? "" : bundle.error().message.c_str());
    const Tensor &attn = bundle->attentions;
    QCOMPARE(attn.rank(), 4);
    auto fusion = parseFusion(c.value("fuse").toString().toStdString());
    QVERIFY(fusion.ok());
    const int layer = c.value("layer").toInt() < 0 ? int(attn.shape[0]) - 1 : c.value("layer").toInt();
    const bool doRollout = c.value("rollout").toBool();
    QVERIFY(checkAttentionValues(attn, doRollout ? 0 : layer, layer, doRollout, "w").ok());

    Mat<double> m = doRollout ? rollout(attn, layer, *fusion, c.value("discard").toDouble())
                              : fuseHeads(attn, layer, *fusion);
    std::vector<std::string> warnings;
    const bool renormalize = c.value("renormalize").toBool();
    if (c.value("hideGiven").toBool() || renormalize) {
        std::vector<int> hidden;
        for (const auto &v : c.value("hide").toArray())
            hidden.push_back(v.toInt());
        auto shown = hideTokens(m, hidden, renormalize, warnings);
        QVERIFY2(shown.ok(), shown.ok() ? "" : shown.error().message.c_str());
        m = shown.value();
    }
    auto expected = readNpy((kFixtureDir + "/" + c.value("expected").toString()).toStdString());
    QVERIFY(expected.ok());
    const QString diff = compare(c.value("name").toString(), *expected, m);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    QCOMPARE(warnings.size(), std::size_t(c.value("warning").toBool() ? 1 : 0));
    for (const auto &row : c.value("emptyRows").toArray())
        QVERIFY2(QString::fromStdString(warnings.front()).contains(QStringLiteral("row(s) %1").arg(row.toInt())),
                 warnings.front().c_str());
    if (doRollout && !c.value("hideGiven").toBool())
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            QVERIFY(std::abs(m.row(i).sum() - 1.0) <= 1e-12);
}

void TstCombine::normalizations_data()
{
    QTest::addColumn<int>("index");
    const QJsonArray norms = manifest().value("normalizations").toArray();
    for (int i = 0; i < norms.size(); ++i)
        QTest::newRow(qPrintable(norms[i].toObject().value("name").toString())) << i;
}

void TstCombine::normalizations()
{
    QFETCH(int, index);
    const QJsonObject n = m_manifest.value("normalizations").toArray()[index].toObject();
    auto input = readNpy((kFixtureDir + "/" + n.value("input").toString()).toStdString());
    auto expected = readNpy((kFixtureDir + "/" + n.value("expected").toString()).toStdString());
    QVERIFY(input.ok() && expected.ok());
    const Mat<double> m = input->matrix<double>();
    const QString op = n.value("op").toString();
    Mat<double> got;
    if (op == "rows")
        got = normalizeRows(m);
    else if (op == "columns")
        got = normalizeColumns(m);
    else if (op == "global")
        got = normalizeGlobal(m);
    else if (op == "log10")
        got = log10Values(m, n.value("floor").isString() ? -kInf : n.value("floor").toDouble());
    else
        QFAIL(qPrintable("unknown normalisation " + op));
    const QString diff = compare(n.value("name").toString(), *expected, got);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TstCombine::rolloutByHand2x2()
{
    // Layer 0, one head: A0 = [[1, 0], [0.5, 0.5]] → Ã0 = (A0 + I)/2 = [[1, 0], [0.25, 0.75]]
    //   (rows already sum to 1).
    // Layer 1, one head: A1 = [[0, 1], [1, 0]]     → Ã1 = [[0.5, 0.5], [0.5, 0.5]].
    // Rollout = Ã1 · Ã0 = [[0.5·1 + 0.5·0.25, 0.5·0 + 0.5·0.75], same] = [[0.625, 0.375], [0.625, 0.375]].
    // (The wrong order, Ã0 · Ã1, would give [[0.5, 0.5], [0.5, 0.5]].)
    Mat<double> a0(2, 2), a1(2, 2);
    a0 << 1, 0, 0.5, 0.5;
    a1 << 0, 1, 1, 0;
    const Tensor t = stack({a0, a1}, 2);
    Mat<double> expected(2, 2);
    expected << 0.625, 0.375, 0.625, 0.375;
    QVERIFY((rollout(t, 1, Fusion::Mean) - expected).cwiseAbs().maxCoeff() <= 1e-15);
    Mat<double> first(2, 2);
    first << 1, 0, 0.25, 0.75;
    QVERIFY((rollout(t, 0, Fusion::Mean) - first).cwiseAbs().maxCoeff() <= 1e-15);
}

void TstCombine::rolloutRowsSumToOne()
{
    std::mt19937_64 rng(20200501);
    for (double ratio : {0.0, 0.3, 0.9, 0.999}) {
        std::vector<Mat<double>> ms;
        for (int i = 0; i < 24 * 3; ++i)
            ms.push_back(randomAttention(rng, 9, 9));
        const Tensor t = stack(ms, 24);
        for (Fusion f : {Fusion::Mean, Fusion::Max, Fusion::Min}) {
            const Mat<double> r = rollout(t, 23, f, ratio);
            QVERIFY(r.allFinite());
            QVERIFY(r.minCoeff() >= 0.0);
            const double worst = (r.rowwise().sum().array() - 1.0).abs().maxCoeff();
            QVERIFY2(worst <= 1e-12, qPrintable(QStringLiteral("ratio %1, %2: row sum off by %3")
                                                     .arg(ratio)
                                                     .arg(fusionName(f))
                                                     .arg(worst)));
        }
    }
}

void TstCombine::meanOfIdenticalHeadsIsTheHead()
{
    std::mt19937_64 rng(7);
    const Mat<double> head = randomAttention(rng, 5, 7);
    for (int heads : {1, 2, 3, 7, 12}) {
        const Tensor t = stack(std::vector<Mat<double>>(std::size_t(heads), head), 1);
        // Summing H equal values and dividing by H may round, by a few ulps at most.
        QVERIFY((fuseHeads(t, 0, Fusion::Mean) - head).cwiseAbs().maxCoeff() <= 1e-15);
        QVERIFY(fuseHeads(t, 0, Fusion::Max) == head);
        QVERIFY(fuseHeads(t, 0, Fusion::Min) == head);
    }
    // Different heads: mean, max and min elementwise.
    Mat<double> a(1, 2), b(1, 2);
    a << 0.2, 0.8;
    b << 0.6, 0.4;
    const Tensor t = stack({a, b}, 1);
    QCOMPARE(fuseHeads(t, 0, Fusion::Max)(0, 0), 0.6);
    QCOMPARE(fuseHeads(t, 0, Fusion::Min)(0, 1), 0.4);
    QVERIFY(std::abs(fuseHeads(t, 0, Fusion::Mean)(0, 0) - 0.4) <= 1e-16);
}

void TstCombine::discardTieBreakByPosition()
{
    // Six equal off-diagonal entries; ratio 0.5 discards ⌊0.5·6⌋ = 3 of them: the first three in
    // row-major order, (0,1), (0,2), (1,0).
    Mat<double> m(3, 3);
    m << 9, 1, 1,
         1, 9, 1,
         1, 1, 9;
    Mat<double> expected(3, 3);
    expected << 9, 0, 0,
                0, 9, 1,
                1, 1, 9;
    QVERIFY(discardSmallest(m, 0.5) == expected);
    // A strictly smaller value goes first wherever it is; then (0,1) and (0,2) by position.
    m(2, 1) = 0.5;
    expected << 9, 0, 0,
                1, 9, 1,
                1, 0, 9;
    QVERIFY(discardSmallest(m, 0.5) == expected);
}

void TstCombine::discardCounts()
{
    QCOMPARE(discardCount(5, 0.625), std::int64_t(12));
    QCOMPARE(discardCount(5, 0.0), std::int64_t(0));
    QCOMPARE(discardCount(1, 0.9), std::int64_t(0));
    QCOMPARE(discardCount(4, 0.99), std::int64_t(11)); // ⌊0.99·12⌋
    Mat<double> m = Mat<double>::Constant(4, 4, 0.25);
    QVERIFY(discardSmallest(m, 0.0) == m);
}

void TstCombine::discardNeverTouchesTheDiagonal()
{
    Mat<double> m(3, 3);
    m << 1e-9, 0.5, 0.5,
         0.4, 1e-9, 0.6,
         0.3, 0.7, 1e-9;
    const Mat<double> d = discardSmallest(m, 0.99); // 5 of 6 off-diagonal entries
    QVERIFY(d.diagonal() == m.diagonal());
    QCOMPARE(int((d.array() == 0.0).count()), 5);
    QCOMPARE(d(2, 1), 0.7);
}

void TstCombine::hideTokensChecksIndices()
{
    const Mat<double> m = Mat<double>::Constant(2, 4, 0.25);
    std::vector<std::string> warnings;
    for (const std::vector<int> &bad : {std::vector<int>{4}, {-1}, {0, 1, 2, 3}, {3, 2, 1, 0, 0}}) {
        auto r = hideTokens(m, bad, true, warnings);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::BadArgument);
    }
    auto dup = hideTokens(m, {1, 1, 3}, false, warnings);
    QVERIFY(dup.ok());
    QCOMPARE(dup->cols(), Eigen::Index(2));
    auto renorm = hideTokens(m, {1, 1, 3}, true, warnings);
    QVERIFY(renorm.ok());
    QVERIFY(*renorm == Mat<double>::Constant(2, 2, 0.5));
    QVERIFY(warnings.empty());
}

void TstCombine::hideTokensEmptyRowWarns()
{
    Mat<double> m(3, 3);
    m << 1, 0, 0,
         0.5, 0.5, 0,
         0.2, 0.3, 0.5;
    std::vector<std::string> warnings;
    auto r = hideTokens(m, {0}, true, warnings);
    QVERIFY(r.ok());
    Mat<double> expected(3, 2);
    expected << 0, 0,
                1, 0,
                0.375, 0.625;
    QVERIFY((*r - expected).cwiseAbs().maxCoeff() <= 1e-15);
    QCOMPARE(warnings.size(), std::size_t(1));
    QVERIFY2(QString::fromStdString(warnings[0]).contains("row(s) 0 "), warnings[0].c_str());
    // Without --renormalize nothing is divided and nothing is said.
    warnings.clear();
    auto plain = hideTokens(m, {0}, false, warnings);
    QVERIFY(plain.ok() && warnings.empty());
    QVERIFY(*plain == m.rightCols(2));
}

void TstCombine::checkAttentionValuesNamesTheElement()
{
    Mat<double> a = Mat<double>::Constant(2, 2, 0.5);
    Mat<double> b = a;
    b(1, 0) = std::nan("");
    Mat<double> c = a;
    c(0, 1) = -0.25;
    const Tensor t = stack({a, a, b, c}, 2); // [2, 2, 2, 2]: layer 1 holds NaN (head 0) and -0.25 (head 1)
    QVERIFY(checkAttentionValues(t, 0, 0, true, "w.npy").ok());
    auto nan = checkAttentionValues(t, 0, 1, false, "w.npy");
    QVERIFY(!nan.ok());
    QVERIFY2(QString::fromStdString(nan.error().message).startsWith("w.npy: element [1, 0, 1, 0] is nan"),
             nan.error().message.c_str());
    Tensor t2 = stack({a, a, a, c}, 2);
    QVERIFY(checkAttentionValues(t2, 1, 1, false, "w.npy").ok());
    auto neg = checkAttentionValues(t2, 1, 1, true, "w.npy");
    QVERIFY(!neg.ok());
    QVERIFY2(QString::fromStdString(neg.error().message).contains("[1, 1, 0, 1] is -0.25"), neg.error().message.c_str());
}

void TstCombine::parseFusionNames()
{
    QCOMPARE(parseFusion("mean").value(), Fusion::Mean);
    QCOMPARE(parseFusion("max").value(), Fusion::Max);
    QCOMPARE(parseFusion("min").value(), Fusion::Min);
    QVERIFY(!parseFusion("Mean").ok());
    QVERIFY(!parseFusion("").ok());
}

void TstCombine::normalizationEdges()
{
    Mat<double> m(2, 3);
    m << 2, 2, 2,
         -kInf, 1, 3;
    Mat<double> rows = normalizeRows(m);
    QCOMPARE(rows(0, 0), 0.0);               // a constant row becomes 0, never NaN
    QCOMPARE(rows(1, 0), -kInf);             // non-finite entries are kept
    QCOMPARE(rows(1, 2), 1.0);
    QVERIFY(normalizeGlobal(m).block(0, 1, 2, 2).allFinite());
    QCOMPARE(normalizeGlobal(m)(0, 0), 0.5); // finite range 1..3
    QCOMPARE(normalizeGlobal(m)(1, 1), 0.0);
    Mat<double> l(1, 4);
    l << 0, -1, 100, std::nan("");
    const Mat<double> logs = log10Values(l);
    QCOMPARE(logs(0, 0), -kInf);
    QCOMPARE(logs(0, 1), -kInf);
    QCOMPARE(logs(0, 2), 2.0);
    QVERIFY(std::isnan(logs(0, 3)));
    QCOMPARE(log10Values(l, -3.0)(0, 0), -3.0);
}

QTEST_GUILESS_MAIN(TstCombine)
#include "tst_combine.moc"
