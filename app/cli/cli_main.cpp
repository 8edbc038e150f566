// attnscope-cli: the headless command line of AttnScope.

#include <QApplication>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>

#include "cli_common.h"
#include "commands.h"

namespace {

const char *kHelp = R"(Usage: attnscope-cli COMMAND [options]

AttnScope's command line: attention, stage by stage, on tensor files.

Commands:
  attention   compute scores, weights and outputs from Q/K/V or X and projections
  combine     fuse heads, roll attention out over layers, hide keys: one matrix as .npy
  inspect     list the arrays (name, dtype, shape) and metadata of a tensor file
  render      draw an attention matrix as PNG, SVG or PDF (or over an image's patches)
  stages      write every stage of attention as .npy and as a picture

TENSOR arguments name a .npy, .npz, .safetensors, .csv or .tsv file, as PATH or PATH:NAME
(an .npz member or a safetensors tensor). A file holding one array needs no name.

Run 'attnscope-cli COMMAND --help' for a command's options.
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").
)";

QtMessageHandler g_qtMessages = nullptr;

/// Qt's own messages, less one that is harmless: without XDG_RUNTIME_DIR Qt uses /tmp/runtime-$USER.
void filterQtMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (!message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set")))
        g_qtMessages(type, context, message);
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
    g_qtMessages = qInstallMessageHandler(filterQtMessages);
    static int programOnly = 1;
    return std::make_unique<QApplication>(programOnly, argv);
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
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
    return it->second(rest);
}
