// The explorer window driven as a person would: typing, stepping with keys, clicking cells,
// changing controls, exporting; and the attnscope executable's command-line options. Sessions and
// opening files through the tabs are in tst_window_sessions.
#include <QProcess>
#include <QSpinBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>
#include <QClipboard>
#include <QXmlStreamReader>

#include <qcustomplot.h>

#include "controls_panel.h"
#include "detail_panel.h"
#include "explorer.h"
#include "heatmap_view.h"
#include "main_window.h"
#include "npy.h"
#include "settings.h"
#include "attention_page.h"
#include "image_page.h"
#include "bundle.h"
#include "cell_values.h"
#include <QTabWidget>
#include "stage_stepper.h"
#include "text.h"
#include "token_map_strip.h"
#include "token_strip.h"
#include "window_test_support.h"

using namespace attnscope;

using namespace attnscope::testsupport;

class TestExplorerWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void showsEngineWeights();
    void stepsWithKeysButNotInTheTextField();
    void clickingACellExplainsIt();
    void selectingAQueryTintsTheSentence();
    void hoverShowsRowStatistics();
    void controlsRecompute();
    void undoRestoresParameters();
    void causalMaskZeroesTheUpperTriangle();
    void nanInQueriesIsNotGrey();
    void arrowKeysAndEnterExplainACell();
    void chineseIsOneTokenPerCharacter();
    void labelsAreWordsWithoutFormatCharacters();
    void opensTensorFilesByRole();
    void opensFilesInTheRightTab();
    void bundleOverAnImage();
    void exportsTabPictures();
    void screenshotOption();
    void badArgumentsExitWithStatusTwo_data();
    void badArgumentsExitWithStatusTwo();
    void exportsPictures();
    void exportsStageData();
    void exportsEveryStage();
    void exportsAllHeads();
    void exportsStageFrames();
    void exportIntoMissingFolderFails();

private:
    std::unique_ptr<MainWindow> m_window;
    bool waitForState() { return testsupport::waitForState(*m_window); }
};

void TestExplorerWindow::initTestCase()
{
    useTestIdentity();
}

