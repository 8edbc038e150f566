// The attention pipeline against numpy: every case of fixtures/gen_attention.py (an independent
// float64 reference) through readTensor → prepareAttention → computeAttention, plus property
// tests (rows sum to 1, shift invariance, extreme logits, fully masked rows, memory budget,
// cancellation, option parsing) and a case computed by hand.
//
// Tolerances, from the manifest (|got - expected| <= atol + rtol·|expected|, elementwise):
//   f64: rtol 1e-9, atol 1e-12      f32: rtol 1e-5, atol 1e-6
// -inf in the expected scores must be -inf exactly; weights of masked keys must be exactly 0;
// NaN is never accepted.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "attention.h"
#include "attention_request.h"
#include "npy.h"
#include "tensor_compare.h"
#include "tensor_file.h"

using namespace attnscope;

namespace {

const QString kFixtureDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/attention");
constexpr double kInf = std::numeric_limits<double>::infinity();

/// A tensor as flat doubles in C order.
struct Flat {
    Shape shape;
    std::vector<double> data;
};

/// compareValues for flat values.
QString compareFlat(const QString &what, const Tensor &expected, const Flat &got, double rtol, double atol,
                    const Tensor *maskedBy = nullptr)
{
    return test::compareValues(what, expected, got.shape, [&got](std::int64_t i) { return got.data[std::size_t(i)]; },
                               rtol, atol, maskedBy);
}

QJsonArray manifestCases()
{
    QFile f(kFixtureDir + "/manifest.json");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object().value("cases").toArray();
}

template <class S>
Mat<S> randomMat(std::mt19937_64 &rng, Eigen::Index rows, Eigen::Index cols, double scale = 1.0)
{
    std::normal_distribution<double> dist(0.0, scale);
    Mat<S> m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = S(dist(rng));
    return m;
}

template <class S>
AttentionInputs<S> randomInputs(std::uint64_t seed, int hq, int hkv, Eigen::Index tq, Eigen::Index tk, Eigen::Index dk,
                                Eigen::Index dv, double scale = 1.0)
{
    std::mt19937_64 rng(seed);
    AttentionInputs<S> in;
    for (int h = 0; h < hq; ++h)
        in.q.push_back(randomMat<S>(rng, tq, dk, scale));
    for (int h = 0; h < hkv; ++h) {
        in.k.push_back(randomMat<S>(rng, tk, dk, scale));
        in.v.push_back(randomMat<S>(rng, tk, dv));
    }
    return in;
}

AttentionOptions options(unsigned keep = KeepWeights)
{
    AttentionOptions o;
    o.keep = keep;
    return o;
}

/// Every row of `w` sums to 1 within 1e-6, or is exactly zero when listed in `fully`.
template <class S>
QString checkRows(const Mat<S> &w, const std::vector<std::int64_t> &fully)
{
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
        const bool masked = std::find(fully.begin(), fully.end(), std::int64_t(i)) != fully.end();
        if (!w.row(i).allFinite())
            return QStringLiteral("row %1 holds a non-finite weight").arg(i);
        if ((w.row(i).array() < S(0)).any())
            return QStringLiteral("row %1 holds a negative weight").arg(i);
        const double sum = double(w.row(i).sum());
        if (masked && !(w.row(i).array() == S(0)).all())
            return QStringLiteral("row %1 is reported fully masked but is not all zero").arg(i);
        if (!masked && std::abs(sum - 1.0) > 1e-6)
            return QStringLiteral("row %1 sums to %2").arg(i).arg(sum, 0, 'g', 17);
    }
    return {};
}

} // namespace

class TstAttention : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void fixtures_data();
    void fixtures();

    void rowsSumToOne_data();
    void rowsSumToOne();
    void shiftInvariance_data();
    void shiftInvariance();
    void shiftInvariancePipeline();
    void extremeLogits_data();
    void extremeLogits();
    void extremeLogitsPipeline();
    void fullyMaskedRows_data();
    void fullyMaskedRows();
    void blockedPositionsByHand();
    void blockedPositionsAreTheMaskedScores_data();
    void blockedPositionsAreTheMaskedScores();
    void largeResults_data();
    void largeResults();
    void memoryBudget_data();
    void memoryBudget();
    void cancel();
    void scaleParse_data();
    void scaleParse();
    void scaleFactor();
    void temperature();
    void byteSize_data();
    void byteSize();
    void formatBytesText();
    void groupedQueryHeads();
    void handComputed();

private:
    template <class S>
    void runFixture(const QJsonObject &c);
    QJsonArray m_cases;
};

void TstAttention::initTestCase()
{
    m_cases = manifestCases();
    QVERIFY2(m_cases.size() >= 40, qPrintable("the manifest " + kFixtureDir + "/manifest.json is missing or short"));
}

// ---------------------------------------------------------------------------------------------
// Fixtures: the engine against the numpy reference
// ---------------------------------------------------------------------------------------------

void TstAttention::fixtures_data()
{
    QTest::addColumn<int>("index");
    const QJsonArray cases = manifestCases();
    for (int i = 0; i < cases.size(); ++i)
        QTest::newRow(qPrintable(cases[i].toObject().value("name").toString())) << i;
}

