// The Imported attention page's "Heads" and "Neuron" tabs driven offscreen as a person would:
// head toggles clicked, the threshold changed, a query clicked on the canvas, a neuron cell
// clicked, the layer switched from the Neuron tab and the picture exported. Link counts are
// numpy's (fixtures/gen_head_view.py, weights >= 0.02) or counted here from the file's weights;
// the neuron view's numbers are numpy's to 1e-12.
//
// Set ATTNSCOPE_HEADVIEW_SCREENSHOT=/dir to keep pictures of both tabs.
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QPushButton>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <cmath>

#include "attention_page.h"
#include "attention_views.h"
#include "head_view.h"
#include "neuron_view.h"
#include "test_files.h"

using namespace attnscope;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/headview");

QJsonObject linkCase(const QString &bundle, int layer, int query)
{
    for (const QJsonValue v : test::jsonObjectFile(kDir + "/manifest.json")["links"].toArray())
        if (const QJsonObject c = v.toObject();
            c["bundle"].toString() == bundle && c["layer"].toInt() == layer && c["query"].toInt() == query)
            return c;
    qFatal("no links case %s %d %d", qPrintable(bundle), layer, query);
}

QJsonObject neuronCase(int layer, int head, int query)
{
    for (const QJsonValue v : test::jsonObjectFile(kDir + "/manifest.json")["neuron"].toArray())
        if (const QJsonObject c = v.toObject(); c["bundle"].toString() == "bert12" && c["layer"].toInt() == layer &&
                                                c["head"].toInt() == head && c["query"].toInt() == query)
            return c;
    qFatal("no neuron case");
}

int tabIndex(QTabWidget *tabs, const QString &key)
{
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->widget(i)->property("viewKey").toString() == key)
            return i;
    return -1;
}

/// Weights of one layer of the page's bundle >= t, over every head and query.
int countAtLeast(const AttentionBundle &b, int layer, double t)
{
    int n = 0;
    for (int h = 0; h < b.heads(); ++h)
        n += int((b.attentions.matrix<double>(layer * b.heads() + h).array() >= t).count());
    return n;
}

} // namespace

class TestHeadView : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void togglesAndThresholdChangeWhatIsDrawn();
    void clickingAQuerySelectsIt();
    void followsThePagesHiding();
    void neuronNumbersOfAClickedCell();
    void neuronSaysWhenThereIsNoQk();
    void sequenceEndsInAnExport();
    void settingsRoundTrip();

private:
    std::unique_ptr<AttentionPage> m_page;
    void openAndShow(const QString &bundle, const QString &tab);
};

