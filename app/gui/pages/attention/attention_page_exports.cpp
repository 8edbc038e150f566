// AttentionPage: its exports — the main heatmap (picture and data, as the Explorer's), the grid of
// heads as a picture, and every layer and head of the bundle as PNG and .npy.

#include "attention_page.h"

#include <algorithm>
#include <QPainter>
#include <QTabWidget>

#include <cmath>

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>

#include <span>

#include "file_io.h"
#include "head_grid.h"
#include "head_view.h"
#include "heatmap_export.h"
#include "heatmap_view.h"
#include "model_view.h"
#include "npy.h"
#include "picture_export.h"
#include "stage_content.h"

namespace attnscope {
namespace {

QImage drawHeadGrid(const HeadGrid &grid, QSize size, double scale)
{
    HeadGrid copy;
    prepareCopy(copy, grid, size);
    copy.setColormap(grid.colormap());
    std::vector<HeadGrid::Item> items;
    for (int i = 0; i < grid.count(); ++i)
        items.push_back(grid.item(i));
    copy.setItems(grid.mode(), std::move(items));
    const int focused = grid.focusedIndex();
    copy.setFocused(focused < 0 ? -1 : grid.item(focused).layer, focused < 0 ? -1 : grid.item(focused).head);
    return drawWidgetAt(copy, size, scale);
}

} // namespace

Page::Exports AttentionPage::exports() const
{
    if (modelViewShown())
        return m_bundle ? Exports(Export::Picture) : Exports();
    return m_result ? Exports(Export::Picture | Export::Data) : Exports();
}

Page::ViewOptionSet AttentionPage::viewOptions() const
{
    return ViewOption::Colormap | ViewOption::Reduction | ViewOption::Zoom;
}

void AttentionPage::setViewOptions(const ViewOptions &options)
{
    m_view->setReduction(options.reduction);
    setColormap(options.colormap);
    m_numbersInCells = options.numbersInCells;
    m_fixedWeightScale = options.fixedWeightScale;
    if (m_view->content().values) {
        HeatmapView::Content c = m_view->content();
        applyCellOptions(c);
        m_view->setContent(std::move(c));
    }
}

void AttentionPage::applyCellOptions(HeatmapView::Content &c) const
{
    c.numbers = m_numbersInCells;
    c.fixedRange.reset();
    if (!m_fixedWeightScale || c.diverging || !c.values)
        return;
    const Mat<double> &m = *c.values;
    for (Eigen::Index i = 0; i < m.size(); ++i)
        if (std::isfinite(m.data()[i]) && (m.data()[i] < 0 || m.data()[i] > 1))
            return;
    c.fixedRange = std::make_pair(0.0, 1.0);
}

void AttentionPage::resetZoom() { m_view->resetView(); }

void AttentionPage::zoomBy(double factor) { m_view->zoomBy(factor); }

QSize AttentionPage::defaultPictureSize() const
{
    if (modelViewShown() && m_modelView->hasBundle())
        return m_modelView->pictureSize(m_modelView->cellSide()).boundedTo(QSize(kMaxExportSide, kMaxExportSide));
    if (headViewShown())
        return headViewNaturalSize(m_headView->content()).boundedTo(QSize(kMaxExportSide, kMaxExportSide));
    const QSize s = m_view->size();
    if (s.width() < 200 || s.height() < 150)
        return QSize(800, 600);
    return s.boundedTo(QSize(kMaxExportSide, kMaxExportSide));
}

QImage AttentionPage::renderPicture(QSize size, double scale) const
{
    if (modelViewShown())
        return m_modelView->grab().toImage().scaled(size * scale, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    if (headViewShown()) { // the Heads tab: its picture, not the heatmap's
        QImage image((QSizeF(size) * scale).toSize(), QImage::Format_RGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        painter.scale(scale, scale);
        paintHeadView(painter, m_headView->content(), m_headView->state(), size);
        return image;
    }
    if (!m_result)
        return QImage();
    return drawHeatmapPicture(m_view->content(), m_view->colormap(), size, scale);
}

bool AttentionPage::exportPicture(const QString &path, QSize size, double scale, QString *error)
{
    if (modelViewShown()) { // the size asked for scales the cells of the Model view
        const int side = m_modelView->cellSide();
        const double factor = scale * double(size.width()) / double(std::max(1, m_modelView->pictureSize(side).width()));
        return exportModelViewPicture(path, std::max(8, int(side * factor)), error);
    }
    if (headViewShown())
        return exportHeadViewPicture(path, size, scale, error);
    if (!m_result)
        return failWith(error, tr("Nothing is shown in the Imported attention tab: %1").arg(statusText()));
    return exportHeatmapPicture(m_view->content(), m_view->colormap(), path, size, scale, error);
}

bool AttentionPage::exportData(const QString &path, QString *error)
{
    if (!m_result)
        return failWith(error, tr("Nothing is shown in the Imported attention tab: %1").arg(statusText()));
    return exportHeatmapData(m_view->content(), path, error);
}

bool AttentionPage::exportHeadGridPicture(const QString &path, QSize size, double scale, QString *error)
{
    HeadGrid *grid = m_grid;
    return exportWidgetPicture(
        grid, path, size, scale, [grid](QSize s, double f) { return drawHeadGrid(*grid, s, f); }, error);
}

bool AttentionPage::exportBundleHeads(const QString &dir, QString *error, const std::function<bool(int, int)> &progress)
{
    const AttentionBundle *b = m_bundle.get();
    if (!b)
        return failWith(error, tr("open an attention bundle in the Imported attention tab first"));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return failWith(error, why);
    const auto layers = b->layers(), heads = b->heads(), tq = b->queries(), tk = b->keys();
    const int total = int(layers * heads);
    OutputBatch batch; // all or nothing: files are renamed into place only at the end
    std::vector<QByteArray> keep;
    for (std::int64_t l = 0; l < layers; ++l) {
        for (std::int64_t h = 0; h < heads; ++h) {
            if (progress && !progress(int(l * heads + h), total))
                return failWith(error, tr("Export cancelled; nothing was written."));
            Mat<double> m = b->attentions.matrix<double>(l * heads + h);
            HeatmapView::Content c;
            c.values = std::make_shared<const Mat<double>>(m);
            c.rowLabels = toQStringList(b->tokens);
            c.colLabels = toQStringList(b->keyTokens);
            c.rowAxis = tr("query");
            c.colAxis = tr("key");
            c.title = tr("%1 — layer %2, head %3").arg(QFileInfo(QString::fromStdString(b->path)).fileName()).arg(l).arg(h);
            ExportOptions opt;
            opt.width = 1000;
            opt.height = 900;
            opt.colormap = m_colormap;
            auto png = encodeHeatmap(c, opt, ExportFormat::Png);
            if (!png)
                return failWith(error, QString::fromStdString(png.error().message));
            const QString base = QDir(dir).filePath(QStringLiteral("layer_%1_head_%2").arg(l).arg(h));
            keep.push_back(*png);
            if (auto st = batch.add((base + ".png").toStdString(), bytesOf(keep.back())); !st)
                return failWith(error, QString::fromStdString(st.error().message));
            const auto header = npyHeader(DType::F64, {tq, tk});
            const std::span<const std::byte> cells(reinterpret_cast<const std::byte *>(m.data()), std::size_t(m.size()) * 8);
            if (auto st = batch.add((base + ".npy").toStdString(), {std::span<const std::byte>(header), cells}); !st)
                return failWith(error, QString::fromStdString(st.error().message));
        }
    }
    if (progress)
        progress(total, total);
    const Status s = batch.commit();
    return s ? true : failWith(error, QString::fromStdString(s.error().message));
}

void AttentionPage::addExportActions(QMenu *menu)
{
    menu->addAction(tr("&Head Grid Picture…"), this, &AttentionPage::exportGridDialog)
        ->setToolTip(tr("The small multiples of the Imported attention tab, as PNG, SVG or PDF"));
    menu->addAction(tr("All &Layers and Heads of the Bundle…"), this, &AttentionPage::exportBundleHeadsDialog);
    menu->addAction(tr("&Model View Picture…"), this, &AttentionPage::exportModelViewDialog)
        ->setToolTip(tr("Every layer × head of the bundle as in the Model tab, as PNG, SVG or PDF"));
}

void AttentionPage::exportGridDialog()
{
    QString path;
    QSize size = m_grid->size().expandedTo(QSize(1, 1)).boundedTo(QSize(kMaxExportSide, kMaxExportSide));
    double scale = 2.0;
    if (!askPicturePath(this, tr("Export the grid of heads"), &path, &size, &scale))
        return;
    QString error;
    if (!exportHeadGridPicture(path, size, scale, &error))
        QMessageBox::warning(this, tr("AttnScope"), error);
    else
        emit statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void AttentionPage::exportBundleHeadsDialog()
{
    if (!m_bundle) {
        QMessageBox::warning(this, tr("AttnScope"), tr("Open an attention bundle in the Imported attention tab first."));
        return;
    }
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for every layer and head (PNG and .npy)"));
    if (dir.isEmpty())
        return;
    const int total = int(m_bundle->layers() * m_bundle->heads());
    QProgressDialog progress(tr("Drawing every layer and head…"), tr("Cancel"), 0, total, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    QString error;
    const bool ok = exportBundleHeads(dir, &error, [&progress](int done, int) {
        progress.setValue(done);
        return !progress.wasCanceled();
    });
    progress.reset();
    if (ok)
        emit statusMessage(tr("Exported %1 maps to %2").arg(total).arg(QDir::toNativeSeparators(dir)), 5000);
    else
        QMessageBox::warning(this, tr("AttnScope"), error);
}

} // namespace attnscope
