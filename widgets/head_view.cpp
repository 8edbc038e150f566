#include "head_view.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace attnscope {

HeadView::HeadView(QWidget *parent) : QWidget(parent)
{
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    // The control rows may be cut rather than set the page's minimum width (small windows).
    auto *barBox = new QWidget(this);
    barBox->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    auto *bar = new QHBoxLayout(barBox);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("Layer"), this));
    m_layer = new QSpinBox(this);
    m_layer->setObjectName("headViewLayer");
    m_layer->setToolTip(tr("The layer whose heads are drawn (0-based)"));
    bar->addWidget(m_layer);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Threshold"), this));
    m_threshold = new QDoubleSpinBox(this);
    m_threshold->setObjectName("headViewThreshold");
    m_threshold->setRange(0.0, 1.0);
    m_threshold->setDecimals(3);
    m_threshold->setSingleStep(0.01);
    m_threshold->setValue(m_state.threshold);
    m_threshold->setToolTip(tr("Links with a weight below this are not drawn"));
    bar->addWidget(m_threshold);
    bar->addStretch(1);
    v->addWidget(barBox);
    // All, None and the head toggles in a row of their own; the toggles scroll sideways, so that
    // many heads do not widen the page (the window keeps its minimum size).
    auto *headsBox = new QWidget(this);
    headsBox->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    auto *headsRow = new QHBoxLayout(headsBox);
    headsRow->setContentsMargins(0, 0, 0, 0);
    auto *all = new QToolButton(this);
    all->setText(tr("All"));
    all->setObjectName("headViewAll");
    all->setToolTip(tr("Show every head"));
    auto *none = new QToolButton(this);
    none->setText(tr("None"));
    none->setObjectName("headViewNone");
    none->setToolTip(tr("Hide every head"));
    headsRow->addWidget(all);
    headsRow->addWidget(none);
    auto *toggles = new QWidget(this);
    m_toggleRow = new QHBoxLayout(toggles);
    m_toggleRow->setContentsMargins(0, 0, 0, 0);
    m_toggleRow->setSpacing(2);
    m_toggleRow->addStretch(1);
    auto *toggleScroll = new QScrollArea(this);
    toggleScroll->setObjectName("headViewToggles");
    toggleScroll->setWidget(toggles);
    toggleScroll->setWidgetResizable(true);
    toggleScroll->setFrameShape(QFrame::NoFrame);
    toggleScroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    toggleScroll->setFixedHeight(fontMetrics().height() + 14 + toggleScroll->horizontalScrollBar()->sizeHint().height());
    headsRow->addWidget(toggleScroll, 1);
    v->addWidget(headsBox);
    m_summary = new QLabel(this);
    m_summary->setObjectName("headViewSummary");
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // long text is cut, not a minimum width
    v->addWidget(m_summary);

    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_scroll->setBackgroundRole(QPalette::Base);
    m_canvas = new HeadViewCanvas(this);
    m_canvas->setObjectName("headViewCanvas");
    m_scroll->setWidget(m_canvas);
    v->addWidget(m_scroll, 1);

    connect(m_layer, &QSpinBox::valueChanged, this, [this](int l) {
        if (!m_updating)
            emit layerChanged(l);
    });
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, [this](double t) {
        m_state.threshold = t;
        stateEdited();
    });
    connect(all, &QToolButton::clicked, this, [this] { setAllHeadsShown(true); });
    connect(none, &QToolButton::clicked, this, [this] { setAllHeadsShown(false); });
    connect(m_canvas, &HeadViewCanvas::queryClicked, this,
            [this](int q) { setSelectedQuery(q == m_state.query ? -1 : q); });
    stateEdited();
}

void HeadView::setContent(HeadViewContent content)
{
    const int before = m_content.headCount();
    m_content = std::move(content);
    if (m_state.query >= m_content.queries())
        m_state.query = -1;
    if (before != m_content.headCount())
        rebuildToggles();
    m_canvas->setMinimumSize(headViewNaturalSize(m_content).boundedTo(QSize(600, 1 << 20)));
    m_canvas->updateGeometry();
    stateEdited();
}

void HeadView::clear()
{
    setContent(HeadViewContent());
}

void HeadView::setLayers(int layers, int layer)
{
    m_updating = true;
    m_layer->setRange(0, std::max(0, layers - 1));
    m_layer->setValue(layer);
    m_updating = false;
}

int HeadView::layer() const
{
    return m_layer->value();
}

void HeadView::setHeadShown(int head, bool shown)
{
    if (head < 0)
        return;
    if (int(m_state.shown.size()) <= head)
        m_state.shown.resize(std::size_t(head) + 1, true);
    m_state.shown[std::size_t(head)] = shown;
    stateEdited();
}

