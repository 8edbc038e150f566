// The neuron view's numbers (engine/math/neuron_values.h) against numpy (fixtures/gen_head_view.py):
// q, k, q⊙k, q·k, the scaled scores and the softmax for one query of one head, from the bundle's
// float32 q and k in float64, to 1e-12; the softmax equals the bundle's own attention row (the
// model's, stored as float32: 1e-6); masked keys (causal) take no weight; grouped-query heads read
// their key head; errors for what is missing or out of range. stagedNeuronValues (the
// Explorer's) against a hand-computed case with 1/d_k, τ = 2 and a causal mask.
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <limits>

#include "bundle.h"
#include "neuron_values.h"
#include "test_files.h"

using namespace attnscope;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/headview");
constexpr double kTol = 1e-12;

bool near(double got, double want, double tol)
{
    return std::abs(got - want) <= tol + tol * std::abs(want);
}

AttentionBundle bundle(const QString &name)
{
    auto b = readAttentionBundle((kDir + "/" + name + ".npz").toStdString());
    if (!b)
        qFatal("%s", b.error().message.c_str());
    return std::move(b.value());
}

} // namespace

class TestNeuronValues : public QObject {
    Q_OBJECT
private slots:
    void againstNumpy_data();
    void againstNumpy();
    void handMadeCase();
    void errors();
    void stagedHandMade();
};

void TestNeuronValues::againstNumpy_data()
{
    QTest::addColumn<QJsonObject>("c");
    const QJsonObject m = test::jsonObjectFile(kDir + "/manifest.json");
    for (const QJsonValue v : m["neuron"].toArray()) {
        const QJsonObject c = v.toObject();
        const QString tag = QStringLiteral("%1 L%2 H%3 q%4").arg(c["bundle"].toString()).arg(c["layer"].toInt()).arg(c["head"].toInt()).arg(c["query"].toInt());
        QTest::newRow(qPrintable(tag)) << c;
    }
}

void TestNeuronValues::againstNumpy()
{
    QFETCH(QJsonObject, c);
    const AttentionBundle b = bundle(c["bundle"].toString());
    auto r = bundleNeuronValues(b, c["layer"].toInt(), c["head"].toInt(), c["query"].toInt());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const NeuronValues &n = r.value();
    const QJsonArray q = c["q"].toArray(), k = c["k"].toArray(), prod = c["product"].toArray();
    QCOMPARE(n.dim(), q.size());
    QCOMPARE(n.keys(), k.size());
    QVERIFY(near(n.scale, 1.0 / std::sqrt(double(q.size())), kTol));
    for (int d = 0; d < q.size(); ++d)
        QVERIFY(near(n.q(d), q[d].toDouble(), kTol));
    for (int j = 0; j < k.size(); ++j) {
        for (int d = 0; d < q.size(); ++d) {
            QVERIFY(near(n.k(j, d), k[j].toArray()[d].toDouble(), kTol));
            QVERIFY2(near(n.product(j, d), prod[j].toArray()[d].toDouble(), kTol), qPrintable(QString::number(j)));
        }
        QVERIFY(near(n.dot(j), c["dot"].toArray()[j].toDouble(), kTol));
        const bool masked = c["masked"].toArray()[j].toBool();
        QCOMPARE(bool(n.masked[std::size_t(j)]), masked);
        if (masked) {
            QVERIFY(std::isinf(n.scaled(j)) && n.scaled(j) < 0);
            QCOMPARE(n.weights(j), 0.0);
        } else {
            QVERIFY(near(n.scaled(j), c["scaled"].toArray()[j].toDouble(), kTol));
        }
        QVERIFY2(near(n.weights(j), c["softmax"].toArray()[j].toDouble(), kTol), qPrintable(QString::number(j)));
        // The model's own weights, stored as float32.
        QVERIFY(std::abs(n.weights(j) - c["file_row"].toArray()[j].toDouble()) <= 1e-6);
    }
}

void TestNeuronValues::handMadeCase()
{
    // q = [1, 2], keys [1, 0], [0, 1], [1, 1]; d = 2: dots 1, 2, 3; scaled /√2; the last key masked.
    Mat<double> q(1, 2), k(3, 2);
    q << 1, 2;
    k << 1, 0, 0, 1, 1, 1;
    auto r = neuronValues(q, k, 0, {false, false, true});
    QVERIFY(r.ok());
    QCOMPARE(r->product(2, 1), 2.0);
    QCOMPARE(r->dot(0), 1.0);
    QCOMPARE(r->dot(2), 3.0);
    const double a = std::exp(1 / std::sqrt(2.0)), bb = std::exp(2 / std::sqrt(2.0));
    QVERIFY(near(r->weights(0), a / (a + bb), 1e-15));
    QVERIFY(near(r->weights(1), bb / (a + bb), 1e-15));
    QCOMPARE(r->weights(2), 0.0);
}

