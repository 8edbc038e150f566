#include "overview_view.h"

#include <QEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "cell_values.h"

namespace attnscope {
namespace {

constexpr QRgb kReceivedColor = 0xffd95f02; ///< the key strip: dark orange (ColorBrewer Dark2)
constexpr QRgb kEntropyColor = 0xff1b9e77;  ///< the entropy strip: teal (Dark2)

/// A tick step of 1, 2 or 5 × 10^k cells, at least `minPixels` apart at `pixelsPerCell`.
std::int64_t tickStep(double pixelsPerCell, double minPixels)
{
    std::int64_t step = 1;
    for (;;) {
        for (const int m : {1, 2, 5})
            if (double(step * m) * pixelsPerCell >= minPixels)
                return step * m;
        if (step > (std::int64_t(1) << 50))
            return step;
        step *= 10;
    }
}

QString thousands(std::int64_t v) { return QLocale::c().toString(qlonglong(v)); }

} // namespace

OverviewView::OverviewView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(160, 120);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void OverviewView::setMatrixSize(std::int64_t rows, std::int64_t cols)
{
    m_rows = std::max<std::int64_t>(rows, 0);
    m_cols = std::max<std::int64_t>(cols, 0);
    m_backdrop = QImage();
    m_picture = Picture();
    m_columnSums.clear();
    m_entropy.clear();
    m_rowLabels.clear();
    m_colLabels.clear();
    m_selRow = m_selCol = -1;
    m_view = Viewport{0, double(m_rows), 0, double(m_cols)};
    update();
    emit viewportChanged();
}

void OverviewView::setLabels(QStringList rowLabels, QStringList colLabels)
{
    m_rowLabels = std::move(rowLabels);
    m_colLabels = std::move(colLabels);
    update();
}

void OverviewView::setTitle(const QString &title)
{
    const bool relayout = title.isEmpty() != m_title.isEmpty();
    m_title = title;
    update();
    if (relayout) // the matrix's size in pixels changed: its picture is made anew
        emit viewportChanged();
}

// Pictures come as Indexed8 (a colour table); converted once here, painting them scaled at every
// wheel step and drag does not convert them again.
void OverviewView::setBackdrop(const QImage &image)
{
    m_backdrop = image.convertToFormat(QImage::Format_RGB32);
    update();
}

void OverviewView::setPicture(Picture picture)
{
    m_picture = std::move(picture);
    m_picture.image = m_picture.image.convertToFormat(QImage::Format_RGB32);
    update();
}

void OverviewView::setColorScale(double lo, double hi, ColormapId map, bool log)
{
    m_log = log;
    m_lo = lo;
    m_hi = hi;
    m_map = map;
    update();
}

void OverviewView::setStrips(std::vector<double> columnSums, std::vector<double> rowEntropy, double entropyCeiling)
{
    m_columnSums = std::move(columnSums);
    m_entropy = std::move(rowEntropy);
    m_entropyCeiling = entropyCeiling > 0 ? entropyCeiling : 1;
    update();
}

void OverviewView::setSelectedCell(std::int64_t row, std::int64_t col)
{
    m_selRow = row;
    m_selCol = col;
    update();
}

void OverviewView::setNote(const QString &note)
{
    const bool relayout = note.isEmpty() != m_note.isEmpty();
    m_note = note;
    update();
    if (relayout)
        emit viewportChanged();
}

// ---- the viewport ----

void OverviewView::setViewport(const Viewport &v)
{
    const auto clampAxis = [](double a0, double a1, std::int64_t n) {
        const double total = double(n);
        double span = std::clamp(a1 - a0, std::min(kMinCells, total), total);
        double start = std::clamp(a0, 0.0, total - span);
        return std::pair{start, start + span};
    };
    Viewport next;
    std::tie(next.r0, next.r1) = clampAxis(v.r0, v.r1, m_rows);
    std::tie(next.c0, next.c1) = clampAxis(v.c0, v.c1, m_cols);
    if (next == m_view)
        return;
    m_view = next;
    update();
    emit viewportChanged();
}

void OverviewView::resetView()
{
    setViewport(Viewport{0, double(m_rows), 0, double(m_cols)});
}

void OverviewView::zoomBy(double factor)
{
    const QRect m = matrixRect();
    if (m_selRow >= 0 && m_selCol >= 0 && m_selRow >= m_view.r0 && m_selRow < m_view.r1 && m_selCol >= m_view.c0 &&
        m_selCol < m_view.c1)
        zoomAt(factor, cellCenter(m_selRow, m_selCol));
    else
        zoomAt(factor, QPointF(m.center()));
}

void OverviewView::zoomAt(double factor, QPointF pos)
{
    const QRectF m = matrixRect();
    if (m.isEmpty() || m_rows == 0 || m_cols == 0)
        return;
    const double fx = std::clamp((pos.x() - m.left()) / m.width(), 0.0, 1.0);
    const double fy = std::clamp((pos.y() - m.top()) / m.height(), 0.0, 1.0);
    const double cx = m_view.c0 + fx * m_view.cols(), cy = m_view.r0 + fy * m_view.rows();
    const double cols = std::clamp(m_view.cols() * factor, std::min(kMinCells, double(m_cols)), double(m_cols));
    const double rows = std::clamp(m_view.rows() * factor, std::min(kMinCells, double(m_rows)), double(m_rows));
    setViewport(Viewport{cy - fy * rows, cy - fy * rows + rows, cx - fx * cols, cx - fx * cols + cols});
}

void OverviewView::panBy(QPointF pixels)
{
    const QRectF m = matrixRect();
    if (m.isEmpty())
        return;
    const double dc = -pixels.x() * m_view.cols() / m.width(), dr = -pixels.y() * m_view.rows() / m.height();
    setViewport(Viewport{m_view.r0 + dr, m_view.r1 + dr, m_view.c0 + dc, m_view.c1 + dc});
}

// ---- geometry ----

OverviewView::Layout OverviewView::layoutFor(QSizeF size) const
{
    const QFontMetricsF fm(font());
    const double lh = fm.height(), pad = std::round(lh * 0.5);
    const double strip = std::max(44.0, 3 * lh);
    const double left = fm.horizontalAdvance(thousands(std::max<std::int64_t>(m_rows, 1000))) + lh * 1.6 + pad;
    const double barLabels = fm.horizontalAdvance(QStringLiteral("0.00000e-00"));
    Layout l;
    l.title = QRectF(pad, pad, size.width() - 2 * pad, m_title.isEmpty() ? 0 : lh * 1.4);
    l.top = QRectF(left, l.title.bottom() + pad, 0, strip);
    const double right = size.width() - pad - barLabels - lh - pad - strip - pad;
    const double bottom = size.height() - pad - (m_note.isEmpty() ? 0 : lh * 1.2) - 2.4 * lh;
    l.matrix = QRectF(left, l.top.bottom() + pad * 0.5, std::max(10.0, right - left), std::max(10.0, bottom - l.top.bottom() - pad * 0.5));
    l.top.setWidth(l.matrix.width());
    l.right = QRectF(l.matrix.right() + pad * 0.5, l.matrix.top(), strip, l.matrix.height());
    l.bar = QRectF(l.right.right() + pad, l.matrix.top(), lh, l.matrix.height());
    l.note = QRectF(pad, size.height() - pad - lh * 1.2, size.width() - 2 * pad, lh * 1.2);
    return l;
}

QRect OverviewView::matrixRect() const
{
    return layoutFor(size()).matrix.toAlignedRect().adjusted(0, 0, -1, -1);
}

QRectF OverviewView::cellRect(const QRectF &matrix, double r0, double r1, double c0, double c1) const
{
    const double sx = matrix.width() / m_view.cols(), sy = matrix.height() / m_view.rows();
    return QRectF(matrix.left() + (c0 - m_view.c0) * sx, matrix.top() + (r0 - m_view.r0) * sy, (c1 - c0) * sx, (r1 - r0) * sy);
}

QPoint OverviewView::cellAt(QPointF pos) const
{
    const QRectF m = layoutFor(size()).matrix;
    if (m_rows == 0 || m_cols == 0 || !m.contains(pos))
        return {-1, -1};
    const auto col = std::int64_t(std::floor(m_view.c0 + (pos.x() - m.left()) / m.width() * m_view.cols()));
    const auto row = std::int64_t(std::floor(m_view.r0 + (pos.y() - m.top()) / m.height() * m_view.rows()));
    if (row < 0 || col < 0 || row >= m_rows || col >= m_cols)
        return {-1, -1};
    return {int(col), int(row)};
}

QPointF OverviewView::cellCenter(std::int64_t row, std::int64_t col) const
{
    return cellRect(layoutFor(size()).matrix, double(row), double(row + 1), double(col), double(col + 1)).center();
}

// ---- painting ----

void OverviewView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    paintInto(p, size());
    if (hasFocus()) {
        p.setPen(QPen(palette().highlight(), 1, Qt::DotLine));
        p.setBrush(Qt::NoBrush);
        p.drawRect(rect().adjusted(0, 0, -1, -1));
    }
}

