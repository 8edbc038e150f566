#pragma once
// The page interface: what every tab of the window is. The window (app/gui/shell) is a shell
// that holds the pages, routes menus, shortcuts, drops, recent files and sessions to the page
// shown, and disables what that page cannot do. A page owns its state: its input, controls,
// selection, docks and actions. Pages are registered in app/gui/pages.cpp.

#include <QFlags>
#include <QList>
#include <QPair>
#include <QJsonObject>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>

#include "colormap.h"
#include "matrix_reduce.h"
#include "session_file.h"

class QAction;
class QDockWidget;
class QMenu;
class QMenuBar;
class QUndoStack;

namespace attnscope {

struct AttentionBundle;

/// An input the window opened: what sessions save, and what every page is told about.
struct PageInput {
    SessionState::InputKind kind = SessionState::InputKind::Text;
    QStringList paths; ///< the primary files, in the order opened; empty for typed text
    /// The bundle read from paths[0] (kind Bundle), shared with every page that shows it.
    std::shared_ptr<const AttentionBundle> bundle;
    /// Opened from a session, which says what kind of file each is: a session's "files" input
    /// must be tensors, not a text file.
    bool fromSession = false;
};

/// A dock a page brings, and the side of the window it starts on.
struct PageDock {
    QDockWidget *dock = nullptr;
    Qt::DockWidgetArea area = Qt::LeftDockWidgetArea;
    bool presenter = false; ///< shown in presenter mode too (the others are hidden there)
};

/// The window-wide view options, which a page honours or not (viewOptions()).
struct ViewOptions {
    ColormapId colormap = ColormapId::Viridis; ///< for weights; signed data always uses coolwarm
    Reduction reduction = Reduction::Max;      ///< cells smaller than a pixel
    bool numbersInCells = true;    ///< View → Numbers in cells: values written in cells large enough
    bool fixedWeightScale = false; ///< View → Weights colour scale → fixed 0–1 (else each view its own range)
};

class Page : public QWidget {
    Q_OBJECT
public:
    /// What File → Export offers for the page; entries a page lacks are disabled.
    enum class Export {
        Picture = 0x1, ///< exportPicture / renderPicture: the page's main view as PNG, SVG, PDF
        Data = 0x2,    ///< exportData: the main view's matrix as CSV or .npy
    };
    Q_DECLARE_FLAGS(Exports, Export)
    /// The view options a page honours (View menu entries are disabled for the others).
    enum class ViewOption { Colormap = 0x1, Reduction = 0x2, Zoom = 0x4 };
    Q_DECLARE_FLAGS(ViewOptionSet, ViewOption)

    using QWidget::QWidget;

    /// The key of the page in sessions and messages: "explorer", "attention", "image".
    virtual QString key() const = 0;
    /// The tab's title, with its mnemonic.
    virtual QString title() const = 0;

    // ---- opening ----
    /// How strongly this page claims `path` as its primary input: 0 not at all; File → Open gives
    /// the file to the page with the highest claim. Cheap: the name, or a file header at most.
    virtual int claims(const QString &path) const = 0;
    /// Whether inputs of `kind` are this page's own (a session's input opens on that page).
    virtual bool opensKind(SessionState::InputKind kind) const = 0;
    /// Whether this page takes the tensor files `paths` ahead of the page of their kind (the Long
    /// input tab takes inputs too long to store). Cheap: file headers at most.
    virtual bool takesFiles(const QStringList &paths) const { (void)paths; return false; }
    /// What opening `paths` here would hold, when the page estimates it itself; otherwise the
    /// window estimates it from the files (window_memory.h, fileBytes).
    virtual std::optional<std::uint64_t> bytesToOpen(const QStringList &paths) const { (void)paths; return std::nullopt; }
    /// Opens `input` (kind and paths set by the window; the page may refine the kind, e.g. a text
    /// file becomes typed text, and may fill in `input.bundle`). Never shows a dialog. On failure
    /// the page is unchanged and `error` holds a message naming the file.
    virtual bool openInput(PageInput &input, QString *error) = 0;
    /// Another page opened `input`, which is now the window's input: show what of it this page can
    /// (the Explorer the stages of a bundle's q/k/v), or forget a file input that belonged to the
    /// previous one. Never fails; problems go to statusMessage.
    virtual void followInput(const PageInput &input) = 0;
    /// After an interactive open (File → Open, a drop), the page may ask for more: the picture a
    /// bundle of image patches belongs over. Never called for sessions or tests.
    virtual void askAfterOpen(const PageInput &input) { (void)input; }
    /// Opens a secondary input of the window's input (docs/session-format.md, "Roles"): true when
    /// this page took it; false with an empty `error` when the role is not this page's.
    virtual bool openRole(const QString &role, const QString &path, QString *error);
    /// The secondary inputs this page holds now, as (role, path), for sessions.
    virtual QList<QPair<QString, QString>> roleInputs() const { return {}; }
    /// Lets go of the secondary inputs (a session without them is being opened).
    virtual void closeRoles() {}
    /// Sets the layer and head shown, for the pages that show one (--layer, --head); -1 keeps the
    /// page's choice. False with a message when out of range for the page's input.
    virtual bool setLayerHead(int layer, int head, QString *error);

