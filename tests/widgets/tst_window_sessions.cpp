// Sessions and inputs, through the window as a person uses it: a session saved and opened in a
// new window restores the same inputs, controls of every tab, selections and view; inputs that
// went missing are taken from the copies embedded in the session or refused by name; the tabs'
// own Open buttons and drops change what a session records.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include "attention_page.h"
#include "bundle.h"
#include "controls_panel.h"
#include "heatmap_view.h"
#include "image_page.h"
#include "main_window.h"
#include "session_file.h"
#include "settings.h"
#include "token_map_strip.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

class TestWindowSessions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void init();
    void sessionRoundTrip();
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

private:
    std::unique_ptr<MainWindow> m_window;
    bool waitForState() { return testsupport::waitForState(*m_window); }
};

void TestWindowSessions::init()
{
    m_window = freshWindow();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestWindowSessions::sessionRoundTrip()
{
    explorerOf(m_window)->setSentence(QStringLiteral("le chat 猫 dort"));
    QVERIFY(waitForState());
    explorerOf(m_window)->controls()->findChild<QSpinBox *>("heads")->setValue(3);
    explorerOf(m_window)->controls()->findChild<QSpinBox *>("head")->setValue(2);
    explorerOf(m_window)->controls()->findChild<QDoubleSpinBox *>("temperature")->setValue(0.5);
    explorerOf(m_window)->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1);
    QVERIFY(waitForState());
    explorerOf(m_window)->showStage(Stage::Scaled);
    explorerOf(m_window)->model()->selectQuery(2);
    QVERIFY(m_window->isModified());
    QTemporaryDir dir;
    const QString path = dir.filePath("my session.attnscope");
    QString error;
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    QVERIFY(!m_window->isModified());
    const SessionState saved = m_window->captureSession();
    const Mat<double> weights = explorerOf(m_window)->state()->result.stages.weights;

    MainWindow other;
    other.show();
    QSignalSpy shown(&other, &MainWindow::shown);
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QTRY_VERIFY(explorerOf(other)->state() && explorerOf(other)->state()->result.head == 2 && explorerOf(other)->state()->temperature == 0.5);
    SessionState restored = other.captureSession();
    for (const char *zoom : {"zoomX", "zoomY"}) // the zoom follows the window's size
        restored.pages["explorer"][zoom] = saved.pages.at("explorer").value(zoom);
    const QJsonObject &ex = restored.pages.at("explorer");
    QCOMPARE(ex.value("text").toString(), QStringLiteral("le chat 猫 dort"));
    QCOMPARE(ex.value("heads").toInt(), 3);
    QCOMPARE(ex.value("stage").toString(), QStringLiteral("scaled"));
    QCOMPARE(ex.value("selectedQuery").toInt(), 2);
    QVERIFY(restored == saved);
    QVERIFY((explorerOf(other)->state()->result.stages.weights - weights).cwiseAbs().maxCoeff() == 0.0);
    QVERIFY(!other.isModified());
}

