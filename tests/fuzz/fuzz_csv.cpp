// libFuzzer target: the CSV/TSV parser.
#include <cstddef>
#include <cstdint>

#include "csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto *bytes = reinterpret_cast<const std::byte *>(data);
    (void)attnscope::parseCsv(bytes, size, "fuzz.csv", false);
    (void)attnscope::parseCsv(bytes, size, "fuzz.tsv", true);
    return 0;
}
