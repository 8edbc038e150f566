// MainWindow: sessions (.attnscope files), unsaved-change tracking and crash recovery.

#include "main_window.h"

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
#include <QUndoStack>

#include <qcustomplot.h>

#include "attention_page.h"
#include "controls_panel.h"
#include "heatmap_view.h"
#include "image_page.h"
#include "session_values.h"
#include "stage_stepper.h"

namespace attnscope {
namespace {

void addPageSettings(SessionState &s, const PageSettings &page)
{
    for (auto it = page.constBegin(); it != page.constEnd(); ++it)
        s.pageSettings[it.key().toStdString()] = it.value().toStdString();
}

PageSettings pageSettingsOf(const SessionState &s)
{
    PageSettings out;
    for (const auto &[key, value] : s.pageSettings)
        out.insert(QString::fromStdString(key), QString::fromStdString(value));
    return out;
}

/// Adds the file at `path`. A copy written out from a session's embedded data is saved as that
/// session named it (`copies`): the original paths and the embedded bytes, not the temporary file.
void addInput(SessionState &s, const QHash<QString, SessionInput> &copies, const QString &path, const char *role = "")
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    SessionInput in = copies.value(absolute);
    if (!copies.contains(absolute)) {
        in.name = QFileInfo(path).fileName().toStdString();
        in.absolutePath = absolute.toStdString();
    }
    in.role = role;
    s.inputs.push_back(std::move(in));
}

/// The usable paths of a session's inputs (materializeInputs), sorted by role.
struct InputPaths {
    QStringList primary;
    QString overlayImage, secondInput;
};

InputPaths byRole(const SessionState &s, const std::vector<std::string> &paths)
{
    InputPaths out;
    for (std::size_t i = 0; i < s.inputs.size(); ++i) {
        const QString path = QString::fromStdString(paths[i]);
        if (s.inputs[i].role == kSessionRoleOverlayImage)
            out.overlayImage = path;
        else if (s.inputs[i].role == kSessionRoleSecondInput)
            out.secondInput = path;
        else
            out.primary << path;
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
                         MainWindow::tr("cannot create a temporary folder for the session's inputs").toStdString());
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
    const ControlValues v = m_controls->values();
    s.inputKind = m_inputKind;
    s.text = v.text.toStdString();
    s.context = v.context.toStdString();
    s.cross = v.cross;
    for (const QString &path : m_inputPaths)
        addInput(s, m_sessionCopies, path);
    // The secondary inputs belong to the bundle; primary files come first, as older readers expect.
    if (m_inputKind == SessionState::InputKind::Bundle) {
        if (!m_overlayImagePath.isEmpty() && m_imagePage->hasBundle())
            addInput(s, m_sessionCopies, m_overlayImagePath, kSessionRoleOverlayImage);
        if (!m_attentionPage->secondInputPath().isEmpty())
            addInput(s, m_sessionCopies, m_attentionPage->secondInputPath(), kSessionRoleSecondInput);
    }
    s.dModel = v.dModel;
    s.dHead = v.dHead;
    s.heads = v.heads;
    s.head = v.head;
    s.seed = v.seed;
    s.scaleMode = scaleChoices().atIndex(v.scaleMode);
    s.customScale = v.customScale;
    s.temperature = v.temperature;
    s.maskMode = maskChoices().atIndex(v.maskMode);
    s.paddedKeys = std::vector<int>(v.paddedKeys.begin(), v.paddedKeys.end());
    s.stage = m_stage;
    s.selectedQuery = m_selectedQuery;
    s.selectedRow = m_selRow;
    s.selectedCol = m_selCol;
    s.colormap = colormapChoices().nameOf(chosenColormap()).toStdString();
    s.reduction = chosenReduction();
    s.tab = m_tabs->currentIndex();
    addPageSettings(s, m_attentionPage->settings());
    addPageSettings(s, m_imagePage->settings());
    const QCPRange x = m_views[0]->plot()->xAxis->range(), y = m_views[0]->plot()->yAxis->range();
    if (m_state) {
        s.zoomX = SessionState::Range{x.lower, x.upper};
        s.zoomY = SessionState::Range{y.lower, y.upper};
    }
    return s;
}

bool MainWindow::applySession(const SessionState &state, QString *error)
{
    // Inputs first (they may fix the head count), then the parameters, then the view.
    m_restoring = true;
    QStringList warnings;
    QString message;
    if (!openSessionInputs(state, &warnings, &message)) {
        m_restoring = false;
        if (error)
            *error = message;
        else
            showError(message);
        return false;
    }
    applySessionControls(state);
    // After the inputs, whose sizes bound the pages' layers, heads and patches, and after the
    // overlay image and second input, which make image.mode = bundle and
    // attention.differenceSource = second available.
    const PageSettings pages = pageSettingsOf(state);
    warnings << m_attentionPage->applySettings(pages);
    warnings << m_imagePage->applySettings(pages);
    m_restoring = false;
    m_undo->clear();
    applySessionView(state, &warnings);
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
    // Each input opens as the kind the session recorded, as it was opened then.
    bool ok = true;
    switch (state.inputKind) {
    case SessionState::InputKind::Text:
        m_fileSetup.reset();
        m_controls->setTextMode(true);
        setPrimaryInput(SessionState::InputKind::Text, {});
        break;
    case SessionState::InputKind::Files:
        ok = paths.primary.size() == 1 ? openExplorerInput(paths.primary.first(), error, true)
                                       : openTensorFiles(paths.primary, error);
        break;
    case SessionState::InputKind::Bundle:
        ok = !paths.primary.isEmpty() && openAttention(paths.primary.first(), error);
        break;
    case SessionState::InputKind::Image:
        ok = !paths.primary.isEmpty() && openImage(paths.primary.first(), error);
        break;
    }
    if (!ok && error->isEmpty())
        *error = tr("the session names no input file");
    if (!ok)
        return false; // the window, and the copies of the session it shows, stay as they were
    // Nothing of an earlier session stays: its second input would be saved into this one, from
    // copies in a folder that is about to go.
    if (paths.secondInput.isEmpty())
        m_attentionPage->closeSecondBundle();
    m_sessionTemp = std::move(usable->dir);
    m_sessionCopies = std::move(usable->copies);
    if (m_inputKind == SessionState::InputKind::Bundle) // opened as a bundle, not only named one
        *warnings = openSecondaryInputs(paths.overlayImage, paths.secondInput);
    return true;
}

/// The primary input is open; a secondary one that fails only loses its own view, so each
/// failure becomes a warning rather than an error that would throw the whole session away.
QStringList MainWindow::openSecondaryInputs(const QString &overlayImage, const QString &secondInput)
{
    QStringList warnings;
    QString message;
    const AttentionBundle *bundle = m_attentionPage->bundle();
    if (!overlayImage.isEmpty() && bundle && !showBundleOverImage(*bundle, overlayImage, &message))
        warnings << tr("The bundle cannot be shown over %1: %2").arg(QFileInfo(overlayImage).fileName(), message);
    if (!secondInput.isEmpty() && !m_attentionPage->openSecondBundle(secondInput, &message))
        warnings << tr("The second input %1 cannot be opened: %2").arg(QFileInfo(secondInput).fileName(), message);
    return warnings;
}

void MainWindow::applySessionControls(const SessionState &state)
{
    ControlValues v;
    v.text = QString::fromStdString(state.text);
    v.context = QString::fromStdString(state.context);
    v.cross = state.cross;
    v.dModel = state.dModel;
    v.dHead = state.dHead;
    v.heads = state.heads;
    v.head = state.head;
    v.seed = state.seed;
    v.scaleMode = scaleChoices().indexOf(state.scaleMode);
    v.customScale = state.customScale;
    v.temperature = state.temperature;
    v.maskMode = maskChoices().indexOf(state.maskMode);
    v.paddedKeys = QList<int>(state.paddedKeys.begin(), state.paddedKeys.end());
    m_controls->setValues(v);
    m_lastValues = m_controls->values();
}

void MainWindow::applySessionView(const SessionState &state, QStringList *notes)
{
    chooseColormap(QString::fromStdString(state.colormap), notes);
    chooseReduction(reductionChoices().nameOf(state.reduction), notes);
    m_selectedQuery = state.selectedQuery;
    m_selRow = state.selectedRow;
    m_selCol = state.selectedCol;
    m_pendingSelection = std::array<int, 3>{state.selectedQuery, state.selectedRow, state.selectedCol};
    showStage(state.stage);
    m_tabs->setCurrentIndex(tabChoices().read(QString::number(state.tab), notes));
    if (state.zoomX && state.zoomY) {
        // Applied once the recomputation is shown, after the heatmap fitted the new matrix.
        const auto zx = *state.zoomX, zy = *state.zoomY;
        connect(this, &MainWindow::stateShown, this, [this, zx, zy] {
            m_views[0]->plot()->xAxis->setRange(zx.lower, zx.upper);
            m_views[0]->plot()->yAxis->setRange(zy.lower, zy.upper);
            m_views[0]->plot()->replot();
        }, Qt::SingleShotConnection);
    }
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

ColormapId MainWindow::chosenColormap() const
{
    return colormapChoices().find(checkedName(m_colormapGroup)).value_or(colormapChoices().fallback());
}

SessionState::Reduction MainWindow::chosenReduction() const
{
    return reductionChoices().find(checkedName(m_reductionGroup)).value_or(reductionChoices().fallback());
}

} // namespace attnscope
