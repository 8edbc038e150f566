// MainWindow: opening files — File → Open, the recent files, drag and drop and the tabs' own Open
// buttons — and recording what was opened as the window's input, which sessions save.

#include "main_window.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QTabWidget>

#include "attention_page.h"
#include "bundle.h"
#include "explorer_files.h"
#include "image_page.h"
#include "memory_budget.h"
#include "settings.h"
#include "window_memory.h"

namespace attnscope {
namespace {

/// Whether File → Open shows `path` in the Imported attention tab: a bundle, or a tensor file of
/// attention weights. A bare .npy of one layer and one head is left to the explorer.
bool opensAsAttention(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "npz" && suffix != "safetensors" && suffix != "npy")
        return false;
    auto bundle = readAttentionBundle(path.toStdString());
    return bundle.ok() && (suffix != "npy" || bundle->attentions.shape[0] > 1 || bundle->attentions.shape[1] > 1);
}

} // namespace

bool MainWindow::openFile(const QString &path, QString *error)
{
    static const QStringList imageSuffixes = {"png", "jpg", "jpeg", "bmp", "gif", "ppm", "pgm", "pbm", "webp", "tif", "tiff"};
    if (path.endsWith(QLatin1String(".attnscope"), Qt::CaseInsensitive))
        return openSession(path, error);
    if (imageSuffixes.contains(QFileInfo(path).suffix().toLower()))
        return openImage(path, error);
    if (!checkFilesFit({path}, error)) // before opensAsAttention reads the file
        return false;
    if (opensAsAttention(path))
        return openAttention(path, error);
    return openExplorerInput(path, error);
}

bool MainWindow::checkFilesFit(const QStringList &paths, QString *error)
{
    std::uint64_t bytes = 0;
    for (const QString &path : paths)
        bytes = satAdd(bytes, fileBytes(path.toStdString()));
    const QString what = paths.size() == 1 ? QFileInfo(paths.first()).fileName()
                                           : tr("%1 and %2 more files").arg(QFileInfo(paths.first()).fileName()).arg(paths.size() - 1);
    if (auto fits = checkWindowBudget(bytes, what.toStdString()); !fits)
        return failOpen(tr("%1 to be shown; the window keeps its present input.").arg(QString::fromStdString(fits.error().message)),
                        error);
    return true;
}

bool MainWindow::failOpen(const QString &message, QString *error)
{
    if (error)
        *error = message;
    else
        showError(message);
    return false;
}

void MainWindow::adoptInput(SessionState::InputKind kind, const QString &path, Tab tab)
{
    if (!m_restoring) // a session's inputs may be temporary copies; the session itself is listed
        addRecentFile(path);
    // A text file's words are saved as the typed sentence they became.
    setPrimaryInput(kind, kind == SessionState::InputKind::Text ? QStringList() : QStringList{path});
    setModified(true);
    m_tabs->setCurrentIndex(tab);
    m_fileName = QFileInfo(path).fileName();
    updateTitle();
}

void MainWindow::useFileSetup(std::shared_ptr<const ExplorerSetup> setup)
{
    m_fileSetup = std::move(setup);
    m_controls->setTextMode(false);
    recompute();
}

bool MainWindow::openImage(const QString &path, QString *error)
{
    QString message;
    if (!m_imagePage->openImage(path, &message))
        return failOpen(message, error);
    adoptInput(SessionState::InputKind::Image, path, ImageTab);
    return true;
}

bool MainWindow::openAttention(const QString &path, QString *error)
{
    QString message;
    if (!checkFilesFit({path}, error))
        return false;
    if (!m_attentionPage->openBundle(path, &message))
        return failOpen(message, error);
    adoptInput(SessionState::InputKind::Bundle, path, AttentionTab);
    // With q, k and v the explorer shows the stages of the bundle's last layer too.
    if (auto opened = openExplorerFile(path.toStdString()); opened && opened->setup)
        useFileSetup(opened->setup);
    if (!error)
        offerBundleImage(path);
    return true;
}