void TestExplorerWindow::init()
{
    m_window = freshWindow();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestExplorerWindow::showsEngineWeights()
{
    explorerOf(m_window)->setSentence("the cat saw the dog");
    QVERIFY(waitForState());
    QCOMPARE(explorerOf(m_window)->stage(), Stage::Weights); // the default stage
    const ExplorerResult ref = reference("the cat saw the dog", explorerOf(m_window)->controls()->values(), Stage::Weights);
    const auto &shown = *explorerOf(m_window)->heatmap(0)->content().values;
    QCOMPARE(shown.rows(), 5);
    QCOMPARE(shown.cols(), 5);
    QVERIFY((shown - ref.stages.weights).cwiseAbs().maxCoeff() < 1e-12);
    // Each row of the displayed weights sums to 1.
    for (int i = 0; i < 5; ++i)
        QVERIFY(std::abs(shown.row(i).sum() - 1.0) < 1e-9);
    QCOMPARE(explorerOf(m_window)->heatmap(0)->content().rowLabels, QStringList({"the", "cat", "saw", "the", "dog"}));
}

void TestExplorerWindow::stepsWithKeysButNotInTheTextField()
{
    explorerOf(m_window)->setSentence("a b c");
    QVERIFY(waitForState());
    explorerOf(m_window)->showStage(Stage::Inputs);
    // Page Down in the sentence field is the field's (issue 14: a clicker's keys never fire there);
    // Alt+Right steps from anywhere.
    explorerOf(m_window)->controls()->textEdit()->setFocus();
    QTest::keyClick(explorerOf(m_window)->controls()->textEdit(), Qt::Key_PageDown);
    QCOMPARE(explorerOf(m_window)->stage(), Stage::Inputs);
    QTest::keyClick(explorerOf(m_window)->controls()->textEdit(), Qt::Key_Right, Qt::AltModifier);
    QCOMPARE(explorerOf(m_window)->stage(), Stage::Qkv);
    QCOMPARE(explorerOf(m_window)->controls()->textEdit()->text(), QString("a b c")); // the field kept its text
    explorerOf(m_window)->heatmap(0)->setFocus();
    QTest::keyClick(explorerOf(m_window)->heatmap(0), Qt::Key_PageDown);
    QCOMPARE(explorerOf(m_window)->stage(), Stage::Scores);
    QVERIFY(explorerOf(m_window)->heatmap(0)->isVisible());
    QVERIFY(!explorerOf(m_window)->heatmap(1)->isVisible()); // one matrix at the scores stage
    QTest::keyClick(m_window.get(), Qt::Key_PageUp);
    QCOMPARE(explorerOf(m_window)->stage(), Stage::Qkv);
    QVERIFY(explorerOf(m_window)->heatmap(1)->isVisible() && explorerOf(m_window)->heatmap(2)->isVisible()); // Q, K and V
    QTest::keyClick(m_window.get(), Qt::Key_7, Qt::ControlModifier);
    QCOMPARE(explorerOf(m_window)->stage(), Stage::Output);
    // The stepper's Next button is disabled at the last stage and Back moves back.
    auto *back = explorerOf(m_window)->stepper()->findChild<QWidget *>("stageBack");
    QTest::mouseClick(back, Qt::LeftButton);
    QCOMPARE(explorerOf(m_window)->stage(), Stage::Weights);
}

void TestExplorerWindow::clickingACellExplainsIt()
{
    explorerOf(m_window)->setSentence("one two three four");
    QVERIFY(waitForState());
    HeatmapView *view = explorerOf(m_window)->heatmap(0);
    QTRY_VERIFY(view->displayedRows() == 4);
    const QPoint p = view->cellCenter(2, 1);
    QTest::mouseClick(view->plot(), Qt::LeftButton, {}, view->plot()->mapFrom(view, p));
    ExplorerSetup setup;
    const ExplorerResult ref = reference("one two three four", explorerOf(m_window)->controls()->values(), Stage::Weights, &setup);
    const QString text = explorerOf(m_window)->detailPanel()->toPlainText();
    QVERIFY2(text.contains("three") && text.contains("two"), qPrintable(text));
    // The raw score q·k as the engine has it, with 5 significant digits.
    const double raw = ref.stages.scoresRaw(2, 1);
    QVERIFY2(text.contains(QString::number(raw, 'g', 5).replace('-', QChar(0x2212))), qPrintable(text));
    QVERIFY2(text.contains(QString::number(ref.stages.weights(2, 1), 'g', 5)), qPrintable(text));
    QVERIFY(text.contains("Softmax"));
    QCOMPARE(explorerOf(m_window)->model()->selectedQuery(), 2);

    // The output stage explains the weighted sum of V rows.
    explorerOf(m_window)->showStage(Stage::Output);
    QTRY_VERIFY(view->displayedRows() == 4);
    const QPoint q = view->cellCenter(0, 3);
    QTest::mouseClick(view->plot(), Qt::LeftButton, {}, view->plot()->mapFrom(view, q));
    const QString out = explorerOf(m_window)->detailPanel()->toPlainText();
    QVERIFY2(out.contains(QString::number(ref.stages.output(0, 3), 'g', 5).replace('-', QChar(0x2212))) ||
                 std::abs(ref.stages.output(0, 3)) < 1e-300,
             qPrintable(out));
}

void TestExplorerWindow::selectingAQueryTintsTheSentence()
{
    explorerOf(m_window)->setSentence("red green blue red");
    QVERIFY(waitForState());
    explorerOf(m_window)->model()->selectQuery(3);
    const auto &w = explorerOf(m_window)->state()->result.stages.weights;
    int best = 0;
    w.row(3).maxCoeff(&best);
    const QColor top = explorerOf(m_window)->tokenStrip()->tint(best);
    // The most attended key is drawn in the colour map's brightest colour (viridis: yellow).
    QCOMPARE(top.name(), QColor(Colormap::get(ColormapId::Viridis).at(1.0)).name());
    int worst = 0;
    w.row(3).minCoeff(&worst);
    QVERIFY(explorerOf(m_window)->tokenStrip()->tint(worst) != top);
    QCOMPARE(explorerOf(m_window)->heatmap(0)->highlightedRow(), 3);
}

void TestExplorerWindow::hoverShowsRowStatistics()
{
    explorerOf(m_window)->setSentence("alpha beta gamma");
    QVERIFY(waitForState());
    HeatmapView *view = explorerOf(m_window)->heatmap(0);
    QTRY_VERIFY(view->displayedRows() == 3);
    QTest::mouseMove(view->plot(), view->plot()->mapFrom(view, view->cellCenter(1, 2)));
    QTRY_VERIFY(m_window->statusBar()->currentMessage().contains("row sum"));
    const QString msg = m_window->statusBar()->currentMessage();
    QVERIFY2(msg.contains("beta") && msg.contains("gamma") && msg.contains("entropy") && msg.contains("top"), qPrintable(msg));
}

void TestExplorerWindow::controlsRecompute()
{
    explorerOf(m_window)->setSentence("x y z x");
    QVERIFY(waitForState());
    const double before = explorerOf(m_window)->state()->result.stages.weights.maxCoeff();
    auto *tau = explorerOf(m_window)->controls()->findChild<QDoubleSpinBox *>("temperature");
    tau->setValue(0.2); // sharper
    QVERIFY(waitForState());
    QCOMPARE(explorerOf(m_window)->state()->temperature, 0.2);
    QVERIFY(explorerOf(m_window)->state()->result.stages.weights.maxCoeff() > before);
    auto *heads = explorerOf(m_window)->controls()->findChild<QSpinBox *>("heads");
    heads->setValue(4);
    QVERIFY(waitForState());
    QCOMPARE(int(explorerOf(m_window)->state()->setup->inputs.q.size()), 4);
    auto *scale = explorerOf(m_window)->controls()->findChild<QComboBox *>("scale");
    scale->setCurrentIndex(1); // 1/d_k
    QVERIFY(waitForState());
    QCOMPARE(explorerOf(m_window)->state()->scale.mode, ScaleSpec::Mode::Dim);
}

void TestExplorerWindow::undoRestoresParameters()
{
    explorerOf(m_window)->setSentence("p q r");
    QVERIFY(waitForState());
    auto *heads = explorerOf(m_window)->controls()->findChild<QSpinBox *>("heads");
    auto *seed = explorerOf(m_window)->controls()->findChild<QSpinBox *>("seed");
    const int headsBefore = heads->value();
    heads->setValue(headsBefore + 2);
    seed->setValue(seed->value() + 5);
    QVERIFY(waitForState());
    QCOMPARE(explorerOf(m_window)->undoStack()->count() >= 2, true);
    explorerOf(m_window)->undoStack()->undo(); // the seed
    explorerOf(m_window)->undoStack()->undo(); // the heads
    QCOMPARE(heads->value(), headsBefore);
    QVERIFY(waitForState());
    QCOMPARE(int(explorerOf(m_window)->state()->setup->inputs.q.size()), headsBefore);
    explorerOf(m_window)->undoStack()->redo();
    QCOMPARE(heads->value(), headsBefore + 2);
}

void TestExplorerWindow::causalMaskZeroesTheUpperTriangle()
{
    explorerOf(m_window)->setSentence("one two three four five");
    QVERIFY(waitForState());
    explorerOf(m_window)->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1);
    QVERIFY(waitForState());
    const auto &w = explorerOf(m_window)->state()->result.stages.weights;
    for (int i = 0; i < 5; ++i)
        for (int j = i + 1; j < 5; ++j)
            QCOMPARE(w(i, j), 0.0);
    explorerOf(m_window)->showStage(Stage::Masked);
    const auto &shown = *explorerOf(m_window)->heatmap(0)->content().values;
    QVERIFY(std::isinf(shown(0, 4)) && shown(0, 4) < 0);
    // Masked: grey, and named so on hover.
    HeatmapView *view = explorerOf(m_window)->heatmap(0);
    QCOMPARE(view->displayedKind(0, 4), CellKind::Masked);
    QTest::mouseMove(view->plot(), view->plot()->mapFrom(view, view->cellCenter(0, 4)));
    QTRY_VERIFY2(m_window->statusBar()->currentMessage().contains("masked (−∞)"), qPrintable(m_window->statusBar()->currentMessage()));
    const QImage shot = view->grab().toImage();
    QCOMPARE(shot.pixelColor(view->cellCenter(0, 4) * shot.devicePixelRatio()), specialCellColor(CellKind::Masked));
}

