#include "model_grid_canvas.h"

#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>

namespace attnscope {

ModelGridCanvas::ModelGridCanvas(ModelThumbnails *thumbs, QWidget *parent) : QWidget(parent), m_thumbs(thumbs)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ModelGridCanvas::setStyle(const ModelGridStyle &style)
{
    m_style = style;
    m_style.origin = QPoint(8, 4);
    resize(sizeHint());
    updateGeometry();
    update();
}

QSize ModelGridCanvas::sizeHint() const
{
    return m_style.gridSize(m_thumbs->layers(), m_thumbs->heads()) + QSize(16, 8);
}

QRect ModelGridCanvas::headRect(int layer, int head) const
{
    if (layer < 0 || head < 0 || layer >= m_thumbs->layers() || head >= m_thumbs->heads())
        return {};
    const int position = m_style.positionOf(layer, head);
    return position < 0 ? QRect() : m_style.cellRect(layer, position);
}

std::pair<int, int> ModelGridCanvas::headAt(const QPoint &pos) const
{
    for (int l = 0; l < m_thumbs->layers(); ++l) {
        const QRect first = m_style.cellRect(l, 0);
        if (pos.y() < first.top() || pos.y() > first.bottom() + m_style.badgeHeight)
            continue;
        for (int c = 0; c < m_thumbs->heads(); ++c)
            if (const QRect cell = m_style.cellRect(l, c); pos.x() >= cell.left() && pos.x() <= cell.right())
                return {l, m_style.headAt(l, c)};
    }
    return {-1, -1};
}

void ModelGridCanvas::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().base());
    p.setPen(palette().color(QPalette::Text));
    paintModelGrid(p, *m_thumbs, m_style, event->rect());
}

void ModelGridCanvas::mousePressEvent(QMouseEvent *event)
{
    const auto [layer, head] = headAt(event->position().toPoint());
    if (event->button() == Qt::LeftButton && layer >= 0)
        emit headClicked(layer, head);
    QWidget::mousePressEvent(event);
}

void ModelGridCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    const auto [layer, head] = headAt(pos);
    if (layer != m_style.hoverLayer || head != m_style.hoverHead) {
        for (const QRect &r : {headRect(m_style.hoverLayer, m_style.hoverHead), headRect(layer, head)})
            update(r.adjusted(-4, -4, 4, 4));
        m_style.hoverLayer = layer;
        m_style.hoverHead = head;
        setCursor(layer >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    }
    if (layer < 0) {
        emit hovered(-1, -1, -1, -1, 0);
        return;
    }
    const AttentionBundle &b = *m_thumbs->bundle();
    const QRect pic = modelPictureRect(headRect(layer, head), b.queries(), b.keys());
    int row = -1, col = -1;
    double value = 0;
    if (pic.contains(pos)) {
        row = int(std::min<std::int64_t>(b.queries() - 1, (pos.y() - pic.top()) * b.queries() / pic.height()));
        col = int(std::min<std::int64_t>(b.keys() - 1, (pos.x() - pic.left()) * b.keys() / pic.width()));
        value = m_thumbs->value(layer, head, row, col);
    }
    emit hovered(layer, head, row, col, value);
}

void ModelGridCanvas::leaveEvent(QEvent *event)
{
    if (m_style.hoverLayer >= 0)
        update(headRect(m_style.hoverLayer, m_style.hoverHead).adjusted(-4, -4, 4, 4));
    m_style.hoverLayer = m_style.hoverHead = -1;
    emit hovered(-1, -1, -1, -1, 0);
    QWidget::leaveEvent(event);
}

void ModelGridCanvas::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const int steps = event->angleDelta().y() > 0 ? 1 : event->angleDelta().y() < 0 ? -1 : 0;
        if (steps != 0)
            emit zoomRequested(steps);
        event->accept();
        return;
    }
    QWidget::wheelEvent(event);
}

} // namespace attnscope
