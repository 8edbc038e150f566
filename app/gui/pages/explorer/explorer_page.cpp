#include "explorer_page.h"

#include <QAction>
#include <QDockWidget>
#include <QEvent>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPointer>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <cmath>
#include <optional>

#include "controls_panel.h"
#include "detail_panel.h"
#include "explain.h"
#include "explorer_files.h"
#include "explorer_params.h"
#include "formula_line.h"
#include "heatmap_view.h"
#include "picture_export.h"
#include "scale_comparison_view.h"
#include "session_values.h"
#include "settings.h"
#include "stage_content.h"
#include "stage_player.h"
#include "stage_stepper.h"
#include "token_strip.h"

namespace attnscope {
namespace {

/// One change of the parameters, undone by setting them back. Typing in a text field merges into
/// one step.
class ParameterChange : public QUndoCommand {
public:
    ParameterChange(std::function<void(const ExplorerParams &)> apply, ExplorerParams before, ExplorerParams after)
        : m_apply(std::move(apply)), m_before(std::move(before)), m_after(std::move(after))
    {
        setText(QObject::tr("parameter change"));
    }
    void undo() override { m_apply(m_before); }
    void redo() override
    {
        if (!m_first)
            m_apply(m_after);
        m_first = false;
    }
    int id() const override { return 1; }
    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *o = static_cast<const ParameterChange *>(other);
        if (!onlyTextDiffers(m_after, o->m_after) || !onlyTextDiffers(m_before, m_after))
            return false;
        m_after = o->m_after;
        return true;
    }

private:
    static bool onlyTextDiffers(ExplorerParams a, const ExplorerParams &b)
    {
        a.text = b.text;
        a.context = b.context;
        return a == b;
    }
    std::function<void(const ExplorerParams &)> m_apply;
    ExplorerParams m_before, m_after;
    bool m_first = true;
};

} // namespace

ExplorerPage::ExplorerPage(QWidget *parent) : Page(parent)
{
    setObjectName("explorerPage");
    m_model = new ExplorerModel(this);
    m_player = new StagePlayer(m_model, this);
    connect(m_player, &StagePlayer::sumChanged, this, &ExplorerPage::render);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(createCentral());
    createDocks();
    createActions();
    connect(m_model, &ExplorerModel::stateChanged, this, &ExplorerPage::onStateChanged);
    connect(m_model, &ExplorerModel::stageChanged, this, [this](Stage s) {
        m_stepper->setStage(s);
        if (!m_restoring)
            emit modified();
        render();
    });
    connect(m_model, &ExplorerModel::selectionChanged, this, &ExplorerPage::render);
    connect(m_model, &ExplorerModel::paramsChanged, this, &ExplorerPage::onParamsChanged);
    connect(m_model, &ExplorerModel::inputChanged, this, [this] {
        m_undo->clear(); // the steps belonged to the previous input's parameters
        m_controls->setTextMode(!m_model->isFileInput());
        if (m_modelMode) // the sentence runs through the model; its sizes are the model's
            m_controls->textEdit()->setEnabled(!m_modelImage);
    });
    connect(m_model, &ExplorerModel::failed, this, &Page::failed);
    connect(m_model, &ExplorerModel::failed, this, [this](const QString &m) { emit statusMessage(m, 0); });
    connect(m_model, &ExplorerModel::cancelled, this,
            [this] { emit statusMessage(tr("Computation cancelled; the previous result stays shown."), 8000); });
    connect(m_model, &ExplorerModel::busyChanged, this, &Page::busyChanged);
    connect(m_controls, &ControlsPanel::changed, this, &ExplorerPage::onControlsChanged);
    connectStory();
    m_controls->setValues(m_model->params());
    m_lastParams = m_model->params();
    m_model->useText(); // a new window computes the sentence typed last time
}

ExplorerPage::~ExplorerPage()
{
    // The docks are ours until a window adds them; then it owns them and may have deleted them.
    for (const QPointer<QDockWidget> &dock : std::as_const(m_dockGuards))
        if (dock && !dock->parent())
            delete dock;
}

