#pragma once

#include <QMainWindow>

#include <functional>
#include <map>
#include <memory>

#include <QHash>
#include <QPalette>
#include <QPointer>
#include <QStringList>

#include <utility>
#include <vector>

#include "page.h"
#include "session_file.h"

class QAction;
class QActionGroup;
class QLabel;
class QLockFile;
class QMenu;
class QPushButton;
class QTabWidget;
class QTemporaryDir;
class QTimer;
class QToolBar;
class QUndoGroup;

namespace attnscope {

class Lesson;
class ModelRunner;
struct AttentionBundle;

/// Whether `path` is a folder with a config.json: a Hugging Face model folder.
bool isModelFolder(const QString &path);

/// The window: a shell around the pages (app/gui/pages.cpp registers them), one per tab. It
/// routes File → Open, drops, recent files, sessions, exports, the View menu and shortcuts to
/// the page shown (or, for opening, to the page that claims the file), shows that page's docks,
/// menus and undo history, and disables what that page cannot do. It holds no page's state: the
/// window's input (what sessions save) and the session, recovery and limits bookkeeping.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // ---- the pages ----
    const QList<Page *> &pages() const { return m_pages; }
    Page *currentPage() const;
    /// The page whose key() is `key`, or null.
    Page *page(const QString &key) const;
    template <class P>
    P *page() const
    {
        for (Page *p : m_pages)
            if (auto *typed = qobject_cast<P *>(p))
                return typed;
        return nullptr;
    }
    /// Shows the page `key`; false when there is none.
    bool showPage(const QString &key);
    QTabWidget *tabs() const { return m_tabs; }
    QUndoGroup *undoGroup() const { return m_undo; }

    // ---- opening (main_window_open.cpp) ----
    /// Opens `path` on the page that claims it most (an image: the Image tab; a bundle or a tensor
    /// of attention weights: the Imported attention tab; text and tensor files: the Explorer) and
    /// makes it the window's input; a .attnscope file is opened as a session. Given `error`, shows
    /// no dialog and puts the message there.
    bool openFile(const QString &path, QString *error = nullptr);
    /// Opens several tensor files named after their role (q.npy, k.npy, v.npy, x.npy, wq.npy …).
    bool openTensorFiles(const QStringList &paths, QString *error = nullptr);
    /// Opens a bundle whose keys are image patches and shows it over `imagePath` (role
    /// "overlayImage"). Never asks for a file.
    bool openBundleWithImage(const QString &bundlePath, const QString &imagePath, QString *error = nullptr);
    /// The window's input: what sessions save.
    const PageInput &input() const { return m_input; }
    /// Sets the layer and head of every page that shows one (--layer, --head; -1 keeps it).
    bool setLayerHead(int layer, int head, QString *error = nullptr);

    // ---- a Hugging Face model (main_window_model.cpp; docs/models.md) ----
    /// Loads the model folder `dir` (File → Open Model…, a dropped folder, --model) with progress
    /// and cancel, and runs it on the Explorer's sentence (text models). The status bar's model
    /// line names it; the Explorer's sentence box then feeds it. On failure the model before stays.
    bool openModel(const QString &dir, QString *error = nullptr);
    /// Runs the open model on `text`, or on the image at `imagePath` (vit), and waits until every
    /// page shows the result.
    bool runModel(const QString &text, const QString &imagePath, QString *error = nullptr);
    /// Back to synthetic mode: the model is let go, the Explorer computes the sentence again.
    void closeModel();
    ModelRunner *modelRunner() const { return m_modelRunner; }
    QLabel *modelLine() const { return m_modelLabel; }

    // ---- sessions (main_window_session.cpp; docs/session-format.md) ----
    /// The whole state as a session, and back. applySession reports missing inputs by name and
    /// keeps the window as it was on failure; a secondary input that is found but cannot be shown
    /// only costs its view (a status-bar warning).
    SessionState captureSession() const;
    bool applySession(const SessionState &state, QString *error = nullptr);
    bool saveSessionTo(const QString &path, QString *error = nullptr);
    bool openSession(const QString &path, QString *error = nullptr);
    bool isModified() const { return m_modified; }