void OverviewView::paintInto(QPainter &p, QSize size) const
{
    const Layout l = layoutFor(size);
    p.save();
    p.setFont(font());
    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter, m_title);
        p.setFont(font());
    }
    paintMatrix(p, l, p.device() != this);
    paintStrips(p, l);
    paintAxes(p, l);
    paintColorBar(p, l);
    if (!m_note.isEmpty()) {
        QFont small = font();
        small.setItalic(true);
        p.setFont(small);
        p.drawText(l.note, Qt::AlignLeft | Qt::AlignVCenter, m_note);
    }
    p.restore();
}

void OverviewView::paintMatrix(QPainter &p, const Layout &l, bool forExport) const
{
    p.save();
    p.setClipRect(l.matrix);
    p.fillRect(l.matrix, QColor(0xd0, 0xd0, 0xd0));
    if (m_rows > 0 && m_cols > 0) {
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        if (!m_backdrop.isNull()) { // the whole matrix, where no picture covers the viewport
            const double sx = m_backdrop.width() / double(m_cols), sy = m_backdrop.height() / double(m_rows);
            p.drawImage(l.matrix, m_backdrop, QRectF(m_view.c0 * sx, m_view.r0 * sy, m_view.cols() * sx, m_view.rows() * sy));
        }
        if (!m_picture.image.isNull())
            p.drawImage(cellRect(l.matrix, double(m_picture.r0), double(m_picture.r1), double(m_picture.c0), double(m_picture.c1)),
                        m_picture.image);
        paintNumbers(p, l);
        if (m_selRow >= 0 && m_selCol >= 0) { // the selected cell: black under white dashes, at least 5 px
            QRectF r = cellRect(l.matrix, double(m_selRow), double(m_selRow + 1), double(m_selCol), double(m_selCol + 1));
            if (r.width() < 5 || r.height() < 5)
                r = QRectF(r.center() - QPointF(2.5, 2.5), QSizeF(5, 5));
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(Qt::black, 2));
            p.drawRect(r);
            p.setPen(QPen(Qt::white, 1, Qt::DashLine));
            p.drawRect(r);
        }
    }
    p.restore();
    p.setPen(forExport ? QColor(Qt::black) : palette().color(QPalette::WindowText));
    p.setBrush(Qt::NoBrush);
    p.drawRect(l.matrix);
}

