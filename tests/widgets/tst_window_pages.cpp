// The window as a shell of pages: the numbered problems of issue 12, each driven as a person would
// (clicks, keys, typing, switching tabs) on one window, and checked against what is on screen.
// Numbers are compared with numpy's softmax of the demo bundle's q/k (tolerance 1e-5, the
// bundle's float32) or with the engine run directly (1e-12).

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include "cli_run.h"
#include "controls_panel.h"
#include "detail_panel.h"
#include "heatmap_view.h"
#include "npy.h"
#include "token_strip.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

namespace {

const QString kDemoBundle = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz");

void clickCell(HeatmapView *view, int row, int col)
{
    QTest::mouseClick(view->plot(), Qt::LeftButton, {}, view->plot()->mapFrom(view, view->cellCenter(row, col)));
}

/// numpy's softmax(q·kᵀ/√d) of the demo bundle's layer `layer`, head `head`, written by Python.
Mat<double> numpyWeights(int layer, int head, double scale = 0)
{
    QTemporaryDir dir;
    const QString out = dir.filePath("w.npy");
    const bool ok = runPython("import numpy as np, sys\n"
                              "d = np.load(sys.argv[1]); l, h, s = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])\n"
                              "q, k = d['q'][l, h].astype(np.float64), d['k'][l, h].astype(np.float64)\n"
                              "x = q @ k.T * (s if s else 1 / np.sqrt(q.shape[1]))\n"
                              "w = np.exp(x - x.max(1, keepdims=True)); w /= w.sum(1, keepdims=True)\n"
                              "np.save(sys.argv[5], w)\n",
                              {kDemoBundle, QString::number(layer), QString::number(head), QString::number(scale), out});
    if (!ok)
        return {};
    auto t = readNpy(out.toStdString());
    return t ? t->matrix<double>() : Mat<double>();
}

} // namespace

class TestWindowPages : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void init();
    void cellPanelAndStatusFollowANewSentence();
    void bundleBringsItsOwnSettings();
    void textSettingsComeBackAfterAFile();
    void exportAndColourMapActOnTheShownPage();
    void exportIsDisabledWhereThereIsNothing();
    void explorerLayerSelectorAndSessions();
    void stageIsKeptWhenABundleOpens();
    void windowLayerAndHeadOptions();
    void tokenStripQueryDoesNotSnapBack();
    void arrowKeysAndEnterShowACell();
    void smallWindowsKeepTheHeatmap();
    void versionOneSessionOpensConverted();
    void foreignPagePartIsKept();

private:
    std::unique_ptr<MainWindow> m_window;
    ExplorerPage *explorer() const { return explorerOf(m_window); }
};

