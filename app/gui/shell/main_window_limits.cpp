// MainWindow: living within its limits — the memory budget (View → Memory budget…), the threads
// (View → Threads…), and the Cancel button and Esc, which stop the shown page's work in flight.

#include "main_window.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QStatusBar>

#include "memory_budget.h"
#include "parallel.h"
#include "settings.h"

namespace attnscope {

void MainWindow::createCancelButton()
{
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName("cancelComputation");
    m_cancelButton->setToolTip(tr("Stop the computation in flight (Esc); the previous result stays shown"));
    m_cancelButton->setVisible(false);
    statusBar()->addPermanentWidget(m_cancelButton);
    const auto cancel = [this] {
        if (Page *p = currentPage())
            p->cancelWork();
    };
    connect(m_cancelButton, &QPushButton::clicked, this, cancel);
    auto *esc = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    esc->setContext(Qt::WindowShortcut);
    // Esc stops a computation in flight; else it leaves presenter mode (main_window_presenter.cpp).
    connect(esc, &QShortcut::activated, this, [this, cancel] {
        const bool busy = currentPage() && currentPage()->busy();
        cancel();
        if (!busy && m_presenter)
            setPresenterMode(false);
    });
}

void MainWindow::applyMemoryBudgetSetting()
{
    const QString text = Settings::value(Settings::Key::MemoryBudget).toString();
    auto bytes = parseByteSize(text.toStdString());
    setMemoryBudget(!text.isEmpty() && bytes ? *bytes : 0); // a broken setting is the default
}

void MainWindow::memoryBudgetDialog()
{
    bool ok = false;
    const QString text = QInputDialog::getText(
        this, tr("Memory budget"),
        tr("The most memory the window may use (512M, 4G; empty: %1, the default).\nNow: %2.")
            .arg(QString::fromStdString(formatBytes(defaultMemoryBudget())), QString::fromStdString(formatBytes(memoryBudget()))),
        QLineEdit::Normal, Settings::value(Settings::Key::MemoryBudget).toString(), &ok);
    if (!ok)
        return;
    if (auto bytes = parseByteSize(text.trimmed().toStdString()); !text.trimmed().isEmpty() && !bytes) {
        showError(tr("Memory budget: %1").arg(QString::fromStdString(bytes.error().message)));
        return;
    }
    Settings::setValue(Settings::Key::MemoryBudget, text.trimmed());
    applyMemoryBudgetSetting();
    statusBar()->showMessage(tr("Memory budget: %1").arg(QString::fromStdString(formatBytes(memoryBudget()))), 5000);
}

void MainWindow::applyThreadsSetting()
{
    setThreadCount(Settings::value(Settings::Key::Threads).toInt()); // 0 or broken: every core
}

void MainWindow::threadsDialog()
{
    bool ok = false;
    const int n = QInputDialog::getInt(this, tr("Threads"),
                                       tr("How many threads compute (0: every core, %1 here). Now: %2.")
                                           .arg(hardwareThreads())
                                           .arg(threadCount()),
                                       Settings::value(Settings::Key::Threads).toInt(), 0, 256, 1, &ok);
    if (!ok)
        return;
    Settings::setValue(Settings::Key::Threads, n);
    applyThreadsSetting();
    statusBar()->showMessage(tr("Threads: %1").arg(threadCount()), 5000);
}

} // namespace attnscope
