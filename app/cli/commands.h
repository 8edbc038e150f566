#pragma once
// The attnscope-cli commands. Each takes its arguments with its own name first and returns the
// process exit status.

#include <QStringList>

namespace attnscope::cli {

int attentionCommand(const QStringList &args);
int combineCommand(const QStringList &args);
int inspectCommand(const QStringList &args);
int modelCommand(const QStringList &args);
int renderCommand(const QStringList &args);
int stagesCommand(const QStringList &args);
int tokenizeCommand(const QStringList &args);

} // namespace attnscope::cli