void TestWindowPages::init()
{
    m_window = freshWindow();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

// Problem 1: click a cell, then type a new sentence — the panel and status bar kept the old
// sentence's query, key and arithmetic over the new heatmap.
void TestWindowPages::cellPanelAndStatusFollowANewSentence()
{
    explorer()->setSentence("The cat sat on the mat");
    QVERIFY(waitForState(*m_window));
    clickCell(explorer()->heatmap(0), 3, 0);
    QTRY_VERIFY(explorer()->detailPanel()->toPlainText().contains("on"));
    QCOMPARE(explorer()->model()->selectedRow(), 3);

    QLineEdit *text = explorer()->controls()->textEdit();
    text->selectAll();
    QTest::keyClicks(text, "I love NLP");
    QTRY_VERIFY(explorer()->state()->setup->queryTokens == (std::vector<std::string>{"I", "love", "NLP"}));
    // Nothing of "The cat sat on the mat" describes the new heatmap.
    QCOMPARE(explorer()->model()->selectedRow(), -1);
    QVERIFY(!explorer()->detailPanel()->toPlainText().contains("cat"));
    QVERIFY(explorer()->detailPanel()->toPlainText().contains("Click a cell"));
    QVERIFY(!m_window->statusBar()->currentMessage().contains("cat"));
    // A cell of the new sentence shows the new numbers.
    clickCell(explorer()->heatmap(0), 2, 1);
    QTRY_VERIFY(explorer()->detailPanel()->toPlainText().contains("NLP"));
    QVERIFY(explorer()->detailPanel()->toPlainText().contains("love"));
}

// Problem 2: the Explorer's causal mask and 1/d_k scale leaked into a bundle's stages, and the
// Model fields showed the text model's sizes.
void TestWindowPages::bundleBringsItsOwnSettings()
{
    ExplorerParams typed = explorer()->controls()->values();
    explorer()->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1);  // causal
    explorer()->controls()->findChild<QComboBox *>("scale")->setCurrentIndex(1); // 1/d_k
    QTRY_COMPARE(explorer()->model()->params().mask, ExplorerParams::Mask::Causal);
    QVERIFY(waitForState(*m_window) || explorer()->state());

    QString error;
    QVERIFY2(m_window->openFile(kDemoBundle, &error), qPrintable(error));
    QCOMPARE(m_window->tabs()->currentIndex(), kAttentionTab); // a bundle opens on the Imported tab
    QTRY_VERIFY(explorer()->state() && explorer()->state()->setup->queryTokens.size() == 10);
    const ExplorerParams shown = explorer()->controls()->values();
    QCOMPARE(shown.heads, 4);
    QCOMPARE(shown.dHead, 8);
    QCOMPARE(shown.mask, ExplorerParams::Mask::None);
    QCOMPARE(shown.scale, ScaleSpec::Mode::Sqrt);
    QCOMPARE(explorer()->model()->layer(), 1);
    const Mat<double> expected = numpyWeights(1, 0);
    QCOMPARE(expected.rows(), 10);
    const Mat<double> &weights = explorer()->state()->result.stages.weights;
    QVERIFY2((weights - expected).cwiseAbs().maxCoeff() < 1e-5, "the bundle's own scale and mask");
    QVERIFY(explorer()->comparisonText().contains("equal"));

    // Choosing another scale now is said to differ from the bundle's own weights.
    explorer()->controls()->findChild<QComboBox *>("scale")->setCurrentIndex(1);
    QTRY_VERIFY(explorer()->comparisonText().contains("differ"));
    const Mat<double> dk = numpyWeights(1, 0, 1.0 / 8);
    QVERIFY((explorer()->state()->result.stages.weights - dk).cwiseAbs().maxCoeff() < 1e-5);
    (void)typed;
}

// The text's settings are the text's: after a file and "Back to typed text" they are as typed.
void TestWindowPages::textSettingsComeBackAfterAFile()
{
    explorer()->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1);
    QTRY_COMPARE(explorer()->model()->params().mask, ExplorerParams::Mask::Causal);
    const ExplorerParams typed = explorer()->model()->params();
    QString error;
    QVERIFY2(m_window->openFile(kDemoBundle, &error), qPrintable(error));
    QTRY_COMPARE(explorer()->model()->params().heads, 4);
    explorer()->findChild<QAction *>("backToText")->trigger();
    QTRY_VERIFY(!explorer()->model()->isFileInput());
    QCOMPARE(explorer()->model()->params(), typed);
    QCOMPARE(explorer()->controls()->values(), typed);
}

