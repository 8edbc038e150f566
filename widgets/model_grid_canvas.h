#pragma once

#include <QWidget>

#include "model_picture.h"

namespace attnscope {

/// The drawing surface of the Model view, inside its scroll area: every layer × head as a cell
/// (model_picture.h), drawn lazily — only the cells a paint event exposes are rendered. Hover
/// names the head and the weight under the mouse; a click emits headClicked; ctrl + wheel asks
/// for another cell size. It shows; it does not compute.
class ModelGridCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ModelGridCanvas(ModelThumbnails *thumbs, QWidget *parent = nullptr);

    void setStyle(const ModelGridStyle &style);
    const ModelGridStyle &gridStyle() const { return m_style; }
    /// The square of head (layer, head), wherever sorting put it; null when there is none.
    QRect headRect(int layer, int head) const;
    /// The (layer, head) under `pos`, or (-1, -1).
    std::pair<int, int> headAt(const QPoint &pos) const;

    QSize sizeHint() const override;

signals:
    void headClicked(int layer, int head);
    /// Over a cell: its layer, head, the query row and key column under the mouse (-1 when off
    /// the picture) and the weight there; (-1, -1, -1, -1, 0) when over none.
    void hovered(int layer, int head, int row, int col, double value);
    /// Ctrl + wheel: +1 larger, −1 smaller.
    void zoomRequested(int steps);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    ModelThumbnails *m_thumbs;
    ModelGridStyle m_style;
};

} // namespace attnscope
