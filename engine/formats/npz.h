#pragma once
// numpy's .npz: a zip archive of .npy members, stored (np.savez) or deflated
// (np.savez_compressed), read with libzip. Member names are keys, never paths. A member's
// declared size must fit the cap before anything is inflated, and no more than the declared
// size is ever inflated, so a zip bomb is refused rather than unpacked.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "npy.h"
#include "result.h"
#include "tensor.h"

namespace attnscope {

class NpzArchive {
public:
    struct Member {
        std::string name;       ///< the key, without ".npy"
        std::string entryName;  ///< the name inside the zip
        std::uint64_t index = 0;
        std::uint64_t size = 0; ///< declared uncompressed size
        std::uint64_t packedSize = 0; ///< declared size inside the zip (compressed or not)
        bool deflated = false;  ///< compressed (np.savez_compressed) rather than stored (np.savez)
        NpyHeader header;       ///< validated against `size`; header.unsupported says why a dtype is not read
    };

    /// Opens the archive and validates every member's .npy header. Members larger than
    /// `maxMemberBytes` are refused. A member of a dtype AttnScope does not read (objects, `|S`,
    /// complex …) is listed, its header.unsupported saying why; only reading it fails.
    static Result<NpzArchive> open(const std::string &path, std::uint64_t maxMemberBytes);
    /// The same for an archive held in memory (`data` must outlive the archive); `what` names it.
    static Result<NpzArchive> openBuffer(const std::byte *data, std::size_t size, const std::string &what,
                                         std::uint64_t maxMemberBytes);
    NpzArchive(NpzArchive &&) noexcept;
    NpzArchive &operator=(NpzArchive &&) noexcept;
    ~NpzArchive();

    const std::vector<Member> &members() const { return m_members; }
    const Member *find(const std::string &name) const; ///< with or without ".npy"
    /// A numeric member (refused, naming why, when header.unsupported is set).
    Result<Tensor> read(const Member &m);
    /// A unicode (`<U…`) member, as a list of UTF-8 strings.
    Result<std::vector<std::string>> readStrings(const Member &m);

private:
    NpzArchive() = default;
    static Result<NpzArchive> fromZip(void *zip, const std::string &what, std::uint64_t maxMemberBytes);
    Result<std::vector<std::byte>> inflate(const Member &m, std::uint64_t limit);
    std::string where(const Member &m) const;

    struct Closer {
        void operator()(void *zip) const;
    };
    std::unique_ptr<void, Closer> m_zip;
    std::string m_path;
    std::vector<Member> m_members;
};

} // namespace attnscope
