// The comparison of scalings (engine/math/scale_comparison.h) against independent references:
//  - handComputed: one row whose sqrt-scaled scores are (0, ln 3), so the weights are exactly
//    1/4 and 3/4 and the entropy 2 − (3/4)·log₂3 bits; a fully masked row gives zeros.
//  - fixtures: every case of fixtures/gen_scale_comparison.py (numpy), weights, entropies,
//    factors and standard deviations within 1e-12 (absolute and relative).
//  - saturates: as d_k grows, no scaling and 1/d_k drift apart from 1/√d_k, whose spread stays.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

#include "npy.h"
#include "scale_comparison.h"

using namespace attnscope;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/scale_comparison");
constexpr double kTol = 1e-12;

bool near(double got, double expected) { return std::abs(got - expected) <= kTol + kTol * std::abs(expected); }

Mat<double> load(const QString &name)
{
    auto t = readNpy((kDir + "/" + name).toStdString());
    if (!t)
        qFatal("%s", t.error().message.c_str());
    return t->matrix<double>();
}

} // namespace

class TstScaleComparison : public QObject {
    Q_OBJECT
private slots:
    void handComputed();
    void fixtures_data();
    void fixtures();
    void saturates();
};

void TstScaleComparison::handComputed()
{
    Mat<double> raw(2, 2);
    raw << 0, 2 * std::log(3.0), 1, 2;
    BoolMat blocked(2, 2);
    blocked << false, false, true, true;
    const ScaleComparison c = compareScalings(raw, blocked, 4, 4);
    QCOMPARE(c.scoreGrowth, 1.0);
    const ScalingVariant &s = c.variants[0];
    QCOMPARE(int(s.mode), int(ScaleSpec::Mode::Sqrt));
    QCOMPARE(s.factor, 0.5);
    QVERIFY(near(s.weights(0, 0), 0.25));
    QVERIFY(near(s.weights(0, 1), 0.75));
    QVERIFY(near(s.rowEntropyBits[0], 2 - 0.75 * std::log2(3.0)));
    QCOMPARE(s.weights(1, 0), 0.0); // fully masked: zeros, entropy 0
    QCOMPARE(s.weights(1, 1), 0.0);
    QCOMPARE(s.rowEntropyBits[1], 0.0);
    QVERIFY(std::isinf(s.scaled(1, 0)) && s.scaled(1, 0) < 0);
    QVERIFY(near(s.scaledStd, std::log(3.0) / 2)); // std of {0, ln 3}
    QCOMPARE(c.variants[1].factor, 0.25);
    QCOMPARE(c.variants[2].factor, 1.0);
}

void TstScaleComparison::fixtures_data()
{
    QTest::addColumn<QJsonObject>("c");
    QFile f(kDir + "/manifest.json");
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    const QJsonArray cases = QJsonDocument::fromJson(f.readAll()).object().value("cases").toArray();
    QCOMPARE(cases.size(), 3);
    for (const auto &c : cases)
        QTest::newRow(qPrintable(c.toObject().value("name").toString())) << c.toObject();
}

void TstScaleComparison::fixtures()
{
    QFETCH(QJsonObject, c);
    const Mat<double> raw = load("raw.npy"), blockedF = load("blocked.npy");
    BoolMat blocked;
    if (c.value("masked").toBool())
        blocked = (blockedF.array() > 0.5);
    const ScaleComparison got = compareScalings(raw, blocked, 16, c.value("dk").toInt());
    const QString name = c.value("name").toString();
    const char *modes[3] = {"sqrt", "dim", "none"};
    for (int v = 0; v < 3; ++v) {
        const ScalingVariant &var = got.variants[std::size_t(v)];
        const QJsonObject m = c.value("modes").toObject().value(modes[v]).toObject();
        QVERIFY2(near(var.factor, m.value("factor").toDouble()), modes[v]);
        QVERIFY2(near(var.scaledStd, m.value("std").toDouble()),
                 qPrintable(QStringLiteral("%1 std %2 vs %3").arg(modes[v]).arg(var.scaledStd, 0, 'g', 17).arg(m.value("std").toDouble(), 0, 'g', 17)));
        const Mat<double> w = load(QStringLiteral("%1_%2_weights.npy").arg(name, modes[v]));
        const Mat<double> h = load(QStringLiteral("%1_%2_entropy.npy").arg(name, modes[v]));
        QCOMPARE(var.weights.rows(), w.rows());
        QCOMPARE(var.weights.cols(), w.cols());
        for (Eigen::Index i = 0; i < w.size(); ++i)
            QVERIFY2(near(var.weights.data()[i], w.data()[i]), qPrintable(QStringLiteral("%1 weight %2").arg(modes[v]).arg(i)));
        for (Eigen::Index i = 0; i < h.size(); ++i)
            QVERIFY2(near(var.rowEntropyBits[std::size_t(i)], h.data()[i]), qPrintable(QStringLiteral("%1 entropy %2").arg(modes[v]).arg(i)));
    }
}

void TstScaleComparison::saturates()
{
    const Mat<double> raw = load("raw.npy");
    const ScaleComparison small = compareScalings(raw, BoolMat(), 16, 4), large = compareScalings(raw, BoolMat(), 16, 1024);
    // 1/√d_k keeps the spread whatever d_k: the scores grow like √d_k and the factor undoes it.
    QVERIFY(near(small.variants[0].scaledStd, large.variants[0].scaledStd));
    // No scaling: spread × 16 from d_k 4 to 1024; 1/d_k: ÷ 16.
    QVERIFY(std::abs(large.variants[2].scaledStd / small.variants[2].scaledStd - 16) < 1e-9);
    QVERIFY(std::abs(small.variants[1].scaledStd / large.variants[1].scaledStd - 16) < 1e-9);
    // Unscaled at d_k 1024 the rows are nearly one-hot; 1/d_k nearly uniform (log₂ 6 bits).
    for (double h : large.variants[2].rowEntropyBits)
        QVERIFY(h < 0.2);
    for (double h : large.variants[1].rowEntropyBits)
        QVERIFY(h > std::log2(6.0) - 0.05);
}

QTEST_GUILESS_MAIN(TstScaleComparison)
#include "tst_scale_comparison.moc"
