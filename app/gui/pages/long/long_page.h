#pragma once

#include <QPointer>

#include <atomic>
#include <memory>

#include "long_input.h"
#include "overview_view.h"
#include "page.h"

class QCheckBox;
class QComboBox;
class QDockWidget;
class QLabel;
class QSpinBox;
class QStackedWidget;
class QTimer;
class QUndoStack;

namespace attnscope {

class DetailPanel;

/// "Long input": one head of Q/K files too long to store its weights (more than 4,096² cells, or
/// stages that do not fit the memory budget), computed streamed. The overview of the whole head
/// first (exact bins, the attention each key receives above, each row's entropy beside), then,
/// as the user zooms in past the overview's bins, the exact weights of the region shown; hovering
/// a cell gives its exact weight, clicking it (or Enter on the arrow keys' cell) its computation
/// in the right dock. Nothing of size Tq × Tk is ever held.
class LongPage : public Page {
    Q_OBJECT
public:
    explicit LongPage(QWidget *parent = nullptr);
    ~LongPage() override;

    QString key() const override { return QStringLiteral("long"); }
    QString title() const override;
    int claims(const QString &path) const override;
    bool opensKind(SessionState::InputKind kind) const override { (void)kind; return false; }
    bool takesFiles(const QStringList &paths) const override { return takes(paths); }
    std::optional<std::uint64_t> bytesToOpen(const QStringList &paths) const override;
    bool openInput(PageInput &input, QString *error) override;
    void followInput(const PageInput &input) override;
    bool setLayerHead(int layer, int head, QString *error) override;
    QJsonObject saveState() const override;
    QStringList restoreState(const QJsonObject &state) override;
    Exports exports() const override;
    bool exportPicture(const QString &path, QSize size, double scale, QString *error) override;
    QImage renderPicture(QSize size, double scale) const override;
    QSize defaultPictureSize() const override;
    bool exportData(const QString &path, QString *error) override;
    void addExportActions(QMenu *menu) override;
    QList<PageDock> docks() const override { return m_docks; }
    QUndoStack *undoStack() const override { return m_undo; }
    ViewOptionSet viewOptions() const override;
    void setViewOptions(const ViewOptions &options) override;
    void resetZoom() override;
    void zoomBy(double factor) override;
    void cancelWork() override;
    bool busy() const override { return m_running > 0; }

    /// Whether `paths` (role files, or one tensor file with q and k) are too long for the stored
    /// path and open here instead of the Explorer (window_memory.h, isStreamed).
    static bool takes(const QStringList &paths);

    OverviewView *view() const { return m_view; }
    DetailPanel *detailPanel() const { return m_detail; }
    QSpinBox *headBox() const { return m_headBox; }
    QComboBox *scaleBox() const { return m_scaleBox; }
    QCheckBox *causalBox() const { return m_causalBox; }
    /// Log colours: log₁₀ of the weights over the kLogDecades below the largest.
    QCheckBox *logBox() const { return m_logBox; }
    static constexpr double kLogDecades = 1e-6;
    std::shared_ptr<const LongInput> input() const { return m_input; }
    /// The head's overview shown now (null before the first one).
    std::shared_ptr<const LongView> shownView() const { return m_shown; }
    /// The values of the picture shown, one per pixel bin (max or mean of its weights), and the
    /// cells each bin covers: what Export → Data writes.
    const Mat<double> &shownBins() const { return m_shownBins; }
    /// Whether the picture shown is exact for the viewport (the overview's bins merged, or a
    /// region computed for it) rather than a placeholder while a region is computed.
    bool pictureIsCurrent() const { return m_pictureCurrent; }
    /// Writes column_sums.npy ([Tk]) and entropy.npy ([Tq], bits) of the shown head into `dir`.
    bool exportStrips(const QString &dir, QString *error);

protected:
    void changeEvent(QEvent *event) override;

private:
    /// What the tab computes and draws now: the parameters and the colours (undo steps hold two).
    struct Controls {
        LongParams params;
        bool logColours = false;
        bool operator==(const Controls &) const = default;
    };

    void createControls(QWidget *bar);
    /// The controls as the widgets show them.
    Controls controlsShown() const;
    /// A change by the user: one undo step, which applies it.
    void onControlsChanged();
    /// Sets the widgets to `c` (quietly) and recomputes or recolours what differs from m_applied.
    void applyControls(const Controls &c);
    void compute();
    void onViewReady(std::shared_ptr<const LongView> view);
    /// The picture for the viewport: merged from the overview's bins when they are at least as
    /// fine as the screen's pixels, else a region computed exactly after a short pause.
    void refreshPicture();
    void requestRegion();
    /// Shows bins (`rows` × `cols` of the picture's pixels) whose cells start at rowCells /
    /// colCells (one more entry than bins: the end); `perCell`: a bin is a cell (numbers shown).
    /// `values` (bins over `rows` × `cols` pixels, whose cells start at rowCells / colCells) in
    /// the colour map over the head's min..max (or log colours); wholly masked bins grey.
    QImage colour(const Mat<double> &values, const BinAxis &rows, const BinAxis &cols,
                  const std::vector<std::int64_t> &rowCells, const std::vector<std::int64_t> &colCells) const;
    void showBins(const Mat<double> &values, const BinAxis &rows, const BinAxis &cols,
                  const std::vector<std::int64_t> &rowCells, const std::vector<std::int64_t> &colCells, bool perCell,
                  const QString &note);
    void onHovered(qint64 row, qint64 col);
    void onClicked(qint64 row, qint64 col);
    void renderDetail();
    void updateInfo();
    QString tokenOf(bool query, std::int64_t i) const;
    void setRunning(int delta);

    std::shared_ptr<const LongInput> m_input;
    std::shared_ptr<const LongView> m_shown;
    Controls m_applied;
    QUndoStack *m_undo = nullptr;
    ViewOptions m_options;
    QStackedWidget *m_stack = nullptr;
    OverviewView *m_view = nullptr;
    QLabel *m_info = nullptr;
    QSpinBox *m_headBox = nullptr, *m_layerBox = nullptr;
    QLabel *m_layerLabel = nullptr;
    QComboBox *m_scaleBox = nullptr;
    QCheckBox *m_causalBox = nullptr, *m_logBox = nullptr;
    DetailPanel *m_detail = nullptr;
    QList<PageDock> m_docks;
    QPointer<QDockWidget> m_dockGuard;
    QTimer *m_regionTimer = nullptr;
    Mat<double> m_shownBins;
    std::vector<std::int64_t> m_shownRowCells, m_shownColCells;
    bool m_pictureCurrent = false;
    quint64 m_viewGeneration = 0, m_regionGeneration = 0;
    std::shared_ptr<std::atomic<bool>> m_viewCancel, m_regionCancel;
    int m_running = 0;
    bool m_settingControls = false;
};

} // namespace attnscope
