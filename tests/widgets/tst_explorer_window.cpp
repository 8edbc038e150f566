// The explorer window driven as a person would: typing, stepping with keys, clicking cells,
// changing controls; and the attnscope executable's command-line options.
#include <QCheckBox>
#include <QLineEdit>
#include <QSlider>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QMimeData>
#include <QPushButton>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>
#include <QClipboard>
#include <QXmlStreamReader>

#include <functional>

#include <qcustomplot.h>

#include "controls_panel.h"
#include "detail_panel.h"
#include "explorer.h"
#include "heatmap_view.h"
#include "main_window.h"
#include "npy.h"
#include "session_file.h"
#include "settings.h"
#include "attention_page.h"
#include "image_page.h"
#include "bundle.h"
#include <QTabWidget>
#include "stage_stepper.h"
#include "text.h"
#include "token_map_strip.h"
#include "token_strip.h"

using namespace attnscope;

namespace {

/// The window's default parameters computed directly by the engine, for comparison.
ExplorerResult reference(const QString &sentence, const ControlValues &v, Stage, ExplorerSetup *setupOut = nullptr)
{
    TextScenario s;
    s.tokens = tokenizeSentence(sentence);
    s.dModel = v.dModel;
    s.dHead = v.dHead;
    s.heads = v.heads;
    s.seed = v.seed;
    s.causal = v.maskMode == 1;
    auto setup = buildTextSetup(s);
    auto r = computeExplorerHead(*setup, v.head, ScaleSpec{}, v.temperature);
    if (setupOut)
        *setupOut = *setup;
    return r.value();
}

/// How many different colours a picture has: a drawn picture has many, an empty one a few.
int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

/// Runs a Python snippet (with numpy) given `args` as sys.argv[1:]; true when it succeeded.
bool runPython(const char *script, const QStringList &args)
{
    QProcess py;
    py.start("/usr/bin/python3", QStringList{"-c", QString::fromUtf8(script)} + args);
    return py.waitForFinished(30000) && py.exitStatus() == QProcess::NormalExit && py.exitCode() == 0;
}

/// The demo bundle as `<dir>/a/attn.npz`, and the same with other weights as `<dir>/b/attn.npz`.
bool writeTwoBundlesNamedAlike(const QString &dir)
{
    return runPython("import numpy as np, os, sys\n"
                     "d = dict(np.load(sys.argv[1]))\n"
                     "for sub in 'ab': os.makedirs(sys.argv[2] + '/' + sub)\n"
                     "np.savez(sys.argv[2] + '/a/attn.npz', **d)\n"
                     "a = d['attentions'][:, :, :, ::-1]\n"
                     "d['attentions'] = np.ascontiguousarray(a)\n"
                     "np.savez(sys.argv[2] + '/b/attn.npz', **d)\n",
                     {QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), dir});
}

/// Writes the two bundles (writeTwoBundlesNamedAlike) into `dir` and opens them in `window`:
/// a/attn.npz as the input, b/attn.npz as the second input of the difference.
bool openDifference(MainWindow &window, const QString &dir, QString *error)
{
    return writeTwoBundlesNamedAlike(dir) && window.openFile(dir + "/a/attn.npz", error) &&
           window.attentionPage()->openSecondBundle(dir + "/b/attn.npz", error);
}

/// While it lives, answers the file dialog the tabs' Open buttons show with `path`: checks every
/// 10 ms, for 3 s at most. Any other modal dialog (an error, or the file dialog's own "file not
/// found", which accept() opens and waits in) is closed, so that a test fails rather than hangs;
/// the timer keeps running inside such nested dialogs, and a file dialog still open after
/// accept() is answered again at the next check.
class FileDialogAnswerer : public QObject {
public:
    explicit FileDialogAnswerer(QString path) : m_path(std::move(path))
    {
        connect(&m_timer, &QTimer::timeout, this, &FileDialogAnswerer::check);
        m_timer.start(10);
    }

private:
    void check()
    {
        if (++m_checks > 300) {
            m_timer.stop();
            return;
        }
        QWidget *modal = QApplication::activeModalWidget();
        if (auto *dialog = qobject_cast<QFileDialog *>(modal)) {
            dialog->selectFile(m_path);
            static_cast<QDialog *>(dialog)->accept(); // QFileDialog::accept, protected there
            if (!dialog->isVisible())
                m_timer.stop(); // answered
        } else if (modal) {
            modal->close();
        }
    }

    QString m_path;
    QTimer m_timer;
    int m_checks = 0;
};

/// Drags the local file `path` onto `target` and drops it there, as from a file manager; whether
/// `target` took both the drag and the drop.
bool dropFile(QWidget *target, const QString &path)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return QDir().mkpath(QFileInfo(path).path()) && f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestExplorerWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void showsEngineWeights();
    void stepsWithKeysEvenFromTheTextField();
    void clickingACellExplainsIt();
    void selectingAQueryTintsTheSentence();
    void hoverShowsRowStatistics();
    void controlsRecompute();
    void undoRestoresParameters();
    void causalMaskZeroesTheUpperTriangle();
    void chineseIsOneTokenPerCharacter();
    void opensTensorFilesByRole();
    void opensFilesInTheRightTab();
    void sessionRoundTrip();
    void bundleOverAnImage();
    void exportsTabPictures();
    void sessionWithMissingInputsUsesEmbeddedCopies();
    void sessionKeepsTheAttentionTabsControls();
    void sessionKeepsTheImageTabsControls();
    void sessionIgnoresUnknownAndInvalidPageSettings();
    void sessionKeepsTheBundleShownOverAnImage();
    void sessionKeepsTheSecondInputOfTheDifference();
    void sessionWithoutItsSecondInputIsRefusedByName();
    void sessionWithAnUnreadableSecondInputOpensWithAWarning();
    void attentionTabsOpenButtonMakesTheBundleTheInput();
    void imageTabsOpenButtonAndDropMakeTheImageTheInput();
    void sessionFromEmbeddedCopiesSavesTheOriginalPaths();
    void sessionOpenedAfterAnotherKeepsNothingOfIt();
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
    bool waitForState();
};

void TestExplorerWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("AttnScopeTest");
    QCoreApplication::setApplicationName("AttnScopeTest");
}

