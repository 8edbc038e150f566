#include "model_view.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "model_grid_canvas.h"

namespace attnscope {
namespace {

enum Column { kLayerColumn, kHeadColumn, kFirstMetricColumn };
constexpr int kSortRole = Qt::UserRole + 1;

/// How notable `v` is for `m`, larger first; NaN last.
double notability(HeadMetric m, double v)
{
    if (!std::isfinite(v))
        return -std::numeric_limits<double>::infinity();
    return headMetricHighIsNotable(m) ? v : -v;
}

QComboBox *metricCombo(const QString &first, const QString &objectName, QWidget *parent)
{
    auto *c = new QComboBox(parent);
    c->setObjectName(objectName);
    c->addItem(first);
    for (int m = 0; m < kHeadMetricCount; ++m)
        c->addItem(headMetricName(HeadMetric(m)), QString::fromLatin1(headMetricKey(HeadMetric(m))));
    return c;
}

QStandardItem *numberItem(double v, int decimals)
{
    auto *item = new QStandardItem(std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—"));
    item->setData(std::isfinite(v) ? v : -1e300, kSortRole);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setEditable(false);
    return item;
}

} // namespace

ModelView::ModelView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(createBar());
    m_legend = new QLabel(this);
    m_legend->setObjectName("modelLegend");
    m_legend->setVisible(false);
    m_legend->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed); // a long legend is cut, never widens the window
    layout->addWidget(m_legend);

    auto *split = new QSplitter(Qt::Vertical, this);
    m_scroll = new QScrollArea(split);
    m_scroll->setObjectName("modelScroll");
    m_canvas = new ModelGridCanvas(&m_thumbs, m_scroll);
    m_canvas->setObjectName("modelGrid");
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(false);
    m_scroll->setBackgroundRole(QPalette::Base);
    split->addWidget(m_scroll);
    split->addWidget(createTable(split));
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({3000, 1000}); // the grid first: the table's own size hint would take half
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    m_hover = new QLabel(this);
    m_hover->setObjectName("modelHover");
    m_hover->setMinimumHeight(m_hover->fontMetrics().height() + 4);
    m_hover->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    layout->addWidget(m_hover);
    connectSignals();
    restyle();
    // A tab widget is as large as its largest page's minimum: the controls and the table must
    // not keep the window from shrinking to 600 × 400 while another tab is shown.
    setMinimumSize(160, 120);
}

QLayout *ModelView::createBar()
{
    auto *bar = new QGridLayout; // two rows: the tab must fit beside the controls in an 800-pixel window
    m_scale = new QComboBox(this);
    m_scale->setObjectName("modelScaleCombo");
    m_scale->addItems({tr("one scale for all heads"), tr("each head its own scale")});
    m_scale->setToolTip(tr("One colour scale shared by every head shows which heads are strong; a scale per head "
                           "shows each head's pattern from its own minimum to its own maximum"));
    m_colourBy = metricCombo(tr("no summary"), QStringLiteral("modelColourByCombo"), this);
    m_colourBy->setToolTip(tr("A strip under each head coloured by this summary, and the most notable tenth of "
                              "the heads framed in orange"));
    m_sortBy = metricCombo(tr("head number"), QStringLiteral("modelSortCombo"), this);
    m_sortBy->setToolTip(tr("Order the heads of each layer by this summary, most notable first (lowest entropy, "
                            "highest attention otherwise); each cell then shows its head number"));
    for (QComboBox *c : {m_scale, m_colourBy, m_sortBy}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon); // narrow windows too
        c->setMinimumContentsLength(6);
        c->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        // Wide enough for the longest item where there is room, no wider.
        int widest = 0;
        for (int i = 0; i < c->count(); ++i)
            widest = std::max(widest, c->fontMetrics().horizontalAdvance(c->itemText(i)));
        c->setMaximumWidth(widest + 48);
    }
    m_zoom = new QSlider(Qt::Horizontal, this);
    m_zoom->setObjectName("modelZoomSlider");
    m_zoom->setRange(kMinCell, kMaxCell);
    m_zoom->setValue(kDefaultCell);
    m_zoom->setMinimumWidth(40);
    m_zoom->setMaximumWidth(160);
    m_zoom->setToolTip(tr("Size of each head's picture, in pixels (also ctrl + wheel over the grid)"));
    const std::pair<QString, QWidget *> items[] = {
        {tr("Colours"), m_scale}, {tr("Colour by"), m_colourBy}, {tr("Sort by"), m_sortBy}, {tr("Size"), m_zoom}};
    for (int i = 0; i < 4; ++i) {
        bar->addWidget(new QLabel(items[i].first, this), i / 2, 2 * (i % 2));
        bar->addWidget(items[i].second, i / 2, 2 * (i % 2) + 1);
    }
    bar->setColumnStretch(1, 1);
    bar->setColumnStretch(3, 1);
    bar->setColumnStretch(4, 1); // the room left over, right of the controls
    return bar;
}

