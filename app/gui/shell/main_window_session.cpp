// MainWindow: sessions (.attnscope files), unsaved-change tracking and crash recovery.

#include "explorer_page.h"
#include "main_window.h"
#include "model_runner.h"

#include <algorithm>

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include "session_values.h"

namespace attnscope {
namespace {

/// Adds the file at `path`. A copy written out from a session's embedded data is saved as that
/// session named it (`copies`): the original paths and the embedded bytes, not the temporary file.
void addInput(SessionState &s, const QHash<QString, SessionInput> &copies, const QString &path, const QString &role = {})
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    SessionInput in = copies.value(absolute);
    if (!copies.contains(absolute)) {
        in.name = QFileInfo(path).fileName().toStdString();
        in.absolutePath = absolute.toStdString();
    }
    in.role = role.toStdString();
    s.inputs.push_back(std::move(in));
}

/// The usable paths of a session's inputs (materializeInputs): the primary ones, and each
/// secondary one with its role, in the session's order.
struct InputPaths {
    QStringList primary;
    QList<QPair<QString, QString>> roles;
};

InputPaths byRole(const SessionState &s, const std::vector<std::string> &paths)
{
    InputPaths out;
    for (std::size_t i = 0; i < s.inputs.size(); ++i) {
        const QString path = QString::fromStdString(paths[i]);
        if (s.inputs[i].role.empty())
            out.primary << path;
        else
            out.roles.append({QString::fromStdString(s.inputs[i].role), path});
    }
    return out;
}

/// Input `i` as its session names it, to be saved again in place of its temporary copy. Given
/// only `relative`, it gets the absolute path that meant, since a save recomputes `relative`
/// for the new session file's folder.
SessionInput originalInput(const SessionState &s, std::size_t i)
{
    SessionInput in = s.inputs[i];
    if (in.absolutePath.empty() && !s.sessionPath.empty()) {
        const QDir folder = QFileInfo(QString::fromStdString(s.sessionPath)).absoluteDir();
        in.absolutePath = QDir::cleanPath(folder.filePath(QString::fromStdString(in.relativePath))).toStdString();
    }
    return in;
}

/// A session's inputs made usable: each file on disk, or its embedded copy written into `dir`;
/// `copies` maps each copy's absolute path to the input it stands for (originalInput).
struct UsableInputs {
    InputPaths paths;
    std::unique_ptr<QTemporaryDir> dir; ///< null when the session has no inputs
    QHash<QString, SessionInput> copies;
};

Result<UsableInputs> makeUsable(const SessionState &s)
{
    UsableInputs out;
    if (s.inputs.empty())
        return out;
    out.dir = std::make_unique<QTemporaryDir>();
    if (!out.dir->isValid())
        return makeError(Error::Code::WriteFailed,
                         QObject::tr("cannot create a temporary folder for the session's inputs").toStdString());
    auto resolved = materializeInputs(s, out.dir->path().toStdString());
    if (!resolved)
        return resolved.error();
    const QString inTemp = QDir(out.dir->path()).absolutePath() + QLatin1Char('/');
    for (std::size_t i = 0; i < s.inputs.size(); ++i) {
        const QString path = QFileInfo(QString::fromStdString((*resolved)[i])).absoluteFilePath();
        if (path.startsWith(inTemp))
            out.copies.insert(path, originalInput(s, i));
    }
    out.paths = byRole(s, *resolved);
    return out;
}

} // namespace

void MainWindow::createSessionActions(QMenu *file)
{
    QAction *open = file->addAction(tr("Open &Session…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), QString(), tr("AttnScope sessions (*.attnscope)"));
        if (!path.isEmpty())
            openSession(path);
    });
    open->setToolTip(tr("Restore a saved window: inputs, parameters, stage, selection and view"));
    QAction *save = file->addAction(tr("&Save Session"), this, [this] { saveSessionInteractive(false); });
    save->setShortcut(QKeySequence::Save);
    QAction *saveAs = file->addAction(tr("Save Session &As…"), this, [this] { saveSessionInteractive(true); });
    saveAs->setShortcut(QKeySequence::SaveAs);
    lockAutosave();
    m_autosaveTimer = new QTimer(this);
    m_autosaveTimer->setInterval(30000);
    connect(m_autosaveTimer, &QTimer::timeout, this, &MainWindow::autosave);
    m_autosaveTimer->start();
}

