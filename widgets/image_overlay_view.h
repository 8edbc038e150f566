#pragma once

#include <QImage>
#include <QList>
#include <QWidget>

#include "image_patches.h"

namespace attnscope {

/// An image, scaled to fit with its aspect ratio kept, with the patch grid drawn over it and the
/// selected patches outlined. Click a patch to select it, drag a rectangle to select every patch
/// it touches; either emits patchesSelected(). It shows a picture made elsewhere (the image with
/// an attention map blended in); it does not compute.
class ImageOverlayView : public QWidget {
    Q_OBJECT
public:
    explicit ImageOverlayView(QWidget *parent = nullptr);

    /// The picture to show. It may be a smaller copy of the grid's image (a display copy); it is
    /// drawn over the grid's whole image area either way.
    void setPicture(const QImage &picture);
    const QImage &picture() const { return m_picture; }
    /// The patch grid, in the pixels of the original image. Clears the selection when it changes.
    void setGrid(const PatchGrid &grid);
    const PatchGrid &grid() const { return m_grid; }
    /// Outlines these patches (indices r·cols + c); does not emit.
    void setSelection(const QList<int> &patches);
    const QList<int> &selection() const { return m_selection; }
    void setGridVisible(bool visible);
    bool gridVisible() const { return m_gridVisible; }
    /// Shown when there is no picture.
    void setPlaceholderText(const QString &text);

    /// Where the image is drawn, in this widget's coordinates (empty without a grid).
    QRectF imageRect() const;
    /// The centre of a patch in this widget's coordinates (for tests and keyboard navigation).
    QPoint patchCenter(int index) const;
    /// The patch under a point of this widget, or -1 outside the image.
    int patchAt(const QPointF &pos) const;
    /// The patches a rectangle in this widget's coordinates touches, in patch order.
    QList<int> patchesIn(const QRectF &rect) const;

    QSize sizeHint() const override { return {640, 480}; }
    QSize minimumSizeHint() const override { return {160, 120}; }

signals:
    void patchesSelected(const QList<int> &patches);
    void patchHovered(int index); ///< -1 when the pointer leaves the image

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    bool hasGrid() const { return m_grid.count() > 0; }
    double scale() const;
    QRectF cellRect(int r, int c) const;
    /// The cell column (or row) of image coordinate u along an extent of `size` pixels in `cells`.
    static int cellOf(double u, int size, int cells);
    void paintSelection(QPainter &p) const;

    QImage m_picture;
    PatchGrid m_grid;
    QList<int> m_selection;
    QString m_placeholder;
    bool m_gridVisible = true;
    QPoint m_pressPos;
    QRect m_rubberBand; ///< non-empty while dragging
    bool m_pressed = false;
    int m_hover = -1;
};

} // namespace attnscope