QTableView *ModelView::createTable(QWidget *parent)
{
    m_table = new QTableView(parent);
    m_table->setObjectName("modelTable");
    m_model = new QStandardItemModel(0, kFirstMetricColumn + kHeadMetricCount, m_table);
    m_model->setSortRole(kSortRole);
    m_model->setHorizontalHeaderLabels(
        {tr("Layer"), tr("Head"), tr("Entropy (bits)"), tr("Special"), tr("Previous"), tr("Next"), tr("Self")});
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    for (int c : {kLayerColumn, kHeadColumn})
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->setToolTip(tr("Every head with its summaries: click a column to rank by it, double-click a head to open "
                           "it in the heatmap"));
    return m_table;
}

void ModelView::connectSignals()
{
    for (QComboBox *c : {m_scale, m_colourBy, m_sortBy})
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            restyle();
            if (!m_updating)
                emit settingsChanged();
        });
    connect(m_zoom, &QSlider::valueChanged, this, [this] {
        restyle();
        if (!m_updating)
            emit settingsChanged();
    });
    connect(m_canvas, &ModelGridCanvas::zoomRequested, this,
            [this](int steps) { m_zoom->setValue(m_zoom->value() + steps * std::max(4, m_zoom->value() / 8)); });
    connect(m_canvas, &ModelGridCanvas::headClicked, this, &ModelView::headActivated);
    connect(m_canvas, &ModelGridCanvas::hovered, this, &ModelView::onHovered);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        const int row = index.row();
        emit headActivated(m_model->item(row, kLayerColumn)->data(kSortRole).toInt(),
                           m_model->item(row, kHeadColumn)->data(kSortRole).toInt());
    });
}

ModelView::~ModelView() = default;

void ModelView::setBundle(std::shared_ptr<const AttentionBundle> bundle, std::vector<HeadSummary> summaries,
                          const QString &title)
{
    m_thumbs.setBundle(std::move(bundle));
    m_summaries = std::move(summaries);
    m_title = title;
    fillTable();
    restyle();
}

void ModelView::clear()
{
    setBundle(nullptr, {}, QString());
}

void ModelView::setColormap(ColormapId id)
{
    m_thumbs.setColormap(id);
    m_canvas->update();
}

void ModelView::setFocused(int layer, int head)
{
    m_focusLayer = layer;
    m_focusHead = head;
    restyle();
}

bool ModelView::sharedScale() const
{
    return m_scale->currentIndex() == 0;
}

void ModelView::setSharedScale(bool shared)
{
    m_updating = true;
    m_scale->setCurrentIndex(shared ? 0 : 1);
    m_updating = false;
}

std::optional<HeadMetric> ModelView::colourBy() const
{
    const int i = m_colourBy->currentIndex();
    return i > 0 ? std::optional<HeadMetric>(HeadMetric(i - 1)) : std::nullopt;
}

void ModelView::setColourBy(std::optional<HeadMetric> m)
{
    m_updating = true;
    m_colourBy->setCurrentIndex(m ? int(*m) + 1 : 0);
    m_updating = false;
}

std::optional<HeadMetric> ModelView::sortBy() const
{
    const int i = m_sortBy->currentIndex();
    return i > 0 ? std::optional<HeadMetric>(HeadMetric(i - 1)) : std::nullopt;
}

void ModelView::setSortBy(std::optional<HeadMetric> m)
{
    m_updating = true;
    m_sortBy->setCurrentIndex(m ? int(*m) + 1 : 0);
    m_updating = false;
}