// Problem 3: Ctrl+E wrote the Explorer's heatmap whatever tab was shown; the Imported tab's
// heatmap had no export; View → colour map changed only the Explorer.
void TestWindowPages::exportAndColourMapActOnTheShownPage()
{
    QString error;
    QVERIFY2(m_window->openFile(kDemoBundle, &error), qPrintable(error));
    AttentionPage *att = attentionOf(m_window);
    att->findChild<QComboBox *>("modeCombo")->setCurrentIndex(4); // rollout
    QTRY_VERIFY(att->result() != nullptr);
    m_window->tabs()->setCurrentIndex(kAttentionTab);

    QTemporaryDir dir;
    QVERIFY2(m_window->exportData(dir.filePath("shown.npy"), &error), qPrintable(error));
    auto saved = readNpy(dir.filePath("shown.npy").toStdString());
    QVERIFY(saved.ok());
    QVERIFY((saved->matrix<double>() - att->result()->values).cwiseAbs().maxCoeff() < 1e-12);
    QVERIFY2(m_window->exportPicture(dir.filePath("shown.png"), QSize(600, 500), 1.0, &error), qPrintable(error));
    QImage png(dir.filePath("shown.png"));
    QCOMPARE(png.size(), QSize(600, 500));
    QVERIFY(png.text("Title").contains("rollout", Qt::CaseInsensitive) || png.text("Title").contains("attn", Qt::CaseInsensitive)
            || png.text("Title").contains("demo_bundle"));
    QVERIFY(!png.text("Title").contains("Attention weights A"));

    // The colour map of the View menu reaches the page shown, and the others.
    QAction *magma = nullptr;
    for (QAction *a : m_window->findChildren<QAction *>())
        if (a->data().toString() == "magma")
            magma = a;
    QVERIFY(magma);
    magma->trigger();
    QCOMPARE(att->heatmap()->colormap(), ColormapId::Magma);
    QCOMPARE(imageOf(m_window)->colormap(), ColormapId::Magma);
    m_window->tabs()->setCurrentIndex(kExplorerTab);
    QTRY_COMPARE(explorer()->heatmap(0)->colormap(), ColormapId::Magma);
}

void TestWindowPages::exportIsDisabledWhereThereIsNothing()
{
    QAction *picture = nullptr;
    for (QAction *a : m_window->findChild<QMenu *>("exportMenu")->actions())
        if (a->shortcut() == QKeySequence(QStringLiteral("Ctrl+E")))
            picture = a;
    QVERIFY(picture);
    explorer()->setSentence("one two three");
    QVERIFY(waitForState(*m_window));
    QVERIFY(picture->isEnabled());
    m_window->tabs()->setCurrentIndex(kImageTab); // no image open
    QVERIFY(!picture->isEnabled());
    QString error;
    QTemporaryDir dir;
    QVERIFY(!m_window->exportPicture(dir.filePath("x.png"), QSize(400, 300), 1.0, &error));
    QVERIFY(!QFile::exists(dir.filePath("x.png")));
    m_window->tabs()->setCurrentIndex(kAttentionTab); // no bundle open
    QVERIFY(!picture->isEnabled());
}

// Problem 4: the Explorer always used a bundle's last layer, and sessions never read it back.
void TestWindowPages::explorerLayerSelectorAndSessions()
{
    QString error;
    QVERIFY2(m_window->openFile(kDemoBundle, &error), qPrintable(error));
    QTRY_VERIFY(explorer()->state() && explorer()->state()->setup->queryTokens.size() == 10);
    QCOMPARE(attentionOf(m_window)->request().layer, 1); // both pages start on the last layer
    m_window->tabs()->setCurrentIndex(kExplorerTab);
    QSpinBox *layer = explorer()->layerBox();
    QVERIFY(layer->isVisibleTo(m_window.get()));
    QCOMPARE(layer->value(), 1);
    layer->setFocus();
    QTest::keyClick(layer, Qt::Key_Down);
    QTRY_COMPARE(explorer()->model()->layer(), 0);
    QTRY_VERIFY((explorer()->state()->result.stages.weights - numpyWeights(0, 0)).cwiseAbs().maxCoeff() < 1e-5);

    const SessionState saved = m_window->captureSession();
    QCOMPARE(saved.pages.at("explorer").value("layer").toInt(), 0);
    auto other = freshWindow();
    QVERIFY2(other->applySession(saved, &error), qPrintable(error));
    QTRY_COMPARE(explorerOf(other)->model()->layer(), 0);
    QTRY_VERIFY(explorerOf(other)->state() && explorerOf(other)->state()->setup->queryTokens.size() == 10);
    QTRY_VERIFY((explorerOf(other)->state()->result.stages.weights - numpyWeights(0, 0)).cwiseAbs().maxCoeff() < 1e-5);
    QCOMPARE(explorerOf(other)->layerBox()->value(), 0);
}

