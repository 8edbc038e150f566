#pragma once
// The safetensors format (huggingface/safetensors, safetensors/src/tensor.rs): a u64
// little-endian header size N, N bytes of UTF-8 JSON, then the data. Every entry is
// {dtype, shape, data_offsets: [begin, end]} relative to the data start; `__metadata__` is a
// string-to-string map. The checks are the reference implementation's: header size below
// 100,000,000 and inside the file, offsets sorted, contiguous from 0 and covering the data
// exactly, each entry's size equal to elements × dtype bits / 8 (overflow-checked). Every dtype of
// the crate is accepted and listed (F8_E4M3, F4, C64, …); AttnScope reads BOOL, U8-U64, I8-I64,
// F16, BF16, F32 and F64. Integers in the header must be JSON integers, as serde demands.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "result.h"
#include "tensor.h"

namespace attnscope {

constexpr std::uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

struct SafetensorsEntry {
    std::string name;
    std::string dtypeName;  ///< as the header spells it: "F32", "F8_E4M3"
    bool supported = true;  ///< AttnScope reads this dtype; the others are listed, not read
    DType dtype = DType::F32; ///< meaningful only when supported
    Shape shape;
    std::uint64_t begin = 0, end = 0; ///< relative to the data start
};

struct SafetensorsHeader {
    std::vector<SafetensorsEntry> entries; ///< in file order (sorted by offset)
    std::vector<std::pair<std::string, std::string>> metadata;
    std::uint64_t dataStart = 0; ///< 8 + N
};

/// Checks the header length `n` (the file's first 8 bytes) against the file size: one message
/// each for a file shorter than 8 bytes, a header over 100,000,000 bytes and one past the end.
Status checkSafetensorsHeaderLength(std::uint64_t n, std::uint64_t fileSize, const std::string &what);

/// Validates the JSON header `json` of a file of `fileSize` bytes. `what` names the file.
Result<SafetensorsHeader> parseSafetensorsHeader(const std::string &json, std::uint64_t fileSize,
                                                 const std::string &what);

/// Validates a whole file held in memory (for the fuzzer and small files).
Result<SafetensorsHeader> parseSafetensors(const std::byte *data, std::size_t size, const std::string &what);

} // namespace attnscope
