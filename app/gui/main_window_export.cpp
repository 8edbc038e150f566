// MainWindow: File → Export. Pictures (PNG at a size and scale factor, SVG, PDF, the clipboard),
// the data of the shown stage (CSV or .npy), every stage of the shown head (.npy), the weights
// of every head (PNG and .npy), and the stage sequence as numbered PNG frames.
//
// The menu actions only ask for paths; the export functions take paths and are what the tests
// call. Every export is all-or-nothing: files that belong together go through one OutputBatch
// and are renamed into place only once all of them were written, so a failed or cancelled
// export leaves nothing new behind and existing files untouched. "All Heads…" in particular
// computes every head first and writes nothing when cancelled (the status bar says so).

#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QImage>
#include <QMenu>
#include <QMessageBox>
#include <QPixmap>
#include <QProgressDialog>
#include <QSpinBox>
#include <QStatusBar>

#include <qcustomplot.h>

#include <cmath>
#include <cstring>

#include "file_io.h"
#include "heatmap_export.h"
#include "heatmap_view.h"
#include "npy.h"
#include "stage_content.h"
#include "stage_stepper.h"

namespace attnscope {
namespace {

std::vector<std::byte> toBytes(const QByteArray &a)
{
    std::vector<std::byte> out(std::size_t(a.size()));
    if (!a.isEmpty())
        std::memcpy(out.data(), a.constData(), out.size());
    return out;
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool fail(QString *error, const Error &e) { return fail(error, QString::fromStdString(e.message)); }

/// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
QString csvField(const QString &s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n'))
        && !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

/// 9 significant digits; infinities and NaN as numpy writes them (-inf, inf, nan).
QString csvNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v < 0 ? QStringLiteral("-inf") : QStringLiteral("inf");
    return QString::number(v, 'g', 9);
}

QByteArray encodeCsv(const HeatmapView::Content &c)
{
    const Mat<double> &m = *c.values;
    QString out;
    out += csvField(c.rowAxis);
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        out += QLatin1Char(',') + csvField(c.colLabels.value(int(j), QString::number(j)));
    out += QLatin1Char('\n');
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        out += csvField(c.rowLabels.value(int(i), QString::number(i)));
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            out += QLatin1Char(',') + csvNumber(m(i, j));
        out += QLatin1Char('\n');
    }
    return out.toUtf8();
}

/// Draws `content` as the window does, laid out at `size` and rendered at `scale` pixels per
/// unit: what exportHeatmap draws for PNG, with the scale factor added (larger pixels, same layout).
QImage drawPicture(const HeatmapView::Content &content, ColormapId map, QSize size, double scale)
{
    HeatmapView view;
    view.setAttribute(Qt::WA_DontShowOnScreen);
    view.resize(size);
    QCustomPlot *plot = view.plot();
    plot->setViewport(QRect(QPoint(0, 0), size));
    view.setColormap(map);
    view.setContent(content);
    view.resetView();
    return plot->toPixmap(size.width(), size.height(), scale).toImage();
}

} // namespace

QString MainWindow::checkPictureSize(QSize size, double scale)
{
    if (size.width() < 1 || size.height() < 1 || size.width() > kMaxExportSide || size.height() > kMaxExportSide)
        return QObject::tr("the picture size %1 × %2 is not within 1..%3").arg(size.width()).arg(size.height()).arg(kMaxExportSide);
    if (!(scale > 0) || std::lround(size.width() * scale) > kMaxExportSide || std::lround(size.height() * scale) > kMaxExportSide
        || std::lround(size.width() * scale) < 1 || std::lround(size.height() * scale) < 1)
        return QObject::tr("%1 × %2 at scale %3 is not within 1..%4 pixels a side")
            .arg(size.width())
            .arg(size.height())
            .arg(scale)
            .arg(kMaxExportSide);
    return QString();
}

namespace {

QString missingFolder(const QString &dir)
{
    const QFileInfo info(dir);
    return info.isDir() ? QString() : QObject::tr("cannot write into %1: the folder does not exist").arg(QDir::toNativeSeparators(dir));
}

} // namespace

QSize MainWindow::defaultPictureSize() const
{
    const QSize s = m_views[0]->size();
    if (s.width() < 200 || s.height() < 150)
        return QSize(800, 600);
    return s.boundedTo(QSize(kMaxExportSide, kMaxExportSide));
}

QImage MainWindow::renderPicture(QSize size, double scale) const
{
    if (!m_state || !checkPictureSize(size, scale).isEmpty())
        return QImage();
    const HeatmapView::Content content = stageContents(*m_state, m_stage).front();
    return drawPicture(content, (content.diverging ? ColormapId::Coolwarm : chosenColormap()), size, scale);
}

bool MainWindow::exportPicture(const QString &path, QSize size, double scale, QString *error)
{
    if (!m_state)
        return fail(error, tr("Nothing is computed yet."));
    const auto format = exportFormatForPath(path);
    if (!format)
        return fail(error, tr("cannot write %1: the extension is not .png, .svg or .pdf").arg(QDir::toNativeSeparators(path)));
    if (const QString why = checkPictureSize(size, *format == ExportFormat::Png ? scale : 1.0); !why.isEmpty())
        return fail(error, tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), why));
    const HeatmapView::Content content = stageContents(*m_state, m_stage).front();
    const ColormapId map = (content.diverging ? ColormapId::Coolwarm : chosenColormap());
    if (*format != ExportFormat::Png) { // vector: the size is the page; a scale factor means nothing
        ExportOptions opt;
        opt.width = size.width();
        opt.height = size.height();
        opt.colormap = map;
        const Status s = exportHeatmap(content, opt, path);
        return s ? true : fail(error, s.error());
    }
    const QImage image = drawPicture(content, map, size, scale);
    const QSize expected(int(std::lround(size.width() * scale)), int(std::lround(size.height() * scale)));
    if (image.size() != expected)
        return fail(error, tr("cannot write %1: could not draw a %2 × %3 picture")
                               .arg(QDir::toNativeSeparators(path))
                               .arg(expected.width())
                               .arg(expected.height()));
    auto bytes = encodeImage(image, ExportFormat::Png, content.title);
    if (!bytes)
        return fail(error, bytes.error());
    const Status s = writeFileAtomically(path.toStdString(), toBytes(*bytes));
    return s ? true : fail(error, s.error());
}