// --stage was ignored when the window opened a bundle.
void TestWindowPages::stageIsKeptWhenABundleOpens()
{
    explorer()->showStage(Stage::Scores);
    QString error;
    QVERIFY2(m_window->openFile(kDemoBundle, &error), qPrintable(error));
    QTRY_VERIFY(explorer()->state() && explorer()->state()->setup->queryTokens.size() == 10);
    QCOMPARE(explorer()->stage(), Stage::Scores);
    QCOMPARE(explorer()->heatmap(0)->content().title.left(6), QStringLiteral("Scores"));
}

// attnscope --layer / --head: set every page that shows one; out of range ends --screenshot.
void TestWindowPages::windowLayerAndHeadOptions()
{
    QString error;
    QVERIFY2(m_window->openFile(kDemoBundle, &error), qPrintable(error));
    QVERIFY2(m_window->setLayerHead(0, 3, &error), qPrintable(error));
    QCOMPARE(attentionOf(m_window)->request().layer, 0);
    QCOMPARE(attentionOf(m_window)->request().head, 3);
    QTRY_COMPARE(explorer()->model()->layer(), 0);
    QTRY_VERIFY(explorer()->state() && explorer()->state()->result.head == 3);
    QTRY_VERIFY((explorer()->state()->result.stages.weights - numpyWeights(0, 3)).cwiseAbs().maxCoeff() < 1e-5);
    QVERIFY(!m_window->setLayerHead(2, -1, &error));
    QVERIFY2(error.contains("layer 2"), qPrintable(error));

    QTemporaryDir dir;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    const test::Run run = test::runProgram(QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope"),
                                           {kDemoBundle, "--layer", "5", "--screenshot", dir.filePath("s.png")}, dir.path(), env);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.count("error: ") == 1 && run.err.contains("error: layer 5"), qPrintable(run.err));
    QVERIFY(!QFile::exists(dir.filePath("s.png")));
    const test::Run good = test::runProgram(
        QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope"),
        {kDemoBundle, "--layer", "0", "--head", "2", "--stage", "scores", "--screenshot", dir.filePath("s.png")}, dir.path(), env);
    QVERIFY2(good.exitCode == 0, qPrintable(good.err));
    QVERIFY(QImage(dir.filePath("s.png")).width() > 100);
}

// Problem 5: once a cell was clicked, choosing a query in the token strip snapped back.
void TestWindowPages::tokenStripQueryDoesNotSnapBack()
{
    explorer()->setSentence("the cat saw the dog");
    QVERIFY(waitForState(*m_window));
    clickCell(explorer()->heatmap(0), 3, 1);
    QTRY_COMPARE(explorer()->model()->selectedQuery(), 3);
    emit explorer()->tokenStrip()->tokenClicked(1); // as a click on the second token does
    QCOMPARE(explorer()->model()->selectedQuery(), 1);
    QTest::qWait(50);
    QCOMPARE(explorer()->model()->selectedQuery(), 1);
    QCOMPARE(explorer()->heatmap(0)->highlightedRow(), 1);
    QCOMPARE(explorer()->model()->selectedRow(), -1); // the cell of row 3 is let go
}

// Keyboard: arrow keys move a cell cursor in the heatmap, Enter shows its computation.
void TestWindowPages::arrowKeysAndEnterShowACell()
{
    explorer()->setSentence("the cat saw the dog");
    QVERIFY(waitForState(*m_window));
    HeatmapView *view = explorer()->heatmap(0);
    clickCell(view, 0, 0);
    QTRY_COMPARE(explorer()->model()->selectedRow(), 0);
    QWidget *target = view->focusWidget() ? view->focusWidget() : view;
    QTest::keyClick(target, Qt::Key_Down);
    QTest::keyClick(target, Qt::Key_Down);
    QTest::keyClick(target, Qt::Key_Right);
    QTest::keyClick(target, Qt::Key_Return);
    QTRY_COMPARE(explorer()->model()->selectedRow(), 2);
    QCOMPARE(explorer()->model()->selectedCol(), 1);
    QTRY_VERIFY(explorer()->detailPanel()->toPlainText().contains("saw"));
}

