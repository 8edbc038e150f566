// ExplorerPage: its exports. The picture and data of the shown stage (File → Export → Picture,
// Data, which the window asks paths for), every stage of the shown head (.npy), the weights of
// every head (PNG and .npy), and the stage sequence as numbered PNG frames. Files that belong
// together go through one OutputBatch: a failed or cancelled export writes nothing.

#include "explorer_page.h"

#include <QDir>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QProgressDialog>
#include <QTextDocument>

#include "file_io.h"
#include "formula_line.h"
#include "heatmap_export.h"
#include "heatmap_view.h"
#include "npy.h"
#include "picture_export.h"
#include "stage_content.h"
#include "stage_stepper.h"

namespace attnscope {

Page::Exports ExplorerPage::exports() const
{
    return m_model->state() ? Exports(Export::Picture | Export::Data) : Exports();
}

Page::ViewOptionSet ExplorerPage::viewOptions() const
{
    return ViewOption::Colormap | ViewOption::Reduction | ViewOption::Zoom;
}

void ExplorerPage::setViewOptions(const ViewOptions &options)
{
    m_viewOptions = options;
    render();
}

void ExplorerPage::resetZoom()
{
    for (HeatmapView *v : m_views)
        v->resetView();
}

void ExplorerPage::zoomBy(double factor) { m_views[0]->zoomBy(factor); }

QSize ExplorerPage::defaultPictureSize() const
{
    const QSize s = m_views[0]->size();
    if (s.width() < 200 || s.height() < 150)
        return QSize(800, 600);
    return s.boundedTo(QSize(kMaxExportSide, kMaxExportSide));
}

QImage ExplorerPage::renderPicture(QSize size, double scale) const
{
    const auto state = m_model->state();
    if (!state)
        return QImage();
    const HeatmapView::Content content = decorated(stageContents(*state, m_model->stage()).front());
    return drawHeatmapPicture(content, mapFor(content), size, scale);
}

bool ExplorerPage::exportPicture(const QString &path, QSize size, double scale, QString *error)
{
    const auto state = m_model->state();
    if (!state)
        return failWith(error, tr("Nothing is computed yet."));
    const HeatmapView::Content content = decorated(stageContents(*state, m_model->stage()).front());
    return exportHeatmapPicture(content, mapFor(content), path, size, scale, error);
}

bool ExplorerPage::exportData(const QString &path, QString *error)
{
    const auto state = m_model->state();
    if (!state)
        return failWith(error, tr("Nothing is computed yet."));
    return exportHeatmapData(stageContents(*state, m_model->stage()).front(), path, error);
}

bool ExplorerPage::exportAllStages(const QString &dir, QString *error)
{
    const auto state = m_model->state();
    if (!state)
        return failWith(error, tr("Nothing is computed yet."));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return failWith(error, why);
    const auto &in = state->setup->inputs;
    const auto &r = state->result.stages;
    const std::size_t h = std::size_t(state->result.head), g = std::size_t(r.kvHead);
    const std::pair<const char *, const Mat<double> *> files[] = {
        {"q", &in.q[h]},           {"k", &in.k[g]},           {"v", &in.v[g]},         {"scores", &r.scoresRaw},
        {"scaled", &r.scoresScaled}, {"masked", &r.scoresMasked}, {"weights", &r.weights}, {"output", &r.output},
    };
    OutputBatch batch;
    const QDir d(dir);
    for (const auto &[name, m] : files)
        if (const Status s = batch.add(d.filePath(QString::fromLatin1(name) + ".npy").toStdString(), encodeNpy(Tensor::fromMatrix(*m))); !s)
            return failWith(error, QString::fromStdString(s.error().message));
    const Status s = batch.commit();
    return s ? true : failWith(error, QString::fromStdString(s.error().message));
}

bool ExplorerPage::exportAllHeads(const QString &dir, QString *error, const std::function<bool(int, int)> &progress)
{
    const auto current = m_model->state();
    if (!current)
        return failWith(error, tr("Nothing is computed yet."));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return failWith(error, why);
    const ExplorerSetup &setup = *current->setup;
    const int heads = int(setup.inputs.q.size());
    const QSize size = defaultPictureSize();
    const QDir d(dir);
    OutputBatch batch;
    for (int h = 0; h < heads; ++h) {
        if (progress && !progress(h, heads))
            return failWith(error, tr("Export cancelled; nothing was written."));
        auto result = computeExplorerHead(setup, h, current->scale, current->temperature);
        if (!result)
            return failWith(error, QString::fromStdString(result.error().message));
        ExplorerState state = *current;
        state.result = std::move(result.value());
        const HeatmapView::Content content = decorated(stageContents(state, Stage::Weights).front());
        ExportOptions opt;
        opt.width = size.width();
        opt.height = size.height();
        opt.colormap = mapFor(content);
        auto png = encodeHeatmap(content, opt, ExportFormat::Png);
        if (!png)
            return failWith(error, QString::fromStdString(png.error().message));
        const QString base = d.filePath(QStringLiteral("head_%1_weights").arg(h));
        if (const Status s = batch.add((base + ".png").toStdString(), bytesOf(*png)); !s)
            return failWith(error, QString::fromStdString(s.error().message));
        if (const Status s = batch.add((base + ".npy").toStdString(), encodeNpy(Tensor::fromMatrix(state.result.stages.weights))); !s)
            return failWith(error, QString::fromStdString(s.error().message));
    }
    if (progress && !progress(heads, heads))
        return failWith(error, tr("Export cancelled; nothing was written."));
    const Status s = batch.commit();
    return s ? true : failWith(error, QString::fromStdString(s.error().message));
}

std::vector<HeatmapView::Content> ExplorerPage::frameContents(Stage stage) const
{
    const auto state = m_model->state();
    if (!state)
        return {};
    std::vector<HeatmapView::Content> out = stageContents(*state, stage);
    if (stage != Stage::Inputs && stage != Stage::Qkv) // the matrix, then what it is made of
        for (HeatmapView::Content &c : stageContents(*state, Stage::Qkv))
            out.push_back(std::move(c));
    for (HeatmapView::Content &c : out)
        c = decorated(std::move(c));
    return out;
}

QImage ExplorerPage::renderFrame(Stage stage, QSize size) const
{
    const auto state = m_model->state();
    const std::vector<HeatmapView::Content> contents = frameContents(stage);
    if (!state || contents.empty() || !checkPictureSize(size, 1.0).isEmpty())
        return QImage();
    QImage frame(size, QImage::Format_RGB32);
    frame.fill(Qt::white);
    QPainter painter(&frame);
    // The formula, its part highlighted, across the top.
    QTextDocument formula;
    QFont font = this->font();
    font.setPixelSize(std::max(12, size.height() / 32));
    formula.setDefaultFont(font);
    formula.setTextWidth(size.width() - 16);
    formula.setHtml(FormulaLine::html(stage, state->scale, state->temperature));
    painter.translate(8, 6);
    formula.drawContents(&painter);
    painter.resetTransform();
    const int top = int(formula.size().height()) + 12;
    const QRect area(0, top, size.width(), size.height() - top);
    const auto draw = [&](const HeatmapView::Content &c, const QRect &r) {
        if (r.width() >= 16 && r.height() >= 16)
            painter.drawImage(r.topLeft(), drawHeatmapPicture(c, mapFor(c), r.size(), 1.0));
    };
    const bool sideColumn = stage != Stage::Inputs && stage != Stage::Qkv;
    const int n = int(contents.size());
    if (!sideColumn) { // equal widths, side by side
        for (int i = 0; i < n; ++i)
            draw(contents[std::size_t(i)], QRect(area.x() + i * area.width() / n, area.y(), area.width() / n, area.height()));
        return frame;
    }
    const int mainWidth = area.width() * 62 / 100, side = n - 1;
    draw(contents.front(), QRect(area.topLeft(), QSize(mainWidth, area.height())));
    for (int i = 0; i < side; ++i)
        draw(contents[std::size_t(i + 1)], QRect(area.x() + mainWidth, area.y() + i * area.height() / side,
                                                 area.width() - mainWidth, area.height() / side));
    return frame;
}

bool ExplorerPage::exportFrames(const QString &dir, QString *error)
{
    const auto state = m_model->state();
    if (!state)
        return failWith(error, tr("Nothing is computed yet."));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return failWith(error, why);
    const QSize size = defaultPictureSize();
    const QDir d(dir);
    OutputBatch batch;
    for (int i = 0; i < StageStepper::kCount; ++i) {
        const QImage frame = renderFrame(Stage(i), size);
        if (frame.isNull())
            continue;
        auto png = encodeImage(frame, ExportFormat::Png);
        if (!png)
            return failWith(error, QString::fromStdString(png.error().message));
        const QString name = QStringLiteral("frame_%1_%2.png").arg(i + 1, 2, 10, QLatin1Char('0')).arg(StageStepper::key(Stage(i)));
        if (const Status s = batch.add(d.filePath(name).toStdString(), bytesOf(*png)); !s)
            return failWith(error, QString::fromStdString(s.error().message));
    }
    const Status s = batch.commit();
    return s ? true : failWith(error, QString::fromStdString(s.error().message));
}

// ---- the page's entries of File → Export: ask for a folder, then call the functions above ----

void ExplorerPage::addExportActions(QMenu *menu)
{
    menu->addAction(tr("Data of &Every Stage…"), this, [this] {
        exportFolderDialog(tr("Folder for q, k, v, scores, scaled, masked, weights, output (.npy)"), &ExplorerPage::exportAllStages,
                           tr("Exported 8 stages to %1"));
    });
    menu->addAction(tr("&All Heads…"), this, &ExplorerPage::exportAllHeadsDialog);
    menu->addAction(tr("Stage &Frames…"), this, [this] {
        exportFolderDialog(tr("Folder for the numbered stage frames (PNG)"), &ExplorerPage::exportFrames,
                           tr("Exported %1 frames to %2").arg(StageStepper::kCount));
    });
}

void ExplorerPage::exportFolderDialog(const QString &title, bool (ExplorerPage::*exporter)(const QString &, QString *),
                                      const QString &done)
{
    if (!m_model->state())
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, title);
    if (dir.isEmpty())
        return;
    QString error;
    if (!(this->*exporter)(dir, &error))
        QMessageBox::warning(this, tr("AttnScope"), error);
    else
        emit statusMessage(done.arg(QDir::toNativeSeparators(dir)), 5000);
}

void ExplorerPage::exportAllHeadsDialog()
{
    const auto state = m_model->state();
    if (!state)
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the weights of every head (PNG and .npy)"));
    if (dir.isEmpty())
        return;
    const int heads = int(state->setup->inputs.q.size());
    QProgressDialog progress(tr("Computing and drawing every head…"), tr("Cancel"), 0, heads, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    QString error;
    const bool ok = exportAllHeads(dir, &error, [&progress](int done, int) {
        progress.setValue(done); // modal: processes events, so Cancel is seen
        return !progress.wasCanceled();
    });
    const bool cancelled = progress.wasCanceled();
    progress.reset();
    if (ok)
        emit statusMessage(tr("Exported %1 heads to %2").arg(heads).arg(QDir::toNativeSeparators(dir)), 5000);
    else if (cancelled)
        emit statusMessage(error, 8000);
    else
        QMessageBox::warning(this, tr("AttnScope"), error);
}

} // namespace attnscope