void TestWindowSessions::sessionWithMissingInputsUsesEmbeddedCopies()
{
    QTemporaryDir inputs, sessions;
    QVERIFY(runPython("import numpy as np, sys\n"
                      "r = np.random.default_rng(1)\n"
                      "[np.save(sys.argv[1] + '/' + n + '.npy', r.standard_normal((5, 4))) for n in 'qkv']\n",
                      {inputs.path()}));
    QString error;
    QVERIFY2(m_window->openTensorFiles({inputs.filePath("q.npy"), inputs.filePath("k.npy"), inputs.filePath("v.npy")}, &error),
             qPrintable(error));
    QVERIFY(waitForState());
    const Mat<double> weights = explorerOf(m_window)->state()->result.stages.weights;
    const QString path = sessions.filePath("tensors.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    QVERIFY(inputs.remove()); // the inputs are gone; the session carries them

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QTRY_VERIFY(explorerOf(other)->state() != nullptr);
    QTRY_COMPARE(explorerOf(other)->state()->result.stages.weights.rows(), 5);
    QVERIFY((explorerOf(other)->state()->result.stages.weights - weights).cwiseAbs().maxCoeff() == 0.0);

    // A broken session file is refused with its name, and the window stays as it was.
    QFile broken(sessions.filePath("broken.attnscope"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"format\": \"something else\"}");
    broken.close();
    QVERIFY(!other.openSession(broken.fileName(), &error));
    QVERIFY2(error.contains("broken.attnscope"), qPrintable(error));
    QCOMPARE(explorerOf(other)->state()->result.stages.weights.rows(), 5);
}

void TestWindowSessions::sessionKeepsTheAttentionTabsControls()
{
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error),
             qPrintable(error));
    QTRY_VERIFY(attentionOf(m_window)->result() != nullptr);
    QTemporaryDir dir;
    const QString path = dir.filePath("attention.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    QVERIFY(!m_window->isModified());

    // Every control of the tab away from its default, through the widgets (2 layers × 4 heads).
    AttentionPage *page = attentionOf(m_window);
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
    AttentionPage *back = attentionOf(other);
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

void TestWindowSessions::sessionKeepsTheImageTabsControls()
{
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png"), &error),
             qPrintable(error));
    ImagePage *page = imageOf(m_window);
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
    ImagePage *back = imageOf(other);
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

void TestWindowSessions::sessionIgnoresUnknownAndInvalidPageSettings()
{
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error),
             qPrintable(error));
    QTRY_VERIFY(attentionOf(m_window)->result() != nullptr);
    // As a newer version or a text editor might leave it: only the valid normalisation applies.
    SessionState s = m_window->captureSession();
    s.pages["attention"]["layer"] = "banana";
    s.pages["attention"]["head"] = "99"; // the bundle has 4 heads
    s.pages["attention"]["mode"] = "median";
    s.pages["attention"]["discardRatio"] = "nan";
    s.pages["attention"]["hideSpecial"] = "yes";
    s.pages["attention"]["differenceSource"] = "second"; // no second input is open
    s.pages["attention"]["fromTheFuture"] = "42";
    s.pages["attention"]["normalization"] = "row";
    s.pages["image"]["mode"] = "bundle"; // only after a bundle over an image
    s.pages["image"]["opacity"] = "250";
    s.pages["image"]["patches"] = "1,x";
    s.pages["telemetry"]["enabled"] = "true";
    QTemporaryDir dir;
    const QString path = dir.filePath("edited.attnscope");
    QVERIFY(saveSession(s, path.toStdString()).ok());

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    AttentionPage *back = attentionOf(other);
    QTRY_VERIFY(back->result() != nullptr);
    QCOMPARE(back->findChild<QSpinBox *>("layerSpin")->value(), 1); // "banana": the last layer, as opened
    QCOMPARE(back->findChild<QSpinBox *>("headSpin")->value(), 0);
    QCOMPARE(back->findChild<QComboBox *>("modeCombo")->currentIndex(), 0);
    QCOMPARE(back->findChild<QDoubleSpinBox *>("discardSpin")->value(), 0.0);
    QVERIFY(!back->findChild<QCheckBox *>("hideCheck")->isChecked());
    QCOMPARE(back->findChild<QComboBox *>("diffSourceCombo")->currentIndex(), 0);
    QCOMPARE(back->findChild<QComboBox *>("normCombo")->currentIndex(), 1);
    QVERIFY(!back->settings().contains("attention.fromTheFuture"));
    QCOMPARE(imageOf(other)->mode(), ImagePage::Mode::Patches);
    QCOMPARE(imageOf(other)->findChild<QSlider *>("opacity")->value(), 50);
}

void TestWindowSessions::sessionKeepsTheBundleShownOverAnImage()
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
    ImagePage *page = imageOf(m_window);
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
    ImagePage *back = imageOf(other);
    QCOMPARE(back->mode(), ImagePage::Mode::Bundle);
    QCOMPARE(back->image(), page->image());
    QCOMPARE(back->grid().count(), 12);
    QCOMPARE(back->settings(), saved);
    QVERIFY(back->shownMap().size() == 12 && (back->shownMap() - page->shownMap()).cwiseAbs().maxCoeff() == 0.0);
    QCOMPARE(other.tabs()->currentIndex(), int(kImageTab));
    QVERIFY(!other.isModified());

    // Another input replaces the bundle: its picture is no longer part of the session.
    QVERIFY2(other.openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error),
             qPrintable(error));
    QCOMPARE(other.captureSession().inputs.size(), std::size_t(1));
}

