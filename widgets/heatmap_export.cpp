#include "heatmap_export.h"

#include <QApplication>
#include <QBuffer>
#include <QFileInfo>
#include <QImageWriter>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QScreen>
#include <QSvgGenerator>

#include <qcustomplot.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include "combine.h"
#include "file_io.h"

namespace attnscope {
namespace {

/// Qt's PNG writer maps quality q to zlib level (100 − q)·9/91: 85 gives level 1, which encodes a
/// 4096² picture about 3× faster than the default level 6 for a file 1.4× larger; 100 gives
/// level 0, stored (tests/bench/bench_render.cpp).
constexpr int kPngQuality = 85, kPngStored = 100;

/// The PNG quality for `image`: zlib level 1, unless a sample of a large indexed picture barely
/// compresses (noise-like cells using every colour) — then deflate would cost ~5× the time of
/// storing for a file less than 10 % smaller, and the pixels are stored.
int pngQuality(const QImage &image)
{
    if (image.format() != QImage::Format_Indexed8 || image.sizeInBytes() < (qsizetype(4) << 20))
        return kPngQuality;
    // 16 runs of 8 rows spread over the picture (deflate's 32 KiB window spans a few rows).
    constexpr int kRuns = 16, kRows = 8;
    QByteArray sample;
    for (int r = 0; r < kRuns; ++r) {
        const int first = int(qint64(r) * (image.height() - kRows) / (kRuns - 1));
        for (int y = std::max(first, 0); y < std::min(first + kRows, image.height()); ++y)
            sample.append(reinterpret_cast<const char *>(image.constScanLine(y)), image.width());
    }
    return qCompress(sample, 1).size() > sample.size() * 9 / 10 ? kPngStored : kPngQuality;
}

/// v ↦ (v − lo)·inv, the normalised value t in [0, 1] of one range; inv = 0 for a range
/// without spread, so that everything draws in the lowest colour (as HeatmapView does).
struct Range {
    double lo = 0, inv = 0;
};

/// Colour index ⌊t·256⌋ in 0..255, as Colormap::at picks it; NaN gives 0.
inline uchar lutIndex(double t)
{
    if (!(t > 0))
        return 0;
    if (t >= 1)
        return 255;
    return uchar(t * 256.0);
}

Range makeRange(double lo, double hi, bool centred)
{
    if (!std::isfinite(lo)) // nothing finite (or nothing positive, for log)
        return centred ? Range{-1, 0.5} : Range{0, 0};
    if (centred) {
        const double a = std::max({std::abs(lo), std::abs(hi), 1e-12});
        return {-a, 0.5 / a};
    }
    return hi - lo < 1e-12 ? Range{lo, 0} : Range{lo, 1.0 / (hi - lo)};
}

/// A row-major matrix of double or float, in place.
template <class S>
struct Cells {
    const S *data;
    Eigen::Index rows, cols;
    const S *row(Eigen::Index i) const { return data + i * cols; }
};

/// The ranges of the finite values (of log10 of the positive ones, for Log): one for the whole
/// matrix, or one per row for Row.
template <class S>
std::vector<Range> valueRanges(Cells<S> m, ColorNormalization n, bool centred)
{
    const bool perRow = n == ColorNormalization::Row;
    const bool log = n == ColorNormalization::Log;
    std::vector<Range> out;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (Eigen::Index i = 0; i < m.rows; ++i) {
        const S *p = m.row(i);
        for (Eigen::Index j = 0; j < m.cols; ++j) {
            double v = double(p[j]);
            if (log) {
                if (!(v > 0))
                    continue;
                v = std::log10(v);
            }
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
        if (perRow) {
            out.push_back(makeRange(lo, hi, centred));
            lo = std::numeric_limits<double>::infinity();
            hi = -lo;
        }
    }
    if (!perRow)
        out.push_back(makeRange(lo, hi, centred));
    return out;
}

std::vector<Range> valueRanges(const Mat<double> &m, ColorNormalization n, bool centred)
{
    return valueRanges(Cells<double>{m.data(), m.rows(), m.cols()}, n, centred);
}

/// One colour index per cell of row `i`, written to `out` (m.cols bytes).
template <class S>
void indexRow(Cells<S> m, Eigen::Index i, const Range &r, bool log, uchar *out)
{
    const S *p = m.row(i);
    if (log) {
        for (Eigen::Index j = 0; j < m.cols; ++j)
            out[j] = p[j] > 0 ? lutIndex((std::log10(double(p[j])) - r.lo) * r.inv) : 0;
        return;
    }
    if (r.inv == 0) { // no spread: the lowest colour, +inf included (as HeatmapView draws it)
        std::memset(out, 0, std::size_t(m.cols));
        return;
    }
    for (Eigen::Index j = 0; j < m.cols; ++j)
        out[j] = lutIndex((double(p[j]) - r.lo) * r.inv);
}

/// For each of `pixels` output positions, the first and one-past-last cell of `cells` it shows
/// (the --bare rule, BinAxis: the streamed overview bins by the same one).
void spans(int pixels, Eigen::Index cells, std::vector<Eigen::Index> &first, std::vector<Eigen::Index> &last)
{
    const BinAxis axis(cells, pixels);
    first.resize(std::size_t(pixels));
    last.resize(std::size_t(pixels));
    for (int x = 0; x < pixels; ++x) {
        const std::int64_t b = axis.binOfPixel(x);
        first[std::size_t(x)] = axis.first(b);
        last[std::size_t(x)] = axis.first(b + 1);
    }
}

Error writeError(const QString &path, const QString &why)
{
    return makeError(Error::Code::WriteFailed, "cannot write " + path.toStdString() + ": " + why.toStdString());
}

/// Runs `write` into memory, then writes the bytes atomically (engine/formats/file_io.h): on any failure
/// `path` is left as it was, and a failed write names the operating system's reason ("No space
/// left on device"), which QImageWriter on a QSaveFile reported as "Unknown error".
Status writeAtomically(const QString &path, const std::function<QString(QIODevice &)> &write)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (const QString why = write(buffer); !why.isEmpty())
        return writeError(path, why);
    buffer.close();
    return writeFileAtomically(path.toStdString(),
                               std::span<const std::byte>(reinterpret_cast<const std::byte *>(bytes.constData()),
                                                          std::size_t(bytes.size())));
}

/// The resolution the plot's layout measures its fonts at, so that SVG and PDF text has the
/// size the layout made room for.
int layoutDpi()
{
    const QScreen *screen = QGuiApplication::primaryScreen();
    return screen ? std::max(1, qRound(screen->logicalDotsPerInchY())) : 96;
}

/// A QPdfWriter of one page of width × height points, set up as QCustomPlot::savePdf sets up
/// its QPrinter (full page, no margins, the screen's resolution).
void setUpPdf(QPdfWriter &pdf, int width, int height, const QString &title)
{
    pdf.setCreator(QStringLiteral("AttnScope"));
    pdf.setTitle(title);
    pdf.setResolution(layoutDpi());
    QPageLayout layout(QPageSize(QSizeF(width, height), QPageSize::Point, QString(), QPageSize::ExactMatch),
                       QPageLayout::Portrait, QMarginsF(0, 0, 0, 0));
    layout.setMode(QPageLayout::FullPageMode);
    pdf.setPageLayout(layout);
}

void setUpSvg(QSvgGenerator &svg, QIODevice *device, int width, int height, const QString &title)
{
    svg.setOutputDevice(device);
    svg.setSize(QSize(width, height));
    svg.setViewBox(QRect(0, 0, width, height));
    svg.setResolution(layoutDpi());
    svg.setTitle(title);
    svg.setDescription(QStringLiteral("AttnScope"));
}

QString colourScaleLabel(ColorNormalization n)
{
    switch (n) {
    case ColorNormalization::Global: return QString();
    case ColorNormalization::Row: return QStringLiteral("row-normalised");
    case ColorNormalization::Log: return QStringLiteral("log₁₀");
    }
    return QString();
}

/// `image` in `format` into `device`: PNG through Qt's writer at zlib level 1, SVG or PDF with
/// the image drawn at its size. An error text, or empty on success.
QString drawImage(QIODevice &device, const QImage &image, ExportFormat format, const QString &title)
{
    if (image.isNull())
        return QStringLiteral("the picture could not be allocated");
    const int w = image.width(), h = image.height();
    switch (format) {
    case ExportFormat::Png: {
        QImageWriter writer(&device, "png");
        writer.setQuality(pngQuality(image));
        if (!title.isEmpty())
            writer.setText(QStringLiteral("Title"), title);
        return writer.write(image) ? QString() : writer.errorString();
    }
    case ExportFormat::Svg: {
        QSvgGenerator svg;
        setUpSvg(svg, &device, w, h, title);
        QPainter painter;
        if (!painter.begin(&svg))
            return QStringLiteral("could not start the SVG");
        painter.drawImage(QRect(0, 0, w, h), image);
        return painter.end() ? QString() : QStringLiteral("could not finish the SVG");
    }
    case ExportFormat::Pdf: {
        QPdfWriter pdf(&device);
        setUpPdf(pdf, w, h, title);
        QPainter painter;
        if (!painter.begin(&pdf))
            return QStringLiteral("could not start the PDF");
        painter.setWindow(QRect(0, 0, w, h));
        painter.drawImage(QRect(0, 0, w, h), image);
        return painter.end() ? QString() : QStringLiteral("could not finish the PDF");
    }
    }
    return QString();
}

} // namespace

std::optional<ColorNormalization> normalizationFromName(const QString &name)
{
    if (name == QLatin1String("global"))
        return ColorNormalization::Global;
    if (name == QLatin1String("row"))
        return ColorNormalization::Row;
    if (name == QLatin1String("log"))
        return ColorNormalization::Log;
    return std::nullopt;
}

QString exportNormalizationName(ColorNormalization n)
{
    switch (n) {
    case ColorNormalization::Global: return QStringLiteral("global");
    case ColorNormalization::Row: return QStringLiteral("row");
    case ColorNormalization::Log: return QStringLiteral("log");
    }
    return QString();
}

std::optional<ExportFormat> exportFormatForPath(const QString &path)
{
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext == QLatin1String("png"))
        return ExportFormat::Png;
    if (ext == QLatin1String("svg"))
        return ExportFormat::Svg;
    if (ext == QLatin1String("pdf"))
        return ExportFormat::Pdf;
    return std::nullopt;
}

