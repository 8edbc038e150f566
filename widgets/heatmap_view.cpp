#include "heatmap_view.h"

#include "cell_numbers.h"

#include <QEvent>
#include <QMouseEvent>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace attnscope {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

/// Cell centres of n reduced cells covering [first, first + count) in index units; a single
/// cell is stored twice, since a colour map needs two centres to know its cell width.
QCPRange centreRange(Eigen::Index first, Eigen::Index count, Eigen::Index n)
{
    if (n == 1)
        return QCPRange(double(first) - 0.25 + (double(count) - 1) / 2, double(first) + 0.25 + (double(count) - 1) / 2);
    const double w = double(count) / double(n);
    return QCPRange(double(first) + w / 2 - 0.5, double(first + count) - w / 2 - 0.5);
}

/// Colour-map data of a reduced block (rows [r0, r0 + rows) shown as m.rows() cells, likewise the
/// columns); -inf becomes NaN, drawn in the gradient's NaN colour (the special layer covers it).
QCPColorMapData *mapDataOf(const Mat<double> &m, Eigen::Index r0, Eigen::Index rows, Eigen::Index c0, Eigen::Index cols)
{
    const int nx = int(std::max<Eigen::Index>(m.cols(), 2)), ny = int(std::max<Eigen::Index>(m.rows(), 2));
    auto *data = new QCPColorMapData(nx, ny, centreRange(c0, cols, m.cols()), centreRange(r0, rows, m.rows()));
    for (int y = 0; y < ny; ++y) {
        const Eigen::Index i = std::min<Eigen::Index>(y, m.rows() - 1);
        for (int x = 0; x < nx; ++x) {
            const double v = m(i, std::min<Eigen::Index>(x, m.cols() - 1));
            data->setCell(x, y, std::isinf(v) && v < 0 ? kNan : v);
        }
    }
    return data;
}

} // namespace

HeatmapView::HeatmapView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_plot = new QCustomPlot(this);
    layout->addWidget(m_plot);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setMinimumSize(160, 140); // still readable; small windows give the rest to the docks

    m_plot->plotLayout()->insertRow(0);
    m_title = new QCPTextElement(m_plot, QString(), QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    m_plot->plotLayout()->addElement(0, 0, m_title);

    m_plot->setAutoAddPlottableToLegend(false);
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    createSpecialLayer();
    m_numbers = new CellNumbersLayer(this, m_plot); // above the colours, below the outlines
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(1, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_map->setColorScale(m_scale);
    auto *group = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);

    m_plot->yAxis->setRangeReversed(true);
    m_plot->xAxis->setTickLabelRotation(-60);
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->grid()->setVisible(false);
        axis->setTickLength(0, 3);
        axis->setSubTicks(false);
    }

    m_rowRect = new QCPItemRect(m_plot);
    m_rowRect->setPen(QPen(QColor(255, 80, 40), 2));
    m_rowRect->setBrush(Qt::NoBrush);
    m_rowRect->setVisible(false);
    m_cellRect = new QCPItemRect(m_plot);
    m_cellRect->setPen(QPen(QColor(255, 255, 255), 2));
    m_cellRect->setBrush(Qt::NoBrush);
    m_cellRect->setVisible(false);
    for (int i = 0; i < 2; ++i) { // the keyboard cursor: black dashes over white, on any colour
        m_cursorRects[i] = new QCPItemRect(m_plot);
        m_cursorRects[i]->setPen(i == 0 ? QPen(Qt::white, 2) : QPen(Qt::black, 2, Qt::DashLine));
        m_cursorRects[i]->setBrush(Qt::NoBrush);
        m_cursorRects[i]->setVisible(false);
    }

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(0);
    connect(m_refreshTimer, &QTimer::timeout, this, &HeatmapView::refreshMap);
    connect(m_plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, &HeatmapView::scheduleRefresh);
    connect(m_plot->yAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, &HeatmapView::scheduleRefresh);
    connect(m_plot, &QCustomPlot::mouseMove, this, &HeatmapView::onMouseMove);
    connect(m_plot, &QCustomPlot::mousePress, this, &HeatmapView::onMousePress);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent *) { resetView(); });
    setColormap(ColormapId::Viridis);
    applyPalette();
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    m_plot->installEventFilter(this); // the pointer leaving the plot
}

