// The window's Long input tab (issue 16) at T = 16,384, offscreen, against numpy
// (tests/fixtures/gen_long.py, float64 from the float32 inputs): the routing of long inputs (and
// of short ones, which stay in the Explorer), the first picture's bins, the key and entropy
// strips, the exact zoomed tile, the hovered cell's weight, the clicked cell's computation, the
// causal mask, log colours, exports, sessions, and the refusal when even the O(T) state does not
// fit. Tolerances: the tab computes in float32 like the command line's default, so weights are
// within 2e-5 of numpy relative to the weight (float32 scores of magnitude ≤ 40), column sums and
// entropies within 5e-6·max(1, |x|), as tst_cli_overview allows.
#include <QCheckBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <cmath>

#include "budget_guard.h"
#include "detail_panel.h"
#include "long_page.h"
#include "main_window.h"
#include "memory_budget.h"
#include "overview_view.h"
#include "tensor_file.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/long");

Mat<double> expected(const char *name)
{
    auto file = openTensorFile((kDir + "/expected.npz").toStdString());
    if (!file)
        qFatal("expected.npz: %s", file.error().message.c_str());
    auto t = (*file)->read(name);
    if (!t)
        qFatal("expected.npz:%s: %s", name, t.error().message.c_str());
    if (t->shape.size() == 1)
        t->shape = {1, t->shape[0]};
    return t->matrix<double>();
}

double worstRelative(const std::vector<double> &got, const Mat<double> &want)
{
    if (Eigen::Index(got.size()) != want.size())
        return 1e300;
    double worst = 0;
    for (Eigen::Index i = 0; i < want.size(); ++i)
        worst = std::max(worst, std::abs(got[std::size_t(i)] - want.data()[i]) / std::max(1.0, std::abs(want.data()[i])));
    return worst;
}

} // namespace

class TestLongPage : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_window.reset(); }
    void shortInputsStayInTheExplorer();
    void firstPictureAndStripsMatchNumpy();
    void zoomedTileHoverAndCellPanelAreExact();
    void causalAndLogColoursThenExportsAndSession();
    void refusedWhenEvenTheStreamedStateDoesNotFit();
    void bundleOpensWithItsQkNotItsWeights();

private:
    LongPage *page() const { return m_window->page<LongPage>(); }
    bool openLong(QString *error = nullptr);
    /// Waits until the page shows a result for its present parameters and view.
    bool settle();

    std::unique_ptr<MainWindow> m_window;
};

void TestLongPage::init()
{
    m_window = freshWindow();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

bool TestLongPage::openLong(QString *error)
{
    QString why;
    const bool ok = m_window->openTensorFiles({kDir + "/q.npy", kDir + "/k.npy"}, &why);
    if (error)
        *error = why;
    return ok && settle();
}

bool TestLongPage::settle()
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 60000) {
        if (page()->shownView() && !page()->busy() && page()->pictureIsCurrent())
            return true;
        QTest::qWait(20);
    }
    return false;
}

void TestLongPage::shortInputsStayInTheExplorer()
{
    // 64 tokens: the stored path (every stage) in the Explorer; the Long input tab stays empty.
    QTemporaryDir dir;
    QVERIFY(runPython("import numpy as np, sys, os\n"
                      "r = np.random.default_rng(1)\n"
                      "for n in 'qkv': np.save(os.path.join(sys.argv[1], n + '.npy'), r.standard_normal((64, 8)).astype(np.float32))\n",
                      {dir.path()}));
    QVERIFY(!LongPage::takes({dir.filePath("q.npy"), dir.filePath("k.npy"), dir.filePath("v.npy")}));
    QVERIFY(LongPage::takes({kDir + "/q.npy", kDir + "/k.npy"}));
    QString error;
    QVERIFY2(m_window->openTensorFiles({dir.filePath("q.npy"), dir.filePath("k.npy"), dir.filePath("v.npy")}, &error),
             qPrintable(error));
    QVERIFY(m_window->currentPage() != page());
    QVERIFY(!page()->input());
    // The long one opens in its own tab, and a short one afterwards takes the window back.
    QVERIFY2(openLong(&error), qPrintable(error));
    QCOMPARE(m_window->currentPage(), page());
    QVERIFY2(m_window->openTensorFiles({dir.filePath("q.npy"), dir.filePath("k.npy"), dir.filePath("v.npy")}, &error),
             qPrintable(error));
    QVERIFY(m_window->currentPage() != page());
    QVERIFY(!page()->input()); // followInput let go of the long input
}

