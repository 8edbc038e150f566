// Presenter mode, the clicker's keys and Play (issue 14), on a screen of a given size: CTest runs
// this suite three times, offscreen with a screens config file of 1024×768, 1280×720 and
// 1920×1080 (ATTNSCOPE_TEST_SCREEN names the size expected; the suite fails when the platform did
// not give it). Geometry is checked against the screen; the partial sums of Play against
// Σ_{j<k} a_ij·v_j computed here from the state's A and V (tolerance 1e-12).

#include <QAbstractButton>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QScreen>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>

#include <cstdlib>

#include <numeric>

#include <qcustomplot.h>

#include "controls_panel.h"
#include "detail_panel.h"
#include "heatmap_view.h"
#include "stage_player.h"
#include "stage_stepper.h"
#include "token_strip.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

namespace {

const QString kSentence = QStringLiteral("The animal didn't cross the street because it was too tired .");

/// The part of `w` not cut off by its ancestors, in the window's coordinates, and the whole of it.
std::pair<QRect, QRect> shownPart(const QWidget *w)
{
    const QWidget *top = w->window();
    const QRect whole(w->mapTo(top, QPoint(0, 0)), w->size());
    QRect visible = whole;
    for (const QWidget *p = w->parentWidget(); p && p != top; p = p->parentWidget())
        visible &= QRect(p->mapTo(top, QPoint(0, 0)), p->size());
    return {visible & top->rect(), whole};
}

/// Whether `w` is shown whole: not cut by a scroll area, a splitter or the window's edge.
bool shownWhole(const QWidget *w)
{
    const auto [visible, whole] = shownPart(w);
    return w->isVisible() && visible == whole;
}

QString describe(const QWidget *w)
{
    const auto [visible, whole] = shownPart(w);
    QString s;
    QDebug(&s) << w->objectName() << w->metaObject()->className() << "whole" << whole << "visible" << visible;
    return s;
}

} // namespace

class TestPresenter : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup() { m_window.reset(); }
    void presenterModeFitsTheScreen();
    void everyStageButtonReadsWholeInPresenterMode();
    void leavingRestoresTheWindow();
    void pageDownStepsButNotInTextFields();
    void spacePlaysThroughTheStages();
    void playAddsTheOutputTermsOneByOne();
    void changingTheStageByHandStopsPlay();
    void blankScreenAndAnyKeyBack();

private:
    ExplorerPage *explorer() const { return explorerOf(m_window); }
    QSize m_screen;
    std::unique_ptr<MainWindow> m_window;
};

void TestPresenter::initTestCase()
{
    useTestIdentity();
    // A desktop's usual text (9 pt), whatever the offscreen platform's default: the factor and the
    // fit are then those of a real screen.
    QApplication::setFont(QFont(QStringLiteral("DejaVu Sans"), 9));
    const QString expected = qEnvironmentVariable("ATTNSCOPE_TEST_SCREEN", "1024x768");
    const QStringList wh = expected.split('x');
    QCOMPARE(wh.size(), 2);
    m_screen = QSize(wh[0].toInt(), wh[1].toInt());
    QVERIFY(QGuiApplication::primaryScreen());
    QCOMPARE(QGuiApplication::primaryScreen()->geometry().size(), m_screen); // the screens config file was read
    qInfo("screen %dx%d, %.0f dpi; text lines %d px", m_screen.width(), m_screen.height(),
          QGuiApplication::primaryScreen()->logicalDotsPerInchY(), QFontMetrics(QApplication::font()).height());
}

void TestPresenter::init()
{
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    explorer()->setSentence(kSentence);
    QVERIFY(waitForState(*m_window));
}

