#pragma once

#include <QDockWidget>
#include <QPointer>

#include <functional>
#include <vector>

#include "explorer_model.h"
#include "heatmap_view.h"
#include "page.h"

class QLabel;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace attnscope {

class ControlsPanel;
class DetailPanel;
class FormulaLine;
class NeuronView;
class ScaleComparisonView;
class StagePlayer;
class StageStepper;
class StoryPanel;
class TokenStrip;
class WhatIfPanel;

/// "Explorer: stage by stage": one head's every stage, from typed text (built-in embeddings) or
/// tensors from files (q/k/v, x/wq/wk/wv, a bundle's q/k/v at one layer). The stage stepper and
/// the stage's heatmaps in the middle, the tinted sentence below; the Parameters dock on the left
/// and the computation of the selected cell on the right. Its state is an ExplorerModel; this
/// page only draws it and turns clicks and keys into calls on it.
class ExplorerPage : public Page {
    Q_OBJECT
public:
    explicit ExplorerPage(QWidget *parent = nullptr);
    ~ExplorerPage() override;

    QString key() const override { return QStringLiteral("explorer"); }
    QString title() const override;
    int claims(const QString &path) const override;
    bool opensKind(SessionState::InputKind kind) const override
    {
        return kind == SessionState::InputKind::Text || kind == SessionState::InputKind::Files;
    }
    bool openInput(PageInput &input, QString *error) override;
    void followInput(const PageInput &input) override;
    bool setLayerHead(int layer, int head, QString *error) override;
    QJsonObject saveState() const override;
    QStringList restoreState(const QJsonObject &state) override;
    void saveSettings() const override;
    void restoreSettings() override;
    Exports exports() const override;
    bool exportPicture(const QString &path, QSize size, double scale, QString *error) override;
    QImage renderPicture(QSize size, double scale) const override;
    QSize defaultPictureSize() const override;
    bool exportData(const QString &path, QString *error) override;
    void addExportActions(QMenu *menu) override;
    QList<PageDock> docks() const override { return m_docks; }
    QList<QMenu *> menus() const override { return {m_stageMenu}; }
    QList<QAction *> fileActions() const override { return m_fileActions; }
    QUndoStack *undoStack() const override { return m_undo; }
    ViewOptionSet viewOptions() const override;
    void setViewOptions(const ViewOptions &options) override;
    void resetZoom() override;
    void zoomBy(double factor) override;
    void cancelWork() override { m_model->cancel(); }
    bool busy() const override { return m_model->busy(); }

    /// Opens files named after their roles (q.npy, k.npy, v.npy, x.npy, wq.npy …) as one input.
    bool openRoleFiles(const QStringList &paths, QString *error);
    /// Types `text` as the sentence (back to typed text if a file was shown).
    void setSentence(const QString &text);
    /// Model mode (a non-empty `description` of the loaded model): the sentence box feeds the
    /// model (modelSentenceEdited) instead of the built-in embeddings; disabled for an image model.
    /// Empty: synthetic mode. The mode line above the stages says which.
    void setModelMode(const QString &description, bool imageModel);
    bool modelMode() const { return m_modelMode; }
    QLabel *modeLine() const { return m_modeLine; }
    void showStage(Stage stage) { m_model->setStage(stage); }
    /// Play (Space): the stages one after another from the one shown, then the selected row's
    /// terms of A·V added one by one (stage_player.h); pause() stops, as does any change by hand.
    void play();
    void pause();
    bool isPlaying() const;
    StagePlayer *player() const { return m_player; }
    /// The line under the stage's explanation that shows the sum being built ("… 3 of 11 terms").
    QLabel *sumLine() const { return m_sumLine; }

    ExplorerModel *model() const { return m_model; }
    Stage stage() const { return m_model->stage(); }
    std::shared_ptr<const ExplorerState> state() const { return m_model->state(); }
    HeatmapView *heatmap(int i = 0) const { return m_views[std::size_t(i)]; }
    ControlsPanel *controls() const { return m_controls; }
    DetailPanel *detailPanel() const { return m_detail; }
    /// The neuron view of the selected query (explorer_page_neuron.cpp): a tab beside the
    /// computation of the cell, in the same dock.
    NeuronView *neuronView() const { return m_neuron; }
    QTabWidget *cellTabs() const { return m_cellTabs; }
    TokenStrip *tokenStrip() const { return m_tokens; }
    StageStepper *stepper() const { return m_stepper; }
    QSpinBox *layerBox() const { return m_layerBox; }
    /// The line that says whether a bundle's recomputed weights equal its own (empty otherwise).
    QString comparisonText() const;
    /// Every head's weights: head_<h>_weights.png and .npy into `dir`, all or nothing;
    /// `progress(done, total)` returning false cancels.
    bool exportAllHeads(const QString &dir, QString *error, const std::function<bool(int, int)> &progress = {});
    /// q, k, v, scores, scaled, masked, weights, output .npy of the shown head into `dir`.
    bool exportAllStages(const QString &dir, QString *error);
    /// frame_01_inputs.png … frame_07_output.png: each stage's heatmaps under the formula with
    /// the stage's part highlighted, and Q, K and V beside them (renderFrame).
    bool exportFrames(const QString &dir, QString *error);
    /// The heatmaps one frame shows: Inputs X (and C); Q, K, V the three; a later stage its
    /// matrix, then Q, K and V.
    std::vector<HeatmapView::Content> frameContents(Stage stage) const;
    /// One frame of `size` pixels: the formula on top, then frameContents side by side (a later
    /// stage's matrix large, Q, K, V stacked beside it). Null when nothing is computed.
    QImage renderFrame(Stage stage, QSize size) const;