void TestExplorerWindow::nanInQueriesIsNotGrey()
{
    // Q with a NaN in query 1: that query's scores are NaN, drawn in the NaN colour, not grey.
    QTemporaryDir dir;
    Mat<double> q = Mat<double>::Constant(3, 4, 0.5), k = Mat<double>::Constant(4, 4, 0.25), v = Mat<double>::Identity(4, 4);
    q(1, 2) = std::numeric_limits<double>::quiet_NaN();
    for (const auto &[name, m] : {std::pair{"q", &q}, std::pair{"k", &k}, std::pair{"v", &v}}) {
        const std::vector<std::byte> bytes = encodeNpy(Tensor::fromMatrix(*m));
        QVERIFY(writeBytes(dir.filePath(QString(name) + ".npy"), QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()))));
    }
    QString error;
    QVERIFY2(m_window->openTensorFiles({dir.filePath("q.npy"), dir.filePath("k.npy"), dir.filePath("v.npy")}, &error),
             qPrintable(error));
    QVERIFY(waitForState());
    explorerOf(m_window)->showStage(Stage::Scores);
    HeatmapView *view = explorerOf(m_window)->heatmap(0);
    QTRY_COMPARE(view->displayedRows(), 3);
    QVERIFY(std::isnan((*view->content().values)(1, 0)));
    const QImage shot = view->grab().toImage();
    // Above the cell's centre, where its number (View → Numbers in cells) is not written.
    const QPoint sample = view->cellCenter(1, 0) - QPoint(0, (view->cellCenter(1, 0).y() - view->cellCenter(0, 0).y()) / 3);
    const QColor nan = shot.pixelColor(sample * shot.devicePixelRatio());
    QCOMPARE(nan, specialCellColor(CellKind::NaN));
    QVERIFY(nan != specialCellColor(CellKind::Masked));
    QCOMPARE(view->specialKinds(), QList<CellKind>({CellKind::NaN}));
    QTest::mouseMove(view->plot(), view->plot()->mapFrom(view, view->cellCenter(1, 0)));
    QTRY_VERIFY2(m_window->statusBar()->currentMessage().endsWith(": NaN"), qPrintable(m_window->statusBar()->currentMessage()));
}