// Small windows: at 800 × 600 the heatmap stays usable, at 600 × 400 it is still there.
void TestWindowPages::smallWindowsKeepTheHeatmap()
{
    explorer()->setSentence("the cat saw the dog");
    QVERIFY(waitForState(*m_window));
    QTest::qWait(100); // the window's layout takes the new minimum sizes, as it does before any person's drag
    m_window->resize(800, 600);
    QTRY_COMPARE(m_window->size(), QSize(800, 600));
    QTest::qWait(100);
    HeatmapView *view = explorer()->heatmap(0);
    QVERIFY2(view->width() >= 300 && view->height() >= 200,
             qPrintable(QStringLiteral("%1 × %2").arg(view->width()).arg(view->height())));
    QTest::qWait(100);
    m_window->resize(600, 400);
    QTest::qWait(100);
    QVERIFY(m_window->width() <= 640);
    QVERIFY2(view->isVisible() && view->width() >= 150 && view->height() >= 80,
             qPrintable(QStringLiteral("%1 × %2").arg(view->width()).arg(view->height())));
}

// A session written by the previous release (format version 1, flat parameters and view) opens
// on the pages it names, with every value where it belongs.
void TestWindowPages::versionOneSessionOpensConverted()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("old.attnscope");
    QVERIFY(test::writeBytes(path, R"({"format": "attnscope-session", "version": 1,
        "input": {"kind": "text", "text": "le chat dort ici", "context": "", "cross": false, "files": []},
        "parameters": {"dModel": 32, "dHead": 8, "heads": 3, "head": 2, "seed": 7, "scale": "dim", "customScale": 1,
                       "temperature": 0.5, "mask": "causal", "paddedKeys": []},
        "view": {"stage": "scaled", "selectedQuery": 2, "selectedCell": [2, 1], "colormap": "magma",
                 "reduction": "mean", "tab": 0, "pages": {"attention.normalization": "row"}}})"));
    QString error;
    QVERIFY2(m_window->openSession(path, &error), qPrintable(error));
    QTRY_VERIFY(explorer()->state() && explorer()->state()->setup->queryTokens.size() == 4
                && explorer()->state()->result.head == 2);
    const ExplorerParams p = explorer()->model()->params();
    QCOMPARE(p.text, std::string("le chat dort ici"));
    QCOMPARE(p.dModel, 32);
    QCOMPARE(p.heads, 3);
    QCOMPARE(p.seed, std::uint64_t(7));
    QCOMPARE(p.scale, ScaleSpec::Mode::Dim);
    QCOMPARE(p.temperature, 0.5);
    QCOMPARE(p.mask, ExplorerParams::Mask::Causal);
    QCOMPARE(explorer()->stage(), Stage::Scaled);
    QTRY_COMPARE(explorer()->model()->selectedRow(), 2);
    QCOMPARE(explorer()->model()->selectedCol(), 1);
    QCOMPARE(m_window->viewOptions().colormap, ColormapId::Magma);
    QCOMPARE(m_window->viewOptions().reduction, Reduction::Mean);
    QCOMPARE(attentionOf(m_window)->findChild<QComboBox *>("normCombo")->currentIndex(), 1);
    // Saved again, it is version 2 and reads back the same.
    QVERIFY2(m_window->saveSessionTo(dir.filePath("new.attnscope"), &error), qPrintable(error));
    const QByteArray saved = test::fileBytes(dir.filePath("new.attnscope"));
    QVERIFY(saved.contains("\"version\": 2"));
    QVERIFY(saved.contains("\"scaled\""));
}

void TestWindowPages::foreignPagePartIsKept()
{
    SessionState s = m_window->captureSession();
    s.pages["lesson"] = QJsonObject{{"step", 3}, {"title", "softmax"}};
    QString error;
    QVERIFY2(m_window->applySession(s, &error), qPrintable(error));
    QCOMPARE(m_window->captureSession().pages.at("lesson"), (QJsonObject{{"step", 3}, {"title", "softmax"}}));
}

QTEST_MAIN(TestWindowPages)
#include "tst_window_pages.moc"
