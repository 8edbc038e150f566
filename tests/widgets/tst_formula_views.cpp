// The teaching views on their own, offscreen (widgets/formula_line.h, cell_numbers.h,
// heatmap_view.h, scale_comparison_view.h):
//  - formulaHighlight: each stage highlights its own part of the formula (data table written by
//    hand from the issue: Inputs X; Q, K, V the three; Scores QKᵀ; Scaled the Scale parameter;
//    Masked + M; Weights softmax(…); Output ·V), and the HTML carries exactly that highlight.
//  - numberTexts: 3 significant digits, at most 2 decimals, −∞ for masked cells.
//  - contrast: black on light colours, white on dark ones.
//  - numbersOnlyWhenLegible: a 4×4 matrix in a large view writes its numbers; a 200×200 one, or
//    the 4×4 one in a tiny view, or with the switch off, does not; the text colour is the
//    contrasting one, checked in the rendered pixels.
//  - fixedRange: a content with the fixed range shows exactly [0, 1] whatever its values.
//  - comparisonView: the three matrices, titles (σ) and entropy table equal compareScalings.

#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>

#include "cell_numbers.h"
#include "formula_line.h"
#include "heatmap_view.h"
#include "scale_comparison_view.h"

using namespace attnscope;

namespace {

HeatmapView::Content contentOf(const Mat<double> &m, bool numbers)
{
    HeatmapView::Content c;
    c.values = std::make_shared<const Mat<double>>(m);
    c.numbers = numbers;
    return c;
}

} // namespace

class TstFormulaViews : public QObject {
    Q_OBJECT
private slots:
    void formulaHighlight_data();
    void formulaHighlight();
    void numberTexts_data();
    void numberTexts();
    void contrast();
    void numbersOnlyWhenLegible();
    void fixedRange();
    void comparisonView();
};

void TstFormulaViews::formulaHighlight_data()
{
    QTest::addColumn<int>("stage");
    QTest::addColumn<int>("scale");
    QTest::addColumn<double>("temperature");
    QTest::addColumn<QString>("highlighted");
    QTest::addColumn<int>("pieces");
    using M = ScaleSpec::Mode;
    QTest::newRow("inputs") << int(Stage::Inputs) << int(M::Sqrt) << 1.0 << "X X X" << 3;
    QTest::newRow("qkv") << int(Stage::Qkv) << int(M::Sqrt) << 1.0 << "Q Kᵀ V Q K V" << 6;
    QTest::newRow("scores") << int(Stage::Scores) << int(M::Sqrt) << 1.0 << "QKᵀ" << 2;
    QTest::newRow("scaled sqrt") << int(Stage::Scaled) << int(M::Sqrt) << 1.0 << "/√d_k" << 1;
    QTest::newRow("scaled dim") << int(Stage::Scaled) << int(M::Dim) << 1.0 << "/d_k" << 1;
    QTest::newRow("scaled none") << int(Stage::Scaled) << int(M::None) << 1.0 << "·1" << 1;
    QTest::newRow("scaled tau") << int(Stage::Scaled) << int(M::Sqrt) << 2.0 << "/√d_k/τ" << 1;
    QTest::newRow("masked") << int(Stage::Masked) << int(M::Sqrt) << 1.0 << "+ M" << 1;
    QTest::newRow("weights") << int(Stage::Weights) << int(M::Sqrt) << 1.0 << "softmax()" << 2;
    QTest::newRow("output") << int(Stage::Output) << int(M::Sqrt) << 1.0 << "· V" << 2;
}

void TstFormulaViews::formulaHighlight()
{
    QFETCH(int, stage);
    QFETCH(int, scale);
    QFETCH(double, temperature);
    QFETCH(QString, highlighted);
    QFETCH(int, pieces);
    FormulaLine line;
    line.setScale(ScaleSpec{ScaleSpec::Mode(scale), 1.0}, temperature);
    line.setStage(Stage(stage));
    QCOMPARE(line.highlightedText(), highlighted);
    // The label shows it: one highlighted span per highlighted piece, none for the others.
    QCOMPARE(int(line.text().count(QStringLiteral("background-color:"))), pieces);
}

void TstFormulaViews::numberTexts_data()
{
    QTest::addColumn<double>("v");
    QTest::addColumn<bool>("masked");
    QTest::addColumn<QString>("text");
    QTest::newRow("weight") << 0.1234 << false << "0.12";
    QTest::newRow("one") << 1.234 << false << "1.23";
    QTest::newRow("tens") << 12.345 << false << "12.3";
    QTest::newRow("hundreds") << 123.45 << false << "123";
    QTest::newRow("negative") << -0.049 << false << "−0.05";
    QTest::newRow("tiny negative") << -0.001 << false << "0.00";
    QTest::newRow("masked") << -std::numeric_limits<double>::infinity() << true << "−∞";
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << false << "NaN";
}

void TstFormulaViews::numberTexts()
{
    QFETCH(double, v);
    QFETCH(bool, masked);
    QFETCH(QString, text);
    QCOMPARE(cellNumberText(v, masked), text);
}

void TstFormulaViews::contrast()
{
    QCOMPARE(contrastingTextColor(QColor(253, 231, 37)), QColor(Qt::black)); // viridis' yellow
    QCOMPARE(contrastingTextColor(QColor(68, 1, 84)), QColor(Qt::white));    // viridis' purple
    QCOMPARE(contrastingTextColor(QColor(150, 150, 150)), QColor(Qt::black)); // masked grey
}

