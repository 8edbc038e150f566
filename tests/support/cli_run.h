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

/// Runs `program` with `args` in `workDir`; a run past `timeoutMs` counts as a crash.
inline Run runProgram(const QString &program, const QStringList &args, const QString &workDir,
                      const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 120000)
{
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
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

/// Runs build/bin/attnscope-cli with `args` in `workDir`; a run past two minutes counts as a crash.
inline Run runCli(const QStringList &args, const QString &workDir,
                  const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    return runProgram(QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli"), args, workDir, env);
}

} // namespace attnscope::test
