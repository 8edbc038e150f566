// The Model tab of the Imported attention page driven as a person would: the 12 × 12 bundle of
// fixtures/gen_model_view.py opened (planted heads: L2 H3 previous token, L0 H5 next, L5 H7
// [SEP], L8 H1 itself), the tab chosen, sorted and coloured by summaries with the keyboard, a
// head clicked and hovered, the ranked table sorted by its header, the cell size changed with
// ctrl + wheel, the settings kept, the picture exported; the pixels drawn checked against the
// head's own matrix.
//
// Set ATTNSCOPE_MODEL_SCREENSHOT=/path.png to keep a picture of the window on the Model tab.

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTabBar>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>

#include <set>

#include "attention_page.h"
#include "bundle.h"
#include "head_summary.h"
#include "model_grid_canvas.h"
#include "model_view.h"
#include "window_test_support.h"

using namespace attnscope;

namespace {

const QString kBert12 = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/modelview/bert12.npz");
constexpr int kLayers = 12, kHeads = 12, kTokens = 16;

/// Presses Down on a combo box until it shows item `index` (a combo steps one item a key).
void chooseWithKeys(QComboBox *box, int index)
{
    box->setFocus();
    while (box->currentIndex() < index)
        QTest::keyClick(box, Qt::Key_Down);
    while (box->currentIndex() > index)
        QTest::keyClick(box, Qt::Key_Up);
}

} // namespace

class TestModelView : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void gridHasEveryHeadDrawnLazily();
    void cellPixelsFollowTheHeadsMatrix();
    void clickOpensTheHeadInTheHeatmapTab();
    void sortReordersHeadsWithinLayers();
    void colourByShowsStripsLegendAndFrames();
    void tableSortsAndDoubleClickOpens();
    void hoverNamesHeadAndValue();
    void ctrlWheelZooms();
    void settingsRoundTrip();
    void sequenceEndsInExport();
    void screenshot();

private:
    ModelView *view() const { return m_page->modelView(); }
    ModelGridCanvas *canvas() const { return view()->canvas(); }
    void showModelTab()
    {
        QTabWidget *tabs = m_page->viewTabs();
        QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(1).center());
        QCOMPARE(tabs->currentWidget(), static_cast<QWidget *>(view()));
    }
    /// Scrolls the head into view and returns its centre in the canvas.
    QPoint centreOf(int layer, int head)
    {
        const QRect r = canvas()->headRect(layer, head);
        m_page->findChild<QScrollArea *>("modelScroll")->ensureVisible(r.center().x(), r.center().y(), r.width(), r.height());
        QApplication::processEvents();
        return r.center();
    }
    std::unique_ptr<AttentionPage> m_page;
};

void TestModelView::init()
{
    m_page = std::make_unique<AttentionPage>();
    m_page->resize(1400, 900);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QString error;
    QVERIFY2(m_page->openBundle(kBert12, &error), qPrintable(error));
    QCOMPARE(m_page->viewTabs()->objectName(), QStringLiteral("attentionViewTabs"));
    QCOMPARE(m_page->viewTabs()->tabText(0), QStringLiteral("Heatmap"));
    QCOMPARE(m_page->viewTabs()->tabText(1), QStringLiteral("Model"));
    showModelTab();
}

void TestModelView::cleanup()
{
    m_page.reset();
}

void TestModelView::gridHasEveryHeadDrawnLazily()
{
    std::set<std::pair<int, int>> cells;
    for (int l = 0; l < kLayers; ++l)
        for (int h = 0; h < kHeads; ++h) {
            const QRect r = canvas()->headRect(l, h);
            QVERIFY(!r.isEmpty());
            QCOMPARE(canvas()->headAt(r.center()), std::make_pair(l, h));
            cells.insert({r.x(), r.y()});
        }
    QCOMPARE(int(cells.size()), kLayers * kHeads); // no two heads in one place
    QCOMPARE(view()->table()->model()->rowCount(), kLayers * kHeads);
    // Only what the scroll area shows is drawn: at the default size not every row fits.
    QTRY_VERIFY(view()->thumbnails().cachedCount() > 0);
    const int drawn = view()->thumbnails().cachedCount();
    QVERIFY2(drawn > 0 && drawn < kLayers * kHeads, qPrintable(QString::number(drawn)));
    centreOf(11, 11);
    QTRY_VERIFY(view()->thumbnails().cachedCount() > drawn);
}