void OverviewView::paintNumbers(QPainter &p, const Layout &l) const
{
    const auto &values = m_picture.values;
    if (!values || values->rows() != m_picture.r1 - m_picture.r0 || values->cols() != m_picture.c1 - m_picture.c0)
        return;
    const QFontMetricsF fm(font());
    const double cw = l.matrix.width() / m_view.cols(), ch = l.matrix.height() / m_view.rows();
    if (cw < fm.horizontalAdvance(QStringLiteral("0.0000")) + 4 || ch < fm.height() + 2)
        return;
    const Colormap &cm = Colormap::get(m_map);
    const double span = m_hi > m_lo ? m_hi - m_lo : 1;
    const auto r0 = std::max<std::int64_t>(m_picture.r0, std::int64_t(m_view.r0));
    const auto r1 = std::min<std::int64_t>(m_picture.r1, std::int64_t(std::ceil(m_view.r1)));
    const auto c0 = std::max<std::int64_t>(m_picture.c0, std::int64_t(m_view.c0));
    const auto c1 = std::min<std::int64_t>(m_picture.c1, std::int64_t(std::ceil(m_view.c1)));
    for (std::int64_t r = r0; r < r1; ++r)
        for (std::int64_t c = c0; c < c1; ++c) {
            const double v = (*values)(r - m_picture.r0, c - m_picture.c0);
            const double t = m_log ? (std::log10(std::max(v, m_lo)) - std::log10(m_lo)) / (std::log10(m_hi) - std::log10(m_lo))
                                   : (v - m_lo) / span;
            const QColor bg = QColor::fromRgb(cm.at(t));
            p.setPen(bg.lightnessF() > 0.55 ? Qt::black : Qt::white);
            p.drawText(cellRect(l.matrix, double(r), double(r + 1), double(c), double(c + 1)), Qt::AlignCenter,
                       cellValueText(v, false, 4));
        }
}

