// HeatmapView and the screen-resolution reduction: a single strong cell must survive; special
// values (NaN, ±∞, masked) in their own colours and named; hover that follows the content; the
// keyboard cell cursor.
#include <QAction>
#include <QLineEdit>
#include <QVBoxLayout>
#include <QSignalSpy>
#include <QtTest>

#include <limits>

#include <qcustomplot.h>

#include "cell_values.h"
#include "colormap.h"
#include "heatmap_export.h"
#include "heatmap_view.h"
#include "matrix_reduce.h"

using namespace attnscope;

class TestHeatmapView : public QObject {
    Q_OBJECT
private slots:
    void reduceMaxKeepsHotCell_data();
    void reduceMaxKeepsHotCell();
    void reduceMeanAverages();
    void reduceSignedKeepsLargestMagnitude();
    void reduceIgnoresMaskedUnlessAllMasked();
    void viewReducesLargeMatrixAtScreenResolution();
    void hoverAndClickReportCells();
    void colormapsMatchMatplotlibEndpoints();
    void followsADarkPalette();
    void cellKindsAndNames_data();
    void cellKindsAndNames();
    void reduceCellKindsNeverHidesAnUnexpectedValue();
    void specialCellsHaveTheirOwnColours();
    void specialColoursDifferFromEveryColourMap();
    void hoverFollowsContentUnderAStillPointer();
    void hoverFollowsTheZoom();
    void arrowKeysMoveACellCursor();
    void cursorStartsAtTheSelectedCellAndStaysVisible();
    void keysTheViewDoesNotUseReachTheWindow();
};

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A view of `c` shown at w × h, laid out and drawn.
std::unique_ptr<HeatmapView> shownView(const HeatmapView::Content &c, int w = 500, int h = 400)
{
    auto view = std::make_unique<HeatmapView>();
    view->resize(w, h);
    view->show();
    if (!QTest::qWaitForWindowExposed(view.get()))
        return nullptr;
    view->setContent(c);
    return view;
}

} // namespace

void TestHeatmapView::reduceMaxKeepsHotCell_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("hotRow");
    QTest::addColumn<int>("hotCol");
    QTest::addColumn<int>("out");
    QTest::newRow("1000 into 100") << 1000 << 517 << 3 << 100;
    QTest::newRow("4096 into 300") << 4096 << 4095 << 4095 << 300;
    QTest::newRow("777 into 13 (uneven)") << 777 << 0 << 400 << 13;
}

void TestHeatmapView::reduceMaxKeepsHotCell()
{
    QFETCH(int, n);
    QFETCH(int, hotRow);
    QFETCH(int, hotCol);
    QFETCH(int, out);
    Mat<double> m = Mat<double>::Constant(n, n, 0.001);
    m(hotRow, hotCol) = 0.9;
    const Mat<double> r = reduceBlock(m, 0, n, 0, n, out, out, Reduction::Max);
    QCOMPARE(r.rows(), out);
    QCOMPARE(r.cols(), out);
    // The output cell covering the hot cell: rows [⌊i·n/out⌋, ⌊(i+1)·n/out⌋).
    int i = 0, j = 0;
    while (!((i * n) / out <= hotRow && hotRow < ((i + 1) * n) / out))
        ++i;
    while (!((j * n) / out <= hotCol && hotCol < ((j + 1) * n) / out))
        ++j;
    QCOMPARE(r(i, j), 0.9);
    QCOMPARE(r.maxCoeff(), 0.9);
    QCOMPARE(r.minCoeff(), 0.001);
}

void TestHeatmapView::reduceMeanAverages()
{
    Mat<double> m(4, 4);
    m << 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16;
    const Mat<double> r = reduceBlock(m, 0, 4, 0, 4, 2, 2, Reduction::Mean);
    // By hand: (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5, (9+10+13+14)/4 = 11.5, (11+12+15+16)/4 = 13.5
    QCOMPARE(r(0, 0), 3.5);
    QCOMPARE(r(0, 1), 5.5);
    QCOMPARE(r(1, 0), 11.5);
    QCOMPARE(r(1, 1), 13.5);
}

void TestHeatmapView::reduceSignedKeepsLargestMagnitude()
{
    Mat<double> m = Mat<double>::Constant(10, 10, 0.1);
    m(3, 3) = -5;
    const Mat<double> r = reduceBlock(m, 0, 10, 0, 10, 2, 2, Reduction::Max, true);
    QCOMPARE(r(0, 0), -5.0);
    QCOMPARE(r(1, 1), 0.1);
}

