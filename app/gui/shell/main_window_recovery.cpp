// MainWindow: crash recovery. One autosave file per window, locked while the window lives, so
// that a second window never offers (or deletes) a running window's work, and a restored copy is
// kept until the restored work is safe again.

#include "main_window.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QLockFile>
#include <QMessageBox>
#include <QStandardPaths>

namespace attnscope {
namespace {

/// A lock that only a dead process's lock file gives up: no age limit, since a window may run
/// for days.
std::unique_ptr<QLockFile> lockFor(const QString &path)
{
    auto lock = std::make_unique<QLockFile>(path + QStringLiteral(".lock"));
    lock->setStaleLockTime(0);
    return lock;
}

} // namespace

QString MainWindow::autosaveFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/autosave");
}

void MainWindow::lockAutosave()
{
    static int windows = 0; // several windows in one process each get their own file
    QDir().mkpath(autosaveFolder());
    for (;;) {
        const QString path = QDir(autosaveFolder()).filePath(
            QStringLiteral("autosave-%1-%2.attnscope").arg(QCoreApplication::applicationPid()).arg(windows++));
        auto lock = lockFor(path);
        if (lock->tryLock(0)) {
            m_autosavePath = path;
            m_autosaveLock = std::move(lock);
            return;
        }
        if (lock->error() != QLockFile::LockFailedError)
            return; // the folder cannot be written: no crash recovery, but the window works
    }
}

void MainWindow::autosave()
{
    if (!m_modified || !m_autosaveLock)
        return;
    SessionState s = captureSession();
    (void)embedInputs(s); // the recovery copy carries small inputs with it when it can
    if (!saveSession(s, m_autosavePath.toStdString()))
        return;
    if (!m_recoveredPath.isEmpty()) { // the restored work is in this window's copy now
        QFile::remove(m_recoveredPath);
        m_recoveredPath.clear();
        m_recoveredLock.reset();
    }
}

void MainWindow::discardAutosaves()
{
    if (!m_autosavePath.isEmpty())
        QFile::remove(m_autosavePath);
    if (!m_recoveredPath.isEmpty())
        QFile::remove(m_recoveredPath);
    m_recoveredPath.clear();
    m_recoveredLock.reset();
}

void MainWindow::offerRecovery()
{
    const QDir folder(autosaveFolder());
    // The newest first; the copy an older version wrote beside the folder is offered too.
    QFileInfoList copies = folder.entryInfoList({QStringLiteral("autosave*.attnscope")}, QDir::Files, QDir::Time);
    const QFileInfo legacy(QFileInfo(autosaveFolder()).path() + QStringLiteral("/autosave.attnscope"));
    if (legacy.exists())
        copies << legacy;
    for (const QFileInfo &copy : copies) {
        const QString path = copy.absoluteFilePath();
        if (path == QFileInfo(m_autosavePath).absoluteFilePath() || path == m_recoveredPath)
            continue;
        auto lock = lockFor(path);
        if (!lock->tryLock(0))
            continue; // a live window's copy
        const bool yes = m_askRecovery ? m_askRecovery(path)
                                       : QMessageBox::question(this, tr("Recover the last session?"),
                                                               tr("An AttnScope window did not close normally (%1, %2). "
                                                                  "Restore the work it saved automatically?\n"
                                                                  "No deletes that copy.")
                                                                   .arg(copy.fileName(), QLocale().toString(copy.lastModified())),
                                                               QMessageBox::Yes | QMessageBox::No,
                                                               QMessageBox::Yes) == QMessageBox::Yes;
        if (!yes) {
            QFile::remove(path);
            continue;
        }
        QString error;
        if (!openSession(path, &error)) {
            QFile::rename(path, path + QStringLiteral(".unreadable"));
            showError(tr("%1\nThe copy is kept as %2.").arg(error, QDir::toNativeSeparators(path + QStringLiteral(".unreadable"))));
            continue;
        }
        m_sessionPath.clear();
        setModified(true);
        m_recoveredPath = path;
        m_recoveredLock = std::move(lock); // no other window offers it while this one has it
        return;
    }
}

} // namespace attnscope
