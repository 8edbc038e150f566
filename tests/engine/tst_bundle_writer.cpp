// writeAttentionBundle: every part written to .npz and .safetensors comes back through the reader,
// and numpy (np.load, the independent reader) sees the same arrays in the .npz. A refused write
// leaves an existing file untouched.

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>

#include "bundle.h"
#include "bundle_writer.h"
#include "explorer_files.h"
#include "attention.h"
#include "test_files.h"

using namespace attnscope;

namespace {

Tensor floats(const Shape &shape, float start)
{
    Tensor t;
    t.shape = shape;
    t.bytes.resize(std::size_t(t.numel()) * 4);
    for (std::int64_t i = 0; i < t.numel(); ++i) {
        const float v = start + 0.25f * float(i);
        std::memcpy(t.bytes.data() + i * 4, &v, 4);
    }
    return t;
}

/// Two layers, two query heads, one key/value head (grouped), three tokens, one not ASCII.
AttentionBundle sample()
{
    AttentionBundle b;
    b.attentions = floats({2, 2, 3, 3}, 0.f);
    b.tokens = {"[CLS]", "猫", "Ġsat"};
    b.keyTokens = b.tokens;
    for (auto [layers, t] : {std::pair{&b.q, floats({2, 2, 3, 4}, 1.f)}, {&b.k, floats({2, 1, 3, 4}, 2.f)},
                             {&b.v, floats({2, 1, 3, 4}, 3.f)}})
        *layers = {layerOf(t, 0), layerOf(t, 1)};
    b.inputs = floats({2, 3, 5}, -1.f);
    b.inputIds = {101, 4937, 50256};
    b.causal = true;
    b.model = "tiny-gpt2";
    b.slidingWindow = 2;
    return b;
}

void compareTensors(const std::optional<Tensor> &a, const std::optional<Tensor> &b)
{
    QVERIFY(a.has_value() && b.has_value());
    QCOMPARE(a->shape, b->shape);
    QCOMPARE(a->dtype, b->dtype);
    QVERIFY(a->bytes == b->bytes); // float32 written and read bit for bit
}

void compareLayers(const std::vector<Tensor> &a, const std::vector<Tensor> &b)
{
    QCOMPARE(a.size(), b.size());
    for (std::size_t l = 0; l < a.size(); ++l)
        compareTensors(a[l], b[l]);
}

/// sample() with layer 1's heads of size 2 instead of 4 (as a model whose layers differ would have).
AttentionBundle sampleWithPerLayerSizes()
{
    AttentionBundle b = sample();
    b.q[1] = floats({2, 3, 2}, 5.f);
    b.k[1] = floats({1, 3, 2}, -1.f);
    b.v[1] = floats({1, 3, 2}, 0.5f);
    return b;
}

} // namespace

class TstBundleWriter : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void numpyReadsTheNpz();
    void perLayerHeadSizes_data();
    void perLayerHeadSizes();
    void numpyReadsPerLayerArrays();
    void refusedWriteKeepsTheOldFile();
};

void TstBundleWriter::roundTrip_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("npz") << "b.npz";
    QTest::newRow("safetensors") << "b.safetensors";
}

void TstBundleWriter::roundTrip()
{
    QFETCH(QString, name);
    QTemporaryDir dir;
    const std::string path = dir.filePath(name).toStdString();
    const AttentionBundle b = sample();
    QVERIFY(writeAttentionBundle(b, path));
    auto r = readAttentionBundle(path);
    QVERIFY2(r, r ? "" : r.error().message.c_str());
    compareTensors(r->attentions, b.attentions);
    QCOMPARE(r->tokens, b.tokens);
    QCOMPARE(r->keyTokens, b.tokens);
    compareLayers(r->q, b.q);
    compareLayers(r->k, b.k);
    compareLayers(r->v, b.v);
    compareTensors(r->inputs, b.inputs);
    QCOMPARE(r->inputIds, b.inputIds);
    QCOMPARE(r->causal, std::optional<bool>(true));
    QCOMPARE(r->slidingWindow, 2);
    QCOMPARE(r->model, std::string("tiny-gpt2"));
}

void TstBundleWriter::numpyReadsTheNpz()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("b.npz");
    QVERIFY(writeAttentionBundle(sample(), path.toStdString()));
    const char *script = R"(