HeatmapView::Content normalizedContent(const HeatmapView::Content &content, ColorNormalization n, ColormapId map)
{
    HeatmapView::Content out = content;
    out.diverging = map == ColormapId::Coolwarm;
    if (!content.values || n == ColorNormalization::Global)
        return out;
    const Mat<double> &m = *content.values;
    if (n == ColorNormalization::Log) {
        const Range r = valueRanges(m, n, false).front();
        out.values = std::make_shared<const Mat<double>>(log10Values(m, r.lo));
    } else if (out.diverging) {
        Mat<double> scaled = m;
        const std::vector<Range> ranges = valueRanges(m, n, true);
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            scaled.row(i) *= 2 * ranges[std::size_t(i)].inv; // ÷ the row's max |v|
        out.values = std::make_shared<const Mat<double>>(std::move(scaled));
    } else {
        out.values = std::make_shared<const Mat<double>>(normalizeRows(m));
    }
    return out;
}

namespace {

/// Draws `content` as HeatmapView draws it at w × h into `device` in `format`; an error text,
/// or empty on success.
QString drawHeatmap(QIODevice &device, const HeatmapView::Content &content, const ExportOptions &opt, ExportFormat format)
{
    const int w = opt.width, h = opt.height;
    // Never shown: the plot is laid out at the export size by hand (a hidden widget receives no
    // resize event), then the view reduces the matrix and spaces the labels for that size.
    HeatmapView view;
    view.setAttribute(Qt::WA_DontShowOnScreen);
    view.resize(w, h);
    QCustomPlot *plot = view.plot();
    plot->setViewport(QRect(0, 0, w, h));
    view.setColormap(opt.colormap);
    view.setContent(normalizedContent(content, opt.normalization, opt.colormap));
    view.resetView(); // again, now that the tick labels' margins are known
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto *scale = qobject_cast<QCPColorScale *>(plot->plotLayout()->elementAt(i)))
            scale->axis()->setLabel(colourScaleLabel(opt.normalization));

