#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLockFile>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include "about_box.h"
#include "attention_page.h"
#include "image_page.h"
#include "bundle.h"
#include "controls_panel.h"
#include "detail_panel.h"
#include "explain.h"
#include "heatmap_view.h"
#include "session_values.h"
#include "settings.h"
#include "stage_content.h"
#include "stage_stepper.h"
#include "text.h"
#include "token_strip.h"

namespace attnscope {
namespace {

/// One change of the parameters, undone by restoring the controls. Typing in a text field
/// merges into one step.
class ParameterChange : public QUndoCommand {
public:
    ParameterChange(std::function<void(const ControlValues &)> apply, ControlValues before, ControlValues after)
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
        const bool typing = onlyTextDiffers(m_after, o->m_after) && onlyTextDiffers(m_before, m_after);
        if (!typing)
            return false;
        m_after = o->m_after;
        return true;
    }

private:
    static bool onlyTextDiffers(ControlValues a, const ControlValues &b)
    {
        a.text = b.text;
        a.context = b.context;
        return a == b;
    }
    std::function<void(const ControlValues &)> m_apply;
    ControlValues m_before, m_after;
    bool m_first = true;
};

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("AttnScope[*]"));
    setObjectName("mainWindow");
    setAcceptDrops(true);
    m_baseFont = QApplication::font();
    m_session = new ExplorerSession(this);
    connect(m_session, &ExplorerSession::ready, this, &MainWindow::onReady);
    connect(m_session, &ExplorerSession::failed, this, &MainWindow::reportFailure);
    connect(m_session, &ExplorerSession::cancelled, this, [this] {
        statusBar()->showMessage(tr("Computation cancelled; the previous result stays shown."), 8000);
    });

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    m_stepper = new StageStepper(central);
    layout->addWidget(m_stepper);
    m_explanation = new QLabel(central);
    m_explanation->setObjectName("stageExplanation");
    m_explanation->setWordWrap(true);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_explanation->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_explanation->setFont(big);
    m_explanation->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_explanation);
    m_warnings = new QLabel(central);
    m_warnings->setObjectName("explorerWarnings");
    m_warnings->setWordWrap(true);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warnings->setStyleSheet(QStringLiteral("color: #b00020"));
    m_warnings->setContentsMargins(6, 0, 6, 0);
    m_warnings->setVisible(false);
    layout->addWidget(m_warnings);
    auto *maps = new QHBoxLayout;
    for (int i = 0; i < 3; ++i) {
        auto *view = new HeatmapView(central);
        view->setObjectName(QStringLiteral("heatmap%1").arg(i));
        maps->addWidget(view, 1);
        m_views.push_back(view);
        connect(view, &HeatmapView::cellHovered, this, [this, i](int r, int c) {
            if (i == 0)
                onCellHovered(r, c);
        });
        connect(view, &HeatmapView::cellClicked, this, [this, i](int r, int c) {
            if (i == 0)
                onCellClicked(r, c);
        });
    }
    layout->addLayout(maps, 1);
    m_tokens = new TokenStrip(central);
    m_tokens->setObjectName("tokenStrip");
    m_tokens->setToolTip(tr("The keys, tinted by how much the selected query attends to each; click one to select it as the query"));
    m_tokens->setFixedHeight(m_tokens->fontMetrics().height() * 2 + 24);
    layout->addWidget(m_tokens);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName("tabs");
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(central, tr("&Explorer: stage by stage"));
    m_attentionPage = new AttentionPage(m_tabs);
    m_tabs->addTab(m_attentionPage, tr("&Imported attention: layers and heads"));
    m_imagePage = new ImagePage(m_tabs);
    m_tabs->addTab(m_imagePage, tr("I&mage regions"));
    setCentralWidget(m_tabs);
    const auto status = [this](const QString &m) { statusBar()->showMessage(m); };
    connect(m_attentionPage, &AttentionPage::statusMessage, this, status);
    connect(m_imagePage, &ImagePage::statusMessage, this, status);
    connect(m_attentionPage, &AttentionPage::failed, this, &MainWindow::errorShown);
    connect(m_imagePage, &ImagePage::failed, this, &MainWindow::errorShown);
    connect(m_attentionPage, &AttentionPage::viewShown, this, &MainWindow::stateShown);
    connect(m_imagePage, &ImagePage::resultShown, this, &MainWindow::stateShown);
    // The tabs' own Open buttons (and a drop on the Image tab) open as File → Open does, so that
    // the file becomes the window's input: sessions, title, recent files.
    connect(m_attentionPage, &AttentionPage::openRequested, this, [this](const QString &path) { openAttention(path); });
    connect(m_imagePage, &ImagePage::openRequested, this, [this](const QString &path) { openImage(path); });
    const auto pageChanged = [this] {
        if (!m_restoring)
            setModified(true);
    };
    connect(m_attentionPage, &AttentionPage::settingsChanged, this, pageChanged);
    connect(m_imagePage, &ImagePage::settingsChanged, this, pageChanged);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        for (QDockWidget *dock : m_explorerDocks)
            dock->setVisible(tab == ExplorerTab);
        m_timing->setVisible(tab == ExplorerTab);
    });
    connect(m_stepper, &StageStepper::stageRequested, this, &MainWindow::showStage);

    createDocks();
    createActions();
    m_timing = new QLabel(this);
    statusBar()->addPermanentWidget(m_timing);
    createCancelButton();
    restoreSettings();
    m_lastValues = m_controls->values();
    connect(m_controls, &ControlsPanel::changed, this, &MainWindow::onControlsChanged);
    recompute();
}

