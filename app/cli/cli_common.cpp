#include "cli_common.h"

#include <cstdio>

#include <QFile>

#include "memory_budget.h"
#include "printable.h"
#include "tensor_file.h"
#include "text.h"

namespace attnscope::cli {

Error withBudgetHint(Error e)
{
    if (e.code == Error::Code::OverBudget)
        e.message += " (set the budget with --memory-budget)";
    return e;
}

Result<ColormapId> colormapOption(const QCommandLineParser &p, ColormapId fallback)
{
    if (!p.isSet("colormap"))
        return fallback;
    const auto map = Colormap::fromName(p.value("colormap"));
    if (!map)
        return makeError(Error::Code::BadArgument,
                         "--colormap: '" + p.value("colormap").toStdString() + "' is not viridis, magma, gray or coolwarm");
    return *map;
}

int fail(const std::string &message)
{
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return kExitError;
}

int fail(const Error &error) { return fail(error.message); }

void warn(const std::string &message) { std::fprintf(stderr, "warning: %s\n", message.c_str()); }

void addValueOption(QCommandLineParser &parser, const char *name, const char *help, const char *valueName)
{
    parser.addOption(QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(help), QString::fromLatin1(valueName)));
}

void addFlagOption(QCommandLineParser &parser, const char *name, const char *help)
{
    parser.addOption(QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(help)));
}

Result<QStringList> tokenFileLabels(const QString &path, const char *option, qsizetype expected, const char *what,
                                    const char *holder, const QStringList &fallback)
{
    if (path.isEmpty())
        return fallback;
    auto tokens = readTokenFile(path.toStdString(), TokenMode::OneTokenPerLine);
    if (!tokens)
        return makeError(tokens.error().code, std::string(option) + ": " + tokens.error().message);
    if (qsizetype(tokens->size()) != expected)
        return makeError(Error::Code::BadShape, std::string(option) + ": " + path.toStdString() + " has " +
                                                    std::to_string(tokens->size()) + " token(s), " + holder + " has " +
                                                    std::to_string(expected) + " " + what);
    return toQStringList(tokens.value());
}

void addMemoryBudgetOption(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(
        "memory-budget",
        "Refuse work needing more memory than this, e.g. 4G (default: the smallest of half the physical memory, "
        "the cgroup's limit and the address-space limit, less headroom).",
        "SIZE"));
}

Status applyMemoryBudgetOption(const QCommandLineParser &parser)
{
    if (!parser.isSet("memory-budget"))
        return okStatus();
    auto budget = parseByteSize(parser.value("memory-budget").toStdString());
    if (!budget)
        return makeError(Error::Code::BadArgument, "--memory-budget: " + budget.error().message);
    setMemoryBudget(budget.value());
    return okStatus();
}

void warnAll(const std::vector<std::string> &messages)
{
    for (const auto &m : messages)
        warn(m);
}

std::optional<int> parseOrExit(QCommandLineParser &parser, const QStringList &args, const QString &usage)
{
    const QCommandLineOption help({"h", "help"}, "Show this help and exit.");
    parser.addOption(help);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(args))
        return fail(parser.errorText().toStdString() + " (see '" + args.value(0).toStdString() + " --help')");
    if (parser.isSet(help)) {
        std::fputs(usage.toUtf8().constData(), stdout);
        const QString text = parser.helpText();
        const auto at = text.indexOf(QLatin1String("Options:"));
        std::fputs("\n", stdout);
        std::fputs(text.mid(at < 0 ? 0 : at).toUtf8().constData(), stdout);
        return kExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail("unexpected argument '" + parser.positionalArguments().first().toStdString() + "' (see '" +
                    args.value(0).toStdString() + " --help')");
    return std::nullopt;
}

Result<std::optional<NamedTensor>> optionalTensor(const QCommandLineParser &parser, const QString &name)
{
    if (!parser.isSet(name))
        return std::optional<NamedTensor>();
    const QString spec = parser.value(name);
    if (spec.isEmpty())
        return makeError(Error::Code::BadArgument, "--" + name.toStdString() + " needs a file name");
    auto t = readTensor(spec.toStdString());
    if (!t)
        return t.error();
    warnAll(t->warnings);
    return std::optional<NamedTensor>(std::move(t.value()));
}

Result<long long> integerOption(const QCommandLineParser &parser, const QString &name, long long fallback,
                                long long min, long long max)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const long long v = parser.value(name).toLongLong(&ok);
    if (!ok || v < min || v > max)
        return makeError(Error::Code::BadArgument, "--" + name.toStdString() + ": '" + parser.value(name).toStdString() +
                                                       "' is not a whole number from " + std::to_string(min) + " to " +
                                                       std::to_string(max));
    return v;
}

Result<std::string> textOption(const QCommandLineParser &p, const char *command)
{
    if (p.isSet("text") == p.isSet("text-file"))
        return makeError(Error::Code::BadArgument, std::string("give exactly one of --text and --text-file (see 'attnscope-cli ") +
                                                       command + " --help')");
    if (p.isSet("text"))
        return p.value("text").toStdString();
    const std::string path = p.value("text-file").toStdString();
    QFile file(p.value("text-file"));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, printableName(path) + ": cannot read: " + file.errorString().toStdString());
    if (auto s = reserveMemory(satMul(std::uint64_t(file.size()), 2), printableName(path)); !s)
        return s.error();
    std::string bytes = file.readAll().toStdString();
    if (auto valid = decodeUtf8(bytes, printableName(path)); !valid)
        return valid.error();
    if (bytes.rfind("\xEF\xBB\xBF", 0) == 0)
        bytes.erase(0, 3);
    return bytes;
}

} // namespace attnscope::cli
