// The head view's drawing, shared by the widget and the exports (head_view.h).

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

#include "head_view.h"
#include "heatmap_export.h"

namespace attnscope {
namespace {

constexpr double kMargin = 12, kNaturalRow = 22, kMaxRow = 30, kGap = 240, kTitle = 26, kLegendRow = 22;
constexpr double kLegendItem = 38, kFontPx = 13, kMaxLabelWidth = 220, kLineWidth = 2.0;

/// Where things go on a canvas of a given size.
struct Layout {
    double x0 = 0;          ///< left edge of the centred block
    double labelWidth = 0;  ///< each column's label width
    double top = 0;         ///< y of the first row
    double row = kNaturalRow;
    double fontPx = kFontPx;
    int legendPerRow = 1, legendRows = 1;
    double lineLeft() const { return x0 + kMargin + labelWidth + 6; }
    double lineRight() const { return lineLeft() + kGap - 12; }
    double keyLabelLeft() const { return lineRight() + 6; }
    double y(int i) const { return top + (i + 0.5) * row; }
};

QFont labelFont(double px, bool bold = false)
{
    QFont f;
    f.setPixelSize(std::max(6, int(std::lround(px))));
    f.setBold(bold);
    return f;
}

double widestLabel(const HeadViewContent &c, double px)
{
    const QFontMetricsF fm(labelFont(px, true));
    double w = 20;
    for (const QStringList *list : {&c.queryLabels, &c.keyLabels})
        for (const QString &s : *list)
            w = std::max(w, fm.horizontalAdvance(s));
    return std::min(w + 8, kMaxLabelWidth);
}

int longerColumn(const HeadViewContent &c)
{
    return std::max({c.queries(), c.keys(), 1});
}

double blockWidth(double labelWidth)
{
    return 2 * kMargin + 2 * labelWidth + kGap;
}

Layout layoutFor(const HeadViewContent &c, QSize size)
{
    Layout l;
    const double w = size.width(), h = size.height();
    l.legendPerRow = std::max(1, int((w - 2 * kMargin) / kLegendItem));
    l.legendRows = std::max(1, (c.headCount() + l.legendPerRow - 1) / l.legendPerRow);
    l.top = kMargin + (c.title.isEmpty() ? 0 : kTitle) + l.legendRows * kLegendRow + 8;
    l.row = std::clamp((h - l.top - kMargin) / longerColumn(c), 1.0, kMaxRow);
    l.fontPx = std::clamp(l.row * 0.62, 6.0, kFontPx);
    l.labelWidth = std::min(widestLabel(c, l.fontPx), std::max(30.0, (w - kGap - 2 * kMargin) / 2));
    l.x0 = std::max(0.0, (w - blockWidth(l.labelWidth)) / 2);
    return l;
}

void paintLegend(QPainter &p, const HeadViewContent &c, const HeadViewState &s, const Layout &l, double y0)
{
    p.setFont(labelFont(12));
    const double left = kMargin;
    for (int h = 0; h < c.headCount(); ++h) {
        const double x = left + (h % l.legendPerRow) * kLegendItem;
        const double y = y0 + (h / l.legendPerRow) * kLegendRow;
        const QRectF box(x, y + 4, 12, 12);
        p.setPen(QPen(headColour(h), 1.5));
        p.setBrush(s.isShown(h) ? QBrush(headColour(h)) : Qt::NoBrush);
        p.drawRect(box);
        p.setPen(s.isShown(h) ? QColor(Qt::black) : QColor(150, 150, 150));
        p.drawText(QRectF(x + 15, y, kLegendItem - 15, kLegendRow - 2), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::number(h));
    }
}

void paintLabels(QPainter &p, const HeadViewContent &c, const HeadViewState &s, const Layout &l, int hovered)
{
    const double right = l.lineLeft() - 6;
    for (int i = 0; i < c.queries(); ++i) {
        const QRectF box(l.x0 + kMargin, l.y(i) - l.row / 2, right - l.x0 - kMargin, l.row);
        const bool selected = i == s.query, hot = i == hovered;
        if (selected || hot) {
            p.setPen(Qt::NoPen);
            p.setBrush(selected ? QColor(210, 225, 245) : QColor(235, 235, 235));
            p.drawRect(box);
        }
        p.setFont(labelFont(l.fontPx, selected));
        p.setPen(Qt::black);
        p.drawText(box.adjusted(2, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter,
                   QFontMetricsF(p.font()).elidedText(c.queryLabels[i], Qt::ElideMiddle, box.width() - 6));
    }
    p.setFont(labelFont(l.fontPx));
    for (int j = 0; j < c.keys(); ++j) {
        const QRectF box(l.keyLabelLeft(), l.y(j) - l.row / 2, l.labelWidth, l.row);
        p.drawText(box.adjusted(4, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                   QFontMetricsF(p.font()).elidedText(c.keyLabels[j], Qt::ElideMiddle, box.width() - 6));
    }
}

void paintLinks(QPainter &p, const HeadViewContent &c, const HeadViewState &s, const Layout &l)
{
    p.setBrush(Qt::NoBrush);
    const double x1 = l.lineLeft(), x2 = l.lineRight();
    const double width = std::min(kLineWidth, std::max(0.75, l.row / 8));
    int head = -1;
    QColor colour;
    for (const HeadViewLink &link : headViewLinks(c, s)) {
        if (link.head != head) { // links come head by head: one colour per batch
            head = link.head;
            colour = headColour(head);
        }
        colour.setAlphaF(float(std::min(link.weight, 1.0)));
        p.setPen(QPen(colour, width, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(x1, l.y(link.query)), QPointF(x2, l.y(link.key)));
    }
}

} // namespace

std::vector<HeadViewLink> headViewLinks(const HeadViewContent &c, const HeadViewState &s)
{
    std::vector<HeadViewLink> out;
    const bool one = s.query >= 0 && s.query < c.queries();
    for (int h = 0; h < c.headCount(); ++h) {
        const Mat<double> *m = c.heads[std::size_t(h)].get();
        if (!m || !s.isShown(h))
            continue;
        const int first = one ? s.query : 0, last = one ? s.query + 1 : int(m->rows());
        for (int i = first; i < last && i < m->rows(); ++i)
            for (int j = 0; j < m->cols(); ++j)
                if (const double w = (*m)(i, j); w >= s.threshold)
                    out.push_back({h, i, j, w});
    }
    return out;
}

QColor headColour(int head)
{
    static const std::array<QRgb, 12> palette = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b,
                                                 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf, 0x393b79, 0xa0522d};
    const int h = std::max(head, 0);
    const QColor base = QColor::fromRgb(palette[std::size_t(h) % palette.size()]);
    const int round = h / int(palette.size());
    return round == 0 ? base : base.darker(100 + 35 * round);
}

QSize headViewNaturalSize(const HeadViewContent &c)
{
    const double labelWidth = widestLabel(c, kFontPx);
    const double w = std::max(blockWidth(labelWidth), 2 * kMargin + 12 * kLegendItem);
    const int perRow = std::max(1, int((w - 2 * kMargin) / kLegendItem));
    const int legendRows = std::max(1, (c.headCount() + perRow - 1) / perRow);
    const double top = kMargin + (c.title.isEmpty() ? 0 : kTitle) + legendRows * kLegendRow + 8;
    return QSize(int(std::ceil(w)), int(std::ceil(top + longerColumn(c) * kNaturalRow + kMargin)));
}

void paintHeadView(QPainter &p, const HeadViewContent &c, const HeadViewState &s, QSize size, int hovered)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.fillRect(QRectF(0, 0, size.width(), size.height()), Qt::white);
    if (c.isEmpty()) {
        p.restore();
        return;
    }
    const Layout l = layoutFor(c, size);
    double y = kMargin;
    if (!c.title.isEmpty()) {
        p.setFont(labelFont(14, true));
        p.setPen(Qt::black);
        p.drawText(QRectF(kMargin, y, size.width() - 2 * kMargin, kTitle), Qt::AlignLeft | Qt::AlignVCenter,
                   QFontMetricsF(p.font()).elidedText(c.title, Qt::ElideRight, size.width() - 2 * kMargin));
        y += kTitle;
    }
    paintLegend(p, c, s, l, y);
    paintLinks(p, c, s, l);
    paintLabels(p, c, s, l, hovered);
    p.restore();
}

QPointF headViewQueryPoint(const HeadViewContent &c, QSize size, int query)
{
    const Layout l = layoutFor(c, size);
    return QPointF((l.x0 + kMargin + l.lineLeft()) / 2, l.y(query));
}

int headViewQueryAt(const HeadViewContent &c, QSize size, QPointF point)
{
    if (c.isEmpty())
        return -1;
    const Layout l = layoutFor(c, size);
    if (point.x() < l.x0 || point.x() > l.lineLeft() || point.y() < l.top)
        return -1;
    const int i = int(std::floor((point.y() - l.top) / l.row));
    return i < c.queries() ? i : -1;
}

Status exportHeadView(const HeadViewContent &c, const HeadViewState &s, const QString &path, QSize size, double scale)
{
    if (c.isEmpty())
        return makeError(Error::Code::BadArgument, "cannot write " + path.toStdString() + ": the head view is empty");
    const QSize at = size.isEmpty() ? headViewNaturalSize(c) : size;
    return exportPainting(path, at, c.title, [&](QPainter &p) { paintHeadView(p, c, s, at); }, scale);
}

} // namespace attnscope