int ModelView::cellSide() const
{
    return m_zoom->value();
}

void ModelView::setCellSide(int pixels)
{
    m_updating = true;
    m_zoom->setValue(std::clamp(pixels, int(kMinCell), int(kMaxCell)));
    m_updating = false;
}

const ModelGridStyle &ModelView::gridStyle() const
{
    return m_canvas->gridStyle();
}

std::vector<std::vector<int>> ModelView::sortedOrder(HeadMetric m) const
{
    // Within each layer, the most notable head first; ties keep head order.
    const int layers = m_thumbs.layers(), heads = m_thumbs.heads();
    auto order = std::vector<std::vector<int>>(std::size_t(layers), std::vector<int>(std::size_t(heads)));
    for (int l = 0; l < layers; ++l) {
        auto &row = order[std::size_t(l)];
        std::iota(row.begin(), row.end(), 0);
        std::stable_sort(row.begin(), row.end(), [&](int a, int b) {
            return notability(m, m_summaries[std::size_t(l * heads + a)].value(m)) >
                   notability(m, m_summaries[std::size_t(l * heads + b)].value(m));
        });
    }
    return order;
}

std::vector<bool> ModelView::notableHeads(HeadMetric m) const
{
    // The most notable tenth of all heads (at least one); ties at the threshold all count.
    std::vector<double> score;
    for (const HeadSummary &h : m_summaries)
        score.push_back(notability(m, h.value(m)));
    std::vector<double> sorted = score;
    const std::size_t top = std::max<std::size_t>(1, score.size() / 10);
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(top - 1), sorted.end(), std::greater<>());
    const double threshold = sorted[top - 1];
    std::vector<bool> out;
    for (double v : score)
        out.push_back(std::isfinite(v) && v >= threshold);
    return out;
}

void ModelView::restyle()
{
    m_thumbs.setSharedScale(sharedScale());
    ModelGridStyle s;
    s.side = cellSide();
    s.gap = std::max(4, s.side / 12);
    s.rowLabelWidth = fontMetrics().horizontalAdvance(QStringLiteral("L000")) + 8;
    s.columnLabelHeight = fontMetrics().height() + 4;
    s.focusLayer = m_focusLayer;
    s.focusHead = m_focusHead;
    const int layers = m_thumbs.layers(), heads = m_thumbs.heads();
    const bool haveSummaries = int(m_summaries.size()) == layers * heads && layers * heads > 0;
    const std::optional<HeadMetric> colour = haveSummaries ? colourBy() : std::nullopt;
    const std::optional<HeadMetric> sort = haveSummaries ? sortBy() : std::nullopt;
    if (sort) {
        s.order = sortedOrder(*sort);
        s.headNumbers = true;
    }
    m_standsOut = colour ? notableHeads(*colour) : sort ? notableHeads(*sort) : std::vector<bool>();
    s.standsOut = m_standsOut;
    if (colour) {
        s.summaries = &m_summaries;
        s.colourBy = colour;
        s.badgeHeight = std::clamp(s.side / 5, 6, fontMetrics().height() + 4);
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const HeadSummary &h : m_summaries)
            if (const double v = h.value(*colour); std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        s.badgeLo = std::isfinite(lo) ? lo : 0;
        s.badgeHi = std::isfinite(hi) ? hi : 1;
    }
    m_canvas->setStyle(s);
    updateLegend();
}

