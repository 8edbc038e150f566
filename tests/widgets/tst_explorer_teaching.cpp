// The Explorer's teaching parts in the real window, offscreen:
//  - formulaFollowsStage: clicking through the stages (Page Down) moves the formula's highlight.
//  - cellPanelNumbers: the cell panel's formula line carries the state's own raw score, scaled
//    score and weight of the clicked cell.
//  - numbersSwitch: View → Numbers in cells is on by default, draws numbers in a small matrix,
//    is remembered in the settings, and turning it off removes them.
//  - fixedWeightScale: View → Weights colour scale → Fixed 0–1 makes the weights' colour range
//    exactly [0, 1] (per view it is the values' own), and the window's setter does the same.
//  - comparison: "Compare scalings" replaces the heatmaps; its matrices and entropies equal an
//    independent softmax of the state's raw scores (written out here); d_k follows the setter.
//  - frames: seven PNG frames, the Q, K, V frame with all three, later frames with Q, K and V
//    beside the stage's matrix, and the formula's highlight drawn on each.

#include <QAction>
#include <QDir>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>

#include "detail_panel.h"
#include "explain.h"
#include "explorer_page.h"
#include "formula_line.h"
#include "heatmap_view.h"
#include "main_window.h"
#include "scale_comparison_view.h"
#include "settings.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

class TstExplorerTeaching : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void init();
    void formulaFollowsStage();
    void cellPanelNumbers();
    void numbersSwitch();
    void fixedWeightScale();
    void comparison();
    void frames();

private:
    ExplorerPage *page() const { return explorerOf(m_window); }
    std::unique_ptr<MainWindow> m_window;
};

void TstExplorerTeaching::init()
{
    m_window = freshWindow();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    page()->setSentence("the cat sat");
    QVERIFY(waitForState(*m_window));
}

void TstExplorerTeaching::formulaFollowsStage()
{
    page()->showStage(Stage::Inputs);
    QCOMPARE(page()->formulaLine()->highlightedText(), QString("X X X"));
    const QString expected[] = {"Q Kᵀ V Q K V", "QKᵀ", "/√d_k", "+ M", "softmax()", "· V"};
    for (const QString &e : expected) {
        QTest::keyClick(m_window.get(), Qt::Key_PageDown);
        QCOMPARE(page()->formulaLine()->highlightedText(), e);
        QCOMPARE(page()->formulaLine()->stage(), page()->stage());
    }
}

void TstExplorerTeaching::cellPanelNumbers()
{
    page()->showStage(Stage::Weights);
    HeatmapView *map = page()->heatmap(0);
    QTRY_VERIFY(map->displayedRows() == 3);
    QTest::mouseClick(map->plot(), Qt::LeftButton, {}, map->plot()->mapFrom(map, map->cellCenter(2, 1)));
    const auto state = page()->state();
    const auto &r = state->result.stages;
    const QString text = page()->detailPanel()->toPlainText();
    const auto shown = [](double v) { return QString::number(v, 'g', 5).replace('-', QChar(0x2212)); };
    QVERIFY2(text.contains(QStringLiteral("s = q·k = %1; s / √16 = %2; + 0 (not masked) = %2").arg(shown(r.scoresRaw(2, 1)), shown(r.scoresScaled(2, 1)))),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("a = softmax(%1 / √16 + 0 (not masked)) = e").arg(shown(r.scoresRaw(2, 1)))), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(" = %1\n").arg(shown(r.weights(2, 1)))) || text.contains(QStringLiteral(" = %1").arg(shown(r.weights(2, 1)))),
             qPrintable(text));
    // The same line, built from the explanation, names exactly the state's weight.
    const CellExplanation e = explainCell(*state->setup, state->result.head, state->scale, state->temperature, Stage::Weights, 2, 1);
    QVERIFY(std::abs(e.weight - r.weights(2, 1)) < 1e-12);
    QVERIFY(DetailPanel::formulaHtml(e).contains(QStringLiteral("<b>%1</b>").arg(shown(r.weights(2, 1)))));
}

void TstExplorerTeaching::numbersSwitch()
{
    page()->showStage(Stage::Weights);
    auto *action = m_window->findChild<QAction *>("numbersInCellsAction");
    QVERIFY(action);
    QVERIFY(action->isChecked()); // on by default
    QTRY_VERIFY(page()->heatmap(0)->numbersDrawn());
    action->trigger();
    QVERIFY(!action->isChecked());
    QTRY_VERIFY(!page()->heatmap(0)->numbersDrawn());
    QVERIFY(!page()->heatmap(0)->content().numbers);
    m_window->close(); // saves the settings
    QCOMPARE(Settings::value(Settings::Key::NumbersInCells).toBool(), false);
    auto second = std::make_unique<MainWindow>();
    QVERIFY(!second->findChild<QAction *>("numbersInCellsAction")->isChecked());
    QVERIFY(!second->viewOptions().numbersInCells);
}