void TestExplorerWindow::arrowKeysAndEnterExplainACell()
{
    explorerOf(m_window)->setSentence("one two three four");
    QVERIFY(waitForState());
    HeatmapView *view = explorerOf(m_window)->heatmap(0);
    QTRY_VERIFY(view->displayedRows() == 4);
    // Focus as Tab gives it, then arrows and Enter.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    view->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(view->hasFocus());
    QTest::keyClick(view, Qt::Key_Down);
    QTest::keyClick(view, Qt::Key_Down);
    QTest::keyClick(view, Qt::Key_Right);
    QVERIFY2(m_window->statusBar()->currentMessage().contains("“three”") && m_window->statusBar()->currentMessage().contains("“two”"),
             qPrintable(m_window->statusBar()->currentMessage()));
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(explorerOf(m_window)->model()->selectedQuery(), 2);
    const QString text = explorerOf(m_window)->detailPanel()->toPlainText();
    QVERIFY2(text.contains("three") && text.contains("two") && text.contains("Softmax"), qPrintable(text));
    // PageUp still steps the stage while the heatmap has the focus.
    const Stage before = explorerOf(m_window)->stage();
    QTest::keyClick(view, Qt::Key_PageUp);
    QVERIFY(explorerOf(m_window)->stage() != before);
}

void TestExplorerWindow::chineseIsOneTokenPerCharacter()
{
    explorerOf(m_window)->setSentence(QStringLiteral("我爱猫。"));
    QVERIFY(waitForState());
    QCOMPARE(explorerOf(m_window)->heatmap(0)->content().rowLabels,
             QStringList({QStringLiteral("我"), QStringLiteral("爱"), QStringLiteral("猫"), QStringLiteral("。")}));
}

void TestExplorerWindow::labelsAreWordsWithoutFormatCharacters()
{
    // Korean and katakana words stay whole; a soft hyphen or ZWSP neither splits a word nor shows.
    explorerOf(m_window)->setSentence(QString::fromUtf8("안녕하세요 co\u00ADoperate コン\u200Bピュータ!"));
    QVERIFY(waitForState());
    QCOMPARE(explorerOf(m_window)->heatmap(0)->content().rowLabels,
             QStringList({QString::fromUtf8("안녕하세요"), QStringLiteral("cooperate"), QString::fromUtf8("コンピュータ"),
                          QStringLiteral("!")}));
}