    // ---- crash recovery (main_window_recovery.cpp) ----
    // Each window autosaves its unsaved work every 30 s to its own file,
    // autosave-<process id>-<n>.attnscope in autosaveFolder(), and holds that file's lock
    // (<file>.lock, a QLockFile) while it lives; a normal close or a save deletes the file. A file
    // whose lock nobody holds was left by a window that crashed.
    /// The folder of every window's crash-recovery copy.
    static QString autosaveFolder();
    /// This window's crash-recovery copy.
    QString autosavePath() const { return m_autosavePath; }
    /// Writes the crash-recovery copy now, when there are unsaved changes; the timer calls it.
    /// Once written, a restored copy (offerRecovery) is no longer needed and is deleted.
    void autosave();
    /// Offers, one by one, to restore the copies left by windows that crashed (their lock is not
    /// held); the copies of live windows are never touched. Yes: the first one is restored and
    /// kept (and locked by this window) until this window saves or autosaves; No: it is deleted.
    /// A copy that cannot be opened is renamed to <file>.unreadable, kept but not offered again.
    void offerRecovery();
    /// Replaces the question offerRecovery asks (tests); `ask(path)` returns Yes.
    void setRecoveryQuestion(std::function<bool(const QString &path)> ask) { m_askRecovery = std::move(ask); }
    /// The restored copy kept until this window saves or autosaves, or empty.
    QString recoveredPath() const { return m_recoveredPath; }

    // ---- exports of the shown page (main_window_export.cpp) ----
    /// Picture… and Data… of File → Export, without their dialogs: the shown page's exports.
    bool exportPicture(const QString &path, QSize size, double scale = 1.0, QString *error = nullptr);
    bool exportData(const QString &path, QString *error = nullptr);
    /// Puts the shown page's picture, at its size on screen and 2×, on the clipboard.
    bool copyPicture();
    /// The window-wide view options (View → Colour map, When cells are smaller than a pixel).
    ViewOptions viewOptions() const;
    /// Checks the colour map (reduction) named `name`, or the table's fallback with a note in
    /// `notes` naming the ignored value (session_values.h); every page that honours it follows.
    void chooseColormap(const QString &name, QStringList *notes = nullptr);
    void chooseReduction(const QString &name, QStringList *notes = nullptr);
    /// View → Numbers in cells (remembered; on by default): every page that honours it follows.
    void setNumbersInCells(bool on);
    /// View → Weights colour scale: fixed 0–1 (true) or each view its own range (remembered;
    /// per view by default). Presenter mode may turn it on.
    void setFixedWeightScale(bool on);

    // ---- the guided lesson (main_window_lesson.cpp; README, "Teaching with AttnScope") ----
    /// Opens the built-in lesson at `step` (1-based), or goes there when one is open, and
    /// remembers the step. False with a message (and nothing changed) when `step` is not within
    /// 1 … the number of steps; given `error`, no dialog.
    bool openLesson(int step, QString *error = nullptr);
    /// Closes the lesson (its card goes; the window stays as the last step set it).
    void closeLesson();
    /// The open lesson, or null.
    Lesson *lesson() const { return m_lesson; }
    /// The step Help → Lesson opens at: the one shown last, 1 at first.
    static int rememberedLessonStep();

