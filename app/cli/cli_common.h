#pragma once
// What every attnscope-cli command shares: one `error:` line and exit status 2 on failure,
// warnings on stderr, option parsing that never exits behind our back.

#include <QCommandLineParser>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

#include "attention_request.h"
#include "colormap.h"
#include "result.h"

namespace attnscope::cli {

constexpr int kExitOk = 0;
constexpr int kExitError = 2;

/// Prints "error: <message>" and returns kExitError.
int fail(const std::string &message);
int fail(const Error &error);
void warn(const std::string &message);
/// warn() for each message (a reader's warnings: NamedTensor::warnings, TensorFileInfo::warnings).
void warnAll(const std::vector<std::string> &messages);

/// Parses `args` (the command's name first). Returns an exit status when the command should
/// stop now: 0 after --help, 2 after a bad option (with an error line).
std::optional<int> parseOrExit(QCommandLineParser &parser, const QStringList &args, const QString &usage);

/// --memory-budget SIZE, for the commands that read or compute in proportion to their input.
void addMemoryBudgetOption(QCommandLineParser &parser);
/// Sets the process-wide budget (memory_budget.h) from --memory-budget when it was given, before
/// any input is read, so that every read and computation counts against it.
Status applyMemoryBudgetOption(const QCommandLineParser &parser);

/// The tensor named by option `name`, if it was given.
Result<std::optional<NamedTensor>> optionalTensor(const QCommandLineParser &parser, const QString &name);

/// Adds the option --`name` with a value, called `valueName` in the help (name and value name
/// Latin-1, help UTF-8).
void addValueOption(QCommandLineParser &parser, const char *name, const char *help, const char *valueName);
/// Adds the switch --`name`.
void addFlagOption(QCommandLineParser &parser, const char *name, const char *help);

/// The labels in the token file `path` given with `option` (UTF-8, one token per line), which
/// must hold `expected` of them, the `what` ("queries", "keys") of `holder` ("the matrix");
/// `fallback` when no file is given. Errors name the option and the file.
Result<QStringList> tokenFileLabels(const QString &path, const char *option, qsizetype expected, const char *what,
                                    const char *holder, const QStringList &fallback);

/// The text of --text or --text-file (UTF-8 bytes; a file's BOM removed, a final newline kept),
/// exactly one of which must be given to `command`. Invalid UTF-8 is an error naming the file.
Result<std::string> textOption(const QCommandLineParser &parser, const char *command);

/// `e`, and when it is OverBudget the hint " (set the budget with --memory-budget)".
Error withBudgetHint(Error e);

/// --colormap: viridis, magma, gray or coolwarm; `fallback` when absent.
Result<ColormapId> colormapOption(const QCommandLineParser &parser, ColormapId fallback);

/// A whole number option in [min, max]; `fallback` when absent.
Result<long long> integerOption(const QCommandLineParser &parser, const QString &name, long long fallback,
                                long long min, long long max);

} // namespace attnscope::cli
