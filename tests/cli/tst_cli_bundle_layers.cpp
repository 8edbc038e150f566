// Layers against batches (issue 15): in a bundle (a file holding `attentions`) a 4-D q/k/v is
// [L, H, T, d] and `--layer` picks the layer (default the last), per-layer arrays q.0 … too; in
// any other file the first of four axes is a batch (`--batch`). The weights the real CLI writes
// are compared with numpy's softmax(q kᵀ/√d) of the same layer (fixtures/gen_bundle_layers.py,
// float64 there, float32 here: tolerance 1e-6). Mixing them up is one `error:` line, exit 2.

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"
#include "npy.h"
#include "tensor_compare.h"
#include "tensor_file.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::runCli;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/bundle_layers");

QStringList qkv(const QString &name, const QString &suffix = QString())
{
    const QString file = kDir + "/" + name;
    return {"--q", file + ":q" + suffix, "--k", file + ":k" + suffix, "--v", file + ":v" + suffix};
}

} // namespace

class TstCliBundleLayers : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void layerPicksTheBundlesLayer_data();
    void layerPicksTheBundlesLayer();
    void stagesTakeTheLayerToo();
    void bareRankFourSaysHowItWasRead();
    void mixedUpOptionsAreRefused_data();
    void mixedUpOptionsAreRefused();

private:
    QTemporaryDir m_dir;
    QString file(const QString &name) const { return m_dir.filePath(name); }
};

void TstCliBundleLayers::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(kDir + "/expected.npz"), qPrintable(kDir + " is not written (gen_bundle_layers.py)"));
}

void TstCliBundleLayers::layerPicksTheBundlesLayer_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("stacked, default: the last layer") << qkv("stacked.npz") << "w_stacked_2";
    QTest::newRow("stacked --layer 0") << (qkv("stacked.npz") << "--layer" << "0") << "w_stacked_0";
    QTest::newRow("per layer, default") << qkv("per_layer.npz") << "w_per_layer_2";
    QTest::newRow("per layer --layer 1 (d = 2)") << (qkv("per_layer.npz") << "--layer" << "1") << "w_per_layer_1";
    QTest::newRow("per layer named q.1") << qkv("per_layer.npz", ".1") << "w_per_layer_1";
    QTest::newRow("per layer named q.1 --layer 1") << (qkv("per_layer.npz", ".1") << "--layer" << "1") << "w_per_layer_1";
    QTest::newRow("not a bundle: batch 0") << qkv("batch.npz") << "w_batch_0";
    QTest::newRow("not a bundle: --batch 1") << (qkv("batch.npz") << "--batch" << "1") << "w_batch_1";
}

void TstCliBundleLayers::layerPicksTheBundlesLayer()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const auto r = runCli(QStringList{"attention"} << args << "--weights-out" << "w.npy", m_dir.path());
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    auto got = readNpy(file("w.npy").toStdString());
    QVERIFY2(got, got ? "" : got.error().message.c_str());
    auto want = readTensor((kDir + "/expected.npz:" + expected).toStdString());
    QVERIFY2(want, want ? "" : want.error().message.c_str());
    const double d = test::maxAbsDiff(*got, want->tensor);
    QVERIFY2(d < 1e-6, qPrintable(QString("max |diff| %1").arg(d)));
}

void TstCliBundleLayers::stagesTakeTheLayerToo()
{
    const auto r = runCli(QStringList{"stages"} << qkv("per_layer.npz") << "--layer" << "1" << "--out-dir" << "st",
                          m_dir.path());
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    auto got = readNpy(file("st/weights.npy").toStdString());
    QVERIFY2(got, got ? "" : got.error().message.c_str());
    auto want = readTensor((kDir + "/expected.npz:w_per_layer_1").toStdString());
    QVERIFY(want);
    QVERIFY(test::maxAbsDiff(*got, want->tensor) < 1e-6);
}

/// A bare [2, 3, 4, 4] tensor is read as 2 layers × 3 heads, and the commands say so in one line;
/// a bundle's attentions are [L, H, Tq, Tk] by definition, and nothing is said.
void TstCliBundleLayers::bareRankFourSaysHowItWasRead()
{
    const QString note = "bare4d.npy: a bare [2, 3, 4, 4] tensor, read as [L, H, Tq, Tk]: 2 layers × 3 heads";
    for (const QStringList &args : {QStringList{"render", "--weights", kDir + "/bare4d.npy", "--out", "r.png"},
                                    QStringList{"combine", "--weights", kDir + "/bare4d.npy", "--out", "c.npy"}}) {
        const auto r = runCli(args, m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.count(note), 1);
    }
    const auto bundle = runCli({"render", "--weights", kDir + "/stacked.npz", "--out", "b.png"}, m_dir.path());
    QVERIFY2(bundle.exitCode == 0, qPrintable(bundle.err));
    QVERIFY(!bundle.out.contains("bare"));
}

void TstCliBundleLayers::mixedUpOptionsAreRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("--batch on a bundle") << (qkv("stacked.npz") << "--batch" << "1")
                                         << QStringList{"--batch", "stacked.npz", "--layer"};
    QTest::newRow("--layer on a plain file") << (qkv("batch.npz") << "--layer" << "1")
                                             << QStringList{"--layer", "batch.npz", "--batch"};
    QTest::newRow("--layer out of range") << (qkv("stacked.npz") << "--layer" << "3")
                                          << QStringList{"--layer 3 is out of range", "3 layers"};
    QTest::newRow("per layer out of range") << (qkv("per_layer.npz") << "--layer" << "7")
                                            << QStringList{"--layer 7 is out of range", "3 layers"};
    QTest::newRow("q.1 with another --layer") << (qkv("per_layer.npz", ".1") << "--layer" << "2")
                                              << QStringList{"q.1", "layer 1 itself"};
    QTest::newRow("a bundle without x") << QStringList{"--q", kDir + "/batch.npz:q", "--k", kDir + "/stacked.npz:x", "--v",
                                                       kDir + "/stacked.npz:v"}
                                        << QStringList{"stacked.npz", "x"};
}

void TstCliBundleLayers::mixedUpOptionsAreRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, mentions);
    QVERIFY(test::writeBytes(file("keep.npy"), "old"));
    const auto r = runCli(QStringList{"attention"} << args << "--weights-out" << "keep.npy", m_dir.path());
    QCOMPARE(r.exitCode, 2);
    const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines[0].startsWith("error: "), qPrintable(lines[0]));
    for (const QString &m : mentions)
        QVERIFY2(lines[0].contains(m), qPrintable(lines[0] + " lacks " + m));
    QCOMPARE(test::fileBytes(file("keep.npy")), QByteArray("old"));
}

QTEST_GUILESS_MAIN(TstCliBundleLayers)
#include "tst_cli_bundle_layers.moc"
