// libFuzzer target: the .npz reader (libzip from memory, then every member's .npy).
#include <cstddef>
#include <cstdint>

#include "npz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    auto zip = attnscope::NpzArchive::openBuffer(reinterpret_cast<const std::byte *>(data), size, "fuzz.npz",
                                                 std::uint64_t(64) << 20);
    if (!zip)
        return 0;
    for (const auto &m : zip->members()) {
        if (m.header.unicodeChars)
            (void)zip->readStrings(m);
        else
            (void)zip->read(m);
    }
    return 0;
}