void OverviewView::paintStrips(QPainter &p, const Layout &l) const
{
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    // Above: the attention each key receives, the largest of the keys a pixel column shows,
    // scaled to the largest in view (so that a sink stands out at any zoom).
    if (!m_columnSums.empty() && std::int64_t(m_columnSums.size()) == m_cols) {
        const int w = int(l.top.width());
        std::vector<double> px(std::size_t(std::max(w, 1)), 0.0);
        double top = 0;
        for (int x = 0; x < w; ++x) {
            const auto a = std::int64_t(m_view.c0 + x * m_view.cols() / w);
            const auto b = std::max(a + 1, std::int64_t(std::ceil(m_view.c0 + (x + 1) * m_view.cols() / w)));
            double v = 0;
            for (std::int64_t j = std::clamp<std::int64_t>(a, 0, m_cols - 1); j < std::min(b, m_cols); ++j)
                v = std::max(v, m_columnSums[std::size_t(j)]);
            px[std::size_t(x)] = v;
            top = std::max(top, v);
        }
        p.fillRect(l.top, QColor(0xf4, 0xf4, 0xf4));
        if (top > 0)
            for (int x = 0; x < w; ++x) {
                const double h = px[std::size_t(x)] / top * (l.top.height() - 2);
                p.fillRect(QRectF(l.top.left() + x, l.top.bottom() - h, 2, h), QColor::fromRgb(kReceivedColor));
            }
        p.setFont(small);
        const QString label = tr("attention received, Σ over queries (largest in view %1)").arg(top, 0, 'g', 4);
        const QRectF bounds = QFontMetricsF(small).boundingRect(label);
        const QRectF box = bounds.translated(l.top.left() + 4, l.top.top() + 2 - bounds.top());
        p.fillRect(box.adjusted(-3, -1, 3, 1), QColor(255, 255, 255, 200));
        p.setPen(QColor(0x33, 0x33, 0x33));
        p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, label);
    }
    // Right: each query row's entropy in bits, the mean of the rows a pixel row shows, on
    // 0 … log₂ Tk.
    if (!m_entropy.empty() && std::int64_t(m_entropy.size()) == m_rows) {
        const int h = int(l.right.height());
        p.fillRect(l.right, QColor(0xf4, 0xf4, 0xf4));
        for (int y = 0; y < h; ++y) {
            const auto a = std::clamp<std::int64_t>(std::int64_t(m_view.r0 + y * m_view.rows() / h), 0, m_rows - 1);
            const auto b = std::clamp<std::int64_t>(std::int64_t(std::ceil(m_view.r0 + (y + 1) * m_view.rows() / h)), a + 1, m_rows);
            double sum = 0;
            for (std::int64_t i = a; i < b; ++i)
                sum += m_entropy[std::size_t(i)];
            const double w = sum / double(b - a) / m_entropyCeiling * (l.right.width() - 2);
            p.fillRect(QRectF(l.right.left(), l.right.top() + y, std::max(0.0, w), 1), QColor::fromRgb(kEntropyColor));
        }
        p.setFont(small);
        p.setPen(QColor(0x33, 0x33, 0x33));
        const QRectF corner(l.right.left(), l.top.top(), l.right.width() + l.bar.width() * 2, l.top.height());
        p.drawText(corner.adjusted(2, 2, 0, 0), Qt::AlignLeft | Qt::AlignBottom | Qt::TextWordWrap,
                   tr("entropy\n0 … %1 bits").arg(m_entropyCeiling, 0, 'f', 1));
    }
    p.setFont(font());
}