bool MainWindow::copyPicture()
{
    const QImage image = renderPicture(defaultPictureSize(), 2.0);
    if (image.isNull())
        return false;
    QGuiApplication::clipboard()->setImage(image);
    statusBar()->showMessage(tr("Copied a %1 × %2 picture to the clipboard").arg(image.width()).arg(image.height()), 5000);
    return true;
}

bool MainWindow::exportStageData(const QString &path, QString *error)
{
    if (!m_state)
        return fail(error, tr("Nothing is computed yet."));
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("csv") && suffix != QLatin1String("npy"))
        return fail(error, tr("cannot write %1: the extension is not .csv or .npy").arg(QDir::toNativeSeparators(path)));
    const HeatmapView::Content content = stageContents(*m_state, m_stage).front();
    const std::vector<std::byte> bytes =
        suffix == QLatin1String("csv") ? toBytes(encodeCsv(content)) : encodeNpy(Tensor::fromMatrix(*content.values));
    const Status s = writeFileAtomically(path.toStdString(), bytes);
    return s ? true : fail(error, s.error());
}

bool MainWindow::exportAllStages(const QString &dir, QString *error)
{
    if (!m_state)
        return fail(error, tr("Nothing is computed yet."));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return fail(error, why);
    const auto &in = m_state->setup->inputs;
    const auto &r = m_state->result.stages;
    const std::size_t h = std::size_t(m_state->result.head), g = std::size_t(r.kvHead);
    const std::pair<const char *, const Mat<double> *> files[] = {
        {"q", &in.q[h]},           {"k", &in.k[g]},           {"v", &in.v[g]},         {"scores", &r.scoresRaw},
        {"scaled", &r.scoresScaled}, {"masked", &r.scoresMasked}, {"weights", &r.weights}, {"output", &r.output},
    };
    OutputBatch batch;
    const QDir d(dir);
    for (const auto &[name, m] : files)
        if (const Status s = batch.add(d.filePath(QString::fromLatin1(name) + ".npy").toStdString(), encodeNpy(Tensor::fromMatrix(*m))); !s)
            return fail(error, s.error());
    const Status s = batch.commit();
    return s ? true : fail(error, s.error());
}