void TestWindowSessions::sessionKeepsTheSecondInputOfTheDifference()
{
    // Gap 2: B from a second input was not saved. Both inputs are called attn.npz and both
    // folders are gone when the session is reopened: each embedded copy must keep its bytes.
    QTemporaryDir inputs, sessions;
    QString error;
    QVERIFY2(openDifference(*m_window, inputs.path(), &error), qPrintable(error));
    AttentionPage *page = attentionOf(m_window);
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
    AttentionPage *back = attentionOf(other);
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

void TestWindowSessions::sessionWithoutItsSecondInputIsRefusedByName()
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
    QVERIFY(!attentionOf(other)->hasBundle());
}

void TestWindowSessions::sessionWithAnUnreadableSecondInputOpensWithAWarning()
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
    QVERIFY(attentionOf(other)->result() != nullptr);
    const QString status = other.statusBar()->currentMessage();
    QVERIFY2(status.contains("The second input attn.npz cannot be opened"), qPrintable(status));
    QCOMPARE(attentionOf(other)->findChild<QComboBox *>("diffSourceCombo")->currentIndex(), 0);
    QVERIFY(attentionOf(other)->secondInputPath().isEmpty());
}

void TestWindowSessions::attentionTabsOpenButtonMakesTheBundleTheInput()
{
    // Bug: the tab's own Open button opened the bundle behind the window's back, so a session saved
    // afterwards restored the previous input, and the title, recent files and modified flag stayed.
    const QString demo = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz");
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png"), &error),
             qPrintable(error));
    auto *open = attentionOf(m_window)->findChild<QPushButton *>("attentionOpen");
    QVERIFY(open);
    QStringList asked; // the titles the button asked with, in place of a file dialog
    attentionOf(m_window)->setOpenPathChooser([&](QWidget *, const QString &title, const QString &) {
        asked << title;
        return demo;
    });
    QTest::mouseClick(open, Qt::LeftButton);
    QCOMPARE(asked, QStringList{"Open attention"});
    QVERIFY(attentionOf(m_window)->hasBundle());
    SessionState s = m_window->captureSession();
    QCOMPARE(s.inputKind, SessionState::InputKind::Bundle);
    QCOMPARE(s.inputs.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(s.inputs[0].absolutePath), demo);
    QVERIFY2(m_window->windowTitle().contains("demo_bundle.npz"), qPrintable(m_window->windowTitle()));
    QCOMPARE(Settings::value(Settings::Key::RecentFiles).toStringList().value(0), demo);
    QCOMPARE(m_window->tabs()->currentIndex(), int(kAttentionTab));
    // As File → Open does, the bundle's q, k and v become the explorer's stages.
    QTRY_VERIFY(explorerOf(m_window)->state() && explorerOf(m_window)->state()->setup->queryTokens.size() == 10 &&
                explorerOf(m_window)->state()->setup->queryTokens[1] == "quick");

    QTemporaryDir dir;
    const QString path = dir.filePath("opened in the tab.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    QTest::mouseClick(open, Qt::LeftButton);
    QVERIFY(m_window->isModified());

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QVERIFY(attentionOf(other)->hasBundle());
    QCOMPARE(other.tabs()->currentIndex(), int(kAttentionTab));
    s = other.captureSession();
    QCOMPARE(s.inputKind, SessionState::InputKind::Bundle);
    QCOMPARE(QString::fromStdString(s.inputs.at(0).absolutePath), demo);
}

