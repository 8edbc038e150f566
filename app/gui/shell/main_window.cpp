#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QLayout>
#include <QLockFile>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QResizeEvent>
#include <QScreen>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>
#include <QUndoGroup>
#include <QUndoStack>

#include "about_box.h"
#include "language.h"
#include "pages.h"
#include "session_values.h"
#include "settings.h"

namespace attnscope {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("AttnScope[*]"));
    setObjectName("mainWindow");
    setAcceptDrops(true);
    setDockOptions(dockOptions() | QMainWindow::AllowTabbedDocks);
    m_baseFont = QApplication::font();
    m_basePalette = QApplication::palette();
    m_undo = new QUndoGroup(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName("tabs");
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);
    createMenus();
    for (Page *page : createPages(m_tabs))
        addPage(page);
    connectModelToPages();
    createCancelButton();
    restoreSettings();
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::onPageChanged);
    onPageChanged();
}

MainWindow::~MainWindow()
{
    if (!m_autosavePath.isEmpty())
        QFile::remove(m_autosavePath); // only a window that never ended leaves its copy behind
}

void MainWindow::addPage(Page *page)
{
    m_pages << page;
    m_tabs->addTab(page, page->title());
    for (const PageDock &d : page->docks()) {
        addDockWidget(d.area, d.dock);
        d.dock->setVisible(false);
    }
    for (QMenu *menu : page->menus()) {
        menuBar()->insertMenu(m_viewMenu->menuAction(), menu);
        menu->menuAction()->setVisible(false);
    }
    for (QAction *a : page->fileActions()) {
        m_fileMenu->insertAction(m_fileActionsEnd, a);
        a->setVisible(false);
    }
    if (QUndoStack *stack = page->undoStack())
        m_undo->addStack(stack);
    page->setViewOptions(viewOptions());
    connect(page, &Page::statusMessage, this, [this, page](const QString &m, int timeout) {
        if (page == currentPage() || m.isEmpty())
            statusBar()->showMessage(m, timeout);
    });
    connect(page, &Page::failed, this, &MainWindow::reportFailure);
    connect(page, &Page::shown, this, &MainWindow::shown);
    connect(page, &Page::shown, this, &MainWindow::updateCapabilities);
    // The first result changes the sizes the pages' widgets can shrink to, and QMainWindow's
    // layout would keep the minimum of its first activation: take it again once, and fit the
    // screen. Page changes and the docks' moves do the same (onPageChanged, fitDocksToWidth).
    connect(page, &Page::shown, this, [this] {
        if (m_firstResultShown)
            return;
        m_firstResultShown = true;
        layout()->invalidate();
        QTimer::singleShot(0, this, &MainWindow::fitToScreen);
    });
    connect(page, &Page::capabilitiesChanged, this, &MainWindow::updateCapabilities);
    connect(page, &Page::modified, this, [this] {
        if (!m_restoring)
            setModified(true);
    });
    // A page's own Open button (or a drop on it) opens as File → Open does, so that the file
    // becomes the window's input: sessions, title, recent files.
    connect(page, &Page::openRequested, this, [this](const QString &path) { openFile(path); });
    connect(page, &Page::busyChanged, this, [this, page](bool busy) {
        if (page == currentPage())
            m_cancelButton->setVisible(busy);
    });
}

Page *MainWindow::currentPage() const { return qobject_cast<Page *>(m_tabs->currentWidget()); }

Page *MainWindow::page(const QString &key) const
{
    for (Page *p : m_pages)
        if (p->key() == key)
            return p;
    return nullptr;
}

bool MainWindow::showPage(const QString &key)
{
    Page *p = page(key);
    if (p)
        m_tabs->setCurrentWidget(p);
    return p != nullptr;
}

