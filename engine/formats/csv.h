#pragma once
// CSV and TSV matrices: one row per line, comma- or tab-separated (tab for .tsv files or when
// the first data line holds a tab), an optional header row of names, `#` comments and blank
// lines ignored. Numbers are parsed with std::from_chars, independent of the C locale.

#include <cstddef>
#include <string>
#include <vector>

#include "result.h"
#include "tensor.h"

namespace attnscope {

struct CsvTable {
    Tensor values;                    ///< float64 [rows, cols]
    std::vector<std::string> header;  ///< column names, when the first row held them
    std::vector<std::string> warnings; ///< "x.csv: line 1 is not numeric; it is taken as column names (a, b)"
};

/// Parses `text` (the whole file); `what` names it in messages, which give line and column.
/// The values are reserved from the memory budget as they grow (reserveMemory).
Result<CsvTable> parseCsv(const std::byte *data, std::size_t size, const std::string &what, bool tabSeparated = false);
Result<CsvTable> readCsv(const std::string &path);

} // namespace attnscope
