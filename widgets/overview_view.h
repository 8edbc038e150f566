#pragma once
// One head's weights too large to store, as the Long input tab shows them: the matrix drawn from
// pictures the page computes (an overview of the whole, exact pictures of zoomed-in regions), the
// attention each key receives in a strip above it, each query row's entropy in a strip to its
// right, a colour bar, index ticks on both axes (and the tokens when a cell is wide enough), and
// the numbers in the cells when they are large enough to read.
//
// The view only shows. It keeps the viewport — the block of cells shown, in cells — and reports
// it (viewportChanged) so the page can compute the picture for it; until that picture arrives,
// the last one is drawn where its cells now are, over the whole matrix's backdrop. Wheel zooms
// about the pointer, dragging pans, the arrow keys move the selected cell (and pan to keep it
// shown), + and − zoom about the selection. The pointer's cell is reported by cellHovered.

#include <QImage>
#include <QRectF>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

#include "colormap.h"
#include "tensor.h"

namespace attnscope {

class OverviewView : public QWidget {
    Q_OBJECT
public:
    /// Cells [r0, r1) × [c0, c1), fractional while zooming.
    struct Viewport {
        double r0 = 0, r1 = 0, c0 = 0, c1 = 0;
        double rows() const { return r1 - r0; }
        double cols() const { return c1 - c0; }
        bool operator==(const Viewport &) const = default;
    };
    /// A picture of cells [r0, r1) × [c0, c1); `values`, when set, holds one value per cell
    /// (written in the cells when they are large enough).
    struct Picture {
        QImage image;
        std::int64_t r0 = 0, r1 = 0, c0 = 0, c1 = 0;
        std::shared_ptr<const Mat<double>> values;
    };

    explicit OverviewView(QWidget *parent = nullptr);

    /// A matrix of `rows` × `cols` cells, shown whole; clears the pictures, strips and selection.
    void setMatrixSize(std::int64_t rows, std::int64_t cols);
    std::int64_t matrixRows() const { return m_rows; }
    std::int64_t matrixCols() const { return m_cols; }
    /// Token labels (empty: indices only); shown on the axes when a cell is wide enough.
    void setLabels(QStringList rowLabels, QStringList colLabels);
    void setTitle(const QString &title);
    /// The whole matrix, at any resolution: drawn where no picture covers the viewport.
    void setBackdrop(const QImage &image);
    /// The picture for (about) the current viewport.
    void setPicture(Picture picture);
    const Picture &picture() const { return m_picture; }
    /// The colours' range; `log`: colours follow log₁₀ of the value from lo to hi.
    void setColorScale(double lo, double hi, ColormapId map, bool log = false);
    /// Σ_i A_ij per key and the entropy in bits per query row, with the entropy's ceiling
    /// (log₂ of the keys).
    void setStrips(std::vector<double> columnSums, std::vector<double> rowEntropy, double entropyCeiling);
    void setSelectedCell(std::int64_t row, std::int64_t col); ///< -1: none
    std::int64_t selectedRow() const { return m_selRow; }
    std::int64_t selectedCol() const { return m_selCol; }
    /// A line under the matrix (how the picture was made); empty: none.
    void setNote(const QString &note);

    Viewport viewport() const { return m_view; }
    /// Sets the viewport (clamped to the matrix, at least kMinCells a side).
    void setViewport(const Viewport &v);
    void resetView();
    /// Zooms about a point of the matrix area (the centre by default); factor < 1 zooms in.
    void zoomBy(double factor);
    void zoomAt(double factor, QPointF pos);
    /// Pans by whole screen pixels.
    void panBy(QPointF pixels);

    /// The matrix area in widget coordinates; its size is what pictures should be made for.
    QRect matrixRect() const;
    /// The cell under a point of the widget, or (-1, -1) (x = column, y = row).
    QPoint cellAt(QPointF pos) const;
    /// The centre of a cell in widget coordinates.
    QPointF cellCenter(std::int64_t row, std::int64_t col) const;
    /// The whole view (strips, axes, colour bar) drawn into `size` at `scale`, for exports.
    QImage render(QSize size, double scale) const;
    /// Paints the view into `painter`'s device of `size` (PNG, SVG, PDF exports).
    void paintInto(class QPainter &painter, QSize size) const;

    static constexpr double kMinCells = 4; ///< the deepest zoom shows at least 4 × 4 cells

signals:
    void viewportChanged();
    void cellHovered(qint64 row, qint64 col); ///< (-1, -1) when the pointer leaves the matrix
    void cellClicked(qint64 row, qint64 col);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Layout {
        QRectF title, top, matrix, right, bar, note;
    };
    Layout layoutFor(QSizeF size) const;
    void paintMatrix(QPainter &p, const Layout &l, bool forExport) const;
    void paintStrips(QPainter &p, const Layout &l) const;
    void paintAxes(QPainter &p, const Layout &l) const;
    void paintColorBar(QPainter &p, const Layout &l) const;
    void paintNumbers(QPainter &p, const Layout &l) const;
    /// Where cell coordinates (col, row) fall in `matrix` for the current viewport.
    QRectF cellRect(const QRectF &matrix, double r0, double r1, double c0, double c1) const;
    void reportHover(QPointF pos);
    void moveSelection(std::int64_t dr, std::int64_t dc);

    std::int64_t m_rows = 0, m_cols = 0;
    Viewport m_view;
    QStringList m_rowLabels, m_colLabels;
    QString m_title, m_note;
    QImage m_backdrop;
    Picture m_picture;
    double m_lo = 0, m_hi = 1;
    ColormapId m_map = ColormapId::Viridis;
    bool m_log = false;
    std::vector<double> m_columnSums, m_entropy;
    double m_entropyCeiling = 1;
    std::int64_t m_selRow = -1, m_selCol = -1;
    std::int64_t m_hoverRow = -2, m_hoverCol = -2;
    bool m_dragging = false;
    QPointF m_dragFrom;
};

} // namespace attnscope