void TestHeatmapView::reduceIgnoresMaskedUnlessAllMasked()
{
    const double ninf = -std::numeric_limits<double>::infinity();
    Mat<double> m(2, 4);
    m << ninf, 0.5, ninf, ninf, ninf, 0.25, ninf, ninf;
    const Mat<double> r = reduceBlock(m, 0, 2, 0, 4, 1, 2, Reduction::Max);
    QCOMPARE(r(0, 0), 0.5);
    QVERIFY(std::isinf(r(0, 1)) && r(0, 1) < 0);
}

void TestHeatmapView::viewReducesLargeMatrixAtScreenResolution()
{
    HeatmapView view;
    view.resize(600, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto m = std::make_shared<Mat<double>>(Mat<double>::Zero(3000, 3000));
    (*m)(1234, 2345) = 1.0;
    HeatmapView::Content c;
    c.values = m;
    view.setContent(c);
    QTRY_VERIFY(view.displayedRows() > 0);
    QVERIFY2(view.displayedRows() < 3000 && view.displayedCols() < 3000, "a 3000² map must be reduced to pixels");
    double best = 0;
    for (int i = 0; i < view.displayedRows(); ++i)
        for (int j = 0; j < view.displayedCols(); ++j)
            best = std::max(best, view.displayedValue(i, j));
    QCOMPARE(best, 1.0);
}

void TestHeatmapView::hoverAndClickReportCells()
{
    HeatmapView view;
    view.resize(500, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto m = std::make_shared<Mat<double>>(Mat<double>::Random(4, 6));
    HeatmapView::Content c;
    c.values = m;
    c.rowLabels = {"a", "b", "c", "d"};
    view.setContent(c);
    QTRY_VERIFY(view.displayedRows() == 4);
    QSignalSpy clicked(&view, &HeatmapView::cellClicked);
    QSignalSpy hovered(&view, &HeatmapView::cellHovered);
    const QPoint p = view.cellCenter(2, 5);
    QCOMPARE(view.cellAt(p), QPoint(5, 2));
    QTest::mouseMove(view.plot(), view.plot()->mapFrom(&view, p));
    QTRY_VERIFY(!hovered.isEmpty());
    QCOMPARE(hovered.last().at(0).toInt(), 2);
    QCOMPARE(hovered.last().at(1).toInt(), 5);
    QTest::mouseClick(view.plot(), Qt::LeftButton, {}, view.plot()->mapFrom(&view, p));
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.first().at(0).toInt(), 2);
    QCOMPARE(clicked.first().at(1).toInt(), 5);
}

void TestHeatmapView::colormapsMatchMatplotlibEndpoints()
{
    // matplotlib's published first and last entries of viridis and magma, to 8 bits.
    QCOMPARE(QColor(Colormap::get(ColormapId::Viridis).at(0)).name(), QString("#440154"));
    QCOMPARE(QColor(Colormap::get(ColormapId::Viridis).at(1)).name(), QString("#fde725"));
    QCOMPARE(QColor(Colormap::get(ColormapId::Magma).at(0)).name(), QString("#000004"));
    QCOMPARE(QColor(Colormap::get(ColormapId::Magma).at(1)).name(), QString("#fcfdbf"));
    QCOMPARE(QColor(Colormap::get(ColormapId::Gray).at(0)).name(), QString("#000000"));
    QCOMPARE(QColor(Colormap::get(ColormapId::Gray).at(1)).name(), QString("#ffffff"));
}

void TestHeatmapView::followsADarkPalette()
{
    HeatmapView view;
    QPalette dark;
    dark.setColor(QPalette::Base, QColor(30, 30, 30));
    dark.setColor(QPalette::Window, QColor(40, 40, 40));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    view.setPalette(dark);
    QCOMPARE(view.plot()->xAxis->tickLabelColor(), QColor(230, 230, 230));
    QCOMPARE(view.plot()->xAxis->basePen().color(), QColor(230, 230, 230));
    view.resize(300, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto m = std::make_shared<Mat<double>>(Mat<double>::Identity(3, 3));
    HeatmapView::Content c;
    c.values = m;
    view.setContent(c);
    const QImage shot = view.grab().toImage();
    QCOMPARE(shot.pixelColor(2, 2), QColor(30, 30, 30)); // the corner is plot background, in the palette's base
}

void TestHeatmapView::cellKindsAndNames_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("masked");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("text");
    QTest::newRow("finite") << 0.25 << false << int(CellKind::Finite) << "0.25";
    QTest::newRow("finite, masked") << 0.0 << true << int(CellKind::Finite) << "0";
    QTest::newRow("NaN") << kNaN << false << int(CellKind::NaN) << "NaN";
    QTest::newRow("NaN, masked") << kNaN << true << int(CellKind::NaN) << "NaN";
    QTest::newRow("+inf") << kInf << false << int(CellKind::PosInf) << "+∞";
    QTest::newRow("-inf") << -kInf << false << int(CellKind::NegInf) << "−∞ (not masked)";
    QTest::newRow("-inf, masked") << -kInf << true << int(CellKind::Masked) << "masked (−∞)";
}

void TestHeatmapView::cellKindsAndNames()
{
    QFETCH(double, value);
    QFETCH(bool, masked);
    QFETCH(int, kind);
    QFETCH(QString, text);
    QCOMPARE(int(cellKind(value, masked)), kind);
    QCOMPARE(cellValueText(value, masked), text);
    // The content's helper knows the mask.
    HeatmapView::Content c;
    c.values = std::make_shared<const Mat<double>>(Mat<double>::Constant(1, 2, value));
    auto mask = std::make_shared<CellMask>(CellMask::Constant(1, 2, false));
    (*mask)(0, 1) = masked;
    c.masked = mask;
    QCOMPARE(c.valueText(0, 1), text);
    QCOMPARE(cellValueText(-0.5, false, 4, true), QString("-0.5"));
    QCOMPARE(cellValueText(0.5, false, 4, true), QString("+0.5"));
}

void TestHeatmapView::reduceCellKindsNeverHidesAnUnexpectedValue()
{
    // 2 × 8 reduced to 1 × 4: each output cell covers 2 × 2 cells.
    Mat<double> m = Mat<double>::Constant(2, 8, 0.5);
    CellMask mask = CellMask::Constant(2, 8, false);
    m(1, 1) = kNaN;                           // block 0: one NaN among values -> NaN
    m.block(0, 2, 2, 2).setConstant(-kInf);   // block 1: all masked -> Masked
    mask.block(0, 2, 2, 2).setConstant(true);
    m(0, 4) = -kInf;                          // block 2: masked and values -> a value (none)
    mask(0, 4) = true;
    m(0, 6) = -kInf;                          // block 3: -inf not masked beside +inf -> +inf wins
    m(1, 7) = kInf;
    const Mat<double> k = reduceCellKinds(m, &mask, 0, 2, 0, 8, 1, 4);
    QCOMPARE(k.rows(), 1);
    QCOMPARE(k.cols(), 4);
    QCOMPARE(k(0, 0), double(int(CellKind::NaN)));
    QCOMPARE(k(0, 1), double(int(CellKind::Masked)));
    QVERIFY(std::isnan(k(0, 2)));
    QCOMPARE(k(0, 3), double(int(CellKind::PosInf)));
    // Without a mask, -inf is unexpected wherever it is.
    const Mat<double> bare = reduceCellKinds(m, nullptr, 0, 2, 0, 8, 1, 4);
    QCOMPARE(bare(0, 1), double(int(CellKind::NegInf)));
    QCOMPARE(bare(0, 2), double(int(CellKind::NegInf)));
    // Unreduced: one output cell per cell.
    const Mat<double> full = reduceCellKinds(m, &mask, 0, 2, 0, 8, 2, 8);
    QCOMPARE(full(0, 6), double(int(CellKind::NegInf)));
    QVERIFY(std::isnan(full(0, 0)));
}

void TestHeatmapView::specialCellsHaveTheirOwnColours()
{
    // Row 0: finite, NaN, +inf, -inf (not masked); row 1: -inf masked, finite, finite, finite.
    auto m = std::make_shared<Mat<double>>(2, 4);
    *m << 0.1, kNaN, kInf, -kInf, -kInf, 0.9, 0.5, 0.3;
    auto mask = std::make_shared<CellMask>(CellMask::Constant(2, 4, false));
    (*mask)(1, 0) = true;
    HeatmapView::Content c;
    c.values = m;
    c.masked = mask;
    c.title = "special";
    auto view = shownView(c);
    QVERIFY(view);
    QTRY_COMPARE(view->displayedRows(), 2);
    QCOMPARE(view->displayedKind(0, 1), CellKind::NaN);
    QCOMPARE(view->displayedKind(1, 0), CellKind::Masked);
    QCOMPARE(view->specialKinds(), QList<CellKind>({CellKind::Masked, CellKind::NaN, CellKind::PosInf, CellKind::NegInf}));
    const QImage shot = view->grab().toImage();
    const auto colourAt = [&](int row, int col) { return shot.pixelColor(view->cellCenter(row, col) * shot.devicePixelRatio()); };
    QCOMPARE(colourAt(0, 1), QColor(255, 0, 255));   // NaN: magenta
    QCOMPARE(colourAt(0, 2), QColor(0, 255, 255));   // +inf: cyan
    QCOMPARE(colourAt(0, 3), QColor(0, 255, 0));     // -inf where nothing masks: green
    QCOMPARE(colourAt(1, 0), QColor(150, 150, 150)); // masked: grey
    QCOMPARE(colourAt(1, 1).rgb(), Colormap::get(ColormapId::Viridis).at(1.0)); // the largest finite value
    // The legend names the four, in the plot (so in exported pictures too).
    QCPLegend *legend = view->plot()->legend;
    QVERIFY(legend->visible());
    QCOMPARE(legend->itemCount(), 4);
    QStringList names;
    for (int i = 0; i < legend->itemCount(); ++i)
        names << qobject_cast<QCPPlottableLegendItem *>(legend->item(i))->plottable()->name();
    QCOMPARE(names, QStringList({"masked (−∞)", "NaN", "+∞", "−∞ (not masked)"}));
    QVERIFY(legend->outerRect().top() >= view->plot()->axisRect()->outerRect().bottom()); // under the plot

    // Exported pictures carry the legend (SVG keeps its names as text).
    auto svg = encodeHeatmap(c, ExportOptions{}, ExportFormat::Svg);
    QVERIFY(svg.ok());
    for (const char *name : {">NaN<", ">+∞<", ">−∞ (not masked)<", ">masked (−∞)<"})
        QVERIFY2(svg->contains(QByteArray(name)), name);

    // Hovering names the value; the same matrix without a mask has no masked cell.
    QSignalSpy hovered(view.get(), &HeatmapView::cellHovered);
    QTest::mouseMove(view->plot(), view->plot()->mapFrom(view.get(), view->cellCenter(1, 0)));
    QTRY_VERIFY(!hovered.isEmpty());
    QCOMPARE(view->content().valueText(hovered.last().at(0).toInt(), hovered.last().at(1).toInt()), QString("masked (−∞)"));
    c.masked.reset();
    view->setContent(c);
    QCOMPARE(view->displayedKind(1, 0), CellKind::NegInf);
    QCOMPARE(view->content().valueText(1, 0), QString("−∞ (not masked)"));
    // Only finite values: no legend, and the axis rect takes the room back.
    const int plotBottom = view->plot()->axisRect()->outerRect().bottom();
    c.values = std::make_shared<Mat<double>>(Mat<double>::Constant(2, 4, 0.5));
    view->setContent(c);
    view->plot()->replot();
    QVERIFY(!legend->visible());
    QVERIFY(view->specialKinds().isEmpty());
    QVERIFY(view->plot()->axisRect()->outerRect().bottom() > plotBottom);
}

void TestHeatmapView::specialColoursDifferFromEveryColourMap()
{
    const QList<CellKind> kinds = {CellKind::Masked, CellKind::NaN, CellKind::PosInf, CellKind::NegInf};
    for (CellKind k : kinds) {
        const QColor special = specialCellColor(k);
        for (CellKind other : kinds)
            QVERIFY(other == k || specialCellColor(other) != special);
        if (k == CellKind::Masked)
            continue; // the grey is the gray map's own middle: that map is the one exception
        for (ColormapId id : {ColormapId::Viridis, ColormapId::Magma, ColormapId::Gray, ColormapId::Coolwarm})
            for (QRgb c : Colormap::get(id).lut()) {
                const double d = std::hypot(qRed(c) - special.red(), qGreen(c) - special.green(), qBlue(c) - special.blue());
                QVERIFY2(d >= 140, qPrintable(QString("%1 is %2 from %3 of %4").arg(specialCellName(k)).arg(d)
                                                  .arg(QColor(c).name(), Colormap::name(id))));
            }
    }
}

void TestHeatmapView::hoverFollowsContentUnderAStillPointer()
{
    HeatmapView::Content c;
    c.values = std::make_shared<Mat<double>>(Mat<double>::Constant(4, 4, 0.378));
    auto view = shownView(c);
    QVERIFY(view);
    QTRY_COMPARE(view->displayedRows(), 4);
    QSignalSpy hovered(view.get(), &HeatmapView::cellHovered);
    const QPoint p = view->cellCenter(2, 3);
    QTest::mouseMove(view->plot(), view->plot()->mapFrom(view.get(), p));
    QTRY_COMPARE(hovered.size(), 1);
    QCOMPARE(hovered.last(), QVariantList({2, 3}));
    // New values of the same shape: the same cell is reported again, for its new value.
    c.values = std::make_shared<Mat<double>>(Mat<double>::Constant(4, 4, 0.2976));
    view->setContent(c);
    QCOMPARE(hovered.size(), 2);
    QCOMPARE(hovered.last(), QVariantList({2, 3}));
    // Another shape: the cell now under the pointer.
    c.values = std::make_shared<Mat<double>>(Mat<double>::Zero(8, 8));
    view->setContent(c);
    QCOMPARE(hovered.size(), 3);
    const QPoint now = view->cellAt(p);
    QVERIFY(now != QPoint(3, 2));
    QCOMPARE(hovered.last(), QVariantList({now.y(), now.x()}));
    // Nothing under the pointer any more: (-1, -1), once.
    view->clear();
    QCOMPARE(hovered.size(), 4);
    QCOMPARE(hovered.last(), QVariantList({-1, -1}));
    view->clear();
    QCOMPARE(hovered.size(), 4);
}

void TestHeatmapView::hoverFollowsTheZoom()
{
    HeatmapView::Content c;
    c.values = std::make_shared<Mat<double>>(Mat<double>::Random(10, 10));
    auto view = shownView(c);
    QVERIFY(view);
    QTRY_COMPARE(view->displayedRows(), 10);
    QSignalSpy hovered(view.get(), &HeatmapView::cellHovered);
    const QPoint p = view->cellCenter(1, 1);
    QTest::mouseMove(view->plot(), view->plot()->mapFrom(view.get(), p));
    QTRY_COMPARE(hovered.size(), 1);
    view->zoomBy(0.5); // about the centre: the pointer is now over another cell
    const QPoint now = view->cellAt(p);
    QVERIFY(now != QPoint(1, 1) && now.x() >= 0);
    QTRY_COMPARE(hovered.size(), 2);
    QCOMPARE(hovered.last(), QVariantList({now.y(), now.x()}));
}

void TestHeatmapView::arrowKeysMoveACellCursor()
{
    HeatmapView::Content c;
    c.values = std::make_shared<Mat<double>>(Mat<double>::Random(3, 4));
    auto view = shownView(c);
    QVERIFY(view);
    view->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(view.get()));
    QVERIFY(view->focusPolicy() & Qt::TabFocus);
    QSignalSpy hovered(view.get(), &HeatmapView::cellHovered);
    QSignalSpy clicked(view.get(), &HeatmapView::cellClicked);
    view->clearFocus(); // the window's activation may have focused it already
    view->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(view->hasFocus());
    QCOMPARE(view->cursorRow(), 0); // no selected cell: [0, 0]
    QCOMPARE(view->cursorCol(), 0);
    QCOMPARE(hovered.last(), QVariantList({0, 0})); // the status bar shows the cursor's cell
    const auto key = [&](Qt::Key k, Qt::KeyboardModifiers mods = {}) { QTest::keyClick(view.get(), k, mods); };
    key(Qt::Key_Right);
    key(Qt::Key_Right);
    key(Qt::Key_Down);
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(2, 1));
    QCOMPARE(hovered.last(), QVariantList({1, 2}));
    key(Qt::Key_End);
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(3, 1));
    key(Qt::Key_Right); // clamped at the last column
    key(Qt::Key_Down);
    key(Qt::Key_Down);
    key(Qt::Key_Down); // and at the last row
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(3, 2));
    key(Qt::Key_Home);
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(0, 2));
    key(Qt::Key_Left);
    key(Qt::Key_Up);
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(0, 1));
    key(Qt::Key_End, Qt::ControlModifier);
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(3, 2));
    key(Qt::Key_Home, Qt::ControlModifier);
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(0, 0));
    key(Qt::Key_Down);
    QVERIFY(clicked.isEmpty());
    key(Qt::Key_Return);
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.last(), QVariantList({1, 0}));
    key(Qt::Key_Right);
    key(Qt::Key_Enter, Qt::KeypadModifier);
    QCOMPARE(clicked.last(), QVariantList({1, 1}));
    // The cursor is drawn: a dashed outline, not the selected cell's solid white one.
    const QImage shot = view->grab().toImage();
    const QPoint corner = view->cellCenter(1, 1) + (view->cellCenter(2, 2) - view->cellCenter(1, 1)) / 2;
    bool black = false;
    for (int dx = -3; dx <= 3; ++dx)
        for (int dy = -3; dy <= 3; ++dy)
            black = black || shot.pixelColor((corner + QPoint(dx, dy)) * shot.devicePixelRatio()) == QColor(Qt::black);
    QVERIFY2(black, "the cursor's dashed outline at the cell's corner");
    // A click moves the cursor to the clicked cell.
    QTest::mouseClick(view->plot(), Qt::LeftButton, {}, view->plot()->mapFrom(view.get(), view->cellCenter(2, 3)));
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(3, 2));
    key(Qt::Key_Left);
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(2, 2));
}