template <class S>
void TstAttention::runFixture(const QJsonObject &c)
{
    const QString dir = kFixtureDir + "/" + c.value("name").toString();
    const double rtol = c.value("rtol").toDouble(), atol = c.value("atol").toDouble();
    QVERIFY(rtol > 0 && rtol <= 1e-4 && atol > 0 && atol <= 1e-4);

    // The manifest holds CLI arguments; build the same request the CLI would.
    AttentionRequest req;
    AttentionOptions opt = options(KeepScoresMasked | KeepWeights);
    const QJsonArray args = c.value("args").toArray();
    QVERIFY(args.size() % 2 == 0);
    for (int i = 0; i < args.size(); i += 2) {
        const QString name = args[i].toString(), value = args[i + 1].toString();
        const auto file = [&]() -> std::optional<NamedTensor> {
            auto t = readTensor((dir + "/" + value).toStdString());
            if (!t)
                return std::nullopt;
            return t.value();
        };
        std::optional<NamedTensor> *slot = nullptr;
        if (name == "--q") slot = &req.q;
        else if (name == "--k") slot = &req.k;
        else if (name == "--v") slot = &req.v;
        else if (name == "--x") slot = &req.x;
        else if (name == "--wq") slot = &req.wq;
        else if (name == "--wk") slot = &req.wk;
        else if (name == "--wv") slot = &req.wv;
        else if (name == "--context") slot = &req.context;
        else if (name == "--key-padding") slot = &req.keyPadding;
        else if (name == "--mask" && value != "causal") slot = &req.mask;

        if (slot) {
            *slot = file();
            QVERIFY2(slot->has_value(), qPrintable("cannot read " + dir + "/" + value));
        } else if (name == "--mask") {
            req.causal = true;
        } else if (name == "--heads") {
            req.heads = value.toInt();
        } else if (name == "--batch") {
            req.batch = value.toLongLong();
        } else if (name == "--scale") {
            auto s = ScaleSpec::parse(value.toStdString());
            QVERIFY2(s.ok(), qPrintable(value));
            opt.scale = s.value();
        } else if (name == "--precision") {
            QCOMPARE(value, c.value("precision").toString());
        } else {
            QFAIL(qPrintable("unknown option in the manifest: " + name));
        }
    }

    auto prepared = prepareAttention<S>(req);
    QVERIFY2(prepared.ok(), prepared.ok() ? "" : prepared.error().message.c_str());
    QVERIFY2(prepared->warnings.empty(), prepared->warnings.empty() ? "" : prepared->warnings.front().c_str());
    const char *layoutNames[] = {"single", "split", "stacked"};
    QCOMPARE(QString::fromLatin1(layoutNames[int(prepared->layout)]), c.value("layout").toString());

    auto result = computeAttention<S>(prepared->inputs, opt);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
    const auto &heads = result->heads;
    QVERIFY(!heads.empty());
    const auto hq = std::int64_t(heads.size());
    const auto tq = heads[0].weights.rows(), tk = heads[0].weights.cols(), dv = heads[0].output.cols();
    const bool single = prepared->layout == HeadLayout::Single;

    // Assemble the files as the CLI documents them.
    Flat scores, weights, output;
    scores.shape = single ? Shape{tq, tk} : Shape{hq, tq, tk};
    weights.shape = scores.shape;
    for (const auto &h : heads) {
        QCOMPARE(h.scoresMasked.rows(), tq);
        QCOMPARE(h.scoresMasked.cols(), tk);
        QCOMPARE(h.weights.rows(), tq);
        QCOMPARE(h.output.rows(), tq);
        QCOMPARE(h.output.cols(), dv);
        scores.data.insert(scores.data.end(), h.scoresMasked.data(), h.scoresMasked.data() + h.scoresMasked.size());
        weights.data.insert(weights.data.end(), h.weights.data(), h.weights.data() + h.weights.size());
    }
    if (prepared->layout == HeadLayout::Stacked) {
        output.shape = {hq, tq, dv};
        for (const auto &h : heads)
            output.data.insert(output.data.end(), h.output.data(), h.output.data() + h.output.size());
    } else {
        output.shape = {tq, hq * dv}; // heads side by side, in head order
        for (Eigen::Index i = 0; i < tq; ++i)
            for (const auto &h : heads)
                for (Eigen::Index j = 0; j < dv; ++j)
                    output.data.push_back(double(h.output(i, j)));
    }

    auto expScores = readNpy((dir + "/scores.npy").toStdString());
    auto expWeights = readNpy((dir + "/weights.npy").toStdString());
    auto expOutput = readNpy((dir + "/output.npy").toStdString());
    QVERIFY(expScores.ok() && expWeights.ok() && expOutput.ok());
    QString diff = compareFlat("scores", *expScores, scores, rtol, atol);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    diff = compareFlat("weights", *expWeights, weights, rtol, atol, &*expScores);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    diff = compareFlat("output", *expOutput, output, rtol, atol);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // Fully masked rows: reported per head, one warning per affected head, nothing otherwise.
    QJsonArray gotRows;
    std::size_t headsWithMaskedRows = 0;
    for (std::size_t h = 0; h < heads.size(); ++h) {
        for (auto r : heads[h].fullyMaskedRows)
            gotRows.append(QJsonArray{int(h), int(r)});
        headsWithMaskedRows += heads[h].fullyMaskedRows.empty() ? 0 : 1;
        const QString rowDiff = checkRows<S>(heads[h].weights, heads[h].fullyMaskedRows);
        QVERIFY2(rowDiff.isEmpty(), qPrintable(QStringLiteral("head %1: ").arg(h) + rowDiff));
    }
    QCOMPARE(QJsonDocument(gotRows).toJson(QJsonDocument::Compact),
             QJsonDocument(c.value("fully_masked_rows").toArray()).toJson(QJsonDocument::Compact));
    QCOMPARE(result->warnings.size(), headsWithMaskedRows);
    QCOMPARE(!result->warnings.empty(), c.value("fully_masked").toBool());
    for (const auto &w : result->warnings)
        QVERIFY2(QString::fromStdString(w).contains("every key is masked"), w.c_str());
}

