// ExplorerPage: what it shows for teaching. The formula line with the stage's part highlighted,
// the view options applied to each heatmap (numbers in cells, the fixed 0–1 weights scale), and
// the comparison of 1/√d_k, 1/d_k and no scaling (engine/math/scale_comparison.h) that takes the
// heatmaps' place while "Compare scalings" is down.

#include "explorer_page.h"

#include <QAction>
#include <QHBoxLayout>
#include <QPushButton>

#include "formula_line.h"
#include "scale_comparison.h"
#include "scale_comparison_view.h"
#include "text.h"

namespace attnscope {
namespace {
constexpr int kFormulaMinPageHeight = 420; // below it the heatmap keeps the height (tst_window_pages)
} // namespace

QWidget *ExplorerPage::createTeachingRow(QWidget *parent)
{
    auto *row = new QWidget(parent);
    m_teachingRow = row;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    m_formula = new FormulaLine(row);
    layout->addWidget(m_formula, 1);
    m_compareButton = new QPushButton(tr("Compare &scalings"), row);
    m_compareButton->setObjectName("compareScalingsButton");
    m_compareButton->setCheckable(true);
    m_compareButton->setToolTip(tr("The same scores under 1/√d_k, 1/d_k and no scaling, side by side on one colour scale, "
                                   "with each row's entropy; change d_k to see the softmax saturate"));
    layout->addWidget(m_compareButton, 0, Qt::AlignTop);
    m_comparisonView = new ScaleComparisonView(parent);
    m_comparisonView->setVisible(false);
    connect(m_compareButton, &QPushButton::toggled, this, &ExplorerPage::showScaleComparison);
    connect(m_comparisonView, &ScaleComparisonView::dkChanged, this, &ExplorerPage::setComparisonDk);
    m_compareAction = new QAction(m_compareButton->text(), this);
    m_compareAction->setObjectName("compareScalingsAction");
    m_compareAction->setCheckable(true);
    connect(m_compareAction, &QAction::toggled, this, &ExplorerPage::showScaleComparison);
    return row;
}

void ExplorerPage::resizeEvent(QResizeEvent *event)
{
    Page::resizeEvent(event);
    m_teachingRow->setVisible(height() >= kFormulaMinPageHeight);
}

HeatmapView::Content ExplorerPage::decorated(HeatmapView::Content content) const
{
    content.numbers = m_viewOptions.numbersInCells;
    if (m_viewOptions.fixedWeightScale && !content.diverging) // weights: the only stage in 0..1
        content.fixedRange = std::make_pair(0.0, 1.0);
    return content;
}

void ExplorerPage::showScaleComparison(bool on)
{
    if (m_compareButton->isChecked() != on) {
        m_compareButton->setChecked(on); // comes back here through toggled
        return;
    }
    m_compareAction->setChecked(on);
    m_mapsBox->setVisible(!on);
    m_comparisonView->setVisible(on);
    if (on)
        updateComparison();
}

bool ExplorerPage::scaleComparisonShown() const { return m_compareButton->isChecked(); }

void ExplorerPage::setComparisonDk(int dk)
{
    if (dk == m_comparisonDk || dk < 1)
        return;
    m_comparisonDk = dk;
    m_comparisonView->setDk(dk);
    if (scaleComparisonShown())
        updateComparison();
}

void ExplorerPage::updateComparison()
{
    const auto state = m_model->state();
    if (!state)
        return;
    const ExplorerSetup &setup = *state->setup;
    const Mat<double> &raw = state->result.stages.scoresRaw;
    const auto h = std::size_t(state->result.head);
    const int headDk = int(setup.inputs.q[h].cols());
    if (m_comparisonDk < 1)
        m_comparisonDk = headDk;
    const BoolMat blocked = blockedPositions(setup.inputs.mask, h, raw.rows(), raw.cols());
    m_comparisonView->setNumbersInCells(m_viewOptions.numbersInCells);
    m_comparisonView->setColormap(m_viewOptions.colormap);
    m_comparisonView->setComparison(compareScalings(raw, blocked, headDk, m_comparisonDk), toQStringList(setup.queryTokens),
                                    toQStringList(setup.keyTokens));
}

} // namespace attnscope
