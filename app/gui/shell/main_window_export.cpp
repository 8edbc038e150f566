// MainWindow: File → Export. Picture… (PNG at a size and scale factor, SVG, PDF), Copy Picture
// and Data… (CSV or .npy) act on the page shown and are disabled when it has nothing to export;
// the page adds its own entries below them (every stage, every head, frames, the grid of heads,
// every layer and head of a bundle). The menu actions only ask for paths; the pages' export
// functions take paths and are what the tests call. Every export is all-or-nothing.

#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QStatusBar>

#include "picture_export.h"

namespace attnscope {

void MainWindow::createExportMenu(QMenu *file)
{
    m_exportMenu = file->addMenu(tr("E&xport"));
    m_exportMenu->setObjectName("exportMenu");
    m_exportPicture = m_exportMenu->addAction(tr("&Picture…"), this, &MainWindow::exportPictureDialog);
    m_exportPicture->setShortcut(QKeySequence(tr("Ctrl+E")));
    m_exportPicture->setToolTip(tr("The shown tab's main view as PNG, SVG or PDF, with its title, labels and colour scale"));
    m_copyPicture = m_exportMenu->addAction(tr("&Copy Picture"), this, [this] { copyPicture(); });
    m_copyPicture->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    m_exportData = m_exportMenu->addAction(tr("&Data…"), this, &MainWindow::exportDataDialog);
    m_exportData->setToolTip(tr("The shown tab's main matrix as CSV or a NumPy array"));
}

bool MainWindow::exportPicture(const QString &path, QSize size, double scale, QString *error)
{
    Page *p = currentPage();
    return p && p->exportPicture(path, size, scale, error);
}

bool MainWindow::exportData(const QString &path, QString *error)
{
    Page *p = currentPage();
    return p && p->exportData(path, error);
}

bool MainWindow::copyPicture()
{
    Page *p = currentPage();
    const QImage image = p ? p->renderPicture(p->defaultPictureSize(), 2.0) : QImage();
    if (image.isNull())
        return false;
    QGuiApplication::clipboard()->setImage(image);
    statusBar()->showMessage(tr("Copied a %1 × %2 picture to the clipboard").arg(image.width()).arg(image.height()), 5000);
    return true;
}

void MainWindow::exportPictureDialog()
{
    Page *p = currentPage();
    if (!p || !p->exports().testFlag(Page::Export::Picture))
        return;
    QString path;
    QSize size = p->defaultPictureSize();
    double scale = 2.0;
    if (!askPicturePath(this, tr("Export picture"), &path, &size, &scale))
        return;
    QString error;
    if (!p->exportPicture(path, size, scale, &error))
        showError(error);
    else
        statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::exportDataDialog()
{
    Page *p = currentPage();
    if (!p || !p->exports().testFlag(Page::Export::Data))
        return;
    QString filter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export the data shown"), p->key(),
                                                tr("CSV (*.csv);;NumPy array (*.npy)"), &filter);
    if (path.isEmpty())
        return;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("csv") && suffix != QLatin1String("npy"))
        path += filter.contains(QLatin1String("npy")) ? QStringLiteral(".npy") : QStringLiteral(".csv");
    QString error;
    if (!p->exportData(path, &error))
        showError(error);
    else
        statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 5000);
}

} // namespace attnscope
