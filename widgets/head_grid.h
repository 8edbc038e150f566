#pragma once

#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

#include "colormap.h"
#include "tensor.h"

namespace attnscope {

/// Small multiples: one thumbnail per head (or per layer), labelled "L3 H5", the focused one
/// framed. Each thumbnail is coloured from its own minimum to its own maximum (the shape of a
/// head's pattern, not its strength compared with the others); a matrix larger than its
/// thumbnail is reduced with the maximum, so that a single strong cell never vanishes;
/// non-finite cells are grey. Clicking a thumbnail emits thumbnailClicked. It shows; it does not
/// compute.
class HeadGrid : public QWidget {
    Q_OBJECT
public:
    /// What the thumbnails are; it only changes the caption.
    enum class Mode {
        HeadsOfLayer, ///< every head of one layer
        LayersOfHead, ///< one head in every layer
    };
    struct Item {
        int layer = 0, head = 0;
        std::shared_ptr<const Mat<double>> values; ///< rows are queries, columns keys
    };

    explicit HeadGrid(QWidget *parent = nullptr);

    /// Shows `items` in order, left to right and top to bottom.
    void setItems(Mode mode, std::vector<Item> items);
    void clear();
    Mode mode() const { return m_mode; }
    int count() const { return int(m_items.size()); }
    const Item &item(int i) const { return m_items[std::size_t(i)]; }

    /// Frames the thumbnail of (layer, head); (-1, -1) frames none.
    void setFocused(int layer, int head);
    int focusedIndex() const;
    void setColormap(ColormapId id);
    ColormapId colormap() const { return m_colormap; }

    /// The picture of item i in this widget's coordinates (empty before the first layout).
    QRect thumbnailRect(int i) const;
    /// The item whose thumbnail or label is under `pos`, or -1.
    int itemAt(const QPoint &pos) const;
    /// The size of a thumbnail's square cell, in pixels (for tests).
    int thumbnailSide() const { return m_side; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void thumbnailClicked(int layer, int head);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    void relayout();
    QImage render(const Mat<double> &m) const;
    QString caption() const;
    int captionHeight() const;
    int labelHeight() const;

    Mode m_mode = Mode::HeadsOfLayer;
    std::vector<Item> m_items;
    std::vector<QImage> m_images; ///< one per item, at most m_side pixels on a side
    std::vector<QRect> m_cells;   ///< one per item: the square the thumbnail is centred in
    int m_side = 0;
    int m_focusLayer = -1, m_focusHead = -1;
    int m_hover = -1;
    ColormapId m_colormap = ColormapId::Viridis;
};

} // namespace attnscope