void HeadView::setAllHeadsShown(bool shown)
{
    m_state.shown.assign(std::size_t(std::max(m_content.headCount(), int(m_state.shown.size()))), shown);
    stateEdited();
}

void HeadView::setThreshold(double threshold)
{
    m_threshold->setValue(threshold); // emits valueChanged → stateEdited
    m_state.threshold = m_threshold->value();
}

void HeadView::setSelectedQuery(int query)
{
    m_state.query = query >= 0 && query < m_content.queries() ? query : -1;
    stateEdited();
}

QToolButton *HeadView::headToggle(int head) const
{
    return head >= 0 && head < int(m_toggles.size()) ? m_toggles[std::size_t(head)] : nullptr;
}

Status HeadView::exportPicture(const QString &path, QSize size, double scale) const
{
    return exportHeadView(m_content, m_state, path, size, scale);
}

void HeadView::rebuildToggles()
{
    for (QToolButton *b : m_toggles)
        delete b;
    m_toggles.clear();
    for (int h = 0; h < m_content.headCount(); ++h) {
        auto *b = new QToolButton(this);
        b->setObjectName(QStringLiteral("headToggle%1").arg(h));
        b->setText(QString::number(h));
        b->setCheckable(true);
        b->setToolTip(tr("Show or hide head %1").arg(h));
        b->setFixedWidth(std::max(26, b->fontMetrics().horizontalAdvance(QStringLiteral("00")) + 12));
        connect(b, &QToolButton::toggled, this, [this, h](bool on) {
            if (!m_updating)
                setHeadShown(h, on);
        });
        m_toggleRow->insertWidget(m_toggleRow->count() - 1, b); // before the stretch
        m_toggles.push_back(b);
    }
}

void HeadView::syncToggles()
{
    m_updating = true;
    for (int h = 0; h < int(m_toggles.size()); ++h) {
        QToolButton *b = m_toggles[std::size_t(h)];
        const bool on = m_state.isShown(h);
        b->setChecked(on);
        const QColor c = headColour(h);
        b->setStyleSheet(on ? QStringLiteral("QToolButton { background: %1; color: white; border: 1px solid %1; "
                                             "font-weight: bold; }")
                                  .arg(c.name())
                            : QStringLiteral("QToolButton { background: white; color: %1; border: 1px solid %1; }")
                                  .arg(c.name()));
    }
    m_updating = false;
}

void HeadView::stateEdited()
{
    syncToggles();
    const auto links = visibleLinks();
    m_summary->setText(m_content.isEmpty()
                           ? tr("Nothing to draw.")
                           : tr("%n link(s) at or above %1, %2", nullptr, int(links.size()))
                                 .arg(m_state.threshold, 0, 'g', 3)
                                 .arg(m_state.query >= 0
                                          ? tr("from query %1 “%2” (click it again for every query)")
                                                .arg(m_state.query)
                                                .arg(m_content.queryLabels[m_state.query])
                                          : tr("from every query (hover or click a query on the left)")));
    m_canvas->update();
    if (!m_updating)
        emit stateChanged();
}

HeadViewCanvas::HeadViewCanvas(HeadView *view) : QWidget(view), m_view(view)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

QSize HeadViewCanvas::sizeHint() const
{
    return headViewNaturalSize(m_view->content());
}

void HeadViewCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    HeadViewState s = m_view->state();
    if (s.query < 0 && m_hovered >= 0)
        s.query = m_hovered; // a preview while nothing is selected
    paintHeadView(p, m_view->content(), s, size(), m_hovered);
}

void HeadViewCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const int q = headViewQueryAt(m_view->content(), size(), event->position());
    if (q != m_hovered) {
        m_hovered = q;
        update();
    }
}

void HeadViewCanvas::mousePressEvent(QMouseEvent *event)
{
    const int q = headViewQueryAt(m_view->content(), size(), event->position());
    if (event->button() == Qt::LeftButton)
        emit queryClicked(q);
}

void HeadViewCanvas::leaveEvent(QEvent *)
{
    m_hovered = -1;
    update();
}

} // namespace attnscope

namespace attnscope {

void HeadViewCanvas::keyPressEvent(QKeyEvent *event)
{
    const int q = m_view->selectedQuery(), n = m_view->content().queries();
    switch (event->key()) {
    case Qt::Key_Escape: m_view->setSelectedQuery(-1); break;
    case Qt::Key_Up: m_view->setSelectedQuery(q < 0 ? n - 1 : std::max(q - 1, 0)); break;
    case Qt::Key_Down: m_view->setSelectedQuery(q < 0 ? 0 : std::min(q + 1, n - 1)); break;
    default: QWidget::keyPressEvent(event); return;
    }
}

} // namespace attnscope