void TestExplorerWindow::opensTensorFilesByRole()
{
    QTemporaryDir dir;
    // q, k, v written by numpy: one head of 3 queries, 4 keys.
    const QString script = QStringLiteral(
        "import numpy as np, sys\n"
        "r = np.random.default_rng(0)\n"
        "for n, s in (('q', (3, 8)), ('k', (4, 8)), ('v', (4, 5))): np.save(sys.argv[1] + '/' + n + '.npy', r.standard_normal(s))\n"
        "q, k = np.load(sys.argv[1] + '/q.npy'), np.load(sys.argv[1] + '/k.npy')\n"
        "s = q @ k.T / np.sqrt(8); a = np.exp(s - s.max(1, keepdims=True)); a /= a.sum(1, keepdims=True)\n"
        "print(' '.join(repr(x) for x in a.ravel()))\n");
    QProcess py;
    py.start("/usr/bin/python3", {"-c", script, dir.path()});
    QVERIFY(py.waitForFinished(30000));
    QCOMPARE(py.exitCode(), 0);
    const QStringList expected = QString::fromUtf8(py.readAllStandardOutput()).split(' ', Qt::SkipEmptyParts);
    QCOMPARE(expected.size(), 12);
    QString error;
    QVERIFY2(m_window->openTensorFiles({dir.filePath("q.npy"), dir.filePath("k.npy"), dir.filePath("v.npy")}, &error),
             qPrintable(error));
    QVERIFY(waitForState());
    const auto &w = explorerOf(m_window)->state()->result.stages.weights;
    QCOMPARE(w.rows(), 3);
    QCOMPARE(w.cols(), 4);
    for (int i = 0; i < 12; ++i)
        QVERIFY(std::abs(w(i / 4, i % 4) - expected[i].toDouble()) < 1e-12); // float64 both ways
    // A file of no known role is refused with a message naming it.
    QFile other(dir.filePath("weights.npy"));
    QVERIFY(QFile::copy(dir.filePath("q.npy"), other.fileName()));
    QVERIFY(!m_window->openTensorFiles({other.fileName()}, &error));
    QVERIFY2(error.contains("weights.npy"), qPrintable(error));
}

void TestExplorerWindow::opensFilesInTheRightTab()
{
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png"), &error), qPrintable(error));
    QCOMPARE(m_window->tabs()->currentIndex(), int(kImageTab));
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error), qPrintable(error));
    QCOMPARE(m_window->tabs()->currentIndex(), int(kAttentionTab));
    // The demo bundle has q, k and v: the explorer shows its last layer's stages, with its tokens.
    QVERIFY(waitForState());
    QCOMPARE(explorerOf(m_window)->state()->setup->queryTokens.front(), std::string("the"));
    QVERIFY(!m_window->openFile(QStringLiteral("/nonexistent/x.npz"), &error));
    QVERIFY2(error.contains("/nonexistent/x.npz"), qPrintable(error));
}