void ModelView::updateLegend()
{
    const ModelGridStyle &s = m_canvas->gridStyle();
    if (!s.colourBy) {
        m_legend->setVisible(false);
        m_legend->setToolTip(QString());
        return;
    }
    const QString name = headMetricName(*s.colourBy);
    const QString low = QString::number(s.badgeLo, 'f', 2), high = QString::number(s.badgeHi, 'f', 2);
    const QString framed = tr("framed: the most notable tenth (%1)")
                               .arg(headMetricHighIsNotable(*s.colourBy) ? tr("highest") : tr("lowest"));
    const QFontMetrics fm = fontMetrics();
    const int h = fm.height() + 6, ramp = 160;
    const int w = fm.horizontalAdvance(name + low + high + framed) + ramp + 60;
    QPixmap pixmap(w * devicePixelRatio(), h * devicePixelRatio());
    pixmap.setDevicePixelRatio(devicePixelRatio());
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setPen(palette().color(QPalette::WindowText));
    int x = 0;
    auto text = [&](const QString &t) {
        p.drawText(QRect(x, 0, fm.horizontalAdvance(t) + 4, h), Qt::AlignLeft | Qt::AlignVCenter, t);
        x += fm.horizontalAdvance(t) + 10;
    };
    text(name + QStringLiteral(":"));
    text(low);
    for (int i = 0; i < ramp; ++i)
        p.fillRect(x + i, 3, 1, h - 6, QColor::fromRgb(summaryColour(s.badgeLo + (s.badgeHi - s.badgeLo) * i / (ramp - 1.0),
                                                                      s.badgeLo, s.badgeHi)));
    x += ramp + 6;
    text(high);
    p.setPen(QPen(QColor(230, 120, 0), 3));
    p.drawRect(x, 4, h - 8, h - 8);
    x += h;
    p.setPen(palette().color(QPalette::WindowText));
    text(framed);
    p.end();
    m_legend->setPixmap(pixmap);
    m_legend->setToolTip(QStringLiteral("%1: %2 … %3; %4").arg(name, low, high, framed));
    m_legend->setVisible(true);
}

void ModelView::fillTable()
{
    m_model->removeRows(0, m_model->rowCount());
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    for (const HeadSummary &h : m_summaries) {
        QList<QStandardItem *> row;
        for (int v : {h.layer, h.head}) {
            auto *item = new QStandardItem(QString::number(v));
            item->setData(v, kSortRole);
            item->setEditable(false);
            row << item;
        }
        for (int m = 0; m < kHeadMetricCount; ++m)
            row << numberItem(h.value(HeadMetric(m)), 3);
        m_model->appendRow(row);
    }
}

void ModelView::onHovered(int layer, int head, int row, int col, double value)
{
    if (layer < 0) {
        m_hover->clear();
        m_canvas->setToolTip(QString());
        return;
    }
    const AttentionBundle &b = *m_thumbs.bundle();
    QString text = tr("layer %1, head %2").arg(layer).arg(head);
    if (row >= 0) {
        const auto token = [](const std::vector<std::string> &tokens, int i) {
            return std::size_t(i) < tokens.size() ? QStringLiteral(" “%1”").arg(QString::fromStdString(tokens[std::size_t(i)]))
                                                  : QString();
        };
        text += tr(": query %1%2 → key %3%4: %5")
                    .arg(row)
                    .arg(token(b.tokens, row))
                    .arg(col)
                    .arg(token(b.keyTokens, col))
                    .arg(QString::number(value, 'g', 4));
    }
    const std::size_t k = std::size_t(layer) * std::size_t(b.heads()) + std::size_t(head);
    if (k < m_summaries.size()) {
        const HeadSummary &s = m_summaries[k];
        text += tr("   (entropy %1 bits, special %2, previous %3, next %4, self %5)")
                    .arg(s.entropy, 0, 'f', 2)
                    .arg(s.special, 0, 'f', 2)
                    .arg(s.previous, 0, 'f', 2)
                    .arg(s.next, 0, 'f', 2)
                    .arg(s.self, 0, 'f', 2);
    }
    m_hover->setText(text);
    m_canvas->setToolTip(text);
}

QSize ModelView::pictureSize(int cellSide) const
{
    return modelPictureSize(m_thumbs, exportStyle(cellSide), cellSide);
}

Status ModelView::exportPicture(const QString &path, int cellSide) const
{
    return exportModelPicture(path, m_thumbs, exportStyle(cellSide), m_title, cellSide);
}

ModelGridStyle ModelView::exportStyle(int cellSide) const
{
    ModelGridStyle s = m_canvas->gridStyle();
    s.focusLayer = s.focusHead = -1;
    s.gap = std::max(4, cellSide / 12);
    s.rowLabelWidth = std::max(40, cellSide / 3);
    s.columnLabelHeight = std::max(22, cellSide / 6);
    if (s.badgeHeight > 0)
        s.badgeHeight = std::clamp(cellSide / 5, 8, 28);
    return s;
}

} // namespace attnscope