bool MainWindow::exportAllHeads(const QString &dir, QString *error, const std::function<bool(int, int)> &progress)
{
    if (!m_state)
        return fail(error, tr("Nothing is computed yet."));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return fail(error, why);
    const ExplorerSetup &setup = *m_state->setup;
    const int heads = int(setup.inputs.q.size());
    const QSize size = defaultPictureSize();
    const QDir d(dir);
    OutputBatch batch;
    for (int h = 0; h < heads; ++h) {
        if (progress && !progress(h, heads))
            return fail(error, tr("Export cancelled; nothing was written."));
        auto result = computeExplorerHead(setup, h, m_state->scale, m_state->temperature);
        if (!result)
            return fail(error, result.error());
        ExplorerState state = *m_state;
        state.result = std::move(result.value());
        const HeatmapView::Content content = stageContents(state, Stage::Weights).front();
        ExportOptions opt;
        opt.width = size.width();
        opt.height = size.height();
        opt.colormap = (content.diverging ? ColormapId::Coolwarm : chosenColormap());
        auto png = encodeHeatmap(content, opt, ExportFormat::Png);
        if (!png)
            return fail(error, png.error());
        const QString base = d.filePath(QStringLiteral("head_%1_weights").arg(h));
        if (const Status s = batch.add((base + ".png").toStdString(), toBytes(*png)); !s)
            return fail(error, s.error());
        if (const Status s = batch.add((base + ".npy").toStdString(), encodeNpy(Tensor::fromMatrix(state.result.stages.weights))); !s)
            return fail(error, s.error());
    }
    if (progress && !progress(heads, heads))
        return fail(error, tr("Export cancelled; nothing was written."));
    const Status s = batch.commit();
    return s ? true : fail(error, s.error());
}

bool MainWindow::exportFrames(const QString &dir, QString *error)
{
    if (!m_state)
        return fail(error, tr("Nothing is computed yet."));
    if (const QString why = missingFolder(dir); !why.isEmpty())
        return fail(error, why);
    const QSize size = defaultPictureSize();
    const QDir d(dir);
    OutputBatch batch;
    for (int i = 0; i < StageStepper::kCount; ++i) {
        const auto contents = stageContents(*m_state, Stage(i));
        if (contents.empty())
            continue;
        ExportOptions opt;
        opt.width = size.width();
        opt.height = size.height();
        opt.colormap = (contents.front().diverging ? ColormapId::Coolwarm : chosenColormap());
        auto png = encodeHeatmap(contents.front(), opt, ExportFormat::Png);
        if (!png)
            return fail(error, png.error());
        const QString name = QStringLiteral("frame_%1_%2.png").arg(i + 1, 2, 10, QLatin1Char('0')).arg(StageStepper::key(Stage(i)));
        if (const Status s = batch.add(d.filePath(name).toStdString(), toBytes(*png)); !s)
            return fail(error, s.error());
    }
    const Status s = batch.commit();
    return s ? true : fail(error, s.error());
}

// ---- the menu: ask for paths, then call the functions above ----

void MainWindow::createExportActions(QMenu *file)
{
    QMenu *menu = file->addMenu(tr("E&xport"));
    menu->setObjectName("exportMenu");
    QAction *picture = menu->addAction(tr("&Picture…"), this, &MainWindow::exportPictureDialog);
    picture->setShortcut(QKeySequence(tr("Ctrl+E")));
    picture->setToolTip(tr("The shown heatmap as PNG, SVG or PDF, with its title, token labels and colour scale"));
    QAction *copy = menu->addAction(tr("&Copy Picture"), this, [this] { copyPicture(); });
    copy->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    menu->addSeparator();
    menu->addAction(tr("&Data of This Stage…"), this, &MainWindow::exportStageDataDialog);
    menu->addAction(tr("Data of &Every Stage…"), this, &MainWindow::exportAllStagesDialog);
    menu->addAction(tr("&All Heads…"), this, &MainWindow::exportAllHeadsDialog);
    menu->addAction(tr("Stage &Frames…"), this, &MainWindow::exportFramesDialog);
    createPageExportActions(menu);
}