void TestExplorerWindow::init()
{
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

bool TestExplorerWindow::waitForState()
{
    QSignalSpy spy(m_window.get(), &MainWindow::stateShown);
    return spy.wait(5000);
}

void TestExplorerWindow::showsEngineWeights()
{
    m_window->setSentence("the cat saw the dog");
    QVERIFY(waitForState());
    QCOMPARE(m_window->stage(), Stage::Weights); // the default stage
    const ExplorerResult ref = reference("the cat saw the dog", m_window->controls()->values(), Stage::Weights);
    const auto &shown = *m_window->heatmap(0)->content().values;
    QCOMPARE(shown.rows(), 5);
    QCOMPARE(shown.cols(), 5);
    QVERIFY((shown - ref.stages.weights).cwiseAbs().maxCoeff() < 1e-12);
    // Each row of the displayed weights sums to 1.
    for (int i = 0; i < 5; ++i)
        QVERIFY(std::abs(shown.row(i).sum() - 1.0) < 1e-9);
    QCOMPARE(m_window->heatmap(0)->content().rowLabels, QStringList({"the", "cat", "saw", "the", "dog"}));
}

void TestExplorerWindow::stepsWithKeysEvenFromTheTextField()
{
    m_window->setSentence("a b c");
    QVERIFY(waitForState());
    m_window->showStage(Stage::Inputs);
    m_window->controls()->textEdit()->setFocus();
    QTest::keyClick(m_window->controls()->textEdit(), Qt::Key_PageDown);
    QCOMPARE(m_window->stage(), Stage::Qkv);
    QCOMPARE(m_window->controls()->textEdit()->text(), QString("a b c")); // the field kept its text
    QTest::keyClick(m_window.get(), Qt::Key_Right, Qt::AltModifier);
    QCOMPARE(m_window->stage(), Stage::Scores);
    QVERIFY(m_window->heatmap(0)->isVisible());
    QVERIFY(!m_window->heatmap(1)->isVisible()); // one matrix at the scores stage
    QTest::keyClick(m_window.get(), Qt::Key_PageUp);
    QCOMPARE(m_window->stage(), Stage::Qkv);
    QVERIFY(m_window->heatmap(1)->isVisible() && m_window->heatmap(2)->isVisible()); // Q, K and V
    QTest::keyClick(m_window.get(), Qt::Key_7, Qt::ControlModifier);
    QCOMPARE(m_window->stage(), Stage::Output);
    // The stepper's Next button is disabled at the last stage and Back moves back.
    auto *back = m_window->stepper()->findChild<QWidget *>("stageBack");
    QTest::mouseClick(back, Qt::LeftButton);
    QCOMPARE(m_window->stage(), Stage::Weights);
}

void TestExplorerWindow::clickingACellExplainsIt()
{
    m_window->setSentence("one two three four");
    QVERIFY(waitForState());
    HeatmapView *view = m_window->heatmap(0);
    QTRY_VERIFY(view->displayedRows() == 4);
    const QPoint p = view->cellCenter(2, 1);
    QTest::mouseClick(view->plot(), Qt::LeftButton, {}, view->plot()->mapFrom(view, p));
    ExplorerSetup setup;
    const ExplorerResult ref = reference("one two three four", m_window->controls()->values(), Stage::Weights, &setup);
    const QString text = m_window->detailPanel()->toPlainText();
    QVERIFY2(text.contains("three") && text.contains("two"), qPrintable(text));
    // The raw score q·k as the engine has it, with 5 significant digits.
    const double raw = ref.stages.scoresRaw(2, 1);
    QVERIFY2(text.contains(QString::number(raw, 'g', 5).replace('-', QChar(0x2212))), qPrintable(text));
    QVERIFY2(text.contains(QString::number(ref.stages.weights(2, 1), 'g', 5)), qPrintable(text));
    QVERIFY(text.contains("Softmax"));
    QCOMPARE(m_window->selectedQuery(), 2);

    // The output stage explains the weighted sum of V rows.
    m_window->showStage(Stage::Output);
    QTRY_VERIFY(view->displayedRows() == 4);
    const QPoint q = view->cellCenter(0, 3);
    QTest::mouseClick(view->plot(), Qt::LeftButton, {}, view->plot()->mapFrom(view, q));
    const QString out = m_window->detailPanel()->toPlainText();
    QVERIFY2(out.contains(QString::number(ref.stages.output(0, 3), 'g', 5).replace('-', QChar(0x2212))) ||
                 std::abs(ref.stages.output(0, 3)) < 1e-300,
             qPrintable(out));
}

void TestExplorerWindow::selectingAQueryTintsTheSentence()
{
    m_window->setSentence("red green blue red");
    QVERIFY(waitForState());
    m_window->selectQuery(3);
    const auto &w = m_window->state()->result.stages.weights;
    int best = 0;
    w.row(3).maxCoeff(&best);
    const QColor top = m_window->tokenStrip()->tint(best);
    // The most attended key is drawn in the colour map's brightest colour (viridis: yellow).
    QCOMPARE(top.name(), QColor(Colormap::get(ColormapId::Viridis).at(1.0)).name());
    int worst = 0;
    w.row(3).minCoeff(&worst);
    QVERIFY(m_window->tokenStrip()->tint(worst) != top);
    QCOMPARE(m_window->heatmap(0)->highlightedRow(), 3);
}

void TestExplorerWindow::hoverShowsRowStatistics()
{
    m_window->setSentence("alpha beta gamma");
    QVERIFY(waitForState());
    HeatmapView *view = m_window->heatmap(0);
    QTRY_VERIFY(view->displayedRows() == 3);
    QTest::mouseMove(view->plot(), view->plot()->mapFrom(view, view->cellCenter(1, 2)));
    QTRY_VERIFY(m_window->statusBar()->currentMessage().contains("row sum"));
    const QString msg = m_window->statusBar()->currentMessage();
    QVERIFY2(msg.contains("beta") && msg.contains("gamma") && msg.contains("entropy") && msg.contains("top"), qPrintable(msg));
}

void TestExplorerWindow::controlsRecompute()
{
    m_window->setSentence("x y z x");
    QVERIFY(waitForState());
    const double before = m_window->state()->result.stages.weights.maxCoeff();
    auto *tau = m_window->controls()->findChild<QDoubleSpinBox *>("temperature");
    tau->setValue(0.2); // sharper
    QVERIFY(waitForState());
    QCOMPARE(m_window->state()->temperature, 0.2);
    QVERIFY(m_window->state()->result.stages.weights.maxCoeff() > before);
    auto *heads = m_window->controls()->findChild<QSpinBox *>("heads");
    heads->setValue(4);
    QVERIFY(waitForState());
    QCOMPARE(int(m_window->state()->setup->inputs.q.size()), 4);
    auto *scale = m_window->controls()->findChild<QComboBox *>("scale");
    scale->setCurrentIndex(1); // 1/d_k
    QVERIFY(waitForState());
    QCOMPARE(m_window->state()->scale.mode, ScaleSpec::Mode::Dim);
}

void TestExplorerWindow::undoRestoresParameters()
{
    m_window->setSentence("p q r");
    QVERIFY(waitForState());
    auto *heads = m_window->controls()->findChild<QSpinBox *>("heads");
    auto *seed = m_window->controls()->findChild<QSpinBox *>("seed");
    const int headsBefore = heads->value();
    heads->setValue(headsBefore + 2);
    seed->setValue(seed->value() + 5);
    QVERIFY(waitForState());
    QCOMPARE(m_window->undoStack()->count() >= 2, true);
    m_window->undoStack()->undo(); // the seed
    m_window->undoStack()->undo(); // the heads
    QCOMPARE(heads->value(), headsBefore);
    QVERIFY(waitForState());
    QCOMPARE(int(m_window->state()->setup->inputs.q.size()), headsBefore);
    m_window->undoStack()->redo();
    QCOMPARE(heads->value(), headsBefore + 2);
}

void TestExplorerWindow::causalMaskZeroesTheUpperTriangle()
{
    m_window->setSentence("one two three four five");
    QVERIFY(waitForState());
    m_window->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1);
    QVERIFY(waitForState());
    const auto &w = m_window->state()->result.stages.weights;
    for (int i = 0; i < 5; ++i)
        for (int j = i + 1; j < 5; ++j)
            QCOMPARE(w(i, j), 0.0);
    m_window->showStage(Stage::Masked);
    const auto &shown = *m_window->heatmap(0)->content().values;
    QVERIFY(std::isinf(shown(0, 4)) && shown(0, 4) < 0);
}

