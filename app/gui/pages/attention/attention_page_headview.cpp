// The Imported attention tab's "Heads" and "Neuron" views (BertViz's head view and neuron view):
// their tabs, how they follow the page's controls, their session settings and exports.
#include "attention_page.h"

#include <QCheckBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include "head_view.h"
#include "neuron_values.h"
#include "neuron_view.h"
#include "text.h"

namespace attnscope {
namespace {

enum TabIndex { kHeatmapTab = 0 };

const QString kThreshold = QStringLiteral("attention.headView.threshold");
const QString kHiddenHeads = QStringLiteral("attention.headView.hiddenHeads");
const QString kQuery = QStringLiteral("attention.headView.query");
const QString kNeuronHead = QStringLiteral("attention.headView.neuronHead");
const QString kNeuronQuery = QStringLiteral("attention.headView.neuronQuery");

QSpinBox *spin(const QString &name, const QString &tip, QWidget *parent)
{
    auto *s = new QSpinBox(parent);
    s->setObjectName(name);
    s->setToolTip(tip);
    return s;
}

} // namespace

void AttentionPage::createHeadViewTabs(QTabWidget *tabs)
{
    m_headView = new HeadView(tabs);
    m_headView->setObjectName("headView");
    m_headView->setProperty("viewKey", QStringLiteral("heads")); // main.cpp --view
    tabs->addTab(m_headView, tr("Heads"));

    auto *neuron = new QWidget(tabs);
    neuron->setObjectName("neuronTab");
    auto *v = new QVBoxLayout(neuron);
    v->setContentsMargins(0, 0, 0, 0);
    auto *barBox = new QWidget(neuron); // may be cut rather than widen the page
    barBox->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    auto *bar = new QHBoxLayout(barBox);
    bar->setContentsMargins(0, 0, 0, 0);
    m_neuronLayer = spin("neuronLayerSpin", tr("The layer (0-based), as in the page's controls"), neuron);
    m_neuronHead = spin("neuronHeadSpin", tr("The head (0-based); grouped-query heads read their key head"), neuron);
    m_neuronQuery = spin("neuronQuerySpin", tr("The query (0-based, the file's tokens); a click on a query in the "
                                               "Heads view chooses it too"), neuron);
    for (auto [text, box] : {std::pair{tr("Layer"), m_neuronLayer}, {tr("Head"), m_neuronHead}, {tr("Query"), m_neuronQuery}}) {
        bar->addWidget(new QLabel(text, neuron));
        bar->addWidget(box);
        bar->addSpacing(8);
    }
    bar->addStretch(1);
    v->addWidget(barBox);
    m_neuronView = new NeuronView(neuron);
    m_neuronView->setObjectName("neuronView");
    v->addWidget(m_neuronView, 1);
    neuron->setProperty("viewKey", QStringLiteral("neuron"));
    tabs->addTab(neuron, tr("Neuron"));

    connect(tabs, &QTabWidget::currentChanged, this, [this] { refreshShownTab(); });
    // The head view's and the neuron tab's layer are the page's layer.
    connect(m_headView, &HeadView::layerChanged, this, [this](int l) { m_layer->setValue(l); });
    connect(m_neuronLayer, &QSpinBox::valueChanged, this, [this](int l) {
        if (!m_updating)
            m_layer->setValue(l);
    });
    connect(m_headView, &HeadView::stateChanged, this, [this] {
        if (m_updating)
            return;
        if (m_headView->selectedQuery() >= 0 && m_headView->selectedQuery() < m_neuronQuery->maximum() + 1 &&
            !m_merge->isChecked() && !m_hide->isChecked())
            m_neuronQuery->setValue(m_headView->selectedQuery()); // the same row of the file
        emit modified();
    });
    for (QSpinBox *s : {m_neuronHead, m_neuronQuery})
        connect(s, &QSpinBox::valueChanged, this, [this] {
            if (m_updating)
                return;
            refreshNeuronView();
            emit modified();
        });
}

void AttentionPage::refreshShownTab()
{
    if (!m_viewTabs)
        return;
    if (m_viewTabs->currentWidget() == m_headView)
        refreshHeadView();
    else if (m_viewTabs->currentWidget() == m_neuronView->parentWidget())
        refreshNeuronView();
}

void AttentionPage::refreshHeadView()
{
    if (!m_bundle) {
        m_headView->clear();
        return;
    }
    // Each head as the page shows one head: the same hiding, merging and scale.
    ViewRequest r = request();
    r.mode = ViewRequest::Mode::Single;
    r.difference.reset();
    HeadViewContent c;
    for (int h = 0; h < int(m_bundle->heads()); ++h) {
        r.head = h;
        auto v = computeView(*m_bundle, r);
        if (!v) { // the page's status line says why
            m_headView->clear();
            return;
        }
        if (h == 0) {
            c.queryLabels = toQStringList(v->rowLabels);
            c.keyLabels = toQStringList(v->colLabels);
        }
        c.heads.push_back(std::make_shared<const Mat<double>>(std::move(v->values)));
    }
    c.title = tr("%1 — layer %2, %3 heads").arg(m_fileLabel->text()).arg(r.layer).arg(m_bundle->heads());
    m_headView->setLayers(int(m_bundle->layers()), r.layer);
    m_headView->setContent(std::move(c));
}

void AttentionPage::refreshNeuronView()
{
    if (!m_bundle) {
        m_neuronView->showMessage(tr("Open a bundle with q and k to see how one query's weights come about."));
        return;
    }
    const AttentionBundle &b = *m_bundle;
    const bool was = m_updating;
    m_updating = true;
    m_neuronLayer->setRange(0, int(b.layers()) - 1);
    m_neuronLayer->setValue(m_layer->value());
    m_neuronHead->setRange(0, int(b.heads()) - 1);
    m_neuronQuery->setRange(0, int(b.queries()) - 1);
    m_updating = was;
    if (!b.hasQkv()) {
        m_neuronView->showMessage(tr("%1 holds no q and k, so the neuron view cannot be drawn: it needs a bundle "
                                     "with q, k, v (attnscope-cli model writes one; see docs/bundle-format.md).")
                                      .arg(m_fileLabel->text()));
        return;
    }
    const int layer = m_layer->value(), head = m_neuronHead->value(), query = m_neuronQuery->value();
    auto n = bundleNeuronValues(b, layer, head, query);
    if (!n) {
        m_neuronView->showMessage(tr("Cannot show this: %1").arg(QString::fromStdString(n.error().message)));
        return;
    }
    NeuronViewContent c;
    c.values = std::move(n.value());
    c.keyLabels = b.keyTokens.empty() ? QStringList() : toQStringList(b.keyTokens);
    for (int j = int(c.keyLabels.size()); j < int(b.keys()); ++j)
        c.keyLabels << QString::number(j);
    c.queryLabel = std::size_t(query) < b.tokens.size() ? QString::fromStdString(b.tokens[std::size_t(query)])
                                                        : QString::number(query);
    const std::int64_t kvHeads = b.k[std::size_t(layer)].shape[0];
    const QString kv = kvHeads != b.heads() ? tr(" (key head %1)").arg(std::int64_t(head) * kvHeads / b.heads()) : QString();
    c.title = tr("Layer %1, head %2%3, query %4 “%5”").arg(layer).arg(head).arg(kv).arg(query).arg(c.queryLabel);
    m_neuronView->setContent(std::move(c));
}

bool AttentionPage::headViewShown() const
{
    return m_viewTabs && m_viewTabs->currentWidget() == m_headView && !m_headView->content().isEmpty();
}

bool AttentionPage::exportHeadViewPicture(const QString &path, QSize size, double scale, QString *error)
{
    refreshHeadView();
    if (m_headView->content().isEmpty())
        return reportError(tr("Nothing is shown in the Heads view: %1").arg(statusText()), error);
    if (auto st = m_headView->exportPicture(path, size, scale); !st)
        return reportError(QString::fromStdString(st.error().message), error);
    emit statusMessage(tr("Wrote %1").arg(QFileInfo(path).fileName()));
    return true;
}

PageSettings AttentionPage::headViewSettings() const
{
    PageSettings s;
    s.insert(kThreshold, QString::number(m_headView->threshold(), 'g', QLocale::FloatingPointShortest));
    QStringList hidden;
    for (int h = 0; h < int(m_headView->state().shown.size()); ++h)
        if (!m_headView->isHeadShown(h))
            hidden << QString::number(h);
    s.insert(kHiddenHeads, hidden.join(','));
    s.insert(kQuery, QString::number(m_headView->selectedQuery()));
    s.insert(kNeuronHead, QString::number(m_neuronHead->value()));
    s.insert(kNeuronQuery, QString::number(m_neuronQuery->value()));
    return s;
}

QStringList AttentionPage::applyHeadViewSettings(const PageSettings &s)
{
    QStringList notes;
    const auto note = [&](const QString &key) { notes << tr("%1 \"%2\" cannot be used here").arg(key, s.value(key)); };
    bool ok = false;
    if (s.contains(kThreshold)) {
        const double t = s.value(kThreshold).toDouble(&ok);
        ok && t >= 0 && t <= 1 ? m_headView->setThreshold(t) : note(kThreshold);
    }
    if (s.contains(kHiddenHeads)) {
        const QString text = s.value(kHiddenHeads);
        const auto list = text.isEmpty() ? std::optional<QList<int>>(QList<int>()) : intListSetting(text, 0, 4095);
        if (list) {
            m_headView->setAllHeadsShown(true);
            for (int h : *list)
                m_headView->setHeadShown(h, false);
        } else {
            note(kHiddenHeads);
        }
    }
    if (m_bundle)
        refreshHeadView(); // the content, so that the query's range is known
    if (s.contains(kQuery)) {
        const int q = s.value(kQuery).toInt(&ok);
        ok && q >= -1 ? m_headView->setSelectedQuery(q) : note(kQuery);
    }
    for (auto [key, box] : {std::pair{kNeuronHead, m_neuronHead}, {kNeuronQuery, m_neuronQuery}})
        if (s.contains(key) && !applySetting(s, key, box))
            note(key);
    return notes;
}

} // namespace attnscope
