// The Explorer's neuron view (the "Neuron" tab beside the computation of the cell), in the real
// window offscreen, driven by clicks and the Parameters controls:
//  - followsSelectedCell: clicking a heatmap cell and the Neuron tab shows that query; q, k are
//    the head's inputs, q ⊙ k and q · k equal products computed here, the scaled column is the
//    Scaled stage's row and equals q · k / √d_k, the softmax column is the Weights stage's row
//    (all to 1e-12), and clicking a cell names its value.
//  - followsScale: the scale set to 1/d_k → the scaled column is q · k / d_k and the stage's row.
//  - followsCausalMask: a causal mask → the keys after the query are masked (hatched, a clicked one
//    says so), take weight 0, and the rest equal an independent softmax of q · k / √d_k.
//  - followsHead: another head in the Parameters → its q and k, its weights.

#include <QComboBox>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>

#include "explorer_page.h"
#include "heatmap_view.h"
#include "main_window.h"
#include "neuron_view.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

namespace {
constexpr double kTol = 1e-12;
}

class TstExplorerNeuron : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void init();
    void followsSelectedCell();
    void followsScale();
    void followsCausalMask();
    void followsHead();

private:
    ExplorerPage *page() const { return explorerOf(m_window); }
    /// Clicks cell (row, col) of the Weights heatmap, then the Neuron tab.
    void clickCellAndTab(int row, int col);
    /// The shown head's q and k, as the state holds them.
    const Mat<double> &stateQ() const;
    const Mat<double> &stateK() const;
    /// Scrolls the neuron view to the cell and clicks it.
    void clickCell(NeuronView::Part part, int key);
    /// q, k, q ⊙ k, q · k of the neuron view against the state's inputs, products computed here.
    void checkVectors(int query);
    std::unique_ptr<MainWindow> m_window;
};

void TstExplorerNeuron::init()
{
    m_window = freshWindow();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    page()->setSentence("one two three four five");
    QVERIFY(waitForState(*m_window));
    page()->showStage(Stage::Weights);
}

void TstExplorerNeuron::clickCellAndTab(int row, int col)
{
    HeatmapView *map = page()->heatmap(0);
    QTRY_VERIFY(map->displayedRows() == 5);
    QTest::mouseClick(map->plot(), Qt::LeftButton, {}, map->plot()->mapFrom(map, map->cellCenter(row, col)));
    QCOMPARE(page()->model()->selectedQuery(), row);
    QTabBar *bar = page()->cellTabs()->tabBar();
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(1).center());
    QCOMPARE(page()->cellTabs()->currentWidget(), static_cast<QWidget *>(page()->neuronView()));
    QTRY_VERIFY(page()->neuronView()->isVisible());
}

void TstExplorerNeuron::clickCell(NeuronView::Part part, int key)
{
    NeuronView *view = page()->neuronView();
    const QRect cell = view->cellRect(part, key, -1);
    QVERIFY(!cell.isEmpty());
    view->findChild<QScrollArea *>()->ensureVisible(cell.center().x(), cell.center().y());
    QTest::mouseClick(view->canvas(), Qt::LeftButton, {}, cell.center());
}

const Mat<double> &TstExplorerNeuron::stateQ() const
{
    const auto state = page()->state();
    return state->setup->inputs.q[std::size_t(state->result.head)];
}

const Mat<double> &TstExplorerNeuron::stateK() const
{
    const auto state = page()->state();
    return state->setup->inputs.k[state->setup->inputs.kvHeadOf(std::size_t(state->result.head))];
}

void TstExplorerNeuron::checkVectors(int query)
{
    QVERIFY(page()->neuronView()->hasContent());
    const NeuronValues &n = page()->neuronView()->content()->values;
    const Mat<double> &q = stateQ(), &k = stateK();
    QCOMPARE(n.dim(), q.cols());
    QCOMPARE(n.keys(), k.rows());
    for (Eigen::Index d = 0; d < q.cols(); ++d)
        QCOMPARE(n.q(d), q(query, d));
    for (Eigen::Index j = 0; j < k.rows(); ++j) {
        double dot = 0;
        for (Eigen::Index d = 0; d < q.cols(); ++d) {
            QCOMPARE(n.k(j, d), k(j, d));
            const double product = q(query, d) * k(j, d);
            QVERIFY(std::abs(n.product(j, d) - product) <= kTol);
            dot += product;
        }
        QVERIFY2(std::abs(n.dot(j) - dot) <= kTol * std::max(1.0, std::abs(dot)), qPrintable(QString::number(n.dot(j) - dot)));
    }
}