void TestExplorerWindow::chineseIsOneTokenPerCharacter()
{
    m_window->setSentence(QStringLiteral("我爱猫。"));
    QVERIFY(waitForState());
    QCOMPARE(m_window->heatmap(0)->content().rowLabels,
             QStringList({QStringLiteral("我"), QStringLiteral("爱"), QStringLiteral("猫"), QStringLiteral("。")}));
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
    const auto &w = m_window->state()->result.stages.weights;
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
    QCOMPARE(m_window->tabs()->currentIndex(), int(MainWindow::ImageTab));
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error), qPrintable(error));
    QCOMPARE(m_window->tabs()->currentIndex(), int(MainWindow::AttentionTab));
    // The demo bundle has q, k and v: the explorer shows its last layer's stages, with its tokens.
    QVERIFY(waitForState());
    QCOMPARE(m_window->state()->setup->queryTokens.front(), std::string("the"));
    QVERIFY(!m_window->openFile(QStringLiteral("/nonexistent/x.npz"), &error));
    QVERIFY2(error.contains("/nonexistent/x.npz"), qPrintable(error));
}

void TestExplorerWindow::bundleOverAnImage()
{
    // A bundle whose 1 + 3·4 keys are [CLS] and the patches of a 3 × 4 grid, with one hot patch.
    QTemporaryDir dir;
    QProcess py;
    py.start("/usr/bin/python3", {"-c",
                                  "import numpy as np, sys\n"
                                  "a = np.full((1, 1, 2, 13), 0.01, np.float32); a[0, 0, :, 1 + 6] = 0.88\n"
                                  "np.savez(sys.argv[1] + '/b.npz', attentions=a, image_grid=np.array([3, 4]))\n",
                                  dir.path()});
    QVERIFY(py.waitForFinished(30000));
    QCOMPARE(py.exitCode(), 0);
    QString error;
    QVERIFY2(m_window->openBundleWithImage(dir.filePath("b.npz"),
                                           QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/shapes.png"), &error),
             qPrintable(error));
    QCOMPARE(m_window->tabs()->currentIndex(), int(MainWindow::ImageTab));
    QVERIFY(!m_window->openBundleWithImage(dir.filePath("b.npz"), dir.filePath("missing.png"), &error));
    QVERIFY2(error.contains("missing.png"), qPrintable(error));
}

void TestExplorerWindow::exportsTabPictures()
{
    QTemporaryDir dir;
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error), qPrintable(error));
    QTRY_VERIFY(m_window->attentionPage()->result() != nullptr);
    // The grid of heads, in each format.
    // PNG at exactly the chosen size × scale, whatever the size on screen; SVG and PDF ignore both.
    QVERIFY2(m_window->exportHeadGridPicture(dir.filePath("grid.png"), QSize(640, 360), 1.0, &error),
             qPrintable(error));
    const QImage grid(dir.filePath("grid.png"));
    QCOMPARE(grid.size(), QSize(640, 360));
    QVERIFY(distinctColours(grid) > 16); // the thumbnails are drawn, not only the background
    QVERIFY2(m_window->exportHeadGridPicture(dir.filePath("grid2.png"), QSize(333, 201), 2.5, &error),
             qPrintable(error));
    QCOMPARE(QImage(dir.filePath("grid2.png")).size(), QSize(833, 503));
    QVERIFY(!m_window->exportHeadGridPicture(dir.filePath("huge.png"), QSize(9000, 100), 1.0, &error));
    QVERIFY2(error.contains("9000"), qPrintable(error));
    QVERIFY(!QFile::exists(dir.filePath("huge.png")));
    QVERIFY2(m_window->exportHeadGridPicture(dir.filePath("grid.svg"), QSize(), 1.0, &error), qPrintable(error));
    QFile svg(dir.filePath("grid.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray svgText = svg.readAll();
    QVERIFY(svgText.contains("<svg") && svgText.contains("L0 H1")); // labels stay text
    QVERIFY2(m_window->exportHeadGridPicture(dir.filePath("grid.pdf"), QSize(), 1.0, &error), qPrintable(error));
    QFile pdf(dir.filePath("grid.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(4) == "%PDF");
    // Every layer and head of the bundle: 2 layers × 4 heads, and the data is the bundle's.
    QVERIFY2(m_window->exportBundleHeads(dir.filePath("."), &error), qPrintable(error));
    for (int l = 0; l < 2; ++l)
        for (int h = 0; h < 4; ++h)
            QVERIFY(QFile::exists(dir.filePath(QStringLiteral("layer_%1_head_%2.png").arg(l).arg(h))));
    auto exported = readNpy(dir.filePath("layer_1_head_3.npy").toStdString());
    QVERIFY(exported.ok());
    const auto *b = m_window->attentionPage()->bundle();
    QVERIFY((exported->template matrix<double>() - b->attentions.template matrix<double>(1 * 4 + 3)).cwiseAbs().maxCoeff() == 0.0);
    // Cancelled: nothing new is written.
    QTemporaryDir other;
    QVERIFY(!m_window->exportBundleHeads(other.path(), &error, [](int done, int) { return done < 3; }));
    QCOMPARE(QDir(other.path()).entryList(QDir::Files).size(), 0);
    // The image overlay.
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/shapes.png"), &error), qPrintable(error));
    QTRY_VERIFY(m_window->imagePage()->state() != nullptr);
    QVERIFY2(m_window->exportOverlayPicture(dir.filePath("overlay.png"), QSize(500, 420), 1.0, &error),
             qPrintable(error));
    const QImage overlay(dir.filePath("overlay.png"));
    QCOMPARE(overlay.size(), QSize(500, 420));
    QVERIFY(distinctColours(overlay) > 16);
    QVERIFY2(m_window->exportOverlayPicture(dir.filePath("overlay2.png"), QSize(300, 200), 2.0, &error),
             qPrintable(error));
    QCOMPARE(QImage(dir.filePath("overlay2.png")).size(), QSize(600, 400));
    QVERIFY(!m_window->exportOverlayPicture(dir.filePath("overlay.gif"), QSize(300, 200), 1.0, &error));
    QVERIFY(!QFile::exists(dir.filePath("overlay.gif")));
}

void TestExplorerWindow::sessionRoundTrip()
{
    m_window->setSentence(QStringLiteral("le chat 猫 dort"));
    QVERIFY(waitForState());
    m_window->controls()->findChild<QSpinBox *>("heads")->setValue(3);
    m_window->controls()->findChild<QSpinBox *>("head")->setValue(2);
    m_window->controls()->findChild<QDoubleSpinBox *>("temperature")->setValue(0.5);
    m_window->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1);
    QVERIFY(waitForState());
    m_window->showStage(Stage::Scaled);
    m_window->selectQuery(2);
    QVERIFY(m_window->isModified());
    QTemporaryDir dir;
    const QString path = dir.filePath("my session.attnscope");
    QString error;
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    QVERIFY(!m_window->isModified());
    const SessionState saved = m_window->captureSession();
    const Mat<double> weights = m_window->state()->result.stages.weights;

    MainWindow other;
    other.show();
    QSignalSpy shown(&other, &MainWindow::stateShown);
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QTRY_VERIFY(other.state() && other.state()->result.head == 2 && other.state()->temperature == 0.5);
    SessionState restored = other.captureSession();
    restored.zoomX = saved.zoomX; // the zoom follows the window's size
    restored.zoomY = saved.zoomY;
    QCOMPARE(restored.text, saved.text);
    QCOMPARE(restored.heads, 3);
    QCOMPARE(restored.stage, Stage::Scaled);
    QCOMPARE(restored.selectedQuery, 2);
    QVERIFY(restored == saved);
    QVERIFY((other.state()->result.stages.weights - weights).cwiseAbs().maxCoeff() == 0.0);
    QVERIFY(!other.isModified());
}

void TestExplorerWindow::sessionWithMissingInputsUsesEmbeddedCopies()
{
    QTemporaryDir inputs, sessions;
    QProcess py;
    py.start("/usr/bin/python3", {"-c",
                                  "import numpy as np, sys\n"
                                  "r = np.random.default_rng(1)\n"
                                  "[np.save(sys.argv[1] + '/' + n + '.npy', r.standard_normal((5, 4))) for n in 'qkv']\n",
                                  inputs.path()});
    QVERIFY(py.waitForFinished(30000));
    QCOMPARE(py.exitCode(), 0);
    QString error;
    QVERIFY2(m_window->openTensorFiles({inputs.filePath("q.npy"), inputs.filePath("k.npy"), inputs.filePath("v.npy")}, &error),
             qPrintable(error));
    QVERIFY(waitForState());
    const Mat<double> weights = m_window->state()->result.stages.weights;
    const QString path = sessions.filePath("tensors.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    QVERIFY(inputs.remove()); // the inputs are gone; the session carries them

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QTRY_VERIFY(other.state() != nullptr);
    QTRY_COMPARE(other.state()->result.stages.weights.rows(), 5);
    QVERIFY((other.state()->result.stages.weights - weights).cwiseAbs().maxCoeff() == 0.0);

    // A broken session file is refused with its name, and the window stays as it was.
    QFile broken(sessions.filePath("broken.attnscope"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"format\": \"something else\"}");
    broken.close();
    QVERIFY(!other.openSession(broken.fileName(), &error));
    QVERIFY2(error.contains("broken.attnscope"), qPrintable(error));
    QCOMPARE(other.state()->result.stages.weights.rows(), 5);
}

void TestExplorerWindow::sessionKeepsTheAttentionTabsControls()
{
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error),
             qPrintable(error));
    QTRY_VERIFY(m_window->attentionPage()->result() != nullptr);
    QTemporaryDir dir;
    const QString path = dir.filePath("attention.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    QVERIFY(!m_window->isModified());

    // Every control of the tab away from its default, through the widgets (2 layers × 4 heads).
    AttentionPage *page = m_window->attentionPage();
    // Changing a control marks the window modified, as the explorer's controls do.
    page->findChild<QComboBox *>("modeCombo")->setCurrentIndex(4); // rollout
    QVERIFY(m_window->isModified());
    page->findChild<QSpinBox *>("layerSpin")->setValue(1);
    page->findChild<QSpinBox *>("headSpin")->setValue(2);
    page->findChild<QComboBox *>("rolloutFusionCombo")->setCurrentIndex(1);
    page->findChild<QDoubleSpinBox *>("discardSpin")->setValue(0.35);
    page->findChild<QLineEdit *>("specialsEdit")->setText("#0, #3");
    for (const char *name : {"hideCheck", "renormalizeCheck", "mergeCheck"}) {
        auto *box = page->findChild<QCheckBox *>(name);
        QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2)); // on the box, left of its label
        QVERIFY2(box->isChecked(), name);
    }
    page->findChild<QComboBox *>("normCombo")->setCurrentIndex(2); // each column
    page->findChild<QCheckBox *>("diffCheck")->setChecked(true);
    page->findChild<QSpinBox *>("diffLayerSpin")->setValue(0);
    page->findChild<QSpinBox *>("diffHeadSpin")->setValue(3);
    page->findChild<QComboBox *>("gridModeCombo")->setCurrentIndex(1);
    const PageSettings saved = page->settings();
    QCOMPARE(saved.value("attention.mode"), QStringLiteral("rollout"));
    QCOMPARE(saved.value("attention.discardRatio"), QStringLiteral("0.35"));
    QCOMPARE(saved.value("attention.normalization"), QStringLiteral("column"));
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    AttentionPage *back = other.attentionPage();
    QTRY_VERIFY(back->result() != nullptr);
    QCOMPARE(back->findChild<QComboBox *>("modeCombo")->currentIndex(), 4);
    QCOMPARE(back->findChild<QSpinBox *>("layerSpin")->value(), 1);
    QCOMPARE(back->findChild<QSpinBox *>("headSpin")->value(), 2);
    QCOMPARE(back->findChild<QComboBox *>("rolloutFusionCombo")->currentIndex(), 1);
    QCOMPARE(back->findChild<QDoubleSpinBox *>("discardSpin")->value(), 0.35);
    QCOMPARE(back->findChild<QLineEdit *>("specialsEdit")->text(), QStringLiteral("#0, #3"));
    for (const char *name : {"hideCheck", "renormalizeCheck", "mergeCheck", "diffCheck"})
        QVERIFY2(back->findChild<QCheckBox *>(name)->isChecked(), name);
    QCOMPARE(back->findChild<QComboBox *>("normCombo")->currentIndex(), 2);
    QCOMPARE(back->findChild<QSpinBox *>("diffLayerSpin")->value(), 0);
    QCOMPARE(back->findChild<QSpinBox *>("diffHeadSpin")->value(), 3);
    QCOMPARE(back->findChild<QComboBox *>("gridModeCombo")->currentIndex(), 1);
    QCOMPARE(back->settings(), saved);
    QCOMPARE(back->statusText(), page->statusText()); // the same view, described the same way
    QVERIFY(!other.isModified());
}

void TestExplorerWindow::sessionKeepsTheImageTabsControls()
{
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png"), &error),
             qPrintable(error));
    ImagePage *page = m_window->imagePage();
    QTRY_VERIFY(page->state() != nullptr);
    QTemporaryDir dir;
    const QString path = dir.filePath("image.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    page->findChild<QSpinBox *>("patchSize")->setValue(48);
    QVERIFY(m_window->isModified());
    page->findChild<QComboBox *>("mode")->setCurrentIndex(int(ImagePage::Mode::Prompt));
    page->findChild<QLineEdit *>("prompt")->setText("a red roof under a blue sky");
    page->findChild<QSpinBox *>("head")->setValue(2);
    page->findChild<QSpinBox *>("seed")->setValue(7);
    page->findChild<QComboBox *>("stage")->setCurrentIndex(0); // scores
    page->findChild<QSlider *>("opacity")->setValue(80);
    page->findChild<QComboBox *>("upsampling")->setCurrentIndex(1);
    page->findChild<QComboBox *>("colormap")->setCurrentIndex(1); // magma
    const std::vector<std::string> tokens = tokenizeSentence(QStringLiteral("a red roof under a blue sky"));
    QTRY_VERIFY_WITH_TIMEOUT(
        page->state() && page->state()->setup->queryTokens == tokens && page->state()->result.head == 2, 10000);
    QTest::mouseClick(page->tokenMaps()->thumbnail(2), Qt::LeftButton);
    QCOMPARE(page->tokenMaps()->current(), 2);
    const PageSettings saved = page->settings();
    QCOMPARE(saved.value("image.mode"), QStringLiteral("prompt"));
    QCOMPARE(saved.value("image.token"), QStringLiteral("2"));
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    ImagePage *back = other.imagePage();
    QTRY_VERIFY_WITH_TIMEOUT(back->state() && back->state()->setup->queryTokens == tokens, 10000);
    QCOMPARE(back->findChild<QSpinBox *>("patchSize")->value(), 48);
    QCOMPARE(back->mode(), ImagePage::Mode::Prompt);
    QCOMPARE(back->findChild<QLineEdit *>("prompt")->text(), QStringLiteral("a red roof under a blue sky"));
    QCOMPARE(back->findChild<QSpinBox *>("head")->value(), 2);
    QCOMPARE(back->findChild<QSpinBox *>("seed")->value(), 7);
    QCOMPARE(back->findChild<QComboBox *>("stage")->currentIndex(), 0);
    QCOMPARE(back->findChild<QSlider *>("opacity")->value(), 80);
    QCOMPARE(back->findChild<QComboBox *>("upsampling")->currentIndex(), 1);
    QCOMPARE(back->findChild<QComboBox *>("colormap")->currentIndex(), 1);
    QCOMPARE(back->tokenMaps()->current(), 2);
    QCOMPARE(back->settings(), saved);
    QVERIFY((back->shownMap() - page->shownMap()).cwiseAbs().maxCoeff() == 0.0); // the same map over the image
    QVERIFY(!other.isModified());
}

void TestExplorerWindow::sessionIgnoresUnknownAndInvalidPageSettings()
{
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error),
             qPrintable(error));
    QTRY_VERIFY(m_window->attentionPage()->result() != nullptr);
    // As a newer version or a text editor might leave it: only the valid normalisation applies.
    SessionState s = m_window->captureSession();
    s.pageSettings["attention.layer"] = "banana";
    s.pageSettings["attention.head"] = "99"; // the bundle has 4 heads
    s.pageSettings["attention.mode"] = "median";
    s.pageSettings["attention.discardRatio"] = "nan";
    s.pageSettings["attention.hideSpecial"] = "yes";
    s.pageSettings["attention.differenceSource"] = "second"; // no second input is open
    s.pageSettings["attention.fromTheFuture"] = "42";
    s.pageSettings["attention.normalization"] = "row";
    s.pageSettings["image.mode"] = "bundle"; // only after a bundle over an image
    s.pageSettings["image.opacity"] = "250";
    s.pageSettings["image.patches"] = "1,x";
    s.pageSettings["telemetry.enabled"] = "true";
    QTemporaryDir dir;
    const QString path = dir.filePath("edited.attnscope");
    QVERIFY(saveSession(s, path.toStdString()).ok());

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    AttentionPage *back = other.attentionPage();
    QTRY_VERIFY(back->result() != nullptr);
    QCOMPARE(back->findChild<QSpinBox *>("layerSpin")->value(), 0);
    QCOMPARE(back->findChild<QSpinBox *>("headSpin")->value(), 0);
    QCOMPARE(back->findChild<QComboBox *>("modeCombo")->currentIndex(), 0);
    QCOMPARE(back->findChild<QDoubleSpinBox *>("discardSpin")->value(), 0.0);
    QVERIFY(!back->findChild<QCheckBox *>("hideCheck")->isChecked());
    QCOMPARE(back->findChild<QComboBox *>("diffSourceCombo")->currentIndex(), 0);
    QCOMPARE(back->findChild<QComboBox *>("normCombo")->currentIndex(), 1);
    QVERIFY(!back->settings().contains("attention.fromTheFuture"));
    QCOMPARE(other.imagePage()->mode(), ImagePage::Mode::Patches);
    QCOMPARE(other.imagePage()->findChild<QSlider *>("opacity")->value(), 50);
}

