// attnscope-cli: the headless command line of AttnScope.

#include <QApplication>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "memory_budget.h"

namespace {

const char *kHelp = R"(Usage: attnscope-cli COMMAND [options]

AttnScope's command line: attention, stage by stage, on tensor files; Hugging Face model folders' tokenizers and attention.

Commands:
  attention   compute scores, weights and outputs from Q/K/V or X and projections
  combine     fuse heads, roll out over layers, merge sub-words, hide tokens: one matrix as .npy/.npz
  inspect     list every array of a tensor file (name, dtype, shape, or why it cannot be read),
              its metadata, and what a bundle holds
  render      draw attention as PNG, SVG or PDF: a heatmap, over an image's patches, the model view
              (every layer × head) or the head view
  stages      write every stage of attention as .npy and as a picture
  model       a Hugging Face model folder's attention on a text or an image, as a bundle
  tokenize    a Hugging Face tokenizer's ids and tokens for a text, as one JSON line

TENSOR arguments name a .npy, .npz, .safetensors, .csv or .tsv file, as PATH or PATH:NAME
(an .npz member or a safetensors tensor). A file holding one array needs no name.

Run 'attnscope-cli COMMAND --help' for a command's options.
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").
)";

/// Qt's own messages (libpng's warnings come through Qt's image plugins, "libpng warning: iCCP:
/// …"), held back until the command is done: they must not come before or beside the `error:`
/// line. After a success they follow as warnings; after a failure the error line says what
/// matters and they are dropped. Fatal messages still abort at once.
std::mutex g_qtMessagesMutex;
std::vector<std::string> g_qtMessages;

void holdQtMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtFatalMsg) {
        std::fprintf(stderr, "error: %s\n", qPrintable(qFormatLogMessage(type, context, message)));
        std::abort();
    }
    // Harmless: without XDG_RUNTIME_DIR Qt uses /tmp/runtime-$USER.
    if (type == QtDebugMsg || message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set")))
        return;
    const std::lock_guard lock(g_qtMessagesMutex);
    if (g_qtMessages.size() < 20)
        g_qtMessages.push_back(message.toStdString());
}

/// Prints the held Qt messages as warnings after a success.
int finish(int status)
{
    const std::lock_guard lock(g_qtMessagesMutex);
    if (status == attnscope::cli::kExitOk)
        for (const auto &m : g_qtMessages)
            attnscope::cli::warn(m);
    g_qtMessages.clear();
    return status;
}

/// Runs a command; running out of memory (an allocation the budget did not foresee) ends in one
/// error line, not an abort.
int runCommand(const std::function<int(const QStringList &)> &command, const QStringList &args, const QString &name)
{
    try {
        return command(args);
    } catch (const std::bad_alloc &) {
        return attnscope::cli::fail("not enough memory for '" + name.toStdString() + "'; the memory budget is " +
                                    attnscope::formatBytes(attnscope::memoryBudget()) + "; set it with --memory-budget");
    }
}

/// The commands that draw need a QApplication (QCustomPlot is a QWidget); without a display they
/// draw on Qt's offscreen platform, chosen before the application is constructed. It sees only
/// the program name: Qt would take options such as --title or --geometry for itself under xcb.
std::unique_ptr<QCoreApplication> makeApplication(int &argc, char **argv)
{
    const bool draws = argc > 1 && (std::strcmp(argv[1], "render") == 0 || std::strcmp(argv[1], "stages") == 0);
    if (!draws)
        return std::make_unique<QCoreApplication>(argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    static int programOnly = 1;
    return std::make_unique<QApplication>(programOnly, argv);
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    qInstallMessageHandler(holdQtMessages);
    const auto app = makeApplication(argc, argv);
    QCoreApplication::setApplicationName("attnscope-cli");
    QCoreApplication::setApplicationVersion(ATTNSCOPE_VERSION);

    using Command = std::function<int(const QStringList &)>;
    const std::map<QString, Command> commands = {
        {"attention", attnscope::cli::attentionCommand},
        {"combine", attnscope::cli::combineCommand},
        {"inspect", attnscope::cli::inspectCommand},
        {"render", attnscope::cli::renderCommand},
        {"stages", attnscope::cli::stagesCommand},
        {"tokenize", attnscope::cli::tokenizeCommand},
        {"model", attnscope::cli::modelCommand},
    };
    const QString name = args.value(1);
    if (name.isEmpty() || name == "--help" || name == "-h" || name == "help") {
        std::fputs(kHelp, name.isEmpty() ? stderr : stdout);
        return name.isEmpty() ? attnscope::cli::kExitError : attnscope::cli::kExitOk;
    }
    if (name == "--version") {
        std::printf("attnscope-cli %s\n", ATTNSCOPE_VERSION);
        return attnscope::cli::kExitOk;
    }
    const auto it = commands.find(name);
    if (it == commands.end())
        return attnscope::cli::fail("unknown command '" + name.toStdString() + "' (see 'attnscope-cli --help')");
    QStringList rest = args.mid(1);
    rest[0] = "attnscope-cli " + name;
    return finish(runCommand(it->second, rest, name));
}
