#include "model_picture.h"

#include <QCoreApplication>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

#include "heatmap_export.h"
#include "matrix_reduce.h"

namespace attnscope {
namespace {

const QRgb kNonFinite = qRgb(128, 128, 128);
const QColor kStandsOut(230, 120, 0);

} // namespace

std::pair<double, double> finiteRange(const double *data, std::size_t n)
{
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t k = 0; k < n; ++k)
        if (std::isfinite(data[k])) {
            lo = std::min(lo, data[k]);
            hi = std::max(hi, data[k]);
        }
    return {lo, hi};
}

QImage colourise(const Mat<double> &m, double lo, double hi, const Colormap &map)
{
    QImage img(int(m.cols()), int(m.rows()), QImage::Format_RGB32);
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        auto *line = reinterpret_cast<QRgb *>(img.scanLine(int(i)));
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const double v = m(i, j);
            line[j] = !std::isfinite(v) ? kNonFinite : map.at(hi > lo ? (v - lo) / (hi - lo) : 0.0);
        }
    }
    return img;
}

void ModelThumbnails::setBundle(std::shared_ptr<const AttentionBundle> bundle)
{
    m_bundle = std::move(bundle);
    m_lo = 0;
    m_hi = 1;
    if (m_bundle) {
        // One pass over the stored weights, whatever their type, a layer at a time.
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        const std::int64_t perLayer = m_bundle->heads() * m_bundle->queries() * m_bundle->keys();
        std::vector<double> buffer(std::size_t(std::max<std::int64_t>(perLayer, 0)));
        for (std::int64_t l = 0; l < m_bundle->layers() && perLayer > 0; ++l) {
            m_bundle->attentions.copyTo(buffer.data(), l * perLayer, perLayer);
            const auto [a, b] = finiteRange(buffer.data(), buffer.size());
            lo = std::min(lo, a);
            hi = std::max(hi, b);
        }
        if (std::isfinite(lo)) {
            m_lo = lo;
            m_hi = hi;
        }
    }
    invalidate();
}

void ModelThumbnails::setColormap(ColormapId id)
{
    if (id != m_colormap) {
        m_colormap = id;
        invalidate();
    }
}

void ModelThumbnails::setSharedScale(bool shared)
{
    if (shared != m_shared) {
        m_shared = shared;
        invalidate();
    }
}

void ModelThumbnails::invalidate()
{
    m_cache.assign(std::size_t(layers() * heads()), QImage());
}

int ModelThumbnails::cachedCount() const
{
    return int(std::count_if(m_cache.begin(), m_cache.end(), [](const QImage &i) { return !i.isNull(); }));
}

const QImage &ModelThumbnails::thumbnail(int layer, int head, int side)
{
    static const QImage none;
    if (!m_bundle || layer < 0 || head < 0 || layer >= layers() || head >= heads() || side < 1)
        return none;
    if (side != m_side) {
        m_side = side;
        invalidate();
    }
    QImage &slot = m_cache[std::size_t(layer * heads() + head)];
    if (!slot.isNull())
        return slot;
    const Mat<double> m = m_bundle->attentions.matrix<double>(std::int64_t(layer) * heads() + head);
    const QRect pic = modelPictureRect(QRect(0, 0, side, side), m.rows(), m.cols());
    if (pic.isEmpty())
        return none;
    const Mat<double> small = m.rows() > pic.height() || m.cols() > pic.width()
                                  ? reduceBlock(m, 0, m.rows(), 0, m.cols(), pic.height(), pic.width(), Reduction::Max)
                                  : m;
    const auto [lo, hi] = m_shared ? std::make_pair(m_lo, m_hi) : finiteRange(m.data(), std::size_t(m.size()));
    slot = colourise(small, lo, hi, Colormap::get(m_colormap));
    return slot;
}

double ModelThumbnails::value(int layer, int head, Eigen::Index row, Eigen::Index col) const
{
    const AttentionBundle &b = *m_bundle;
    return b.attentions.at(((std::int64_t(layer) * b.heads() + head) * b.queries() + row) * b.keys() + col);
}

QRect modelPictureRect(const QRect &cell, Eigen::Index rows, Eigen::Index cols)
{
    if (rows <= 0 || cols <= 0)
        return {};
    const double cellPx = double(cell.width()) / double(std::max(rows, cols));
    const int w = std::max(1, int(std::lround(cellPx * double(cols))));
    const int h = std::max(1, int(std::lround(cellPx * double(rows))));
    return QRect(cell.x() + (cell.width() - w) / 2, cell.y() + (cell.height() - h) / 2, w, h);
}

