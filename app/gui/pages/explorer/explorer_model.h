#pragma once

#include <QObject>
#include <QString>

#include <array>
#include <cmath>
#include <memory>
#include <optional>

#include "bundle.h"
#include "explorer_session.h"
#include "story.h"

namespace attnscope {

/// The Explorer without widgets: its input (typed text, or tensors from files, or a bundle's
/// q/k/v at one layer), its typed parameters, the stage shown, the selection, and the computed
/// state these give (off the GUI thread, through ExplorerSession). The page draws what this holds;
/// tests drive it directly.
///
/// Invariants, after every change has been computed:
/// - the selection refers to the state shown: a selected cell lies inside the shown stage's first
///   matrix and selectedQuery() inside its rows, or they are -1 — a new input clears both, new
///   parameters or another stage keep them only while they still fit;
/// - an input brings its own parameters: typed text uses the remembered text parameters; a file
///   starts from what the file says (its heads, d_head, 1/√d_head, τ = 1, a causal mask exactly
///   when it says so) and nothing typed for text leaks into it, nor back.
class ExplorerModel : public QObject {
    Q_OBJECT
public:
    explicit ExplorerModel(QObject *parent = nullptr);

    // ---- input ----
    /// Computes from the typed text and the text parameters (remembered ones, or `params`).
    void useText();
    void useText(const ExplorerParams &params);
    /// Computes from tensors read from a file called `name`, starting from the parameters it brings.
    void useSetup(std::shared_ptr<const ExplorerSetup> setup, const QString &name);
    /// Computes from layer `layer` (-1: the last) of a bundle with q/k/v; false with a message
    /// (and nothing changed) when it has none or the layer is out of range.
    bool useBundle(std::shared_ptr<const AttentionBundle> bundle, int layer, QString *error);
    bool isFileInput() const { return m_setup != nullptr; }
    /// Computes the built-in story from `table` (docs/story.md): a new input, shown as tensors
    /// with the story's one head. False with a message (and nothing changed) for a bad table.
    bool useStory(const StoryTable &table, QString *error = nullptr);
    /// While the story is shown: its feature table edited; the tokens, selection and overrides
    /// stay. False with a message (and nothing changed) without a story or for a bad table.
    bool setStoryTable(const StoryTable &table, QString *error = nullptr);
    /// The story's feature table, or null when the story is not the input.
    const StoryTable *story() const { return m_story ? &*m_story : nullptr; }

    // ---- what if ----
    /// Hand-edited rows of Q or K, applied before the scores. A new input (or a new sentence or
    /// new sizes of typed text) clears them.
    const std::vector<VectorOverride> &overrides() const { return m_overrides; }
    void setOverrides(const std::vector<VectorOverride> &overrides);
    /// Model mode: `text` is the sentence the model runs on; kept as the typed text's and the
    /// shown bundle's sentence (sessions save it), without computing anything here.
    void setModelSentence(const std::string &text)
    {
        m_textParams.text = text;
        m_fileParams.text = text;
    }
    /// The bundle whose q/k/v are shown, or null.
    const AttentionBundle *bundle() const { return m_bundle.get(); }
    QString inputName() const { return m_inputName; }
    /// The bundle's layer shown (0-based), or -1 without a bundle.
    int layer() const { return m_layer; }
    bool setLayer(int layer, QString *error);

    // ---- parameters ----
    const ExplorerParams &params() const { return m_setup ? m_fileParams : m_textParams; }
    /// The parameters typed text computes with (kept while a file is shown).
    const ExplorerParams &textParams() const { return m_textParams; }
    /// Sets the parameters of the present input and recomputes. For a file, the model fields
    /// (text, d_model, d_head, heads, seed) stay the file's.
    void setParams(const ExplorerParams &params);
    /// The parameters a file's tensors bring (see the class comment).
    static ExplorerParams fileParams(const ExplorerSetup &setup, const ExplorerParams &text);

    // ---- stage and selection ----
    Stage stage() const { return m_stage; }
    void setStage(Stage stage);
    int selectedQuery() const { return m_query; }
    /// Selects query `row`; a selected cell on another row is let go (the panel would show a cell
    /// of a row that is no longer the selected one).
    void selectQuery(int row);
    int selectedRow() const { return m_row; }
    int selectedCol() const { return m_col; }
    /// Selects a cell of the shown stage's first matrix (and its row as the query); out of range:
    /// ignored.
    void selectCell(int row, int col);
    /// A session's selection, applied once its computation is shown.
    void restoreSelection(int query, int row, int col);

    // ---- what is shown ----
    std::shared_ptr<const ExplorerState> state() const { return m_state; }
    /// The shown stage's first matrix's size, rows × cols (0 × 0 before the first state).
    std::pair<Eigen::Index, Eigen::Index> shownShape() const;
    /// For a bundle's stages: whether the recomputed weights of the shown head equal the bundle's
    /// stored attentions, "equal the bundle's attentions (max |Δ| 3.0e-08)" or "differ …"; empty
    /// otherwise.
    QString bundleComparison() const { return m_comparison; }
    /// max |recomputed − stored| of the shown head (NaN without a bundle).
    double bundleDifference() const { return m_difference; }

    void cancel() { m_session->cancel(); }
    bool busy() const { return m_session->busy(); }

signals:
    /// A new state is shown (after its selection was fitted to it).
    void stateChanged();
    void stageChanged(attnscope::Stage stage);
    void selectionChanged();
    /// params() changed: by setParams, a new input, or the head count a file fixes.
    void paramsChanged();
    /// The input changed (text or file); state() still shows the previous one until computed.
    void inputChanged();
    void failed(const QString &message);
    void cancelled();
    void busyChanged(bool busy);
    /// The story's feature table changed (or the story was left).
    void storyChanged();
    /// overrides() changed (set, or cleared by a new input).
    void overridesChanged();

private:
    void adoptSetup(std::shared_ptr<const ExplorerSetup> setup, const QString &name);
    void recompute();
    ExplorerRequest request() const;
    bool fitsBudget(const ExplorerRequest &r);
    void onReady(std::shared_ptr<const ExplorerState> state);
    void fitSelection();
    void compareWithBundle();
    void leaveStoryAndOverrides();

    ExplorerSession *m_session = nullptr;
    std::shared_ptr<const ExplorerState> m_state;
    ExplorerParams m_textParams, m_fileParams;
    std::shared_ptr<const ExplorerSetup> m_setup; ///< tensors from files, or null for text
    std::shared_ptr<const AttentionBundle> m_bundle;
    std::optional<StoryTable> m_story;
    std::vector<VectorOverride> m_overrides;
    QString m_inputName;
    int m_layer = -1;
    Stage m_stage = Stage::Weights;
    int m_query = -1, m_row = -1, m_col = -1;
    bool m_inputIsNew = true; ///< the next state belongs to a new input: the selection starts over
    std::optional<std::array<int, 3>> m_pendingSelection;
    QString m_comparison;
    double m_difference = std::nan("");
};

} // namespace attnscope
