#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>

#include "about_box.h"

namespace attnscope {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("AttnScope"));
    auto *label = new QLabel(tr("AttnScope"), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    createMenus();
    statusBar()->showMessage(tr("Ready"));
    resize(1200, 800);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About AttnScope"), this, [this] { showAboutBox(this); });
}

} // namespace attnscope