    // ---- sessions and settings ----
    /// The page's part of a session (docs/session-format.md, "pages.<key>").
    virtual QJsonObject saveState() const = 0;
    /// Sets the page from its part of a session, after the inputs are open. A value that is
    /// missing, of the wrong type or out of range is ignored with a note (returned).
    virtual QStringList restoreState(const QJsonObject &state) = 0;
    /// Remembered settings between runs (QSettings through app/gui/settings.h), if any.
    virtual void saveSettings() const {}
    virtual void restoreSettings() {}

    // ---- exports ----
    virtual Exports exports() const { return {}; }
    /// The main view as PNG laid out at `size` and drawn at size × scale pixels, SVG or PDF (a
    /// page of `size`), by the extension; atomic; false with a message naming the path.
    virtual bool exportPicture(const QString &path, QSize size, double scale, QString *error);
    /// What exportPicture draws for PNG; null when nothing is shown.
    virtual QImage renderPicture(QSize size, double scale) const;
    /// The main view's size on screen, for the export dialogs (800 × 600 when tiny or hidden).
    virtual QSize defaultPictureSize() const { return QSize(800, 600); }
    /// The main view's matrix as .csv or .npy.
    virtual bool exportData(const QString &path, QString *error);
    /// Adds the page's own exports to File → Export (shown only with the page).
    virtual void addExportActions(QMenu *menu) { (void)menu; }

    // ---- the window's parts the page brings ----
    /// Docks shown beside the page (hidden with it). The window adds them to itself.
    virtual QList<PageDock> docks() const { return {}; }
    /// Menus of the page's own (e.g. Stage), shown in the menu bar only with the page.
    virtual QList<QMenu *> menus() const { return {}; }
    /// Actions of the page's own for the File menu (e.g. Back to typed text), shown with the page.
    virtual QList<QAction *> fileActions() const { return {}; }
    /// The page's undo history, or null.
    virtual QUndoStack *undoStack() const { return nullptr; }
    virtual ViewOptionSet viewOptions() const { return {}; }
    virtual void setViewOptions(const ViewOptions &options) { (void)options; }
    /// View → Reset zoom / Zoom in / Zoom out (factor < 1 zooms in).
    virtual void resetZoom() {}
    virtual void zoomBy(double factor) { (void)factor; }
    /// Stops work in flight (the status bar's Cancel button, Esc).
    virtual void cancelWork() {}
    virtual bool busy() const { return false; }
    /// The page became the shown one (or stopped being it).
    virtual void setShown(bool shown) { (void)shown; }

signals:
    /// Hover text, what was opened and short notes, for the status bar.
    void statusMessage(const QString &message, int timeoutMs = 0);
    /// Nothing can be shown for the present input and controls, and why; --screenshot ends on it.
    void failed(const QString &message);
    /// A result has been computed and shown (tests and --screenshot wait for it).
    void shown();
    /// The user changed something sessions keep (restoreState does not emit it).
    void modified();
    /// The user chose `path` with the page's own Open button, or dropped it on the page: the
    /// window opens it as File → Open does, so that it becomes the window's input.
    void openRequested(const QString &path);
    /// exports(), viewOptions() or the page's actions changed.
    void capabilitiesChanged();
    void busyChanged(bool busy);
};

Q_DECLARE_OPERATORS_FOR_FLAGS(Page::Exports)
Q_DECLARE_OPERATORS_FOR_FLAGS(Page::ViewOptionSet)

} // namespace attnscope