QString ExplorerPage::title() const { return tr("&Explorer: stage by stage"); }

QWidget *ExplorerPage::createCentral()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    // Which mode the Explorer is in: the built-in embeddings, or a real model's layer.
    m_modeLine = new QLabel(central);
    m_modeLine->setObjectName("modeLine");
    m_modeLine->setWordWrap(true);
    m_modeLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_modeLine->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(m_modeLine);
    setModelMode(QString(), false);
    m_stepper = new StageStepper(central);
    // In a narrow window the row of stage buttons scrolls rather than widening the window.
    auto *stepperScroll = new QScrollArea(central);
    stepperScroll->setWidget(m_stepper);
    stepperScroll->setWidgetResizable(true);
    stepperScroll->setFrameShape(QFrame::NoFrame);
    stepperScroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    stepperScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    stepperScroll->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    stepperScroll->setFixedHeight(m_stepper->sizeHint().height() + stepperScroll->horizontalScrollBar()->sizeHint().height());
    layout->addWidget(stepperScroll);
    m_explanation = new QLabel(central);
    m_explanation->setObjectName("stageExplanation");
    m_explanation->setWordWrap(true);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_explanation->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_explanation->setFont(big);
    m_explanation->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_explanation);
    layout->addWidget(createTeachingRow(central));
    m_sumLine = new QLabel(central);
    m_sumLine->setObjectName("sumLine");
    m_sumLine->setWordWrap(true);
    m_sumLine->setContentsMargins(6, 0, 6, 4);
    m_sumLine->setVisible(false);
    layout->addWidget(m_sumLine);
    const auto line = [central, layout](const char *name, const QString &style) {
        auto *label = new QLabel(central);
        label->setObjectName(name);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setStyleSheet(style);
        label->setContentsMargins(6, 0, 6, 0);
        label->setVisible(false);
        layout->addWidget(label);
        return label;
    };
    m_comparison = line("bundleComparison", QString());
    m_warnings = line("explorerWarnings", QStringLiteral("color: #b00020"));
    m_mapsBox = new QWidget(central);
    auto *maps = new QHBoxLayout(m_mapsBox);
    maps->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < 3; ++i) {
        auto *view = new HeatmapView(m_mapsBox);
        view->setObjectName(QStringLiteral("heatmap%1").arg(i));
        maps->addWidget(view, 1);
        m_views.push_back(view);
    }
    connect(m_views[0], &HeatmapView::cellHovered, this, &ExplorerPage::onCellHovered);
    connect(m_views[0], &HeatmapView::cellClicked, m_model, &ExplorerModel::selectCell);
    layout->addWidget(m_mapsBox, 1);
    layout->addWidget(m_comparisonView, 1);
    m_tokens = new TokenStrip(central);
    m_tokens->setObjectName("tokenStrip");
    m_tokens->setToolTip(tr("The keys, tinted by how much the selected query attends to each; click one to select it as the query"));
    // Two lines of tokens; a low window gives the heatmap the height first.
    m_tokens->setMaximumHeight(m_tokens->fontMetrics().height() * 2 + 24);
    m_tokens->setMinimumHeight(m_tokens->fontMetrics().height() + 12);
    layout->addWidget(m_tokens);
    connect(m_tokens, &TokenStrip::tokenClicked, this, [this](int i) {
        if (m_model->state() && !m_model->state()->setup->crossAttention)
            m_model->selectQuery(i);
    });
    connect(m_stepper, &StageStepper::stageRequested, m_model, &ExplorerModel::setStage);
    return central;
}