void TestLongPage::firstPictureAndStripsMatchNumpy()
{
    const std::uint64_t heapBefore = heapInUse();
    QString error;
    QVERIFY2(openLong(&error), qPrintable(error));
    QCOMPARE(m_window->currentPage(), page());
    const auto view = page()->shownView();
    QCOMPARE(view->input->queries(), std::int64_t(16384));
    // Nothing of size T × T is held: one float32 matrix alone would be 1 GiB.
    QVERIFY2(heapInUse() < heapBefore + (400ull << 20),
             qPrintable(QString("heap grew by %1 MiB").arg((heapInUse() - heapBefore) >> 20)));

    // Strips: column sums and entropies against numpy.
    const HeadOverview<float> &h = view->stats();
    QVERIFY2(worstRelative(h.columnSums, expected("cs")) <= 5e-6, "column sums differ from numpy");
    QVERIFY2(worstRelative(h.entropyBits, expected("ent")) <= 5e-6, "entropies differ from numpy");
    // The sink: key 0 receives far more than the average of 1.
    QVERIFY(h.columnSums[0] > 100);

    // The picture of the whole matrix: each pixel bin is a union of whole 8 × 8 blocks, and
    // shows the largest weight among them, as numpy's blocks say.
    const Mat<double> baseMax = expected("base_max");
    const Mat<double> &shown = page()->shownBins();
    QVERIFY(shown.rows() > 100 && shown.cols() > 100);
    const QSize px = page()->view()->matrixRect().size();
    QCOMPARE(shown.rows(), Eigen::Index(std::min(px.height(), 2048)));
    QCOMPARE(shown.cols(), Eigen::Index(std::min(px.width(), 2048)));
    const BinAxis rows(2048, int(shown.rows())), cols(2048, int(shown.cols())); // groups of blocks
    double worst = 0;
    for (Eigen::Index r = 0; r < shown.rows(); ++r)
        for (Eigen::Index c = 0; c < shown.cols(); ++c) {
            const double want = baseMax.block(rows.first(r), cols.first(c), rows.count(r), cols.count(c)).maxCoeff();
            worst = std::max(worst, std::abs(shown(r, c) - want) / want);
        }
    QVERIFY2(worst <= 2e-5, qPrintable(QString("the first picture differs from numpy's blocks by %1 (relative)").arg(worst)));
    QCOMPARE(page()->view()->picture().r0, std::int64_t(0));
    QCOMPARE(page()->view()->picture().r1, std::int64_t(16384));
    QVERIFY(page()->exports().testFlag(Page::Export::Picture));
}