void TstExplorerTeaching::fixedWeightScale()
{
    page()->showStage(Stage::Weights);
    const auto own = page()->heatmap(0)->colorRange();
    const Mat<double> &w = page()->state()->result.stages.weights;
    QCOMPARE(own, std::make_pair(w.minCoeff(), w.maxCoeff()));
    auto *fixed = m_window->findChild<QAction *>("fixedWeightScaleAction");
    QVERIFY(fixed && !fixed->isChecked());
    fixed->trigger();
    QCOMPARE(page()->heatmap(0)->colorRange(), std::make_pair(0.0, 1.0));
    page()->showStage(Stage::Scores); // signed stages keep their symmetric range
    QVERIFY(page()->heatmap(0)->colorRange().first < 0);
    page()->showStage(Stage::Weights);
    m_window->setFixedWeightScale(false);
    QCOMPARE(page()->heatmap(0)->colorRange(), own);
    m_window->setFixedWeightScale(true);
    QVERIFY(fixed->isChecked());
    QCOMPARE(page()->heatmap(0)->colorRange(), std::make_pair(0.0, 1.0));
}

void TstExplorerTeaching::comparison()
{
    QVERIFY(!page()->comparisonView()->isVisible());
    QTest::mouseClick(page()->compareButton(), Qt::LeftButton);
    QVERIFY(page()->scaleComparisonShown());
    QVERIFY(page()->comparisonView()->isVisible());
    QVERIFY(!page()->heatmap(0)->isVisible());
    QCOMPARE(page()->comparisonView()->dk(), 16); // the head's own d_k
    page()->setComparisonDk(256);
    QCOMPARE(page()->comparisonView()->dk(), 256);
    // Independently: the raw scores × √(256/16) = 4, times 1/16, 1/256, 1; softmax per row.
    const Mat<double> &raw = page()->state()->result.stages.scoresRaw;
    const double factors[3] = {1.0 / 16, 1.0 / 256, 1.0};
    for (int v = 0; v < 3; ++v) {
        const Mat<double> &shown = *page()->comparisonView()->heatmap(v)->content().values;
        QCOMPARE(page()->comparisonView()->heatmap(v)->colorRange(), std::make_pair(0.0, 1.0));
        for (Eigen::Index i = 0; i < raw.rows(); ++i) {
            const Eigen::RowVectorXd s = raw.row(i) * 4 * factors[v];
            const Eigen::RowVectorXd e = (s.array() - s.maxCoeff()).exp();
            const Eigen::RowVectorXd a = e / e.sum();
            QVERIFY((shown.row(i) - a).cwiseAbs().maxCoeff() < 1e-12);
            double h = 0;
            for (Eigen::Index j = 0; j < a.size(); ++j)
                h -= a(j) > 0 ? a(j) * std::log2(a(j)) : 0;
            QCOMPARE(page()->comparisonView()->entropyTable()->item(int(i), v)->text(), QString::number(h, 'f', 3));
        }
    }
    if (const QString shots = qEnvironmentVariable("ATTNSCOPE_SHOT_DIR"); !shots.isEmpty()) // README pictures, looked at by hand
        m_window->grab().save(shots + "/explorer-compare-scalings.png");
    page()->showScaleComparison(false);
    QVERIFY(!page()->compareButton()->isChecked());
    QVERIFY(page()->heatmap(0)->isVisible());
}

void TstExplorerTeaching::frames()
{
    const auto titles = [this](Stage s) {
        QStringList t;
        for (const auto &c : page()->frameContents(s))
            t << c.title.section(',', 0, 0);
        return t;
    };
    QCOMPARE(titles(Stage::Qkv), QStringList({"Q", "K", "V"}));
    QCOMPARE(titles(Stage::Weights), QStringList({"Attention weights A", "Q", "K", "V"}));
    QTemporaryDir dir;
    QString error;
    QVERIFY2(page()->exportFrames(dir.path(), &error), qPrintable(error));
    const QStringList files = QDir(dir.path()).entryList(QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 7);
    for (const QString &f : files) {
        QImage img;
        QVERIFY2(img.load(dir.filePath(f), "PNG"), qPrintable(f));
        QCOMPARE(img.size(), page()->defaultPictureSize());
        // The formula's highlight (#ffd54f) is drawn in the band at the top.
        int highlight = 0;
        for (int y = 0; y < img.height() / 8; ++y)
            for (int x = 0; x < img.width(); ++x)
                highlight += img.pixel(x, y) == qRgb(0xff, 0xd5, 0x4f);
        QVERIFY2(highlight > 20, qPrintable(f));
        if (const QString shots = qEnvironmentVariable("ATTNSCOPE_SHOT_DIR"); !shots.isEmpty())
            img.save(shots + "/" + f);
    }
}

QTEST_MAIN(TstExplorerTeaching)
#include "tst_explorer_teaching.moc"
