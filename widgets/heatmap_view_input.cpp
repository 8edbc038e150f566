// HeatmapView's pointer and keyboard: which cell is hovered (also when the view changes under a
// still pointer), clicks, and the keyboard cell cursor.
#include "heatmap_view.h"

#include <QFocusEvent>
#include <QKeyEvent>
#include <QMouseEvent>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace attnscope {

QPoint HeatmapView::cellCenter(int row, int col) const
{
    const double x = m_plot->xAxis->coordToPixel(col), y = m_plot->yAxis->coordToPixel(row);
    return m_plot->mapTo(this, QPoint(int(std::lround(x)), int(std::lround(y))));
}

QPoint HeatmapView::cellAt(const QPoint &pos) const
{
    if (!m_content.values)
        return {-1, -1};
    const QPoint p = m_plot->mapFrom(this, pos);
    if (!m_plot->axisRect()->rect().contains(p))
        return {-1, -1};
    const auto col = Eigen::Index(std::lround(m_plot->xAxis->pixelToCoord(p.x())));
    const auto row = Eigen::Index(std::lround(m_plot->yAxis->pixelToCoord(p.y())));
    if (row < 0 || col < 0 || row >= m_content.values->rows() || col >= m_content.values->cols())
        return {-1, -1};
    return {int(col), int(row)};
}

void HeatmapView::reportHover(bool force)
{
    QPoint cell(-1, -1);
    if (m_keyboardHover && hasFocus() && m_cursorRow >= 0)
        cell = QPoint(m_cursorCol, m_cursorRow);
    else if (m_pointerInside && isVisible())
        cell = cellAt(m_plot->mapTo(this, m_pointer));
    const bool same = cell.y() == m_hoverRow && cell.x() == m_hoverCol;
    // "Nothing hovered" is said once, when a cell stops being hovered, not at every new content.
    if ((same && (!force || cell.x() < 0)) || (cell.x() < 0 && m_hoverRow < 0)) {
        m_hoverRow = cell.y();
        m_hoverCol = cell.x();
        return;
    }
    m_hoverRow = cell.y();
    m_hoverCol = cell.x();
    emit cellHovered(m_hoverRow, m_hoverCol);
}

bool HeatmapView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_plot && event->type() == QEvent::Leave) {
        m_pointerInside = false;
        if (!m_keyboardHover)
            reportHover(false);
    }
    return QWidget::eventFilter(watched, event);
}

void HeatmapView::onMouseMove(QMouseEvent *event)
{
    m_pointerInside = true;
    m_pointer = event->position().toPoint();
    m_keyboardHover = false;
    reportHover(false);
}

void HeatmapView::onMousePress(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const QPoint cell = cellAt(m_plot->mapTo(this, event->position().toPoint()));
    if (cell.x() < 0)
        return;
    m_cursorRow = cell.y(); // the keyboard goes on from the clicked cell
    m_cursorCol = cell.x();
    updateOverlays();
    emit cellClicked(cell.y(), cell.x());
}

/// The cursor starts at the selected cell, else at [0, 0].
void HeatmapView::placeCursor()
{
    if (!m_content.values || m_content.values->size() == 0 || m_cursorRow >= 0)
        return;
    const bool selected = m_selRow >= 0 && m_selRow < m_content.values->rows() && m_selCol >= 0 &&
                          m_selCol < m_content.values->cols();
    m_cursorRow = selected ? m_selRow : 0;
    m_cursorCol = selected ? m_selCol : 0;
}

void HeatmapView::focusInEvent(QFocusEvent *event)
{
    QWidget::focusInEvent(event);
    placeCursor();
    if (event->reason() == Qt::TabFocusReason || event->reason() == Qt::BacktabFocusReason) {
        m_keyboardHover = true;
        reportHover(false);
    }
    updateOverlays();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapView::focusOutEvent(QFocusEvent *event)
{
    QWidget::focusOutEvent(event);
    m_keyboardHover = false;
    updateOverlays();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapView::keyPressEvent(QKeyEvent *event)
{
    const Qt::KeyboardModifiers mods = event->modifiers() & ~Qt::KeypadModifier;
    const int key = event->key();
    const bool plain = mods == Qt::NoModifier, ctrl = mods == Qt::ControlModifier;
    const bool arrow = key == Qt::Key_Left || key == Qt::Key_Right || key == Qt::Key_Up || key == Qt::Key_Down;
    const bool enter = key == Qt::Key_Return || key == Qt::Key_Enter;
    const bool ends = key == Qt::Key_Home || key == Qt::Key_End;
    placeCursor();
    // Everything else (PageUp/PageDown, Alt+arrows, …) goes on to the window.
    if (m_cursorRow < 0 || !((plain && (arrow || enter || ends)) || (ctrl && ends))) {
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
    const int lastRow = int(m_content.values->rows()) - 1, lastCol = int(m_content.values->cols()) - 1;
    m_cursorRow = std::min(m_cursorRow, lastRow); // a selected cell set before a smaller content
    m_cursorCol = std::clamp(m_cursorCol, 0, lastCol);
    if (enter) {
        emit cellClicked(m_cursorRow, m_cursorCol);
        return;
    }
    int row = m_cursorRow, col = m_cursorCol;
    switch (key) {
    case Qt::Key_Left: --col; break;
    case Qt::Key_Right: ++col; break;
    case Qt::Key_Up: --row; break;
    case Qt::Key_Down: ++row; break;
    case Qt::Key_Home: col = 0; row = ctrl ? 0 : row; break;
    case Qt::Key_End: col = lastCol; row = ctrl ? lastRow : row; break;
    default: break;
    }
    moveCursor(std::clamp(row, 0, lastRow), std::clamp(col, 0, lastCol));
}

void HeatmapView::moveCursor(int row, int col)
{
    m_cursorRow = row;
    m_cursorCol = col;
    m_keyboardHover = true;
    keepCursorVisible();
    updateOverlays();
    m_plot->replot();
    reportHover(false);
}

/// Pans (keeping the zoom) so that the cursor's cell is inside the visible range.
void HeatmapView::keepCursorVisible()
{
    const auto follow = [](QCPAxis *axis, double centre) {
        const QCPRange r = axis->range();
        if (r.size() < 1)
            axis->setRange(centre - r.size() / 2, centre + r.size() / 2);
        else if (centre - 0.5 < r.lower)
            axis->setRange(centre - 0.5, centre - 0.5 + r.size());
        else if (centre + 0.5 > r.upper)
            axis->setRange(centre + 0.5 - r.size(), centre + 0.5);
    };
    follow(m_plot->xAxis, m_cursorCol);
    follow(m_plot->yAxis, m_cursorRow);
}

} // namespace attnscope