void TestNeuronValues::errors()
{
    AttentionBundle b = bundle("causal");
    QVERIFY(!bundleNeuronValues(b, 2, 0, 0).ok());  // layer out of range
    QVERIFY(!bundleNeuronValues(b, 0, 4, 0).ok());  // head out of range
    QVERIFY(!bundleNeuronValues(b, 0, 0, 7).ok());  // query out of range
    // Causal: query 2 may attend keys 0..2 only.
    const auto mask = bundleKeyMask(b, 0, 2);
    QCOMPARE(mask, (std::vector<bool>{false, false, false, true, true, true, true}));
    b.slidingWindow = 2; // keys i − 1 … i
    QCOMPARE(bundleKeyMask(b, 0, 2), (std::vector<bool>{true, false, false, true, true, true, true}));
    b.q.clear();
    auto none = bundleNeuronValues(b, 0, 0, 0);
    QVERIFY(!none.ok());
    QVERIFY(QString::fromStdString(none.error().message).contains("no q, k"));
    Mat<double> q = Mat<double>::Ones(1, 2), k = Mat<double>::Ones(2, 3);
    QVERIFY(!neuronValues(q, k, 0).ok()); // d differs
    k = Mat<double>::Ones(2, 2);
    QVERIFY(!neuronValues(q, k, 0, {true, true}).ok()); // every key masked
    QVERIFY(!neuronValues(q, k, 0, {true}).ok());       // mask of the wrong length
}

void TestNeuronValues::stagedHandMade()
{
    // The Explorer's path: q = [[1, 2], [0, 1]], keys [1, 0], [0, 1], [1, 1], v = I-ish; scale
    // 1/d_k = 1/2, τ = 2 (factor 1/4), causal. Query 1: dots 0, 1, 1; scaled 0, 0.25, 0.25; key 2
    // masked; weights 1/(1 + e^0.25), e^0.25/(1 + e^0.25), 0 (hand-computed).
    AttentionInputs<double> in;
    Mat<double> q(2, 2), k(3, 2), v = Mat<double>::Ones(3, 2);
    q << 1, 2, 0, 1;
    k << 1, 0, 0, 1, 1, 1;
    in.q = {q};
    in.k = {k};
    in.v = {v};
    in.mask.causal = true;
    AttentionOptions opt;
    opt.scale.mode = ScaleSpec::Mode::Dim;
    opt.temperature = 2.0;
    opt.keep = KeepAll;
    auto r = computeAttention<double>(in, opt);
    QVERIFY(r.ok());
    const HeadResult<double> &stages = r->heads.front();
    auto n = stagedNeuronValues(q, k, stages, 1, 0.25);
    QVERIFY(n.ok());
    QCOMPARE(n->scale, 0.25);
    QCOMPARE(n->dot(0), 0.0);
    QCOMPARE(n->dot(2), 1.0);
    QCOMPARE(n->product(2, 1), 1.0);
    QVERIFY(near(n->scaled(1), 0.25, 1e-15));
    QVERIFY(near(n->scaled(2), 0.25, 1e-15)); // the Scaled stage's own number, masked or not
    QCOMPARE(n->masked, (std::vector<bool>{false, false, true}));
    const double e = std::exp(0.25);
    QVERIFY(near(n->weights(0), 1 / (1 + e), 1e-15));
    QVERIFY(near(n->weights(1), e / (1 + e), 1e-15));
    QCOMPARE(n->weights(2), 0.0);
    // Query 0 sees key 0 only.
    auto first = stagedNeuronValues(q, k, stages, 0, 0.25);
    QVERIFY(first.ok());
    QCOMPARE(first->masked, (std::vector<bool>{false, true, true}));
    QCOMPARE(first->weights(0), 1.0);
    // Stages not kept, a query out of range, q and k of different widths.
    HeadResult<double> bare;
    bare.weights = stages.weights;
    QVERIFY(!stagedNeuronValues(q, k, bare, 1, 0.25).ok());
    QVERIFY(!stagedNeuronValues(q, k, stages, 2, 0.25).ok());
    QVERIFY(!stagedNeuronValues(q, Mat<double>::Ones(3, 3), stages, 0, 0.25).ok());
}

QTEST_APPLESS_MAIN(TestNeuronValues)
#include "tst_neuron_values.moc"