void TestExplorerWindow::sessionKeepsTheBundleShownOverAnImage()
{
    // Gap 1: the picture a bundle is shown over was not saved, so image.mode = bundle was lost.
    // Keys and queries are [CLS] and the 3 × 4 patches of scene.png; 2 layers × 2 heads.
    QTemporaryDir dir;
    QVERIFY(runPython(
        "import numpy as np, sys\n"
        "a = np.random.default_rng(3).random((2, 2, 13, 13)).astype(np.float32)\n"
        "np.savez(sys.argv[1] + '/b.npz', attentions=a / a.sum(-1, keepdims=True), image_grid=np.array([3, 4]))\n",
        {dir.path()}));
    const QString scene = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png");
    QString error;
    QVERIFY2(m_window->openBundleWithImage(dir.filePath("b.npz"), scene, &error), qPrintable(error));
    ImagePage *page = m_window->imagePage();
    QCOMPARE(page->mode(), ImagePage::Mode::Bundle);
    page->findChild<QSpinBox *>("layer")->setValue(1);
    page->findChild<QSpinBox *>("head")->setValue(1);
    page->selectPatches({2, 7});
    const PageSettings saved = page->settings();
    QCOMPARE(saved.value("image.mode"), QStringLiteral("bundle"));
    const QString path = dir.filePath("overlay.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    const SessionState state = m_window->captureSession();
    QCOMPARE(state.inputs.size(), std::size_t(2));
    QCOMPARE(state.inputs[1].role, std::string(kSessionRoleOverlayImage));
    QCOMPARE(QString::fromStdString(state.inputs[1].absolutePath), scene);

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    ImagePage *back = other.imagePage();
    QCOMPARE(back->mode(), ImagePage::Mode::Bundle);
    QCOMPARE(back->image(), page->image());
    QCOMPARE(back->grid().count(), 12);
    QCOMPARE(back->settings(), saved);
    QVERIFY(back->shownMap().size() == 12 && (back->shownMap() - page->shownMap()).cwiseAbs().maxCoeff() == 0.0);
    QCOMPARE(other.tabs()->currentIndex(), int(MainWindow::ImageTab));
    QVERIFY(!other.isModified());

    // Another input replaces the bundle: its picture is no longer part of the session.
    QVERIFY2(other.openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error),
             qPrintable(error));
    QCOMPARE(other.captureSession().inputs.size(), std::size_t(1));
}