void OverviewView::paintAxes(QPainter &p, const Layout &l) const
{
    if (m_rows == 0 || m_cols == 0)
        return;
    const QFontMetricsF fm(font());
    p.setPen(palette().color(QPalette::WindowText));
    if (p.device() != this)
        p.setPen(Qt::black);
    const double cw = l.matrix.width() / m_view.cols(), ch = l.matrix.height() / m_view.rows();
    // Keys along the bottom: tokens when a cell holds the widest of them, else indices.
    const bool colTokens = !m_colLabels.isEmpty() && cw >= fm.horizontalAdvance(QStringLiteral("wwwww")) + 4;
    const std::int64_t xs = colTokens ? 1 : tickStep(cw, fm.horizontalAdvance(thousands(m_cols)) + 16);
    for (std::int64_t j = (std::int64_t(std::ceil(m_view.c0)) + xs - 1) / xs * xs; j < m_view.c1; j += xs) {
        const double x = l.matrix.left() + (double(j) + 0.5 - m_view.c0) * cw;
        if (x > l.matrix.right())
            break;
        p.drawLine(QPointF(x, l.matrix.bottom()), QPointF(x, l.matrix.bottom() + 4));
        const QString text = colTokens ? fm.elidedText(m_colLabels.value(int(j)), Qt::ElideRight, cw - 2) : thousands(j);
        const double tw = colTokens ? cw : fm.horizontalAdvance(text) + 4;
        p.drawText(QRectF(x - tw / 2, l.matrix.bottom() + 4, tw, fm.height()), Qt::AlignCenter, text);
    }
    // Queries down the left.
    const bool rowTokens = !m_rowLabels.isEmpty() && ch >= fm.height() + 2;
    const std::int64_t ys = rowTokens ? 1 : tickStep(ch, fm.height() * 2.5);
    const double labelWidth = l.matrix.left() - fm.height() * 1.6;
    for (std::int64_t i = (std::int64_t(std::ceil(m_view.r0)) + ys - 1) / ys * ys; i < m_view.r1; i += ys) {
        const double y = l.matrix.top() + (double(i) + 0.5 - m_view.r0) * ch;
        if (y > l.matrix.bottom())
            break;
        p.drawLine(QPointF(l.matrix.left() - 4, y), QPointF(l.matrix.left(), y));
        const QString text = rowTokens ? fm.elidedText(m_rowLabels.value(int(i)), Qt::ElideRight, labelWidth - 8) : thousands(i);
        p.drawText(QRectF(fm.height() * 1.6, y - fm.height() / 2, labelWidth - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter, text);
    }
    p.drawText(QRectF(l.matrix.left(), l.matrix.bottom() + 4 + fm.height(), l.matrix.width(), fm.height() * 1.3),
               Qt::AlignCenter, tr("key"));
    p.save();
    p.translate(fm.height() * 0.2, l.matrix.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-l.matrix.height() / 2, 0, l.matrix.height(), fm.height() * 1.3), Qt::AlignCenter, tr("query"));
    p.restore();
}

void OverviewView::paintColorBar(QPainter &p, const Layout &l) const
{
    if (m_rows == 0 || m_cols == 0)
        return;
    const Colormap &cm = Colormap::get(m_map);
    const int h = int(l.bar.height());
    for (int y = 0; y < h; ++y)
        p.fillRect(QRectF(l.bar.left(), l.bar.top() + y, l.bar.width(), 1), QColor::fromRgb(cm.at(1.0 - (y + 0.5) / h)));
    p.setPen(p.device() != this ? QColor(Qt::black) : palette().color(QPalette::WindowText));
    p.setBrush(Qt::NoBrush);
    p.drawRect(l.bar);
    const QFontMetricsF fm(font());
    const double x = l.bar.right() + 4;
    p.drawText(QRectF(x, l.bar.top(), 200, fm.height()), Qt::AlignLeft | Qt::AlignTop, cellValueText(m_hi, false, 4));
    p.drawText(QRectF(x, l.bar.bottom() - fm.height(), 200, fm.height()), Qt::AlignLeft | Qt::AlignBottom,
               m_log ? QStringLiteral("≤ ") + cellValueText(m_lo, false, 4) : cellValueText(m_lo, false, 4));
    if (m_log && m_hi > m_lo && m_lo > 0) { // a tick at each power of ten
        const double a = std::log10(m_lo), b = std::log10(m_hi);
        for (int e = int(std::ceil(a)); e <= int(std::floor(b)); ++e) {
            const double y = l.bar.bottom() - (e - a) / (b - a) * l.bar.height();
            p.drawLine(QPointF(l.bar.left(), y), QPointF(l.bar.right() + 3, y));
            if (y > l.bar.top() + fm.height() * 1.5 && y < l.bar.bottom() - fm.height() * 1.5)
                p.drawText(QRectF(x, y - fm.height() / 2, 200, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                           QStringLiteral("1e%1").arg(e));
        }
    }
}

QImage OverviewView::render(QSize size, double scale) const
{
    QImage image(QSize(int(std::lround(size.width() * scale)), int(std::lround(size.height() * scale))), QImage::Format_ARGB32);
    if (image.isNull())
        return image;
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.scale(scale, scale);
    paintInto(p, size);
    return image;
}

// ---- input ----

void OverviewView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    emit viewportChanged(); // the pictures are made for the matrix's size in pixels
}

