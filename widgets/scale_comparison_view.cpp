#include "scale_comparison_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

#include "heatmap_view.h"

namespace attnscope {

ScaleComparisonView::ScaleComparisonView(QWidget *parent) : QWidget(parent)
{
    setObjectName("scaleComparison");
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    auto *label = new QLabel(tr("d<sub>k</sub> (head size):"), this);
    m_dkBox = new QSpinBox(this);
    m_dkBox->setObjectName("comparisonDk");
    m_dkBox->setRange(1, 4096);
    m_dkBox->setToolTip(tr("The head size the scores are shown for: they grow like √d_k (the vectors' products add up), "
                           "which 1/√d_k undoes and 1/d_k overdoes"));
    label->setBuddy(m_dkBox);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName("comparisonDkSlider");
    m_slider->setRange(0, 12); // d_k = 2^value: 1 … 4096
    m_slider->setToolTip(m_dkBox->toolTip());
    row->addWidget(label);
    row->addWidget(m_dkBox);
    row->addWidget(m_slider, 1);
    layout->addLayout(row);
    connect(m_dkBox, &QSpinBox::valueChanged, this, [this](int v) {
        const QSignalBlocker quiet(m_slider);
        m_slider->setValue(int(std::lround(std::log2(double(v)))));
        emit dkChanged(v);
    });
    connect(m_slider, &QSlider::valueChanged, this, [this](int p) { m_dkBox->setValue(1 << p); });
    m_summary = new QLabel(this);
    m_summary->setObjectName("comparisonSummary");
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto *maps = new QHBoxLayout;
    for (int i = 0; i < 3; ++i) {
        m_views[i] = new HeatmapView(this);
        m_views[i]->setObjectName(QStringLiteral("comparisonMap%1").arg(i));
        maps->addWidget(m_views[i], 1);
    }
    layout->addLayout(maps, 1);
    m_table = new QTableWidget(0, 3, this);
    m_table->setObjectName("comparisonEntropy");
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setMaximumHeight(m_table->fontMetrics().height() * 9);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    layout->addWidget(m_table);
}

QString ScaleComparisonView::scalingName(ScaleSpec::Mode mode)
{
    switch (mode) {
    case ScaleSpec::Mode::Sqrt: return tr("1/√d_k");
    case ScaleSpec::Mode::Dim: return tr("1/d_k");
    case ScaleSpec::Mode::None: return tr("no scaling");
    case ScaleSpec::Mode::Custom: break;
    }
    return tr("custom");
}

void ScaleComparisonView::setComparison(const ScaleComparison &c, const QStringList &rows, const QStringList &cols)
{
    if (c.dk != m_dkBox->value()) {
        const QSignalBlocker quiet(m_dkBox);
        m_dkBox->setValue(c.dk);
        const QSignalBlocker quietSlider(m_slider);
        m_slider->setValue(int(std::lround(std::log2(double(c.dk)))));
    }
    QStringList headers;
    for (std::size_t v = 0; v < c.variants.size(); ++v) {
        const ScalingVariant &var = c.variants[v];
        HeatmapView::Content content;
        content.values = std::make_shared<const Mat<double>>(var.weights);
        content.rowLabels = rows;
        content.colLabels = cols;
        content.rowAxis = tr("query");
        content.colAxis = tr("key");
        content.title = tr("%1 (σ = %2)").arg(scalingName(var.mode)).arg(var.scaledStd, 0, 'g', 3);
        content.fixedRange = std::make_pair(0.0, 1.0);
        content.numbers = m_numbers;
        m_views[v]->setContent(content);
        headers << tr("entropy, %1 (bits)").arg(scalingName(var.mode));
    }
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setRowCount(int(c.raw.rows()));
    m_table->setVerticalHeaderLabels(rows);
    for (int i = 0; i < int(c.raw.rows()); ++i)
        for (int v = 0; v < 3; ++v) {
            auto *item = new QTableWidgetItem(QString::number(c.variants[std::size_t(v)].rowEntropyBits[std::size_t(i)], 'f', 3));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(i, v, item);
        }
    m_summary->setText(tr("The same scores S = QKᵀ at d<sub>k</sub> = %1 (×%2 the head's own, as scores grow like √d<sub>k</sub>), "
                          "softmaxed under three scalings on one colour scale 0–1. A uniform row has %3 bits; a one-hot row 0.")
                           .arg(c.dk)
                           .arg(c.scoreGrowth, 0, 'g', 3)
                           .arg(std::log2(double(std::max<Eigen::Index>(c.raw.cols(), 1))), 0, 'f', 2));
}

void ScaleComparisonView::setNumbersInCells(bool on)
{
    m_numbers = on;
    for (HeatmapView *v : m_views)
        if (v->content().values && v->content().numbers != on) {
            HeatmapView::Content c = v->content();
            c.numbers = on;
            v->setContent(c);
        }
}

void ScaleComparisonView::setColormap(ColormapId id)
{
    for (HeatmapView *v : m_views)
        v->setColormap(id);
}

int ScaleComparisonView::dk() const { return m_dkBox->value(); }

void ScaleComparisonView::setDk(int dk) { m_dkBox->setValue(dk); }

} // namespace attnscope
