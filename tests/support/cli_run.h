#pragma once
// Running the real attnscope-cli from a test: exit status, crash, stdout and stderr.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace attnscope::test {

struct Run {
    int exitCode = -1;
    bool crashed = false;
    QString out, err;
};

/// Runs build/bin/attnscope-cli with `args` in `workDir`; a run past two minutes counts as a crash.
inline Run runCli(const QStringList &args, const QString &workDir,
                  const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli"), args);
    Run r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        r.crashed = true;
        return r;
    }
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace attnscope::test