void ExplorerPage::createDocks()
{
    auto *column = new QWidget;
    auto *layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    m_layerRow = new QWidget(column);
    auto *layerForm = new QFormLayout(m_layerRow);
    m_layerBox = new QSpinBox(m_layerRow);
    m_layerBox->setObjectName("explorerLayer");
    m_layerBox->setToolTip(tr("The bundle's layer whose q, k and v the stages are computed from (0 is the first)"));
    m_layerLabel = new QLabel(tr("Bundle &layer"), m_layerRow);
    m_layerLabel->setBuddy(m_layerBox);
    layerForm->addRow(m_layerLabel, m_layerBox);
    m_layerRow->setVisible(false);
    layout->addWidget(m_layerRow);
    connect(m_layerBox, &QSpinBox::valueChanged, this, [this](int layer) {
        if (m_restoring || layer == m_model->layer())
            return;
        QString error;
        if (!m_model->setLayer(layer, &error))
            emit statusMessage(error, 8000);
        emit modified();
    });
    m_controls = new ControlsPanel(column);
    layout->addWidget(m_controls);
    auto *scroll = new QScrollArea;
    scroll->setWidget(column);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Wide enough for the controls, but a narrow window may take it down to a usable minimum.
    scroll->setMinimumWidth(std::min(150, m_controls->sizeHint().width()));
    auto *left = new QDockWidget(tr("Parameters"));
    left->setObjectName("parametersDock");
    left->setWidget(scroll);
    m_docks << PageDock{left, Qt::LeftDockWidgetArea};

    m_detail = new DetailPanel;
    m_detail->setObjectName("detailPanel");
    m_detail->setMinimumWidth(100);
    auto *right = new QDockWidget(tr("Computation of the cell"));
    right->setObjectName("detailDock");
    right->setWidget(createCellTabs());
    m_docks << PageDock{right, Qt::RightDockWidgetArea, true};
    m_dockGuards = {left, right};
    createStoryDocks();
}