void TstAttention::fixtures()
{
    QFETCH(int, index);
    const QJsonObject c = m_cases[index].toObject();
    if (c.value("precision").toString() == "f64")
        runFixture<double>(c);
    else
        runFixture<float>(c);
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

void TstAttention::rowsSumToOne_data()
{
    QTest::addColumn<bool>("f64");
    QTest::addColumn<int>("tq");
    QTest::addColumn<int>("tk");
    QTest::addColumn<int>("d");
    QTest::addColumn<double>("inputScale");
    QTest::addColumn<bool>("causal");
    QTest::addColumn<QList<int>>("padded");

    QTest::newRow("f32 8x8") << false << 8 << 8 << 4 << 1.0 << false << QList<int>{};
    QTest::newRow("f64 8x8") << true << 8 << 8 << 4 << 1.0 << false << QList<int>{};
    QTest::newRow("f32 peaky logits") << false << 16 << 16 << 8 << 6.0 << false << QList<int>{};
    QTest::newRow("f64 peaky logits") << true << 16 << 16 << 8 << 6.0 << false << QList<int>{};
    QTest::newRow("f32 causal 600 rows (blocks)") << false << 600 << 600 << 16 << 1.0 << true << QList<int>{};
    QTest::newRow("f64 causal Tq>Tk") << true << 40 << 10 << 4 << 1.0 << true << QList<int>{};
    QTest::newRow("f32 padding") << false << 12 << 9 << 4 << 1.0 << false << QList<int>{0, 3, 8};
    QTest::newRow("f64 causal + key 0 padded") << true << 12 << 12 << 4 << 1.0 << true << QList<int>{0};
    QTest::newRow("f32 everything padded") << false << 5 << 3 << 2 << 1.0 << false << QList<int>{0, 1, 2};
}

void TstAttention::rowsSumToOne()
{
    QFETCH(bool, f64);
    QFETCH(int, tq);
    QFETCH(int, tk);
    QFETCH(int, d);
    QFETCH(double, inputScale);
    QFETCH(bool, causal);
    QFETCH(QList<int>, padded);
    const auto run = [&](auto tag) {
        using S = decltype(tag);
        auto in = randomInputs<S>(std::uint64_t(tq) * 7919u + std::uint64_t(tk), 2, 1, tq, tk, d, 3, inputScale);
        in.mask.causal = causal;
        if (!padded.isEmpty()) {
            in.mask.keyPadding.assign(std::size_t(tk), false);
            for (int j : padded)
                in.mask.keyPadding[std::size_t(j)] = true;
        }
        auto r = computeAttention<S>(in, options());
        QVERIFY(r.ok());
        for (const auto &h : r->heads) {
            const QString diff = checkRows<S>(h.weights, h.fullyMaskedRows);
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
            // Only rows with no attendable key may be reported.
            const bool allPadded = padded.size() == tk;
            const bool key0Padded = padded.contains(0);
            std::vector<std::int64_t> expected;
            for (std::int64_t i = 0; i < tq; ++i)
                if (allPadded || (causal && key0Padded && i == 0))
                    expected.push_back(i);
            QCOMPARE(h.fullyMaskedRows, expected);
            for (auto i : expected)
                QVERIFY((h.output.row(i).array() == S(0)).all());
        }
    };
    if (f64)
        run(double());
    else
        run(float());
}

void TstAttention::shiftInvariance_data()
{
    QTest::addColumn<bool>("f64");
    QTest::addColumn<double>("shift");
    QTest::addColumn<double>("tolerance");
    // The tolerance is the rounding of x + c: about one ulp of |c|.
    QTest::newRow("f64 +1") << true << 1.0 << 1e-14;
    QTest::newRow("f64 -700") << true << -700.0 << 1e-12;
    QTest::newRow("f64 +1e4") << true << 1e4 << 1e-11;
    QTest::newRow("f64 -1e4") << true << -1e4 << 1e-11;
    QTest::newRow("f64 +1e8") << true << 1e8 << 1e-7;
    QTest::newRow("f32 +3") << false << 3.0 << 2e-6;
    QTest::newRow("f32 -80") << false << -80.0 << 3e-5;
    QTest::newRow("f32 +1e3") << false << 1e3 << 3e-4;
}

void TstAttention::shiftInvariance()
{
    QFETCH(bool, f64);
    QFETCH(double, shift);
    QFETCH(double, tolerance);
    const auto run = [&](auto tag) {
        using S = decltype(tag);
        std::mt19937_64 rng(42);
        Mat<S> x = randomMat<S>(rng, 6, 9);
        x(2, 4) = -std::numeric_limits<S>::infinity(); // a masked entry stays masked
        Mat<S> y = (x.array() + S(shift)).matrix();
        std::vector<std::int64_t> fx, fy;
        softmaxRowsInPlace<S>(x, fx);
        softmaxRowsInPlace<S>(y, fy);
        QVERIFY(fx.empty() && fy.empty());
        QVERIFY(x.allFinite() && y.allFinite());
        QCOMPARE(y(2, 4), S(0));
        const double err = double((x - y).cwiseAbs().maxCoeff());
        QVERIFY2(err <= tolerance, qPrintable(QString::number(err)));
    };
    if (f64)
        run(double());
    else
        run(float());
}

void TstAttention::shiftInvariancePipeline()
{
    // A constant additive mask changes the scores but not the weights or the output.
    for (double c : {-50.0, 0.5, 300.0}) {
        auto in = randomInputs<double>(7, 1, 1, 5, 6, 4, 3);
        auto plain = computeAttention<double>(in, options());
        in.mask.additive = {Mat<double>::Constant(5, 6, c)};
        auto shifted = computeAttention<double>(in, options());
        QVERIFY(plain.ok() && shifted.ok());
        QVERIFY((plain->heads[0].weights - shifted->heads[0].weights).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((plain->heads[0].output - shifted->heads[0].output).cwiseAbs().maxCoeff() < 1e-12);
    }
}

void TstAttention::extremeLogits_data()
{
    QTest::addColumn<QList<double>>("logits");
    QTest::addColumn<QList<double>>("expected");
    const double e1 = std::exp(-1.0), e2 = std::exp(-2.0);
    const double big = double(std::numeric_limits<float>::max());
    // exp(-2e4) underflows to exactly 0 in both precisions.
    QTest::newRow("1e4 and 1e4-1") << QList<double>{1e4, 1e4 - 1, -1e4, 0}
                                   << QList<double>{1 / (1 + e1), e1 / (1 + e1), 0, 0};
    QTest::newRow("all 1e4") << QList<double>{1e4, 1e4, 1e4} << QList<double>{1.0 / 3, 1.0 / 3, 1.0 / 3};
    QTest::newRow("all -1e4") << QList<double>{-1e4, -1e4, -1e4, -1e4} << QList<double>{0.25, 0.25, 0.25, 0.25};
    QTest::newRow("-1e4 with -inf") << QList<double>{-1e4, -kInf, -1e4 - 2}
                                    << QList<double>{1 / (1 + e2), 0, e2 / (1 + e2)};
    QTest::newRow("float max") << QList<double>{big, -big, 0} << QList<double>{1, 0, 0};
    QTest::newRow("single key") << QList<double>{-1e4} << QList<double>{1};
}

void TstAttention::extremeLogits()
{
    QFETCH(QList<double>, logits);
    QFETCH(QList<double>, expected);
    const auto run = [&](auto tag, double tol) {
        using S = decltype(tag);
        Mat<S> row(1, logits.size());
        for (int j = 0; j < logits.size(); ++j)
            row(0, j) = S(logits[j]);
        std::vector<std::int64_t> fully;
        softmaxRowsInPlace<S>(row, fully);
        QVERIFY(fully.empty());
        for (int j = 0; j < logits.size(); ++j) {
            QVERIFY2(!std::isnan(row(0, j)), "NaN");
            QVERIFY2(std::abs(double(row(0, j)) - expected[j]) <= tol,
                     qPrintable(QStringLiteral("[%1] = %2, expected %3").arg(j).arg(double(row(0, j)), 0, 'g', 17).arg(expected[j])));
            if (expected[j] == 0)
                QCOMPARE(row(0, j), S(0));
        }
    };
    run(float(), 1e-6);
    run(double(), 1e-14);
}

void TstAttention::extremeLogitsPipeline()
{
    // Logits of ±1e4 through Q·Kᵀ in float32: no NaN, no infinity, rows sum to 1.
    AttentionInputs<float> in;
    in.q = {Mat<float>(3, 1)};
    in.q[0] << 100, -100, 1;
    in.k = {Mat<float>(4, 1)};
    in.k[0] << 100, 99.99f, -100, 0;
    in.v = {Mat<float>::Ones(4, 2)};
    AttentionOptions opt = options(KeepScoresMasked | KeepWeights);
    opt.scale = ScaleSpec{ScaleSpec::Mode::None, 1.0};
    auto r = computeAttention<float>(in, opt);
    QVERIFY(r.ok());
    const auto &h = r->heads[0];
    QVERIFY(h.scoresMasked.allFinite());
    QCOMPARE(h.scoresMasked(0, 0), 1e4f);
    QCOMPARE(h.scoresMasked(1, 0), -1e4f);
    QVERIFY(checkRows<float>(h.weights, h.fullyMaskedRows).isEmpty());
    QVERIFY((h.output.array() - 1.0f).abs().maxCoeff() < 1e-6f); // V all ones: O = row sums
    // Row 1 (-100): the largest logit is the key -100 (1e4), which takes everything.
    QVERIFY(std::abs(h.weights(1, 2) - 1.0f) < 1e-6f);
}

void TstAttention::fullyMaskedRows_data()
{
    QTest::addColumn<int>("tq");
    QTest::addColumn<int>("tk");
    QTest::addColumn<bool>("causal");
    QTest::addColumn<QList<int>>("padded");
    QTest::addColumn<QList<int>>("blockedRows"); ///< rows set all-false in a bool mask
    QTest::addColumn<QList<int>>("expectedRows");
    QTest::addColumn<QString>("warningText");

    QTest::newRow("one blocked row") << 6 << 4 << false << QList<int>{} << QList<int>{3} << QList<int>{3} << "query row 3;";
    QTest::newRow("rows in later blocks") << 700 << 16 << false << QList<int>{} << QList<int>{5, 300, 699}
                                          << QList<int>{5, 300, 699} << "query rows 5, 300, 699;";
    QTest::newRow("causal, key 0 padded") << 5 << 5 << true << QList<int>{0} << QList<int>{} << QList<int>{0} << "query row 0;";
    QList<int> all(25);
    std::iota(all.begin(), all.end(), 0);
    QTest::newRow("25 rows, all padded") << 25 << 3 << false << QList<int>{0, 1, 2} << QList<int>{} << all
                                         << "… (25 in all)";
}

void TstAttention::fullyMaskedRows()
{
    QFETCH(int, tq);
    QFETCH(int, tk);
    QFETCH(bool, causal);
    QFETCH(QList<int>, padded);
    QFETCH(QList<int>, blockedRows);
    QFETCH(QList<int>, expectedRows);
    QFETCH(QString, warningText);

    auto in = randomInputs<double>(3, 2, 2, tq, tk, 4, 3);
    in.mask.causal = causal;
    if (!padded.isEmpty()) {
        in.mask.keyPadding.assign(std::size_t(tk), false);
        for (int j : padded)
            in.mask.keyPadding[std::size_t(j)] = true;
    }
    if (!blockedRows.isEmpty()) {
        BoolMat allowed = BoolMat::Constant(tq, tk, true);
        for (int i : blockedRows)
            allowed.row(i).setConstant(false);
        in.mask.allowed = {allowed};
    }
    auto r = computeAttention<double>(in, options());
    QVERIFY(r.ok());
    const std::vector<std::int64_t> expected(expectedRows.begin(), expectedRows.end());
    QCOMPARE(r->warnings.size(), std::size_t(2));
    for (std::size_t h = 0; h < 2; ++h) {
        const auto &head = r->heads[h];
        QCOMPARE(head.fullyMaskedRows, expected);
        for (auto i : expected) {
            QVERIFY((head.weights.row(i).array() == 0.0).all());
            QVERIFY((head.output.row(i).array() == 0.0).all());
        }
        const QString w = QString::fromStdString(r->warnings[h]);
        QVERIFY2(w.startsWith(QStringLiteral("head %1:").arg(h)), qPrintable(w));
        QVERIFY2(w.contains("every key is masked"), qPrintable(w));
        QVERIFY2(w.contains(warningText), qPrintable(w));
    }
}

void TstAttention::blockedPositionsByHand()
{
    constexpr double ninf = -std::numeric_limits<double>::infinity();
    MaskSpec<double> m;
    QVERIFY(!blockedPositions(m, 0, 2, 3).any()); // no mask: nothing blocked
    m.causal = true;                 // 3 queries, 4 keys: query i sees keys 0..i
    m.keyPadding = {false, false, true, false};
    m.additive = {Mat<double>::Zero(3, 4), Mat<double>::Zero(3, 4)};
    m.additive[1](2, 0) = ninf;      // head 1 only
    m.additive[1](2, 1) = -1e9;      // large but finite: not blocked
    const BoolMat b0 = blockedPositions(m, 0, 3, 4), b1 = blockedPositions(m, 1, 3, 4);
    BoolMat expected(3, 4);
    expected << false, true, true, true,   // keys 1..3 after query 0; key 2 padded
                false, false, true, true,
                false, false, true, true;
    QVERIFY((b0 == expected).all());
    expected(2, 0) = true;
    QVERIFY((b1 == expected).all());
    // A boolean mask and a key additive mask.
    MaskSpec<float> f;
    BoolMat allowed = BoolMat::Constant(2, 2, true);
    allowed(0, 1) = false;
    f.allowed = {allowed};
    f.keyAdditive = {-std::numeric_limits<float>::infinity(), 0.5f};
    BoolMat ef(2, 2);
    ef << true, true, true, false;
    QVERIFY((blockedPositions(f, 3, 2, 2) == ef).all()); // one boolean mask serves every head
}

void TstAttention::blockedPositionsAreTheMaskedScores_data()
{
    QTest::addColumn<bool>("causal");
    QTest::addColumn<bool>("padding");
    QTest::addColumn<bool>("boolean");
    QTest::addColumn<bool>("additive");
    QTest::newRow("causal") << true << false << false << false;
    QTest::newRow("padding") << false << true << false << false;
    QTest::newRow("boolean") << false << false << true << false;
    QTest::newRow("additive -inf") << false << false << false << true;
    QTest::newRow("all four") << true << true << true << true;
}

/// The property that makes the view's grey honest: blocked exactly where computeAttention put −∞.
void TstAttention::blockedPositionsAreTheMaskedScores()
{
    QFETCH(bool, causal);
    QFETCH(bool, padding);
    QFETCH(bool, boolean);
    QFETCH(bool, additive);
    const int tq = 5, tk = 7;
    auto in = randomInputs<double>(11, 2, 2, tq, tk, 4, 3);
    in.mask.causal = causal;
    if (padding)
        in.mask.keyPadding = {false, true, false, false, false, false, true};
    if (boolean) {
        BoolMat allowed = BoolMat::Constant(tq, tk, true);
        allowed(3, 2) = allowed(4, 0) = false;
        in.mask.allowed = {allowed};
    }
    if (additive) {
        Mat<double> add = Mat<double>::Constant(tq, tk, 0.25);
        add(1, 0) = -std::numeric_limits<double>::infinity();
        add(2, 5) = -3;
        in.mask.additive = {add, Mat<double>::Zero(tq, tk)};
    }
    auto r = computeAttention<double>(in, options(KeepAll));
    QVERIFY(r.ok());
    for (std::size_t h = 0; h < 2; ++h) {
        const BoolMat blocked = blockedPositions(in.mask, h, tq, tk);
        const Mat<double> &s = r->heads[h].scoresMasked;
        QVERIFY((blocked == (s.array() == -std::numeric_limits<double>::infinity())).all());
        QVERIFY(h == 1 || blocked.any()); // head 1's additive mask is all zero
    }
}

// Results of 4 MiB and more are written with streaming stores, each weights row while the next
// row's exponentials are computed, and only when every row starts on a packet boundary; the
// small fixtures never reach that code. These cases do, against a plain double-precision
// evaluation of the formula in this test (no blocking, std::exp): rows straddling blocks, a
// fully masked row (first, middle and last of a block), masks, and row lengths that are and are
// not a multiple of a packet. Tolerance: |got - ref| <= atol + 1e-5·|ref| for float, with atol
// 1e-6 for weights and outputs and 1e-5 for scores (a dot product of 16 terms of about ±2 loses
// ~1e-6 in float, absolute, however small the result); 1e-12 + 1e-9·|ref| for double. Masked
// weights exactly 0.
void TstAttention::largeResults_data()
{
    QTest::addColumn<bool>("f64");
    QTest::addColumn<int>("tq");
    QTest::addColumn<int>("tk");
    QTest::addColumn<unsigned>("keep");

    QTest::newRow("f32 1100x1024, weights (rows stored while the next row's exp runs)") << false << 1100 << 1024 << unsigned(KeepWeights);
    QTest::newRow("f32 1030x1030, every stage (rows not on a packet boundary)") << false << 1030 << 1030 << unsigned(KeepAll);
    QTest::newRow("f64 1024x640, weights") << true << 1024 << 640 << unsigned(KeepWeights);
    QTest::newRow("f64 700x770, every stage") << true << 700 << 770 << unsigned(KeepAll);
}

void TstAttention::largeResults()
{
    QFETCH(bool, f64);
    QFETCH(int, tq);
    QFETCH(int, tk);
    QFETCH(unsigned, keep);
    const auto run = [&](auto tag, double rtol, double atol, double scoresAtol) {
        using S = decltype(tag);
        auto in = randomInputs<S>(std::uint64_t(tq) * 31u + std::uint64_t(tk), 1, 1, tq, tk, 16, 8, 1.5);
        in.mask.causal = true;
        in.mask.keyPadding.assign(std::size_t(tk), false);
        for (int j : {1, 7, tk - 1})
            in.mask.keyPadding[std::size_t(j)] = true;
        BoolMat allowed = BoolMat::Constant(tq, tk, true);
        const QList<int> blocked = {0, 31, 32, 517, tq - 1};
        for (int i : blocked)
            allowed.row(i).setConstant(false);
        in.mask.allowed = {allowed};
        auto r = computeAttention<S>(in, options(keep));
        QVERIFY(r.ok());
        const HeadResult<S> &h = r->heads[0];

        // The reference, in double from the same inputs.
        using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const double factor = 1.0 / std::sqrt(16.0);
        const MatD raw = in.q[0].template cast<double>() * in.k[0].template cast<double>().transpose();
        MatD w = MatD::Zero(tq, tk);
        std::vector<std::int64_t> fully;
        for (int i = 0; i < tq; ++i) {
            std::vector<int> keys;
            for (int j = 0; j <= std::min(i, tk - 1); ++j)
                if (!in.mask.keyPadding[std::size_t(j)] && allowed(i, j))
                    keys.push_back(j);
            if (keys.empty()) {
                fully.push_back(i);
                continue;
            }
            double m = -kInf, sum = 0;
            for (int j : keys)
                m = std::max(m, raw(i, j) * factor);
            for (int j : keys)
                sum += (w(i, j) = std::exp(raw(i, j) * factor - m));
            w.row(i) /= sum;
        }
        const MatD out = w * in.v[0].template cast<double>();
        QCOMPARE(h.fullyMaskedRows, fully);
        const auto close = [&](const auto &got, const MatD &ref, const char *what, double absTol) -> QString {
            for (Eigen::Index i = 0; i < ref.rows(); ++i)
                for (Eigen::Index j = 0; j < ref.cols(); ++j) {
                    const double g = double(got(i, j)), e = ref(i, j);
                    if (!(std::abs(g - e) <= absTol + rtol * std::abs(e)))
                        return QStringLiteral("%1 (%2, %3): got %4, expected %5").arg(what).arg(i).arg(j).arg(g, 0, 'g', 17).arg(e, 0, 'g', 17);
                }
            return {};
        };
        QString diff = close(h.weights, w, "weights", atol);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        diff = close(h.output, out, "output", atol);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        for (Eigen::Index i = 0; i < tq; ++i)
            for (Eigen::Index j = 0; j < tk; ++j)
                if (w(i, j) == 0.0)
                    QVERIFY2(h.weights(i, j) == S(0), qPrintable(QStringLiteral("masked weight (%1, %2) is not 0").arg(i).arg(j)));
        if (keep & KeepScoresRaw) {
            diff = close(h.scoresRaw, raw, "raw scores", scoresAtol);
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
            diff = close(h.scoresScaled, raw * factor, "scaled scores", scoresAtol);
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
            for (Eigen::Index i = 0; i < tq; ++i)
                for (Eigen::Index j = 0; j < tk; ++j) {
                    const bool masked = j > i || in.mask.keyPadding[std::size_t(j)] || !allowed(i, j);
                    const double g = double(h.scoresMasked(i, j));
                    QVERIFY2(masked ? g == -kInf : g == double(h.scoresScaled(i, j)),
                             qPrintable(QStringLiteral("masked score (%1, %2) = %3").arg(i).arg(j).arg(g)));
                }
        }
    };
    if (f64)
        run(double(), 1e-9, 1e-12, 1e-12);
    else
        run(float(), 1e-5, 1e-6, 1e-5);
}

void TstAttention::memoryBudget_data()
{
    QTest::addColumn<qint64>("tq");
    QTest::addColumn<qint64>("tk");
    QTest::addColumn<uint>("keep");
    /// budget = the heap in use + need + delta (the inputs count); 0 with `useDefault` = default budget
    QTest::addColumn<qint64>("budgetDelta");
    QTest::addColumn<bool>("useDefault");
    QTest::addColumn<bool>("refused");

    QTest::newRow("tiny budget") << qint64(64) << qint64(64) << uint(KeepWeights) << qint64(-5000) << false << true;
    QTest::newRow("one byte short") << qint64(64) << qint64(48) << uint(KeepWeights) << qint64(-1) << false << true;
    QTest::newRow("exactly enough") << qint64(64) << qint64(48) << uint(KeepWeights) << qint64(0) << false << false;
    QTest::newRow("all stages, one short") << qint64(32) << qint64(32) << uint(KeepAll) << qint64(-1) << false << true;
    QTest::newRow("keep none, one short") << qint64(32) << qint64(32) << uint(KeepNone) << qint64(-1) << false << true;
    // 2^20 × 2^20 weights in float32 are 4 TiB: refused by the default budget (half of physical
    // memory). Were they allocated first, this would throw std::bad_alloc or be killed.
    QTest::newRow("4 TiB, default budget") << qint64(1) << qint64(1) << uint(KeepWeights) << qint64(0) << true << true;
}

void TstAttention::memoryBudget()
{
    QFETCH(qint64, tq);
    QFETCH(qint64, tk);
    QFETCH(uint, keep);
    QFETCH(qint64, budgetDelta);
    QFETCH(bool, useDefault);
    QFETCH(bool, refused);

    const int heads = 2;
    AttentionInputs<float> in;
    if (useDefault) {
        tq = tk = std::int64_t(1) << 20;
        in.q = {Mat<float>::Ones(tq, 1), Mat<float>::Ones(tq, 1)};
        in.k = {Mat<float>::Ones(tk, 1)};
        in.v = {Mat<float>::Ones(tk, 1)};
    } else {
        in = randomInputs<float>(1, heads, 1, tq, tk, 4, 8);
    }
    const std::int64_t dv = in.v[0].cols();
    const std::uint64_t need = attentionBytesNeeded(heads, tq, tk, dv, keep, sizeof(float));
    // At least the stored T×T stages and the outputs.
    const int stored = std::popcount(keep & unsigned(KeepAll));
    QVERIFY(need >= std::uint64_t(heads) * std::uint64_t(tq) * std::uint64_t(tk) * sizeof(float) * unsigned(stored) +
                        std::uint64_t(heads) * std::uint64_t(tq) * std::uint64_t(dv) * sizeof(float));

    AttentionOptions opt = options(keep);
    opt.memoryBudget = useDefault ? 0 : std::uint64_t(std::int64_t(heapInUse() + need) + budgetDelta);
    auto r = computeAttention<float>(in, opt);
    QCOMPARE(!r.ok(), refused);
    if (refused) {
        QCOMPARE(r.error().code, Error::Code::OverBudget);
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.contains(QString::fromStdString(formatBytes(need))), qPrintable(msg));
        const std::uint64_t budget = useDefault ? defaultMemoryBudget() : opt.memoryBudget;
        QVERIFY2(msg.contains(QString::fromStdString(formatBytes(budget))), qPrintable(msg));
    }
}

void TstAttention::cancel()
{
    const auto in = randomInputs<double>(5, 2, 2, 600, 20, 4, 3);
    std::atomic<bool> flag{true};
    AttentionOptions opt = options();
    opt.cancel = &flag;
    auto r = computeAttention<double>(in, opt);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, Error::Code::Cancelled);
    flag = false;
    auto ok = computeAttention<double>(in, opt);
    QVERIFY(ok.ok());
    QCOMPARE(ok->heads.size(), std::size_t(2));
}

