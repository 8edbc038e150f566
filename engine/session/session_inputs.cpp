// The inputs of a session on disk: finding referenced files, embedding small ones, and writing
// embedded copies out for the window. The declarations are in session_file.h.

#include <QDir>
#include <QFileInfo>

#include <set>

#include "file_io.h"
#include "npy.h"
#include "session_file.h"

namespace attnscope {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

std::optional<std::string> resolveInput(const SessionState &state, std::size_t i)
{
    assert(i < state.inputs.size());
    const SessionInput &in = state.inputs[i];
    if (!in.absolutePath.empty() && QFileInfo(qs(in.absolutePath)).isFile())
        return in.absolutePath;
    if (!in.relativePath.empty() && !state.sessionPath.empty()) {
        const QString p = QFileInfo(qs(state.sessionPath)).absoluteDir().filePath(qs(in.relativePath));
        if (QFileInfo(p).isFile())
            return QDir::cleanPath(p).toStdString();
    }
    return std::nullopt;
}

namespace {

std::string missingMessage(const SessionState &state, std::size_t i)
{
    const SessionInput &in = state.inputs[i];
    const std::string what = in.role == kSessionRoleOverlayImage  ? "the overlay image "
                             : in.role == kSessionRoleSecondInput ? "the second input "
                                                                  : "the input ";
    return state.sessionPath + ": " + what + in.name + " is missing (it was at " +
           (in.absolutePath.empty() ? in.relativePath : in.absolutePath) + ")";
}

/// Where materializeInputs writes input `i`'s embedded copy: `tempDir`/<name>, or
/// `tempDir`/<i>/<name> when `shared` (another embedded input has the same name). Creates the folder.
Result<std::string> copyPath(const std::string &tempDir, std::size_t i, const std::string &name, bool shared)
{
    const QString folder = shared ? QDir(qs(tempDir)).filePath(QString::number(i)) : qs(tempDir);
    if (!QDir().mkpath(folder))
        return makeError(Error::Code::WriteFailed, folder.toStdString() + ": cannot create the folder");
    return QDir(folder).filePath(qs(name)).toStdString();
}

} // namespace

std::vector<std::string> missingInputs(const SessionState &state)
{
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < state.inputs.size(); ++i)
        if (!resolveInput(state, i))
            missing.push_back(missingMessage(state, i));
    return missing;
}

Result<bool> embedInputs(SessionState &state, std::uint64_t limit)
{
    std::vector<std::optional<std::string>> where;
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < state.inputs.size(); ++i) {
        where.push_back(resolveInput(state, i));
        if (where.back())
            total += std::uint64_t(QFileInfo(qs(*where.back())).size());
        else if (state.inputs[i].embedded)
            total += state.inputs[i].embedded->size();
        else
            return makeError(Error::Code::FileNotFound, missingMessage(state, i));
    }
    const bool embed = total <= limit;
    for (std::size_t i = 0; i < state.inputs.size(); ++i) {
        SessionInput &in = state.inputs[i];
        if (!where[i])
            continue; // only the embedded copy is left: keep it whatever the size
        in.embedded.reset();
        if (!embed)
            continue;
        auto file = InputFile::open(*where[i]);
        auto bytes = file ? file->readAll() : Result<std::vector<std::byte>>(file.error());
        if (!bytes)
            return bytes.error();
        const bool npy =
            QFileInfo(qs(in.name)).suffix().compare("npy", Qt::CaseInsensitive) == 0 &&
            parseNpyHeader(bytes->data(), bytes->size(), bytes->size(), in.name, NpyAllow::NumericAndUnicode);
        in.encoding = npy ? SessionInput::Encoding::Npy : SessionInput::Encoding::Raw;
        in.embedded = std::move(*bytes);
    }
    return embed;
}

Result<std::vector<std::string>> materializeInputs(const SessionState &state, const std::string &tempDir)
{
    std::multiset<std::string> names;
    for (const SessionInput &in : state.inputs)
        if (in.embedded)
            names.insert(in.name);
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < state.inputs.size(); ++i) {
        const SessionInput &in = state.inputs[i];
        if (auto onDisk = resolveInput(state, i)) {
            paths.push_back(*onDisk);
            continue;
        }
        if (!in.embedded)
            return makeError(Error::Code::FileNotFound, missingMessage(state, i));
        auto path = copyPath(tempDir, i, in.name, names.count(in.name) > 1);
        if (!path)
            return path.error();
        if (auto st = writeFileAtomically(*path, *in.embedded); !st)
            return st.error();
        paths.push_back(*path);
    }
    return paths;
}

} // namespace attnscope