void ExplorerPage::createActions()
{
    m_undo = new QUndoStack(this);
    m_stageMenu = new QMenu(tr("&Stage"), this);
    m_stageMenu->setObjectName("stageMenu");
    // Page Up and Page Down are the window's (MainWindow::stepBack/stepForward: a clicker's keys).
    QAction *back = m_stageMenu->addAction(tr("&Back"), m_stepper, &StageStepper::back);
    back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    back->setObjectName("stageBack");
    QAction *next = m_stageMenu->addAction(tr("&Next"), m_stepper, &StageStepper::next);
    next->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    next->setObjectName("stageNext");
    m_stageMenu->addSeparator();
    m_stageMenu->addAction(m_compareAction);
    m_stageMenu->addSeparator();
    for (int i = 0; i < StageStepper::kCount; ++i) {
        QAction *a = m_stageMenu->addAction(StageStepper::title(Stage(i)), m_model, [this, i] { m_model->setStage(Stage(i)); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    QAction *backToText = new QAction(tr("Back to &typed text"), this);
    backToText->setObjectName("backToText");
    backToText->setToolTip(tr("Leave the tensors from files and compute from the sentence again"));
    connect(backToText, &QAction::triggered, this, [this] {
        m_model->useText();
        emit modified();
    });
    m_fileActions << backToText;
    createExampleActions();
}

int ExplorerPage::claims(const QString &path) const
{
    (void)path;
    return 1; // text and tensor files: what no other page claims
}

bool ExplorerPage::openInput(PageInput &input, QString *error)
{
    if (input.paths.size() > 1)
        return openRoleFiles(input.paths, error);
    const QString path = input.paths.value(0);
    auto opened = openExplorerFile(path.toStdString());
    if (!opened)
        return failWith(error, QString::fromStdString(opened.error().message));
    if (!opened->setup && input.fromSession && input.kind == SessionState::InputKind::Files)
        return failWith(error, tr("%1 is not a tensor file with q, k, v (or x, wq, wk, wv) arrays, which the session names it as")
                                   .arg(QDir::toNativeSeparators(path)));
    if (!opened->setup) {
        input.kind = SessionState::InputKind::Text;
        setSentence(QString::fromStdString(opened->sentence));
        return true;
    }
    input.kind = SessionState::InputKind::Files;
    m_model->useSetup(opened->setup, QFileInfo(path).fileName());
    return true;
}

bool ExplorerPage::openRoleFiles(const QStringList &paths, QString *error)
{
    std::vector<std::string> files;
    for (const QString &p : paths)
        files.push_back(p.toStdString());
    auto setup = setupFromRoleFiles(files);
    if (!setup)
        return failWith(error, QString::fromStdString(setup.error().message));
    m_model->useSetup(std::make_shared<const ExplorerSetup>(std::move(setup.value())),
                      QFileInfo(paths.value(0)).dir().dirName());
    return true;
}

void ExplorerPage::setModelMode(const QString &description, bool imageModel)
{
    m_modelMode = !description.isEmpty();
    m_modelImage = imageModel;
    if (m_modelMode)
        m_modeLine->setText(imageModel ? tr("<b>Model:</b> %1 — the image's patches through the model's layers; choose the layer and head.").arg(description.toHtmlEscaped())
                                       : tr("<b>Model:</b> %1 — the sentence runs through the model; its real Q, K, V at the layer chosen.").arg(description.toHtmlEscaped()));
    else
        m_modeLine->setText(tr("<b>Synthetic mode:</b> built-in embeddings and seeded random projections, to show the mechanism. File → Open Model… shows a real model."));
    m_modeLine->setStyleSheet(m_modelMode ? QStringLiteral("background: #e3f2e1; border-radius: 3px")
                                          : QStringLiteral("background: #eeeeee; border-radius: 3px"));
    if (m_modelMode) {
        m_controls->textEdit()->setEnabled(!imageModel);
        m_controls->textEdit()->setToolTip(imageModel ? tr("An image model reads no sentence: File → Run the Model on an Image…")
                                                      : tr("The sentence the model runs on"));
    }
    if (m_layerLabel)
        m_layerLabel->setText(m_modelMode ? tr("Model &layer") : tr("Bundle &layer"));
}

void ExplorerPage::followInput(const PageInput &input)
{
    if (input.kind == SessionState::InputKind::Model && input.bundle && input.bundle->hasQkv()) {
        // The next run of the same model keeps the layer and head looked at.
        const AttentionBundle *old = m_model->bundle();
        const bool same = old && old->model == input.bundle->model && old->layers() == input.bundle->layers();
        const int layer = same ? m_model->layer() : -1, head = m_model->params().head;
        QString error;
        if (!m_model->useBundle(input.bundle, layer, &error)) {
            emit statusMessage(error, 8000);
            return;
        }
        if (same && head < m_model->params().heads) {
            ExplorerParams p = m_model->params();
            p.head = head;
            m_model->setParams(p);
        }
        return;
    }
    if (input.kind == SessionState::InputKind::Bundle && input.bundle && input.bundle->hasQkv()) {
        QString error;
        if (!m_model->useBundle(input.bundle, -1, &error))
            emit statusMessage(error, 8000);
        return;
    }
    // Tensors of an input that is no longer the window's would be saved as nobody's.
    if (m_model->isFileInput())
        m_model->useText();
}

void ExplorerPage::setSentence(const QString &text)
{
    ExplorerParams p = m_model->textParams();
    // The line edit's limit is what a sentence may be; a longer one is cut, and said so.
    m_controls->textEdit()->setText(text);
    const QString kept = m_controls->textEdit()->text();
    if (kept.size() < text.size())
        emit statusMessage(tr("The sentence was cut to its first %1 of %2 characters.").arg(kept.size()).arg(text.size()), 0);
    p.text = kept.toStdString();
    m_model->useText(p);
}

bool ExplorerPage::setLayerHead(int layer, int head, QString *error)
{
    if (layer >= 0 && m_model->bundle() && !m_model->setLayer(layer, error))
        return false;
    if (head >= 0) {
        ExplorerParams p = m_model->params();
        if (head >= p.heads)
            return failWith(error, tr("head %1 is not within 0..%2 of the Explorer's input").arg(head).arg(p.heads - 1));
        p.head = head;
        m_model->setParams(p);
    }
    return true;
}

void ExplorerPage::onControlsChanged()
{
    const ExplorerParams now = m_controls->values();
    if (m_restoring)
        return;
    if (m_modelMode && now.text != m_model->params().text) { // the model, not the embeddings, reads it
        m_model->setModelSentence(now.text);
        emit modelSentenceEdited(QString::fromStdString(now.text));
        emit modified();
    }
    if (!(now == m_lastParams)) {
        m_undo->push(new ParameterChange(
            [this](const ExplorerParams &p) {
                m_restoring = true;
                m_model->setParams(p);
                m_restoring = false;
            },
            m_lastParams, now));
        emit modified();
    }
    m_lastParams = now;
    m_model->setParams(now);
}

void ExplorerPage::onParamsChanged()
{
    const bool was = m_restoring;
    m_restoring = true;
    m_controls->setValues(m_model->params());
    m_lastParams = m_controls->values();
    m_layerRow->setVisible(m_model->bundle() != nullptr);
    if (const AttentionBundle *b = m_model->bundle()) {
        m_layerBox->setRange(0, int(b->layers()) - 1);
        m_layerBox->setValue(m_model->layer());
    }
    m_restoring = was;
}

void ExplorerPage::onStateChanged()
{
    const auto state = m_model->state();
    if (state->setup->keyTokens != m_paddingTokens) { // rebuilding the list on every keystroke is not free
        m_paddingTokens = state->setup->keyTokens;
        m_controls->setKeyTokens(toQStringList(m_paddingTokens));
    }
    m_controls->setHeadCount(int(state->setup->inputs.q.size()));
    // Every warning the engine returns (fully masked rows, non-finite inputs or results), until
    // the next computation: a status-bar message would be overwritten by the next hover.
    QStringList warnings;
    for (const auto &w : state->result.warnings)
        warnings << tr("Warning: %1").arg(QString::fromStdString(w));
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
    m_comparison->setText(m_model->bundleComparison());
    m_comparison->setVisible(!m_model->bundleComparison().isEmpty());
    m_comparison->setStyleSheet(m_model->bundleDifference() > 1e-5 ? QStringLiteral("color: #b00020") : QString());
    emit statusMessage(tr("%1 × %2, computed in %3 ms")
                           .arg(state->setup->queryTokens.size())
                           .arg(state->setup->keyTokens.size())
                           .arg(state->computeMs, 0, 'f', 1),
                       0);
    if (!warnings.isEmpty())
        emit statusMessage(warnings.join(QStringLiteral("; ")), 8000);
    render();
    emit shown();
}

QString ExplorerPage::comparisonText() const { return m_model->bundleComparison(); }

ColormapId ExplorerPage::mapFor(const HeatmapView::Content &content) const
{
    return content.diverging ? ColormapId::Coolwarm : m_viewOptions.colormap;
}

void ExplorerPage::render()
{
    const auto state = m_model->state();
    if (!state)
        return;
    const Stage stage = m_model->stage();
    auto contents = stageContents(*state, stage);
    applyPartialSum(contents);
    for (std::size_t i = 0; i < m_views.size(); ++i) {
        HeatmapView *v = m_views[i];
        v->setVisible(i < contents.size());
        if (i >= contents.size())
            continue;
        v->setColormap(mapFor(contents[i]));
        if (v->reduction() != m_viewOptions.reduction)
            v->setReduction(m_viewOptions.reduction);
        v->setContent(decorated(contents[i]));
    }
    const int query = m_model->selectedQuery();
    m_views[0]->setHighlightedRow(query);
    m_views[0]->setSelectedCell(m_model->selectedRow(), m_model->selectedCol());
    m_explanation->setText(stageExplanation(*state, stage));
    m_formula->setScale(state->scale, state->temperature);
    m_formula->setStage(stage);
    if (scaleComparisonShown())
        updateComparison();

    // The token strip: where the selected query looks.
    std::vector<double> weights;
    QString queryText;
    if (query >= 0) {
        const auto row = state->result.stages.weights.row(query);
        weights.assign(row.data(), row.data() + row.size());
        queryText = QString::fromStdString(state->setup->queryTokens[std::size_t(query)]);
    }
    m_tokens->setTokens(toQStringList(state->setup->keyTokens), weights, query, queryText, m_viewOptions.colormap);
    renderDetail();
    renderNeuron();
}

void ExplorerPage::renderDetail()
{
    const auto state = m_model->state();
    const int row = m_model->selectedRow(), col = m_model->selectedCol();
    if (!state || row < 0 || col < 0) {
        m_detail->showHint(tr("Click a cell of the heatmap (or move to it with the arrow keys and press Enter) to see its "
                              "computation with real numbers."));
        return;
    }
    const Stage stage = m_model->stage();
    const auto &setup = *state->setup;
    if (stage == Stage::Inputs || stage == Stage::Qkv) {
        const auto contents = stageContents(*state, stage);
        const Mat<double> &m = *contents.front().values;
        m_detail->setHtml(tr("<h3>%1</h3><p>row <b>%2</b> (%3), dimension %4</p><p>value <b>%5</b></p>")
                              .arg(contents.front().title.toHtmlEscaped())
                              .arg(row)
                              .arg(contents.front().rowLabels.value(row).toHtmlEscaped())
                              .arg(col)
                              .arg(m(row, col), 0, 'g', 6));
        return;
    }
    const CellExplanation e = explainCell(setup, state->result.head, state->scale, state->temperature, stage, row, col);
    const QString key = stage == Stage::Output ? tr("dimension %1").arg(col) : QString::fromStdString(setup.keyTokens[std::size_t(col)]);
    m_detail->showCell(e, QString::fromStdString(setup.queryTokens[std::size_t(row)]), key);
}

void ExplorerPage::onCellHovered(int row, int col)
{
    const auto state = m_model->state();
    if (!state || row < 0) {
        emit statusMessage(QString(), 0);
        return;
    }
    emit statusMessage(hoverText(*state, m_model->stage(), row, col), 0);
}

void ExplorerPage::changeEvent(QEvent *event)
{
    Page::changeEvent(event);
    if (event->type() == QEvent::FontChange) { // presenter mode: the labels are laid out anew
        render();
        QTimer::singleShot(0, this, &ExplorerPage::fitHeightsToFont); // once every child has its font
    }
}

void ExplorerPage::fitHeightsToFont()
{
    if (auto *scroll = qobject_cast<QScrollArea *>(m_stepper->parentWidget() ? m_stepper->parentWidget()->parentWidget() : nullptr))
        scroll->setFixedHeight(m_stepper->sizeHint().height() + scroll->horizontalScrollBar()->sizeHint().height());
    m_tokens->setMaximumHeight(m_tokens->fontMetrics().height() * 2 + 24);
    m_tokens->setMinimumHeight(m_tokens->fontMetrics().height() + 12);
}

void ExplorerPage::play() { m_player->play(); }
void ExplorerPage::pause() { m_player->pause(); }
bool ExplorerPage::isPlaying() const { return m_player->isPlaying(); }

void ExplorerPage::applyPartialSum(std::vector<HeatmapView::Content> &contents)
{
    const auto state = m_model->state();
    const bool summing = state && m_model->stage() == Stage::Output && m_player->sumRow() >= 0 && !contents.empty();
    m_sumLine->setVisible(summing);
    if (!summing)
        return;
    const int row = m_player->sumRow(), terms = m_player->sumTerms();
    contents.front().values = std::make_shared<const Mat<double>>(partialOutput(*state, row, terms));
    contents.front().title = tr("%1 — row %2 summed term by term").arg(contents.front().title).arg(row);
    m_sumLine->setText(partialSumText(*state, row, terms));
}

} // namespace attnscope