void TestExplorerWindow::sessionKeepsTheSecondInputOfTheDifference()
{
    // Gap 2: B from a second input was not saved. Both inputs are called attn.npz and both
    // folders are gone when the session is reopened: each embedded copy must keep its bytes.
    QTemporaryDir inputs, sessions;
    QString error;
    QVERIFY2(openDifference(*m_window, inputs.path(), &error), qPrintable(error));
    AttentionPage *page = m_window->attentionPage();
    page->findChild<QSpinBox *>("diffLayerSpin")->setValue(1);
    page->findChild<QSpinBox *>("headSpin")->setValue(2);
    page->findChild<QSpinBox *>("diffHeadSpin")->setValue(2);
    QVERIFY(page->result() && page->result()->diverging);
    const Mat<double> shown = page->result()->values;
    QVERIFY(shown.cwiseAbs().maxCoeff() > 0.01); // B differs from A's layer 1, head 2
    const QString path = sessions.filePath("difference.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    QVERIFY(inputs.remove());

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    AttentionPage *back = other.attentionPage();
    QVERIFY(back->result() != nullptr);
    QCOMPARE(back->findChild<QComboBox *>("diffSourceCombo")->currentIndex(), 1);
    QCOMPARE(back->findChild<QComboBox *>("diffSourceCombo")->currentText(), QStringLiteral("second input: attn.npz"));
    QCOMPARE(back->settings(), page->settings());
    QCOMPARE(back->statusText(), page->statusText());
    QCOMPARE((back->result()->values - shown).cwiseAbs().maxCoeff(), 0.0);
    QCOMPARE(QFileInfo(back->secondInputPath()).fileName(), QStringLiteral("attn.npz"));
    QVERIFY(!other.isModified());
    // Saved again, the window keeps both inputs with their roles.
    const SessionState again = other.captureSession();
    QCOMPARE(again.inputs.size(), std::size_t(2));
    QCOMPARE(again.inputs[1].role, std::string(kSessionRoleSecondInput));
}

void TestExplorerWindow::sessionWithoutItsSecondInputIsRefusedByName()
{
    // Not embedded and gone: the session is refused as for a missing primary input, naming the
    // file, and the window it was opened in is left as it was.
    QTemporaryDir inputs;
    QString error;
    QVERIFY2(openDifference(*m_window, inputs.path(), &error), qPrintable(error));
    const QString path = inputs.filePath("by reference.attnscope");
    QVERIFY(saveSession(m_window->captureSession(), path.toStdString()).ok()); // paths only
    QVERIFY(QFile::remove(inputs.filePath("b/attn.npz")));

    MainWindow other;
    other.show();
    QVERIFY(!other.openSession(path, &error));
    QVERIFY2(error.contains("the second input attn.npz is missing"), qPrintable(error));
    QVERIFY2(error.contains(inputs.filePath("b/attn.npz")), qPrintable(error));
    QVERIFY(!other.attentionPage()->hasBundle());
}

void TestExplorerWindow::sessionWithAnUnreadableSecondInputOpensWithAWarning()
{
    // Found but not a bundle: the primary input and the rest of the session open; the status bar
    // says why B is not the second input, and B falls back to this input.
    QTemporaryDir inputs;
    QString error;
    QVERIFY2(openDifference(*m_window, inputs.path(), &error), qPrintable(error));
    const QString path = inputs.filePath("by reference.attnscope");
    QVERIFY(saveSession(m_window->captureSession(), path.toStdString()).ok());
    QFile b(inputs.filePath("b/attn.npz"));
    QVERIFY(b.open(QIODevice::WriteOnly | QIODevice::Truncate));
    b.write("not a bundle");
    b.close();

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QVERIFY(other.attentionPage()->result() != nullptr);
    const QString status = other.statusBar()->currentMessage();
    QVERIFY2(status.contains("The second input attn.npz cannot be opened"), qPrintable(status));
    QCOMPARE(other.attentionPage()->findChild<QComboBox *>("diffSourceCombo")->currentIndex(), 0);
    QVERIFY(other.attentionPage()->secondInputPath().isEmpty());
}

void TestExplorerWindow::attentionTabsOpenButtonMakesTheBundleTheInput()
{
    // Bug: the tab's own Open button opened the bundle behind the window's back, so a session saved
    // afterwards restored the previous input, and the title, recent files and modified flag stayed.
    const QString demo = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz");
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png"), &error),
             qPrintable(error));
    auto *open = m_window->attentionPage()->findChild<QPushButton *>("attentionOpen");
    QVERIFY(open);
    {
        FileDialogAnswerer answer(demo);
        QTest::mouseClick(open, Qt::LeftButton);
    }
    QVERIFY(m_window->attentionPage()->hasBundle());
    SessionState s = m_window->captureSession();
    QCOMPARE(s.inputKind, SessionState::InputKind::Bundle);
    QCOMPARE(s.inputs.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(s.inputs[0].absolutePath), demo);
    QVERIFY2(m_window->windowTitle().contains("demo_bundle.npz"), qPrintable(m_window->windowTitle()));
    QCOMPARE(Settings::value(Settings::Key::RecentFiles).toStringList().value(0), demo);
    QCOMPARE(m_window->tabs()->currentIndex(), int(MainWindow::AttentionTab));
    // As File → Open does, the bundle's q, k and v become the explorer's stages.
    QTRY_VERIFY(m_window->state() && m_window->state()->setup->queryTokens.size() == 10 &&
                m_window->state()->setup->queryTokens[1] == "quick");

    QTemporaryDir dir;
    const QString path = dir.filePath("opened in the tab.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    {
        FileDialogAnswerer answer(demo);
        QTest::mouseClick(open, Qt::LeftButton);
    }
    QVERIFY(m_window->isModified());

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QVERIFY(other.attentionPage()->hasBundle());
    QCOMPARE(other.tabs()->currentIndex(), int(MainWindow::AttentionTab));
    s = other.captureSession();
    QCOMPARE(s.inputKind, SessionState::InputKind::Bundle);
    QCOMPARE(QString::fromStdString(s.inputs.at(0).absolutePath), demo);
}