import sys, numpy as np
z = np.load(sys.argv[1])
print(sorted(z.files))
print(z['attentions'].dtype, z['attentions'].shape, float(z['attentions'][1, 1, 2, 2]))
print(z['tokens'].dtype, list(z['tokens']))
print(z['input_ids'].dtype, list(z['input_ids']))
print(z['causal'].dtype, z['causal'].shape, bool(z['causal']))
print(z['k'].shape, float(z['k'][1, 0, 2, 3]))
)";
    QProcess p;
    p.start("/usr/bin/python3", {"-c", script, path});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QStringList lines = QString::fromUtf8(p.readAllStandardOutput()).split('\n');
    QCOMPARE(lines.value(0), QString("['attentions', 'causal', 'input_ids', 'k', 'model', 'q', 'sliding_window', 'tokens', 'v', 'x']"));
    // attentions[1,1,2,2] is element 35 of 0, 0.25, 0.5, …: 8.75.
    QCOMPARE(lines.value(1), QString("float32 (2, 2, 3, 3) 8.75"));
    QCOMPARE(lines.value(2), QString("<U5 ['[CLS]', '猫', 'Ġsat']"));
    QCOMPARE(lines.value(3), QString("int64 [101, 4937, 50256]"));
    QCOMPARE(lines.value(4), QString("bool () True"));
    // k[1,0,2,3] is element 12 + 8 + 3 = 23: 2 + 5.75.
    QCOMPARE(lines.value(5), QString("(2, 1, 3, 4) 7.75"));
}

void TstBundleWriter::perLayerHeadSizes_data() { roundTrip_data(); }

/// Layers whose heads differ in size are written one array per layer (q.0, q.1 …) and read back
/// bit for bit; the stages of layer 1 are scaled by its own d = 2 (zero padding to 4 would not).
void TstBundleWriter::perLayerHeadSizes()
{
    QFETCH(QString, name);
    QTemporaryDir dir;
    const std::string path = dir.filePath(name).toStdString();
    const AttentionBundle b = sampleWithPerLayerSizes();
    QVERIFY(writeAttentionBundle(b, path));
    auto r = readAttentionBundle(path);
    QVERIFY2(r, r ? "" : r.error().message.c_str());
    compareLayers(r->q, b.q);
    compareLayers(r->k, b.k);
    compareLayers(r->v, b.v);
    QVERIFY(!stackLayers(r->q));
    // Scores of layer 1, head 0, query 0 by hand: q = (5, 5.25), keys (−1, −0.75), (−0.5, −0.25),
    // (0, 0.25); s_j = q·k_j / √2.
    auto setup = setupFromBundle(*r, 1);
    QVERIFY2(setup, setup ? "" : setup.error().message.c_str());
    const double s[3] = {(5 * -1 + 5.25 * -0.75) / std::sqrt(2.0), (5 * -0.5 + 5.25 * -0.25) / std::sqrt(2.0),
                         (5 * 0 + 5.25 * 0.25) / std::sqrt(2.0)};
    const double z = std::exp(s[0]) + std::exp(s[1]) + std::exp(s[2]);
    setup->inputs.mask.causal = false; // sample() says causal; the hand case is the full row
    auto result = computeAttention(setup->inputs, AttentionOptions{});
    QVERIFY2(result, result ? "" : result.error().message.c_str());
    for (int j = 0; j < 3; ++j) // tolerance: double against double, 1e-12
        QVERIFY(std::abs(result->heads[0].weights(0, j) - std::exp(s[j]) / z) < 1e-12);
}

void TstBundleWriter::numpyReadsPerLayerArrays()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("b.npz");
    QVERIFY(writeAttentionBundle(sampleWithPerLayerSizes(), path.toStdString()));
    QProcess p;
    p.start("/usr/bin/python3", {"-c", "import sys, numpy as np; z = np.load(sys.argv[1]); "
                                       "print(sorted(f for f in z.files if f[0] in 'qkv'), z['q.0'].shape, z['q.1'].shape, float(z['q.1'][1, 2, 1]))",
                                 path});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    // q.1[1, 2, 1] is element 6 + 4 + 1 = 11 of 5, 5.25, …: 7.75.
    QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()).trimmed(),
             QString("['k.0', 'k.1', 'q.0', 'q.1', 'v.0', 'v.1'] (2, 3, 4) (2, 3, 2) 7.75"));
}

void TstBundleWriter::refusedWriteKeepsTheOldFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("keep.npz");
    QVERIFY(test::writeBytes(path, "old contents"));
    AttentionBundle b = sample();
    // A directory where the file should go cannot be replaced: the write fails, nothing changes.
    const QString blocked = dir.filePath("blocked.safetensors");
    QVERIFY(QDir().mkpath(blocked + "/inside"));
    QVERIFY(!writeAttentionBundle(b, blocked.toStdString()));
    QVERIFY(QFileInfo(blocked).isDir());
    const auto wrongKind = writeAttentionBundle(b, dir.filePath("keep.txt").toStdString());
    QVERIFY(!wrongKind);
    QVERIFY(wrongKind.error().message.find(".npz or .safetensors") != std::string::npos);
    QCOMPARE(test::fileBytes(path), QByteArray("old contents"));
    QVERIFY(writeAttentionBundle(b, path.toStdString()));
    QVERIFY(readAttentionBundle(path.toStdString()));
}

QTEST_GUILESS_MAIN(TstBundleWriter)
#include "tst_bundle_writer.moc"
