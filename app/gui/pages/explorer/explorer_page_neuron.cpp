// ExplorerPage: the neuron view of the selected query — q, k, q ⊙ k, q · k, the scaled scores
// and the softmax across the keys of the shown head, as a tab beside the computation of the cell.
// The scaled scores and the weights are the Explorer's own stages (stagedNeuronValues), so every
// scale, temperature and mask the Parameters set shows as the stages show it.

#include "explorer_page.h"

#include <QTabWidget>

#include "detail_panel.h"
#include "neuron_values.h"
#include "neuron_view.h"

namespace attnscope {
namespace {

/// How the scores were scaled, for the neuron view's line ("1/√d_k = 1/√16, τ = 2").
QString scaleName(const ScaleSpec &scale, double temperature, Eigen::Index dk)
{
    QString name;
    switch (scale.mode) {
    case ScaleSpec::Mode::Sqrt: name = ExplorerPage::tr("1/√d_k = 1/√%1").arg(dk); break;
    case ScaleSpec::Mode::Dim: name = ExplorerPage::tr("1/d_k = 1/%1").arg(dk); break;
    case ScaleSpec::Mode::None: name = ExplorerPage::tr("nothing (no scaling)"); break;
    case ScaleSpec::Mode::Custom: name = ExplorerPage::tr("a custom factor %1").arg(scale.custom, 0, 'g', 6); break;
    }
    if (temperature != 1.0)
        name += ExplorerPage::tr(", then ÷ τ = %1").arg(temperature, 0, 'g', 6);
    return name;
}

} // namespace

QTabWidget *ExplorerPage::createCellTabs()
{
    auto *tabs = new QTabWidget;
    tabs->setObjectName("cellTabs");
    tabs->setDocumentMode(true);
    tabs->addTab(m_detail, tr("&Cell"));
    m_neuron = new NeuronView;
    m_neuron->setObjectName("explorerNeuronView");
    m_neuron->setMinimumWidth(100);
    tabs->addTab(m_neuron, tr("&Neuron"));
    tabs->setTabToolTip(1, tr("For the selected query of the shown head: q, every key's k, q ⊙ k, q · k, the scaled "
                              "scores and the softmax across the keys"));
    m_cellTabs = tabs;
    return tabs;
}

void ExplorerPage::renderNeuron()
{
    const auto state = m_model->state();
    const int query = m_model->selectedQuery();
    if (!state || query < 0) {
        m_neuron->showMessage(tr("Click a cell of the heatmap to see its query's path from q and k to the weights."));
        return;
    }
    const ExplorerSetup &setup = *state->setup;
    const int head = state->result.head;
    const auto &in = setup.inputs;
    if (head < 0 || std::size_t(head) >= in.q.size() || query >= in.q[std::size_t(head)].rows()) {
        m_neuron->showMessage(tr("The selected row is not a query of head %1.").arg(head));
        return;
    }
    const Mat<double> &q = in.q[std::size_t(head)], &k = in.k[in.kvHeadOf(std::size_t(head))];
    const double factor = state->scale.factor(q.cols()) / state->temperature;
    auto values = stagedNeuronValues(q, k, state->result.stages, query, factor);
    if (!values) {
        m_neuron->showMessage(QString::fromStdString(values.error().message));
        return;
    }
    NeuronViewContent c;
    c.values = std::move(*values);
    c.queryLabel = QString::fromStdString(setup.queryTokens[std::size_t(query)]);
    for (const std::string &t : setup.keyTokens)
        c.keyLabels << QString::fromStdString(t);
    c.title = tr("head %1, query %2 “%3”").arg(head).arg(query).arg(c.queryLabel);
    c.scaleName = scaleName(state->scale, state->temperature, q.cols());
    if (!in.mask.additive.empty() || !in.mask.keyAdditive.empty())
        c.note = tr("an additive mask was added to the scaled scores before the softmax (the Masked stage)");
    m_neuron->setContent(std::move(c));
}

} // namespace attnscope