void TestExplorerWindow::imageTabsOpenButtonAndDropMakeTheImageTheInput()
{
    // Bug: an image dropped on the Image tab, or opened with its own button, was opened behind the
    // window's back: the session still named the bundle opened before. Now either does what File →
    // Open of an image does: the image becomes the input, in place of the bundle.
    const QString scene = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png");
    const QString shapes = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/shapes.png");
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error),
             qPrintable(error));
    ImagePage *page = m_window->imagePage();
    QVERIFY(dropFile(page, scene));
    SessionState s = m_window->captureSession();
    QCOMPARE(s.inputKind, SessionState::InputKind::Image);
    QCOMPARE(s.inputs.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(s.inputs[0].absolutePath), scene);
    QVERIFY2(m_window->windowTitle().contains("scene.png"), qPrintable(m_window->windowTitle()));
    QCOMPARE(m_window->tabs()->currentIndex(), int(MainWindow::ImageTab));

    QTemporaryDir dir;
    const QString path = dir.filePath("image.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    {
        FileDialogAnswerer answer(shapes);
        QTest::mouseClick(page->findChild<QPushButton *>("imageOpen"), Qt::LeftButton);
    }
    QVERIFY(m_window->isModified());
    QCOMPARE(QString::fromStdString(m_window->captureSession().inputs.at(0).absolutePath), shapes);
    QCOMPARE(Settings::value(Settings::Key::RecentFiles).toStringList().value(0), shapes);
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QCOMPARE(other.imagePage()->image(), page->image());
    QCOMPARE(other.tabs()->currentIndex(), int(MainWindow::ImageTab));
    QCOMPARE(other.captureSession().inputKind, SessionState::InputKind::Image);
}