    // ---- presenter mode and a clicker's keys (main_window_presenter.cpp) ----
    /// Presenter mode (F5, --presenter): full screen on the window's screen, every text scaled
    /// together by presenterScale() of that screen (shrunk further until the window's minimum fits
    /// it), high contrast on, the docks a page does not mark for presenting hidden, the toolbar
    /// reduced to Play, Blank screen and Leave. Leaving restores the geometry, the window state,
    /// the docks and the high-contrast choice from before.
    bool presenterMode() const { return m_presenter; }
    void setPresenterMode(bool on);
    /// The factor text is scaled by now (1 outside presenter mode).
    double textScale() const { return m_textScale; }
    /// The factor presenter mode starts from on a screen of `size`, for text whose lines are
    /// `lineHeight` pixels high: a line about 1/36 of the screen's height.
    static double presenterScale(QSize size, int lineHeight);
    /// High contrast (View menu): black on white, bolder text, thicker selection outlines.
    bool highContrast() const;
    void setHighContrast(bool on);
    /// Page Down / Page Up: the next / previous step. Today the Explorer's stage; a lesson, once
    /// open, goes first (the one place for it is marked in stepForward()).
    void stepForward();
    void stepBack();
    /// Space: Play or Pause on the Explorer.
    void togglePlay();
    /// B or . : a black screen over the whole window; any key or click brings the window back.
    void setBlanked(bool on);
    bool isBlanked() const;
    /// Whether `w` takes typed text (a line edit, spin box, editable text, a table's cell editor):
    /// the clicker's keys then go to it.
    static bool takesText(const QWidget *focus);

signals:
    /// A page has shown a result (tests and --screenshot wait for it).
    void shown();
    /// An error was shown: in a dialog, or in the status bar for an input refused for the memory
    /// budget and a computation that failed (--screenshot ends on it with the message).
    void errorShown(const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void addPage(Page *page);
    void onPageChanged();
    void updateCapabilities();
    void createMenus();
    void createViewMenu();
    void createCellViewActions();
    void showError(const QString &message);
    /// A failure the status bar says (no dialog: typing must not pop one up per key), and errorShown.
    void reportFailure(const QString &message);
    void fitDocksToWidth();
    /// Shows the shown page's docks (in presenter mode only those marked for it), hides the rest.
    void showPageDocks();
    void createPresenterActions();
    /// Sets the application's font to the window's first one × `scale` (bolder with high contrast),
    /// and scales the widgets that set their own font the same way.
    void applyTextScale(double scale);
    void enterPresenterMode();
    void leavePresenterMode();
    void fitToScreen();
    void restoreSettings();
    void saveSettings();
    void setModified(bool modified);
    void updateTitle();

    // opening (main_window_open.cpp)
    /// Opens `input` on `page` and makes it the window's input (recent file `recent`, unless empty).
    bool openOn(Page *page, PageInput input, const QString &recent, bool interactive, QString *error);
    /// Puts `message` in `error`, or shows it when `error` is null; returns false.
    bool failOpen(const QString &message, QString *error);
    /// Refuses `paths` (failOpen) when what they hold does not fit the memory budget.
    /// Whether opening `paths` on `page` fits the memory budget (the page's own estimate, else
    /// the files'); false with a message naming them.
    bool checkFilesFit(const QStringList &paths, Page *page, QString *error);
    /// The page whose own inputs are of `kind`.
    Page *pageForKind(SessionState::InputKind kind) const;
    /// The page for tensor files: one that takes them ahead of their kind (too long to store),
    /// else the page of kind Files.
    Page *pageForFiles(const QStringList &paths) const;
    /// Every page that takes secondary input `role` from `path`; the warnings of those that fail.
    QStringList openRoleOnPages(const QString &role, const QString &path, Page **taker = nullptr);
    void openDialog();
    void openTensorsDialog();
    void addRecentFile(const QString &path);
    void updateRecentMenu();

    // a model (main_window_model.cpp)
    void createModelActions(QMenu *file);
    void connectModelToPages();
    bool loadModel(const QString &dir, QString *error);
    void showModelResult(std::shared_ptr<const AttentionBundle> bundle, const QString &text, const QString &imagePath);

    // sessions (main_window_session.cpp)
    bool openSessionInputs(const SessionState &state, QStringList *warnings, QString *error);
    bool saveSessionInteractive(bool askForPath);
    void createSessionActions(QMenu *file);
    /// Picks this window's autosave file and takes its lock.
    void lockAutosave();
    /// Deletes this window's copy and the restored one: the work is saved or was let go.
    void discardAutosaves();

    // the guided lesson (main_window_lesson.cpp)
    void createLessonActions(QMenu *help);

    // exports (main_window_export.cpp): the menu, and dialogs that ask for paths
    void createExportMenu(QMenu *file);
    void exportPictureDialog();
    void exportDataDialog();

    // limits (main_window_limits.cpp)
    void createCancelButton();
    void memoryBudgetDialog();
    /// Sets the process-wide budget from the settings (main.cpp's --memory-budget overrides it).
    void applyMemoryBudgetSetting();
    void threadsDialog();
    /// Sets the engine's thread count from the settings (main.cpp's --threads overrides it).
    void applyThreadsSetting();

    QList<Page *> m_pages;
    QTabWidget *m_tabs = nullptr;
    QUndoGroup *m_undo = nullptr;
    QMenu *m_fileMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_exportMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_fileActionsEnd = nullptr; ///< the page's File actions go before this separator
    QList<QAction *> m_pageExportActions; ///< the shown page's entries of File → Export
    QAction *m_exportPicture = nullptr, *m_copyPicture = nullptr, *m_exportData = nullptr;
    QAction *m_resetZoom = nullptr, *m_zoomIn = nullptr, *m_zoomOut = nullptr;
    QMenu *m_colormapMenu = nullptr, *m_reductionMenu = nullptr;
    QActionGroup *m_colormapGroup = nullptr;
    QActionGroup *m_reductionGroup = nullptr;
    QAction *m_numbersAction = nullptr;    ///< View → Numbers in cells
    QAction *m_fixedScaleAction = nullptr; ///< View → Weights colour scale → Fixed 0–1
    QAction *m_perViewScaleAction = nullptr;
    QPushButton *m_cancelButton = nullptr;
    ModelRunner *m_modelRunner = nullptr;
    Lesson *m_lesson = nullptr;
    QLabel *m_modelLabel = nullptr;
    QAction *m_modelImageAction = nullptr, *m_closeModelAction = nullptr;
    QString m_modelImagePath; ///< the image the model last ran on (vit), for sessions
    QFont m_baseFont;
    QPalette m_basePalette;
    bool m_presenter = false;
    double m_textScale = 1.0;
    bool m_highContrast = false;
    /// Before presenter mode: what leaving it restores.
    QByteArray m_savedGeometry, m_savedState;
    Qt::WindowStates m_savedWindowState;
    bool m_savedHighContrast = false;
    bool m_savedFixedWeightScale = false;
    /// The widgets that set their own font, with that font as it was before scaling.
    std::vector<std::pair<QPointer<QWidget>, QFont>> m_ownFonts;
    QWidget *m_blank = nullptr;
    QToolBar *m_mainBar = nullptr, *m_presenterBar = nullptr;
    QAction *m_presenterAction = nullptr, *m_highContrastAction = nullptr, *m_playAction = nullptr,
            *m_blankAction = nullptr, *m_stepForwardAction = nullptr, *m_stepBackAction = nullptr;
    bool m_docksTabified = false;
    bool m_firstResultShown = false; ///< the window's minimum was taken again after the first result

    PageInput m_input;          ///< the window's input: what sessions save
    QString m_fileName;         ///< the input's name, for the title
    QString m_sessionPath;      ///< the .attnscope file, once saved or opened
    bool m_modified = false;
    bool m_restoring = false;   ///< a session is being applied: nothing it sets is a change
    QTimer *m_autosaveTimer = nullptr;
    QString m_autosavePath;
    std::unique_ptr<QLockFile> m_autosaveLock;
    QString m_recoveredPath; ///< a crashed window's copy restored here, kept until saved
    std::unique_ptr<QLockFile> m_recoveredLock;
    std::function<bool(const QString &)> m_askRecovery;
    std::unique_ptr<QTemporaryDir> m_sessionTemp; ///< embedded inputs of an opened session
    /// The copies written to m_sessionTemp (by absolute path), each with the input its session
    /// named (original paths, embedded bytes), which captureSession saves in the copy's place.
    QHash<QString, SessionInput> m_sessionCopies;
    /// The parts of a session's pages this version does not have (from a later release), kept to
    /// be written back unchanged.
    std::map<std::string, QJsonObject> m_foreignPages;
};

} // namespace attnscope
