#include "long_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <new>

#include "detail_panel.h"
#include "explain.h"
#include "file_io.h"
#include "heatmap_export.h"
#include "npy.h"
#include "picture_export.h"
#include "window_memory.h"

namespace attnscope {
namespace {

/// A worker's outcome: a value or a message; cancelled results are dropped.
template <class T>
struct Outcome {
    T value{};
    QString error;
    bool cancelled = false;
    double ms = 0;
};

/// Runs `work` on a worker thread and hands its outcome to `done` on the page's thread.
template <class T, class Work, class Done>
void runOnWorker(QObject *owner, Work work, Done done)
{
    auto *watcher = new QFutureWatcher<Outcome<T>>(owner);
    QObject::connect(watcher, &QFutureWatcher<Outcome<T>>::finished, owner, [watcher, done] {
        const Outcome<T> out = watcher->result();
        watcher->deleteLater();
        done(out);
    });
    watcher->setFuture(QtConcurrent::run([work]() -> Outcome<T> {
        Outcome<T> out;
        QElapsedTimer clock;
        clock.start();
        try {
            auto r = work();
            if (r)
                out.value = std::move(r.value());
            else if (r.error().code == Error::Code::Cancelled)
                out.cancelled = true;
            else
                out.error = QString::fromStdString(r.error().message);
        } catch (const std::bad_alloc &) {
            out.error = QObject::tr("not enough memory for this computation");
        }
        out.ms = double(clock.nsecsElapsed()) / 1e6;
        return out;
    }));
}

QString scaleKey(ScaleSpec::Mode m)
{
    return m == ScaleSpec::Mode::Dim ? QStringLiteral("dim") : m == ScaleSpec::Mode::None ? QStringLiteral("none")
                                                                                            : QStringLiteral("sqrt");
}

QString thousands(std::int64_t v) { return QLocale().toString(qlonglong(v)); }

/// The first cell of each bin of `axis`, offset by `first`, and the end.
std::vector<std::int64_t> cellStarts(const BinAxis &axis, std::int64_t first)
{
    std::vector<std::int64_t> out;
    for (std::int64_t b = 0; b <= axis.bins(); ++b)
        out.push_back(first + axis.first(b));
    return out;
}

QStringList rangeLabels(const std::vector<std::int64_t> &starts)
{
    QStringList out;
    for (std::size_t b = 0; b + 1 < starts.size(); ++b)
        out << (starts[b + 1] - starts[b] == 1 ? QString::number(starts[b])
                                               : QStringLiteral("%1-%2").arg(starts[b]).arg(starts[b + 1] - 1));
    return out;
}

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
    m_logBox->setChecked(QSettings().value(QStringLiteral("long/logColours"), false).toBool());
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
    connect(m_headBox, &QSpinBox::valueChanged, this, &LongPage::onParamsChanged);
    connect(m_scaleBox, &QComboBox::currentIndexChanged, this, &LongPage::onParamsChanged);
    connect(m_causalBox, &QCheckBox::toggled, this, &LongPage::onParamsChanged);
    connect(m_logBox, &QCheckBox::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("long/logColours"), on);
        if (m_shown)
            onViewReady(m_shown); // the backdrop and the picture in the new colours
        if (!m_settingControls)
            emit modified();
    });
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
    m_headBox->setValue(std::min(m_params.head, m_input->heads() - 1));
    m_layerBox->setRange(0, m_input->layers - 1);
    m_layerBox->setValue(m_input->layer);
    m_layerBox->setVisible(m_input->layers > 1);
    m_layerLabel->setVisible(m_input->layers > 1);
    m_settingControls = false;
    m_params.head = m_headBox->value();
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
    if (head >= 0 && head != m_params.head) {
        changed = true;
        m_settingControls = true;
        m_headBox->setValue(head);
        m_settingControls = false;
        m_params.head = head;
    }
    if (changed)
        compute();
    return true;
}

// ---- computing ----

void LongPage::onParamsChanged()
{
    if (m_settingControls)
        return;
    LongParams p;
    p.head = m_headBox->value();
    const QString scale = m_scaleBox->currentData().toString();
    p.scale = scale == QLatin1String("dim") ? ScaleSpec::Mode::Dim : scale == QLatin1String("none") ? ScaleSpec::Mode::None
                                                                                                     : ScaleSpec::Mode::Sqrt;
    p.causal = m_causalBox->isChecked();
    if (p == m_params)
        return;
    m_params = p;
    compute();
    emit modified();
}

void LongPage::setRunning(int delta)
{
    const bool was = m_running > 0;
    m_running += delta;
    if (was != (m_running > 0))
        emit busyChanged(m_running > 0);
}