    // ---- teaching (explorer_page_scaling.cpp) ----
    /// The formula line above the heatmaps.
    FormulaLine *formulaLine() const { return m_formula; }
    /// Shows (or hides) the comparison of 1/√d_k, 1/d_k and no scaling in place of the stage's
    /// heatmaps; the "Compare scalings" button follows.
    void showScaleComparison(bool on);
    bool scaleComparisonShown() const;
    /// The d_k the comparison shows (the scores rescaled as if the head had d_k dimensions).
    void setComparisonDk(int dk);
    ScaleComparisonView *comparisonView() const { return m_comparisonView; }
    QPushButton *compareButton() const { return m_compareButton; }

    /// Opens the built-in story ("en" or "zh_CN"; docs/story.md) at the weights stage with its
    /// pronoun selected, and shows its feature table.
    void showStory(const QString &lang);
    StoryPanel *storyPanel() const { return m_storyPanel; }
    WhatIfPanel *whatIfPanel() const { return m_whatIf; }
    /// Where the story's pronoun looks most ("“it” attends most to “animal” (0.77)"), or empty.
    QString storyVerdict() const;

signals:
    /// In model mode, the user changed the sentence: the window runs the model on it.
    void modelSentenceEdited(const QString &text);

protected:
    void changeEvent(QEvent *event) override;
    /// A low page gives the formula row's height to the heatmaps (the Stage menu still compares).
    void resizeEvent(QResizeEvent *event) override;

private:
    QWidget *createCentral();
    void createDocks();
    void createActions();
    // explorer_page_story.cpp: the story and "what if" docks, File → Examples, their undo steps.
    void createStoryDocks();
    void createExampleActions();
    void connectStory();
    void editStory(const StoryTable &after);
    void editOverrides(const std::vector<VectorOverride> &after);
    void onControlsChanged();
    void onParamsChanged();
    void onStateChanged();
    void render();
    void renderDetail();
    // explorer_page_neuron.cpp: the Cell and Neuron tabs of the right dock, and the neuron view.
    QTabWidget *createCellTabs();
    void renderNeuron();
    /// The Output stage's matrix while Play builds a row's sum (its partial sum instead).
    void applyPartialSum(std::vector<HeatmapView::Content> &contents);
    /// Sizes that follow the font (presenter mode): the stage row's and the token strip's heights.
    void fitHeightsToFont();
    void onCellHovered(int row, int col);
    ColormapId mapFor(const HeatmapView::Content &content) const;
    /// `content` with the view options applied: numbers in cells, and the fixed 0–1 scale for
    /// weights when chosen.
    HeatmapView::Content decorated(HeatmapView::Content content) const;
    QWidget *createTeachingRow(QWidget *parent);
    void updateComparison();
    void exportAllHeadsDialog();
    void exportFolderDialog(const QString &title, bool (ExplorerPage::*exporter)(const QString &, QString *),
                            const QString &done);

    ExplorerModel *m_model = nullptr;
    ViewOptions m_viewOptions;
    StageStepper *m_stepper = nullptr;
    QLabel *m_modeLine = nullptr;   ///< synthetic mode, or the model loaded
    bool m_modelMode = false, m_modelImage = false;
    QLabel *m_explanation = nullptr;
    QLabel *m_sumLine = nullptr;    ///< Play's partial sum of A·V, at the Output stage
    StagePlayer *m_player = nullptr;
    QLabel *m_comparison = nullptr; ///< a bundle's recomputed weights against its own
    QLabel *m_warnings = nullptr;   ///< the engine's warnings about the shown computation
    std::vector<HeatmapView *> m_views;
    QWidget *m_mapsBox = nullptr; ///< the stage's heatmaps, hidden while the comparison shows
    FormulaLine *m_formula = nullptr;
    QPushButton *m_compareButton = nullptr;
    QWidget *m_teachingRow = nullptr; ///< the formula and the Compare scalings button
    QAction *m_compareAction = nullptr; ///< Stage → Compare scalings, checked with the button
    ScaleComparisonView *m_comparisonView = nullptr;
    int m_comparisonDk = 0; ///< 0: the head's own d_k
    TokenStrip *m_tokens = nullptr;
    ControlsPanel *m_controls = nullptr;
    QSpinBox *m_layerBox = nullptr;
    QWidget *m_layerRow = nullptr;
    QLabel *m_layerLabel = nullptr; ///< "Bundle layer", or "Model layer" in model mode
    DetailPanel *m_detail = nullptr;
    NeuronView *m_neuron = nullptr;
    QTabWidget *m_cellTabs = nullptr; ///< the cell's computation and the neuron view
    StoryPanel *m_storyPanel = nullptr;
    WhatIfPanel *m_whatIf = nullptr;
    QString m_modeBeforeStory; ///< the mode line the story replaced
    QList<PageDock> m_docks;
    QList<QPointer<QDockWidget>> m_dockGuards; ///< the same docks, to know whether they still exist
    QMenu *m_stageMenu = nullptr;
    QList<QAction *> m_fileActions;
    QUndoStack *m_undo = nullptr;
    ExplorerParams m_lastParams; ///< the parameters as of the last undo step
    bool m_restoring = false;    ///< undo, redo or a session is setting the controls
    std::vector<std::string> m_paddingTokens; ///< the keys the Padded keys list shows
};

} // namespace attnscope