void TestHeatmapView::cursorStartsAtTheSelectedCellAndStaysVisible()
{
    HeatmapView::Content c;
    c.values = std::make_shared<Mat<double>>(Mat<double>::Random(40, 40));
    auto view = shownView(c);
    QVERIFY(view);
    view->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(view.get()));
    view->setSelectedCell(5, 6);
    view->clearFocus();
    view->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(view->hasFocus());
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), QPoint(6, 5));
    view->resetView();
    view->zoomBy(0.2); // about the centre: cells 16..23 or so
    QVERIFY(view->plot()->xAxis->range().lower > 6);
    QTest::keyClick(view.get(), Qt::Key_Right);
    const QCPRange x = view->plot()->xAxis->range(), y = view->plot()->yAxis->range();
    QVERIFY2(x.contains(7) && y.contains(5), "the view pans to the cursor");
    QVERIFY(std::abs(x.size() - 8) < 0.5); // and keeps the zoom
    QTest::keyClick(view.get(), Qt::Key_End, Qt::ControlModifier);
    QVERIFY(view->plot()->xAxis->range().contains(39) && view->plot()->yAxis->range().contains(39));
}

void TestHeatmapView::keysTheViewDoesNotUseReachTheWindow()
{
    // A window with PageDown as a shortcut, and a line edit beside the view.
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    auto *view = new HeatmapView(&window);
    auto *edit = new QLineEdit(&window);
    layout->addWidget(view);
    layout->addWidget(edit);
    auto *next = new QAction(&window);
    next->setShortcut(Qt::Key_PageDown);
    window.addAction(next);
    QSignalSpy triggered(next, &QAction::triggered);
    window.resize(500, 500);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    HeatmapView::Content c;
    c.values = std::make_shared<Mat<double>>(Mat<double>::Random(3, 3));
    view->setContent(c);
    view->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(view->hasFocus());
    QTest::keyClick(view, Qt::Key_PageDown);
    QCOMPARE(triggered.size(), 1); // the window's shortcut, with the view focused
    // With the focus elsewhere, arrows belong to that widget: the cursor does not move.
    edit->setText("abc");
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    const QPoint before(view->cursorCol(), view->cursorRow());
    QTest::keyClick(edit, Qt::Key_Left);
    QTest::keyClick(edit, Qt::Key_Down);
    QCOMPARE(QPoint(view->cursorCol(), view->cursorRow()), before);
    QCOMPARE(edit->cursorPosition(), 2);
    QTest::keyClick(edit, Qt::Key_PageDown);
    QCOMPARE(triggered.size(), 2);
}

QTEST_MAIN(TestHeatmapView)
#include "tst_heatmap_view.moc"
