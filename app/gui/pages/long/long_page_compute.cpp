// The Long input tab: the head's overview computed on a worker, the picture for each view (merged
// from the overview's bins, or a region computed exactly), the pointer and the cell panel.
#include "long_page.h"

#include <QCheckBox>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QLabel>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <new>

#include "detail_panel.h"
#include "explain.h"
#include "heatmap_export.h"

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

QString thousands(std::int64_t v) { return QLocale().toString(qlonglong(v)); }

/// The first cell of each bin of `axis`, offset by `first`, and the end.
std::vector<std::int64_t> cellStarts(const BinAxis &axis, std::int64_t first)
{
    std::vector<std::int64_t> out;
    for (std::int64_t b = 0; b <= axis.bins(); ++b)
        out.push_back(first + axis.first(b));
    return out;
}

/// The whole cells the view shows, [r0, r1) × [c0, c1), and its matrix's size in pixels.
struct CellsShown {
    std::int64_t r0, r1, c0, c1;
    int width, height;
};

CellsShown cellsShown(const OverviewView &view)
{
    const OverviewView::Viewport vp = view.viewport();
    const QSize px = view.matrixRect().size();
    return {std::int64_t(std::floor(vp.r0)), std::int64_t(std::ceil(vp.r1)), std::int64_t(std::floor(vp.c0)),
            std::int64_t(std::ceil(vp.c1)), std::max(1, px.width()), std::max(1, px.height())};
}

} // namespace

// ---- computing ----

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
    const LongParams params = m_applied.params;
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
    const Mat<double> base = binValues(h.binMax, h.binSum, ov.rows, ov.cols, m_options.reduction == Reduction::Mean);
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
    const auto [r0, r1, c0, c1, w, h] = cellsShown(*m_view);
    const auto &ov = m_shown->overview;
    const HeadOverview<float> &stats = m_shown->stats();
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
    const auto [r0, r1, c0, c1, w, h] = cellsShown(*m_view);
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
            const Mat<double> values =
                binValues(region.binMax, region.binSum, region.rows, region.cols, m_options.reduction == Reduction::Mean);
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

} // namespace attnscope