void TestLongPage::zoomedTileHoverAndCellPanelAreExact()
{
    QVERIFY(openLong());
    OverviewView *view = page()->view();
    // Zoom (wheel) first: a region between the overview's bins and single cells, computed exactly.
    QWheelEvent wheel(QPointF(view->matrixRect().center()), view->mapToGlobal(QPointF(view->matrixRect().center())), QPoint(),
                      QPoint(0, 120 * 12), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &wheel);
    QVERIFY(view->viewport().rows() < 16384 / 10.0);
    QVERIFY(!page()->pictureIsCurrent()); // the region is being computed
    QVERIFY(settle());
    QVERIFY(page()->view()->picture().r1 - page()->view()->picture().r0 < 2048);

    // Then the tile of numpy's reference, 64 × 96 cells: one bin per cell, every weight exact.
    view->setViewport(OverviewView::Viewport{8000, 8064, 4000, 4096});
    QVERIFY(settle());
    const auto &picture = view->picture();
    QCOMPARE(picture.r0, std::int64_t(8000));
    QCOMPARE(picture.c0, std::int64_t(4000));
    QVERIFY(picture.values);
    const Mat<double> tile = expected("tile");
    QCOMPARE(picture.values->rows(), tile.rows());
    QCOMPARE(picture.values->cols(), tile.cols());
    const double tileError = ((*picture.values - tile).cwiseAbs().array() / tile.array()).maxCoeff();
    QVERIFY2(tileError <= 2e-5, qPrintable(QString("tile off by %1 (relative)").arg(tileError)));

    // Hover a cell: the status bar gives its exact weight.
    const Mat<double> cells = expected("cells");
    Eigen::Index which = -1;
    for (Eigen::Index i = 0; i < cells.rows(); ++i)
        if (cells(i, 0) == 8010 && cells(i, 1) == 4020)
            which = i;
    QVERIFY(which >= 0);
    const double want = cells(which, 2);
    QTest::mouseMove(view, view->cellCenter(8010, 4020).toPoint());
    const QString status = m_window->statusBar()->currentMessage();
    QVERIFY2(status.contains("query " + QLocale().toString(8010)) && status.contains("key " + QLocale().toString(4020)),
             qPrintable(status));
    const QString weightText = status.section("weight ", 1).section(' ', 0, 0);
    QVERIFY2(std::abs(weightText.toDouble() - want) <= 2e-5 * want, qPrintable(status + " vs " + QString::number(want, 'g', 8)));

    // Click it: the cell panel shows its computation, ending in the same weight.
    QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, view->cellCenter(8010, 4020).toPoint());
    QCOMPARE(view->selectedRow(), std::int64_t(8010));
    QCOMPARE(view->selectedCol(), std::int64_t(4020));
    const QString panel = page()->detailPanel()->toPlainText();
    QVERIFY2(panel.contains(QString::number(want, 'g', 5)), qPrintable(panel.left(800) + " vs " + QString::number(want, 'g', 5)));
    // The arrow keys move the cell and the panel follows.
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Right);
    QCOMPARE(view->selectedCol(), std::int64_t(4021));
    QVERIFY(page()->detailPanel()->toPlainText() != panel);

    // Every single cell of numpy's list, from the row statistics (O(d) each).
    for (Eigen::Index i = 0; i < cells.rows(); ++i) {
        const double w = page()->shownView()->weight(std::int64_t(cells(i, 0)), std::int64_t(cells(i, 1)));
        QVERIFY2(std::abs(w - cells(i, 2)) <= 2e-5 * cells(i, 2) + 1e-12,
                 qPrintable(QString("cell (%1, %2): %3, numpy %4").arg(cells(i, 0)).arg(cells(i, 1)).arg(w).arg(cells(i, 2))));
    }

    // Zooming out again needs no computation: the overview's bins serve at once.
    page()->resetZoom();
    QVERIFY(page()->pictureIsCurrent());
    QVERIFY(!page()->busy());
}

