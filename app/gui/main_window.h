#pragma once

#include <QMainWindow>

#include <array>
#include <functional>
#include <memory>
#include <optional>

#include <QHash>
#include <QStringList>
#include <vector>

#include "attention.h"
#include "colormap.h"
#include "controls_panel.h"
#include "explorer_session.h"
#include "session_file.h"

class QImage;
class QLabel;
class QLockFile;
class QPushButton;
class QMenu;
class QActionGroup;
class QUndoStack;
class QTabWidget;
class QDockWidget;
class QTemporaryDir;
class QTimer;

namespace attnscope {

struct AttentionBundle;
class AttentionPage;
class ControlsPanel;
class ImagePage;
class DetailPanel;
class HeatmapView;
class StageStepper;
class TokenStrip;

/// The explorer window: controls on the left, the stage stepper and the stage's heatmaps in the
/// middle, the computation of the clicked cell on the right, the tinted sentence below.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens a file by its kind: an image (the Image tab), an attention bundle or bare attention
    /// tensor (the Imported attention tab, and the stages when it has q/k/v), a text file or a
    /// tensor file with q/k/v or x/wq/wk/wv members (the Explorer).
    bool openFile(const QString &path, QString *error = nullptr);
    /// Opens several tensor files named after their role (q.npy, k.npy, v.npy, x.npy, wq.npy …).
    bool openTensorFiles(const QStringList &paths, QString *error = nullptr);
    /// Opens a bundle whose keys are image patches (it has image_grid) and shows it over
    /// `imagePath`; sessions keep the image (role "overlayImage"). Never asks for a file.
    bool openBundleWithImage(const QString &bundlePath, const QString &imagePath, QString *error = nullptr);
    void setSentence(const QString &text);

    /// The whole state as a session (docs/session-format.md), and back. applySession reports
    /// missing inputs by name and keeps the window as it was on failure; an overlay image or
    /// second input that is found but cannot be shown only costs its view (a status-bar warning).
    SessionState captureSession() const;
    bool applySession(const SessionState &state, QString *error = nullptr);
    bool saveSessionTo(const QString &path, QString *error = nullptr);
    bool openSession(const QString &path, QString *error = nullptr);
    bool isModified() const { return m_modified; }
    // Crash recovery (main_window_recovery.cpp). Each window autosaves its unsaved work every
    // 30 s to its own file, autosave-<process id>-<n>.attnscope in autosaveFolder(), and holds
    // that file's lock (<file>.lock, a QLockFile) while it lives; a normal close or a save
    // deletes the file. A file whose lock nobody holds was left by a window that crashed.
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
    void showStage(Stage stage);

    Stage stage() const { return m_stage; }
    std::shared_ptr<const ExplorerState> state() const { return m_state; }
    HeatmapView *heatmap(int i = 0) const { return m_views[std::size_t(i)]; }
    ControlsPanel *controls() const { return m_controls; }
    QUndoStack *undoStack() const { return m_undo; }
    QTabWidget *tabs() const { return m_tabs; }
    AttentionPage *attentionPage() const { return m_attentionPage; }
    ImagePage *imagePage() const { return m_imagePage; }
    enum Tab { ExplorerTab = 0, AttentionTab = 1, ImageTab = 2 };
    DetailPanel *detailPanel() const { return m_detail; }
    TokenStrip *tokenStrip() const { return m_tokens; }
    StageStepper *stepper() const { return m_stepper; }
    int selectedQuery() const { return m_selectedQuery; }
    /// Selects query row `row` (highlighted, and the token strip tinted by its weights).
    void selectQuery(int row);

