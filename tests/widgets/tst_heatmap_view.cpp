// HeatmapView and the screen-resolution reduction: a single strong cell must survive.
#include <QSignalSpy>
#include <QtTest>

#include <qcustomplot.h>

#include "colormap.h"
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
};

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

QTEST_MAIN(TestHeatmapView)
#include "tst_heatmap_view.moc"
