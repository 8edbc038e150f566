// MainWindow: opening files — File → Open, the recent files, drag and drop and the pages' own Open
// buttons — routed to the page that claims them, and recorded as the window's input, which
// sessions save.

#include "main_window.h"
#include "model_runner.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMimeData>
#include <QStatusBar>
#include <QTabWidget>

#include "memory_budget.h"
#include "settings.h"
#include "window_memory.h"

namespace attnscope {

bool MainWindow::openFile(const QString &path, QString *error)
{
    if (path.endsWith(QLatin1String(".attnscope"), Qt::CaseInsensitive))
        return openSession(path, error);
    if (isModelFolder(path)) // a dropped folder, a recent entry, --model
        return openModel(path, error);
    Page *best = nullptr;
    int claim = 0;
    for (Page *p : std::as_const(m_pages))
        if (const int c = p->claims(path); c > claim) {
            claim = c;
            best = p;
        }
    if (!checkFilesFit({path}, best, error)) // before any page reads the file
        return false;
    if (!best)
        return failOpen(tr("%1: no tab opens this kind of file").arg(QDir::toNativeSeparators(path)), error);
    PageInput input;
    input.kind = SessionState::InputKind::Files;
    input.paths = {path};
    return openOn(best, input, path, error == nullptr, error);
}

bool MainWindow::openTensorFiles(const QStringList &paths, QString *error)
{
    Page *page = pageForFiles(paths);
    if (!page)
        return failOpen(tr("no tab opens tensor files"), error);
    if (!checkFilesFit(paths, page, error))
        return false;
    PageInput input;
    input.kind = SessionState::InputKind::Files;
    input.paths = paths;
    if (!openOn(page, input, QString(), false, error))
        return false;
    m_fileName = QFileInfo(paths.value(0)).dir().dirName();
    updateTitle();
    return true;
}

bool MainWindow::openOn(Page *page, PageInput input, const QString &recent, bool interactive, QString *error)
{
    QString message;
    if (!page->openInput(input, &message))
        return failOpen(message, error);
    // A text file's words are saved as the typed sentence they became.
    if (input.kind == SessionState::InputKind::Text)
        input.paths.clear();
    if (m_modelRunner->isLoaded()) // another input replaces the model's: back to synthetic mode
        closeModel();
    m_input = input;
    for (Page *p : std::as_const(m_pages))
        if (p != page)
            p->followInput(m_input);
    if (!m_restoring && !recent.isEmpty()) // a session's inputs may be temporary copies
        addRecentFile(recent);
    setModified(true);
    m_tabs->setCurrentWidget(page);
    m_fileName = QFileInfo(input.paths.value(0, recent)).fileName();
    updateTitle();
    if (interactive)
        for (Page *p : std::as_const(m_pages))
            p->askAfterOpen(m_input);
    return true;
}

bool MainWindow::openBundleWithImage(const QString &bundlePath, const QString &imagePath, QString *error)
{
    QString message;
    if (!openFile(bundlePath, &message))
        return failOpen(message, error);
    Page *taker = nullptr;
    const QStringList problems = openRoleOnPages(QString::fromLatin1(kSessionRoleOverlayImage), imagePath, &taker);
    if (!taker)
        return failOpen(problems.value(0, tr("%1 is not a bundle whose keys are image patches").arg(QDir::toNativeSeparators(bundlePath))),
                        error);
    m_tabs->setCurrentWidget(taker);
    return true;
}

QStringList MainWindow::openRoleOnPages(const QString &role, const QString &path, Page **taker)
{
    QStringList problems;
    for (Page *p : std::as_const(m_pages)) {
        QString message;
        if (p->openRole(role, path, &message)) {
            if (taker)
                *taker = p;
            setModified(true);
            return {};
        }
        if (!message.isEmpty())
            problems << message;
    }
    return problems;
}

Page *MainWindow::pageForKind(SessionState::InputKind kind) const
{
    for (Page *p : m_pages)
        if (p->opensKind(kind))
            return p;
    return nullptr;
}

bool MainWindow::setLayerHead(int layer, int head, QString *error)
{
    for (Page *p : std::as_const(m_pages)) {
        QString message;
        if (!p->setLayerHead(layer, head, &message)) {
            if (error)
                *error = message;
            else
                statusBar()->showMessage(message, 10000);
            return false;
        }
    }
    return true;
}

Page *MainWindow::pageForFiles(const QStringList &paths) const
{
    for (Page *p : m_pages)
        if (p->takesFiles(paths))
            return p;
    return pageForKind(SessionState::InputKind::Files);
}

bool MainWindow::checkFilesFit(const QStringList &paths, Page *page, QString *error)
{
    std::uint64_t bytes = 0;
    if (const auto own = page ? page->bytesToOpen(paths) : std::nullopt)
        bytes = *own;
    else
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

void MainWindow::openDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open"), QString(),
        tr("Text, tensors, bundles, images and sessions (*.txt *.npy *.npz *.safetensors *.csv *.tsv *.png *.jpg *.jpeg *.bmp "
           "*.gif *.attnscope);;All files (*)"));
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