void TestWindowSessions::imageTabsOpenButtonAndDropMakeTheImageTheInput()
{
    // Bug: an image dropped on the Image tab, or opened with its own button, was opened behind the
    // window's back: the session still named the bundle opened before. Now either does what File →
    // Open of an image does: the image becomes the input, in place of the bundle.
    const QString scene = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/scene.png");
    const QString shapes = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/shapes.png");
    QString error;
    QVERIFY2(m_window->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error),
             qPrintable(error));
    ImagePage *page = imageOf(m_window);
    QVERIFY(dropFile(page, scene));
    SessionState s = m_window->captureSession();
    QCOMPARE(s.inputKind, SessionState::InputKind::Image);
    QCOMPARE(s.inputs.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(s.inputs[0].absolutePath), scene);
    QVERIFY2(m_window->windowTitle().contains("scene.png"), qPrintable(m_window->windowTitle()));
    QCOMPARE(m_window->tabs()->currentIndex(), int(kImageTab));

    QTemporaryDir dir;
    const QString path = dir.filePath("image.attnscope");
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));
    int asked = 0; // in place of a file dialog
    page->setOpenPathChooser([&](QWidget *, const QString &, const QString &filter) {
        ++asked;
        return filter.contains("*.png") ? shapes : QString();
    });
    QTest::mouseClick(page->findChild<QPushButton *>("imageOpen"), Qt::LeftButton);
    QCOMPARE(asked, 1);
    QVERIFY(m_window->isModified());
    QCOMPARE(QString::fromStdString(m_window->captureSession().inputs.at(0).absolutePath), shapes);
    QCOMPARE(Settings::value(Settings::Key::RecentFiles).toStringList().value(0), shapes);
    QVERIFY2(m_window->saveSessionTo(path, &error), qPrintable(error));

    MainWindow other;
    other.show();
    QVERIFY2(other.openSession(path, &error), qPrintable(error));
    QCOMPARE(imageOf(other)->image(), page->image());
    QCOMPARE(other.tabs()->currentIndex(), int(kImageTab));
    QCOMPARE(other.captureSession().inputKind, SessionState::InputKind::Image);
}

void TestWindowSessions::sessionFromEmbeddedCopiesSavesTheOriginalPaths()
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
    QVERIFY2(attentionOf(m_window)->openSecondBundle(originals[2], &error), qPrintable(error));
    QList<QByteArray> bytes;
    for (const QString &original : originals)
        bytes << fileBytes(original);
    const QString first = sessions.filePath("first.attnscope"), second = sessions.filePath("second.attnscope");
    QVERIFY2(m_window->saveSessionTo(first, &error), qPrintable(error));
    QVERIFY(inputs.remove());

    MainWindow fromCopies;
    fromCopies.show();
    QVERIFY2(fromCopies.openSession(first, &error), qPrintable(error));
    QCOMPARE(imageOf(fromCopies)->mode(), ImagePage::Mode::Bundle);
    QVERIFY(!attentionOf(fromCopies)->secondInputPath().isEmpty());
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
    QCOMPARE(imageOf(back)->mode(), ImagePage::Mode::Bundle);
    QCOMPARE(attentionOf(back)->secondInputPath(), originals[2]);
    const SessionState again = back.captureSession();
    QCOMPARE(again.inputs.size(), std::size_t(3));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(QString::fromStdString(again.inputs[std::size_t(i)].absolutePath), originals[i]);
        QVERIFY(!again.inputs[std::size_t(i)].embedded); // a file on disk, not a copy standing for one
    }
}

void TestWindowSessions::sessionOpenedAfterAnotherKeepsNothingOfIt()
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
    QVERIFY(!attentionOf(window)->secondInputPath().isEmpty());
    QVERIFY2(window.openSession(without, &error), qPrintable(error));
    QVERIFY(attentionOf(window)->secondInputPath().isEmpty());
    QCOMPARE(attentionOf(window)->findChild<QComboBox *>("diffSourceCombo")->currentIndex(), 0);
    QCOMPARE(window.captureSession().inputs.size(), std::size_t(1));
    QVERIFY2(window.saveSessionTo(sessions.filePath("again.attnscope"), &error), qPrintable(error));

    const QStringList recent = Settings::value(Settings::Key::RecentFiles).toStringList();
    QCOMPARE(recent.value(0), QFileInfo(without).absoluteFilePath());
    QCOMPARE(recent.value(1), QFileInfo(withSecond).absoluteFilePath());
    for (const QString &entry : recent)
        QVERIFY2(QFileInfo::exists(entry), qPrintable(entry + " is in Recent files but does not exist"));
}

QTEST_MAIN(TestWindowSessions)
#include "tst_window_sessions.moc"
