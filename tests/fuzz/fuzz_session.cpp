// libFuzzer target: .attnscope session files (JSON decoding and validation, embedded inputs).
// A session that decodes must encode and decode again to the same state: what the window
// saves is what it read.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "session_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto *first = reinterpret_cast<const std::byte *>(data);
    const std::vector<std::byte> bytes(first, first + size);
    auto state = attnscope::decodeSession(bytes, "fuzz.attnscope");
    if (!state)
        return 0;
    (void)attnscope::missingInputs(*state);
    // A version-1 file comes back as version 2, with the same state otherwise.
    auto again = attnscope::decodeSession(attnscope::encodeSession(*state), "fuzz.attnscope");
    if (!again)
        std::abort(); // the writer produced a file its own reader refuses
    again->version = state->version;
    if (!(*again == *state))
        std::abort();
    return 0;
}
