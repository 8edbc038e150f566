#pragma once


#include <functional>
#include <memory>
#include <optional>

#include "attention_views.h"
#include "bundle.h"
#include "colormap.h"
#include "heatmap_view.h"
#include "open_path_chooser.h"
#include "page.h"
#include "page_settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace attnscope {

class HeadGrid;
class HeadView;
class HeatmapView;
class ModelView;
class NeuronView;

/// "Imported attention": an attention bundle or a bare [L, H, Tq, Tk] tensor, one head or the
/// heads of a layer fused or rolled out, special tokens hidden, sub-words merged, normalised, or
/// the difference A − B of two heads, layers or inputs; with a grid of every head of a layer
/// (or every layer of a head) to pick from. The controls are on the left, the view on the right
/// with a line saying what it shows, the grid below it.
///
/// The views are computed in the GUI thread (computeView): a few milliseconds for bundles of a
/// few hundred tokens. Thousands of tokens would need the explorer's approach, a session that
/// computes off the GUI thread and hands results back (app/gui/explorer_session.h).
class AttentionPage : public Page {
    Q_OBJECT
public:
    explicit AttentionPage(QWidget *parent = nullptr);
    ~AttentionPage() override;

    QString key() const override { return QStringLiteral("attention"); }
    QString title() const override;
    /// A bundle (.npz, .safetensors with `attentions`), or a tensor file of attention weights with
    /// more than one layer or head (a bare [Tq, Tk] .npy is the Explorer's).
    int claims(const QString &path) const override;
    bool opensKind(SessionState::InputKind kind) const override
    {
        return kind == SessionState::InputKind::Bundle || kind == SessionState::InputKind::Model;
    }
    bool openInput(PageInput &input, QString *error) override;
    void followInput(const PageInput &input) override { (void)input; }
    /// Role "secondInput": B of the difference A − B (openSecondBundle).
    bool openRole(const QString &role, const QString &path, QString *error) override;
    QList<QPair<QString, QString>> roleInputs() const override;
    void closeRoles() override { closeSecondBundle(); }
    bool setLayerHead(int layer, int head, QString *error) override;
    /// The controls' settings() without their "attention." prefix, as JSON strings.
    QJsonObject saveState() const override;
    QStringList restoreState(const QJsonObject &state) override;
    Exports exports() const override;
    /// The main heatmap (one head, fused, rolled out or a difference), as the Explorer's.
    bool exportPicture(const QString &path, QSize size, double scale, QString *error) override;
    QImage renderPicture(QSize size, double scale) const override;
    QSize defaultPictureSize() const override;
    bool exportData(const QString &path, QString *error) override;
    /// Head Grid Picture…, All Layers and Heads of the Bundle….
    void addExportActions(QMenu *menu) override;
    ViewOptionSet viewOptions() const override;
    void setViewOptions(const ViewOptions &options) override;
    void resetZoom() override;
    void zoomBy(double factor) override;
    /// The grid of heads as PNG (laid out at `size`, drawn at size × scale), SVG or PDF.
    bool exportHeadGridPicture(const QString &path, QSize size, double scale, QString *error);
    /// layer_<l>_head_<h>.png and .npy (float64) for every layer and head, all or nothing;
    /// `progress(done, total)` returning false cancels.
    bool exportBundleHeads(const QString &dir, QString *error, const std::function<bool(int, int)> &progress = {});

    /// Opens a bundle (.npz, .safetensors) or a bare tensor spec (`file` or `file:name`), as
    /// readAttentionBundle reads them. On failure the page is unchanged and `error` (when given)
    /// holds the message; otherwise a dialog shows it.
    bool openBundle(const QString &path, QString *error = nullptr);
    /// Shows a bundle already in memory (a model's run), labelled `label`. A bundle of the same
    /// model as the one shown keeps the layer and head chosen.
    void showBundle(std::shared_ptr<const AttentionBundle> bundle, const QString &label, const QString &toolTip);
    /// Opens a second input of the same shape as B of the difference A − B ("other input").
    bool openSecondBundle(const QString &path, QString *error = nullptr);
    /// The file of the second input, as given to openSecondBundle; empty while none is open.
    /// Sessions keep it (role "secondInput"); it stays open when another bundle is opened, and
    /// closes when a session without one is opened.
    QString secondInputPath() const { return m_otherPath; }
    /// Closes the second input; B then comes from this input.
    void closeSecondBundle();

    /// The colour map for weights (differences always use coolwarm).
    void setColormap(ColormapId id);