QRect ModelGridStyle::cellRect(int layer, int position) const
{
    return QRect(origin.x() + rowLabelWidth + position * (side + gap),
                 origin.y() + columnLabelHeight + layer * (side + badgeHeight + gap), side, side);
}

QSize ModelGridStyle::gridSize(int layers, int heads) const
{
    return QSize(rowLabelWidth + heads * (side + gap), columnLabelHeight + layers * (side + badgeHeight + gap));
}

int ModelGridStyle::headAt(int layer, int position) const
{
    if (layer < int(order.size()) && position < int(order[std::size_t(layer)].size()))
        return order[std::size_t(layer)][std::size_t(position)];
    return position;
}

int ModelGridStyle::positionOf(int layer, int head) const
{
    if (layer < int(order.size())) {
        const auto &row = order[std::size_t(layer)];
        const auto it = std::find(row.begin(), row.end(), head);
        return it == row.end() ? -1 : int(it - row.begin());
    }
    return head;
}

QRgb summaryColour(double v, double lo, double hi)
{
    if (!std::isfinite(v))
        return kNonFinite;
    return Colormap::get(ColormapId::Magma).at(hi > lo ? 0.15 + 0.85 * (v - lo) / (hi - lo) : 0.5);
}

QString headMetricName(HeadMetric m)
{
    switch (m) {
    case HeadMetric::Entropy: return QCoreApplication::translate("ModelView", "mean entropy (bits)");
    case HeadMetric::Special: return QCoreApplication::translate("ModelView", "attention to special tokens");
    case HeadMetric::Previous: return QCoreApplication::translate("ModelView", "attention to the previous token");
    case HeadMetric::Next: return QCoreApplication::translate("ModelView", "attention to the next token");
    case HeadMetric::Self: return QCoreApplication::translate("ModelView", "attention to itself");
    }
    return QString();
}

bool headMetricHighIsNotable(HeadMetric m)
{
    return m != HeadMetric::Entropy;
}

namespace {

void paintLabels(QPainter &p, const ModelGridStyle &s, int layers, int heads)
{
    const bool sorted = !s.order.empty();
    for (int c = 0; c < heads; ++c) {
        const QRect cell = s.cellRect(0, c);
        p.drawText(QRect(cell.x(), s.origin.y(), cell.width(), s.columnLabelHeight), Qt::AlignCenter,
                   sorted ? QStringLiteral("%1.").arg(c + 1) : QStringLiteral("H%1").arg(c));
    }
    for (int l = 0; l < layers; ++l) {
        const QRect cell = s.cellRect(l, 0);
        p.drawText(QRect(s.origin.x(), cell.y(), s.rowLabelWidth - 4, cell.height()), Qt::AlignRight | Qt::AlignVCenter,
                   QStringLiteral("L%1").arg(l));
    }
}

/// The strip under a cell: its summary's colour and value.
void paintBadge(QPainter &p, const ModelGridStyle &s, const QRect &cell, double v)
{
    const QRect strip(cell.x(), cell.bottom() + 2, cell.width(), s.badgeHeight - 3);
    const QColor fill = QColor::fromRgb(summaryColour(v, s.badgeLo, s.badgeHi));
    p.fillRect(strip, fill);
    if (strip.height() >= 9) {
        p.setPen(fill.lightness() > 140 ? Qt::black : Qt::white);
        p.drawText(strip, Qt::AlignCenter, std::isfinite(v) ? QString::number(v, 'f', 2) : QStringLiteral("—"));
    }
}

/// The head number in the corner of a cell, on a box that keeps it readable on any colour.
void paintHeadNumber(QPainter &p, const QRect &cell, int head)
{
    const QString text = QStringLiteral("H%1").arg(head);
    QRect box = p.fontMetrics().boundingRect(text).adjusted(-2, 0, 2, 0);
    box.moveTopLeft(cell.topLeft() + QPoint(1, 1));
    p.fillRect(box, QColor(255, 255, 255, 200));
    p.setPen(Qt::black);
    p.drawText(box, Qt::AlignCenter, text);
}

} // namespace

