#pragma once
// Heatmaps as files: the labelled picture drawn by HeatmapView (PNG, SVG with text kept as
// text, one-page PDF), the bare matrix filled through a colour lookup table, and attention over
// image patches blended on the image. Every file is written to a temporary file beside its
// target and renamed into place only when complete (writeFileAtomically): a failed export leaves nothing
// behind and an existing file untouched. Rows are queries, columns keys.
//
// Needs a QApplication (QCustomPlot is a QWidget) for exportHeatmap; the rest needs Qt GUI only.

#include <QByteArray>
#include <QImage>
#include <QString>

class QPainter;

#include <functional>
#include <optional>

#include "attention_overview.h"
#include "colormap.h"
#include "heatmap_view.h"
#include "result.h"
#include "tensor.h"

namespace attnscope {

/// How values become colours.
enum class ColorNormalization {
    Global, ///< the matrix's finite min..max maps to the whole colour map
    Row,    ///< each row's finite min..max (a row whose entries are equal draws in the lowest colour)
    Log,    ///< log10 of the values, min..max of the positive ones; values <= 0 in the lowest colour
};

std::optional<ColorNormalization> normalizationFromName(const QString &name); ///< "global", "row", "log"
QString exportNormalizationName(ColorNormalization n); // not normalizationName: attention_views.h has one for its own ColorNormalization, and the two would collide at link time

enum class ExportFormat { Png, Svg, Pdf };

/// The format named by the file's extension (.png, .svg, .pdf, any case), or nothing.
std::optional<ExportFormat> exportFormatForPath(const QString &path);

/// Largest width or height of an exported picture, in pixels (a 8192² RGB32 image is 256 MiB).
inline constexpr int kMaxExportSide = 8192;

struct ExportOptions {
    int width = 1200; ///< pixels (PNG), or points (PDF page), or SVG user units; 1..kMaxExportSide
    int height = 1000;
    ColormapId colormap = ColormapId::Viridis;
    /// Coolwarm is always centred on zero: the range is ±max|v| (of the row, for Row).
    ColorNormalization normalization = ColorNormalization::Global;
};

/// `content` with its values transformed so that HeatmapView, which maps min..max (or ±max|v|
/// when diverging), shows the normalisation asked for: Row → each row scaled to 0..1 (coolwarm:
/// divided by the row's max|v|), Log → log10 with values <= 0 at the smallest log of a positive
/// value. Sets `diverging` for coolwarm. -inf cells stay -inf under Global and Row and draw as in
/// the window: grey where `content.masked` blocks them, else in −∞'s own colour; NaN and +∞ too
/// have their own colours, and the picture's legend names those present.
HeatmapView::Content normalizedContent(const HeatmapView::Content &content, ColorNormalization n, ColormapId map);

/// Draws `content` with a HeatmapView of exactly opt.width × opt.height (offscreen, never shown)
/// and writes it to `path` in the format of its extension: PNG of exactly that many pixels (what
/// QCustomPlot::savePng draws: toPixmap at scale 1, no margins added); SVG through QSvgGenerator
/// and QCustomPlot::toPainter, tick labels and titles as <text>; PDF of one page of width × height
/// points through QPdfWriter, as QCustomPlot::savePdf sets it up, with vector text. The colour map
/// and colour scale are raster images inside SVG and PDF. Errors name `path`.
Status exportHeatmap(const HeatmapView::Content &content, const ExportOptions &opt, const QString &path);
/// The bytes exportHeatmap writes, for callers that write several files together (OutputBatch).
Result<QByteArray> encodeHeatmap(const HeatmapView::Content &content, const ExportOptions &opt, ExportFormat format);

/// The matrix alone as a width × height Format_Indexed8 image whose colour table is the map's
/// 256-entry LUT. Where the picture has at least as many pixels as cells in a direction, pixel
/// (x, y) shows cell (⌊y·rows/height⌋, ⌊x·cols/width⌋); where it has fewer, pixel x covers
/// columns [⌊x·cols/width⌋, ⌊(x+1)·cols/width⌋) (rows likewise) and shows the largest colour
/// index of them — the largest value, after normalisation — so no single cell vanishes.
/// Colour index = ⌊t·256⌋ clamped to 0..255 for t = the normalised value in [0, 1]; NaN and -inf
/// draw in the lowest colour, +inf in the highest. Requires a non-empty matrix and sizes >= 1.
QImage renderBare(const Mat<double> &m, int width, int height, ColormapId map, ColorNormalization n);
/// The same for float32 cells in place, e.g. a tensor file's bytes: a 4096² matrix then needs
/// no 128 MiB double copy.
QImage renderBare(Eigen::Map<const Mat<float>> m, int width, int height, ColormapId map, ColorNormalization n);

/// A bare picture of binned values (computeOverview's bins, or binMeans of a stored matrix):
/// pixel (x, y) shows bin (rows.binOfPixel(y), cols.binOfPixel(x)), coloured as renderBare's
/// global normalisation colours a value, over lo..hi, the min and max of every cell (not of the
/// bins). Requires bins of rows.bins() × cols.bins() and sizes rows.pixels(), cols.pixels().
QImage renderBinned(const Mat<double> &bins, const BinAxis &rows, const BinAxis &cols, double lo, double hi,
                    ColormapId map);

/// Where each cell of `m` falls in the colour map, t in [0, 1], normalised as renderBare does
/// (`centred` for a diverging map), so that ⌊t·256⌋ clamped to 0..255 is the colour index
/// renderBare draws: NaN and -inf give 0, +inf 1 (in a matrix with finite spread).
Mat<double> colourPositions(const Mat<double> &m, ColorNormalization n, bool centred);

/// Writes `image` to `path` in the format of its extension: PNG through Qt's writer at zlib
/// level 1 (3× faster than the default level 6 on a 4096² Indexed8 image, for a file 1.4×
/// larger), stored instead when a sample of a large Indexed8 image shows it will not compress;
/// SVG or PDF with the image drawn at its size. Atomic.
Status writeImage(const QImage &image, const QString &path, const QString &title = QString());
/// A picture drawn by `paint` on a canvas of `size` (units: pixels for PNG, where the canvas is
/// drawn at size × scale on white; SVG user units with text as <text>; PDF points with vector text)
/// written to `path` in the format of its extension, atomically. For views that paint themselves
/// (head view, model view) and share this writer with the heatmaps. A side outside
/// 1..kMaxExportSide is refused. Errors name `path`.
Status exportPainting(const QString &path, QSize size, const QString &title,
                      const std::function<void(QPainter &)> &paint, double scale = 1.0);

/// The bytes writeImage writes.
Result<QByteArray> encodeImage(const QImage &image, ExportFormat format, const QString &title = QString());


} // namespace attnscope