void TestModelView::cellPixelsFollowTheHeadsMatrix()
{
    // L2 H3 attends to the previous token: on the shared scale, cell (i, i−1) is bright and
    // (i, i+1) dark, as the head's own weights say.
    const QImage shot = canvas()->grab().toImage();
    const QRect r = canvas()->headRect(2, 3);
    const double px = double(r.width()) / kTokens;
    const auto bundle = readAttentionBundle(kBert12.toStdString());
    QVERIFY(bundle);
    const Mat<double> a = bundle->attentions.matrix<double>(2 * kHeads + 3);
    for (int i = 2; i < kTokens - 2; ++i) {
        const auto at = [&](int row, int col) {
            return QColor(shot.pixel(r.x() + int((col + 0.5) * px), r.y() + int((row + 0.5) * px))).lightness();
        };
        QVERIFY(a(i, i - 1) > 0.8 && a(i, i + 1) < 0.2);
        QVERIFY2(at(i, i - 1) > at(i, i + 1) + 60, qPrintable(QStringLiteral("row %1: %2 vs %3").arg(i).arg(at(i, i - 1)).arg(at(i, i + 1))));
    }
}

void TestModelView::clickOpensTheHeadInTheHeatmapTab()
{
    const QPoint c = centreOf(5, 7);
    QTest::mouseClick(canvas(), Qt::LeftButton, {}, c);
    QCOMPARE(m_page->viewTabs()->currentIndex(), 0);
    const ViewRequest r = m_page->request();
    QCOMPARE(int(r.mode), int(ViewRequest::Mode::Single));
    QCOMPARE(r.layer, 5);
    QCOMPARE(r.head, 7);
    QCOMPARE(view()->gridStyle().focusLayer, 5);
    QCOMPARE(view()->gridStyle().focusHead, 7);
}

void TestModelView::sortReordersHeadsWithinLayers()
{
    QCOMPARE(canvas()->headRect(2, 0), canvas()->gridStyle().cellRect(2, 0));
    chooseWithKeys(view()->sortCombo(), 1 + int(HeadMetric::Previous));
    QCOMPARE(view()->sortBy(), std::optional<HeadMetric>(HeadMetric::Previous));
    // The planted head leads its layer; every layer is in descending order of the summary.
    QCOMPARE(canvas()->headRect(2, 3), canvas()->gridStyle().cellRect(2, 0));
    const auto s = summarizeHeads(*m_page->bundle());
    for (int l = 0; l < kLayers; ++l)
        for (int p = 1; p < kHeads; ++p)
            QVERIFY(s[std::size_t(l * kHeads + canvas()->gridStyle().headAt(l, p - 1))].previous >=
                    s[std::size_t(l * kHeads + canvas()->gridStyle().headAt(l, p))].previous);
    QVERIFY(canvas()->gridStyle().headNumbers);
    // Entropy sorts lowest first (a focused head is the notable one).
    chooseWithKeys(view()->sortCombo(), 1 + int(HeadMetric::Entropy));
    for (int p = 1; p < kHeads; ++p)
        QVERIFY(s[std::size_t(8 * kHeads + canvas()->gridStyle().headAt(8, p - 1))].entropy <=
                s[std::size_t(8 * kHeads + canvas()->gridStyle().headAt(8, p))].entropy);
    chooseWithKeys(view()->sortCombo(), 0);
    QCOMPARE(canvas()->headRect(2, 3), canvas()->gridStyle().cellRect(2, 3));
}