void TestExplorerWindow::sessionFromEmbeddedCopiesSavesTheOriginalPaths()
{
    // Bug: a session opened from its embedded copies (the files gone) and saved again named the
    // temporary copies, which vanish with the window, instead of the files. The bundle, the picture
    // it is shown over and the second input: each role is saved with its original path and bytes.
    QTemporaryDir inputs, sessions;
    QVERIFY(runPython("import numpy as np, os, sys\n"
                      "for sub, seed in (('a', 3), ('b', 4)):\n"
                      "    os.makedirs(sys.argv[1] + '/' + sub)\n"
                      "    a = np.random.default_rng(seed).random((2, 2, 13, 13)).astype(np.float32)\n"
                      "    np.savez(sys.argv[1] + '/' + sub + '/attn.npz', attentions=a / a.sum(-1, keepdims=True),\n"
                      "             image_grid=np.array([3, 4]))\n",
                      {inputs.path()}));
    const QStringList originals = {inputs.filePath("a/attn.npz"), inputs.filePath("scene.png"),
                                   inputs.filePath("b/attn.npz")};
    const std::vector<std::string> roles = {"", kSessionRoleOverlayImage, kSessionRoleSecondInput};
    QVERIFY(QFile::copy(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png"), originals[1]));
    QString error;
    QVERIFY2(m_window->openBundleWithImage(originals[0], originals[1], &error), qPrintable(error));
    QVERIFY2(m_window->attentionPage()->openSecondBundle(originals[2], &error), qPrintable(error));
    QList<QByteArray> bytes;
    for (const QString &original : originals)
        bytes << fileBytes(original);
    const QString first = sessions.filePath("first.attnscope"), second = sessions.filePath("second.attnscope");
    QVERIFY2(m_window->saveSessionTo(first, &error), qPrintable(error));
    QVERIFY(inputs.remove());

    MainWindow fromCopies;
    fromCopies.show();
    QVERIFY2(fromCopies.openSession(first, &error), qPrintable(error));
    QCOMPARE(fromCopies.imagePage()->mode(), ImagePage::Mode::Bundle);
    QVERIFY(!fromCopies.attentionPage()->secondInputPath().isEmpty());
    QVERIFY2(fromCopies.saveSessionTo(second, &error), qPrintable(error));
    auto saved = loadSession(second.toStdString());
    QVERIFY2(saved.ok(), saved.ok() ? "" : saved.error().message.c_str());
    QCOMPARE(saved->inputs.size(), std::size_t(3));
    for (int i = 0; i < 3; ++i) {
        const SessionInput &in = saved->inputs[std::size_t(i)];
        QCOMPARE(in.role, roles[std::size_t(i)]);
        QCOMPARE(QString::fromStdString(in.absolutePath), originals[i]);
        QCOMPARE(QString::fromStdString(in.relativePath), QDir(sessions.path()).relativeFilePath(originals[i]));
        QVERIFY(in.embedded);
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(in.embedded->data()), qsizetype(in.embedded->size())),
                 bytes[i]);
    }

    // The files are back: the second session opens them where they are, not its embedded copies.
    for (int i = 0; i < 3; ++i)
        QVERIFY(writeBytes(originals[i], bytes[i]));
    MainWindow back;
    back.show();
    QVERIFY2(back.openSession(second, &error), qPrintable(error));
    QCOMPARE(back.imagePage()->mode(), ImagePage::Mode::Bundle);
    QCOMPARE(back.attentionPage()->secondInputPath(), originals[2]);
    const SessionState again = back.captureSession();
    QCOMPARE(again.inputs.size(), std::size_t(3));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(QString::fromStdString(again.inputs[std::size_t(i)].absolutePath), originals[i]);
        QVERIFY(!again.inputs[std::size_t(i)].embedded); // a file on disk, not a copy standing for one
    }
}

