// attnscope-cli inspect: what a tensor file holds.

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "printable.h"
#include "tensor_file.h"

namespace attnscope::cli {

int inspectCommand(const QStringList &args)
{
    QCommandLineParser p;
    p.addPositionalArgument("FILE", "A .npy, .npz, .safetensors, .csv or .tsv file.");
    const char *usage = "Usage: attnscope-cli inspect FILE\n\n"
                        "Lists every array in FILE with its name, dtype and shape, and the file's metadata\n"
                        "(safetensors __metadata__). Names are what TENSOR arguments take as FILE:NAME.";
    const QCommandLineOption help({"h", "help"}, "Show this help and exit.");
    p.addOption(help);
    if (!p.parse(args))
        return fail(p.errorText().toStdString() + " (see 'attnscope-cli inspect --help')");
    if (p.isSet(help)) {
        std::printf("%s\n", usage);
        return kExitOk;
    }
    if (p.positionalArguments().size() != 1)
        return fail("inspect takes exactly one FILE (see 'attnscope-cli inspect --help')");
    const std::string path = p.positionalArguments().first().toStdString();
    auto file = openTensorFile(path);
    if (!file)
        return fail(file.error());
    const TensorFileInfo &info = (*file)->info();
    std::vector<std::string> warnings = info.warnings;
    std::printf("%s: %s, %zu array%s\n", printableName(path).c_str(), info.format.c_str(), info.arrays.size(),
                info.arrays.size() == 1 ? "" : "s");
    std::size_t width = 4;
    for (const auto &a : info.arrays)
        width = std::max(width, printableName(a.name).size());
    for (const auto &a : info.arrays) {
        const std::string name = a.name.empty() ? "(array)" : printableName(a.name);
        std::printf("  %-*s  %-8s  %s%s\n", int(width), name.c_str(), a.dtype.c_str(), shapeToString(a.shape).c_str(),
                    a.readable ? "" : "  (not read by AttnScope)");
        warnings.insert(warnings.end(), a.warnings.begin(), a.warnings.end());
    }
    if (!info.metadata.empty()) {
        std::printf("metadata:\n");
        for (const auto &[key, raw] : info.metadata) {
            const std::string value = printableName(raw.size() > 200 ? raw.substr(0, 200) + "…" : raw);
            std::printf("  %s: %s\n", printableName(key).c_str(), value.c_str());
        }
    }
    warnAll(warnings);
    return kExitOk;
}

} // namespace attnscope::cli