    bool hasBundle() const { return m_bundle != nullptr; }
    const AttentionBundle *bundle() const { return m_bundle.get(); }
    std::shared_ptr<const AttentionBundle> sharedBundle() const { return m_bundle; }
    /// The request the controls describe (what is shown, when it computed).
    ViewRequest request() const;
    /// The view shown, or null (no bundle, or the request failed: see statusText()).
    const ViewResult *result() const { return m_result ? &*m_result : nullptr; }
    /// The line above the view as plain text: what it shows, or why it cannot.
    QString statusText() const;
    HeatmapView *heatmap() const { return m_view; }
    HeadGrid *headGrid() const { return m_grid; }
    /// The views on the right: tab 0 "Heatmap" (the heatmap and the grid), then "Model", "Heads"
    /// and "Neuron".
    QTabWidget *viewTabs() const { return m_viewTabs; }
    /// Every layer × head at once, with the heads' summaries (attention_page_modelview.cpp).
    ModelView *modelView() const { return m_modelView; }
    /// Whether the Model tab is the one shown.
    bool modelViewShown() const;
    /// The Model view as a picture (PNG, SVG, PDF), `cellSide` pixels per head.
    bool exportModelViewPicture(const QString &path, int cellSide, QString *error);
    /// The "Heads" tab: every head of the page's layer, each computed as the page's view of that
    /// one head (hiding and merging included), as BertViz's head view.
    HeadView *headView() const { return m_headView; }
    /// The "Neuron" tab: q, k, q⊙k, q·k and softmax for one query of one head of the page's layer,
    /// from the bundle's q and k (the file's tokens, before hiding or merging).
    NeuronView *neuronView() const { return m_neuronView; }
    QSpinBox *neuronHeadSpin() const { return m_neuronHead; }
    QSpinBox *neuronQuerySpin() const { return m_neuronQuery; }
    /// The head view as PNG (laid out at `size`, drawn at size × scale), SVG or PDF.
    bool exportHeadViewPicture(const QString &path, QSize size, double scale, QString *error);

    /// Every control as session settings, keys `attention.*` (docs/session-format.md), and back.
    /// applySettings ignores other keys and values that are invalid or outside a control's range
    /// (such a control keeps its value), then recomputes once. B from "second input" is taken
    /// only when a second input is open: a session opens its second input before calling this.
    PageSettings settings() const;
    /// Returns a note per value it could not use (page_settings.h).
    QStringList applySettings(const PageSettings &settings);

    /// What the Open button asks with (a QFileDialog unless replaced).
    void setOpenPathChooser(OpenPathChooser chooser) { m_chooseOpenPath = std::move(chooser); }

private:
    QWidget *createControls();
    void connectControls();
    SettingControls settingControls() const;
    void onControlChanged();
    void updateEnabled();
    void recompute();
    void refreshGrid(const ViewRequest &r);
    void onHovered(int row, int col);
    void onThumbnailClicked(int layer, int head);
    std::vector<int> hiddenKeysFromText(QStringList *problems) const;
    bool reportError(const QString &message, QString *error);
    void exportGridDialog();
    void exportBundleHeadsDialog();
    // The Model tab (attention_page_modelview.cpp).
    void addModelViewTab();
    void refreshModelView();
    void onModelHeadActivated(int layer, int head);
    void exportModelViewDialog();
    SettingControls modelViewSettingControls() const;
    // The Heads and Neuron tabs (attention_page_headview.cpp).
    void createHeadViewTabs(QTabWidget *tabs);
    void refreshHeadView();
    void refreshNeuronView();
    void refreshShownTab();
    /// Whether the Heads tab is the one shown (pictures then follow it).
    bool headViewShown() const;
    PageSettings headViewSettings() const;
    QStringList applyHeadViewSettings(const PageSettings &settings);

    std::shared_ptr<const AttentionBundle> m_bundle;
    std::optional<AttentionBundle> m_other;
    QString m_otherPath; ///< the file m_other came from
    /// The file's attentions checked as softmax weights (weightRowsWarning), before any view: empty
    /// when every row looks like weights. Shown first among the warnings.
    QString m_fileWarning;
    std::optional<ViewResult> m_result;
    ColormapId m_colormap = ColormapId::Viridis;
    bool m_numbersInCells = true, m_fixedWeightScale = false; ///< View → Numbers in cells, Weights colour scale
    /// `c` with the numbers-in-cells switch, and the fixed 0–1 scale when chosen and every value
    /// shown lies in 0..1 (weights, not differences or logarithms).
    void applyCellOptions(HeatmapView::Content &c) const;
    QString m_statusPlain;
    bool m_updating = false; ///< controls being set programmatically: no recompute per change

    QLabel *m_fileLabel = nullptr;
    QLabel *m_shapeLabel = nullptr;
    QSpinBox *m_layer = nullptr;
    QSpinBox *m_head = nullptr;
    QComboBox *m_mode = nullptr;
    QComboBox *m_rolloutFusion = nullptr;
    QDoubleSpinBox *m_discard = nullptr;
    QLineEdit *m_specials = nullptr;
    QCheckBox *m_hide = nullptr;
    QCheckBox *m_hideRows = nullptr; ///< "hideRowsCheck": the hidden tokens' rows too
    QCheckBox *m_renormalize = nullptr;
    QCheckBox *m_merge = nullptr;
    QComboBox *m_norm = nullptr;
    QCheckBox *m_diff = nullptr;
    QSpinBox *m_diffLayer = nullptr;
    QSpinBox *m_diffHead = nullptr;
    QComboBox *m_diffSource = nullptr;
    QPushButton *m_diffOpen = nullptr;
    QComboBox *m_gridMode = nullptr;

    QLabel *m_status = nullptr;
    QLabel *m_warnings = nullptr;
    QLabel *m_hover = nullptr;
    HeatmapView *m_view = nullptr;
    HeadGrid *m_grid = nullptr;
    QTabWidget *m_viewTabs = nullptr;
    ModelView *m_modelView = nullptr;
    HeadView *m_headView = nullptr;
    NeuronView *m_neuronView = nullptr;
    QSpinBox *m_neuronLayer = nullptr, *m_neuronHead = nullptr, *m_neuronQuery = nullptr;
    OpenPathChooser m_chooseOpenPath = askOpenPath;
};

} // namespace attnscope