void TestPresenter::presenterModeFitsTheScreen()
{
    const double appPoints = QApplication::font().pointSizeF();
    const double explanationPoints = explorer()->findChild<QLabel *>("stageExplanation")->font().pointSizeF();
    const double tokenPoints = explorer()->tokenStrip()->font().pointSizeF();
    const double tickPoints = explorer()->heatmap(0)->plot()->xAxis->tickLabelFont().pointSizeF();
    m_window->setPresenterMode(true);
    QVERIFY(m_window->presenterMode());
    QTRY_VERIFY(m_window->isFullScreen());
    QTRY_COMPARE(m_window->geometry(), QGuiApplication::primaryScreen()->geometry());
    QTest::qWait(50); // the layout and the plots settle
    // Everything larger, in proportion.
    QVERIFY2(m_window->textScale() > 1.05, qPrintable(QString::number(m_window->textScale())));
    QVERIFY(QApplication::font().pointSizeF() > appPoints * 1.05);
    QVERIFY(explorer()->findChild<QLabel *>("stageExplanation")->font().pointSizeF() > explanationPoints * 1.05);
    QVERIFY(explorer()->tokenStrip()->font().pointSizeF() > tokenPoints * 1.05);
    QVERIFY(explorer()->modeLine()->font().pointSizeF() > appPoints * 1.05); // a label with a style sheet
    QTRY_VERIFY(explorer()->heatmap(0)->plot()->xAxis->tickLabelFont().pointSizeF() > tickPoints * 1.05);
    QVERIFY(m_window->highContrast());
    QCOMPARE(explorer()->heatmap(0)->outlineWidth(), 4.0);
    // The parameters go, the cell panel stays, whole, as do Next, the heatmap and its colour bar.
    QVERIFY(!m_window->findChild<QDockWidget *>("parametersDock")->isVisible());
    QVERIFY(m_window->findChild<QDockWidget *>("detailDock")->isVisible());
    QVERIFY(!m_window->findChild<QToolBar *>("mainToolBar")->isVisible());
    QVERIFY(m_window->findChild<QToolBar *>("presenterToolBar")->isVisible());
    const QRect screen(QPoint(0, 0), m_screen);
    const std::initializer_list<const QWidget *> whole = {
        explorer()->detailPanel(), explorer()->stepper()->findChild<QWidget *>("stageNext"),
        explorer()->stepper()->findChild<QWidget *>("stageBack"), explorer()->heatmap(0), explorer()->tokenStrip(),
        explorer()->findChild<QWidget *>("stageExplanation")};
    for (const QWidget *w : whole) {
        QVERIFY2(shownWhole(w), qPrintable(describe(w)));
        QVERIFY2(screen.contains(QRect(w->mapToGlobal(QPoint(0, 0)), w->size())), qPrintable(describe(w)));
    }
    // The colour bar, inside its plot and on the screen.
    QCustomPlot *plot = explorer()->heatmap(0)->plot();
    QCPColorScale *bar = nullptr;
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto *e = qobject_cast<QCPColorScale *>(plot->plotLayout()->elementAt(i)))
            bar = e;
    QVERIFY(bar);
    const QRect barRect = bar->outerRect();
    QVERIFY2(plot->rect().contains(barRect), qPrintable(QStringLiteral("%1 %2 in %3").arg(barRect.x()).arg(barRect.width()).arg(plot->width())));
    QVERIFY(screen.contains(QRect(plot->mapToGlobal(barRect.topLeft()), barRect.size())));
    QVERIFY(bar->axis()->tickLabelFont().pointSizeF() > tickPoints * 1.05);
    // The window's minimum fits the screen: nothing is pushed off it.
    QVERIFY(m_window->minimumSizeHint().width() <= m_screen.width());
    QVERIFY(m_window->minimumSizeHint().height() <= m_screen.height());
}

void TestPresenter::everyStageButtonReadsWholeInPresenterMode()
{
    m_window->setPresenterMode(true);
    QTRY_COMPARE(m_window->geometry(), QGuiApplication::primaryScreen()->geometry());
    QTest::qWait(50);
    StageStepper *stepper = explorer()->stepper();
    for (int s = 0; s < StageStepper::kCount; ++s) {
        explorer()->showStage(Stage(s));
        QTest::qWait(10);
        for (QToolButton *b : stepper->findChildren<QToolButton *>()) {
            QVERIFY2(shownWhole(b), qPrintable(describe(b)));
            // The text fits inside the button, with the style's padding.
            const int text = b->fontMetrics().horizontalAdvance(b->text());
            const int padding = b->sizeHint().width() - text;
            QVERIFY2(text <= b->width() - padding && text > 0,
                     qPrintable(QStringLiteral("%1: text %2 px, button %3 px, padding %4").arg(b->text()).arg(text).arg(b->width()).arg(padding)));
        }
    }
    qInfo("%dx%d: scale %.2f, stage labels %d (0 full … 3 numbers)", m_screen.width(), m_screen.height(), m_window->textScale(),
          int(stepper->labels()));
}