void MainWindow::exportPictureDialog()
{
    if (!m_state)
        return;
    QString filter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export picture"), QString(),
                                                tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &filter);
    if (path.isEmpty())
        return;
    if (!exportFormatForPath(path))
        path += filter.contains(QLatin1String("svg")) ? QStringLiteral(".svg")
                : filter.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf")
                                                        : QStringLiteral(".png");
    QSize size = defaultPictureSize();
    double scale = 2.0;
    if (exportFormatForPath(path) == ExportFormat::Png && !askPngSize(&size, &scale))
        return;
    QString error;
    if (!exportPicture(path, size, scale, &error))
        showError(error);
    else
        statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 5000);
}

bool MainWindow::askPngSize(QSize *size, double *scale)
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("PNG size"));
    auto *form = new QFormLayout(&dialog);
    auto *width = new QSpinBox(&dialog);
    auto *height = new QSpinBox(&dialog);
    for (QSpinBox *box : {width, height}) {
        box->setRange(1, kMaxExportSide);
        box->setSuffix(tr(" px"));
    }
    width->setValue(size->width());
    height->setValue(size->height());
    auto *factor = new QDoubleSpinBox(&dialog);
    factor->setRange(0.25, 8.0);
    factor->setSingleStep(0.5);
    factor->setValue(*scale);
    factor->setToolTip(tr("Pixels per unit: 2 draws the same layout with twice the pixels each way"));
    form->addRow(tr("Width:"), width);
    form->addRow(tr("Height:"), height);
    form->addRow(tr("Scale factor:"), factor);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *size = QSize(width->value(), height->value());
    *scale = factor->value();
    return true;
}

void MainWindow::exportStageDataDialog()
{
    if (!m_state)
        return;
    QString filter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export the data of this stage"), StageStepper::key(m_stage),
                                                tr("CSV (*.csv);;NumPy array (*.npy)"), &filter);
    if (path.isEmpty())
        return;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("csv") && suffix != QLatin1String("npy"))
        path += filter.contains(QLatin1String("npy")) ? QStringLiteral(".npy") : QStringLiteral(".csv");
    QString error;
    if (!exportStageData(path, &error))
        showError(error);
    else
        statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::exportAllStagesDialog()
{
    if (!m_state)
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for q, k, v, scores, scaled, masked, weights, output (.npy)"));
    if (dir.isEmpty())
        return;
    QString error;
    if (!exportAllStages(dir, &error))
        showError(error);
    else
        statusBar()->showMessage(tr("Exported 8 stages to %1").arg(QDir::toNativeSeparators(dir)), 5000);
}

void MainWindow::exportAllHeadsDialog()
{
    if (!m_state)
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the weights of every head (PNG and .npy)"));
    if (dir.isEmpty())
        return;
    const int heads = int(m_state->setup->inputs.q.size());
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
        statusBar()->showMessage(tr("Exported %1 heads to %2").arg(heads).arg(QDir::toNativeSeparators(dir)), 5000);
    else if (cancelled)
        statusBar()->showMessage(error, 8000);
    else
        showError(error);
}

void MainWindow::exportFramesDialog()
{
    if (!m_state)
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the numbered stage frames (PNG)"));
    if (dir.isEmpty())
        return;
    QString error;
    if (!exportFrames(dir, &error))
        showError(error);
    else
        statusBar()->showMessage(tr("Exported %1 frames to %2").arg(StageStepper::kCount).arg(QDir::toNativeSeparators(dir)), 5000);
}

} // namespace attnscope