void LongPage::compute()
{
    if (!m_input)
        return;
    if (m_viewCancel)
        m_viewCancel->store(true);
    if (m_regionCancel)
        m_regionCancel->store(true);
    m_viewCancel = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = ++m_viewGeneration;
    auto input = m_input;
    const LongParams params = m_params;
    auto cancel = m_viewCancel;
    setRunning(+1);
    emit statusMessage(tr("Computing the weights of %1 × %2 cells, streamed…").arg(thousands(input->queries()), thousands(input->keys())));
    runOnWorker<std::shared_ptr<const LongView>>(
        this, [input, params, cancel] { return computeLongView(input, params, cancel.get()); },
        [this, generation](const Outcome<std::shared_ptr<const LongView>> &out) {
            setRunning(-1);
            if (generation != m_viewGeneration)
                return; // superseded
            if (out.cancelled) {
                emit statusMessage(tr("Computation cancelled."), 8000);
                return;
            }
            if (!out.error.isEmpty()) {
                emit statusMessage(out.error, 0);
                emit failed(out.error);
                return;
            }
            onViewReady(out.value);
            emit statusMessage(tr("The weights of %1 × %2 cells computed streamed in %3 s on %4 thread(s); none is stored.")
                                   .arg(thousands(out.value->input->queries()), thousands(out.value->input->keys()))
                                   .arg(out.value->computeMs / 1000.0, 0, 'f', 2)
                                   .arg(out.value->threads),
                               8000);
        });
}

void LongPage::cancelWork()
{
    for (const auto &cancel : {m_viewCancel, m_regionCancel})
        if (cancel)
            cancel->store(true);
}

void LongPage::onViewReady(std::shared_ptr<const LongView> view)
{
    m_shown = std::move(view);
    const HeadOverview<float> &h = m_shown->stats();
    const auto &ov = m_shown->overview;
    m_view->setTitle(tr("%1 · head %2%3 · softmax weights, streamed").arg(m_input->name).arg(m_shown->params.head)
                         .arg(m_input->layers > 1 ? tr(" · layer %1").arg(m_input->layer) : QString()));
    m_view->setColorScale(m_logBox->isChecked() ? std::max(h.lo, h.hi * kLogDecades) : h.lo, h.hi, m_options.colormap,
                          m_logBox->isChecked());
    m_view->setStrips(h.columnSums, h.entropyBits, std::log2(double(std::max<std::int64_t>(m_input->keys(), 2))));
    const bool mean = m_options.reduction == Reduction::Mean;
    Mat<double> base = h.binMax;
    if (mean)
        for (Eigen::Index r = 0; r < base.rows(); ++r)
            for (Eigen::Index c = 0; c < base.cols(); ++c)
                base(r, c) = h.binMean(ov.rows, ov.cols, r, c);
    m_view->setBackdrop(colour(base, BinAxis(ov.rows.cells(), int(ov.rows.bins())), BinAxis(ov.cols.cells(), int(ov.cols.bins())),
                               cellStarts(ov.rows, 0), cellStarts(ov.cols, 0)));
    for (const auto &w : ov.warnings)
        emit statusMessage(QString::fromStdString(w), 10000);
    refreshPicture();
    updateInfo();
    if (m_view->selectedRow() >= 0)
        renderDetail();
    emit shown();
}

void LongPage::updateInfo()
{
    if (!m_input)
        return;
    QString text = tr("%1 queries × %2 keys, d_k %3, %4 head(s)")
                       .arg(thousands(m_input->queries()), thousands(m_input->keys()))
                       .arg(m_input->headSize())
                       .arg(m_input->heads());
    if (m_shown)
        text += tr(" · overview in %1 s on %2 thread(s)").arg(m_shown->computeMs / 1000.0, 0, 'f', 2).arg(m_shown->threads);
    m_info->setText(text);
}