void MainWindow::offerBundleImage(const QString &bundlePath)
{
    const AttentionBundle *bundle = m_attentionPage->bundle();
    if (!bundle || bundle->gridRows < 1)
        return;
    const QString image = QFileDialog::getOpenFileName(
        this, tr("The image of this bundle (%1 × %2 patches)").arg(bundle->gridRows).arg(bundle->gridCols),
        QFileInfo(bundlePath).path(), tr("Images (*.png *.jpg *.jpeg *.bmp *.gif)"));
    QString message;
    if (!image.isEmpty() && !showBundleOverImage(*bundle, image, &message))
        showError(message);
}

bool MainWindow::openExplorerInput(const QString &path, QString *error, bool tensorsOnly)
{
    if (!checkFilesFit({path}, error))
        return false;
    auto opened = openExplorerFile(path.toStdString());
    if (!opened)
        return failOpen(QString::fromStdString(opened.error().message), error);
    if (!opened->setup && tensorsOnly)
        return failOpen(tr("%1 is not a tensor file with q, k, v (or x, wq, wk, wv) arrays, which the session names it as")
                            .arg(QDir::toNativeSeparators(path)),
                        error);
    if (!opened->setup) {
        setSentence(QString::fromStdString(opened->sentence));
        adoptInput(SessionState::InputKind::Text, path, ExplorerTab);
        return true;
    }
    adoptInput(SessionState::InputKind::Files, path, ExplorerTab);
    useFileSetup(opened->setup);
    return true;
}

bool MainWindow::openBundleWithImage(const QString &bundlePath, const QString &imagePath, QString *error)
{
    QString message;
    if (!openAttention(bundlePath, &message) || !showBundleOverImage(*m_attentionPage->bundle(), imagePath, &message))
        return failOpen(message, error);
    m_tabs->setCurrentIndex(ImageTab);
    return true;
}

void MainWindow::setPrimaryInput(SessionState::InputKind kind, const QStringList &paths)
{
    m_inputKind = kind;
    m_inputPaths = paths;
    m_overlayImagePath.clear();
}

bool MainWindow::showBundleOverImage(const AttentionBundle &bundle, const QString &imagePath, QString *error)
{
    if (!m_imagePage->showBundleOverlay(bundle, imagePath, error))
        return false;
    m_overlayImagePath = imagePath;
    return true;
}

bool MainWindow::openTensorFiles(const QStringList &paths, QString *error)
{
    if (!checkFilesFit(paths, error))
        return false;
    std::vector<std::string> files;
    for (const QString &p : paths)
        files.push_back(p.toStdString());
    auto setup = setupFromRoleFiles(files);
    if (!setup)
        return failOpen(QString::fromStdString(setup.error().message), error);
    m_fileName = QFileInfo(paths.value(0)).dir().dirName();
    setPrimaryInput(SessionState::InputKind::Files, paths);
    setModified(true);
    updateTitle();
    useFileSetup(std::make_shared<const ExplorerSetup>(std::move(setup.value())));
    return true;
}

void MainWindow::openDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open"), QString(),
        tr("Text, tensors, bundles and images (*.txt *.npy *.npz *.safetensors *.csv *.tsv *.png *.jpg *.jpeg *.bmp *.gif);;"
           "All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::openTensorsDialog()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open Q, K, V (or X, Wq, Wk, Wv) — files named after their role"), QString(),
        tr("Tensors (*.npy *.npz *.safetensors *.csv *.tsv);;All files (*)"));
    if (!paths.isEmpty())
        openTensorFiles(paths);
}

void MainWindow::addRecentFile(const QString &path)
{
    QStringList recent = Settings::value(Settings::Key::RecentFiles).toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    recent.removeAll(abs);
    recent.prepend(abs);
    while (recent.size() > Settings::kMaxRecentFiles)
        recent.removeLast();
    Settings::setValue(Settings::Key::RecentFiles, recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = Settings::value(Settings::Key::RecentFiles).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    const auto isImage = [](const QString &p) {
        return QStringList{"png", "jpg", "jpeg", "bmp", "gif"}.contains(QFileInfo(p).suffix().toLower());
    };
    if (paths.size() == 2 && isImage(paths[0]) != isImage(paths[1]))
        openBundleWithImage(isImage(paths[0]) ? paths[1] : paths[0], isImage(paths[0]) ? paths[0] : paths[1]);
    else if (paths.size() == 1)
        openFile(paths.first());
    else if (paths.size() > 1)
        openTensorFiles(paths);
    event->acceptProposedAction();
}

} // namespace attnscope