void paintModelGrid(QPainter &p, ModelThumbnails &thumbs, const ModelGridStyle &s, const QRect &exposed)
{
    const int layers = thumbs.layers(), heads = thumbs.heads();
    if (layers == 0 || heads == 0)
        return;
    const QColor text = p.pen().color();
    paintLabels(p, s, layers, heads);
    const AttentionBundle &b = *thumbs.bundle();
    for (int l = 0; l < layers; ++l) {
        for (int c = 0; c < heads; ++c) {
            const QRect cell = s.cellRect(l, c);
            if (!exposed.isNull() && !exposed.intersects(cell.adjusted(-3, -3, 3, s.badgeHeight + 3)))
                continue;
            const int h = s.headAt(l, c);
            const QRect pic = modelPictureRect(cell, b.queries(), b.keys());
            const QImage &img = thumbs.thumbnail(l, h, s.side);
            if (!img.isNull())
                p.drawImage(pic, img); // no smoothing: cells stay crisp
            const std::size_t k = std::size_t(l * heads + h);
            const bool focus = l == s.focusLayer && h == s.focusHead, hover = l == s.hoverLayer && h == s.hoverHead;
            const bool notable = k < s.standsOut.size() && s.standsOut[k];
            if (focus || hover || notable) {
                p.setPen(QPen(focus ? QColor(0, 120, 215) : notable ? kStandsOut : QColor(150, 150, 150), notable && !focus ? 3 : 2));
                p.setBrush(Qt::NoBrush);
                p.drawRect(pic.adjusted(-2, -2, 1, 1));
            }
            if (s.headNumbers && s.side >= 32)
                paintHeadNumber(p, cell, h);
            if (s.summaries && s.colourBy && s.badgeHeight > 3 && k < s.summaries->size())
                paintBadge(p, s, cell, (*s.summaries)[k].value(*s.colourBy));
            p.setPen(text);
        }
    }
}

namespace {

constexpr int kTitleHeight = 44, kBarWidth = 110, kMargin = 16;

/// The shared colour scale: the map from bottom (low) to top (high), with its ends labelled.
void paintColourBar(QPainter &p, const QRect &area, const ModelThumbnails &thumbs)
{
    const QRect bar(area.x() + 12, area.y(), 22, area.height());
    QImage ramp(1, 256, QImage::Format_RGB32);
    const Colormap &map = Colormap::get(thumbs.colormap());
    for (int i = 0; i < 256; ++i)
        ramp.setPixel(0, 255 - i, map.lut()[std::size_t(i)]);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(bar, ramp);
    p.setPen(Qt::black);
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    const auto [lo, hi] = thumbs.sharedRange();
    const QRect label(bar.right() + 6, 0, area.right() - bar.right() - 6, p.fontMetrics().height());
    for (int k = 0; k <= 4; ++k) {
        const double t = k / 4.0;
        const int y = bar.bottom() - int(std::lround(t * (bar.height() - 1)));
        p.drawLine(bar.right(), y, bar.right() + 4, y);
        p.drawText(label.translated(0, y - label.height() / 2), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::number(lo + t * (hi - lo), 'g', 3));
    }
}

} // namespace

QSize modelPictureSize(const ModelThumbnails &thumbs, const ModelGridStyle &style, int &cellSide)
{
    const int layers = std::max(1, thumbs.layers()), heads = std::max(1, thumbs.heads());
    ModelGridStyle s = style;
    auto total = [&](int side) {
        s.side = side;
        const QSize g = s.gridSize(layers, heads);
        return QSize(2 * kMargin + g.width() + kBarWidth, 2 * kMargin + kTitleHeight + g.height());
    };
    cellSide = std::max(8, cellSide);
    while (cellSide > 8 && (total(cellSide).width() > kMaxExportSide || total(cellSide).height() > kMaxExportSide))
        --cellSide;
    return total(cellSide);
}

Status exportModelPicture(const QString &path, ModelThumbnails &thumbs, ModelGridStyle style, const QString &title,
                          int cellSide)
{
    if (thumbs.layers() == 0 || thumbs.heads() == 0)
        return makeError(Error::Code::BadArgument, "cannot write " + path.toStdString() + ": there are no heads to draw");
    const QSize size = modelPictureSize(thumbs, style, cellSide);
    style.side = cellSide;
    style.origin = QPoint(kMargin, kMargin + kTitleHeight);
    style.hoverLayer = style.hoverHead = -1;
    return exportPainting(path, size, title, [&](QPainter &p) {
        p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
        QFont font = p.font();
        font.setPixelSize(std::clamp(cellSide / 9, 11, 22));
        QFont big = font;
        big.setPixelSize(font.pixelSize() + 6);
        big.setBold(true);
        p.setFont(big);
        p.setPen(Qt::black);
        p.drawText(QRect(kMargin, kMargin, size.width() - 2 * kMargin, kTitleHeight - 8), Qt::AlignLeft | Qt::AlignVCenter,
                   title);
        p.setFont(font);
        paintModelGrid(p, thumbs, style);
        const QSize grid = style.gridSize(thumbs.layers(), thumbs.heads());
        const int top = style.origin.y() + style.columnLabelHeight;
        paintColourBar(p, QRect(kMargin + grid.width(), top, kBarWidth, std::min(grid.height() - style.columnLabelHeight, 400)),
                       thumbs);
    });
}

} // namespace attnscope