void TestHeadView::init()
{
    m_page = std::make_unique<AttentionPage>();
    m_page->resize(1400, 900);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestHeadView::cleanup()
{
    if (const QByteArray dir = qgetenv("ATTNSCOPE_HEADVIEW_SCREENSHOT"); !dir.isEmpty() && m_page)
        m_page->grab().save(QString::fromLocal8Bit(dir) + "/" + QTest::currentTestFunction() + ".png");
    m_page.reset();
}

void TestHeadView::openAndShow(const QString &bundle, const QString &tab)
{
    QString error;
    QVERIFY2(m_page->openBundle(kDir + "/" + bundle + ".npz", &error), qPrintable(error));
    QTabWidget *tabs = m_page->viewTabs();
    QCOMPARE(tabs->objectName(), QStringLiteral("attentionViewTabs"));
    const int at = tabIndex(tabs, tab);
    QVERIFY(at > 0);
    tabs->tabBar()->setCurrentIndex(at);
    QCOMPARE(tabs->currentIndex(), at);
    QApplication::processEvents();
}

void TestHeadView::togglesAndThresholdChangeWhatIsDrawn()
{
    openAndShow("bert12", "heads");
    HeadView *view = m_page->headView();
    const QJsonObject c = linkCase("bert12", 11, -1);
    const QJsonArray perHead = c["per_head"].toArray();
    QCOMPARE(view->content().headCount(), 12);
    QCOMPARE(int(view->visibleLinks().size()), c["links"].toInt());
    // Head 0 off, then head 5 off.
    QTest::mouseClick(view->headToggle(0), Qt::LeftButton);
    QVERIFY(!view->isHeadShown(0));
    QCOMPARE(int(view->visibleLinks().size()), c["links"].toInt() - perHead[0].toInt());
    QTest::mouseClick(view->headToggle(5), Qt::LeftButton);
    QCOMPARE(int(view->visibleLinks().size()), c["links"].toInt() - perHead[0].toInt() - perHead[5].toInt());
    for (const HeadViewLink &l : view->visibleLinks())
        QVERIFY(l.head != 0 && l.head != 5 && l.weight >= 0.02);
    QTest::mouseClick(view->findChild<QToolButton *>("headViewNone"), Qt::LeftButton);
    QCOMPARE(int(view->visibleLinks().size()), 0);
    QTest::mouseClick(view->findChild<QToolButton *>("headViewAll"), Qt::LeftButton);
    QCOMPARE(int(view->visibleLinks().size()), c["links"].toInt());
    // Threshold 0.3, typed.
    auto *threshold = view->findChild<QDoubleSpinBox *>("headViewThreshold");
    threshold->selectAll();
    QTest::keyClicks(threshold, "0.3");
    QTest::keyClick(threshold, Qt::Key_Enter);
    QCOMPARE(view->threshold(), 0.3);
    QCOMPARE(int(view->visibleLinks().size()), countAtLeast(*m_page->bundle(), 11, 0.3));
    QVERIFY(countAtLeast(*m_page->bundle(), 11, 0.3) < c["links"].toInt());
}

void TestHeadView::clickingAQuerySelectsIt()
{
    openAndShow("bert12", "heads");
    HeadView *view = m_page->headView();
    HeadViewCanvas *canvas = view->canvas();
    QVERIFY(canvas->height() > 100);
    const QPoint at = headViewQueryPoint(view->content(), canvas->size(), 3).toPoint();
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at);
    QCOMPARE(view->selectedQuery(), 3);
    QCOMPARE(int(view->visibleLinks().size()), linkCase("bert12", 11, 3)["links"].toInt());
    for (const HeadViewLink &l : view->visibleLinks())
        QCOMPARE(l.query, 3);
    QCOMPARE(m_page->neuronQuerySpin()->value(), 3); // the Neuron tab follows
    QTest::keyClick(canvas, Qt::Key_Down);
    QCOMPARE(view->selectedQuery(), 4);
    QTest::keyClick(canvas, Qt::Key_Up);
    QCOMPARE(view->selectedQuery(), 3);
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at); // again: every query
    QCOMPARE(view->selectedQuery(), -1);
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at);
    QTest::keyClick(canvas, Qt::Key_Escape);
    QCOMPARE(view->selectedQuery(), -1);
    QCOMPARE(int(view->visibleLinks().size()), linkCase("bert12", 11, -1)["links"].toInt());
}

void TestHeadView::followsThePagesHiding()
{
    openAndShow("bert12", "heads");
    m_page->findChild<QCheckBox *>("hideCheck")->click(); // [CLS], [SEP]
    m_page->findChild<QCheckBox *>("mergeCheck")->click();
    const HeadViewContent &c = m_page->headView()->content();
    QCOMPARE(c.keys(), 8); // the, cat, sat, on, the, unbelievable, mat, .
    QVERIFY(c.keyLabels.contains("unbelievable"));
    ViewRequest r = m_page->request();
    for (int h = 0; h < 12; ++h) {
        r.head = h;
        auto v = computeView(*m_page->bundle(), r);
        QVERIFY(v.ok());
        QCOMPARE(*c.heads[std::size_t(h)], v->values);
    }
}

void TestHeadView::neuronNumbersOfAClickedCell()
{
    openAndShow("bert12", "neuron");
    m_page->neuronHeadSpin()->setValue(1);
    m_page->neuronQuerySpin()->setValue(5);
    NeuronView *view = m_page->neuronView();
    QVERIFY(view->hasContent());
    const QJsonObject c = neuronCase(11, 1, 5);
    const auto click = [&](NeuronView::Part part, int key, int dim) {
        const QRect r = view->cellRect(part, key, dim);
        QVERIFY(!r.isEmpty());
        QTest::mouseClick(view->canvas(), Qt::LeftButton, {}, r.center());
        QVERIFY(view->currentCell().has_value());
        QCOMPARE(int(view->currentCell()->part), int(part));
        QCOMPARE(view->currentCell()->key, key);
    };
    const auto near = [](double a, double b) { return std::abs(a - b) <= 1e-12 + 1e-12 * std::abs(b); };
    click(NeuronView::Part::Softmax, 11, -1); // [SEP], where head 1 looks
    QVERIFY(near(view->currentCell()->value, c["softmax"].toArray()[11].toDouble()));
    QVERIFY(view->currentCell()->value > 0.5);
    QVERIFY(view->hoverText().contains("[SEP]"));
    click(NeuronView::Part::Product, 11, 40);
    QVERIFY(near(view->currentCell()->value, c["product"].toArray()[11].toArray()[40].toDouble()));
    click(NeuronView::Part::Dot, 2, -1);
    QVERIFY(near(view->currentCell()->value, c["dot"].toArray()[2].toDouble()));
    click(NeuronView::Part::Query, -1, 40);
    QVERIFY(near(view->currentCell()->value, c["q"].toArray()[40].toDouble()));
}