    // Exports (main_window_export.cpp), what File → Export calls once it has the paths. Each is
    // all-or-nothing (atomic files; several files through one OutputBatch) and on failure returns
    // false with a message naming the path. All act on the shown stage's main heatmap / head.
    /// The main heatmap as PNG (laid out at `size`, drawn at size × scale pixels), SVG or PDF
    /// (a page of `size`; scale ignored), by the extension, with title, labels and colour scale.
    bool exportPicture(const QString &path, QSize size, double scale = 1.0, QString *error = nullptr);
    /// What exportPicture draws for PNG, as an image; null when nothing is computed.
    QImage renderPicture(QSize size, double scale) const;
    /// Puts renderPicture(defaultPictureSize(), 2) on the clipboard.
    bool copyPicture();
    /// The main heatmap's matrix: .csv (header row: the row-axis name, then the column labels;
    /// each row: its label, then numbers with 9 significant digits, -inf as -inf) or .npy (float64).
    bool exportStageData(const QString &path, QString *error = nullptr);
    /// q, k, v, scores, scaled, masked, weights, output .npy of the shown head into `dir`.
    bool exportAllStages(const QString &dir, QString *error = nullptr);
    /// head_<h>_weights.png and .npy for every head. `progress(done, total)` returning false
    /// cancels; then nothing is written (every head is computed and encoded before any file is
    /// renamed into place).
    bool exportAllHeads(const QString &dir, QString *error = nullptr,
                        const std::function<bool(int, int)> &progress = {});
    /// frame_01_inputs.png … frame_07_output.png: each stage's first heatmap.
    bool exportFrames(const QString &dir, QString *error = nullptr);
    /// The Imported attention tab's grid of heads, or the Image tab's overlay, by the extension:
    /// PNG laid out at `size` and drawn at size × scale pixels, as exportPicture does (an
    /// off-screen copy of the view; the one on screen keeps its size), or SVG or PDF at the view's
    /// size on screen (text stays text; size and scale ignored).
    bool exportHeadGridPicture(const QString &path, QSize size, double scale = 1.0, QString *error = nullptr);
    bool exportOverlayPicture(const QString &path, QSize size, double scale = 1.0, QString *error = nullptr);
    /// layer_<l>_head_<h>.png and .npy (float64) for every layer and head of the imported bundle,
    /// all or nothing; `progress(done, total)` returning false cancels.
    bool exportBundleHeads(const QString &dir, QString *error = nullptr, const std::function<bool(int, int)> &progress = {});
    /// The main heatmap's size on screen (800 × 600 when it is tiny or hidden).
    QSize defaultPictureSize() const;

signals:
    /// A computation has been shown (tests and --screenshot wait for it).
    void stateShown();
    /// An error was shown: in a dialog, or in the status bar for an input refused for the memory
    /// budget and a computation that failed (--screenshot ends on it with the message).
    void errorShown(const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void onControlsChanged();
    void createDocks();
    void recompute();
    void onReady(std::shared_ptr<const ExplorerState> state);
    void render();
    void onCellHovered(int row, int col);
    void onCellClicked(int row, int col);
    void showError(const QString &message);
    /// A failure the status bar says (no dialog: typing must not pop one up per key), and errorShown.
    void reportFailure(const QString &message);
    /// The Cancel button and Esc: stops the Explorer's computation in flight.
    void createCancelButton();
    /// Whether the explorer can hold `request`'s input within the memory budget; else says why.
    bool fitsBudget(const ExplorerRequest &request);
    /// Refuses `paths` (failOpen) when what they hold does not fit the memory budget.
    bool checkFilesFit(const QStringList &paths, QString *error);
    void addRecentFile(const QString &path);
    void updateRecentMenu();
    void openDialog();
    void openTensorsDialog();
    void setPresenterMode(bool on);
    /// View → Memory budget: asks for a size, kept in the settings.
    void memoryBudgetDialog();
    /// Sets the process-wide budget from the settings (main.cpp's --memory-budget overrides it).
    void applyMemoryBudgetSetting();
    void setModified(bool modified);
    void updateTitle();
    // Opening files (main_window_open.cpp). Each opens `path` as one kind of input whatever its
    // name (openFile picks one by the name) and records it as the input; given `error`, it shows
    // no dialog and puts the message there.
    /// An image in any format Qt reads (the Image tab).
    bool openImage(const QString &path, QString *error = nullptr);
    /// A bundle or any tensor of attention weights, whatever its shape (the Imported attention tab).
    bool openAttention(const QString &path, QString *error = nullptr);
    /// A text file (its words become the sentence) or a tensor file with q/k/v or x/wq/wk/wv.
    /// With `tensorsOnly` (a session's "files" input), a text file is refused.
    bool openExplorerInput(const QString &path, QString *error = nullptr, bool tensorsOnly = false);
    /// Puts `message` in `error`, or shows it when `error` is null; returns false.
    bool failOpen(const QString &message, QString *error);
    /// What every open does once `path` is shown: it becomes the window's input of `kind` (what
    /// sessions save), a recent file and the title; the window is modified and shows `tab`.
    void adoptInput(SessionState::InputKind kind, const QString &path, Tab tab);
    /// The explorer computes from `setup` (tensors from files) instead of the typed sentence.
    void useFileSetup(std::shared_ptr<const ExplorerSetup> setup);
    /// Asks for the picture of a bundle whose keys are image patches, and shows it over it.
    void offerBundleImage(const QString &bundlePath);
    /// The input now comes from `paths` (none for typed text): forgets the overlay image, which
    /// belonged to the previous input.
    void setPrimaryInput(SessionState::InputKind kind, const QStringList &paths);
    /// Shows `bundle` over `imagePath` in the Image tab and remembers the image for sessions.
    bool showBundleOverImage(const AttentionBundle &bundle, const QString &imagePath, QString *error);
    // Opening a session (main_window_session.cpp), in this order.
    bool openSessionInputs(const SessionState &state, QStringList *warnings, QString *error);
    QStringList openSecondaryInputs(const QString &overlayImage, const QString &secondInput);
    void applySessionControls(const SessionState &state);
    void applySessionView(const SessionState &state, QStringList *notes);
    bool saveSessionInteractive(bool askForPath);
    /// Picks this window's autosave file and takes its lock.
    void lockAutosave();
    /// Deletes this window's copy and the restored one: the work is saved or was let go.
    void discardAutosaves();
    void createSessionActions(QMenu *file);
    void restoreSettings();
    void saveSettings();

    // exports (main_window_export.cpp): the menu, and dialogs that ask for paths
    void createExportActions(QMenu *file);
    void exportPictureDialog();
    void exportStageDataDialog();
    void exportAllStagesDialog();
    void exportAllHeadsDialog();
    void exportFramesDialog();
    /// Asks for a PNG's width, height and scale factor, starting from *size and *scale; false
    /// when cancelled.
    bool askPngSize(QSize *size, double *scale);
    /// Why a PNG laid out at `size` and drawn at `scale` cannot be made, or empty.
    static QString checkPictureSize(QSize size, double scale);
    void createPageExportActions(QMenu *menu);
    void pagePictureDialog(const QString &title, QWidget *widget,
                           bool (MainWindow::*exporter)(const QString &, QSize, double, QString *));
    /// `widget` as PNG drawn by `drawPng(size, scale)`, or as SVG or PDF at its size on screen.
    bool exportWidgetPicture(QWidget *widget, const QString &path, QSize size, double scale,
                             const std::function<QImage(QSize, double)> &drawPng, QString *error);
    ColormapId chosenColormap() const; ///< View → Colour map (diverging data always uses coolwarm)
    SessionState::Reduction chosenReduction() const;
    /// Checks the colour map (reduction) named `name`, or the table's fallback with a note in
    /// `notes` naming the ignored value (session_values.h).
    void chooseColormap(const QString &name, QStringList *notes);
    void chooseReduction(const QString &name, QStringList *notes);

    ExplorerSession *m_session = nullptr;
    std::shared_ptr<const ExplorerState> m_state;
    std::shared_ptr<const ExplorerSetup> m_fileSetup; ///< tensors from files, or null for text
    QString m_fileName;
    Stage m_stage = Stage::Weights;
    int m_selectedQuery = -1, m_selRow = -1, m_selCol = -1;

    ControlsPanel *m_controls = nullptr;
    StageStepper *m_stepper = nullptr;
    QLabel *m_explanation = nullptr;
    QLabel *m_warnings = nullptr; ///< the engine's warnings about the shown computation
    std::vector<HeatmapView *> m_views;
    DetailPanel *m_detail = nullptr;
    TokenStrip *m_tokens = nullptr;
    QLabel *m_timing = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QMenu *m_recentMenu = nullptr;
    QActionGroup *m_colormapGroup = nullptr;
    QActionGroup *m_reductionGroup = nullptr;
    QFont m_baseFont;
    QUndoStack *m_undo = nullptr;
    QTabWidget *m_tabs = nullptr;
    AttentionPage *m_attentionPage = nullptr;
    ImagePage *m_imagePage = nullptr;
    std::vector<QDockWidget *> m_explorerDocks;
    SessionState::InputKind m_inputKind = SessionState::InputKind::Text;
    QStringList m_inputPaths;       ///< the files the current input came from
    QString m_overlayImagePath;     ///< the picture the bundle of m_inputPaths is shown over, or empty
    QString m_sessionPath;          ///< the .attnscope file, once saved or opened
    bool m_modified = false;
    std::optional<std::array<int, 3>> m_pendingSelection; ///< query, row, col to restore once computed
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
    ControlValues m_lastValues;   ///< the controls as of the last undo step
    bool m_restoring = false;     ///< undo/redo is setting the controls
};

} // namespace attnscope
