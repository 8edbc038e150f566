#include "file_io.h"

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attnscope {

Result<InputFile> InputFile::open(const std::string &path)
{
    const QString qpath = QString::fromStdString(path);
    const QFileInfo info(qpath);
    if (!info.exists())
        return makeError(Error::Code::FileNotFound, path + ": file not found");
    if (info.isDir())
        return makeError(Error::Code::ReadFailed, path + ": is a directory, not a file");
    InputFile f;
    f.m_file = std::make_unique<QFile>(qpath);
    if (!f.m_file->open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, path + ": cannot open: " + f.m_file->errorString().toStdString());
    f.m_path = path;
    f.m_size = std::uint64_t(f.m_file->size());
    return f;
}

InputFile::InputFile(InputFile &&) noexcept = default;
InputFile &InputFile::operator=(InputFile &&) noexcept = default;
InputFile::~InputFile() = default;

Status InputFile::readAt(std::uint64_t offset, std::byte *out, std::size_t count)
{
    if (offset > m_size || count > m_size - offset)
        return makeError(Error::Code::BadFormat, m_path + ": unexpected end of file");
    if (!m_file->seek(qint64(offset)))
        return makeError(Error::Code::ReadFailed, m_path + ": cannot seek: " + m_file->errorString().toStdString());
    std::size_t done = 0;
    while (done < count) {
        const qint64 n = m_file->read(reinterpret_cast<char *>(out) + done, qint64(count - done));
        if (n <= 0)
            return makeError(Error::Code::ReadFailed, m_path + ": read failed: " + m_file->errorString().toStdString());
        done += std::size_t(n);
    }
    return okStatus();
}

Result<std::vector<std::byte>> InputFile::readAll()
{
    std::vector<std::byte> bytes(static_cast<std::size_t>(m_size));
    if (auto st = readAt(0, bytes.data(), bytes.size()); !st)
        return st.error();
    return bytes;
}

// ---- Writing ------------------------------------------------------------------------------
// POSIX calls rather than QSaveFile: QSaveFile renames as it commits each file, so a batch could
// not have all its files on disk before the first rename, and its error texts lose errno (a full
// disk read "Unknown error").

namespace {

std::string osReason(int error) { return std::strerror(error); }

Error writeFailed(const std::string &path, const std::string &what, int error)
{
    return makeError(Error::Code::WriteFailed, path + ": " + what + ": " + osReason(error));
}

/// The directory of `path` ("." for a bare name), for the fsync after renaming.
std::string directoryOf(const std::string &path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// Creates `<path>.partial-XXXXXX` exclusively, mode 0666 less the umask (or the mode of the file
/// it will replace, as QSaveFile keeps it). Returns the descriptor, or -1 with errno set.
int createTemporary(const std::string &path, std::string &temp)
{
    static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct stat existing {};
    const bool replaces = ::stat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode);
    for (int attempt = 0; attempt < 100; ++attempt) {
        temp = path + ".partial-";
        for (int i = 0; i < 6; ++i)
            temp += kChars[QRandomGenerator::global()->bounded(int(sizeof kChars - 1))];
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            if (replaces)
                ::fchmod(fd, existing.st_mode & 07777); // best effort, as QSaveFile
            return fd;
        }
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

/// Writes every part to `fd` and flushes it to the disk; 0 or the errno of the failure.
int writeAndSync(int fd, const std::vector<std::span<const std::byte>> &parts)
{
    for (const auto &part : parts) {
        std::size_t done = 0;
        while (done < part.size()) {
            const ssize_t n = ::write(fd, part.data() + done, part.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return n < 0 ? errno : EIO;
            done += std::size_t(n);
        }
    }
    return ::fsync(fd) == 0 ? 0 : errno;
}

/// ATTNSCOPE_TEST_RENAME_PAUSE_MS: TEST-ONLY. Milliseconds to sleep before each rename of a
/// batch, so that tests/cli can kill the process between renames and check what it leaves.
/// Not documented for users; never set it outside a test.
int renamePauseMs()
{
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("ATTNSCOPE_TEST_RENAME_PAUSE_MS", &ok);
    return ok && ms > 0 ? std::min(ms, 10000) : 0;
}

} // namespace

OutputBatch::OutputBatch() = default;

OutputBatch::~OutputBatch()
{
    for (const auto &f : m_files)
        ::unlink(f.temp.c_str());
}

Status OutputBatch::add(const std::string &path, std::span<const std::byte> content, int renameRank)
{
    return add(path, std::vector<std::span<const std::byte>>{content}, renameRank);
}

Status OutputBatch::add(const std::string &path, const std::vector<std::span<const std::byte>> &parts, int renameRank)
{
    if (QFileInfo(QString::fromStdString(path)).isDir())
        return makeError(Error::Code::WriteFailed, path + ": cannot write: it is a directory");
    Pending pending{path, std::string(), renameRank};
    const int fd = createTemporary(path, pending.temp);
    if (fd < 0)
        return writeFailed(path, "cannot write", errno);
    const int error = writeAndSync(fd, parts);
    const int closeError = ::close(fd) == 0 ? 0 : errno;
    if (error || closeError) {
        ::unlink(pending.temp.c_str());
        return writeFailed(path, "cannot write", error ? error : closeError);
    }
    m_files.push_back(std::move(pending));
    return okStatus();
}

Status OutputBatch::commit()
{
    std::stable_sort(m_files.begin(), m_files.end(), [](const Pending &a, const Pending &b) { return a.rank < b.rank; });
    const int pauseMs = renamePauseMs();
    std::vector<std::string> directories;
    while (!m_files.empty()) {
        if (pauseMs)
            std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
        const Pending &f = m_files.front();
        if (::rename(f.temp.c_str(), f.path.c_str()) != 0)
            return writeFailed(f.path, "cannot rename into place", errno); // the destructor removes the rest
        const std::string dir = directoryOf(f.path);
        if (std::find(directories.begin(), directories.end(), dir) == directories.end())
            directories.push_back(dir);
        m_files.erase(m_files.begin());
    }
    // The renames reach the disk with the directories. Best effort: the files are in place
    // already, and some file systems refuse fsync on a directory.
    for (const auto &dir : directories) {
        const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            ::fsync(fd);
            ::close(fd);
        }
    }
    return okStatus();
}

Status writeFileAtomically(const std::string &path, std::span<const std::byte> content)
{
    OutputBatch batch;
    if (auto st = batch.add(path, content); !st)
        return st;
    return batch.commit();
}

} // namespace attnscope