void TstExplorerNeuron::followsSelectedCell()
{
    QCOMPARE(page()->neuronView()->hasContent(), page()->model()->selectedQuery() >= 0); // else a hint
    clickCellAndTab(2, 1);
    checkVectors(2);
    const auto state = page()->state();
    const NeuronValues &n = page()->neuronView()->content()->values;
    const double dk = double(stateQ().cols());
    QVERIFY(std::abs(n.scale - 1 / std::sqrt(dk)) <= kTol);
    for (Eigen::Index j = 0; j < n.keys(); ++j) {
        QVERIFY(std::abs(n.scaled(j) - state->result.stages.scoresScaled(2, j)) <= kTol);
        QVERIFY(std::abs(n.scaled(j) - n.dot(j) / std::sqrt(dk)) <= kTol);
        QVERIFY(std::abs(n.weights(j) - state->result.stages.weights(2, j)) <= kTol);
        QVERIFY(!n.masked[std::size_t(j)]);
    }
    QVERIFY(std::abs(n.weights.sum() - 1) <= kTol);
    QVERIFY(page()->neuronView()->content()->title.contains(QStringLiteral("query 2 “three”")));
    QVERIFY2(page()->neuronView()->message().contains(QStringLiteral("1/√d_k = 1/√%1").arg(int(dk))),
             qPrintable(page()->neuronView()->message()));
    // Clicking the softmax cell of key 1 names the Weights stage's value.
    clickCell(NeuronView::Part::Softmax, 1);
    QTRY_VERIFY(page()->neuronView()->currentCell().has_value());
    QCOMPARE(page()->neuronView()->currentCell()->part, NeuronView::Part::Softmax);
    QVERIFY(std::abs(page()->neuronView()->currentCell()->value - state->result.stages.weights(2, 1)) <= kTol);
    // Another cell, another query.
    clickCellAndTab(4, 0);
    checkVectors(4);
    QVERIFY(page()->neuronView()->content()->title.contains(QStringLiteral("query 4 “five”")));
}

void TstExplorerNeuron::followsScale()
{
    clickCellAndTab(3, 2);
    page()->controls()->findChild<QComboBox *>("scale")->setCurrentIndex(1); // 1/d_k
    QVERIFY(waitForState(*m_window));
    const auto state = page()->state();
    QCOMPARE(state->scale.mode, ScaleSpec::Mode::Dim);
    checkVectors(3);
    const NeuronValues &n = page()->neuronView()->content()->values;
    const double dk = double(stateQ().cols());
    QVERIFY(std::abs(n.scale - 1 / dk) <= kTol);
    for (Eigen::Index j = 0; j < n.keys(); ++j) {
        QVERIFY(std::abs(n.scaled(j) - state->result.stages.scoresScaled(3, j)) <= kTol);
        QVERIFY(std::abs(n.scaled(j) - n.dot(j) / dk) <= kTol);
        QVERIFY(std::abs(n.weights(j) - state->result.stages.weights(3, j)) <= kTol);
    }
    QVERIFY(page()->neuronView()->message().contains(QStringLiteral("1/d_k = 1/%1").arg(int(dk))));
}

void TstExplorerNeuron::followsCausalMask()
{
    page()->controls()->findChild<QComboBox *>("mask")->setCurrentIndex(1); // causal
    QVERIFY(waitForState(*m_window));
    clickCellAndTab(1, 0);
    checkVectors(1);
    const auto state = page()->state();
    const NeuronValues &n = page()->neuronView()->content()->values;
    const double dk = double(stateQ().cols());
    // An independent softmax of q · k / √d_k over keys 0 and 1.
    const double s0 = n.dot(0) / std::sqrt(dk), s1 = n.dot(1) / std::sqrt(dk), top = std::max(s0, s1);
    const double e0 = std::exp(s0 - top), e1 = std::exp(s1 - top);
    QVERIFY(std::abs(n.weights(0) - e0 / (e0 + e1)) <= kTol);
    QVERIFY(std::abs(n.weights(1) - e1 / (e0 + e1)) <= kTol);
    for (Eigen::Index j = 0; j < n.keys(); ++j) {
        QCOMPARE(bool(n.masked[std::size_t(j)]), j > 1);
        QVERIFY(std::abs(n.weights(j) - state->result.stages.weights(1, j)) <= kTol);
        if (j > 1)
            QCOMPARE(n.weights(j), 0.0);
    }
    QVERIFY(page()->neuronView()->message().contains(QStringLiteral("masked")));
    clickCell(NeuronView::Part::Softmax, 3);
    QTRY_VERIFY(page()->neuronView()->currentCell().has_value());
    QVERIFY(page()->neuronView()->currentCell()->masked);
    QVERIFY2(page()->neuronView()->hoverText().contains(QStringLiteral("masked")), qPrintable(page()->neuronView()->hoverText()));
}

void TstExplorerNeuron::followsHead()
{
    clickCellAndTab(2, 3);
    const Mat<double> q0 = stateQ();
    auto *head = page()->controls()->findChild<QSpinBox *>("head");
    QVERIFY(head->maximum() >= 1);
    head->setValue(1);
    QVERIFY(waitForState(*m_window));
    const auto state = page()->state();
    QCOMPARE(state->result.head, 1);
    checkVectors(2);
    const NeuronValues &n = page()->neuronView()->content()->values;
    QVERIFY((n.q.transpose() - q0.row(2)).cwiseAbs().maxCoeff() > 1e-6); // really another head's q
    for (Eigen::Index j = 0; j < n.keys(); ++j)
        QVERIFY(std::abs(n.weights(j) - state->result.stages.weights(2, j)) <= kTol);
    QVERIFY(page()->neuronView()->content()->title.contains(QStringLiteral("head 1")));
}

QTEST_MAIN(TstExplorerNeuron)
#include "tst_explorer_neuron.moc"
