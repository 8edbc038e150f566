#include "explorer_model.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>

#include "explorer_files.h"
#include "explorer_params.h"
#include "memory_budget.h"
#include "text.h"
#include "window_memory.h"

namespace attnscope {
namespace {

/// The size of `stage`'s first matrix (what the page's main heatmap shows).
std::pair<Eigen::Index, Eigen::Index> stageShape(const ExplorerState &s, Stage stage)
{
    const ExplorerSetup &setup = *s.setup;
    const auto &q = setup.inputs.q[std::size_t(s.result.head)];
    switch (stage) {
    case Stage::Inputs:
        return setup.x.size() == 0 ? std::pair{q.rows(), q.cols()} : std::pair{setup.x.rows(), setup.x.cols()};
    case Stage::Qkv:
        return {q.rows(), q.cols()};
    case Stage::Output:
        return {s.result.stages.output.rows(), s.result.stages.output.cols()};
    default:
        return {s.result.stages.weights.rows(), s.result.stages.weights.cols()};
    }
}

} // namespace

ExplorerModel::ExplorerModel(QObject *parent) : QObject(parent), m_textParams(rememberedTextParams())
{
    m_session = new ExplorerSession(this);
    connect(m_session, &ExplorerSession::ready, this, &ExplorerModel::onReady);
    connect(m_session, &ExplorerSession::failed, this, &ExplorerModel::failed);
    connect(m_session, &ExplorerSession::cancelled, this, &ExplorerModel::cancelled);
    connect(m_session, &ExplorerSession::busyChanged, this, &ExplorerModel::busyChanged);
}

void ExplorerModel::useText() { useText(m_textParams); }

void ExplorerModel::useText(const ExplorerParams &params)
{
    leaveStoryAndOverrides();
    m_setup.reset();
    m_bundle.reset();
    m_layer = -1;
    m_inputName.clear();
    m_textParams = params;
    m_inputIsNew = true;
    emit inputChanged();
    emit paramsChanged();
    recompute();
}

ExplorerParams ExplorerModel::fileParams(const ExplorerSetup &setup, const ExplorerParams &text)
{
    ExplorerParams p;
    p.text = text.text; // kept so that "back to typed text" and sessions keep the sentence
    p.context = text.context;
    p.heads = int(setup.inputs.q.size());
    p.dHead = setup.inputs.q.empty() ? 1 : int(setup.inputs.q[0].cols());
    p.dModel = setup.x.size() > 0 ? int(setup.x.cols()) : p.heads * p.dHead;
    p.cross = setup.crossAttention;
    p.mask = setup.inputs.mask.causal ? ExplorerParams::Mask::Causal : ExplorerParams::Mask::None;
    return p;
}

void ExplorerModel::useSetup(std::shared_ptr<const ExplorerSetup> setup, const QString &name)
{
    leaveStoryAndOverrides();
    m_bundle.reset();
    m_layer = -1;
    adoptSetup(std::move(setup), name);
}

void ExplorerModel::adoptSetup(std::shared_ptr<const ExplorerSetup> setup, const QString &name)
{
    m_setup = std::move(setup);
    m_fileParams = fileParams(*m_setup, m_textParams);
    m_inputName = name;
    m_inputIsNew = true;
    emit inputChanged();
    emit paramsChanged();
    recompute();
}

bool ExplorerModel::useBundle(std::shared_ptr<const AttentionBundle> bundle, int layer, QString *error)
{
    auto setup = setupFromBundle(*bundle, layer);
    if (!setup) {
        if (error)
            *error = QString::fromStdString(setup.error().message);
        return false;
    }
    const bool sameBundle = m_bundle == bundle;
    leaveStoryAndOverrides(); // another layer has other Q and K: the edited vectors go too
    const ExplorerParams kept = m_fileParams;
    m_layer = layer < 0 ? int(bundle->layers()) - 1 : layer;
    const QString name = QFileInfo(QString::fromStdString(bundle->path)).fileName();
    m_bundle = std::move(bundle);
    if (!sameBundle) {
        adoptSetup(std::make_shared<const ExplorerSetup>(std::move(setup.value())), name);
        return true;
    }
    // Another layer of the same bundle: the tokens, and so the selection, stay; so do the head,
    // scale and τ chosen; the mask is the new layer's own.
    m_setup = std::make_shared<const ExplorerSetup>(std::move(setup.value()));
    m_fileParams = fileParams(*m_setup, m_textParams);
    m_fileParams.head = std::min(kept.head, m_fileParams.heads - 1);
    m_fileParams.scale = kept.scale;
    m_fileParams.customScale = kept.customScale;
    m_fileParams.temperature = kept.temperature;
    emit paramsChanged();
    recompute();
    return true;
}

bool ExplorerModel::setLayer(int layer, QString *error)
{
    if (!m_bundle) {
        if (error)
            *error = tr("the Explorer shows no bundle, so it has no layers");
        return false;
    }
    if (layer < 0 || layer >= m_bundle->layers()) {
        if (error)
            *error = tr("layer %1 is not within 0..%2 of %3").arg(layer).arg(m_bundle->layers() - 1).arg(m_inputName);
        return false;
    }
    return layer == m_layer || useBundle(m_bundle, layer, error);
}

void ExplorerModel::setParams(const ExplorerParams &params)
{
    ExplorerParams p = params;
    if (m_setup) {
        const ExplorerParams &file = m_fileParams;
        p.text = file.text;
        p.context = file.context;
        p.cross = file.cross;
        p.dModel = file.dModel;
        p.dHead = file.dHead;
        p.heads = file.heads;
        p.seed = file.seed;
        p.head = std::clamp(p.head, 0, file.heads - 1);
    }
    ExplorerParams &current = m_setup ? m_fileParams : m_textParams;
    if (p == current)
        return;
    // A new sentence is a new input: the old selection would name another sentence's tokens.
    if (!m_setup && (p.text != current.text || p.context != current.context || p.cross != current.cross))
        m_inputIsNew = true;
    // Other tokens or other sizes: the hand-edited vectors no longer belong to this Q and K.
    if (!m_setup && (m_inputIsNew || p.dModel != current.dModel || p.dHead != current.dHead || p.heads != current.heads
                     || p.seed != current.seed) && !m_overrides.empty()) {
        m_overrides.clear();
        emit overridesChanged();
    }
    current = p;
    emit paramsChanged();
    recompute();
}

void ExplorerModel::setStage(Stage stage)
{
    if (stage == m_stage)
        return;
    m_stage = stage;
    fitSelection();
    emit stageChanged(stage);
}

void ExplorerModel::selectQuery(int row)
{
    if (!m_state || row < 0 || row >= int(m_state->setup->queryTokens.size()))
        return;
    m_query = row;
    if (m_row != row)
        m_row = m_col = -1;
    emit selectionChanged();
}

void ExplorerModel::selectCell(int row, int col)
{
    if (!m_state)
        return;
    const auto [rows, cols] = stageShape(*m_state, m_stage);
    if (row < 0 || col < 0 || row >= rows || col >= cols)
        return;
    m_row = row;
    m_col = col;
    if (row < int(m_state->setup->queryTokens.size()))
        m_query = row;
    emit selectionChanged();
}

void ExplorerModel::restoreSelection(int query, int row, int col)
{
    m_pendingSelection = std::array<int, 3>{query, row, col};
    if (m_state && !m_session->busy()) { // nothing left to compute: apply it now
        m_inputIsNew = false;
        onReady(m_state);
    }
}

std::pair<Eigen::Index, Eigen::Index> ExplorerModel::shownShape() const
{
    return m_state ? stageShape(*m_state, m_stage) : std::pair<Eigen::Index, Eigen::Index>{0, 0};
}

void ExplorerModel::fitSelection()
{
    if (!m_state) {
        m_query = m_row = m_col = -1;
        return;
    }
    const int queries = int(m_state->setup->queryTokens.size());
    const auto [rows, cols] = stageShape(*m_state, m_stage);
    if (m_query >= queries)
        m_query = queries > 0 ? 0 : -1;
    if (m_row >= rows || m_col >= cols || m_row < 0 || m_col < 0)
        m_row = m_col = -1;
}

bool ExplorerModel::useStory(const StoryTable &table, QString *error)
{
    auto setup = buildStorySetup(table);
    if (!setup) {
        if (error)
            *error = QString::fromStdString(setup.error().message);
        return false;
    }
    leaveStoryAndOverrides();
    m_bundle.reset();
    m_layer = -1;
    m_story = table; // before inputChanged, so that its receivers see the story
    adoptSetup(std::make_shared<const ExplorerSetup>(std::move(setup.value())), tr("the story"));
    emit storyChanged();
    return true;
}

bool ExplorerModel::setStoryTable(const StoryTable &table, QString *error)
{
    if (!m_story) {
        if (error)
            *error = tr("the Explorer does not show the story");
        return false;
    }
    auto setup = buildStorySetup(table);
    if (!setup || table.tokens != m_story->tokens) {
        if (error)
            *error = setup ? tr("story: the tokens cannot change") : QString::fromStdString(setup.error().message);
        return false;
    }
    m_story = table;
    m_setup = std::make_shared<const ExplorerSetup>(std::move(setup.value()));
    emit storyChanged();
    recompute();
    return true;
}

void ExplorerModel::setOverrides(const std::vector<VectorOverride> &overrides)
{
    if (overrides == m_overrides)
        return;
    m_overrides = overrides;
    emit overridesChanged();
    recompute();
}

void ExplorerModel::leaveStoryAndOverrides()
{
    if (m_story) {
        m_story.reset();
        emit storyChanged();
    }
    if (!m_overrides.empty()) {
        m_overrides.clear();
        emit overridesChanged();
    }
}

ExplorerRequest ExplorerModel::request() const
{
    const ExplorerParams &p = params();
    ExplorerRequest r;
    r.overrides = m_overrides;
    r.head = p.head;
    r.temperature = p.temperature;
    r.scale.mode = p.scale;
    r.scale.custom = p.customScale;
    if (m_setup) {
        auto setup = std::make_shared<ExplorerSetup>(*m_setup);
        // The mask is the parameters' choice, which started as the file's own (fileParams).
        setup->inputs.mask.causal = p.mask == ExplorerParams::Mask::Causal;
        if (p.mask == ExplorerParams::Mask::Padding && !p.paddedKeys.empty()) {
            setup->inputs.mask.keyPadding.assign(setup->keyTokens.size(), false);
            for (int j : p.paddedKeys)
                if (j >= 0 && std::size_t(j) < setup->keyTokens.size())
                    setup->inputs.mask.keyPadding[std::size_t(j)] = true;
        }
        r.fixedSetup = setup;
        return r;
    }
    TextScenario &s = r.scenario;
    s.tokens = tokenizeSentence(QString::fromStdString(p.text));
    if (p.cross)
        s.contextTokens = tokenizeSentence(QString::fromStdString(p.context));
    s.dModel = p.dModel;
    s.dHead = p.dHead;
    s.heads = p.heads;
    s.seed = p.seed;
    s.causal = p.mask == ExplorerParams::Mask::Causal;
    if (p.mask == ExplorerParams::Mask::Padding) {
        const int keys = int(p.cross ? s.contextTokens.size() : s.tokens.size());
        for (int j : p.paddedKeys)
            if (j >= 0 && j < keys)
                s.paddedKeys.push_back(j);
    }
    return r;
}

bool ExplorerModel::fitsBudget(const ExplorerRequest &r)
{
    std::int64_t tq = 0, tk = 0;
    const TextScenario &s = r.scenario;
    QString what;
    if (r.fixedSetup) {
        tq = std::int64_t(r.fixedSetup->queryTokens.size());
        tk = std::int64_t(r.fixedSetup->keyTokens.size());
        what = m_inputName.isEmpty() ? tr("the input") : m_inputName;
    } else {
        tq = std::int64_t(s.tokens.size());
        tk = s.contextTokens.empty() ? tq : std::int64_t(s.contextTokens.size());
        what = tr("the sentence");
    }
    const bool text = !r.fixedSetup;
    const std::uint64_t bytes = explorerBytes(tq, tk, text ? s.dModel : 0, text ? s.dHead : 0, text ? s.heads : 0);
    const QString label = tr("%1 (%2 × %3 tokens)").arg(what).arg(tq).arg(tk);
    if (auto fits = checkWindowBudget(bytes, label.toStdString()); !fits) {
        emit failed(tr("%1; the previous result stays shown.").arg(QString::fromStdString(fits.error().message)));
        return false;
    }
    return true;
}

void ExplorerModel::recompute()
{
    const ExplorerRequest r = request();
    if (fitsBudget(r))
        m_session->request(r);
}

void ExplorerModel::onReady(std::shared_ptr<const ExplorerState> state)
{
    m_state = std::move(state);
    if (!m_setup)
        rememberTextParams(m_textParams); // what computed is what the next run starts with
    if (m_setup && m_fileParams.heads != int(m_state->setup->inputs.q.size())) {
        m_fileParams.heads = int(m_state->setup->inputs.q.size());
        emit paramsChanged();
    }
    if (m_inputIsNew) {
        m_query = m_state->setup->queryTokens.empty() ? -1 : 0; // a tinted sentence from the start
        m_row = m_col = -1;
        m_inputIsNew = false;
    }
    if (m_pendingSelection) {
        std::tie(m_query, m_row, m_col) = std::tuple{(*m_pendingSelection)[0], (*m_pendingSelection)[1], (*m_pendingSelection)[2]};
        m_pendingSelection.reset();
    }
    fitSelection();
    compareWithBundle();
    emit stateChanged();
}

void ExplorerModel::compareWithBundle()
{
    m_comparison.clear();
    m_difference = std::nan("");
    if (!m_bundle || m_layer < 0 || !m_state)
        return;
    const int h = m_state->result.head;
    if (h >= m_bundle->heads())
        return;
    const Mat<double> stored = m_bundle->attentions.matrix<double>(std::int64_t(m_layer) * m_bundle->heads() + h);
    const Mat<double> &mine = m_state->result.stages.weights;
    if (stored.rows() != mine.rows() || stored.cols() != mine.cols())
        return;
    m_difference = (stored - mine).cwiseAbs().maxCoeff();
    const QString delta = QString::number(m_difference, 'g', 2);
    m_comparison = m_difference <= 1e-5
                       ? tr("The recomputed weights equal the bundle's attentions for layer %1, head %2 (max |Δ| %3).")
                             .arg(m_layer).arg(h).arg(delta)
                       : tr("The recomputed weights differ from the bundle's attentions for layer %1, head %2 (max |Δ| %3): "
                            "the scale, temperature or mask chosen here is not the model's.")
                             .arg(m_layer).arg(h).arg(delta);
}

} // namespace attnscope