void TestExplorerWindow::bundleOverAnImage()
{
    // A bundle whose 1 + 3·4 keys are [CLS] and the patches of a 3 × 4 grid, with one hot patch.
    QTemporaryDir dir;
    QVERIFY(runPython("import numpy as np, sys\n"
                      "a = np.full((1, 1, 2, 13), 0.01, np.float32); a[0, 0, :, 1 + 6] = 0.88\n"
                      "np.savez(sys.argv[1] + '/b.npz', attentions=a, image_grid=np.array([3, 4]))\n",
                      {dir.path()}));
    QString error;
    QVERIFY2(m_window->openBundleWithImage(dir.filePath("b.npz"),
                                           QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/shapes.png"), &error),
             qPrintable(error));
    QCOMPARE(m_window->tabs()->currentIndex(), int(kImageTab));
    QVERIFY(!m_window->openBundleWithImage(dir.filePath("b.npz"), dir.filePath("missing.png"), &error));
    QVERIFY2(error.contains("missing.png"), qPrintable(error));
}

void TestExplorerWindow::exportsTabPictures()
{
    QTemporaryDir dir;
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error), qPrintable(error));
    QTRY_VERIFY(attentionOf(m_window)->result() != nullptr);
    // The grid of heads, in each format.
    // PNG at exactly the chosen size × scale, whatever the size on screen; SVG and PDF ignore both.
    QVERIFY2(attentionOf(m_window)->exportHeadGridPicture(dir.filePath("grid.png"), QSize(640, 360), 1.0, &error),
             qPrintable(error));
    const QImage grid(dir.filePath("grid.png"));
    QCOMPARE(grid.size(), QSize(640, 360));
    QVERIFY(distinctColours(grid) > 16); // the thumbnails are drawn, not only the background
    QVERIFY2(attentionOf(m_window)->exportHeadGridPicture(dir.filePath("grid2.png"), QSize(333, 201), 2.5, &error),
             qPrintable(error));
    QCOMPARE(QImage(dir.filePath("grid2.png")).size(), QSize(833, 503));
    QVERIFY(!attentionOf(m_window)->exportHeadGridPicture(dir.filePath("huge.png"), QSize(9000, 100), 1.0, &error));
    QVERIFY2(error.contains("9000"), qPrintable(error));
    QVERIFY(!QFile::exists(dir.filePath("huge.png")));
    QVERIFY2(attentionOf(m_window)->exportHeadGridPicture(dir.filePath("grid.svg"), QSize(), 1.0, &error), qPrintable(error));
    QFile svg(dir.filePath("grid.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray svgText = svg.readAll();
    QVERIFY(svgText.contains("<svg") && svgText.contains("L1 H1")); // labels stay text (the last layer's heads)
    QVERIFY2(attentionOf(m_window)->exportHeadGridPicture(dir.filePath("grid.pdf"), QSize(), 1.0, &error), qPrintable(error));
    QFile pdf(dir.filePath("grid.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(4) == "%PDF");
    // Every layer and head of the bundle: 2 layers × 4 heads, and the data is the bundle's.
    QVERIFY2(attentionOf(m_window)->exportBundleHeads(dir.filePath("."), &error), qPrintable(error));
    for (int l = 0; l < 2; ++l)
        for (int h = 0; h < 4; ++h)
            QVERIFY(QFile::exists(dir.filePath(QStringLiteral("layer_%1_head_%2.png").arg(l).arg(h))));
    auto exported = readNpy(dir.filePath("layer_1_head_3.npy").toStdString());
    QVERIFY(exported.ok());
    const auto *b = attentionOf(m_window)->bundle();
    QVERIFY((exported->template matrix<double>() - b->attentions.template matrix<double>(1 * 4 + 3)).cwiseAbs().maxCoeff() == 0.0);
    // Cancelled: nothing new is written.
    QTemporaryDir other;
    QVERIFY(!attentionOf(m_window)->exportBundleHeads(other.path(), &error, [](int done, int) { return done < 3; }));
    QCOMPARE(QDir(other.path()).entryList(QDir::Files).size(), 0);
    // The image overlay.
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/shapes.png"), &error), qPrintable(error));
    QTRY_VERIFY(imageOf(m_window)->state() != nullptr);
    QVERIFY2(imageOf(m_window)->exportPicture(dir.filePath("overlay.png"), QSize(500, 420), 1.0, &error),
             qPrintable(error));
    const QImage overlay(dir.filePath("overlay.png"));
    QCOMPARE(overlay.size(), QSize(500, 420));
    QVERIFY(distinctColours(overlay) > 16);
    QVERIFY2(imageOf(m_window)->exportPicture(dir.filePath("overlay2.png"), QSize(300, 200), 2.0, &error),
             qPrintable(error));
    QCOMPARE(QImage(dir.filePath("overlay2.png")).size(), QSize(600, 400));
    QVERIFY(!imageOf(m_window)->exportPicture(dir.filePath("overlay.gif"), QSize(300, 200), 1.0, &error));
    QVERIFY(!QFile::exists(dir.filePath("overlay.gif")));
}

void TestExplorerWindow::screenshotOption()
{
    QTemporaryDir dir;
    const QString png = dir.filePath("shot.png");
    QProcess p;
    // Its own settings: other tests running beside it change theirs (threads, budget, language).
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_CONFIG_HOME", dir.filePath("config"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope"),
            {"--text", QStringLiteral("猫 sat on the mat"), "--stage", "scores", "--screenshot", png});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QImage img(png);
    QVERIFY(!img.isNull());
    QVERIFY(img.width() > 600 && img.height() > 400);
}

void TestExplorerWindow::badArgumentsExitWithStatusTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("bad stage") << QStringList{"--stage", "nope", "--screenshot", "x.png"} << "--stage";
    QTest::newRow("missing file") << QStringList{"/nonexistent/file.npy", "--screenshot", "x.png"} << "/nonexistent/file.npy";
    QTest::newRow("unknown option") << QStringList{"--bogus"} << "bogus";
}

void TestExplorerWindow::badArgumentsExitWithStatusTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, fragment);
    QTemporaryDir dir;
    QProcess p;
    p.setWorkingDirectory(dir.path());
    p.start(QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope"), args);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    const QStringList errorLines = err.split('\n').filter(QRegularExpression("^error: "));
    QCOMPARE(errorLines.size(), 1);
    QVERIFY2(errorLines.first().contains(fragment), qPrintable(err));
    QVERIFY(!QFile::exists(dir.filePath("x.png")));
}

// ---- File → Export ----