void LongPage::refreshPicture()
{
    if (!m_shown)
        return;
    const OverviewView::Viewport vp = m_view->viewport();
    const QSize px = m_view->matrixRect().size();
    const int w = std::max(1, px.width()), h = std::max(1, px.height());
    const auto &ov = m_shown->overview;
    const HeadOverview<float> &stats = m_shown->stats();
    const auto r0 = std::int64_t(std::floor(vp.r0)), r1 = std::int64_t(std::ceil(vp.r1));
    const auto c0 = std::int64_t(std::floor(vp.c0)), c1 = std::int64_t(std::ceil(vp.c1));
    if (r1 <= r0 || c1 <= c0)
        return;
    const std::int64_t rb0 = ov.rows.binOfCell(r0), rb1 = ov.rows.binOfCell(r1 - 1) + 1;
    const std::int64_t cb0 = ov.cols.binOfCell(c0), cb1 = ov.cols.binOfCell(c1 - 1) + 1;
    const bool rowsPerCell = ov.rows.bins() == ov.rows.cells(), colsPerCell = ov.cols.bins() == ov.cols.cells();
    // The overview's bins serve while each pixel gets at least one whole bin (or a bin is a cell).
    if ((rb1 - rb0 >= h || rowsPerCell) && (cb1 - cb0 >= w || colsPerCell)) {
        if (m_regionCancel)
            m_regionCancel->store(true);
        m_regionTimer->stop();
        ++m_regionGeneration;
        const MergedBins merged = mergeBins(stats.binMax, stats.binSum, ov.rows, ov.cols, rb0, rb1, cb0, cb1, w, h);
        const bool perCell = rowsPerCell && colsPerCell && merged.rowGroups.bins() == rb1 - rb0 &&
                             merged.colGroups.bins() == cb1 - cb0;
        showBins(m_options.reduction == Reduction::Mean ? merged.mean : merged.max, merged.rowGroups, merged.colGroups,
                 merged.rowCells, merged.colCells, perCell,
                 tr("From the overview's %1 × %2 bins, merged: each pixel shows the %3 of its cells' weights (exact).")
                     .arg(ov.rows.bins()).arg(ov.cols.bins())
                     .arg(m_options.reduction == Reduction::Mean ? tr("mean") : tr("largest")));
        m_pictureCurrent = true;
        return;
    }
    // Zoomed in past the overview: the region shown is computed exactly after a short pause;
    // meanwhile the last picture and the overview stand in.
    m_pictureCurrent = false;
    m_view->setNote(tr("Computing the %1 × %2 cells shown exactly…").arg(thousands(r1 - r0), thousands(c1 - c0)));
    m_regionTimer->start();
}

void LongPage::requestRegion()
{
    if (!m_shown)
        return;
    if (m_regionCancel)
        m_regionCancel->store(true);
    m_regionCancel = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = ++m_regionGeneration;
    const OverviewView::Viewport vp = m_view->viewport();
    const QSize px = m_view->matrixRect().size();
    const int w = std::max(1, px.width()), h = std::max(1, px.height());
    const auto r0 = std::int64_t(std::floor(vp.r0)), r1 = std::int64_t(std::ceil(vp.r1));
    const auto c0 = std::int64_t(std::floor(vp.c0)), c1 = std::int64_t(std::ceil(vp.c1));
    auto view = m_shown;
    auto cancel = m_regionCancel;
    setRunning(+1);
    runOnWorker<RegionBins>(
        this,
        [view, cancel, r0, r1, c0, c1, w, h] {
            OverviewOptions opt = view->options;
            opt.cancel = cancel.get();
            return overviewRegion(view->head, opt, view->stats(), 0, r0, r1, c0, c1, w, h);
        },
        [this, generation, view](const Outcome<RegionBins> &out) {
            setRunning(-1);
            if (generation != m_regionGeneration || view != m_shown || out.cancelled)
                return;
            if (!out.error.isEmpty()) {
                m_view->setNote(out.error);
                emit statusMessage(out.error, 10000);
                return;
            }
            const RegionBins &region = out.value;
            Mat<double> values = region.binMax;
            if (m_options.reduction == Reduction::Mean)
                for (Eigen::Index r = 0; r < values.rows(); ++r)
                    for (Eigen::Index c = 0; c < values.cols(); ++c)
                        values(r, c) = region.binSum(r, c) / double(region.rows.count(r) * region.cols.count(c));
            const bool perCell = region.rows.bins() == region.rows.cells() && region.cols.bins() == region.cols.cells();
            showBins(values, region.rows, region.cols, cellStarts(region.rows, region.r0), cellStarts(region.cols, region.c0),
                     perCell,
                     perCell ? tr("Every weight shown computed exactly for this view (%1 × %2 cells, %3 ms).")
                                   .arg(thousands(region.rows.cells()), thousands(region.cols.cells()))
                                   .arg(out.ms, 0, 'f', 0)
                             : tr("Computed exactly for this view (%1 × %2 cells, %3 ms): each pixel shows the %4 of its "
                                  "cells' weights.")
                                   .arg(thousands(region.rows.cells()), thousands(region.cols.cells()))
                                   .arg(out.ms, 0, 'f', 0)
                                   .arg(m_options.reduction == Reduction::Mean ? tr("mean") : tr("largest")));
            m_pictureCurrent = true;
            emit shown();
        });
}

