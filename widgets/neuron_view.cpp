#include "neuron_view.h"

#include <QFontMetricsF>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "cell_values.h"

namespace attnscope {
namespace {

constexpr int kMargin = 10, kTitles = 22, kRow = 22, kGapQ = 12, kScalarW = 74, kSpacing = 14;

/// Where each column and row of the picture lies.
struct Geometry {
    int labelW = 60, cellW = 6, dim = 0, keys = 0;
    int stripW() const { return dim * cellW; }
    int keyX() const { return kMargin + labelW + 8; }
    int productX() const { return keyX() + stripW() + kSpacing; }
    int dotX() const { return productX() + stripW() + kSpacing; }
    int scaledX() const { return dotX() + kScalarW + 6; }
    int softmaxX() const { return scaledX() + kScalarW + 6; }
    int queryY() const { return kMargin + kTitles; }
    int keyY(int j) const { return queryY() + kRow + kGapQ + j * kRow; }
    QSize size() const { return QSize(softmaxX() + kScalarW + kMargin, keyY(keys) + kMargin); }
};

Geometry geometryOf(const NeuronViewContent &c)
{
    Geometry g;
    g.dim = int(c.values.dim());
    g.keys = int(c.values.keys());
    g.cellW = std::clamp(360 / std::max(g.dim, 1), 4, 44);
    QFont f;
    f.setPixelSize(12);
    const QFontMetricsF fm(f);
    double w = fm.horizontalAdvance(QStringLiteral("q “%1”").arg(c.queryLabel));
    for (const QString &s : c.keyLabels)
        w = std::max(w, fm.horizontalAdvance(s));
    g.labelW = std::clamp(int(std::ceil(w)) + 8, 40, 180);
    return g;
}

/// Blue (negative) – white – red (positive), v / scale in [−1, 1].
QColor diverging(double v, double scale)
{
    if (!std::isfinite(v) || scale <= 0)
        return QColor(220, 220, 220);
    const double t = std::clamp(v / scale, -1.0, 1.0);
    const QColor end = t < 0 ? QColor(0x21, 0x66, 0xac) : QColor(0xb2, 0x18, 0x2b);
    const double a = std::abs(t);
    return QColor::fromRgbF(float(1 - a + a * end.redF()), float(1 - a + a * end.greenF()), float(1 - a + a * end.blueF()));
}

QColor sequential(double w)
{
    const double a = std::clamp(w, 0.0, 1.0);
    return QColor::fromRgbF(float(1 - a + a * 0.03), float(1 - a + a * 0.32), float(1 - a + a * 0.61));
}

double maxAbs(const Eigen::Ref<const Eigen::ArrayXd> &a)
{
    double m = 0;
    for (Eigen::Index i = 0; i < a.size(); ++i)
        if (std::isfinite(a(i)))
            m = std::max(m, std::abs(a(i)));
    return m;
}

void drawCell(QPainter &p, const QRect &r, const QColor &fill, const QString &text)
{
    p.fillRect(r, fill);
    if (text.isEmpty())
        return;
    p.setPen(fill.lightnessF() < 0.5 ? Qt::white : Qt::black);
    p.drawText(r, Qt::AlignCenter, text);
}

/// Two significant digits: what fits a strip's cell.
QString shortNumber(double v)
{
    return QString::number(v, 'g', 2).replace(QLatin1Char('-'), QChar(0x2212));
}

QString number(double v)
{
    return std::isinf(v) ? (v < 0 ? QStringLiteral("−∞") : QStringLiteral("∞")) : cellValueText(v, false, 3);
}

} // namespace

NeuronView::NeuronView(QWidget *parent) : QWidget(parent)
{
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    m_header = new QLabel(this);
    m_header->setObjectName("neuronViewHeader");
    m_header->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // cut, not a minimum width
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(m_header);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setBackgroundRole(QPalette::Base);
    m_canvas = new NeuronCanvas(this);
    m_canvas->setObjectName("neuronViewCanvas");
    m_scroll->setWidget(m_canvas);
    v->addWidget(m_scroll, 1);
    m_hover = new QLabel(this);
    m_hover->setObjectName("neuronViewHover");
    m_hover->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hover->setMinimumHeight(m_hover->fontMetrics().height() + 4);
    m_hover->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    v->addWidget(m_hover);
    showMessage(tr("Nothing to show."));
}

void NeuronView::setContent(NeuronViewContent content)
{
    const NeuronValues &n = content.values;
    const bool anyMasked = std::count(n.masked.begin(), n.masked.end(), true) > 0;
    if (content.scaleName.isEmpty())
        m_header->setText(tr("<b>%1</b> — scores q·k scaled by 1/√d = 1/√%2 = %3, then softmax across the keys%4")
                              .arg(content.title.toHtmlEscaped())
                              .arg(n.dim())
                              .arg(n.scale, 0, 'g', 4)
                              .arg(anyMasked ? tr("; hatched keys are masked (causal or sliding window)") : QString()));
    else
        m_header->setText(tr("<b>%1</b> — scores q·k scaled by %2 (× %3), then softmax across the keys%4")
                              .arg(content.title.toHtmlEscaped(), content.scaleName.toHtmlEscaped())
                              .arg(n.scale, 0, 'g', 4)
                              .arg(anyMasked ? tr("; hatched keys are masked") : QString()));
    if (!content.note.isEmpty())
        m_header->setText(m_header->text() + QStringLiteral("; ") + content.note.toHtmlEscaped());
    m_header->setToolTip(m_header->text()); // the line may be cut in a narrow window
    m_content = std::move(content);
    m_canvas->setMinimumSize(geometryOf(*m_content).size());
    m_canvas->updateGeometry();
    setCurrent(std::nullopt);
    m_canvas->update();
}

void NeuronView::showMessage(const QString &message)
{
    m_content.reset();
    m_header->setText(message.toHtmlEscaped());
    m_header->setToolTip(message.toHtmlEscaped());
    m_canvas->setMinimumSize(0, 0);
    setCurrent(std::nullopt);
    m_canvas->update();
}

QString NeuronView::message() const
{
    return m_header->text();
}

QRect NeuronView::cellRect(Part part, int key, int dim) const
{
    if (!m_content)
        return {};
    const Geometry g = geometryOf(*m_content);
    const bool vector = part == Part::Query || part == Part::Key || part == Part::Product;
    if ((vector && (dim < 0 || dim >= g.dim)) || (part != Part::Query && (key < 0 || key >= g.keys)))
        return {};
    switch (part) {
    case Part::Query: return QRect(g.keyX() + dim * g.cellW, g.queryY(), g.cellW, kRow);
    case Part::Key: return QRect(g.keyX() + dim * g.cellW, g.keyY(key), g.cellW, kRow);
    case Part::Product: return QRect(g.productX() + dim * g.cellW, g.keyY(key), g.cellW, kRow);
    case Part::Dot: return QRect(g.dotX(), g.keyY(key), kScalarW, kRow);
    case Part::Scaled: return QRect(g.scaledX(), g.keyY(key), kScalarW, kRow);
    case Part::Softmax: return QRect(g.softmaxX(), g.keyY(key), kScalarW, kRow);
    }
    return {};
}

std::optional<NeuronView::Cell> NeuronView::cellAt(QPoint pt) const
{
    if (!m_content)
        return std::nullopt;
    const Geometry g = geometryOf(*m_content);
    const NeuronValues &n = m_content->values;
    const auto inStrip = [&](int x0) { return pt.x() >= x0 && pt.x() < x0 + g.stripW() ? (pt.x() - x0) / g.cellW : -1; };
    if (pt.y() >= g.queryY() && pt.y() < g.queryY() + kRow) {
        const int d = inStrip(g.keyX());
        return d < 0 ? std::nullopt : std::optional<Cell>(Cell{Part::Query, -1, d, n.q(d), false});
    }
    if (pt.y() < g.keyY(0) || pt.y() >= g.keyY(g.keys))
        return std::nullopt;
    const int j = (pt.y() - g.keyY(0)) / kRow;
    const bool masked = n.masked[std::size_t(j)];
    if (const int d = inStrip(g.keyX()); d >= 0)
        return Cell{Part::Key, j, d, n.k(j, d), masked};
    if (const int d = inStrip(g.productX()); d >= 0)
        return Cell{Part::Product, j, d, n.product(j, d), masked};
    for (auto [part, x] : {std::pair{Part::Dot, g.dotX()}, {Part::Scaled, g.scaledX()}, {Part::Softmax, g.softmaxX()}})
        if (pt.x() >= x && pt.x() < x + kScalarW)
            return Cell{part, j, -1, part == Part::Dot ? n.dot(j) : part == Part::Scaled ? n.scaled(j) : n.weights(j), masked};
    return std::nullopt;
}

QString NeuronView::hoverText() const
{
    return m_hover->text();
}

void NeuronView::setCurrent(std::optional<Cell> cell)
{
    m_current = cell;
    if (!cell || !m_content) {
        m_hover->setText(m_content ? tr("Hover a cell for its value.") : QString());
        return;
    }
    const QString key = cell->key >= 0 ? m_content->keyLabels.value(cell->key) : QString();
    const QString v = number(cell->value);
    QString text;
    switch (cell->part) {
    case Part::Query: text = tr("q[%1] = %2").arg(cell->dim).arg(v); break;
    case Part::Key: text = tr("k[%1] of key %2 “%3” = %4").arg(cell->dim).arg(cell->key).arg(key, v); break;
    case Part::Product: text = tr("q[%1] · k[%1] of key %2 “%3” = %4").arg(cell->dim).arg(cell->key).arg(key, v); break;
    case Part::Dot: text = tr("q · k of key %1 “%2” = %3").arg(cell->key).arg(key, v); break;
    case Part::Scaled:
        text = m_content->scaleName.isEmpty() ? tr("q · k / √d of key %1 “%2” = %3").arg(cell->key).arg(key, v)
                                              : tr("scaled q · k of key %1 “%2” = %3").arg(cell->key).arg(key, v);
        break;
    case Part::Softmax: text = tr("softmax weight of key %1 “%2” = %3").arg(cell->key).arg(key, v); break;
    }
    m_hover->setText(cell->masked ? tr("%1 (masked)").arg(text) : text);
}

NeuronCanvas::NeuronCanvas(NeuronView *view) : QWidget(view), m_view(view)
{
    setMouseTracking(true);
}

QSize NeuronCanvas::sizeHint() const
{
    return m_view->content() ? geometryOf(*m_view->content()).size() : QSize(200, 100);
}

void NeuronCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    const NeuronViewContent *c = m_view->content();
    if (!c)
        return;
    const Geometry g = geometryOf(*c);
    const NeuronValues &n = c->values;
    QFont small;
    small.setPixelSize(11);
    QFont label;
    label.setPixelSize(12);
    p.setFont(label);
    p.setPen(Qt::black);
    const auto title = [&](int x, int w, const QString &t) {
        p.setPen(Qt::black);
        p.drawText(QRect(x, kMargin, w, kTitles - 4), Qt::AlignLeft | Qt::AlignBottom, t);
    };
    title(g.keyX(), g.stripW(), tr("q and k (%1 dims)").arg(g.dim));
    title(g.productX(), g.stripW(), tr("q ⊙ k"));
    title(g.dotX(), kScalarW, tr("q · k"));
    title(g.scaledX(), kScalarW,
          c->scaleName.isEmpty() ? tr("÷ √%1").arg(g.dim) : QStringLiteral("× %1").arg(n.scale, 0, 'g', 3));
    title(g.softmaxX(), kScalarW, tr("softmax"));
    p.drawText(QRect(kMargin, g.queryY(), g.labelW, kRow), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("q “%1”").arg(c->queryLabel));
    const double vecScale = std::max(maxAbs(n.q.array()), maxAbs(n.k.reshaped().array()));
    const double prodScale = maxAbs(n.product.reshaped().array());
    const double dotScale = maxAbs(n.dot.array()), scaledScale = maxAbs(n.scaled.array());
    const bool printStrip = g.cellW >= 40;
    p.setFont(small);
    for (int d = 0; d < g.dim; ++d)
        drawCell(p, m_view->cellRect(NeuronView::Part::Query, -1, d), diverging(n.q(d), vecScale),
                 printStrip ? shortNumber(n.q(d)) : QString());
    for (int j = 0; j < g.keys; ++j) {
        p.setFont(label);
        p.setPen(Qt::black);
        p.drawText(QRect(kMargin, g.keyY(j), g.labelW, kRow), Qt::AlignRight | Qt::AlignVCenter, c->keyLabels.value(j));
        p.setFont(small);
        for (int d = 0; d < g.dim; ++d) {
            drawCell(p, m_view->cellRect(NeuronView::Part::Key, j, d), diverging(n.k(j, d), vecScale),
                     printStrip ? shortNumber(n.k(j, d)) : QString());
            drawCell(p, m_view->cellRect(NeuronView::Part::Product, j, d), diverging(n.product(j, d), prodScale),
                     printStrip ? shortNumber(n.product(j, d)) : QString());
        }
        drawCell(p, m_view->cellRect(NeuronView::Part::Dot, j, -1), diverging(n.dot(j), dotScale), number(n.dot(j)));
        drawCell(p, m_view->cellRect(NeuronView::Part::Scaled, j, -1), diverging(n.scaled(j), scaledScale), number(n.scaled(j)));
        drawCell(p, m_view->cellRect(NeuronView::Part::Softmax, j, -1), sequential(n.weights(j)), number(n.weights(j)));
        if (n.masked[std::size_t(j)]) // hatched over the whole row: this key takes no weight
            p.fillRect(QRect(g.keyX(), g.keyY(j), g.softmaxX() + kScalarW - g.keyX(), kRow),
                       QBrush(QColor(120, 120, 120, 140), Qt::BDiagPattern));
    }
    p.setPen(QColor(200, 200, 200));
    p.drawLine(g.keyX(), g.keyY(0) - kGapQ / 2, g.softmaxX() + kScalarW, g.keyY(0) - kGapQ / 2);
}

void NeuronCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (auto cell = m_view->cellAt(event->position().toPoint()))
        m_view->setCurrent(cell);
}

void NeuronCanvas::mousePressEvent(QMouseEvent *event)
{
    if (auto cell = m_view->cellAt(event->position().toPoint())) {
        m_view->setCurrent(cell);
        emit m_view->cellClicked(*cell);
    }
}

} // namespace attnscope