void TstAttention::scaleParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("mode");
    QTest::addColumn<double>("custom");
    const int sqrtMode = int(ScaleSpec::Mode::Sqrt), dim = int(ScaleSpec::Mode::Dim), none = int(ScaleSpec::Mode::None),
              custom = int(ScaleSpec::Mode::Custom);
    QTest::newRow("sqrt") << "sqrt" << true << sqrtMode << 0.0;
    QTest::newRow("dim") << "dim" << true << dim << 0.0;
    QTest::newRow("none") << "none" << true << none << 0.0;
    QTest::newRow("0.5") << "0.5" << true << custom << 0.5;
    QTest::newRow("2") << "2" << true << custom << 2.0;
    QTest::newRow("-0.125") << "-0.125" << true << custom << -0.125;
    QTest::newRow("1e-3") << "1e-3" << true << custom << 1e-3;
    QTest::newRow("0") << "0" << true << custom << 0.0;
    QTest::newRow("empty") << "" << false << 0 << 0.0;
    QTest::newRow("word") << "half" << false << 0 << 0.0;
    QTest::newRow("trailing junk") << "0.5x" << false << 0 << 0.0;
    QTest::newRow("leading space") << " 0.5" << false << 0 << 0.0;
    QTest::newRow("trailing space") << "0.5 " << false << 0 << 0.0;
    QTest::newRow("nan") << "nan" << false << 0 << 0.0;
    QTest::newRow("inf") << "inf" << false << 0 << 0.0;
    QTest::newRow("-inf") << "-inf" << false << 0 << 0.0;
    QTest::newRow("overflow") << "1e999" << false << 0 << 0.0;
    QTest::newRow("sqrt prefix") << "sqrtx" << false << 0 << 0.0;
}