void TestModelView::colourByShowsStripsLegendAndFrames()
{
    QVERIFY(!view()->legend()->isVisible());
    QCOMPARE(canvas()->gridStyle().badgeHeight, 0);
    chooseWithKeys(view()->colourByCombo(), 1 + int(HeadMetric::Special));
    QVERIFY(view()->legend()->isVisible());
    QVERIFY(view()->legend()->toolTip().contains(QStringLiteral("special")));
    QVERIFY(canvas()->gridStyle().badgeHeight > 0);
    // The [SEP] head stands out, and about a tenth of the heads with it.
    const auto &marked = view()->standsOut();
    QCOMPARE(int(marked.size()), kLayers * kHeads);
    QVERIFY(marked[std::size_t(5 * kHeads + 7)]);
    const int count = int(std::count(marked.begin(), marked.end(), true));
    QVERIFY2(count >= 14 && count <= 16, qPrintable(QString::number(count)));
    // The strip under the [SEP] head is the brightest colour of the summary scale.
    const QImage shot = canvas()->grab().toImage();
    const QRect r = canvas()->headRect(5, 7);
    const QColor strip(shot.pixel(r.x() + 3, r.bottom() + 3));
    QCOMPARE(strip.rgb(), summaryColour(1e9, 0, 1));
    chooseWithKeys(view()->colourByCombo(), 0);
    QVERIFY(!view()->legend()->isVisible());
}

