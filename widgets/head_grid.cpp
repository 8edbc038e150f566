#include "head_grid.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

#include "matrix_reduce.h"
#include "model_picture.h"

namespace attnscope {
namespace {

constexpr int kGap = 8;       // between thumbnails and around the grid
constexpr int kLabelGap = 3; // between a picture and its label, room for the focus frame
constexpr int kMinSide = 24;  // below this a thumbnail says nothing
constexpr int kMaxSide = 160; // above this the grid steals room from the heatmap

} // namespace

HeadGrid::HeadGrid(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void HeadGrid::setItems(Mode mode, std::vector<Item> items)
{
    m_mode = mode;
    m_items = std::move(items);
    m_hover = -1;
    m_side = 0; // forces the thumbnails to be drawn again
    relayout();
    update();
}

void HeadGrid::clear()
{
    setItems(m_mode, {});
}

void HeadGrid::setFocused(int layer, int head)
{
    m_focusLayer = layer;
    m_focusHead = head;
    update();
}

int HeadGrid::focusedIndex() const
{
    for (std::size_t i = 0; i < m_items.size(); ++i)
        if (m_items[i].layer == m_focusLayer && m_items[i].head == m_focusHead)
            return int(i);
    return -1;
}

void HeadGrid::setColormap(ColormapId id)
{
    if (id == m_colormap)
        return;
    m_colormap = id;
    m_side = 0;
    relayout();
    update();
}

QRect HeadGrid::thumbnailRect(int i) const
{
    if (i < 0 || std::size_t(i) >= m_cells.size() || !m_items[std::size_t(i)].values)
        return {};
    const Mat<double> &m = *m_items[std::size_t(i)].values;
    return modelPictureRect(m_cells[std::size_t(i)], m.rows(), m.cols());
}

int HeadGrid::itemAt(const QPoint &pos) const
{
    for (std::size_t i = 0; i < m_cells.size(); ++i)
        if (m_cells[i].adjusted(0, 0, 0, kLabelGap + labelHeight()).contains(pos))
            return int(i);
    return -1;
}

QSize HeadGrid::sizeHint() const
{
    return QSize(480, captionHeight() + 2 * kGap + 96 + labelHeight());
}

QSize HeadGrid::minimumSizeHint() const
{
    return QSize(kMinSide * 4, captionHeight() + 2 * kGap + kMinSide + labelHeight());
}

int HeadGrid::captionHeight() const
{
    return fontMetrics().height() + 4;
}

int HeadGrid::labelHeight() const
{
    return fontMetrics().height() + 2;
}

QString HeadGrid::caption() const
{
    if (m_items.empty())
        return tr("No heads to show");
    return m_mode == Mode::HeadsOfLayer
               ? tr("Every head of layer %1 — click one to show it alone").arg(m_items.front().layer)
               : tr("Head %1 in every layer — click one to show it alone").arg(m_items.front().head);
}

void HeadGrid::relayout()
{
    const int n = int(m_items.size());
    m_cells.clear();
    if (n == 0) {
        m_images.clear();
        return;
    }
    // The number of columns that gives the largest thumbnails in this widget.
    const int w = width() - kGap, h = height() - captionHeight() - kGap;
    int bestCols = 1, bestSide = 0;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const int side = std::min(w / cols - kGap, h / rows - kGap - kLabelGap - labelHeight());
        if (side > bestSide) {
            bestSide = side;
            bestCols = cols;
        }
    }
    const int side = std::clamp(bestSide, kMinSide, kMaxSide);
    const int used = bestCols * (side + kGap) - kGap;
    const int left = std::max(kGap, (width() - used) / 2);
    for (int i = 0; i < n; ++i) {
        const int r = i / bestCols, c = i % bestCols;
        m_cells.emplace_back(left + c * (side + kGap), captionHeight() + kGap / 2 + r * (side + kGap + kLabelGap + labelHeight()),
                             side, side);
    }
    if (side != m_side || m_images.size() != m_items.size()) {
        m_side = side;
        m_images.clear();
        for (const Item &item : m_items)
            m_images.push_back(item.values ? render(*item.values) : QImage());
    }
}

QImage HeadGrid::render(const Mat<double> &m) const
{
    const QRect pic = modelPictureRect(QRect(0, 0, m_side, m_side), m.rows(), m.cols());
    if (pic.isEmpty())
        return {};
    const Mat<double> small = m.rows() > pic.height() || m.cols() > pic.width()
                                  ? reduceBlock(m, 0, m.rows(), 0, m.cols(), pic.height(), pic.width(), Reduction::Max)
                                  : m;
    const auto [lo, hi] = finiteRange(small.data(), std::size_t(small.size()));
    return colourise(small, lo, hi, Colormap::get(m_colormap));
}

void HeadGrid::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(kGap, 0, width() - 2 * kGap, captionHeight()), Qt::AlignLeft | Qt::AlignVCenter, caption());
    const int focused = focusedIndex();
    for (std::size_t i = 0; i < m_cells.size(); ++i) {
        const QRect pic = thumbnailRect(int(i));
        if (i < m_images.size() && !m_images[i].isNull())
            p.drawImage(pic, m_images[i]); // no smoothing: cells stay crisp
        const bool isFocused = int(i) == focused, hovered = int(i) == m_hover;
        if (isFocused || hovered) {
            p.setPen(QPen(isFocused ? palette().color(QPalette::Highlight) : palette().color(QPalette::Mid), 3));
            p.setBrush(Qt::NoBrush);
            p.drawRect(pic.adjusted(-2, -2, 1, 1));
        }
        p.setFont(isFocused ? bold : font());
        p.setPen(palette().color(isFocused ? QPalette::Highlight : QPalette::WindowText));
        const QRect label(m_cells[i].x() - kGap / 2, m_cells[i].bottom() + 1 + kLabelGap, m_cells[i].width() + kGap, labelHeight());
        p.drawText(label, Qt::AlignHCenter | Qt::AlignTop,
                   QStringLiteral("L%1 H%2").arg(m_items[i].layer).arg(m_items[i].head));
    }
}

void HeadGrid::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void HeadGrid::mousePressEvent(QMouseEvent *event)
{
    const int i = itemAt(event->position().toPoint());
    if (event->button() == Qt::LeftButton && i >= 0)
        emit thumbnailClicked(m_items[std::size_t(i)].layer, m_items[std::size_t(i)].head);
    QWidget::mousePressEvent(event);
}

void HeadGrid::mouseMoveEvent(QMouseEvent *event)
{
    const int i = itemAt(event->position().toPoint());
    if (i != m_hover) {
        m_hover = i;
        setCursor(i >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        setToolTip(i >= 0 ? tr("Layer %1, head %2: click to show it alone")
                                .arg(m_items[std::size_t(i)].layer)
                                .arg(m_items[std::size_t(i)].head)
                          : QString());
        update();
    }
    QWidget::mouseMoveEvent(event);
}

void HeadGrid::leaveEvent(QEvent *event)
{
    m_hover = -1;
    update();
    QWidget::leaveEvent(event);
}

} // namespace attnscope