void TestExplorerWindow::exportsPictures()
{
    explorerOf(m_window)->setSentence("the cat saw the dog");
    QVERIFY(waitForState());
    QTemporaryDir dir;
    QString error;
    QVERIFY2(m_window->exportPicture(dir.filePath("w.png"), QSize(400, 300), 2.0, &error), qPrintable(error));
    QCOMPARE(QImage(dir.filePath("w.png")).size(), QSize(800, 600));
    QVERIFY2(m_window->exportPicture(dir.filePath("w1.png"), QSize(321, 207), 1.0, &error), qPrintable(error));
    QCOMPARE(QImage(dir.filePath("w1.png")).size(), QSize(321, 207));

    QVERIFY2(m_window->exportPicture(dir.filePath("w.svg"), QSize(500, 400), 1.0, &error), qPrintable(error));
    QFile svg(dir.filePath("w.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&svg);
    bool tokenAsText = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("text") && xml.readElementText().contains("cat"))
            tokenAsText = true;
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(tokenAsText);

    QVERIFY2(m_window->exportPicture(dir.filePath("w.pdf"), QSize(500, 400), 1.0, &error), qPrintable(error));
    QFile pdf(dir.filePath("w.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(4) == "%PDF");

    QVERIFY(!m_window->exportPicture(dir.filePath("w.gif"), QSize(100, 100), 1.0, &error));
    QVERIFY(!QFile::exists(dir.filePath("w.gif")));

    QVERIFY(m_window->copyPicture());
    const QImage copied = QGuiApplication::clipboard()->image();
    QCOMPARE(copied.size(), explorerOf(m_window)->defaultPictureSize() * 2);
}

void TestExplorerWindow::exportsStageData()
{
    explorerOf(m_window)->setSentence("one two three four five");
    QVERIFY(waitForState());
    explorerOf(m_window)->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1); // causal: -inf when masked
    QVERIFY(waitForState());
    QTemporaryDir dir;
    QString error;
    for (Stage stage : {Stage::Weights, Stage::Masked, Stage::Output}) {
        explorerOf(m_window)->showStage(stage);
        const HeatmapView::Content &c = explorerOf(m_window)->heatmap(0)->content();
        const Mat<double> &shown = *c.values;
        const QString path = dir.filePath(QStringLiteral("s%1.csv").arg(int(stage)));
        QVERIFY2(explorerOf(m_window)->exportData(path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), int(shown.rows()) + 1);
        QCOMPARE(lines[0], QStringLiteral("query,") + c.colLabels.join(','));
        for (int i = 0; i < shown.rows(); ++i) {
            const QStringList cells = lines[i + 1].split(',');
            QCOMPARE(cells.size(), int(shown.cols()) + 1);
            QCOMPARE(cells[0], c.rowLabels[i]);
            for (int j = 0; j < shown.cols(); ++j) {
                const double want = shown(i, j);
                if (std::isinf(want)) {
                    QCOMPARE(cells[j + 1], QStringLiteral("-inf"));
                    continue;
                }
                bool ok = false;
                const double got = cells[j + 1].toDouble(&ok);
                QVERIFY2(ok, qPrintable(cells[j + 1]));
                QVERIFY2(std::abs(got - want) <= 1e-8 * std::max(1.0, std::abs(want)), qPrintable(cells[j + 1]));
            }
        }
        if (stage == Stage::Masked)
            QVERIFY(lines[1].endsWith(",-inf"));
    }
    // .npy holds the same matrix exactly.
    explorerOf(m_window)->showStage(Stage::Weights);
    QVERIFY(explorerOf(m_window)->exportData(dir.filePath("weights.npy"), &error));
    auto t = readNpy(dir.filePath("weights.npy").toStdString());
    QVERIFY(t.ok());
    QVERIFY(t->matrix<double>() == explorerOf(m_window)->state()->result.stages.weights);
    QVERIFY(!explorerOf(m_window)->exportData(dir.filePath("weights.txt"), &error));
}

void TestExplorerWindow::exportsEveryStage()
{
    explorerOf(m_window)->setSentence("the cat saw the dog");
    QVERIFY(waitForState());
    QTemporaryDir dir;
    QString error;
    QVERIFY2(explorerOf(m_window)->exportAllStages(dir.path(), &error), qPrintable(error));
    const QStringList names = {"q", "k", "v", "scores", "scaled", "masked", "weights", "output"};
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), names.size());
    for (const QString &n : names)
        QVERIFY2(QFile::exists(dir.filePath(n + ".npy")), qPrintable(n));
    const auto &s = *explorerOf(m_window)->state();
    auto w = readNpy(dir.filePath("weights.npy").toStdString());
    QVERIFY(w.ok());
    QCOMPARE(w->shape, (Shape{5, 5}));
    QVERIFY(w->matrix<double>() == s.result.stages.weights);
    auto q = readNpy(dir.filePath("q.npy").toStdString());
    QVERIFY(q.ok());
    QVERIFY(q->matrix<double>() == s.setup->inputs.q[std::size_t(s.result.head)]);
}