void TstFormulaViews::numbersOnlyWhenLegible()
{
    HeatmapView view;
    view.resize(600, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    Mat<double> small(4, 4);
    small << 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1; // all dark but the last cell
    view.setContent(contentOf(small, true));
    QTRY_VERIFY(view.numbersDrawn());
    // In the pixels: white text in a dark (viridis purple) cell, black in the yellow one.
    const QImage img = view.plot()->toPixmap().toImage();
    // Anti-aliased glyphs: count pixels near white (every channel > 200) or near black (< 60).
    const auto countNear = [&img](const QPoint &centre, QRgb colour) {
        int n = 0;
        for (int dy = -8; dy <= 8; ++dy)
            for (int dx = -16; dx <= 16; ++dx) {
                const QColor c = img.pixelColor(centre + QPoint(dx, dy));
                n += colour == qRgb(255, 255, 255) ? (c.red() > 200 && c.green() > 200 && c.blue() > 200)
                                                   : (c.red() < 60 && c.green() < 60 && c.blue() < 60);
            }
        return n;
    };
    const QPoint dark = view.plot()->mapFrom(&view, view.cellCenter(0, 0)), light = view.plot()->mapFrom(&view, view.cellCenter(3, 3));
    QVERIFY2(countNear(dark, qRgb(255, 255, 255)) > 5, "white digits on the dark cell");
    QVERIFY2(countNear(light, qRgb(0, 0, 0)) > 5, "black digits on the yellow cell");
    QCOMPARE(countNear(dark, qRgb(0, 0, 0)), 0);

    HeatmapView::Content off = contentOf(small, false); // the switch off
    view.setContent(off);
    QVERIFY(!view.numbersDrawn());
    const QImage plain = view.plot()->toPixmap().toImage();
    int whites = 0;
    for (int dy = -8; dy <= 8; ++dy)
        for (int dx = -16; dx <= 16; ++dx) {
            const QColor c = plain.pixelColor(dark + QPoint(dx, dy));
            whites += c.red() > 200 && c.green() > 200 && c.blue() > 200;
        }
    QCOMPARE(whites, 0);

    view.setContent(contentOf(Mat<double>::Random(200, 200), true)); // cells of 2 pixels
    QVERIFY(!view.numbersDrawn());
    view.setContent(contentOf(small, true));
    view.resize(200, 160); // cells under 28 pixels wide
    QTRY_VERIFY(!view.numbersDrawn());
    view.resize(600, 500);
    QTRY_VERIFY(view.numbersDrawn());
    view.zoomBy(8); // zoomed out: the cells shrink below legibility
    QVERIFY(!view.numbersDrawn());
}

void TstFormulaViews::fixedRange()
{
    HeatmapView view;
    view.resize(400, 300);
    Mat<double> m(2, 2);
    m << 0.2, 0.3, 0.25, 0.4;
    HeatmapView::Content c = contentOf(m, false);
    view.setContent(c);
    QCOMPARE(view.colorRange(), std::make_pair(0.2, 0.4)); // per view: its own range
    c.fixedRange = std::make_pair(0.0, 1.0);
    view.setContent(c);
    QCOMPARE(view.colorRange(), std::make_pair(0.0, 1.0));
}

void TstFormulaViews::comparisonView()
{
    Mat<double> raw(2, 3);
    raw << 1, 2, 3, -1, 0, 4;
    BoolMat blocked = BoolMat::Constant(2, 3, false);
    blocked(0, 2) = true;
    const ScaleComparison c = compareScalings(raw, blocked, 4, 64);
    ScaleComparisonView view;
    view.resize(900, 500);
    view.setComparison(c, {"a", "b"}, {"x", "y", "z"});
    QCOMPARE(view.dk(), 64);
    QCOMPARE(view.dkSlider()->value(), 6);
    // Independently: at d_k 64 the scores grow ×4; under no scaling row 0 is softmax(4, 8, −∞).
    const double e = std::exp(-4.0);
    const double a0 = e / (1 + e);
    const Mat<double> &none = *view.heatmap(2)->content().values;
    QVERIFY(std::abs(none(0, 0) - a0) < 1e-12);
    QVERIFY(std::abs(none(0, 1) - (1 - a0)) < 1e-12);
    QCOMPARE(none(0, 2), 0.0);
    // 1/√64 undoes the growth: row 0 is softmax(0.5, 1) of the head's own 1/√4 scaling.
    const Mat<double> &sqrtW = *view.heatmap(0)->content().values;
    QVERIFY(std::abs(sqrtW(0, 1) - 1 / (1 + std::exp(-0.5))) < 1e-12);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(view.heatmap(i)->colorRange(), std::make_pair(0.0, 1.0));
        QVERIFY(view.heatmap(i)->content().title.contains(QString::number(c.variants[std::size_t(i)].scaledStd, 'g', 3)));
    }
    const double h = -(a0 * std::log2(a0) + (1 - a0) * std::log2(1 - a0));
    QCOMPARE(view.entropyTable()->item(0, 2)->text(), QString::number(h, 'f', 3));
    QCOMPARE(view.entropyTable()->rowCount(), 2);
    QSignalSpy asked(&view, &ScaleComparisonView::dkChanged);
    view.dkSlider()->setValue(10);
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.first().first().toInt(), 1024);
}

QTEST_MAIN(TstFormulaViews)
#include "tst_formula_views.moc"