void MainWindow::onPageChanged()
{
    Page *shown = currentPage();
    showPageDocks();
    for (Page *p : m_pages) {
        const bool on = p == shown;
        for (QMenu *menu : p->menus()) {
            menu->menuAction()->setVisible(on);
            for (QAction *a : menu->actions()) // hidden menus must not keep their shortcuts
                a->setEnabled(on);
        }
        for (QAction *a : p->fileActions())
            a->setVisible(on);
        p->setShown(on);
    }
    m_undo->setActiveStack(shown ? shown->undoStack() : nullptr);
    statusBar()->clearMessage(); // the hover text and notes of the page left behind
    m_cancelButton->setVisible(shown && shown->busy());
    qDeleteAll(m_pageExportActions);
    m_pageExportActions.clear();
    if (shown) {
        QAction *separator = m_exportMenu->addSeparator();
        const QList<QAction *> before = m_exportMenu->actions();
        shown->addExportActions(m_exportMenu);
        for (QAction *a : m_exportMenu->actions())
            if (!before.contains(a))
                m_pageExportActions << a;
        m_pageExportActions << separator;
    }
    updateCapabilities();
    fitDocksToWidth();
    layout()->invalidate(); // the shown page's docks set the window's minimum width
}

void MainWindow::updateCapabilities()
{
    const Page *p = currentPage();
    const Page::Exports exports = p ? p->exports() : Page::Exports();
    m_exportPicture->setEnabled(exports.testFlag(Page::Export::Picture));
    m_copyPicture->setEnabled(exports.testFlag(Page::Export::Picture));
    m_exportData->setEnabled(exports.testFlag(Page::Export::Data));
    const Page::ViewOptionSet options = p ? p->viewOptions() : Page::ViewOptionSet();
    m_colormapMenu->setEnabled(options.testFlag(Page::ViewOption::Colormap));
    m_reductionMenu->setEnabled(options.testFlag(Page::ViewOption::Reduction));
    for (QAction *a : {m_resetZoom, m_zoomIn, m_zoomOut})
        a->setEnabled(options.testFlag(Page::ViewOption::Zoom));
}

void MainWindow::createMenus()
{
    m_fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *open = m_fileMenu->addAction(tr("&Open…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a text file, a tensor file, an attention bundle, an image or a session"));
    m_fileMenu->addAction(tr("Open &Q/K/V or X/W tensors…"), this, &MainWindow::openTensorsDialog)
        ->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    createModelActions(m_fileMenu);
    m_recentMenu = m_fileMenu->addMenu(tr("Open &Recent"));
    m_fileMenu->addSeparator();
    createSessionActions(m_fileMenu);
    m_fileMenu->addSeparator();
    createExportMenu(m_fileMenu);
    m_fileMenu->addSeparator();
    m_fileActionsEnd = m_fileMenu->addSeparator();
    QAction *quit = m_fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    createViewMenu();
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    createLessonActions(help);
    help->addAction(tr("&About AttnScope"), this, [this] { showAboutBox(this); });

    m_mainBar = addToolBar(tr("Main"));
    m_mainBar->setObjectName("mainToolBar");
    m_mainBar->addAction(open);
    m_mainBar->addSeparator();
    m_mainBar->addAction(m_resetZoom);
    m_mainBar->addAction(m_presenterAction);
    m_mainBar->addAction(m_playAction);
    // Presenter mode's own toolbar, instead of the main one: what a talk needs, large.
    m_presenterBar = addToolBar(tr("Presenter"));
    m_presenterBar->setObjectName("presenterToolBar");
    m_presenterBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_presenterBar->addAction(m_stepBackAction);
    m_presenterBar->addAction(m_playAction);
    m_presenterBar->addAction(m_stepForwardAction);
    m_presenterBar->addSeparator();
    m_presenterBar->addAction(m_blankAction);
    m_presenterBar->addAction(m_highContrastAction);
    m_presenterBar->addAction(m_presenterAction);
    m_presenterBar->setVisible(false);
    for (QToolBar *t : {m_mainBar, m_presenterBar})
        for (QAction *a : t->actions())
            a->setIconText(withoutAccelerator(a->text()));
    updateRecentMenu();
}