void OverviewView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        update();
        emit viewportChanged();
    }
}

void OverviewView::wheelEvent(QWheelEvent *event)
{
    const double notches = event->angleDelta().y() / 120.0;
    if (notches == 0)
        return;
    zoomAt(std::pow(0.8, notches), event->position());
    reportHover(event->position());
    event->accept();
}

void OverviewView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_dragging = false;
    m_dragFrom = event->position();
    setFocus(Qt::MouseFocusReason);
}

void OverviewView::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton) {
        const QPointF d = event->position() - m_dragFrom;
        if (m_dragging || std::abs(d.x()) + std::abs(d.y()) >= 4) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
            panBy(d);
            m_dragFrom = event->position();
        }
    }
    reportHover(event->position());
}

void OverviewView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    unsetCursor();
    if (!m_dragging) {
        const QPoint cell = cellAt(event->position());
        if (cell.x() >= 0) {
            setSelectedCell(cell.y(), cell.x());
            emit cellClicked(cell.y(), cell.x());
        }
    }
    m_dragging = false;
}

void OverviewView::leaveEvent(QEvent *event)
{
    QWidget::leaveEvent(event);
    m_hoverRow = m_hoverCol = -1;
    emit cellHovered(-1, -1);
}

void OverviewView::reportHover(QPointF pos)
{
    const QPoint cell = cellAt(pos);
    if (cell.y() == m_hoverRow && cell.x() == m_hoverCol)
        return;
    m_hoverRow = cell.y();
    m_hoverCol = cell.x();
    emit cellHovered(m_hoverRow, m_hoverCol);
}

void OverviewView::moveSelection(std::int64_t dr, std::int64_t dc)
{
    if (m_rows == 0 || m_cols == 0)
        return;
    std::int64_t row = m_selRow, col = m_selCol;
    if (row < 0 || col < 0) { // start from the middle of the view
        row = std::int64_t((m_view.r0 + m_view.r1) / 2);
        col = std::int64_t((m_view.c0 + m_view.c1) / 2);
    } else {
        row = std::clamp<std::int64_t>(row + dr, 0, m_rows - 1);
        col = std::clamp<std::int64_t>(col + dc, 0, m_cols - 1);
    }
    setSelectedCell(row, col);
    // Keep it shown: pan by whole cells when it left the view.
    Viewport v = m_view;
    if (double(row) < v.r0)
        v.r1 -= v.r0 - double(row), v.r0 = double(row);
    if (double(row + 1) > v.r1)
        v.r0 += double(row + 1) - v.r1, v.r1 = double(row + 1);
    if (double(col) < v.c0)
        v.c1 -= v.c0 - double(col), v.c0 = double(col);
    if (double(col + 1) > v.c1)
        v.c0 += double(col + 1) - v.c1, v.c1 = double(col + 1);
    setViewport(v);
    emit cellClicked(row, col);
}

void OverviewView::keyPressEvent(QKeyEvent *event)
{
    const bool page = event->modifiers() & Qt::ControlModifier; // a view's width at a time
    const auto stepRows = page ? std::max<std::int64_t>(1, std::int64_t(m_view.rows())) : 1;
    const auto stepCols = page ? std::max<std::int64_t>(1, std::int64_t(m_view.cols())) : 1;
    switch (event->key()) {
    case Qt::Key_Left: moveSelection(0, -stepCols); break;
    case Qt::Key_Right: moveSelection(0, stepCols); break;
    case Qt::Key_Up: moveSelection(-stepRows, 0); break;
    case Qt::Key_Down: moveSelection(stepRows, 0); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomBy(0.5); break;
    case Qt::Key_Minus: zoomBy(2.0); break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

} // namespace attnscope