void TstAttention::scaleParse()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(int, mode);
    QFETCH(double, custom);
    auto r = ScaleSpec::parse(text.toStdString());
    QCOMPARE(r.ok(), ok);
    if (ok) {
        QCOMPARE(int(r->mode), mode);
        if (r->mode == ScaleSpec::Mode::Custom)
            QCOMPARE(r->custom, custom);
    } else {
        QCOMPARE(r.error().code, Error::Code::BadArgument);
        QVERIFY(QString::fromStdString(r.error().message).contains("--scale"));
    }
}

void TstAttention::scaleFactor()
{
    const auto spec = [](ScaleSpec::Mode m, double custom) {
        ScaleSpec s;
        s.mode = m;
        s.custom = custom;
        return s;
    };
    QCOMPARE(spec(ScaleSpec::Mode::Sqrt, 1.0).factor(16), 0.25);
    QCOMPARE(spec(ScaleSpec::Mode::Sqrt, 1.0).factor(1), 1.0);
    QCOMPARE(spec(ScaleSpec::Mode::Dim, 1.0).factor(8), 0.125);
    QCOMPARE(spec(ScaleSpec::Mode::None, 7.0).factor(8), 1.0);
    QCOMPARE(spec(ScaleSpec::Mode::Custom, 0.3).factor(8), 0.3);
}

