// MainWindow: exports of the Imported-attention and Image tabs — a widget's picture (head grid,
// image overlay) as PNG, SVG or PDF, and every layer and head of an imported bundle.

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

} // namespace

bool MainWindow::exportWidgetPicture(QWidget *widget, const QString &path, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QString where = QDir::toNativeSeparators(path);
    if (!widget || !widget->isVisible() || widget->width() < 2)
        return failWith(error, tr("cannot write %1: there is no picture on this tab yet").arg(where));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (suffix == "png") {
        QImage image(widget->size() * 2, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2);
        image.fill(Qt::white);
        QPainter painter(&image);
        widget->render(&painter);
        painter.end();
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

bool MainWindow::exportHeadGridPicture(const QString &path, QString *error)
{
    return exportWidgetPicture(m_attentionPage->headGrid(), path, error);
}

bool MainWindow::exportOverlayPicture(const QString &path, QString *error)
{
    return exportWidgetPicture(m_imagePage->overlayView(), path, error);
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

void MainWindow::createPageExportActions(QMenu *menu)
{
    menu->addSeparator();
    const auto pictureDialog = [this](const QString &title, auto exporter) {
        QString path = QFileDialog::getSaveFileName(this, title, QString(), tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"));
        if (path.isEmpty())
            return;
        if (QFileInfo(path).suffix().isEmpty())
            path += ".png";
        QString error;
        if (!(this->*exporter)(path, &error))
            showError(error);
        else
            statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    };
    menu->addAction(tr("&Head Grid Picture…"), this, [this, pictureDialog] {
        m_tabs->setCurrentIndex(AttentionTab);
        pictureDialog(tr("Export the grid of heads"), &MainWindow::exportHeadGridPicture);
    })->setToolTip(tr("The small multiples of the Imported attention tab, as PNG, SVG or PDF"));
    menu->addAction(tr("Image &Overlay Picture…"), this, [this, pictureDialog] {
        m_tabs->setCurrentIndex(ImageTab);
        pictureDialog(tr("Export the image with its attention overlay"), &MainWindow::exportOverlayPicture);
    })->setToolTip(tr("The image with the attention blended over it and the patch grid, as PNG, SVG or PDF"));
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
