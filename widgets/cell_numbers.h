#pragma once

#include <QColor>
#include <QString>

#include <qcustomplot.h>

namespace attnscope {

class HeatmapView;

/// A heatmap cell's value as it is written inside the cell: 3 significant digits and at most 2
/// decimals ("0.12", "1.23", "12.3", "123", "−0.05"), "−∞" where a mask blocks, "NaN", "+∞", "−∞".
QString cellNumberText(double v, bool masked);
/// Black or white, whichever reads better on `background` (its relative luminance, sRGB).
QColor contrastingTextColor(const QColor &background);

/// The numbers drawn over a HeatmapView's cells, on its plot's main layer above the colours and
/// below the selection outlines. Drawn only when the content asks for them and every visible
/// cell is at least kMinCellWidth wide and tall enough for a readable font whose text fits.
class CellNumbersLayer : public QCPLayerable {
public:
    static constexpr int kMinCellWidth = 28; ///< pixels
    static constexpr int kMinFontPixels = 8;
    explicit CellNumbersLayer(const HeatmapView *view, QCustomPlot *plot);
    /// The pixel size of the font the numbers are drawn in now, or 0 when none are drawn.
    int fontPixels() const;

protected:
    void applyDefaultAntialiasingHint(QCPPainter *painter) const override;
    void draw(QCPPainter *painter) override;
    QRect clipRect() const override;

private:
    struct Visible {
        int r0 = 0, r1 = 0, c0 = 0, c1 = 0; ///< [r0, r1) × [c0, c1)
        double cellW = 0, cellH = 0;        ///< pixels
    };
    bool visibleCells(Visible *v) const;
    const HeatmapView *m_view;
};

} // namespace attnscope