void TstAttention::temperature()
{
    // τ divides the scaled scores: sqrt scale with τ = 2 is the custom scale 1/(2·√d).
    auto in = randomInputs<double>(11, 1, 1, 4, 5, 4, 2);
    AttentionOptions a = options(KeepScoresScaled | KeepWeights);
    a.temperature = 2.0;
    AttentionOptions b = options(KeepScoresScaled | KeepWeights);
    b.scale = ScaleSpec{ScaleSpec::Mode::Custom, 0.25};
    auto ra = computeAttention<double>(in, a), rb = computeAttention<double>(in, b);
    QVERIFY(ra.ok() && rb.ok());
    QVERIFY((ra->heads[0].scoresScaled - rb->heads[0].scoresScaled).cwiseAbs().maxCoeff() < 1e-14);
    QVERIFY((ra->heads[0].weights - rb->heads[0].weights).cwiseAbs().maxCoeff() < 1e-14);
    for (double bad : {0.0, -1.0, std::nan("")}) {
        a.temperature = bad;
        auto r = computeAttention<double>(in, a);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::BadArgument);
    }
}

void TstAttention::byteSize_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("bytes");
    const quint64 Ki = 1024, Mi = Ki * Ki, Gi = Mi * Ki;
    QTest::newRow("512M") << "512M" << true << 512 * Mi;
    QTest::newRow("2G") << "2G" << true << 2 * Gi;
    QTest::newRow("1.5GiB") << "1.5GiB" << true << (3 * Gi) / 2;
    QTest::newRow("1000000") << "1000000" << true << quint64(1000000);
    QTest::newRow("4k") << "4k" << true << 4 * Ki;
    QTest::newRow("64KB") << "64KB" << true << 64 * Ki;
    QTest::newRow("10B") << "10B" << true << quint64(10);
    QTest::newRow("1T") << "1T" << true << Gi * Ki;
    QTest::newRow("2mib") << "2mib" << true << 2 * Mi;
    QTest::newRow("empty") << "" << false << quint64(0);
    QTest::newRow("unit only") << "G" << false << quint64(0);
    QTest::newRow("word") << "lots" << false << quint64(0);
    QTest::newRow("zero") << "0" << false << quint64(0);
    QTest::newRow("negative") << "-1G" << false << quint64(0);
    QTest::newRow("unknown unit") << "5X" << false << quint64(0);
    QTest::newRow("two dots") << "1.5.2G" << false << quint64(0);
    QTest::newRow("space") << "5 M" << false << quint64(0);
    QTest::newRow("nan") << "nan" << false << quint64(0);
    QTest::newRow("inf") << "inf" << false << quint64(0);
    QTest::newRow("too big") << "1e30" << false << quint64(0);
    QTest::newRow("too big in T") << "100000000T" << false << quint64(0);
}