SessionState MainWindow::captureSession() const
{
    SessionState s;
    s.inputKind = m_input.kind;
    if (m_input.kind == SessionState::InputKind::Model) { // a folder: referred to, never embedded
        s.modelDir = m_modelRunner->dir().toStdString();
        s.modelImage = m_modelImagePath.toStdString();
    } else {
        for (const QString &path : m_input.paths)
            addInput(s, m_sessionCopies, path);
    }
    // The secondary inputs belong to the bundle; primary files come first, as readers expect.
    if (m_input.kind == SessionState::InputKind::Bundle) {
        QList<QPair<QString, QString>> roles;
        for (const Page *p : m_pages)
            roles += p->roleInputs();
        // In the order docs/session-format.md lists the roles, whatever the order of the pages.
        const QStringList order = {QString::fromLatin1(kSessionRoleOverlayImage), QString::fromLatin1(kSessionRoleSecondInput)};
        std::stable_sort(roles.begin(), roles.end(), [&order](const auto &a, const auto &b) {
            return order.indexOf(a.first) < order.indexOf(b.first);
        });
        for (const auto &[role, path] : roles)
            addInput(s, m_sessionCopies, path, role);
    }
    if (const Page *p = currentPage())
        s.page = p->key().toStdString();
    s.colormap = colormapChoices().nameOf(viewOptions().colormap).toStdString();
    s.reduction = viewOptions().reduction == Reduction::Mean ? SessionState::Reduction::Mean : SessionState::Reduction::Max;
    s.pages = m_foreignPages; // the parts of pages this version does not have, written back as read
    for (const Page *p : m_pages)
        s.pages[p->key().toStdString()] = p->saveState();
    return s;
}

bool MainWindow::applySession(const SessionState &state, QString *error)
{
    // Inputs first (they fix the pages' layers, heads and patches), then each page's part, then
    // the window's view.
    m_restoring = true;
    QStringList warnings;
    QString message;
    if (!openSessionInputs(state, &warnings, &message)) {
        m_restoring = false;
        return failOpen(message, error);
    }
    // The window's view options first: a page's own part (the Image tab's colour box) may differ.
    chooseColormap(QString::fromStdString(state.colormap), &warnings);
    chooseReduction(reductionChoices().nameOf(state.reduction), &warnings);
    for (Page *p : std::as_const(m_pages))
        p->setViewOptions(viewOptions());
    m_foreignPages = state.pages;
    for (Page *p : std::as_const(m_pages)) {
        m_foreignPages.erase(p->key().toStdString());
        if (auto it = state.pages.find(p->key().toStdString()); it != state.pages.end())
            warnings << p->restoreState(it->second);
    }
    if (state.inputKind == SessionState::InputKind::Model) { // the sentence is the Explorer's, restored above
        const QString text = QString::fromStdString(page<ExplorerPage>()->model()->params().text);
        if (!runModel(m_modelRunner->folder().model->info().image ? QString() : text, QString::fromStdString(state.modelImage), &message))
            warnings << message;
    }
    if (!showPage(QString::fromStdString(state.page)))
        warnings << tr("window.page \"%1\" is not a tab of this version; showing %2")
                        .arg(QString::fromStdString(state.page), currentPage()->key());
    m_restoring = false;
    if (!warnings.isEmpty())
        statusBar()->showMessage(warnings.join(QStringLiteral("; ")), 15000);
    return true;
}

bool MainWindow::openSessionInputs(const SessionState &state, QStringList *warnings, QString *error)
{
    auto usable = makeUsable(state);
    if (!usable) {
        *error = QString::fromStdString(usable.error().message);
        return false;
    }
    const InputPaths &paths = usable->paths;
    // Each input opens as the kind the session recorded, on the page whose kind it is.
    PageInput input;
    input.kind = state.inputKind;
    input.paths = paths.primary;
    input.fromSession = true;
    if (state.inputKind == SessionState::InputKind::Model) {
        if (!loadModel(QString::fromStdString(state.modelDir), error))
            return false;
        input.paths = {QString::fromStdString(state.modelDir)};
        m_input = input; // the run, after the pages' parts, fills in the bundle
    } else if (state.inputKind == SessionState::InputKind::Text) {
        if (m_modelRunner->isLoaded())
            closeModel();
        m_input = input;
        for (Page *p : std::as_const(m_pages))
            p->followInput(m_input);
    } else {
        Page *page = state.inputKind == SessionState::InputKind::Files ? pageForFiles(paths.primary) : pageForKind(state.inputKind);
        if (paths.primary.isEmpty() || !page) {
            *error = tr("the session names no input file");
            return false;
        }
        if (!openOn(page, input, QString(), false, error))
            return false; // the window, and the copies of the session it shows, stay as they were
    }
    // Nothing of an earlier session stays: its second input would be saved into this one, from
    // copies in a folder that is about to go.
    for (Page *p : std::as_const(m_pages))
        p->closeRoles();
    m_sessionTemp = std::move(usable->dir);
    m_sessionCopies = std::move(usable->copies);
    // A secondary input that fails only loses its own view: a warning, not an error that would
    // throw the whole session away.
    if (m_input.kind == SessionState::InputKind::Bundle)
        for (const auto &[role, path] : paths.roles) {
            const QStringList problems = openRoleOnPages(role, path);
            const QString name = QFileInfo(path).fileName();
            for (const QString &why : problems)
                *warnings << (role == QLatin1String(kSessionRoleSecondInput) ? tr("The second input %1 cannot be opened: %2").arg(name, why)
                              : role == QLatin1String(kSessionRoleOverlayImage) ? tr("The bundle cannot be shown over %1: %2").arg(name, why)
                                                                                 : tr("%1 cannot be used: %2").arg(name, why));
        }
    return true;
}

