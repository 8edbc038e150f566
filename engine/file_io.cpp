#include "file_io.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

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

OutputBatch::OutputBatch() = default;
OutputBatch::~OutputBatch() = default;

Status OutputBatch::add(const std::string &path, const std::vector<std::byte> &content)
{
    return add(path, std::vector<std::span<const std::byte>>{std::span<const std::byte>(content)});
}

Status OutputBatch::add(const std::string &path, const std::vector<std::span<const std::byte>> &parts)
{
    const QString qpath = QString::fromStdString(path);
    if (QFileInfo(qpath).isDir())
        return makeError(Error::Code::WriteFailed, path + ": cannot write: it is a directory");
    auto file = std::make_unique<QSaveFile>(qpath);
    if (!file->open(QIODevice::WriteOnly))
        return makeError(Error::Code::WriteFailed, path + ": cannot write: " + file->errorString().toStdString());
    for (const auto &part : parts) {
        std::size_t done = 0;
        while (done < part.size()) {
            const qint64 n = file->write(reinterpret_cast<const char *>(part.data()) + done, qint64(part.size() - done));
            if (n <= 0)
                return makeError(Error::Code::WriteFailed, path + ": write failed: " + file->errorString().toStdString());
            done += std::size_t(n);
        }
    }
    m_files.push_back(std::move(file));
    return okStatus();
}

Status OutputBatch::commit()
{
    for (auto &file : m_files) {
        if (!file->commit())
            return makeError(Error::Code::WriteFailed,
                             file->fileName().toStdString() + ": cannot write: " + file->errorString().toStdString());
    }
    m_files.clear();
    return okStatus();
}

Status writeFileAtomically(const std::string &path, const std::vector<std::byte> &content)
{
    OutputBatch batch;
    if (auto st = batch.add(path, content); !st)
        return st;
    return batch.commit();
}

} // namespace attnscope