void MainWindow::createViewMenu()
{
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_resetZoom = m_viewMenu->addAction(tr("&Reset zoom"), this, [this] {
        if (Page *p = currentPage())
            p->resetZoom();
    });
    m_resetZoom->setShortcut(QKeySequence(tr("Ctrl+0")));
    m_zoomIn = m_viewMenu->addAction(tr("Zoom &in"), this, [this] {
        if (Page *p = currentPage())
            p->zoomBy(0.8);
    });
    m_zoomIn->setShortcut(QKeySequence::ZoomIn);
    m_zoomOut = m_viewMenu->addAction(tr("Zoom &out"), this, [this] {
        if (Page *p = currentPage())
            p->zoomBy(1.25);
    });
    m_zoomOut->setShortcut(QKeySequence::ZoomOut);
    m_viewMenu->addSeparator();
    const auto applyToPages = [this] {
        for (Page *p : std::as_const(m_pages))
            p->setViewOptions(viewOptions());
        if (!m_restoring)
            setModified(true);
    };
    m_colormapMenu = m_viewMenu->addMenu(tr("&Colour map for weights"));
    m_colormapGroup = new QActionGroup(this);
    for (const QString &name : colormapChoices().names()) {
        QAction *a = m_colormapMenu->addAction(name);
        a->setCheckable(true);
        a->setData(name);
        m_colormapGroup->addAction(a);
    }
    connect(m_colormapGroup, &QActionGroup::triggered, this, applyToPages);
    m_reductionMenu = m_viewMenu->addMenu(tr("When cells are smaller than a &pixel"));
    m_reductionGroup = new QActionGroup(this);
    for (const auto &[name, value] : reductionChoices().entries) {
        QAction *a = m_reductionMenu->addAction(value == SessionState::Reduction::Mean ? tr("show the mean") : tr("show the maximum"));
        a->setCheckable(true);
        a->setData(name);
        m_reductionGroup->addAction(a);
    }
    connect(m_reductionGroup, &QActionGroup::triggered, this, applyToPages);
    chooseColormap(QString());
    chooseReduction(QString());
    createCellViewActions();
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(tr("&Memory budget…"), this, &MainWindow::memoryBudgetDialog)
        ->setToolTip(tr("The most memory the window may use; larger inputs are refused"));
    m_viewMenu->addAction(tr("&Threads…"), this, &MainWindow::threadsDialog)
        ->setToolTip(tr("How many threads compute attention and models; the results do not depend on it"));
    createPresenterActions();
    m_viewMenu->addSeparator();
    m_viewMenu->addMenu(createLanguageMenu(this));
}

/// View → Numbers in cells, and View → Weights colour scale (per view, fixed 0–1).
void MainWindow::createCellViewActions()
{
    const auto applyToPages = [this] { // window settings, not part of a session: nothing to save
        for (Page *p : std::as_const(m_pages))
            p->setViewOptions(viewOptions());
    };
    m_numbersAction = m_viewMenu->addAction(tr("&Numbers in cells"));
    m_numbersAction->setObjectName("numbersInCellsAction");
    m_numbersAction->setCheckable(true);
    m_numbersAction->setChecked(Settings::defaultValue(Settings::Key::NumbersInCells).toBool());
    m_numbersAction->setToolTip(tr("Write each cell's value in it when the cells are large enough to read"));
    connect(m_numbersAction, &QAction::toggled, this, applyToPages);
    QMenu *scale = m_viewMenu->addMenu(tr("&Weights colour scale"));
    auto *group = new QActionGroup(this);
    m_perViewScaleAction = scale->addAction(tr("&Per view (each view's own range)"));
    m_fixedScaleAction = scale->addAction(tr("&Fixed 0–1 (comparable across views)"));
    m_fixedScaleAction->setObjectName("fixedWeightScaleAction");
    for (QAction *a : {m_perViewScaleAction, m_fixedScaleAction}) {
        a->setCheckable(true);
        group->addAction(a);
    }
    m_perViewScaleAction->setChecked(true);
    connect(group, &QActionGroup::triggered, this, applyToPages);
}

void MainWindow::setNumbersInCells(bool on) { m_numbersAction->setChecked(on); }

void MainWindow::setFixedWeightScale(bool on)
{
    if (on == m_fixedScaleAction->isChecked())
        return;
    (on ? m_fixedScaleAction : m_perViewScaleAction)->trigger();
}