void TestExplorerWindow::exportsAllHeads()
{
    explorerOf(m_window)->setSentence("the cat saw the dog");
    QVERIFY(waitForState());
    const int heads = int(explorerOf(m_window)->state()->setup->inputs.q.size());
    QVERIFY(heads >= 2);
    QTemporaryDir dir;
    QString error;
    // Cancelled after the first head: nothing is written.
    QVERIFY(!explorerOf(m_window)->exportAllHeads(dir.path(), &error, [](int done, int) { return done < 1; }));
    QVERIFY(error.contains("cancel", Qt::CaseInsensitive));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());

    QList<int> calls;
    QVERIFY2(explorerOf(m_window)->exportAllHeads(dir.path(), &error, [&](int done, int total) {
        calls << done;
        return total == heads;
    }),
             qPrintable(error));
    QCOMPARE(calls.size(), heads + 1);
    QCOMPARE(QDir(dir.path()).entryList({"*.png"}, QDir::Files).size(), heads);
    for (int h = 0; h < heads; ++h) {
        QVERIFY(!QImage(dir.filePath(QStringLiteral("head_%1_weights.png").arg(h))).isNull());
        auto w = readNpy(dir.filePath(QStringLiteral("head_%1_weights.npy").arg(h)).toStdString());
        QVERIFY(w.ok());
        const ExplorerResult ref = reference("the cat saw the dog", [&] {
            ExplorerParams v = explorerOf(m_window)->controls()->values();
            v.head = h;
            return v;
        }(), Stage::Weights);
        QVERIFY((w->matrix<double>() - ref.stages.weights).cwiseAbs().maxCoeff() < 1e-12);
    }
}

void TestExplorerWindow::exportsStageFrames()
{
    explorerOf(m_window)->setSentence("a b c d");
    QVERIFY(waitForState());
    QTemporaryDir dir;
    QString error;
    QVERIFY2(explorerOf(m_window)->exportFrames(dir.path(), &error), qPrintable(error));
    const QStringList want = {"frame_01_inputs.png", "frame_02_qkv.png",     "frame_03_scores.png", "frame_04_scaled.png",
                              "frame_05_masked.png", "frame_06_weights.png", "frame_07_output.png"};
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files, QDir::Name), want);
    for (const QString &f : want)
        QCOMPARE(QImage(dir.filePath(f)).size(), explorerOf(m_window)->defaultPictureSize());
}

void TestExplorerWindow::exportIntoMissingFolderFails()
{
    explorerOf(m_window)->setSentence("a b c");
    QVERIFY(waitForState());
    QTemporaryDir dir;
    const QString missing = dir.filePath("missing");
    QString error;
    QVERIFY(!m_window->exportPicture(missing + "/x.png", QSize(300, 200), 2.0, &error));
    QVERIFY2(error.contains("missing"), qPrintable(error));
    error.clear();
    QVERIFY(!m_window->exportPicture(missing + "/x.svg", QSize(300, 200), 1.0, &error));
    QVERIFY(!error.isEmpty());
    error.clear();
    QVERIFY(!explorerOf(m_window)->exportData(missing + "/x.csv", &error));
    QVERIFY2(error.contains("missing"), qPrintable(error));
    for (const auto &run : std::vector<std::function<bool(QString *)>>{
             [&](QString *e) { return explorerOf(m_window)->exportAllStages(missing, e); },
             [&](QString *e) { return explorerOf(m_window)->exportAllHeads(missing, e); },
             [&](QString *e) { return explorerOf(m_window)->exportFrames(missing, e); }}) {
        error.clear();
        QVERIFY(!run(&error));
        QVERIFY2(error.contains("missing"), qPrintable(error));
    }
    QVERIFY(!QFileInfo::exists(missing));
    QVERIFY(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
}

QTEST_MAIN(TestExplorerWindow)
#include "tst_explorer_window.moc"