QImage LongPage::colour(const Mat<double> &values, const BinAxis &rows, const BinAxis &cols,
                        const std::vector<std::int64_t> &rowCells, const std::vector<std::int64_t> &colCells) const
{
    const HeadOverview<float> &h = m_shown->stats();
    QImage image;
    if (!m_logBox->isChecked()) {
        image = renderBinned(values, rows, cols, h.lo, h.hi, m_options.colormap);
    } else { // six decades below the largest weight; anything smaller takes the lowest colour
        const double floor = std::max(h.lo, h.hi * kLogDecades);
        const Mat<double> logs = values.cwiseMax(floor).array().log10().matrix();
        image = renderBinned(logs, rows, cols, std::log10(floor), std::log10(std::max(h.hi, floor)), m_options.colormap);
    }
    // Bins whose every cell a mask blocks (causal: every key after every query of the bin; padded
    // keys) in the neutral grey of the other heatmaps, not in the colour of weight 0.
    const MaskSpec<float> &mask = m_shown->head.mask;
    if (!mask.causal && mask.keyPadding.empty())
        return image;
    std::vector<std::int64_t> padded{0}; // padded keys before each key
    for (bool p : mask.keyPadding)
        padded.push_back(padded.back() + (p ? 1 : 0));
    const auto blocked = [&](std::int64_t br, std::int64_t bc) {
        const std::int64_t r1 = rowCells[std::size_t(br) + 1], c0 = colCells[std::size_t(bc)], c1 = colCells[std::size_t(bc) + 1];
        if (mask.causal && c0 > r1 - 1)
            return true;
        return padded.size() > std::size_t(c1) && padded[std::size_t(c1)] - padded[std::size_t(c0)] == c1 - c0;
    };
    image = image.convertToFormat(QImage::Format_RGB32);
    const QRgb grey = qRgb(0xb8, 0xb8, 0xb8);
    std::vector<std::int64_t> binOfX(std::size_t(image.width()));
    for (int x = 0; x < image.width(); ++x)
        binOfX[std::size_t(x)] = cols.binOfPixel(x);
    for (int y = 0; y < image.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        const std::int64_t br = rows.binOfPixel(y);
        for (int x = 0; x < image.width(); ++x)
            if (blocked(br, binOfX[std::size_t(x)]))
                line[x] = grey;
    }
    return image;
}

void LongPage::showBins(const Mat<double> &values, const BinAxis &rows, const BinAxis &cols,
                        const std::vector<std::int64_t> &rowCells, const std::vector<std::int64_t> &colCells, bool perCell,
                        const QString &note)
{
    OverviewView::Picture picture;
    picture.image = colour(values, rows, cols, rowCells, colCells);
    picture.r0 = rowCells.front();
    picture.r1 = rowCells.back();
    picture.c0 = colCells.front();
    picture.c1 = colCells.back();
    if (perCell)
        picture.values = std::make_shared<const Mat<double>>(values);
    m_view->setPicture(std::move(picture));
    m_shownBins = values;
    m_shownRowCells = rowCells;
    m_shownColCells = colCells;
    m_view->setNote(note);
}

// ---- the pointer and the cell panel ----

QString LongPage::tokenOf(bool query, std::int64_t i) const
{
    const auto &tokens = query ? m_input->queryTokens : m_input->keyTokens;
    return i >= 0 && std::size_t(i) < tokens.size() ? QString::fromStdString(tokens[std::size_t(i)]) : QString::number(i);
}

void LongPage::onHovered(qint64 row, qint64 col)
{
    if (!m_shown || row < 0 || col < 0) {
        emit statusMessage(QString(), 0);
        return;
    }
    const HeadOverview<float> &h = m_shown->stats();
    const auto label = [this](bool query, std::int64_t i) {
        const QString t = tokenOf(query, i);
        return t == QString::number(i) ? thousands(i) : tr("%1 “%2”").arg(thousands(i), t);
    };
    emit statusMessage(tr("query %1 · key %2: weight %3 · the key receives %4 in all · the query's entropy %5 bits")
                           .arg(label(true, row), label(false, col))
                           .arg(m_shown->weight(row, col), 0, 'g', 6)
                           .arg(h.columnSums[std::size_t(col)], 0, 'g', 5)
                           .arg(h.entropyBits[std::size_t(row)], 0, 'f', 3),
                       0);
}

void LongPage::onClicked(qint64 row, qint64 col)
{
    (void)row, (void)col;
    renderDetail();
    emit modified();
}