/// The special cells drawn over the colour map, one level per kind, transparent elsewhere; and
/// the legend under the plot, one entry (an empty graph's square) per kind present.
void HeatmapView::createSpecialLayer()
{
    m_specialMap = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_specialMap->setInterpolate(false);
    m_specialMap->setTightBoundary(false);
    QCPColorGradient levels;
    levels.clearColorStops();
    for (int k = 0; k < kSpecialCellKinds; ++k)
        levels.setColorStopAt(double(k) / (kSpecialCellKinds - 1), specialCellColor(CellKind(k + 1)));
    levels.setLevelCount(kSpecialCellKinds);
    levels.setNanHandling(QCPColorGradient::nhTransparent);
    m_specialMap->setGradient(levels);
    m_specialMap->setDataRange(QCPRange(1, kSpecialCellKinds)); // int(CellKind::Masked) .. int(NegInf)
    m_specialMap->setVisible(false);

    // The legend, left-aligned under the axis rect: a row of [legend | empty stretch], placed in
    // the plot's layout only while there is something to explain.
    QCPLegend *legend = m_plot->legend;
    m_plot->axisRect()->insetLayout()->take(legend);
    m_legendRow = new QCPLayoutGrid;
    m_legendRow->addElement(0, 0, legend);
    m_legendRow->addElement(0, 1, new QCPLayoutElement(m_plot));
    m_legendRow->setColumnStretchFactors({0.001, 1});
    m_legendRow->setMargins(QMargins(8, 2, 8, 4));
    m_legendRow->setVisible(false);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setIconSize(12, 12);
    for (int k = 0; k < kSpecialCellKinds; ++k) {
        const auto kind = CellKind(k + 1);
        QCPGraph *g = m_plot->addGraph();
        g->setName(specialCellName(kind));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(QColor(60, 60, 60)), QBrush(specialCellColor(kind)), 11));
        m_legendItems[k] = g;
    }
}

HeatmapView::~HeatmapView()
{
    if (!m_legendRow->layout()) // not in the plot's layout, which would delete it
        delete m_legendRow;
}

void HeatmapView::clear()
{
    m_content = Content();
    m_map->data()->clear();
    m_specialMap->data()->clear();
    m_shownRows = m_shownCols = 0;
    m_cursorRow = m_cursorCol = -1;
    m_title->setText(QString());
    updateSpecialKinds();
    updateOverlays();
    m_plot->replot();
    reportHover(true);
}

void HeatmapView::setContent(Content content)
{
    const bool sameShape = m_content.values && content.values && m_content.values->rows() == content.values->rows() &&
                           m_content.values->cols() == content.values->cols();
    m_content = std::move(content);
    m_title->setText(m_content.title);
    m_plot->xAxis->setLabel(m_content.colAxis);
    m_plot->yAxis->setLabel(m_content.rowAxis);
    applyFonts();
    if (m_highlightRow >= 0 && (!m_content.values || m_highlightRow >= m_content.values->rows()))
        m_highlightRow = -1;
    assert(!m_content.masked || (m_content.values && m_content.masked->rows() == m_content.values->rows() &&
                                 m_content.masked->cols() == m_content.values->cols()));
    if (!m_content.values || m_content.values->size() == 0) {
        m_cursorRow = m_cursorCol = -1;
    } else if (m_cursorRow >= 0) { // the cursor stays, within the new shape
        m_cursorRow = int(std::min<Eigen::Index>(m_cursorRow, m_content.values->rows() - 1));
        m_cursorCol = int(std::min<Eigen::Index>(m_cursorCol, m_content.values->cols() - 1));
    }
    updateColorRange();
    updateSpecialKinds();
    m_settingContent = true; // one report below, not one from refreshMap too
    if (sameShape)
        refreshMap();
    else
        resetView();
    m_settingContent = false;
    reportHover(true); // the values changed under a still pointer
}