bool MainWindow::saveSessionTo(const QString &path, QString *error)
{
    SessionState s = captureSession();
    if (auto embedded = embedInputs(s); !embedded) {
        if (error)
            *error = QString::fromStdString(embedded.error().message);
        return false;
    }
    if (auto st = saveSession(s, path.toStdString()); !st) {
        if (error)
            *error = QString::fromStdString(st.error().message);
        return false;
    }
    m_sessionPath = path;
    setModified(false);
    discardAutosaves(); // the work is in the session now
    return true;
}

bool MainWindow::saveSessionInteractive(bool askForPath)
{
    QString path = m_sessionPath;
    if (askForPath || path.isEmpty()) {
        path = QFileDialog::getSaveFileName(this, tr("Save session"), path.isEmpty() ? tr("untitled.attnscope") : path,
                                            tr("AttnScope sessions (*.attnscope)"));
        if (path.isEmpty())
            return false;
        if (!path.endsWith(".attnscope"))
            path += ".attnscope";
    }
    QString error;
    if (!saveSessionTo(path, &error)) {
        showError(error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    return true;
}

bool MainWindow::openSession(const QString &path, QString *error)
{
    auto state = loadSession(path.toStdString());
    if (!state) {
        if (error)
            *error = QString::fromStdString(state.error().message);
        else
            showError(QString::fromStdString(state.error().message));
        return false;
    }
    for (const auto &missing : missingInputs(*state))
        statusBar()->showMessage(QString::fromStdString(missing) + tr(" — using the copy saved in the session"), 10000);
    if (!applySession(*state, error))
        return false;
    m_sessionPath = path;
    setModified(false);
    if (QFileInfo(path).absolutePath() != QDir(autosaveFolder()).absolutePath())
        addRecentFile(path);
    return true;
}

void MainWindow::setModified(bool modified)
{
    if (m_modified == modified)
        return;
    m_modified = modified;
    updateTitle();
}

void MainWindow::updateTitle()
{
    QString name = m_sessionPath.isEmpty() ? m_fileName : QFileInfo(m_sessionPath).fileName();
    setWindowTitle(name.isEmpty() ? tr("AttnScope[*]") : tr("%1[*] — AttnScope").arg(name));
    setWindowModified(m_modified);
}

namespace {

/// Checks the action of `group` whose data is `name`, or the first one: the group always has a
/// checked action, which render() and captureSession() rely on.
void checkByName(QActionGroup *group, const QString &name)
{
    QAction *chosen = group->actions().first();
    for (QAction *a : group->actions())
        if (a->data().toString() == name)
            chosen = a;
    chosen->setChecked(true);
}

QString checkedName(const QActionGroup *group)
{
    const QAction *a = group->checkedAction();
    return a ? a->data().toString() : QString();
}

} // namespace

void MainWindow::chooseColormap(const QString &name, QStringList *notes)
{
    checkByName(m_colormapGroup, colormapChoices().nameOf(colormapChoices().read(name, notes)));
}

void MainWindow::chooseReduction(const QString &name, QStringList *notes)
{
    checkByName(m_reductionGroup, reductionChoices().nameOf(reductionChoices().read(name, notes)));
}

ViewOptions MainWindow::viewOptions() const
{
    ViewOptions o;
    o.colormap = colormapChoices().find(checkedName(m_colormapGroup)).value_or(colormapChoices().fallback());
    o.reduction = reductionChoices().find(checkedName(m_reductionGroup)).value_or(reductionChoices().fallback())
                          == SessionState::Reduction::Mean
                      ? Reduction::Mean
                      : Reduction::Max;
    o.numbersInCells = m_numbersAction && m_numbersAction->isChecked();
    o.fixedWeightScale = m_fixedScaleAction && m_fixedScaleAction->isChecked();
    return o;
}

} // namespace attnscope
