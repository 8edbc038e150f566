// Presenter mode, high contrast, and a clicker's keys: Page Down / Page Up, Space, B and "."
// (README "Teaching with AttnScope").

#include "main_window.h"

#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFontMetrics>
#include <QKeyEvent>
#include <QLayout>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QScreen>
#include <QTextEdit>
#include <QTimer>
#include <QToolBar>

#include <algorithm>
#include <cmath>

#include "explorer_page.h"
#include "lesson.h"
#include "heatmap_view.h"
#include "stage_stepper.h"

namespace attnscope {
namespace {

/// The black screen: it covers the whole window and takes every key and click, the first of
/// which brings the window back.
class BlankOverlay : public QWidget {
public:
    explicit BlankOverlay(QWidget *parent) : QWidget(parent)
    {
        setObjectName("blankOverlay");
        setAttribute(Qt::WA_StyledBackground);
        setAutoFillBackground(true);
        QPalette p = palette();
        p.setColor(QPalette::Window, Qt::black);
        setPalette(p);
        setFocusPolicy(Qt::StrongFocus);
        setCursor(Qt::BlankCursor);
        hide();
    }

protected:
    bool event(QEvent *event) override
    {
        switch (event->type()) {
        case QEvent::ShortcutOverride: // no shortcut fires under the black screen: the key is ours
            event->accept();
            return true;
        case QEvent::KeyPress:
        case QEvent::MouseButtonPress:
            hide();
            return true;
        default:
            return QWidget::event(event);
        }
    }
};

/// Page Down, Page Up, Space, B and "." without modifiers (the keypad's too): the keys a clicker
/// sends or a presenter presses.
bool isClickerKey(const QKeyEvent *e)
{
    if ((e->modifiers() & ~Qt::KeypadModifier) != Qt::NoModifier)
        return false;
    switch (e->key()) {
    case Qt::Key_PageDown:
    case Qt::Key_PageUp:
    case Qt::Key_Space:
    case Qt::Key_B:
    case Qt::Key_Period: return true;
    default: return false;
    }
}

} // namespace

void MainWindow::createPresenterActions()
{
    m_viewMenu->addSeparator();
    m_presenterAction = m_viewMenu->addAction(tr("&Presenter mode"), this, &MainWindow::setPresenterMode);
    m_presenterAction->setCheckable(true);
    m_presenterAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_presenterAction->setObjectName("presenterAction");
    m_presenterAction->setToolTip(tr("Full screen, large text and high contrast for a projector (F5; Esc or F5 leaves)"));
    m_highContrastAction = m_viewMenu->addAction(tr("&High contrast"), this, &MainWindow::setHighContrast);
    m_highContrastAction->setCheckable(true);
    m_highContrastAction->setObjectName("highContrastAction");
    m_highContrastAction->setToolTip(tr("Black on white, bolder text, thicker selection outlines"));
    m_playAction = m_viewMenu->addAction(tr("P&lay / Pause"), this, &MainWindow::togglePlay);
    m_playAction->setShortcut(QKeySequence(Qt::Key_Space));
    m_playAction->setObjectName("playAction");
    m_playAction->setToolTip(tr("Step through the stages, then add up the selected row's output term by term (Space)"));
    m_blankAction = m_viewMenu->addAction(tr("&Blank screen"), this, [this] { setBlanked(true); });
    m_blankAction->setShortcuts({QKeySequence(Qt::Key_B), QKeySequence(Qt::Key_Period)});
    m_blankAction->setObjectName("blankAction");
    m_blankAction->setToolTip(tr("A black screen (B or .); any key or click brings the window back"));
    m_stepForwardAction = m_viewMenu->addAction(tr("Step &forward"), this, &MainWindow::stepForward);
    m_stepForwardAction->setShortcut(QKeySequence(Qt::Key_PageDown));
    m_stepForwardAction->setObjectName("stepForwardAction");
    m_stepBackAction = m_viewMenu->addAction(tr("Step bac&k"), this, &MainWindow::stepBack);
    m_stepBackAction->setShortcut(QKeySequence(Qt::Key_PageUp));
    m_stepBackAction->setObjectName("stepBackAction");
    m_blank = new BlankOverlay(this);
    qApp->installEventFilter(this);
}

bool MainWindow::takesText(const QWidget *focus)
{
    for (const QWidget *w = focus; w; w = w->parentWidget()) {
        if (qobject_cast<const QLineEdit *>(w) || qobject_cast<const QAbstractSpinBox *>(w))
            return true;
        if (const auto *t = qobject_cast<const QTextEdit *>(w))
            return !t->isReadOnly();
        if (const auto *t = qobject_cast<const QPlainTextEdit *>(w))
            return !t->isReadOnly();
        if (const auto *c = qobject_cast<const QComboBox *>(w))
            return c->isEditable();
        if (const auto *view = qobject_cast<const QAbstractItemView *>(w)) // a cell's editor is in the viewport
            return focus != view && focus != view->viewport();
        if (w->isWindow())
            break;
    }
    return false;
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    // Before any shortcut: a clicker's key typed into a text field or a cell editor is the field's.
    if (event->type() == QEvent::ShortcutOverride && watched->isWidgetType()) {
        const auto *w = static_cast<QWidget *>(watched);
        if (w->window() == this && isClickerKey(static_cast<QKeyEvent *>(event)) && takesText(w)) {
            event->accept();
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::stepForward()
{
    if (m_lesson) {
        m_lesson->next();
        return;
    }
    if (auto *explorer = qobject_cast<ExplorerPage *>(currentPage()))
        explorer->stepper()->next();
}

void MainWindow::stepBack()
{
    if (m_lesson) {
        m_lesson->back();
        return;
    }
    if (auto *explorer = qobject_cast<ExplorerPage *>(currentPage()))
        explorer->stepper()->back();
}

void MainWindow::togglePlay()
{
    auto *explorer = qobject_cast<ExplorerPage *>(currentPage());
    if (!explorer)
        return;
    if (explorer->isPlaying())
        explorer->pause();
    else
        explorer->play();
}

void MainWindow::setBlanked(bool on)
{
    if (on) {
        m_blank->setGeometry(rect());
        m_blank->show();
        m_blank->raise();
        m_blank->setFocus(Qt::OtherFocusReason);
    } else {
        m_blank->hide();
    }
}

bool MainWindow::isBlanked() const { return m_blank && m_blank->isVisible(); }

double MainWindow::presenterScale(QSize size, int lineHeight)
{
    // A line of text about 1/36 of the screen's height (as on a slide read from the back of a
    // room), never smaller than normal text; enterPresenterMode lowers it until the window fits.
    return std::clamp(size.height() / 36.0 / std::max(1, lineHeight), 1.1, 2.5);
}

bool MainWindow::highContrast() const { return m_highContrast; }

void MainWindow::setHighContrast(bool on)
{
    m_highContrast = on;
    m_highContrastAction->setChecked(on);
    QPalette p = m_basePalette;
    if (on) {
        for (auto role : {QPalette::Window, QPalette::Base, QPalette::AlternateBase, QPalette::Button, QPalette::ToolTipBase})
            p.setColor(role, Qt::white);
        for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::ToolTipText})
            p.setColor(role, Qt::black);
        p.setColor(QPalette::Highlight, QColor(0, 70, 200));
        p.setColor(QPalette::HighlightedText, Qt::white);
    }
    QApplication::setPalette(p);
    for (HeatmapView *v : findChildren<HeatmapView *>())
        v->setOutlineWidth(on ? 4 : 2);
    applyTextScale(m_textScale); // bolder, or not
}

void MainWindow::applyTextScale(double scale)
{
    m_textScale = scale;
    const auto scaled = [this, scale](QFont f) {
        if (f.pointSizeF() > 0)
            f.setPointSizeF(f.pointSizeF() * scale);
        else // a font given in pixels
            f.setPixelSize(std::max(1, int(std::lround(f.pixelSize() * scale))));
        if (m_highContrast)
            f.setWeight(std::max(f.weight(), QFont::DemiBold));
        return f;
    };
    QApplication::setFont(scaled(m_baseFont));
    // The widgets with a font of their own (a larger explanation, the token strip) keep their
    // proportion to the rest: remembered the first time, scaled from what they were. Widgets
    // with a style sheet and the docks' titles do not follow the application's font: theirs is
    // set too.
    if (m_ownFonts.empty())
        for (QWidget *w : findChildren<QWidget *>())
            if ((w->testAttribute(Qt::WA_SetFont) || !w->styleSheet().isEmpty() || qobject_cast<QDockWidget *>(w)) && w != m_blank)
                m_ownFonts.emplace_back(w, w->font());
    for (const auto &[w, font] : m_ownFonts)
        if (w)
            w->setFont(scale == 1.0 && !m_highContrast ? font : scaled(font));
}

void MainWindow::setPresenterMode(bool on)
{
    if (on == m_presenter) {
        m_presenterAction->setChecked(on);
        return;
    }
    if (on)
        enterPresenterMode();
    else
        leavePresenterMode();
    m_presenterAction->setChecked(on);
}

void MainWindow::enterPresenterMode()
{
    m_savedGeometry = saveGeometry();
    m_savedState = saveState();
    m_savedWindowState = windowState();
    m_savedHighContrast = m_highContrast;
    m_presenter = true;
    m_mainBar->setVisible(false);
    m_presenterBar->setVisible(true);
    showPageDocks();
    const QScreen *on = screen() ? screen() : QGuiApplication::primaryScreen();
    const QSize screenSize = on ? on->geometry().size() : QSize(1024, 768);
    setHighContrast(true);
    m_savedFixedWeightScale = m_fixedScaleAction->isChecked();
    setFixedWeightScale(true); // weights comparable across views and steps: the √d_k lesson shows
    // The largest text, from the screen's factor down, with which the window's minimum fits.
    for (double scale = presenterScale(screenSize, QFontMetrics(m_baseFont).height());; scale = std::max(1.0, scale - 0.05)) {
        applyTextScale(scale);
        QCoreApplication::processEvents(); // the pages fit their heights to the new fonts
        layout()->invalidate();
        layout()->activate();
        const QSize needed = layout()->totalMinimumSize();
        if (scale <= 1.0 || (needed.width() <= screenSize.width() && needed.height() <= screenSize.height()))
            break;
    }
    if (on)
        setGeometry(on->geometry()); // where no window manager makes full screen (a bare X server)
    showFullScreen();
}

void MainWindow::leavePresenterMode()
{
    m_presenter = false;
    setBlanked(false);
    m_textScale = 1.0; // the fonts as they were, applied once by setHighContrast
    setHighContrast(m_savedHighContrast);
    setFixedWeightScale(m_savedFixedWeightScale);
    m_presenterBar->setVisible(false);
    m_mainBar->setVisible(true);
    showPageDocks(); // the page shown may have changed meanwhile
    setWindowState(m_savedWindowState & ~Qt::WindowFullScreen); // maximized stays maximized
    restoreState(m_savedState);
    restoreGeometry(m_savedGeometry);
    // Once the smaller fonts have reached every layout (posted events), the docks and the window
    // take their old sizes again: restored before that, the docks keep the widths the large
    // text needed, and the window grows by them.
    QTimer::singleShot(0, this, [this, geometry = m_savedGeometry, state = m_savedState] {
        if (m_presenter)
            return;
        restoreState(state);
        restoreGeometry(geometry);
    });
}

void MainWindow::showPageDocks()
{
    const Page *shown = currentPage();
    for (const Page *p : std::as_const(m_pages))
        for (const PageDock &d : p->docks())
            d.dock->setVisible(p == shown && (!m_presenter || d.presenter));
}

} // namespace attnscope
