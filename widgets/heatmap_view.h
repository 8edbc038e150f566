#pragma once

#include <QWidget>

#include <memory>
#include <optional>
#include <utility>

#include "cell_values.h"
#include "colormap.h"
#include "matrix_reduce.h"
#include "tensor.h"

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemRect;
class QCPLayoutGrid;
class QCPTextElement;
class QTimer;

namespace attnscope {

class CellNumbersLayer;

/// A matrix as a heatmap: rows are queries (top to bottom), columns keys (left to right), crisp
/// cells, token labels on both axes, a colour scale, zoom (wheel) and pan (drag). Cells smaller
/// than a screen pixel are reduced at screen resolution by us (max or mean), never sampled.
/// −∞ where the content's mask blocks the cell draws in a neutral grey; NaN, +∞ and −∞ where
/// nothing masks each draw in their own colour (cell_values.h), explained by a legend under the
/// plot while any is present. It shows; it does not compute.
///
/// The pointer's cell is reported by cellHovered, again whenever the content or the zoom changes
/// under a still pointer. With keyboard focus (click or Tab), the arrow keys move a cell cursor
/// (a dashed black-and-white outline), Home/End go to the row's first/last cell, Ctrl+Home/End to
/// the first/last cell of the matrix; the cursor's cell is reported by cellHovered, Enter or
/// Return emits cellClicked for it, and the view pans to keep it visible. Other keys (PageUp and
/// PageDown among them) are left to the window.
class HeatmapView : public QWidget {
    Q_OBJECT
public:
    struct Content {
        std::shared_ptr<const Mat<double>> values;
        QStringList rowLabels, colLabels; ///< empty: indices
        QString title;
        QString rowAxis = QStringLiteral("query"), colAxis = QStringLiteral("key");
        bool diverging = false; ///< signed data: a colour range symmetric about zero
        /// Where a mask blocks a cell (same shape as values): −∞ there is "masked" and grey.
        /// Null: nothing is masked, and every −∞ is an unexpected value.
        std::shared_ptr<const CellMask> masked;
        /// Write each cell's value in it (cellNumberText) where the cells are large enough to
        /// read (CellNumbersLayer); a picture drawn from the content does the same.
        bool numbers = false;
        /// A colour range fixed by the caller (e.g. 0..1 for weights) instead of the values' own.
        std::optional<std::pair<double, double>> fixedRange;

        bool isMasked(Eigen::Index row, Eigen::Index col) const { return masked && (*masked)(row, col); }
        /// The hover text of a cell's value (cellValueText).
        QString valueText(Eigen::Index row, Eigen::Index col, int digits = 5) const;
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
    /// The width in pixels of the selected row's and cell's outlines (2; high contrast: thicker).
    void setOutlineWidth(double px);
    double outlineWidth() const;

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
    /// The special kind drawn over displayed cell (i, j) (CellKind::Finite: the colour map's colour).
    CellKind displayedKind(int i, int j) const;
    /// The special kinds present anywhere in the content, as legend entries are shown for them.
    QList<CellKind> specialKinds() const;

    /// The colour range the map uses now (the fixed range when the content gives one).
    std::pair<double, double> colorRange() const;
    /// The colour cell (row, col) of the content is drawn in (a special kind's own colour).
    QColor cellColor(int row, int col) const;
    /// Whether numbers are written in the cells now: asked for by the content, and legible at
    /// the current size and zoom (cells at least CellNumbersLayer::kMinCellWidth wide).
    bool numbersDrawn() const;

    /// The keyboard cell cursor, or -1 when there is none.
    int cursorRow() const { return m_cursorRow; }
    int cursorCol() const { return m_cursorCol; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

signals:
    void cellHovered(int row, int col); ///< (-1, -1) when the pointer leaves the matrix
    void cellClicked(int row, int col);

private:
    void scheduleRefresh();
    void applyPalette();
    void applyFonts();
    void refreshMap();
    void updateTicks();
    void updateColorRange();
    void updateOverlays();
    void onMouseMove(QMouseEvent *event);
    void onMousePress(QMouseEvent *event);
    void createSpecialLayer();
    void updateSpecialKinds();
    void updateLegend();
    void fillSpecialMap(Eigen::Index r0, Eigen::Index rows, Eigen::Index c0, Eigen::Index cols, Eigen::Index outRows,
                        Eigen::Index outCols);
    /// Emits cellHovered for the cell under a still pointer (or the keyboard cursor) when it
    /// differs from the last one reported, or always when `force` (the values changed).
    void reportHover(bool force);
    void placeCursor();
    void moveCursor(int row, int col);
    void keepCursorVisible();

    QCustomPlot *m_plot = nullptr;
    QCPColorMap *m_map = nullptr;
    QCPColorScale *m_scale = nullptr;
    QCPTextElement *m_title = nullptr;
    QCPItemRect *m_rowRect = nullptr;
    QCPItemRect *m_cellRect = nullptr;
    QCPItemRect *m_cursorRects[2] = {nullptr, nullptr}; ///< white under black dashes
    CellNumbersLayer *m_numbers = nullptr; ///< the values written in the cells
    QCPColorMap *m_specialMap = nullptr; ///< special cells over the colour map; transparent elsewhere
    QCPGraph *m_legendItems[kSpecialCellKinds] = {}; ///< empty graphs: their legend entries
    QCPLayoutGrid *m_legendRow = nullptr; ///< the legend beside a stretch, under the axis rect
    QTimer *m_refreshTimer = nullptr;
    Content m_content;
    ColormapId m_colormap = ColormapId::Viridis;
    Reduction m_reduction = Reduction::Max;
    int m_highlightRow = -1, m_selRow = -1, m_selCol = -1;
    int m_hoverRow = -2, m_hoverCol = -2;
    int m_cursorRow = -1, m_cursorCol = -1;
    bool m_pointerInside = false;
    bool m_keyboardHover = false; ///< the last cell reported came from the keyboard cursor
    QPoint m_pointer; ///< the last pointer position over the plot, in its coordinates
    unsigned m_specialKinds = 0; ///< bit int(kind) set for each special kind present
    Eigen::Index m_shownRows = 0, m_shownCols = 0;
    bool m_refreshing = false;
    bool m_settingContent = false;
};

} // namespace attnscope