void TstAttention::byteSize()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(quint64, bytes);
    auto r = parseByteSize(text.toStdString());
    QCOMPARE(r.ok(), ok);
    if (ok)
        QCOMPARE(quint64(r.value()), bytes);
    else
        QCOMPARE(r.error().code, Error::Code::BadArgument);
}

void TstAttention::formatBytesText()
{
    QCOMPARE(QString::fromStdString(formatBytes(0)), QStringLiteral("0 bytes"));
    QCOMPARE(QString::fromStdString(formatBytes(1000)), QStringLiteral("1000 bytes"));
    QCOMPARE(QString::fromStdString(formatBytes(1536)), QStringLiteral("1.5 KiB"));
    QCOMPARE(QString::fromStdString(formatBytes(std::uint64_t(3) << 29)), QStringLiteral("1.5 GiB"));
}

void TstAttention::groupedQueryHeads()
{
    struct Row {
        int hq, hkv;
        std::vector<int> kv;
    };
    for (const Row &row : {Row{4, 2, {0, 0, 1, 1}}, Row{6, 3, {0, 0, 1, 1, 2, 2}}, Row{4, 1, {0, 0, 0, 0}},
                           Row{3, 3, {0, 1, 2}}}) {
        auto in = randomInputs<double>(9, row.hq, row.hkv, 3, 4, 2, 2);
        auto r = computeAttention<double>(in, options());
        QVERIFY(r.ok());
        for (int h = 0; h < row.hq; ++h) {
            QCOMPARE(r->heads[std::size_t(h)].kvHead, row.kv[std::size_t(h)]);
            // Query head h alone against its key/value head gives the same output.
            AttentionInputs<double> one;
            one.q = {in.q[std::size_t(h)]};
            one.k = {in.k[std::size_t(row.kv[std::size_t(h)])]};
            one.v = {in.v[std::size_t(row.kv[std::size_t(h)])]};
            auto r1 = computeAttention<double>(one, options());
            QVERIFY(r1.ok());
            QVERIFY((r1->heads[0].output - r->heads[std::size_t(h)].output).cwiseAbs().maxCoeff() < 1e-15);
        }
    }
    auto bad = randomInputs<double>(9, 4, 3, 3, 4, 2, 2);
    auto r = computeAttention<double>(bad, options());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, Error::Code::BadShape);
}