void LongPage::renderDetail()
{
    const std::int64_t row = m_view->selectedRow(), col = m_view->selectedCol();
    if (!m_shown || row < 0 || col < 0 || row >= m_input->queries() || col >= m_input->keys())
        return;
    ScaleSpec scale;
    scale.mode = m_shown->params.scale;
    const CellExplanation e = explainCell(m_shown->cellSetup, 0, scale, 1.0, Stage::Weights, int(row), int(col));
    m_detail->showCell(e, tokenOf(true, row), tokenOf(false, col));
}

// ---- view options, zoom ----

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

// ---- exports ----

Page::Exports LongPage::exports() const
{
    return m_shown ? (Export::Picture | Export::Data) : Exports();
}

QSize LongPage::defaultPictureSize() const
{
    return m_view->width() > 100 ? m_view->size() : QSize(1200, 900);
}

QImage LongPage::renderPicture(QSize size, double scale) const
{
    return m_shown ? m_view->render(size, scale) : QImage();
}

bool LongPage::exportPicture(const QString &path, QSize size, double scale, QString *error)
{
    if (!m_shown)
        return failWith(error, tr("cannot write %1: nothing is shown in the Long input tab").arg(QDir::toNativeSeparators(path)));
    const OverviewView *view = m_view;
    const Status st = exportPainting(path, size, m_input->name, [view, size](QPainter &p) { view->paintInto(p, size); }, scale);
    return st ? true : failWith(error, QString::fromStdString(st.error().message));
}

bool LongPage::exportData(const QString &path, QString *error)
{
    if (!m_shown || m_shownBins.size() == 0)
        return failWith(error, tr("cannot write %1: nothing is shown in the Long input tab").arg(QDir::toNativeSeparators(path)));
    HeatmapView::Content content;
    content.values = std::make_shared<const Mat<double>>(m_shownBins);
    content.rowLabels = rangeLabels(m_shownRowCells);
    content.colLabels = rangeLabels(m_shownColCells);
    content.title = m_input->name;
    return exportHeatmapData(content, path, error);
}

bool LongPage::exportStrips(const QString &dir, QString *error)
{
    if (!m_shown)
        return failWith(error, tr("nothing is shown in the Long input tab"));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return failWith(error, why);
    const HeadOverview<float> &h = m_shown->stats();
    const auto vectorTensor = [](const std::vector<double> &v) {
        Tensor t = Tensor::fromMatrix(Mat<double>(Eigen::Map<const Mat<double>>(v.data(), 1, Eigen::Index(v.size()))));
        t.shape = {Eigen::Index(v.size())};
        return t;
    };
    const auto sums = encodeNpy(vectorTensor(h.columnSums)), entropy = encodeNpy(vectorTensor(h.entropyBits));
    OutputBatch batch; // both or neither
    for (auto [name, bytes] : {std::pair{"column_sums.npy", &sums}, {"entropy.npy", &entropy}})
        if (auto st = batch.add(QDir(dir).filePath(QString::fromLatin1(name)).toStdString(), *bytes); !st)
            return failWith(error, QString::fromStdString(st.error().message));
    if (auto st = batch.commit(); !st)
        return failWith(error, QString::fromStdString(st.error().message));
    return true;
}

void LongPage::addExportActions(QMenu *menu)
{
    QAction *strips = menu->addAction(tr("Key and Entropy Strips (.npy)…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for column_sums.npy and entropy.npy"));
        if (dir.isEmpty())
            return;
        QString error;
        if (exportStrips(dir, &error))
            emit statusMessage(tr("Wrote column_sums.npy and entropy.npy into %1").arg(QDir::toNativeSeparators(dir)), 8000);
        else
            emit failed(error);
    });
    strips->setEnabled(m_shown != nullptr);
}

// ---- sessions ----

QJsonObject LongPage::saveState() const
{
    QJsonObject o;
    o["head"] = m_params.head;
    o["scale"] = scaleKey(m_params.scale);
    o["causal"] = m_params.causal;
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
    m_settingControls = true; // one computation for every value below (onParamsChanged)
    if (const int head = state["head"].toInt(-1); head >= 0 && head < m_input->heads())
        m_headBox->setValue(head);
    else if (state.contains("head"))
        notes << tr("pages.long.head is out of range; head %1 is shown").arg(m_headBox->value());
    const int scale = m_scaleBox->findData(state["scale"].toString(QStringLiteral("sqrt")));
    if (scale >= 0)
        m_scaleBox->setCurrentIndex(scale);
    else
        notes << tr("pages.long.scale is not sqrt, dim or none; ignored");
    m_causalBox->setChecked(state["causal"].toBool(false));
    m_logBox->setChecked(state["logColours"].toBool(m_logBox->isChecked()));
    m_settingControls = false;
    onParamsChanged();
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
