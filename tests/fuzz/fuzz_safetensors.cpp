// libFuzzer target: the safetensors header validation.
#include <cstddef>
#include <cstdint>

#include "safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    (void)attnscope::parseSafetensors(reinterpret_cast<const std::byte *>(data), size, "fuzz.safetensors");
    return 0;
}