void TestLongPage::causalAndLogColoursThenExportsAndSession()
{
    QVERIFY(openLong());
    // Causal: a new overview whose strips are numpy's causal ones.
    QTest::mouseClick(page()->causalBox(), Qt::LeftButton);
    QVERIFY(page()->causalBox()->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(page()->shownView() && page()->shownView()->params.causal, 30000);
    QVERIFY(settle());
    const HeadOverview<float> &h = page()->shownView()->stats();
    QVERIFY2(worstRelative(h.columnSums, expected("cs_causal")) <= 5e-6, "causal column sums differ from numpy");
    QVERIFY2(worstRelative(h.entropyBits, expected("ent_causal")) <= 5e-6, "causal entropies differ from numpy");
    QCOMPARE(h.entropyBits[0], 0.0); // query 0 sees key 0 only
    // The masked triangle is grey, not the colour of weight 0; the diagonal's pixels are not.
    const QImage whole = page()->view()->picture().image;
    QCOMPARE(whole.pixel(whole.width() - 1, 0), qRgb(0xb8, 0xb8, 0xb8));
    QVERIFY(whole.pixel(0, 0) != qRgb(0xb8, 0xb8, 0xb8));
    QVERIFY(whole.pixel(whole.width() - 1, whole.height() - 1) != qRgb(0xb8, 0xb8, 0xb8));

    // Log colours change the picture, not the numbers.
    const QImage linear = page()->view()->picture().image;
    const Mat<double> bins = page()->shownBins();
    page()->logBox()->click();
    QVERIFY(page()->view()->picture().image != linear);
    QCOMPARE(page()->shownBins(), bins);

    // Edit → Undo takes back the colours, then the causal mask (recomputed); Redo brings both back.
    QUndoStack *undo = page()->undoStack();
    QVERIFY(undo);
    QCOMPARE(undo->count(), 2);
    undo->undo();
    QVERIFY(!page()->logBox()->isChecked());
    QCOMPARE(page()->view()->picture().image, linear);
    undo->undo();
    QVERIFY(!page()->causalBox()->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(page()->shownView() && !page()->shownView()->params.causal, 30000);
    QVERIFY(settle());
    QVERIFY2(worstRelative(page()->shownView()->stats().columnSums, expected("cs")) <= 5e-6, "undo did not recompute");
    undo->redo();
    undo->redo();
    QVERIFY(page()->causalBox()->isChecked() && page()->logBox()->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(page()->shownView() && page()->shownView()->params.causal, 30000);
    QVERIFY(settle());

    // Zoom in, then export: the picture as shown, its bins, and the strips.
    page()->view()->setViewport(OverviewView::Viewport{100, 164, 50, 114});
    QVERIFY(settle());
    QTemporaryDir dir;
    QString error;
    QVERIFY2(page()->exportPicture(dir.filePath("long.png"), QSize(900, 700), 1.0, &error), qPrintable(error));
    QCOMPARE(QImage(dir.filePath("long.png")).size(), QSize(900, 700));
    QVERIFY2(page()->exportPicture(dir.filePath("long.svg"), QSize(900, 700), 1.0, &error), qPrintable(error));
    QVERIFY(QFileInfo(dir.filePath("long.svg")).size() > 1000);
    QVERIFY2(page()->exportData(dir.filePath("shown.npy"), &error), qPrintable(error));
    auto shown = openTensorFile(dir.filePath("shown.npy").toStdString());
    QVERIFY(shown);
    auto shownValues = (*shown)->read("");
    QVERIFY(shownValues);
    QCOMPARE(shownValues->shape, (Shape{64, 64})); // one bin per cell at this zoom
    QVERIFY2(page()->exportStrips(dir.path(), &error), qPrintable(error));
    auto sums = openTensorFile(dir.filePath("column_sums.npy").toStdString());
    QVERIFY(sums);
    auto sumValues = (*sums)->read("");
    QVERIFY(sumValues);
    QCOMPARE(sumValues->shape, (Shape{16384}));
    QCOMPARE(sumValues->at(0), page()->shownView()->stats().columnSums[0]); // the view after undo and redo

    // A session keeps the input, head, causal mask, colours, zoom and cell.
    QTest::mouseClick(page()->view(), Qt::LeftButton, Qt::NoModifier, page()->view()->cellCenter(120, 60).toPoint());
    const QString session = dir.filePath("long.attnscope");
    QVERIFY2(m_window->saveSessionTo(session, &error), qPrintable(error));
    m_window = freshWindow();
    QVERIFY2(m_window->openSession(session, &error), qPrintable(error));
    QCOMPARE(m_window->currentPage(), page());
    QVERIFY(settle());
    QVERIFY(page()->causalBox()->isChecked());
    QVERIFY(page()->logBox()->isChecked());
    QVERIFY(page()->shownView()->params.causal);
    const auto v = page()->view()->viewport();
    QCOMPARE(v.r0, 100.0);
    QCOMPARE(v.c1, 114.0);
    QCOMPARE(page()->view()->selectedRow(), std::int64_t(120));
    QCOMPARE(page()->view()->selectedCol(), std::int64_t(60));
    QVERIFY(page()->detailPanel()->toPlainText().contains("60"));
}

void TestLongPage::refusedWhenEvenTheStreamedStateDoesNotFit()
{
    // A budget below the O(T) state (the inputs in double, the row statistics, 2,048² bins):
    // refused before reading, with a message naming the files, and the window keeps its input.
    Page *before = m_window->currentPage();
    BudgetGuard budget(heapInUse() + (16u << 20));
    QString error;
    QVERIFY(!m_window->openTensorFiles({kDir + "/q.npy", kDir + "/k.npy"}, &error));
    QVERIFY2(error.contains("q.npy") && error.contains("memory budget") && error.contains("keeps its present input"),
             qPrintable(error));
    QCOMPARE(m_window->currentPage(), before);
    QVERIFY(!page()->input());
}

void TestLongPage::bundleOpensWithItsQkNotItsWeights()
{
    // A bundle just past the stored path's limit (4,100² cells > 4,096²): File → Open gives it
    // to the Long input tab (not the Imported attention tab), which reads q and k of the last
    // layer and the tokens, never the [2, 1, 4100, 4100] attentions.
    QTemporaryDir dir;
    const QString path = dir.filePath("bundle.npz");
    QVERIFY(runPython("import numpy as np, sys\n"
                      "r = np.random.default_rng(5)\n"
                      "T = 4100\n"
                      "q = r.standard_normal((2, 1, T, 16)).astype(np.float32)\n"
                      "k = r.standard_normal((2, 1, T, 16)).astype(np.float32)\n"
                      "tokens = np.array(['t%d' % i for i in range(T)])\n"
                      "np.savez_compressed(sys.argv[1], attentions=np.zeros((2, 1, T, T), np.float32), q=q, k=k,\n"
                      "                    v=k, tokens=tokens)\n"
                      "s = q[1, 0, 7].astype(np.float64) @ k[1, 0].astype(np.float64).T / 4\n"
                      "w = np.exp(s - s.max()); w /= w.sum()\n"
                      "np.save(sys.argv[2], w[:10])\n",
                      {path, dir.filePath("row7.npy")}));
    QString error;
    QVERIFY2(m_window->openFile(path, &error), qPrintable(error));
    QCOMPARE(m_window->currentPage(), page());
    QVERIFY(settle());
    QCOMPARE(page()->input()->layers, 2);
    QCOMPARE(page()->input()->layer, 1);
    QCOMPARE(page()->input()->queryTokens.at(7), std::string("t7"));
    auto row = openTensorFile(dir.filePath("row7.npy").toStdString());
    QVERIFY(row);
    auto want = (*row)->read("");
    QVERIFY(want);
    for (int j = 0; j < 10; ++j)
        QVERIFY2(std::abs(page()->shownView()->weight(7, j) - want->at(j)) <= 2e-5 * want->at(j),
                 qPrintable(QString("key %1").arg(j)));
    // --layer 0 through the window, as the command line asks.
    QVERIFY2(m_window->setLayerHead(0, 0, &error), qPrintable(error));
    QVERIFY(settle());
    QCOMPARE(page()->input()->layer, 0);
    QVERIFY(std::abs(page()->shownView()->weight(7, 0) - want->at(0)) > 1e-9); // another layer's weights
}

QTEST_MAIN(TestLongPage)
#include "tst_long_page.moc"