void TestHeadView::neuronSaysWhenThereIsNoQk()
{
    QString error;
    QVERIFY2(m_page->openBundle(QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/views/wordpiece.npz"), &error), qPrintable(error));
    m_page->viewTabs()->setCurrentIndex(tabIndex(m_page->viewTabs(), "neuron"));
    QVERIFY(!m_page->neuronView()->hasContent());
    QVERIFY2(m_page->neuronView()->message().contains("holds no q and k"), qPrintable(m_page->neuronView()->message()));
}

void TestHeadView::sequenceEndsInAnExport()
{
    openAndShow("causal", "heads");
    HeadView *view = m_page->headView();
    QTest::mouseClick(view->headToggle(2), Qt::LeftButton);
    view->setThreshold(0.1);
    m_page->viewTabs()->setCurrentIndex(tabIndex(m_page->viewTabs(), "neuron"));
    auto *layer = m_page->findChild<QSpinBox *>("neuronLayerSpin");
    layer->setValue(0); // the page's layer follows
    QCOMPARE(m_page->request().layer, 0);
    QVERIFY(m_page->neuronView()->hasContent());
    QVERIFY(m_page->neuronView()->message().contains("Layer 0"));
    // Causal: query 0 attends key 0 only.
    QCOMPARE(m_page->neuronView()->content()->values.weights(0), 1.0);
    QVERIFY(m_page->neuronView()->content()->values.masked[1]);
    m_page->viewTabs()->setCurrentIndex(tabIndex(m_page->viewTabs(), "heads"));
    QCOMPARE(view->layer(), 0);
    QCOMPARE(*view->content().heads[1], m_page->bundle()->attentions.matrix<double>(1)); // layer 0, head 1
    QVERIFY(!view->isHeadShown(2));
    QCOMPARE(view->threshold(), 0.1);
    QTemporaryDir dir;
    QString error;
    QVERIFY2(m_page->exportPicture(dir.filePath("heads.svg"), QSize(600, 400), 1.0, &error), qPrintable(error));
    const QByteArray svg = test::fileBytes(dir.filePath("heads.svg"));
    QCOMPARE(int(svg.count("<polyline")), int(view->visibleLinks().size()));
    QVERIFY(svg.contains(">\xe2\x96\x81" "dog</text>")); // ▁dog, as text
    QVERIFY2(m_page->exportPicture(dir.filePath("heads.png"), QSize(600, 400), 2.0, &error), qPrintable(error));
    QCOMPARE(QImage(dir.filePath("heads.png")).size(), QSize(1200, 800));
}

void TestHeadView::settingsRoundTrip()
{
    openAndShow("bert12", "heads");
    HeadView *view = m_page->headView();
    view->setHeadShown(3, false);
    view->setHeadShown(7, false);
    view->setThreshold(0.05);
    view->setSelectedQuery(4);
    m_page->neuronHeadSpin()->setValue(2);
    const PageSettings s = m_page->settings();
    QCOMPARE(s.value("attention.headView.hiddenHeads"), QStringLiteral("3,7"));
    QCOMPARE(s.value("attention.headView.threshold"), QStringLiteral("0.05"));
    QCOMPARE(s.value("attention.headView.query"), QStringLiteral("4"));

    AttentionPage other;
    QString error;
    QVERIFY(other.openBundle(kDir + "/bert12.npz", &error));
    PageSettings bad = s;
    bad.insert("attention.headView.threshold", "2");
    const QStringList notes = other.applySettings(bad);
    QCOMPARE(notes.size(), 1); // the threshold out of range, kept at 0.02
    QVERIFY(notes[0].contains("threshold"));
    QCOMPARE(other.headView()->threshold(), 0.02);
    QVERIFY(!other.headView()->isHeadShown(3) && !other.headView()->isHeadShown(7) && other.headView()->isHeadShown(4));
    QCOMPARE(other.headView()->selectedQuery(), 4);
    QCOMPARE(other.neuronHeadSpin()->value(), 2);
}

QTEST_MAIN(TestHeadView)
#include "tst_head_view.moc"
