#pragma once
// Reading files with errors as data, and writing outputs atomically: every output of a command
// goes to a temporary file beside its target and is renamed into place only once all of them
// were written, so a failed command leaves existing files untouched.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "result.h"

class QFile;
class QSaveFile;

namespace attnscope {

/// A regular file opened for reading, with its size known up front.
class InputFile {
public:
    static Result<InputFile> open(const std::string &path);
    InputFile(InputFile &&) noexcept;
    InputFile &operator=(InputFile &&) noexcept;
    ~InputFile();

    std::uint64_t size() const { return m_size; }
    const std::string &path() const { return m_path; }
    /// Reads exactly `count` bytes at `offset`; fails (naming the file) on a short read.
    Status readAt(std::uint64_t offset, std::byte *out, std::size_t count);
    /// The whole file; only for files whose size the caller has bounded.
    Result<std::vector<std::byte>> readAll();

private:
    InputFile() = default;
    std::unique_ptr<QFile> m_file;
    std::string m_path;
    std::uint64_t m_size = 0;
};

/// A set of output files written all-or-nothing.
class OutputBatch {
public:
    OutputBatch();
    ~OutputBatch(); ///< discards every temporary file not committed
    OutputBatch(const OutputBatch &) = delete;
    OutputBatch &operator=(const OutputBatch &) = delete;

    /// Writes `content` to a temporary file beside `path`. Nothing at `path` changes yet.
    Status add(const std::string &path, const std::vector<std::byte> &content);
    /// The same, with the content given as consecutive parts (a header, then data in place).
    Status add(const std::string &path, const std::vector<std::span<const std::byte>> &parts);
    /// Renames every temporary file into place. On failure, the files not yet renamed are left
    /// untouched.
    Status commit();

private:
    std::vector<std::unique_ptr<QSaveFile>> m_files;
};

/// Convenience: one file, atomically.
Status writeFileAtomically(const std::string &path, const std::vector<std::byte> &content);

} // namespace attnscope
