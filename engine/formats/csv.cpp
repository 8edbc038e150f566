#include "csv.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

#include "file_io.h"
#include "memory_budget.h"
#include "printable.h"

namespace attnscope {
namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool parseNumber(std::string_view field, double &out)
{
    if (!field.empty() && field.front() == '+')
        field.remove_prefix(1);
    const auto r = std::from_chars(field.data(), field.data() + field.size(), out);
    return !field.empty() && r.ec == std::errc() && r.ptr == field.data() + field.size();
}

std::vector<std::string_view> splitFields(std::string_view line, char sep)
{
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = line.find(sep, start);
        out.push_back(trim(line.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start)));
        if (pos == std::string_view::npos)
            break;
        start = pos + 1;
    }
    return out;
}

} // namespace

Result<CsvTable> parseCsv(const std::byte *data, std::size_t size, const std::string &what, bool tabSeparated)
{
    std::string_view text(reinterpret_cast<const char *>(data), size);
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    CsvTable table;
    std::vector<double> values;
    std::int64_t cols = -1, rows = 0;
    char sep = tabSeparated ? '\t' : 0;
    std::size_t lineNo = 0, pos = 0;
    while (pos <= text.size()) {
        auto eol = text.find('\n', pos);
        if (eol == std::string_view::npos)
            eol = text.size();
        const std::string_view line = trim(text.substr(pos, eol - pos));
        pos = eol + 1;
        ++lineNo;
        if (line.empty() || line.front() == '#')
            continue;
        if (!sep)
            sep = line.find('\t') != std::string_view::npos ? '\t' : ',';
        const auto fields = splitFields(line, sep);
        const auto at = [&](std::size_t i) {
            return what + ": line " + std::to_string(lineNo) + ", column " + std::to_string(i + 1);
        };
        double v;
        if (cols < 0 && table.header.empty() && !parseNumber(fields[0], v)) { // a header row
            for (auto f : fields)
                table.header.emplace_back(f);
            table.warnings.push_back(what + ": line " + std::to_string(lineNo) + " is not numeric; it is taken as column names (" +
                                     shortList(table.header, 8) + ")");
            continue;
        }
        if (cols >= 0 && std::int64_t(fields.size()) != cols)
            return makeError(Error::Code::BadFormat, what + ": line " + std::to_string(lineNo) + " has " +
                                                         std::to_string(fields.size()) + " values but earlier rows have " +
                                                         std::to_string(cols));
        if (!table.header.empty() && cols < 0 && fields.size() != table.header.size())
            return makeError(Error::Code::BadFormat, what + ": line " + std::to_string(lineNo) + " has " +
                                                         std::to_string(fields.size()) + " values but the header names " +
                                                         std::to_string(table.header.size()) + " columns");
        cols = std::int64_t(fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (fields[i].empty())
                return makeError(Error::Code::BadFormat, at(i) + ": empty value");
            if (!parseNumber(fields[i], v))
                return makeError(Error::Code::BadFormat,
                                 at(i) + ": '" + printableName(std::string(fields[i].substr(0, 40))) + "' is not a number");
            if (values.size() == values.capacity()) { // growing doubles the storage: ask the budget first
                const std::size_t next = std::max<std::size_t>(64, 2 * values.capacity());
                if (auto st = reserveMemory(satMul(next, sizeof(double)), what); !st)
                    return st.error();
                values.reserve(next);
            }
            values.push_back(v);
        }
        ++rows;
    }
    if (rows == 0)
        return makeError(Error::Code::BadFormat, what + ": no numeric rows");
    table.values.dtype = DType::F64;
    table.values.shape = {rows, cols};
    if (auto st = reserveMemory(values.size() * sizeof(double), what); !st) // the tensor's own copy
        return st.error();
    table.values.bytes.resize(values.size() * sizeof(double));
    std::memcpy(table.values.bytes.data(), values.data(), table.values.bytes.size());
    return table;
}

Result<CsvTable> readCsv(const std::string &path)
{
    auto file = InputFile::open(path);
    if (!file)
        return file.error();
    if (auto st = reserveMemory(file->size(), path); !st)
        return st.error();
    auto bytes = file->readAll();
    if (!bytes)
        return bytes.error();
    const bool tsv = path.size() > 4 && path.compare(path.size() - 4, 4, ".tsv") == 0;
    return parseCsv(bytes->data(), bytes->size(), path, tsv);
}

} // namespace attnscope
