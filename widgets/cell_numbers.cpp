#include "cell_numbers.h"

#include <cmath>

#include "cell_values.h"
#include "heatmap_view.h"

namespace attnscope {
namespace {

constexpr int kMaxCells = 4096; // beyond this many visible cells no number could be read anyway

QString withMinus(QString s)
{
    if (s.startsWith(QLatin1Char('-')))
        s.replace(0, 1, QChar(0x2212));
    return s;
}

double linear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

} // namespace

QString cellNumberText(double v, bool masked)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("+∞") : QStringLiteral("−∞");
    if (masked)
        return QStringLiteral("−∞");
    const double a = std::abs(v);
    if (a >= 100)
        return withMinus(QString::number(v, 'f', 0));
    const int decimals = a >= 10 ? 1 : 2; // 3 significant digits, never more than 2 decimals
    QString s = QString::number(v, 'f', decimals);
    if (s == QLatin1String("-0.00") || s == QLatin1String("-0.0"))
        s.remove(0, 1);
    return withMinus(s);
}

QColor contrastingTextColor(const QColor &background)
{
    const double l = 0.2126 * linear(background.redF()) + 0.7152 * linear(background.greenF()) + 0.0722 * linear(background.blueF());
    // Contrast against black (l + 0.05)/0.05 vs white 1.05/(l + 0.05): equal at l ≈ 0.179.
    return l > 0.179 ? QColor(Qt::black) : QColor(Qt::white);
}

CellNumbersLayer::CellNumbersLayer(const HeatmapView *view, QCustomPlot *plot) : QCPLayerable(plot), m_view(view) {}

void CellNumbersLayer::applyDefaultAntialiasingHint(QCPPainter *painter) const
{
    painter->setRenderHint(QPainter::TextAntialiasing, true);
}

QRect CellNumbersLayer::clipRect() const { return mParentPlot->axisRect()->rect(); }

bool CellNumbersLayer::visibleCells(Visible *v) const
{
    const HeatmapView::Content &c = m_view->content();
    if (!c.numbers || !c.values || c.values->size() == 0)
        return false;
    const QCPAxis *x = mParentPlot->xAxis, *y = mParentPlot->yAxis;
    v->cellW = std::abs(x->coordToPixel(1) - x->coordToPixel(0));
    v->cellH = std::abs(y->coordToPixel(1) - y->coordToPixel(0));
    v->c0 = std::max(0, int(std::floor(x->range().lower + 0.5)));
    v->c1 = std::min(int(c.values->cols()), int(std::ceil(x->range().upper + 0.5)));
    v->r0 = std::max(0, int(std::floor(y->range().lower + 0.5)));
    v->r1 = std::min(int(c.values->rows()), int(std::ceil(y->range().upper + 0.5)));
    const long cells = long(std::max(0, v->c1 - v->c0)) * long(std::max(0, v->r1 - v->r0));
    return cells > 0 && cells <= kMaxCells && v->cellW >= kMinCellWidth;
}

int CellNumbersLayer::fontPixels() const
{
    Visible v;
    if (!visibleCells(&v))
        return 0;
    const HeatmapView::Content &c = m_view->content();
    QFont font = m_view->font();
    int px = std::min(QFontInfo(font).pixelSize(), int(v.cellH * 0.55));
    if (px < kMinFontPixels)
        return 0;
    font.setPixelSize(px);
    int widest = 0;
    const QFontMetrics fm(font);
    for (int i = v.r0; i < v.r1; ++i)
        for (int j = v.c0; j < v.c1; ++j)
            widest = std::max(widest, fm.horizontalAdvance(cellNumberText((*c.values)(i, j), c.isMasked(i, j))));
    const double room = v.cellW - 4;
    if (widest > room) // a smaller font, if it stays readable
        px = int(std::floor(px * room / widest));
    return px >= kMinFontPixels ? px : 0;
}

void CellNumbersLayer::draw(QCPPainter *painter)
{
    const int px = fontPixels();
    Visible v;
    if (px == 0 || !visibleCells(&v))
        return;
    const HeatmapView::Content &c = m_view->content();
    QFont font = m_view->font();
    font.setPixelSize(px);
    painter->setFont(font);
    const QCPAxis *x = mParentPlot->xAxis, *y = mParentPlot->yAxis;
    for (int i = v.r0; i < v.r1; ++i) {
        for (int j = v.c0; j < v.c1; ++j) {
            const double value = (*c.values)(i, j);
            const bool masked = c.isMasked(i, j);
            painter->setPen(contrastingTextColor(m_view->cellColor(i, j)));
            const QRectF cell(QPointF(x->coordToPixel(j - 0.5), y->coordToPixel(i - 0.5)),
                              QPointF(x->coordToPixel(j + 0.5), y->coordToPixel(i + 0.5)));
            painter->drawText(cell.normalized(), Qt::AlignCenter, cellNumberText(value, masked));
        }
    }
}

} // namespace attnscope
