#include "image_overlay_view.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace attnscope {
namespace {

/// Grid lines are drawn only when cells are at least this wide on screen; denser lines would
/// hide the image.
constexpr double kMinCellPixelsForLines = 6.0;

} // namespace

ImageOverlayView::ImageOverlayView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImageOverlayView::setPicture(const QImage &picture)
{
    m_picture = picture;
    update();
}

void ImageOverlayView::setGrid(const PatchGrid &grid)
{
    const bool same = grid.width == m_grid.width && grid.height == m_grid.height && grid.rows == m_grid.rows &&
                      grid.cols == m_grid.cols;
    m_grid = grid;
    if (!same)
        m_selection.clear();
    update();
}

void ImageOverlayView::setSelection(const QList<int> &patches)
{
    m_selection = patches;
    update();
}

void ImageOverlayView::setGridVisible(bool visible)
{
    m_gridVisible = visible;
    update();
}

void ImageOverlayView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    update();
}

double ImageOverlayView::scale() const
{
    if (!hasGrid())
        return 0;
    return std::min(double(width()) / m_grid.width, double(height()) / m_grid.height);
}

QRectF ImageOverlayView::imageRect() const
{
    if (!hasGrid())
        return {};
    const double s = scale();
    const QSizeF size(m_grid.width * s, m_grid.height * s);
    return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

QRectF ImageOverlayView::cellRect(int r, int c) const
{
    const QRect cell = m_grid.cell(r, c);
    const QRectF area = imageRect();
    const double s = scale();
    return QRectF(area.x() + cell.x() * s, area.y() + cell.y() * s, cell.width() * s, cell.height() * s);
}

QPoint ImageOverlayView::patchCenter(int index) const
{
    if (!hasGrid() || index < 0 || index >= m_grid.count())
        return {-1, -1};
    return cellRect(index / m_grid.cols, index % m_grid.cols).center().toPoint();
}

int ImageOverlayView::cellOf(double u, int size, int cells)
{
    // The last cell whose lower bound floor(c·size/cells) is at or before pixel ⌊u⌋.
    const auto px = std::int64_t(std::clamp(std::floor(u), 0.0, double(size - 1)));
    return int(((px + 1) * cells - 1) / size);
}

int ImageOverlayView::patchAt(const QPointF &pos) const
{
    const QRectF area = imageRect();
    if (!hasGrid() || !area.contains(pos))
        return -1;
    const double s = scale();
    const int c = cellOf((pos.x() - area.x()) / s, m_grid.width, m_grid.cols);
    const int r = cellOf((pos.y() - area.y()) / s, m_grid.height, m_grid.rows);
    return r * m_grid.cols + c;
}

QList<int> ImageOverlayView::patchesIn(const QRectF &rect) const
{
    const QRectF area = imageRect();
    const QRectF hit = rect.normalized().intersected(area);
    if (!hasGrid() || hit.isEmpty())
        return {};
    const double s = scale();
    const int c0 = cellOf((hit.left() - area.x()) / s, m_grid.width, m_grid.cols);
    const int c1 = cellOf((hit.right() - area.x()) / s, m_grid.width, m_grid.cols);
    const int r0 = cellOf((hit.top() - area.y()) / s, m_grid.height, m_grid.rows);
    const int r1 = cellOf((hit.bottom() - area.y()) / s, m_grid.height, m_grid.rows);
    QList<int> out;
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c)
            out << r * m_grid.cols + c;
    return out;
}

void ImageOverlayView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    if (m_picture.isNull() || !hasGrid()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const QRectF area = imageRect();
    p.setRenderHint(QPainter::SmoothPixmapTransform, scale() < 1.0); // sharp cells when enlarged
    p.drawImage(area, m_picture);

    const double s = scale();
    const bool lines = m_gridVisible && std::min(m_grid.width / double(m_grid.cols), m_grid.height / double(m_grid.rows)) * s >=
                                            kMinCellPixelsForLines;
    if (lines) {
        p.setPen(QPen(QColor(255, 255, 255, 80), 1));
        for (int c = 1; c < m_grid.cols; ++c) {
            const double x = std::round(area.x() + m_grid.cell(0, c).x() * s) + 0.5;
            p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
        }
        for (int r = 1; r < m_grid.rows; ++r) {
            const double y = std::round(area.y() + m_grid.cell(r, 0).y() * s) + 0.5;
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
        }
    }
    if (m_hover >= 0 && m_rubberBand.isNull()) {
        p.setPen(QPen(QColor(255, 255, 255, 160), 1));
        p.drawRect(cellRect(m_hover / m_grid.cols, m_hover % m_grid.cols));
    }
    paintSelection(p);
    if (!m_rubberBand.isNull()) {
        p.setPen(QPen(Qt::white, 1, Qt::DashLine));
        p.setBrush(QColor(255, 255, 255, 40));
        p.drawRect(m_rubberBand);
    }
}

void ImageOverlayView::paintSelection(QPainter &p) const
{
    if (m_selection.isEmpty())
        return;
    QPainterPath outline;
    for (int i : m_selection)
        if (i >= 0 && i < m_grid.count())
            outline.addRect(cellRect(i / m_grid.cols, i % m_grid.cols));
    outline = outline.simplified(); // one outline around adjacent patches
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(0, 0, 0, 200), 4));
    p.drawPath(outline);
    p.setPen(QPen(QColor(255, 255, 255), 2));
    p.drawPath(outline);
    p.setRenderHint(QPainter::Antialiasing, false);
}

void ImageOverlayView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !hasGrid())
        return QWidget::mousePressEvent(event);
    m_pressed = true;
    m_pressPos = event->position().toPoint();
    m_rubberBand = {};
}

void ImageOverlayView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_pressed && (pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
        m_rubberBand = QRect(m_pressPos, pos).normalized();
        update();
    }
    const int hover = patchAt(pos);
    if (hover != m_hover) {
        m_hover = hover;
        update();
        emit patchHovered(hover);
    }
}

void ImageOverlayView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressed)
        return QWidget::mouseReleaseEvent(event);
    m_pressed = false;
    const QPoint pos = event->position().toPoint();
    QList<int> picked;
    if ((pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance())
        picked = patchesIn(QRectF(QRect(m_pressPos, pos).normalized()));
    else if (const int i = patchAt(pos); i >= 0)
        picked = {i};
    m_rubberBand = {};
    update();
    if (!picked.isEmpty()) {
        m_selection = picked;
        emit patchesSelected(picked);
    }
}

void ImageOverlayView::leaveEvent(QEvent *event)
{
    if (m_hover != -1) {
        m_hover = -1;
        update();
        emit patchHovered(-1);
    }
    QWidget::leaveEvent(event);
}

} // namespace attnscope
