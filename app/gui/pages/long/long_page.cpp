// The Long input tab: its controls, opening an input, its parameters, view options and sessions.
// Computing and drawing: long_page_compute.cpp; exports: long_page_exports.cpp.
#include "long_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QEvent>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>

#include "detail_panel.h"
#include "session_values.h"
#include "value_change.h"
#include "window_memory.h"

namespace attnscope {
namespace {

// The scale's names in sessions, as the Explorer's (the tab offers all but custom).
QString scaleKey(ScaleSpec::Mode m) { return scaleChoices().nameOf(m); }
ScaleSpec::Mode scaleMode(const QString &key) { return scaleChoices().find(key).value_or(ScaleSpec::Mode::Sqrt); }

} // namespace

LongPage::LongPage(QWidget *parent) : Page(parent)
{
    m_stack = new QStackedWidget;
    auto *hint = new QLabel(
        tr("<h2>Long inputs</h2>"
           "<p>Q and K files of more than 4,096 tokens (or whose stages would not fit in memory) open here, with "
           "<b>File → Open Q/K/V or X/W tensors…</b> (Ctrl+Shift+O) or by dropping them on the window.</p>"
           "<p>Their weights are computed on the fly and never stored: first an exact overview of the whole head, with "
           "the attention each key receives above it and each query's entropy beside it; zoom in (wheel, +) and the "
           "region shown is computed exactly; hover a cell for its weight, click it for its computation.</p>"));
    hint->setWordWrap(true);
    hint->setAlignment(Qt::AlignCenter);
    hint->setMargin(40);
    hint->setMinimumSize(1, 1); // the window may be narrower than the text's natural size
    m_stack->addWidget(hint);

    auto *shown = new QWidget;
    auto *column = new QVBoxLayout(shown);
    column->setContentsMargins(4, 4, 4, 4);
    auto *bar = new QWidget;
    createControls(bar);
    bar->setMinimumWidth(1); // a narrow window (or presenter mode's large font) clips the row, it is not held wide
    column->addWidget(bar);
    m_view = new OverviewView;
    m_view->setObjectName("longOverview");
    column->addWidget(m_view, 1);
    m_stack->addWidget(shown);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    m_detail = new DetailPanel;
    m_detail->setObjectName("longDetailPanel");
    m_detail->setMinimumWidth(100);
    m_detail->showHint(tr("Click a cell of the heatmap (or move to it with the arrow keys) to see its computation "
                          "with real numbers."));
    auto *dock = new QDockWidget(tr("Computation of the cell"));
    dock->setObjectName("longDetailDock");
    dock->setWidget(m_detail);
    m_docks << PageDock{dock, Qt::RightDockWidgetArea, true};
    m_dockGuard = dock;

    m_undo = new QUndoStack(this);
    m_regionTimer = new QTimer(this);
    m_regionTimer->setSingleShot(true);
    m_regionTimer->setInterval(120); // a pause in zooming or panning
    connect(m_regionTimer, &QTimer::timeout, this, &LongPage::requestRegion);
    connect(m_view, &OverviewView::viewportChanged, this, &LongPage::refreshPicture);
    connect(m_view, &OverviewView::cellHovered, this, &LongPage::onHovered);
    connect(m_view, &OverviewView::cellClicked, this, &LongPage::onClicked);
}

LongPage::~LongPage()
{
    for (const auto &cancel : {m_viewCancel, m_regionCancel})
        if (cancel)
            cancel->store(true);
    if (m_dockGuard && !m_dockGuard->parent()) // ours until a window adds it
        delete m_dockGuard;
}

QString LongPage::title() const { return tr("&Long input"); }

void LongPage::createControls(QWidget *bar)
{
    auto *rows = new QVBoxLayout(bar);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(2);
    auto *row = new QHBoxLayout;
    row->setSpacing(10);
    rows->addLayout(row);
    m_headBox = new QSpinBox;
    m_headBox->setObjectName("longHead");
    m_headBox->setToolTip(tr("The query head shown (grouped-query heads read their key head)"));
    m_layerBox = new QSpinBox;
    m_layerBox->setObjectName("longLayer");
    m_layerBox->setToolTip(tr("The bundle's layer whose q and k are shown"));
    m_scaleBox = new QComboBox;
    m_scaleBox->setObjectName("longScale");
    m_scaleBox->addItem(tr("1/√d_k"), QStringLiteral("sqrt"));
    m_scaleBox->addItem(tr("1/d_k"), QStringLiteral("dim"));
    m_scaleBox->addItem(tr("none"), QStringLiteral("none"));
    m_scaleBox->setToolTip(tr("What the scores are multiplied by before the softmax"));
    m_causalBox = new QCheckBox(tr("&Causal"));
    m_causalBox->setObjectName("longCausal");
    m_causalBox->setToolTip(tr("Query i attends keys 0 … i only (added to the files' own masks)"));
    m_logBox = new QCheckBox(tr("L&og colours"));
    m_logBox->setObjectName("longLog");
    m_logBox->setToolTip(tr("Colour by log₁₀ of the weight over the six decades below the largest: the faint "
                            "diagonals and sinks of long inputs show up"));
    m_applied.logColours = QSettings().value(QStringLiteral("long/logColours"), false).toBool();
    m_logBox->setChecked(m_applied.logColours);
    m_layerLabel = new QLabel(tr("La&yer:"));
    m_layerLabel->setBuddy(m_layerBox);
    auto *headLabel = new QLabel(tr("Hea&d:")); // Alt+H is the Help menu
    headLabel->setBuddy(m_headBox);
    auto *scaleLabel = new QLabel(tr("&Scale:"));
    scaleLabel->setBuddy(m_scaleBox);
    m_info = new QLabel;
    m_info->setObjectName("longInfo");
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    for (QWidget *w : std::initializer_list<QWidget *>{m_layerLabel, m_layerBox, headLabel, m_headBox, scaleLabel, m_scaleBox,
                                                       m_causalBox, m_logBox})
        row->addWidget(w);
    row->addStretch(1);
    // The sizes on a line of their own, which may be cut short but never widens the tab.
    m_info->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    rows->addWidget(m_info);
    connect(m_headBox, &QSpinBox::valueChanged, this, &LongPage::onControlsChanged);
    connect(m_scaleBox, &QComboBox::currentIndexChanged, this, &LongPage::onControlsChanged);
    connect(m_causalBox, &QCheckBox::toggled, this, &LongPage::onControlsChanged);
    connect(m_logBox, &QCheckBox::toggled, this, &LongPage::onControlsChanged);
    connect(m_layerBox, &QSpinBox::valueChanged, this, [this](int layer) {
        if (m_settingControls || !m_input || layer == m_input->layer)
            return;
        QString error;
        if (!setLayerHead(layer, -1, &error))
            emit statusMessage(error, 10000);
        emit modified();
    });
}

// ---- opening ----

namespace {

std::vector<std::string> stdPaths(const QStringList &paths)
{
    std::vector<std::string> files;
    for (const QString &p : paths)
        files.push_back(p.toStdString());
    return files;
}

/// The head's sizes from the files' headers: one tensor file's q and k, or role files.
std::optional<AttentionSize> sizeOf(const std::vector<std::string> &files)
{
    return files.size() == 1 ? tensorFileSize(files.front()) : roleFilesSize(files);
}

} // namespace

bool LongPage::takes(const QStringList &paths)
{
    const auto size = sizeOf(stdPaths(paths));
    return size && isStreamed(*size);
}

std::optional<std::uint64_t> LongPage::bytesToOpen(const QStringList &paths) const
{
    const auto files = stdPaths(paths);
    const auto size = sizeOf(files);
    if (!size)
        return std::nullopt;
    return streamedFilesBytes(files, *size);
}

int LongPage::claims(const QString &path) const
{
    return takes({path}) ? 100 : 0; // ahead of the Explorer and the Imported attention tab
}

bool LongPage::openInput(PageInput &input, QString *error)
{
    auto opened = openLongInput(input.paths);
    if (!opened) {
        if (error)
            *error = QString::fromStdString(opened.error().message);
        return false;
    }
    m_input = std::move(opened.value());
    m_shown.reset();
    m_settingControls = true;
    m_headBox->setRange(0, m_input->heads() - 1);
    m_headBox->setValue(std::min(m_applied.params.head, m_input->heads() - 1));
    m_layerBox->setRange(0, m_input->layers - 1);
    m_layerBox->setValue(m_input->layer);
    m_layerBox->setVisible(m_input->layers > 1);
    m_layerLabel->setVisible(m_input->layers > 1);
    m_settingControls = false;
    m_applied.params.head = m_headBox->value();
    m_undo->clear(); // the steps were about another input's heads
    m_view->setMatrixSize(m_input->queries(), m_input->keys());
    const auto labels = [](const std::vector<std::string> &tokens) {
        QStringList out;
        out.reserve(qsizetype(tokens.size()));
        for (const auto &t : tokens)
            out << QString::fromStdString(t);
        return out;
    };
    m_view->setLabels(labels(m_input->queryTokens), labels(m_input->keyTokens));
    m_detail->showHint(tr("Click a cell of the heatmap (or move to it with the arrow keys) to see its computation "
                          "with real numbers."));
    m_stack->setCurrentIndex(1);
    updateInfo();
    for (const auto &w : m_input->warnings)
        emit statusMessage(QString::fromStdString(w), 10000);
    compute();
    emit capabilitiesChanged();
    return true;
}

void LongPage::followInput(const PageInput &input)
{
    if (!m_input || input.paths == m_input->paths)
        return;
    cancelWork();
    m_input.reset();
    m_shown.reset();
    m_view->setMatrixSize(0, 0);
    m_stack->setCurrentIndex(0);
    emit capabilitiesChanged();
}

bool LongPage::setLayerHead(int layer, int head, QString *error)
{
    if (!m_input)
        return true;
    if (head >= m_input->heads()) {
        if (error)
            *error = tr("--head %1 is out of range: %2 has %3 head(s)").arg(head).arg(m_input->name).arg(m_input->heads());
        return false;
    }
    bool changed = false;
    if (layer >= 0 && layer != m_input->layer) {
        changed = true;
        if (m_input->layers <= 1 && layer > 0) {
            if (error)
                *error = tr("--layer %1: %2 has no layers").arg(layer).arg(m_input->name);
            return false;
        }
        auto reopened = openLongInput(m_input->paths, layer);
        if (!reopened) {
            if (error)
                *error = QString::fromStdString(reopened.error().message);
            return false;
        }
        m_input = std::move(reopened.value());
        m_settingControls = true;
        m_layerBox->setValue(m_input->layer);
        m_settingControls = false;
    }
    if (head >= 0 && head != m_applied.params.head) {
        changed = true;
        m_settingControls = true;
        m_headBox->setValue(head);
        m_settingControls = false;
        m_applied.params.head = head;
    }
    if (changed)
        compute();
    return true;
}

// ---- parameters, view options, zoom ----

LongPage::Controls LongPage::controlsShown() const
{
    Controls c;
    c.params.head = m_headBox->value();
    c.params.scale = scaleMode(m_scaleBox->currentData().toString());
    c.params.causal = m_causalBox->isChecked();
    c.logColours = m_logBox->isChecked();
    return c;
}

void LongPage::onControlsChanged()
{
    if (m_settingControls)
        return;
    const Controls now = controlsShown();
    if (now == m_applied)
        return;
    const QString what = now.logColours != m_applied.logColours ? tr("log colours")
                         : now.params.causal != m_applied.params.causal ? tr("causal mask")
                         : now.params.scale != m_applied.params.scale   ? tr("scale")
                                                                         : tr("head");
    m_undo->push(new ValueChange<Controls>(what, [this](const Controls &c) { applyControls(c); }, m_applied, now));
}

void LongPage::applyControls(const Controls &c)
{
    m_settingControls = true;
    m_headBox->setValue(c.params.head);
    m_scaleBox->setCurrentIndex(std::max(0, m_scaleBox->findData(scaleKey(c.params.scale))));
    m_causalBox->setChecked(c.params.causal);
    m_logBox->setChecked(c.logColours);
    m_settingControls = false;
    const bool recompute = c.params != m_applied.params, recolour = c.logColours != m_applied.logColours;
    m_applied = c;
    if (recolour)
        QSettings().setValue(QStringLiteral("long/logColours"), c.logColours);
    if (recompute)
        compute();
    else if (recolour && m_shown)
        onViewReady(m_shown); // the backdrop and the picture in the new colours
    emit modified();
}


Page::ViewOptionSet LongPage::viewOptions() const
{
    return ViewOption::Colormap | ViewOption::Reduction | ViewOption::Zoom;
}

void LongPage::setViewOptions(const ViewOptions &options)
{
    const bool changed = options.colormap != m_options.colormap || options.reduction != m_options.reduction;
    m_options = options;
    if (changed && m_shown)
        onViewReady(m_shown); // the backdrop and the picture in the new colours or reduction
}

void LongPage::resetZoom() { m_view->resetView(); }

void LongPage::zoomBy(double factor) { m_view->zoomBy(factor); }

void LongPage::changeEvent(QEvent *event)
{
    Page::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        updateInfo();
}

// ---- sessions ----

QJsonObject LongPage::saveState() const
{
    QJsonObject o;
    o["head"] = m_applied.params.head;
    o["scale"] = scaleKey(m_applied.params.scale);
    o["causal"] = m_applied.params.causal;
    o["logColours"] = m_logBox->isChecked();
    if (m_input)
        o["layer"] = m_input->layer;
    const auto v = m_view->viewport();
    o["view"] = QJsonArray{v.r0, v.r1, v.c0, v.c1};
    if (m_view->selectedRow() >= 0)
        o["cell"] = QJsonArray{double(m_view->selectedRow()), double(m_view->selectedCol())};
    return o;
}

QStringList LongPage::restoreState(const QJsonObject &state)
{
    QStringList notes;
    if (!m_input)
        return notes;
    if (state.contains("layer") && state["layer"].toInt(-1) >= 0 && state["layer"].toInt(-1) != m_input->layer) {
        QString why;
        if (!setLayerHead(state["layer"].toInt(-1), -1, &why))
            notes << tr("pages.long.layer: %1").arg(why);
    }
    Controls c = m_applied;
    if (const int head = state["head"].toInt(-1); head >= 0 && head < m_input->heads())
        c.params.head = head;
    else if (state.contains("head"))
        notes << tr("pages.long.head is out of range; head %1 is shown").arg(c.params.head);
    const QString scale = state["scale"].toString(QStringLiteral("sqrt"));
    if (m_scaleBox->findData(scale) >= 0)
        c.params.scale = scaleMode(scale);
    else
        notes << tr("pages.long.scale is not sqrt, dim or none; ignored");
    c.params.causal = state["causal"].toBool(false);
    c.logColours = state["logColours"].toBool(c.logColours);
    applyControls(c); // one computation for all of them; not an undo step
    m_undo->clear();
    const QJsonArray v = state["view"].toArray();
    if (v.size() == 4)
        m_view->setViewport(OverviewView::Viewport{v[0].toDouble(), v[1].toDouble(), v[2].toDouble(), v[3].toDouble()});
    const QJsonArray cell = state["cell"].toArray();
    if (cell.size() == 2) {
        const auto row = std::int64_t(cell[0].toDouble(-1)), col = std::int64_t(cell[1].toDouble(-1));
        if (row >= 0 && col >= 0 && row < m_input->queries() && col < m_input->keys()) {
            m_view->setSelectedCell(row, col);
            renderDetail();
        } else {
            notes << tr("pages.long.cell is outside the matrix; ignored");
        }
    }
    return notes;
}

} // namespace attnscope