void TestExplorerWindow::sessionOpenedAfterAnotherKeepsNothingOfIt()
{
    // Bugs: a session without a second input, opened after one with it, kept the earlier second
    // input (saved into the new session, from copies whose folder was gone); and a session's
    // inputs, temporary copies among them, went to Recent files instead of the session.
    QTemporaryDir inputs, sessions;
    QString error;
    QVERIFY2(openDifference(*m_window, inputs.path(), &error), qPrintable(error));
    const QString withSecond = sessions.filePath("with-second.attnscope");
    QVERIFY2(m_window->saveSessionTo(withSecond, &error), qPrintable(error));
    MainWindow plain;
    QVERIFY2(plain.openFile(inputs.filePath("a/attn.npz"), &error), qPrintable(error));
    const QString without = sessions.filePath("without.attnscope");
    QVERIFY2(plain.saveSessionTo(without, &error), qPrintable(error));
    QVERIFY(QDir(inputs.filePath("b")).removeRecursively()); // the second input lives on as a copy

    MainWindow window;
    window.show();
    QVERIFY2(window.openSession(withSecond, &error), qPrintable(error));
    QVERIFY(!window.attentionPage()->secondInputPath().isEmpty());
    QVERIFY2(window.openSession(without, &error), qPrintable(error));
    QVERIFY(window.attentionPage()->secondInputPath().isEmpty());
    QCOMPARE(window.attentionPage()->findChild<QComboBox *>("diffSourceCombo")->currentIndex(), 0);
    QCOMPARE(window.captureSession().inputs.size(), std::size_t(1));
    QVERIFY2(window.saveSessionTo(sessions.filePath("again.attnscope"), &error), qPrintable(error));

    const QStringList recent = Settings::value(Settings::Key::RecentFiles).toStringList();
    QCOMPARE(recent.value(0), QFileInfo(without).absoluteFilePath());
    QCOMPARE(recent.value(1), QFileInfo(withSecond).absoluteFilePath());
    for (const QString &entry : recent)
        QVERIFY2(QFileInfo::exists(entry), qPrintable(entry + " is in Recent files but does not exist"));
}

void TestExplorerWindow::screenshotOption()
{
    QTemporaryDir dir;
    const QString png = dir.filePath("shot.png");
    QProcess p;
    p.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    p.start(QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope"),
            {"--text", QStringLiteral("猫 sat on the mat"), "--stage", "scores", "--screenshot", png});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
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
    m_window->setSentence("the cat saw the dog");
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
    QCOMPARE(copied.size(), m_window->defaultPictureSize() * 2);
}

void TestExplorerWindow::exportsStageData()
{
    m_window->setSentence("one two three four five");
    QVERIFY(waitForState());
    m_window->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1); // causal: -inf when masked
    QVERIFY(waitForState());
    QTemporaryDir dir;
    QString error;
    for (Stage stage : {Stage::Weights, Stage::Masked, Stage::Output}) {
        m_window->showStage(stage);
        const HeatmapView::Content &c = m_window->heatmap(0)->content();
        const Mat<double> &shown = *c.values;
        const QString path = dir.filePath(QStringLiteral("s%1.csv").arg(int(stage)));
        QVERIFY2(m_window->exportStageData(path, &error), qPrintable(error));
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
    m_window->showStage(Stage::Weights);
    QVERIFY(m_window->exportStageData(dir.filePath("weights.npy"), &error));
    auto t = readNpy(dir.filePath("weights.npy").toStdString());
    QVERIFY(t.ok());
    QVERIFY(t->matrix<double>() == m_window->state()->result.stages.weights);
    QVERIFY(!m_window->exportStageData(dir.filePath("weights.txt"), &error));
}

void TestExplorerWindow::exportsEveryStage()
{
    m_window->setSentence("the cat saw the dog");
    QVERIFY(waitForState());
    QTemporaryDir dir;
    QString error;
    QVERIFY2(m_window->exportAllStages(dir.path(), &error), qPrintable(error));
    const QStringList names = {"q", "k", "v", "scores", "scaled", "masked", "weights", "output"};
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), names.size());
    for (const QString &n : names)
        QVERIFY2(QFile::exists(dir.filePath(n + ".npy")), qPrintable(n));
    const auto &s = *m_window->state();
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
    m_window->setSentence("the cat saw the dog");
    QVERIFY(waitForState());
    const int heads = int(m_window->state()->setup->inputs.q.size());
    QVERIFY(heads >= 2);
    QTemporaryDir dir;
    QString error;
    // Cancelled after the first head: nothing is written.
    QVERIFY(!m_window->exportAllHeads(dir.path(), &error, [](int done, int) { return done < 1; }));
    QVERIFY(error.contains("cancel", Qt::CaseInsensitive));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());

    QList<int> calls;
    QVERIFY2(m_window->exportAllHeads(dir.path(), &error, [&](int done, int total) {
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
            ControlValues v = m_window->controls()->values();
            v.head = h;
            return v;
        }(), Stage::Weights);
        QVERIFY((w->matrix<double>() - ref.stages.weights).cwiseAbs().maxCoeff() < 1e-12);
    }
}

void TestExplorerWindow::exportsStageFrames()
{
    m_window->setSentence("a b c d");
    QVERIFY(waitForState());
    QTemporaryDir dir;
    QString error;
    QVERIFY2(m_window->exportFrames(dir.path(), &error), qPrintable(error));
    const QStringList want = {"frame_01_inputs.png", "frame_02_qkv.png",     "frame_03_scores.png", "frame_04_scaled.png",
                              "frame_05_masked.png", "frame_06_weights.png", "frame_07_output.png"};
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files, QDir::Name), want);
    for (const QString &f : want)
        QCOMPARE(QImage(dir.filePath(f)).size(), m_window->defaultPictureSize());
}

void TestExplorerWindow::exportIntoMissingFolderFails()
{
    m_window->setSentence("a b c");
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
    QVERIFY(!m_window->exportStageData(missing + "/x.csv", &error));
    QVERIFY2(error.contains("missing"), qPrintable(error));
    for (const auto &run : std::vector<std::function<bool(QString *)>>{
             [&](QString *e) { return m_window->exportAllStages(missing, e); },
             [&](QString *e) { return m_window->exportAllHeads(missing, e); },
             [&](QString *e) { return m_window->exportFrames(missing, e); }}) {
        error.clear();
        QVERIFY(!run(&error));
        QVERIFY2(error.contains("missing"), qPrintable(error));
    }
    QVERIFY(!QFileInfo::exists(missing));
    QVERIFY(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
}

QTEST_MAIN(TestExplorerWindow)
#include "tst_explorer_window.moc"
