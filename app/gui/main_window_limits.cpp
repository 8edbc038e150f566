// MainWindow: living within its limits — the memory budget checked before computing, the
// Cancel button and Esc, failures said in the status bar (and to --screenshot).

#include "main_window.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QStatusBar>

#include "memory_budget.h"
#include "settings.h"
#include "window_memory.h"

namespace attnscope {

bool MainWindow::fitsBudget(const ExplorerRequest &r)
{
    std::int64_t tq = 0, tk = 0, perToken = 0;
    QString what;
    if (r.fixedSetup) {
        tq = std::int64_t(r.fixedSetup->queryTokens.size());
        tk = std::int64_t(r.fixedSetup->keyTokens.size());
        what = m_fileName.isEmpty() ? tr("the input") : m_fileName;
    } else {
        const TextScenario &s = r.scenario;
        tq = std::int64_t(s.tokens.size());
        tk = s.contextTokens.empty() ? tq : std::int64_t(s.contextTokens.size());
        perToken = 1;
        what = tr("the sentence");
    }
    const auto &s = r.scenario;
    const std::uint64_t bytes = explorerBytes(tq, tk, perToken ? s.dModel : 0, perToken ? s.dHead : 0, perToken ? s.heads : 0);
    const QString label = tr("%1 (%2 × %3 tokens)").arg(what).arg(tq).arg(tk);
    if (auto fits = checkWindowBudget(bytes, label.toStdString()); !fits) {
        reportFailure(tr("%1; the previous result stays shown.").arg(QString::fromStdString(fits.error().message)));
        return false;
    }
    return true;
}

void MainWindow::reportFailure(const QString &message)
{
    statusBar()->showMessage(message);
    emit errorShown(message);
}

void MainWindow::createCancelButton()
{
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName("cancelComputation");
    m_cancelButton->setToolTip(tr("Stop the computation in flight (Esc); the previous result stays shown"));
    m_cancelButton->setVisible(false);
    statusBar()->addPermanentWidget(m_cancelButton);
    connect(m_cancelButton, &QPushButton::clicked, m_session, &ExplorerSession::cancel);
    connect(m_session, &ExplorerSession::busyChanged, m_cancelButton, &QWidget::setVisible);
    auto *esc = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    esc->setContext(Qt::WindowShortcut);
    connect(esc, &QShortcut::activated, m_session, &ExplorerSession::cancel);
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

} // namespace attnscope
