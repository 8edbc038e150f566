// libFuzzer target: the .npy parser on arbitrary bytes.
#include <cstddef>
#include <cstdint>

#include "npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto *bytes = reinterpret_cast<const std::byte *>(data);
    auto t = attnscope::parseNpy(bytes, size, "fuzz.npy");
    if (t.ok() && t->numel() > 0)
        (void)t->at(t->numel() - 1);
    (void)attnscope::parseNpyStrings(bytes, size, "fuzz.npy");
    return 0;
}
