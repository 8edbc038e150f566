// ExplorerModel without any widget: a QCoreApplication, the model's calls and signals only. Its
// invariants (explorer_model.h): the selection fits the state shown, a new input clears it, an
// input brings its own parameters. Bundle weights are compared with the bundle's own attentions
// (which numpy's softmax(q·kᵀ/√d) matches to 1.4e-8) within 1e-5, its float32.

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QtTest>

#include "bundle.h"
#include "explorer_model.h"
#include "window_test_support.h"

using namespace attnscope;

namespace {

const std::string kDemo = ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz";

bool waitForState(ExplorerModel &m)
{
    QSignalSpy spy(&m, &ExplorerModel::stateChanged);
    return spy.wait(5000);
}

} // namespace

class TestExplorerModel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { testsupport::useTestIdentity(); }
    void init() { QSettings().clear(); } // the text parameters a previous run remembered
    void selectionFitsTheStateShown();
    void bundleBringsItsParametersAndLayers();
};

void TestExplorerModel::selectionFitsTheStateShown()
{
    ExplorerModel m;
    ExplorerParams p = m.textParams();
    p.text = "the cat saw the dog";
    m.useText(p);
    QVERIFY(waitForState(m));
    QCOMPARE(m.selectedQuery(), 0); // a new input starts with the first query tinted
    m.selectCell(3, 4);
    QCOMPARE(m.selectedRow(), 3);
    QCOMPARE(m.selectedQuery(), 3);
    m.selectCell(5, 0); // outside the 5 × 5 weights: ignored
    QCOMPARE(m.selectedRow(), 3);
    m.setStage(Stage::Qkv); // Q is 5 × 16: the cell [3, 4] still fits
    QCOMPARE(m.selectedCol(), 4);
    m.setStage(Stage::Output);
    QCOMPARE(m.shownShape(), (std::pair<Eigen::Index, Eigen::Index>{5, 16}));
    m.setStage(Stage::Weights);
    p.temperature = 0.5; // new parameters: the cell stays and is recomputed
    m.setParams(p);
    QVERIFY(waitForState(m));
    QCOMPARE(m.selectedRow(), 3);
    m.selectQuery(1); // a query on another row lets the cell go
    QCOMPARE(m.selectedRow(), -1);
    QCOMPARE(m.selectedQuery(), 1);
    m.selectCell(4, 4);
    p.text = "I love NLP"; // a new sentence is a new input
    m.setParams(p);
    QVERIFY(waitForState(m));
    QCOMPARE(m.selectedRow(), -1);
    QCOMPARE(m.selectedQuery(), 0);
}

void TestExplorerModel::bundleBringsItsParametersAndLayers()
{
    ExplorerModel m;
    ExplorerParams typed = m.textParams();
    typed.mask = ExplorerParams::Mask::Causal;
    typed.scale = ScaleSpec::Mode::Dim;
    m.useText(typed);
    QVERIFY(waitForState(m));
    auto read = readAttentionBundle(kDemo);
    QVERIFY(read.ok());
    auto bundle = std::make_shared<const AttentionBundle>(std::move(read.value()));
    QString error;
    QVERIFY(!m.setLayer(0, &error)); // no bundle yet
    QVERIFY2(m.useBundle(bundle, -1, &error), qPrintable(error));
    QVERIFY(waitForState(m));
    QCOMPARE(m.layer(), 1);
    QCOMPARE(m.params().heads, 4);
    QCOMPARE(m.params().dHead, 8);
    QCOMPARE(m.params().scale, ScaleSpec::Mode::Sqrt);
    QCOMPARE(m.params().mask, ExplorerParams::Mask::None);
    QVERIFY(m.bundleDifference() < 1e-5);
    QVERIFY(m.bundleComparison().contains("equal"));
    QCOMPARE(m.textParams(), typed); // the text's own settings are kept for it
    QVERIFY(m.setLayer(0, &error));
    QVERIFY(waitForState(m));
    QVERIFY(m.bundleDifference() < 1e-5); // layer 0's weights are layer 0's
    QVERIFY(!m.setLayer(2, &error));
    QVERIFY2(error.contains("layer 2 is not within 0..1"), qPrintable(error));
    ExplorerParams p = m.params();
    p.scale = ScaleSpec::Mode::Dim;
    p.heads = 9; // a file's model fields stay the file's
    m.setParams(p);
    QVERIFY(waitForState(m));
    QCOMPARE(m.params().heads, 4);
    QVERIFY(m.bundleDifference() > 0.01);
    QVERIFY(m.bundleComparison().contains("differ"));
    m.useText();
    QVERIFY(waitForState(m));
    QCOMPARE(m.params(), typed);
    QVERIFY(m.bundle() == nullptr && m.layer() == -1);
}

QTEST_GUILESS_MAIN(TestExplorerModel)
#include "tst_explorer_model.moc"