void HeatmapView::setColormap(ColormapId id)
{
    m_colormap = id;
    QCPColorGradient g = Colormap::get(id).gradient();
    g.setNanHandling(QCPColorGradient::nhNanColor);
    g.setNanColor(QColor(150, 150, 150));
    m_map->setGradient(g);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapView::setReduction(Reduction how)
{
    m_reduction = how;
    refreshMap();
}

void HeatmapView::setHighlightedRow(int row)
{
    m_highlightRow = row;
    updateOverlays();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapView::setSelectedCell(int row, int col)
{
    if (row >= 0 && col >= 0 && (row != m_selRow || col != m_selCol)) { // a new selection: the cursor goes on from it
        m_cursorRow = row;
        m_cursorCol = col;
    }
    m_selRow = row;
    m_selCol = col;
    updateOverlays();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapView::resetView()
{
    if (!m_content.values) {
        m_plot->replot();
        return;
    }
    m_refreshing = true; // one refresh for both axes
    m_plot->xAxis->setRange(-0.5, double(m_content.values->cols()) - 0.5);
    m_plot->yAxis->setRange(-0.5, double(m_content.values->rows()) - 0.5);
    m_refreshing = false;
    refreshMap();
}

void HeatmapView::zoomBy(double factor)
{
    m_plot->xAxis->scaleRange(factor);
    m_plot->yAxis->scaleRange(factor);
    m_plot->replot();
}

void HeatmapView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    scheduleRefresh(); // the reduction and the label density follow the pixel size
}

void HeatmapView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        applyPalette();
        scheduleRefresh();
    }
}

/// Plot colours from the palette, so that a dark desktop theme gets a dark plot (Qt 6.4 has no
/// colour-scheme hint; the palette is what the theme sets).
void HeatmapView::applyPalette()
{
    const QPalette pal = palette();
    const QColor fg = pal.color(QPalette::WindowText), bg = pal.color(QPalette::Base);
    m_plot->setBackground(bg);
    m_plot->axisRect()->setBackground(bg);
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis, m_scale->axis()}) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setSubTickPen(QPen(fg));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
    }
    m_title->setTextColor(fg);
    m_plot->legend->setTextColor(fg);
    applyFonts();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

/// Every text of the plot follows the widget's font (presenter mode scales it): axis labels, tick
/// labels, the colour bar's numbers and width, the legend and the title.
void HeatmapView::applyFonts()
{
    QFont labels = font();
    labels.setFamilies({font().family(), QStringLiteral("Noto Sans CJK SC"), QStringLiteral("WenQuanYi Micro Hei")});
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis, m_scale->axis()}) {
        axis->setLabelFont(font());
        axis->setTickLabelFont(labels);
    }
    m_scale->setBarWidth(std::max(12, fontMetrics().height()));
    m_plot->legend->setFont(font());
    QFont titleFont = font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(font().pointSizeF() * 1.1);
    m_title->setFont(titleFont);
}

