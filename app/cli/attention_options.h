#pragma once
// The options that describe attention's inputs (Q/K/V or X and projections, heads, batch,
// scale, masks, precision, memory budget), shared by the commands that compute attention.

#include <QCommandLineParser>

#include "attention.h"
#include "attention_request.h"
#include "result.h"

namespace attnscope::cli {

/// What the input options ask for.
struct AttentionInputOptions {
    AttentionRequest request;
    AttentionOptions options; ///< scale and memory budget; `keep` is left to the command
    bool f64 = false;         ///< --precision f64
};

/// Adds --q --k --v --x --wq --wk --wv --context --heads --batch --scale --mask --key-padding
/// --attention-mask --precision --threads, and unless the command has its own (`render`) --layer
/// and --memory-budget, with the same meaning as for `attention`.
void addAttentionInputOptions(QCommandLineParser &parser, bool layerAndBudget = true);

/// Adds --threads N.
void addThreadsOption(QCommandLineParser &parser);
/// Applies --threads N (setThreadCount; default every core). Errors name the option.
Status applyThreadsOption(const QCommandLineParser &parser);

/// Reads the tensors and checks the values of those options (after parsing). Errors name the
/// option or the file.
Result<AttentionInputOptions> readAttentionInputOptions(const QCommandLineParser &parser);

/// The usage lines of those options, for a command's help.
extern const char *const kAttentionInputUsage;

} // namespace attnscope::cli
