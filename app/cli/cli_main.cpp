// attnscope-cli: the headless command line of AttnScope.

#include <QCoreApplication>

#include <cstdio>
#include <functional>
#include <map>

#include "cli_common.h"
#include "commands.h"

namespace {

const char *kHelp = R"(Usage: attnscope-cli COMMAND [options]

AttnScope's command line: attention, stage by stage, on tensor files.

Commands:
  attention   compute scores, weights and outputs from Q/K/V or X and projections
  combine     fuse heads, roll attention out over layers, hide keys: one matrix as .npy
  inspect     list the arrays (name, dtype, shape) and metadata of a tensor file

TENSOR arguments name a .npy, .npz, .safetensors, .csv or .tsv file, as PATH or PATH:NAME
(an .npz member or a safetensors tensor). A file holding one array needs no name.

Run 'attnscope-cli COMMAND --help' for a command's options.
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").
)";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("attnscope-cli");
    QCoreApplication::setApplicationVersion(ATTNSCOPE_VERSION);
    const QStringList args = QCoreApplication::arguments();

    using Command = std::function<int(const QStringList &)>;
    const std::map<QString, Command> commands = {
        {"attention", attnscope::cli::attentionCommand},
        {"combine", attnscope::cli::combineCommand},
        {"inspect", attnscope::cli::inspectCommand},
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