void HeatmapView::setOutlineWidth(double px)
{
    m_rowRect->setPen(QPen(QColor(255, 80, 40), px));
    m_cellRect->setPen(QPen(QColor(255, 255, 255), px));
    m_cursorRects[0]->setPen(QPen(Qt::white, px));
    m_cursorRects[1]->setPen(QPen(Qt::black, px, Qt::DashLine));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

double HeatmapView::outlineWidth() const { return m_cellRect->pen().widthF(); }

void HeatmapView::scheduleRefresh()
{
    if (!m_refreshing)
        m_refreshTimer->start();
}

void HeatmapView::updateColorRange()
{
    if (!m_content.values)
        return;
    if (m_content.fixedRange) {
        m_map->setDataRange(QCPRange(m_content.fixedRange->first, m_content.fixedRange->second));
        return;
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    const Mat<double> &m = *m_content.values;
    for (Eigen::Index i = 0; i < m.size(); ++i) {
        const double v = m.data()[i];
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    if (m_content.diverging) {
        const double a = std::max({std::abs(lo), std::abs(hi), 1e-12});
        lo = -a;
        hi = a;
    } else if (hi - lo < 1e-12) {
        hi = lo + 1;
    }
    m_map->setDataRange(QCPRange(lo, hi));
}

void HeatmapView::refreshMap()
{
    if (!m_content.values || m_content.values->size() == 0) {
        m_plot->replot();
        if (!m_settingContent)
            reportHover(false);
        return;
    }
    const Mat<double> &m = *m_content.values;
    const QCPRange xr = m_plot->xAxis->range(), yr = m_plot->yAxis->range();
    const Eigen::Index c0 = std::clamp<Eigen::Index>(Eigen::Index(std::floor(xr.lower + 0.5)), 0, m.cols() - 1);
    const Eigen::Index c1 = std::clamp<Eigen::Index>(Eigen::Index(std::ceil(xr.upper + 0.5)), c0 + 1, m.cols());
    const Eigen::Index r0 = std::clamp<Eigen::Index>(Eigen::Index(std::floor(yr.lower + 0.5)), 0, m.rows() - 1);
    const Eigen::Index r1 = std::clamp<Eigen::Index>(Eigen::Index(std::ceil(yr.upper + 0.5)), r0 + 1, m.rows());
    const QRect rect = m_plot->axisRect()->rect();
    const double dpr = devicePixelRatioF();
    // Device pixels available to the visible cells.
    const auto pixelsX = Eigen::Index(std::ceil(rect.width() * dpr * double(c1 - c0) / std::max(xr.size(), 1e-9)));
    const auto pixelsY = Eigen::Index(std::ceil(rect.height() * dpr * double(r1 - r0) / std::max(yr.size(), 1e-9)));
    const Mat<double> shown = reduceBlock(m, r0, r1 - r0, c0, c1 - c0, std::max<Eigen::Index>(pixelsY, 1),
                                          std::max<Eigen::Index>(pixelsX, 1), m_reduction, m_content.diverging);
    m_shownRows = shown.rows();
    m_shownCols = shown.cols();
    m_map->setData(mapDataOf(shown, r0, r1 - r0, c0, c1 - c0), false);
    m_specialMap->setVisible(m_specialKinds != 0);
    if (m_specialKinds != 0) {
        const Mat<double> kinds = reduceCellKinds(m, m_content.masked.get(), r0, r1 - r0, c0, c1 - c0, shown.rows(), shown.cols());
        m_specialMap->setData(mapDataOf(kinds, r0, r1 - r0, c0, c1 - c0), false);
    }
    updateTicks();
    updateOverlays();
    m_plot->replot();
    if (!m_settingContent)
        reportHover(false); // a zoom or pan moves the cells under a still pointer
}

/// The kinds of special cell present in the whole content, and the legend entries for them.
void HeatmapView::updateSpecialKinds()
{
    m_specialKinds = 0;
    if (m_content.values) {
        const Mat<double> &m = *m_content.values;
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < m.cols(); ++j)
                if (!std::isfinite(m(i, j)))
                    m_specialKinds |= 1u << int(cellKind(m(i, j), m_content.isMasked(i, j)));
    }
    if (m_specialKinds == 0)
        m_specialMap->data()->clear();
    updateLegend();
}

/// The legend row under the plot, present only while special cells are.
void HeatmapView::updateLegend()
{
    QCPLegend *legend = m_plot->legend;
    legend->clearItems();
    for (int k = 0; k < kSpecialCellKinds; ++k)
        if (m_specialKinds & (1u << (k + 1)))
            m_legendItems[k]->addToLegend(legend);
    QCPLayoutGrid *grid = m_plot->plotLayout();
    const bool show = m_specialKinds != 0, placed = m_legendRow->layout() == grid;
    if (show && !placed) {
        grid->addElement(2, 0, m_legendRow);
        grid->setRowStretchFactor(2, 0.001); // as tall as its entries
    } else if (!show && placed) {
        grid->take(m_legendRow);
        grid->simplify();
    }
    m_legendRow->setVisible(show);
    legend->setVisible(show);
}

QList<CellKind> HeatmapView::specialKinds() const
{
    QList<CellKind> out;
    for (int k = 1; k <= kSpecialCellKinds; ++k)
        if (m_specialKinds & (1u << k))
            out << CellKind(k);
    return out;
}

CellKind HeatmapView::displayedKind(int i, int j) const
{
    if (!m_specialMap->visible())
        return CellKind::Finite;
    const double v = m_specialMap->data()->cell(j, i);
    return std::isnan(v) ? CellKind::Finite : CellKind(int(v));
}

QString HeatmapView::Content::valueText(Eigen::Index row, Eigen::Index col, int digits) const
{
    return cellValueText((*values)(row, col), isMasked(row, col), digits);
}

void HeatmapView::updateTicks()
{
    if (!m_content.values)
        return;
    const auto setTicks = [](QCPAxis *axis, const QStringList &labels, Eigen::Index count, double pixels, int fontPx) {
        const QCPRange r = axis->range();
        const Eigen::Index first = std::max<Eigen::Index>(0, Eigen::Index(std::ceil(r.lower)));
        const Eigen::Index last = std::min<Eigen::Index>(count - 1, Eigen::Index(std::floor(r.upper)));
        const double perCell = pixels / std::max(r.size(), 1e-9);
        const Eigen::Index step = std::max<Eigen::Index>(1, Eigen::Index(std::ceil((fontPx + 2) / std::max(perCell, 1e-9))));
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (Eigen::Index i = first - first % step; i <= last; i += step) {
            if (i < first)
                continue;
            QString label = i < labels.size() ? labels.at(int(i)) : QString::number(i);
            if (label.size() > 18)
                label = label.left(17) + QChar(0x2026);
            ticker->addTick(double(i), label);
        }
        axis->setTicker(ticker);
    };
    const int fontPx = QFontMetrics(m_plot->xAxis->tickLabelFont()).height();
    const QRect rect = m_plot->axisRect()->rect();
    setTicks(m_plot->xAxis, m_content.colLabels, m_content.values->cols(), rect.width(), fontPx);
    setTicks(m_plot->yAxis, m_content.rowLabels, m_content.values->rows(), rect.height(), fontPx);
}

void HeatmapView::updateOverlays()
{
    const bool has = bool(m_content.values);
    const Eigen::Index cols = has ? m_content.values->cols() : 0, rows = has ? m_content.values->rows() : 0;
    m_rowRect->setVisible(has && m_highlightRow >= 0 && m_highlightRow < rows);
    if (m_rowRect->visible()) {
        m_rowRect->topLeft->setCoords(-0.5, m_highlightRow - 0.5);
        m_rowRect->bottomRight->setCoords(double(cols) - 0.5, m_highlightRow + 0.5);
    }
    m_cellRect->setVisible(has && m_selRow >= 0 && m_selRow < rows && m_selCol >= 0 && m_selCol < cols);
    if (m_cellRect->visible()) {
        m_cellRect->topLeft->setCoords(m_selCol - 0.5, m_selRow - 0.5);
        m_cellRect->bottomRight->setCoords(m_selCol + 0.5, m_selRow + 0.5);
    }
    const bool cursor = has && hasFocus() && m_cursorRow >= 0 && m_cursorRow < rows && m_cursorCol < cols;
    for (QCPItemRect *r : m_cursorRects) {
        r->setVisible(cursor);
        r->topLeft->setCoords(m_cursorCol - 0.5, m_cursorRow - 0.5);
        r->bottomRight->setCoords(m_cursorCol + 0.5, m_cursorRow + 0.5);
    }
}

double HeatmapView::displayedValue(int i, int j) const
{
    return m_map->data()->cell(j, i);
}

std::pair<double, double> HeatmapView::colorRange() const
{
    const QCPRange r = m_map->dataRange();
    return {r.lower, r.upper};
}

QColor HeatmapView::cellColor(int row, int col) const
{
    const double v = (*m_content.values)(row, col);
    const bool masked = m_content.isMasked(row, col);
    if (!std::isfinite(v))
        return specialCellColor(cellKind(v, masked));
    return QColor::fromRgb(m_map->gradient().color(v, m_map->dataRange()));
}

bool HeatmapView::numbersDrawn() const { return m_numbers->fontPixels() > 0; }

} // namespace attnscope