MainWindow::~MainWindow()
{
    if (!m_autosavePath.isEmpty())
        QFile::remove(m_autosavePath); // only a window that never ended leaves its copy behind
}

void MainWindow::createDocks()
{
    m_controls = new ControlsPanel(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(m_controls->sizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4);
    auto *left = new QDockWidget(tr("Parameters"), this);
    left->setObjectName("parametersDock");
    left->setWidget(scroll);
    addDockWidget(Qt::LeftDockWidgetArea, left);
    m_explorerDocks.push_back(left);

    m_detail = new DetailPanel(this);
    m_detail->setObjectName("detailPanel");
    auto *right = new QDockWidget(tr("Computation of the cell"), this);
    right->setObjectName("detailDock");
    right->setWidget(m_detail);
    addDockWidget(Qt::RightDockWidgetArea, right);
    m_explorerDocks.push_back(right);

    connect(m_tokens, &TokenStrip::tokenClicked, this, [this](int i) {
        if (m_state && !m_state->setup->crossAttention)
            selectQuery(i);
    });
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a text file, a tensor file or an attention bundle"));
    QAction *openTensors = file->addAction(tr("Open &Q/K/V or X/W tensors…"), this, &MainWindow::openTensorsDialog);
    openTensors->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    createSessionActions(file);
    file->addSeparator();
    createExportActions(file);
    file->addSeparator();
    QAction *backToText = file->addAction(tr("Back to &typed text"), this, [this] {
        m_fileSetup.reset();
        m_fileName.clear();
        setPrimaryInput(SessionState::InputKind::Text, {});
        m_controls->setTextMode(true);
        recompute();
    });
    backToText->setToolTip(tr("Leave the tensors from files and compute from the sentence again"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    m_undo = new QUndoStack(this);
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu *stages = menuBar()->addMenu(tr("&Stage"));
    QAction *back = stages->addAction(tr("&Back"), m_stepper, &StageStepper::back);
    back->setShortcuts({QKeySequence(Qt::Key_PageUp), QKeySequence(Qt::ALT | Qt::Key_Left)});
    QAction *next = stages->addAction(tr("&Next"), m_stepper, &StageStepper::next);
    next->setShortcuts({QKeySequence(Qt::Key_PageDown), QKeySequence(Qt::ALT | Qt::Key_Right)});
    stages->addSeparator();
    for (int i = 0; i < StageStepper::kCount; ++i) {
        QAction *a = stages->addAction(StageStepper::title(Stage(i)), this, [this, i] { showStage(Stage(i)); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *reset = view->addAction(tr("&Reset zoom"), this, [this] {
        for (auto *v : m_views)
            v->resetView();
    });
    reset->setShortcut(QKeySequence(tr("Ctrl+0")));
    QAction *zoomIn = view->addAction(tr("Zoom &in"), this, [this] { m_views[0]->zoomBy(0.8); });
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction *zoomOut = view->addAction(tr("Zoom &out"), this, [this] { m_views[0]->zoomBy(1.25); });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    view->addSeparator();
    QMenu *maps = view->addMenu(tr("&Colour map for weights"));
    m_colormapGroup = new QActionGroup(this);
    for (const QString &name : colormapChoices().names()) {
        QAction *a = maps->addAction(name);
        a->setCheckable(true);
        a->setData(name);
        m_colormapGroup->addAction(a);
    }
    connect(m_colormapGroup, &QActionGroup::triggered, this, [this](QAction *) { render(); });
    QMenu *reduce = view->addMenu(tr("When cells are smaller than a &pixel"));
    m_reductionGroup = new QActionGroup(this);
    for (const auto &[name, value] : reductionChoices().entries) {
        QAction *a = reduce->addAction(value == SessionState::Reduction::Mean ? tr("show the mean") : tr("show the maximum"));
        a->setCheckable(true);
        a->setData(name);
        m_reductionGroup->addAction(a);
    }
    connect(m_reductionGroup, &QActionGroup::triggered, this, [this](QAction *) { render(); });
    view->addSeparator();
    view->addAction(tr("&Memory budget…"), this, &MainWindow::memoryBudgetDialog)
        ->setToolTip(tr("The most memory the window may use; larger inputs are refused"));
    QAction *presenter = view->addAction(tr("&Presenter mode (large text)"), this, &MainWindow::setPresenterMode);
    presenter->setCheckable(true);
    presenter->setShortcut(QKeySequence(Qt::Key_F5));
    presenter->setObjectName("presenterAction");

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About AttnScope"), this, [this] { showAboutBox(this); });

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName("mainToolBar");
    bar->addAction(open);
    bar->addSeparator();
    bar->addAction(back);
    bar->addAction(next);
    bar->addSeparator();
    bar->addAction(reset);
    bar->addAction(presenter);
    updateRecentMenu();
}

void MainWindow::onControlsChanged()
{
    const ControlValues now = m_controls->values();
    if (!m_restoring && !(now == m_lastValues)) {
        m_undo->push(new ParameterChange(
            [this](const ControlValues &v) {
                m_restoring = true;
                m_controls->setValues(v);
                m_lastValues = m_controls->values();
                m_restoring = false;
            },
            m_lastValues, now));
    }
    m_lastValues = now;
    if (!m_restoring)
        setModified(true);
    recompute();
}

void MainWindow::restoreSettings()
{
    ControlValues v;
    v.text = Settings::value(Settings::Key::Sentence).toString();
    v.context = Settings::value(Settings::Key::Context).toString();
    v.cross = Settings::value(Settings::Key::CrossAttention).toBool();
    v.dModel = Settings::value(Settings::Key::DModel).toInt();
    v.dHead = Settings::value(Settings::Key::DHead).toInt();
    v.heads = Settings::value(Settings::Key::Heads).toInt();
    v.seed = Settings::value(Settings::Key::Seed).toULongLong();
    // Settings written by hand or by another version: an index outside the box is the default.
    v.scaleMode = scaleChoices().indexOf(scaleChoices().atIndex(Settings::value(Settings::Key::ScaleMode).toInt()));
    v.customScale = Settings::value(Settings::Key::CustomScale).toDouble();
    v.temperature = Settings::value(Settings::Key::Temperature).toDouble();
    v.maskMode = maskChoices().indexOf(maskChoices().atIndex(Settings::value(Settings::Key::MaskMode).toInt()));
    m_controls->setValues(v);
    chooseColormap(Settings::value(Settings::Key::Colormap).toString(), nullptr);
    chooseReduction(Settings::value(Settings::Key::Reduction).toString(), nullptr);
    m_stage = stageChoices().read(Settings::value(Settings::Key::Stage).toString(), nullptr);
    m_stepper->setStage(m_stage);
    if (!restoreGeometry(Settings::value(Settings::Key::Geometry).toByteArray()))
        resize(1500, 900);
    restoreState(Settings::value(Settings::Key::WindowState).toByteArray());
    applyMemoryBudgetSetting();
    if (Settings::value(Settings::Key::PresenterMode).toBool())
        findChild<QAction *>("presenterAction")->trigger();
}

void MainWindow::saveSettings()
{
    const ControlValues v = m_controls->values();
    Settings::setValue(Settings::Key::Geometry, saveGeometry());
    Settings::setValue(Settings::Key::WindowState, saveState());
    if (!m_fileSetup) {
        Settings::setValue(Settings::Key::Sentence, v.text);
        Settings::setValue(Settings::Key::Context, v.context);
        Settings::setValue(Settings::Key::CrossAttention, v.cross);
    }
    Settings::setValue(Settings::Key::DModel, v.dModel);
    Settings::setValue(Settings::Key::DHead, v.dHead);
    Settings::setValue(Settings::Key::Heads, v.heads);
    Settings::setValue(Settings::Key::Seed, v.seed);
    Settings::setValue(Settings::Key::ScaleMode, v.scaleMode);
    Settings::setValue(Settings::Key::CustomScale, v.customScale);
    Settings::setValue(Settings::Key::Temperature, v.temperature);
    Settings::setValue(Settings::Key::MaskMode, v.maskMode);
    Settings::setValue(Settings::Key::Colormap, colormapChoices().nameOf(chosenColormap()));
    Settings::setValue(Settings::Key::Reduction, reductionChoices().nameOf(chosenReduction()));
    Settings::setValue(Settings::Key::Stage, StageStepper::key(m_stage));
    Settings::setValue(Settings::Key::PresenterMode, findChild<QAction *>("presenterAction")->isChecked());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_modified && !m_sessionPath.isEmpty()) {
        const auto answer = QMessageBox::warning(this, tr("AttnScope"),
                                                 tr("The session %1 has unsaved changes. Save them?")
                                                     .arg(QFileInfo(m_sessionPath).fileName()),
                                                 QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                                 QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !saveSessionInteractive(false))) {
            event->ignore();
            return;
        }
    } else if (m_modified && m_inputKind != SessionState::InputKind::Text) {
        const auto answer = QMessageBox::warning(this, tr("AttnScope"),
                                                 tr("Save this work as a session before closing?"),
                                                 QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                                 QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !saveSessionInteractive(true))) {
            event->ignore();
            return;
        }
    }
    saveSettings();
    discardAutosaves(); // a normal exit leaves nothing to recover
    event->accept();
}

void MainWindow::setSentence(const QString &text)
{
    setPrimaryInput(SessionState::InputKind::Text, {});
    m_fileSetup.reset();
    m_controls->setTextMode(true);
    m_controls->textEdit()->setText(text);
    if (const qsizetype kept = m_controls->textEdit()->text().size(); kept < text.size())
        statusBar()->showMessage(tr("The sentence was cut to its first %1 of %2 characters.").arg(kept).arg(text.size()));
    recompute();
}

void MainWindow::recompute()
{
    const ControlValues v = m_controls->values();
    ExplorerRequest r;
    r.head = v.head;
    r.temperature = v.temperature;
    r.scale.mode = scaleChoices().atIndex(v.scaleMode);
    r.scale.custom = v.customScale;
    if (m_fileSetup) {
        auto setup = std::make_shared<ExplorerSetup>(*m_fileSetup);
        setup->inputs.mask.causal = v.maskMode == 1 || m_fileSetup->inputs.mask.causal;
        if (v.maskMode == 2 && !v.paddedKeys.isEmpty()) {
            setup->inputs.mask.keyPadding.assign(setup->keyTokens.size(), false);
            for (int j : v.paddedKeys)
                if (j >= 0 && std::size_t(j) < setup->keyTokens.size())
                    setup->inputs.mask.keyPadding[std::size_t(j)] = true;
        }
        r.fixedSetup = setup;
    } else {
        TextScenario &s = r.scenario;
        s.tokens = tokenizeSentence(v.text);
        if (v.cross)
            s.contextTokens = tokenizeSentence(v.context);
        s.dModel = v.dModel;
        s.dHead = v.dHead;
        s.heads = v.heads;
        s.seed = v.seed;
        s.causal = v.maskMode == 1;
        if (v.maskMode == 2)
            s.paddedKeys = std::vector<int>(v.paddedKeys.begin(), v.paddedKeys.end());
        const auto &keys = v.cross ? s.contextTokens : s.tokens;
        for (int &j : s.paddedKeys)
            j = std::min(j, int(keys.size()) - 1);
        std::erase_if(s.paddedKeys, [](int j) { return j < 0; });
    }
    if (fitsBudget(r))
        m_session->request(r);
}

void MainWindow::onReady(std::shared_ptr<const ExplorerState> state)
{
    const bool tokensChanged = !m_state || m_state->setup->keyTokens != state->setup->keyTokens;
    const bool shapeChanged = !m_state || m_state->setup->queryTokens.size() != state->setup->queryTokens.size();
    m_state = std::move(state);
    if (tokensChanged)
        m_controls->setKeyTokens(toQStringList(m_state->setup->keyTokens));
    m_controls->setHeadCount(int(m_state->setup->inputs.q.size()));
    if (shapeChanged || m_selectedQuery >= int(m_state->setup->queryTokens.size()))
        m_selectedQuery = 0; // a tinted sentence from the start; click a row or a token to change it
    if (m_pendingSelection) { // a session's selection, now that its matrices exist
        const auto [query, row, col] = *m_pendingSelection;
        m_pendingSelection.reset();
        m_selectedQuery = query < int(m_state->setup->queryTokens.size()) ? query : 0;
        m_selRow = row;
        m_selCol = col;
    }
    if (m_selRow >= int(m_state->setup->queryTokens.size()) || m_selCol >= int(m_state->setup->keyTokens.size()))
        m_selRow = m_selCol = -1;
    // Every warning the engine returns (fully masked rows, non-finite inputs or results), until
    // the next computation: a status-bar message would be overwritten by the next hover.
    QStringList warnings;
    for (const auto &w : m_state->result.warnings)
        warnings << tr("Warning: %1").arg(QString::fromStdString(w));
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
    if (!warnings.isEmpty())
        statusBar()->showMessage(warnings.join(QStringLiteral("; ")), 8000);
    m_timing->setText(tr("%1 × %2, computed in %3 ms")
                          .arg(m_state->setup->queryTokens.size())
                          .arg(m_state->setup->keyTokens.size())
                          .arg(m_state->computeMs, 0, 'f', 1));
    render();
    emit stateShown();
}

void MainWindow::showStage(Stage stage)
{
    if (stage != m_stage && !m_restoring)
        setModified(true);
    m_stage = stage;
    m_stepper->setStage(stage);
    render();
}

void MainWindow::render()
{
    if (!m_state)
        return;
    const auto contents = stageContents(*m_state, m_stage);
    const ColormapId map = chosenColormap();
    const Reduction how = chosenReduction() == SessionState::Reduction::Mean ? Reduction::Mean : Reduction::Max;
    for (std::size_t i = 0; i < m_views.size(); ++i) {
        HeatmapView *v = m_views[i];
        v->setVisible(i < contents.size());
        if (i >= contents.size())
            continue;
        v->setColormap(contents[i].diverging ? ColormapId::Coolwarm : map);
        if (v->reduction() != how)
            v->setReduction(how);
        v->setContent(contents[i]);
    }
    const bool square = m_stage >= Stage::Scores && m_stage <= Stage::Weights;
    m_views[0]->setHighlightedRow(m_stage == Stage::Qkv || m_stage == Stage::Inputs || square || m_stage == Stage::Output
                                      ? m_selectedQuery : -1);
    m_views[0]->setSelectedCell(m_selRow, m_selCol);
    m_explanation->setText(stageExplanation(*m_state, m_stage));

    // The token strip: where the selected query looks.
    const QStringList keys = toQStringList(m_state->setup->keyTokens);
    std::vector<double> weights;
    QString query;
    if (m_selectedQuery >= 0) {
        const auto row = m_state->result.stages.weights.row(m_selectedQuery);
        weights.assign(row.data(), row.data() + row.size());
        query = QString::fromStdString(m_state->setup->queryTokens[std::size_t(m_selectedQuery)]);
    }
    m_tokens->setTokens(keys, weights, m_selectedQuery, query, map);
    if (m_selRow >= 0)
        onCellClicked(m_selRow, m_selCol);
}

void MainWindow::selectQuery(int row)
{
    if (!m_state || row >= int(m_state->setup->queryTokens.size()))
        return;
    m_selectedQuery = row;
    render();
}

void MainWindow::onCellHovered(int row, int col)
{
    if (!m_state || row < 0) {
        statusBar()->clearMessage();
        return;
    }
    statusBar()->showMessage(hoverText(*m_state, m_stage, row, col));
}

void MainWindow::onCellClicked(int row, int col)
{
    if (!m_state)
        return;
    m_selRow = row;
    m_selCol = col;
    m_views[0]->setSelectedCell(row, col);
    const auto &setup = *m_state->setup;
    if (m_stage == Stage::Inputs || m_stage == Stage::Qkv) {
        const auto contents = stageContents(*m_state, m_stage);
        const Mat<double> &m = *contents.front().values;
        m_detail->setHtml(tr("<h3>%1</h3><p>row <b>%2</b> (%3), dimension %4</p><p>value <b>%5</b></p>")
                              .arg(contents.front().title.toHtmlEscaped())
                              .arg(row)
                              .arg(contents.front().rowLabels.value(row).toHtmlEscaped())
                              .arg(col)
                              .arg(m(row, col), 0, 'g', 6));
    } else {
        const CellExplanation e =
            explainCell(setup, m_state->result.head, m_state->scale, m_state->temperature, m_stage, row, col);
        const QString key = m_stage == Stage::Output ? tr("dimension %1").arg(col)
                                                     : QString::fromStdString(setup.keyTokens[std::size_t(col)]);
        m_detail->showCell(e, QString::fromStdString(setup.queryTokens[std::size_t(row)]), key);
    }
    if (m_selectedQuery != row) {
        m_selectedQuery = row;
        render();
    }
}

void MainWindow::showError(const QString &message)
{
    emit errorShown(message);
    QMessageBox::warning(this, tr("AttnScope"), message);
}

void MainWindow::setPresenterMode(bool on)
{
    QFont f = m_baseFont;
    if (on)
        f.setPointSizeF(f.pointSizeF() * 1.6);
    QApplication::setFont(f);
    render();
}

} // namespace attnscope
