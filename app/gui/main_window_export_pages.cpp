// MainWindow: exports of the Imported-attention and Image tabs — a view's picture (head grid,
// image overlay) as PNG at a chosen size and scale factor, SVG or PDF, and every layer and head
// of an imported bundle.

#include "main_window.h"

#include <QBuffer>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QPainter>
#include <QPdfWriter>
#include <QProgressDialog>
#include <QStatusBar>
#include <QSvgGenerator>
#include <QTabWidget>

#include <cmath>
#include <span>

#include "attention_page.h"
#include "file_io.h"
#include "head_grid.h"
#include "heatmap_export.h"
#include "image_overlay_view.h"
#include "image_page.h"
#include "npy.h"
#include "stage_content.h"

namespace attnscope {
namespace {

bool failWith(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

std::vector<std::byte> bytesOf(const QByteArray &a)
{
    const auto *p = reinterpret_cast<const std::byte *>(a.constData());
    return {p, p + a.size()};
}

/// Makes `copy` an off-screen stand-in for `original` laid out at `size`: same font and palette.
void prepareCopy(QWidget &copy, const QWidget &original, QSize size)
{
    copy.setAttribute(Qt::WA_DontShowOnScreen);
    copy.setFont(original.font());
    copy.setPalette(original.palette());
    copy.resize(size);
}

/// `widget` laid out at `size`, drawn on white at `scale` pixels per unit: size × scale pixels.
QImage drawAt(QWidget &widget, QSize size, double scale)
{
    QImage image(int(std::lround(size.width() * scale)), int(std::lround(size.height() * scale)),
                 QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return image;
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter painter(&image);
    widget.render(&painter);
    return image;
}

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
    return drawAt(copy, size, scale);
}

QImage drawOverlay(const ImageOverlayView &view, QSize size, double scale)
{
    ImageOverlayView copy;
    prepareCopy(copy, view, size);
    copy.setGrid(view.grid());
    copy.setPicture(view.picture());
    copy.setSelection(view.selection());
    copy.setGridVisible(view.gridVisible());
    return drawAt(copy, size, scale);
}

} // namespace

bool MainWindow::exportWidgetPicture(QWidget *widget, const QString &path, QSize size, double scale,
                                     const std::function<QImage(QSize, double)> &drawPng, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QString where = QDir::toNativeSeparators(path);
    if (!widget || !widget->isVisible() || widget->width() < 2)
        return failWith(error, tr("cannot write %1: there is no picture on this tab yet").arg(where));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (suffix == "png") {
        if (const QString why = checkPictureSize(size, scale); !why.isEmpty())
            return failWith(error, tr("cannot write %1: %2").arg(where, why));
        const QImage image = drawPng(size, scale);
        if (image.isNull())
            return failWith(error, tr("cannot write %1: could not draw the picture").arg(where));
        image.save(&buffer, "PNG");
    } else if (suffix == "svg") {
        // The widget paints itself onto the generator: its text stays text, its images are embedded.
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(widget->size());
        svg.setViewBox(QRect(QPoint(0, 0), widget->size()));
        svg.setTitle(QFileInfo(path).completeBaseName());
        QPainter painter(&svg);
        widget->render(&painter);
    } else if (suffix == "pdf") {
        QPdfWriter pdf(&buffer);
        pdf.setPageSize(QPageSize(QSizeF(widget->width(), widget->height()), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QPainter painter(&pdf);
        widget->render(&painter);
    } else {
        return failWith(error, tr("cannot write %1: the extension is not .png, .svg or .pdf").arg(where));
    }
    if (bytes.isEmpty())
        return failWith(error, tr("cannot write %1: the picture could not be drawn").arg(where));
    const Status s = writeFileAtomically(path.toStdString(), bytesOf(bytes));
    return s ? true : failWith(error, QString::fromStdString(s.error().message));
}

bool MainWindow::exportHeadGridPicture(const QString &path, QSize size, double scale, QString *error)
{
    HeadGrid *grid = m_attentionPage->headGrid();
    return exportWidgetPicture(
        grid, path, size, scale, [grid](QSize s, double f) { return drawHeadGrid(*grid, s, f); }, error);
}

bool MainWindow::exportOverlayPicture(const QString &path, QSize size, double scale, QString *error)
{
    ImageOverlayView *view = m_imagePage->overlayView();
    return exportWidgetPicture(
        view, path, size, scale, [view](QSize s, double f) { return drawOverlay(*view, s, f); }, error);
}

bool MainWindow::exportBundleHeads(const QString &dir, QString *error, const std::function<bool(int, int)> &progress)
{
    const AttentionBundle *b = m_attentionPage->bundle();
    if (!b)
        return failWith(error, tr("open an attention bundle in the Imported attention tab first"));
    if (!QFileInfo(dir).isDir())
        return failWith(error, tr("cannot write into %1: no such folder").arg(QDir::toNativeSeparators(dir)));
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
            c.title = tr("%1 — layer %2, head %3").arg(QFileInfo(QString::fromStdString(b->path)).fileName()).arg(l).arg(h);
            ExportOptions opt;
            opt.width = 1000;
            opt.height = 900;
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

void MainWindow::pagePictureDialog(const QString &title, QWidget *widget,
                                   bool (MainWindow::*exporter)(const QString &, QSize, double, QString *))
{
    QString path = QFileDialog::getSaveFileName(this, title, QString(), tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += ".png";
    // PNG: the size and scale factor asked as for the heatmap, starting from the view on screen at 2×.
    QSize size = widget->size().expandedTo(QSize(1, 1)).boundedTo(QSize(kMaxExportSide, kMaxExportSide));
    double scale = 2.0;
    if (QFileInfo(path).suffix().toLower() == "png" && !askPngSize(&size, &scale))
        return;
    QString error;
    if (!(this->*exporter)(path, size, scale, &error))
        showError(error);
    else
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::createPageExportActions(QMenu *menu)
{
    menu->addSeparator();
    menu->addAction(tr("&Head Grid Picture…"), this, [this] {
        m_tabs->setCurrentIndex(AttentionTab);
        pagePictureDialog(tr("Export the grid of heads"), m_attentionPage->headGrid(), &MainWindow::exportHeadGridPicture);
    })->setToolTip(tr("The small multiples of the Imported attention tab, as PNG (at a chosen size), SVG or PDF"));
    menu->addAction(tr("Image &Overlay Picture…"), this, [this] {
        m_tabs->setCurrentIndex(ImageTab);
        pagePictureDialog(tr("Export the image with its attention overlay"), m_imagePage->overlayView(),
                          &MainWindow::exportOverlayPicture);
    })->setToolTip(tr("The image with the attention blended over it and the patch grid, as PNG (at a chosen size), "
                      "SVG or PDF"));
    menu->addAction(tr("All &Layers and Heads of the Bundle…"), this, [this] {
        const AttentionBundle *b = m_attentionPage->bundle();
        if (!b) {
            showError(tr("Open an attention bundle in the Imported attention tab first."));
            return;
        }
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for every layer and head (PNG and .npy)"));
        if (dir.isEmpty())
            return;
        const int total = int(b->layers() * b->heads());
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
            statusBar()->showMessage(tr("Exported %1 maps to %2").arg(total).arg(QDir::toNativeSeparators(dir)), 5000);
        else
            showError(error);
    });
}

} // namespace attnscope