    switch (format) {
    case ExportFormat::Png: {
        // What QCustomPlot::savePng(path, w, h, 1.0) draws: toPixmap at scale 1, no margins.
        const QImage image = plot->toPixmap(w, h, 1.0).toImage();
        if (image.size() != QSize(w, h))
            return QStringLiteral("could not draw a %1 × %2 picture").arg(w).arg(h);
        return drawImage(device, image, format, content.title);
    }
    case ExportFormat::Svg: {
        QSvgGenerator svg;
        setUpSvg(svg, &device, w, h, content.title);
        QCPPainter painter;
        if (!painter.begin(&svg))
            return QStringLiteral("could not start the SVG");
        // Vectorized and uncached: tick labels reach the painter as text, not as cached pixmaps.
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        plot->toPainter(&painter, w, h);
        return painter.end() ? QString() : QStringLiteral("could not finish the SVG");
    }
    case ExportFormat::Pdf: {
        QPdfWriter pdf(&device);
        setUpPdf(pdf, w, h, content.title);
        QCPPainter painter;
        if (!painter.begin(&pdf))
            return QStringLiteral("could not start the PDF");
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        painter.setWindow(QRect(0, 0, w, h));
        plot->toPainter(&painter, w, h);
        return painter.end() ? QString() : QStringLiteral("could not finish the PDF");
    }
    }
    return QString();
}

