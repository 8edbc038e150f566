#pragma once
// Reading files with errors as data, and writing outputs atomically: every output of a command
// goes to a temporary file beside its target and is renamed into place only once all of them
// were written and flushed to disk, so a failed command leaves existing files untouched.
//
// A process killed while the renames of one batch are under way (they are separate system
// calls; no POSIX call renames several files at once) leaves some targets new and the rest old,
// plus the temporary files not yet renamed (<name>.partial-XXXXXX beside each target). The
// renames happen in a fixed order, by rank (OutputBatch::add), so that one output — the one
// added with the highest rank, such as the weights — being new implies every other one is new.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "result.h"

class QFile;

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

/// A set of output files written all-or-nothing. Every file is written and fsync'ed to a
/// temporary file beside its target when added; commit() renames them into place in ascending
/// `renameRank` (ties in the order added), then fsyncs their directories. Errors carry the
/// operating system's reason ("No space left on device").
class OutputBatch {
public:
    OutputBatch();
    ~OutputBatch(); ///< removes every temporary file not renamed into place
    OutputBatch(const OutputBatch &) = delete;
    OutputBatch &operator=(const OutputBatch &) = delete;

    /// Writes `content` to a temporary file beside `path`. Nothing at `path` changes yet.
    Status add(const std::string &path, std::span<const std::byte> content, int renameRank = 0);
    /// The same, with the content given as consecutive parts (a header, then data in place).
    Status add(const std::string &path, const std::vector<std::span<const std::byte>> &parts, int renameRank = 0);
    /// Renames every temporary file into place. On failure, the files not yet renamed are left
    /// untouched (their temporary files are removed).
    Status commit();

private:
    struct Pending {
        std::string path, temp;
        int rank = 0;
    };
    std::vector<Pending> m_files;
};

/// Convenience: one file, atomically.
Status writeFileAtomically(const std::string &path, std::span<const std::byte> content);

} // namespace attnscope