void TstAttention::handComputed()
{
    // d_k = 4, default scale 1/√4 = 1/2, Tq = Tk = 2:
    //   Q = [[2, 0, 0, 0],      K = [[ln 3, 0, 0, 0],      V = [[4, 0],
    //        [0, 2, 0, 0]]           [0,    0, 0, 0]]           [0, 8]]
    //   raw    = Q·Kᵀ = [[2 ln 3, 0], [0, 0]]
    //   scaled = raw / 2 = [[ln 3, 0], [0, 0]]
    //   A row 0 = [e^ln3, e^0] / (3 + 1) = [3/4, 1/4];  row 1 = [1/2, 1/2]
    //   O row 0 = 3/4·[4, 0] + 1/4·[0, 8] = [3, 2];    row 1 = [2, 4]
    // Causal: row 0 = [ln 3, -inf] → A = [1, 0], O = [4, 0]; row 1 unchanged.
    const double ln3 = std::log(3.0);
    const auto run = [&](auto tag, double tol) {
        using S = decltype(tag);
        AttentionInputs<S> in;
        in.q = {Mat<S>(2, 4)};
        in.q[0] << 2, 0, 0, 0, 0, 2, 0, 0;
        in.k = {Mat<S>(2, 4)};
        in.k[0] << S(ln3), 0, 0, 0, 0, 0, 0, 0;
        in.v = {Mat<S>(2, 2)};
        in.v[0] << 4, 0, 0, 8;
        auto r = computeAttention<S>(in, options(KeepAll));
        QVERIFY(r.ok());
        const auto &h = r->heads[0];
        const auto near = [tol](double got, double want) { return std::abs(got - want) <= tol; };
        QVERIFY(near(h.scoresRaw(0, 0), 2 * ln3) && h.scoresRaw(0, 1) == 0 && h.scoresRaw(1, 0) == 0);
        QVERIFY(near(h.scoresScaled(0, 0), ln3) && h.scoresScaled(1, 1) == 0);
        QVERIFY(near(h.scoresMasked(0, 0), ln3));
        QVERIFY(near(h.weights(0, 0), 0.75) && near(h.weights(0, 1), 0.25));
        QVERIFY(near(h.weights(1, 0), 0.5) && near(h.weights(1, 1), 0.5));
        QVERIFY(near(h.output(0, 0), 3) && near(h.output(0, 1), 2));
        QVERIFY(near(h.output(1, 0), 2) && near(h.output(1, 1), 4));

        in.mask.causal = true;
        auto c = computeAttention<S>(in, options(KeepAll));
        QVERIFY(c.ok());
        const auto &hc = c->heads[0];
        QVERIFY(near(hc.scoresScaled(0, 1), 0)); // the mask comes after the scaling
        QCOMPARE(hc.scoresMasked(0, 1), -std::numeric_limits<S>::infinity());
        QCOMPARE(hc.weights(0, 0), S(1));
        QCOMPARE(hc.weights(0, 1), S(0));
        QVERIFY(near(hc.output(0, 0), 4) && near(hc.output(0, 1), 0));
        QVERIFY(near(hc.output(1, 0), 2) && near(hc.output(1, 1), 4));
    };
    run(float(), 1e-6);
    run(double(), 1e-14);
}

QTEST_GUILESS_MAIN(TstAttention)
#include "tst_attention.moc"