QString checkContent(const HeatmapView::Content &content, const ExportOptions &opt)
{
    assert(qobject_cast<QApplication *>(QCoreApplication::instance()));
    assert(opt.width >= 1 && opt.height >= 1 && opt.width <= kMaxExportSide && opt.height <= kMaxExportSide);
    (void)opt;
    if (!content.values || content.values->size() == 0)
        return QStringLiteral("the matrix is empty");
    return QString();
}

Result<QByteArray> intoBuffer(const std::function<QString(QIODevice &)> &draw)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (const QString why = draw(buffer); !why.isEmpty())
        return makeError(Error::Code::WriteFailed, why.toStdString());
    buffer.close();
    return bytes;
}

} // namespace

Result<QByteArray> encodeHeatmap(const HeatmapView::Content &content, const ExportOptions &opt, ExportFormat format)
{
    if (const QString why = checkContent(content, opt); !why.isEmpty())
        return makeError(Error::Code::BadArgument, why.toStdString());
    return intoBuffer([&](QIODevice &device) { return drawHeatmap(device, content, opt, format); });
}

Status exportHeatmap(const HeatmapView::Content &content, const ExportOptions &opt, const QString &path)
{
    const auto format = exportFormatForPath(path);
    if (!format)
        return writeError(path, QStringLiteral("the extension is not .png, .svg or .pdf"));
    if (const QString why = checkContent(content, opt); !why.isEmpty())
        return writeError(path, why);
    return writeAtomically(path, [&](QIODevice &device) { return drawHeatmap(device, content, opt, *format); });
}

namespace {

template <class S>
QImage renderBareCells(Cells<S> m, int width, int height, ColormapId map, ColorNormalization n)
{
    assert(m.rows > 0 && m.cols > 0 && width > 0 && height > 0);
    const Colormap &cm = Colormap::get(map);
    QImage image(width, height, QImage::Format_Indexed8);
    if (image.isNull())
        return image;
    image.setColorTable(QList<QRgb>(cm.lut().begin(), cm.lut().end()));
    const std::vector<Range> ranges = valueRanges(m, n, cm.diverging());
    const auto range = [&](Eigen::Index i) -> const Range & { return ranges[ranges.size() == 1 ? 0 : std::size_t(i)]; };
    const bool log = n == ColorNormalization::Log;
    const Eigen::Index rows = m.rows, cols = m.cols;

    if (width == cols && height == rows) { // one pixel per cell: straight into the scanlines
        for (Eigen::Index i = 0; i < rows; ++i)
            indexRow(m, i, range(i), log, image.scanLine(int(i)));
        return image;
    }
    // One colour index per cell, then each pixel takes the largest index of the cells it shows.
    std::vector<uchar> cells(std::size_t(rows * cols));
    for (Eigen::Index i = 0; i < rows; ++i)
        indexRow(m, i, range(i), log, cells.data() + i * cols);
    std::vector<Eigen::Index> x0, x1, y0, y1;
    spans(width, cols, x0, x1);
    spans(height, rows, y0, y1);
    std::vector<uchar> rowMax(static_cast<std::size_t>(cols));
    for (int y = 0; y < height; ++y) {
        uchar *line = image.scanLine(y);
        const auto yi = std::size_t(y);
        if (y > 0 && y0[yi] == y0[yi - 1] && y1[yi] == y1[yi - 1]) { // the same cells as the line above
            std::memcpy(line, image.constScanLine(y - 1), std::size_t(width));
            continue;
        }
        const uchar *src = cells.data() + y0[yi] * cols;
        if (y1[yi] - y0[yi] > 1) {
            std::copy(src, src + cols, rowMax.begin());
            for (Eigen::Index r = y0[yi] + 1; r < y1[yi]; ++r)
                for (Eigen::Index c = 0; c < cols; ++c)
                    rowMax[std::size_t(c)] = std::max(rowMax[std::size_t(c)], cells[std::size_t(r * cols + c)]);
            src = rowMax.data();
        }
        for (int x = 0; x < width; ++x)
            line[x] = *std::max_element(src + x0[std::size_t(x)], src + x1[std::size_t(x)]);
    }
    return image;
}

} // namespace