void TestPresenter::leavingRestoresTheWindow()
{
    m_window->resize(800, 600);
    QTest::qWait(20);
    const QSize before = m_window->size(); // 800 × 600, or wider when the docks' minimum needs it
    qInfo("window before presenter mode: %d x %d", before.width(), before.height());
    const double appPoints = QApplication::font().pointSizeF();
    const double tokenPoints = explorer()->tokenStrip()->font().pointSizeF();
    QVERIFY(!m_window->highContrast());
    QVERIFY(!m_window->viewOptions().fixedWeightScale); // a fresh window: each view its own range
    explorer()->showStage(Stage::Weights);
    QVERIFY(explorer()->heatmap()->colorRange() != std::make_pair(0.0, 1.0));
    QTest::keyClick(m_window.get(), Qt::Key_F5);
    QVERIFY(m_window->presenterMode());
    QTRY_VERIFY(m_window->isFullScreen());
    QVERIFY(m_window->viewOptions().fixedWeightScale); // weights on 0–1 while presenting
    QVERIFY(explorer()->heatmap()->colorRange() == std::make_pair(0.0, 1.0));
    QTest::keyClick(m_window.get(), Qt::Key_Escape);
    QVERIFY(!m_window->presenterMode());
    QTRY_VERIFY(!m_window->isFullScreen());
    QVERIFY(!m_window->viewOptions().fixedWeightScale);
    // The width exactly; the height within 3 %: the heatmap's key labels may come back turned
    // (they turn when the plot is narrow, as it was for a moment), which makes the plot's least
    // height grow by a line (seen: 8 px of 609 at 1920 × 1080).
    QTRY_COMPARE(m_window->width(), before.width());
    QTRY_VERIFY2(std::abs(m_window->height() - before.height()) <= before.height() * 3 / 100,
                 qPrintable(QStringLiteral("%1 against %2").arg(m_window->height()).arg(before.height())));
    QCOMPARE(QApplication::font().pointSizeF(), appPoints);
    QCOMPARE(explorer()->tokenStrip()->font().pointSizeF(), tokenPoints);
    QVERIFY(!m_window->highContrast());
    QCOMPARE(explorer()->heatmap(0)->outlineWidth(), 2.0);
    QTRY_VERIFY(m_window->findChild<QDockWidget *>("parametersDock")->isVisible());
    QVERIFY(m_window->findChild<QToolBar *>("mainToolBar")->isVisible());
    QVERIFY(!m_window->findChild<QToolBar *>("presenterToolBar")->isVisible());
}

void TestPresenter::pageDownStepsButNotInTextFields()
{
    explorer()->showStage(Stage::Inputs);
    explorer()->heatmap(0)->setFocus();
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_PageDown);
    QCOMPARE(explorer()->stage(), Stage::Qkv);
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_PageDown);
    QCOMPARE(explorer()->stage(), Stage::Scores);
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_PageUp);
    QCOMPARE(explorer()->stage(), Stage::Qkv);
    // In the sentence field: Page Down, Space, B and "." are the field's.
    QLineEdit *edit = explorer()->controls()->textEdit();
    edit->setFocus();
    edit->end(false);
    const QString before = edit->text();
    for (Qt::Key key : {Qt::Key_PageDown, Qt::Key_PageUp})
        QTest::keyClick(edit, key);
    QCOMPARE(explorer()->stage(), Stage::Qkv);
    QTest::keyClicks(edit, " b.");
    QCOMPARE(edit->text(), before + " b.");
    QVERIFY(!explorer()->isPlaying());
    QVERIFY(!m_window->isBlanked());
    QCOMPARE(explorer()->stage(), Stage::Qkv);
    // In a spin box of the parameters: Page Down is the spin box's.
    auto *spin = explorer()->controls()->findChild<QSpinBox *>();
    QVERIFY(spin);
    spin->setFocus();
    QTest::keyClick(spin, Qt::Key_PageDown);
    QTest::keyClick(spin, Qt::Key_B);
    QCOMPARE(explorer()->stage(), Stage::Qkv);
    QVERIFY(!m_window->isBlanked());
    // Back on the heatmap, the keys work again.
    explorer()->heatmap(0)->setFocus();
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_PageDown);
    QCOMPARE(explorer()->stage(), Stage::Scores);
}

void TestPresenter::spacePlaysThroughTheStages()
{
    explorer()->player()->setHoldMs(300);
    explorer()->showStage(Stage::Scores);
    explorer()->heatmap(0)->setFocus();
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_Space);
    QVERIFY(explorer()->isPlaying());
    QTRY_COMPARE_WITH_TIMEOUT(explorer()->stage(), Stage::Scaled, 2000);
    QTRY_COMPARE_WITH_TIMEOUT(explorer()->stage(), Stage::Masked, 2000);
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_Space); // pause
    QVERIFY(!explorer()->isPlaying());
    const Stage paused = explorer()->stage();
    QTest::qWait(200);
    QCOMPARE(explorer()->stage(), paused);
    explorer()->player()->setHoldMs(20);
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_Space); // on again, to the end
    QVERIFY(explorer()->isPlaying());
    QTRY_COMPARE_WITH_TIMEOUT(explorer()->stage(), Stage::Output, 3000);
    QTRY_VERIFY_WITH_TIMEOUT(!explorer()->isPlaying(), 5000); // the sum is done: Play stops
    QCOMPARE(explorer()->stage(), Stage::Output);
}

