#pragma once
// The Model view's drawing, shared by the window (ModelView) and the command line (`render
// --view model`): every layer × head of a bundle's attentions as small multiples, rows layers,
// columns heads, each cell drawn from its own matrix reduced to the cell's pixels with the
// maximum (matrix_reduce.h), so that a single strong weight never vanishes. Rows are queries,
// columns keys inside each cell.

#include <QImage>
#include <QRect>
#include <QString>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "attention_bundle.h"
#include "colormap.h"
#include "head_summary.h"
#include "result.h"

class QPainter;

namespace attnscope {

/// The finite min..max of the cells; (+∞, −∞) when none is finite.
std::pair<double, double> finiteRange(const double *data, std::size_t n);
/// One pixel per cell, lo..hi through `map`; NaN and ±∞ grey. A thumbnail of the Model view
/// and of the head grid.
QImage colourise(const Mat<double> &m, double lo, double hi, const Colormap &map);

/// The thumbnails of every head of a bundle, drawn on demand at one pixel size and cached until
/// the size, the colour map or the scale changes: a 32 × 32-head model draws only the cells on
/// screen. It only reads the bundle.
class ModelThumbnails {
public:
    void setBundle(std::shared_ptr<const AttentionBundle> bundle);
    const AttentionBundle *bundle() const { return m_bundle.get(); }
    int layers() const { return m_bundle ? int(m_bundle->layers()) : 0; }
    int heads() const { return m_bundle ? int(m_bundle->heads()) : 0; }

    void setColormap(ColormapId id);
    ColormapId colormap() const { return m_colormap; }
    /// true: one colour scale for every head, min..max of all weights (default); false: each
    /// head from its own min to its own max.
    void setSharedScale(bool shared);
    bool sharedScale() const { return m_shared; }
    /// The finite min..max of every weight of the bundle (the shared scale).
    std::pair<double, double> sharedRange() const { return {m_lo, m_hi}; }

    /// The picture of (layer, head) fitting a square of `side` pixels, the matrix's aspect
    /// kept: at most side × side pixels, one per cell when the matrix is smaller.
    const QImage &thumbnail(int layer, int head, int side);
    /// Weight [row, col] of (layer, head), as stored.
    double value(int layer, int head, Eigen::Index row, Eigen::Index col) const;
    /// How many thumbnails are cached (for tests: drawing is lazy).
    int cachedCount() const;

private:
    void invalidate();

    std::shared_ptr<const AttentionBundle> m_bundle;
    ColormapId m_colormap = ColormapId::Viridis;
    bool m_shared = true;
    double m_lo = 0, m_hi = 1;
    int m_side = 0;
    std::vector<QImage> m_cache; ///< layer-major, null until drawn
};

/// The picture of a matrix inside a square cell: its aspect ratio kept, centred.
QRect modelPictureRect(const QRect &cell, Eigen::Index rows, Eigen::Index cols);

/// How the grid is drawn: positions, and what sits on and under each cell.
struct ModelGridStyle {
    int side = 96;        ///< a cell's square, pixels
    int gap = 6;          ///< between cells
    int rowLabelWidth = 40, columnLabelHeight = 20; ///< "L3" on the left, "H5" above
    int badgeHeight = 0;  ///< the summary strip under each cell, 0 without "colour by"
    QPoint origin;        ///< the top left of the grid's labels
    /// Heads in drawing order, per layer (sorted by a summary); empty: 0 … H−1 everywhere.
    std::vector<std::vector<int>> order;
    /// The summaries (layer-major) and the one to colour by; none: no strips.
    const std::vector<HeadSummary> *summaries = nullptr;
    std::optional<HeadMetric> colourBy;
    double badgeLo = 0, badgeHi = 1; ///< the summary's range over the heads
    std::vector<bool> standsOut;     ///< layer-major: heads framed as notable; empty: none
    bool headNumbers = false;        ///< label the head number on each cell (when sorted)
    int focusLayer = -1, focusHead = -1, hoverLayer = -1, hoverHead = -1;

    /// The square of the cell at (row = layer, position in the row).
    QRect cellRect(int layer, int position) const;
    /// The grid's size with its labels, for `layers` × `heads`.
    QSize gridSize(int layers, int heads) const;
    /// The head drawn at `position` of `layer`.
    int headAt(int layer, int position) const;
    /// The position of `head` in `layer`'s row.
    int positionOf(int layer, int head) const;
};

/// The colour of summary value `v` on the strips: magma over lo..hi.
QRgb summaryColour(double v, double lo, double hi);
/// Localised name of a metric ("mean entropy (bits)", …).
QString headMetricName(HeadMetric m);
/// Whether a high value of `m` is the notable one (all but entropy: a low entropy is focused).
bool headMetricHighIsNotable(HeadMetric m);

/// Draws the cells (and labels) of the grid that meet `exposed` (null: all).
void paintModelGrid(QPainter &p, ModelThumbnails &thumbs, const ModelGridStyle &style, const QRect &exposed = QRect());

/// The whole picture as a file: a title naming the file, the grid with labels "L0…" and "H0…",
/// and a colour bar of the shared scale on the right; PNG, SVG or PDF (text as text) by the
/// extension of `path`, written atomically. `cellSide` pixels per cell (shrunk to keep the
/// picture within kMaxExportSide). Needs a QGuiApplication.
Status exportModelPicture(const QString &path, ModelThumbnails &thumbs, ModelGridStyle style, const QString &title,
                          int cellSide);
/// The size exportModelPicture gives a picture of `cellSide` pixels per cell (after shrinking).
QSize modelPictureSize(const ModelThumbnails &thumbs, const ModelGridStyle &style, int &cellSide);

} // namespace attnscope