QImage renderBinned(const Mat<double> &bins, const BinAxis &rows, const BinAxis &cols, double lo, double hi,
                    ColormapId map)
{
    assert(bins.rows() == rows.bins() && bins.cols() == cols.bins() && rows.pixels() > 0 && cols.pixels() > 0);
    const Colormap &cm = Colormap::get(map);
    QImage image(cols.pixels(), rows.pixels(), QImage::Format_Indexed8);
    if (image.isNull())
        return image;
    image.setColorTable(QList<QRgb>(cm.lut().begin(), cm.lut().end()));
    const Range r = makeRange(lo, hi, cm.diverging());
    std::vector<std::int64_t> binOfX(std::size_t(cols.pixels()));
    for (int x = 0; x < cols.pixels(); ++x)
        binOfX[std::size_t(x)] = cols.binOfPixel(x);
    for (int y = 0; y < rows.pixels(); ++y) {
        uchar *line = image.scanLine(y);
        const std::int64_t b = rows.binOfPixel(y);
        for (int x = 0; x < cols.pixels(); ++x)
            line[x] = r.inv == 0 ? 0 : lutIndex((bins(b, binOfX[std::size_t(x)]) - r.lo) * r.inv);
    }
    return image;
}

QImage renderBare(const Mat<double> &m, int width, int height, ColormapId map, ColorNormalization n)
{
    return renderBareCells(Cells<double>{m.data(), m.rows(), m.cols()}, width, height, map, n);
}

QImage renderBare(Eigen::Map<const Mat<float>> m, int width, int height, ColormapId map, ColorNormalization n)
{
    return renderBareCells(Cells<float>{m.data(), m.rows(), m.cols()}, width, height, map, n);
}

Mat<double> colourPositions(const Mat<double> &m, ColorNormalization n, bool centred)
{
    const Cells<double> cells{m.data(), m.rows(), m.cols()};
    const std::vector<Range> ranges = valueRanges(cells, n, centred);
    const bool log = n == ColorNormalization::Log;
    Mat<double> t(m.rows(), m.cols());
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const Range &r = ranges[ranges.size() == 1 ? 0 : std::size_t(i)];
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const double v = m(i, j);
            // As indexRow: log10 of positive values; no spread draws in the lowest colour.
            const double x = log ? (v > 0 ? (std::log10(v) - r.lo) * r.inv : 0.0) : (r.inv == 0 ? 0.0 : (v - r.lo) * r.inv);
            t(i, j) = x > 0 ? std::min(x, 1.0) : 0.0; // NaN → 0, as lutIndex
        }
    }
    return t;
}

Result<QByteArray> encodeImage(const QImage &image, ExportFormat format, const QString &title)
{
    return intoBuffer([&](QIODevice &device) { return drawImage(device, image, format, title); });
}

Status exportPainting(const QString &path, QSize size, const QString &title,
                      const std::function<void(QPainter &)> &paint, double scale)
{
    const auto format = exportFormatForPath(path);
    if (!format)
        return writeError(path, QStringLiteral("the name must end in .png, .svg or .pdf"));
    if (size.width() < 1 || size.height() < 1 || size.width() > kMaxExportSide || size.height() > kMaxExportSide)
        return writeError(path, QStringLiteral("the picture would be %1 × %2, beyond %3 on a side")
                                    .arg(size.width())
                                    .arg(size.height())
                                    .arg(kMaxExportSide));
    const int w = size.width(), h = size.height();
    return writeAtomically(path, [&](QIODevice &device) -> QString {
        QPainter painter;
        if (*format == ExportFormat::Png) {
            const double s = std::clamp(scale, 0.1, double(kMaxExportSide) / std::max(w, h));
            QImage image(int(std::lround(w * s)), int(std::lround(h * s)), QImage::Format_RGB32);
            if (image.isNull())
                return QStringLiteral("the picture could not be allocated");
            image.fill(Qt::white);
            painter.begin(&image);
            painter.scale(s, s);
            paint(painter);
            painter.end();
            return drawImage(device, image, ExportFormat::Png, title);
        }
        if (*format == ExportFormat::Svg) {
            QSvgGenerator svg;
            setUpSvg(svg, &device, w, h, title);
            if (!painter.begin(&svg))
                return QStringLiteral("could not start the SVG");
            paint(painter);
            return painter.end() ? QString() : QStringLiteral("could not finish the SVG");
        }
        QPdfWriter pdf(&device);
        setUpPdf(pdf, w, h, title);
        if (!painter.begin(&pdf))
            return QStringLiteral("could not start the PDF");
        painter.setWindow(QRect(0, 0, w, h));
        paint(painter);
        return painter.end() ? QString() : QStringLiteral("could not finish the PDF");
    });
}

Status writeImage(const QImage &image, const QString &path, const QString &title)
{
    const auto format = exportFormatForPath(path);
    if (!format)
        return writeError(path, QStringLiteral("the extension is not .png, .svg or .pdf"));
    return writeAtomically(path, [&](QIODevice &device) { return drawImage(device, image, *format, title); });
}


} // namespace attnscope