void TestPresenter::playAddsTheOutputTermsOneByOne()
{
    explorer()->model()->selectQuery(7); // "it"
    explorer()->player()->setHoldMs(20);
    explorer()->showStage(Stage::Weights);
    const auto state = explorer()->state();
    const Mat<double> &a = state->result.stages.weights;
    const Mat<double> &v = state->setup->inputs.v[std::size_t(state->result.stages.kvHead)];
    const Eigen::Index keys = a.cols();
    QCOMPARE(keys, 12);
    std::vector<int> seen;
    connect(explorer()->player(), &StagePlayer::sumChanged, this, [&] {
        const int terms = explorer()->player()->sumTerms();
        if (terms < 0)
            return;
        QCOMPARE(explorer()->player()->sumRow(), 7);
        // Σ_{j<terms} a_7j · v_j, summed here term by term from the state's A and V.
        std::vector<double> expected(std::size_t(v.cols()), 0.0);
        for (int j = 0; j < terms; ++j)
            for (Eigen::Index d = 0; d < v.cols(); ++d)
                expected[std::size_t(d)] += a(7, j) * v(j, d);
        const Mat<double> &shown = *explorer()->heatmap(0)->content().values;
        for (Eigen::Index d = 0; d < v.cols(); ++d)
            QVERIFY(std::abs(shown(7, d) - expected[std::size_t(d)]) < 1e-12);
        // The other rows are the output as computed.
        QVERIFY((shown.topRows(7) - state->result.stages.output.topRows(7)).cwiseAbs().maxCoeff() < 1e-15);
        QVERIFY2(explorer()->sumLine()->isVisible() && explorer()->sumLine()->text().contains(QStringLiteral("%1 of %2 terms").arg(terms).arg(keys)),
                 qPrintable(explorer()->sumLine()->text()));
        seen.push_back(terms);
    });
    explorer()->play();
    QTRY_VERIFY_WITH_TIMEOUT(!explorer()->isPlaying(), 5000);
    std::vector<int> all(std::size_t(keys) + 1);
    std::iota(all.begin(), all.end(), 0);
    QCOMPARE(seen, all); // 0, 1, …, 12 terms, one at a time
    // The whole sum is the output row the engine computed.
    const Mat<double> &shown = *explorer()->heatmap(0)->content().values;
    QVERIFY((shown.row(7) - state->result.stages.output.row(7)).cwiseAbs().maxCoeff() < 1e-12);
    QCOMPARE(explorer()->heatmap(0)->highlightedRow(), 7);
}

void TestPresenter::changingTheStageByHandStopsPlay()
{
    explorer()->player()->setHoldMs(10000);
    explorer()->showStage(Stage::Inputs);
    explorer()->play();
    QVERIFY(explorer()->isPlaying());
    QTest::mouseClick(explorer()->stepper()->findChild<QToolButton *>("stage_scores"), Qt::LeftButton);
    QCOMPARE(explorer()->stage(), Stage::Scores);
    QVERIFY(!explorer()->isPlaying());
    // And a new sentence stops it too, and lets the sum go.
    explorer()->player()->setHoldMs(10);
    explorer()->showStage(Stage::Output);
    explorer()->play();
    QTRY_VERIFY(explorer()->player()->sumTerms() >= 1);
    explorer()->setSentence("a new sentence");
    QVERIFY(!explorer()->isPlaying());
    QCOMPARE(explorer()->player()->sumRow(), -1);
    QVERIFY(waitForState(*m_window));
    QVERIFY(!explorer()->sumLine()->isVisible());
}

void TestPresenter::blankScreenAndAnyKeyBack()
{
    m_window->setPresenterMode(true);
    QTRY_VERIFY(m_window->isFullScreen());
    explorer()->showStage(Stage::Scores);
    explorer()->heatmap(0)->setFocus();
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_B);
    QVERIFY(m_window->isBlanked());
    QWidget *overlay = m_window->findChild<QWidget *>("blankOverlay");
    QVERIFY(overlay && overlay->isVisible());
    QCOMPARE(overlay->geometry(), m_window->rect());
    QCOMPARE(overlay->grab().toImage().pixelColor(overlay->width() / 2, overlay->height() / 2), QColor(Qt::black));
    // Any key brings the window back, and does nothing else: not even Page Down's step.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_PageDown);
    QVERIFY(!m_window->isBlanked());
    QCOMPARE(explorer()->stage(), Stage::Scores);
    explorer()->heatmap(0)->setFocus();
    QTest::keyClick(explorer()->heatmap(0), Qt::Key_Period);
    QVERIFY(m_window->isBlanked());
    QTest::mouseClick(overlay, Qt::LeftButton);
    QVERIFY(!m_window->isBlanked());
    QCOMPARE(explorer()->stage(), Stage::Scores);
}

QTEST_MAIN(TestPresenter)
#include "tst_presenter.moc"