void MainWindow::restoreSettings()
{
    chooseColormap(Settings::value(Settings::Key::Colormap).toString());
    chooseReduction(Settings::value(Settings::Key::Reduction).toString());
    const QSignalBlocker quiet(m_numbersAction); // the pages follow just below
    m_numbersAction->setChecked(Settings::value(Settings::Key::NumbersInCells).toBool());
    (Settings::value(Settings::Key::FixedWeightScale).toBool() ? m_fixedScaleAction : m_perViewScaleAction)->setChecked(true);
    for (Page *p : std::as_const(m_pages)) {
        p->restoreSettings();
        p->setViewOptions(viewOptions());
    }
    if (!restoreGeometry(Settings::value(Settings::Key::Geometry).toByteArray())) {
        const QScreen *shown = screen() ? screen() : QGuiApplication::primaryScreen();
        resize(shown ? QSize(1500, 900).boundedTo(shown->availableGeometry().size()) : QSize(1500, 900)); // a small screen: all of it
    }
    restoreState(Settings::value(Settings::Key::WindowState).toByteArray());
    applyMemoryBudgetSetting();
    applyThreadsSetting();
    // Presenter mode is not entered from a setting: a window that opens full screen on a laptop
    // after a talk would surprise; F5 or --presenter enter it.
}

void MainWindow::saveSettings()
{
    // In presenter mode, the window as it was before (full screen is not how to open next time).
    Settings::setValue(Settings::Key::Geometry, m_presenter ? m_savedGeometry : saveGeometry());
    Settings::setValue(Settings::Key::WindowState, m_presenter ? m_savedState : saveState());
    Settings::setValue(Settings::Key::Colormap, colormapChoices().nameOf(viewOptions().colormap));
    Settings::setValue(Settings::Key::Reduction, viewOptions().reduction == Reduction::Mean ? QStringLiteral("mean") : QStringLiteral("max"));
    Settings::setValue(Settings::Key::NumbersInCells, m_numbersAction->isChecked());
    Settings::setValue(Settings::Key::FixedWeightScale, m_fixedScaleAction->isChecked());
    for (Page *p : std::as_const(m_pages))
        p->saveSettings();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const bool asked = m_modified && (!m_sessionPath.isEmpty() || m_input.kind != SessionState::InputKind::Text);
    if (asked) {
        const QString question = m_sessionPath.isEmpty()
                                     ? tr("Save this work as a session before closing?")
                                     : tr("The session %1 has unsaved changes. Save them?").arg(QFileInfo(m_sessionPath).fileName());
        const auto answer = QMessageBox::warning(this, tr("AttnScope"), question,
                                                 QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !saveSessionInteractive(m_sessionPath.isEmpty()))) {
            event->ignore();
            return;
        }
    }
    saveSettings();
    discardAutosaves(); // a normal exit leaves nothing to recover
    event->accept();
}

void MainWindow::showError(const QString &message)
{
    emit errorShown(message);
    QMessageBox::warning(this, tr("AttnScope"), message);
}

void MainWindow::reportFailure(const QString &message)
{
    statusBar()->showMessage(message);
    emit errorShown(message);
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    if (m_blank)
        m_blank->setGeometry(rect());
    fitDocksToWidth();
}

/// On a narrow screen the docks give the heatmap their width: below 1100 px the page's docks
/// share one side as tabs; wider, each goes back to its own side.
void MainWindow::fitDocksToWidth()
{
    const Page *p = currentPage();
    if (!p || p->docks().size() < 2)
        return;
    const bool narrow = width() < 1100;
    if (narrow == m_docksTabified)
        return;
    m_docksTabified = narrow;
    const QList<PageDock> docks = p->docks();
    if (narrow) {
        for (int i = 1; i < docks.size(); ++i)
            tabifyDockWidget(docks.front().dock, docks[i].dock);
        docks.front().dock->raise();
        // The docks keep about a quarter of a narrow window, the heatmap the rest; the user may
        // widen them again.
        resizeDocks({docks.front().dock}, {std::max(150, width() / 4)}, Qt::Horizontal);
    } else {
        for (const PageDock &d : docks)
            addDockWidget(d.area, d.dock);
    }
    showPageDocks();
    layout()->invalidate(); // the minimum width changed with the docks' places
    QTimer::singleShot(0, this, &MainWindow::fitToScreen);
}

void MainWindow::fitToScreen()
{
    // The layout's minimum can keep a window wider than its screen (docks side by side, a page's
    // first content); once it has shrunk, the window fits its screen again.
    layout()->activate();
    if (const QScreen *on = screen(); on && !on->availableGeometry().size().expandedTo(size()).isEmpty()
                                      && (width() > on->availableGeometry().width() || height() > on->availableGeometry().height()))
        resize(size().boundedTo(on->availableGeometry().size()));
}

} // namespace attnscope
