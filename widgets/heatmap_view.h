#pragma once

#include <QWidget>

#include <memory>

#include "colormap.h"
#include "matrix_reduce.h"
#include "tensor.h"

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QCPTextElement;
class QTimer;

namespace attnscope {

/// A matrix as a heatmap: rows are queries (top to bottom), columns keys (left to right), crisp
/// cells, token labels on both axes, a colour scale, zoom (wheel) and pan (drag). Cells smaller
/// than a screen pixel are reduced at screen resolution by us (max or mean), never sampled.
/// -inf (masked) cells draw in a neutral grey. It shows; it does not compute.
class HeatmapView : public QWidget {
    Q_OBJECT
public:
    struct Content {
        std::shared_ptr<const Mat<double>> values;
        QStringList rowLabels, colLabels; ///< empty: indices
        QString title;
        QString rowAxis = QStringLiteral("query"), colAxis = QStringLiteral("key");
        bool diverging = false; ///< signed data: a colour range symmetric about zero
    };

    explicit HeatmapView(QWidget *parent = nullptr);
    ~HeatmapView() override;

    /// Shows `content`. The zoom is kept when the shape is unchanged, otherwise reset to fit.
    void setContent(Content content);
    const Content &content() const { return m_content; }
    void clear();

    void setColormap(ColormapId id);
    ColormapId colormap() const { return m_colormap; }
    void setReduction(Reduction how);
    Reduction reduction() const { return m_reduction; }
    void setHighlightedRow(int row); ///< -1: none
    int highlightedRow() const { return m_highlightRow; }
    void setSelectedCell(int row, int col); ///< -1: none

    /// Zoom to show the whole matrix.
    void resetView();
    void zoomBy(double factor);

    QCustomPlot *plot() const { return m_plot; }
    /// The centre of a cell in this widget's coordinates (for tests and keyboard navigation).
    QPoint cellCenter(int row, int col) const;
    /// The cell under a point of this widget, or (-1, -1).
    QPoint cellAt(const QPoint &pos) const;
    /// What the colour map currently holds (after reduction), and its size.
    Eigen::Index displayedRows() const { return m_shownRows; }
    Eigen::Index displayedCols() const { return m_shownCols; }
    double displayedValue(int i, int j) const;

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

signals:
    void cellHovered(int row, int col); ///< (-1, -1) when the pointer leaves the matrix
    void cellClicked(int row, int col);

private:
    void scheduleRefresh();
    void applyPalette();
    void refreshMap();
    void updateTicks();
    void updateColorRange();
    void updateOverlays();
    void onMouseMove(QMouseEvent *event);
    void onMousePress(QMouseEvent *event);

    QCustomPlot *m_plot = nullptr;
    QCPColorMap *m_map = nullptr;
    QCPColorScale *m_scale = nullptr;
    QCPTextElement *m_title = nullptr;
    QCPItemRect *m_rowRect = nullptr;
    QCPItemRect *m_cellRect = nullptr;
    QTimer *m_refreshTimer = nullptr;
    Content m_content;
    ColormapId m_colormap = ColormapId::Viridis;
    Reduction m_reduction = Reduction::Max;
    int m_highlightRow = -1, m_selRow = -1, m_selCol = -1;
    int m_hoverRow = -2, m_hoverCol = -2;
    Eigen::Index m_shownRows = 0, m_shownCols = 0;
    bool m_refreshing = false;
};

} // namespace attnscope