void TestModelView::tableSortsAndDoubleClickOpens()
{
    QTableView *table = view()->table();
    QHeaderView *header = table->horizontalHeader();
    const int selfColumn = 2 + int(HeadMetric::Self);
    const QPoint at(header->sectionViewportPosition(selfColumn) + header->sectionSize(selfColumn) / 2, header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
    if (header->sortIndicatorOrder() != Qt::DescendingOrder)
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(header->sortIndicatorSection(), selfColumn);
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QAbstractItemModel *m = table->model();
    QCOMPARE(m->index(0, 0).data().toString(), QStringLiteral("8"));
    QCOMPARE(m->index(0, 1).data().toString(), QStringLiteral("1"));
    for (int row = 1; row < m->rowCount(); ++row)
        QVERIFY(m->index(row - 1, selfColumn).data(Qt::UserRole + 1).toDouble() >=
                m->index(row, selfColumn).data(Qt::UserRole + 1).toDouble());
    // Double-clicking the top row opens layer 8, head 1.
    const QRect cell = table->visualRect(m->index(0, 3));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(m_page->viewTabs()->currentIndex(), 0);
    QCOMPARE(m_page->request().layer, 8);
    QCOMPARE(m_page->request().head, 1);
}

void TestModelView::hoverNamesHeadAndValue()
{
    const QRect r = canvas()->headRect(2, 3);
    centreOf(2, 3);
    const double px = double(r.width()) / kTokens;
    const QPoint pos(r.x() + int(4.5 * px), r.y() + int(5.5 * px)); // query 5, key 4
    QTest::mouseMove(canvas(), pos);
    QTRY_VERIFY(!view()->hoverLabel()->text().isEmpty());
    const QString text = view()->hoverLabel()->text();
    const double w = m_page->bundle()->attentions.matrix<double>(2 * kHeads + 3)(5, 4);
    QVERIFY2(text.contains(QStringLiteral("layer 2, head 3")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("query 5 “the”")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("key 4 “on”")), qPrintable(text));
    QVERIFY2(text.contains(QString::number(w, 'g', 4)), qPrintable(text));
}

void TestModelView::ctrlWheelZooms()
{
    const int before = view()->cellSide();
    const QRect r = canvas()->headRect(0, 0);
    QWheelEvent up(QPointF(r.center()), canvas()->mapToGlobal(QPointF(r.center())), QPoint(), QPoint(0, 120), Qt::NoButton,
                   Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(canvas(), &up);
    QVERIFY(view()->cellSide() > before);
    QCOMPARE(canvas()->headRect(0, 0).width(), view()->cellSide());
    QCOMPARE(view()->thumbnails().thumbnail(0, 0, view()->cellSide()).width(), kTokens); // 16 cells: one pixel each
}

void TestModelView::settingsRoundTrip()
{
    chooseWithKeys(view()->sortCombo(), 1 + int(HeadMetric::Previous));
    chooseWithKeys(view()->colourByCombo(), 1 + int(HeadMetric::Entropy));
    chooseWithKeys(view()->scaleCombo(), 1);
    view()->zoomSlider()->setFocus();
    QTest::keyClick(view()->zoomSlider(), Qt::Key_PageUp);
    const PageSettings s = m_page->settings();
    QCOMPARE(s.value("attention.modelView.sortBy"), QStringLiteral("previous"));
    QCOMPARE(s.value("attention.modelView.colourBy"), QStringLiteral("entropy"));
    QCOMPARE(s.value("attention.modelView.scale"), QStringLiteral("perHead"));
    QCOMPARE(s.value("attention.modelView.cellSize"), QString::number(view()->cellSide()));
    AttentionPage other;
    QString error;
    QVERIFY(other.openBundle(kBert12, &error));
    QVERIFY(other.applySettings(s).isEmpty());
    QCOMPARE(other.modelView()->sortBy(), std::optional<HeadMetric>(HeadMetric::Previous));
    QCOMPARE(other.modelView()->colourBy(), std::optional<HeadMetric>(HeadMetric::Entropy));
    QVERIFY(!other.modelView()->sharedScale());
    QCOMPARE(other.modelView()->cellSide(), view()->cellSide());
    QCOMPARE(other.modelView()->gridStyle().side, view()->cellSide());
}

void TestModelView::sequenceEndsInExport()
{
    chooseWithKeys(view()->sortCombo(), 1 + int(HeadMetric::Self));
    QTest::mouseClick(canvas(), Qt::LeftButton, {}, centreOf(8, 1));
    QCOMPARE(m_page->viewTabs()->currentIndex(), 0);
    QCOMPARE(m_page->request().layer, 8);
    QCOMPARE(m_page->request().head, 1);
    auto *layer = m_page->findChild<QSpinBox *>("layerSpin");
    layer->setFocus();
    QTest::keyClick(layer, Qt::Key_Up);
    QCOMPARE(m_page->request().layer, 9);
    showModelTab();
    QCOMPARE(view()->gridStyle().focusLayer, 9);
    QCOMPARE(view()->gridStyle().focusHead, 1);
    QCOMPARE(view()->sortBy(), std::optional<HeadMetric>(HeadMetric::Self)); // still sorted
    QVERIFY(m_page->exports().testFlag(Page::Export::Picture));
    QTemporaryDir dir;
    for (const char *ext : {"png", "svg", "pdf"}) {
        const QString path = dir.filePath(QStringLiteral("model.%1").arg(ext));
        QString error;
        const QSize size = m_page->defaultPictureSize();
        QVERIFY2(m_page->exportPicture(path, size, 1.0, &error), qPrintable(error));
        QVERIFY(QFileInfo(path).size() > 1000);
        if (QLatin1String(ext) == QLatin1String("png"))
            QCOMPARE(QImage(path).size(), size);
        if (QLatin1String(ext) == QLatin1String("svg")) {
            const QByteArray svg = attnscope::testsupport::fileBytes(path);
            QVERIFY(svg.contains(">L11<") && svg.contains(">H0<") && svg.contains("bert12.npz"));
        }
    }
    QString error;
    QVERIFY(!m_page->exportModelViewPicture(dir.filePath("model.txt"), 50, &error));
    QVERIFY2(error.contains(QStringLiteral("model.txt")), qPrintable(error));
}

void TestModelView::screenshot()
{
    const QByteArray path = qgetenv("ATTNSCOPE_MODEL_SCREENSHOT");
    if (path.isEmpty())
        QSKIP("set ATTNSCOPE_MODEL_SCREENSHOT=/path.png to keep a picture");
    chooseWithKeys(view()->colourByCombo(), 1 + int(HeadMetric::Previous));
    m_page->resize(1600, 1000);
    QApplication::processEvents();
    QVERIFY(m_page->grab().save(QString::fromLocal8Bit(path)));
}

QTEST_MAIN(TestModelView)
#include "tst_model_view.moc"
