#include "npy.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

#include <QList>
#include <QString>

#include "file_io.h"
#include "memory_budget.h"
#include "printable.h"

namespace attnscope {
namespace {

Error badFormat(const std::string &what, const std::string &problem)
{
    return makeError(Error::Code::BadFormat, what + ": " + problem);
}

/// A cursor over the Python dict literal of the header: {'descr': '<f4', 'fortran_order':
/// False, 'shape': (3, 4), }. Only what numpy writes is accepted.
class HeaderLexer {
public:
    explicit HeaderLexer(std::string_view s) : m_s(s) {}

    void skipSpace()
    {
        while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' || m_s[m_pos] == '\n' || m_s[m_pos] == '\r'))
            ++m_pos;
    }
    bool eat(char c)
    {
        skipSpace();
        if (m_pos < m_s.size() && m_s[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    bool peek(char c)
    {
        skipSpace();
        return m_pos < m_s.size() && m_s[m_pos] == c;
    }
    bool string(std::string &out)
    {
        skipSpace();
        if (m_pos >= m_s.size() || (m_s[m_pos] != '\'' && m_s[m_pos] != '"'))
            return false;
        const char quote = m_s[m_pos++];
        const auto end = m_s.find(quote, m_pos);
        if (end == std::string_view::npos)
            return false;
        out = std::string(m_s.substr(m_pos, end - m_pos));
        m_pos = end + 1;
        return true;
    }
    bool word(std::string_view w)
    {
        skipSpace();
        if (m_s.substr(m_pos, w.size()) == w) {
            m_pos += w.size();
            return true;
        }
        return false;
    }
    /// A non-negative integer that fits in int64; a sign or an overflow fails.
    bool integer(std::int64_t &out)
    {
        skipSpace();
        const auto start = m_pos;
        std::int64_t v = 0;
        while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9') {
            if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, m_s[m_pos] - '0', &v))
                return false;
            ++m_pos;
        }
        if (m_pos < m_s.size() && m_s[m_pos] == 'L') // Python 2 longs, still in old files
            ++m_pos;
        out = v;
        return m_pos > start;
    }
    /// Skips a Python list or tuple literal (a structured dtype's descr), quotes included.
    bool skipList()
    {
        skipSpace();
        int depth = 0;
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos];
            if (c == '\'' || c == '"') {
                const auto end = m_s.find(c, m_pos + 1);
                if (end == std::string_view::npos)
                    return false;
                m_pos = end + 1;
                continue;
            }
            ++m_pos;
            if (c == '[' || c == '(')
                ++depth;
            else if ((c == ']' || c == ')') && --depth <= 0)
                return depth == 0;
            else if (depth == 0)
                return false;
        }
        return false;
    }
    bool atEnd()
    {
        skipSpace();
        return m_pos == m_s.size();
    }

private:
    std::string_view m_s;
    std::size_t m_pos = 0;
};

/// The element count of `<U…` / `>U…` descriptors, or 0.
int unicodeCharsOf(const std::string &descr)
{
    const std::size_t u = !descr.empty() && std::string_view("<>|=").find(descr[0]) != std::string_view::npos ? 1 : 0;
    if (descr.size() < u + 2 || descr[u] != 'U')
        return 0;
    int n = 0;
    for (std::size_t i = u + 1; i < descr.size(); ++i) {
        if (descr[i] < '0' || descr[i] > '9' || n > 1000000)
            return 0;
        n = n * 10 + (descr[i] - '0');
    }
    return n;
}

/// numpy's type characters (np.dtype('<d') is float64) and the names it takes without a byte
/// order ('float32', 'int'), as numpy 1.24 maps them on a little-endian LP64 machine.
bool dtypeFromCode(const std::string &code, DType &out)
{
    static const std::pair<const char *, DType> table[] = {
        {"?", DType::Bool}, {"b", DType::I8}, {"B", DType::U8}, {"h", DType::I16}, {"H", DType::U16},
        {"i", DType::I32}, {"I", DType::U32}, {"l", DType::I64}, {"L", DType::U64}, {"q", DType::I64},
        {"Q", DType::U64}, {"p", DType::I64}, {"P", DType::U64}, {"e", DType::F16}, {"f", DType::F32},
        {"d", DType::F64},
    };
    for (const auto &[c, t] : table)
        if (code == c) {
            out = t;
            return true;
        }
    return false;
}

bool dtypeFromName(const std::string &name, DType &out)
{
    static const std::pair<const char *, DType> table[] = {
        {"bool", DType::Bool},     {"bool8", DType::Bool},   {"bool_", DType::Bool},    {"int8", DType::I8},
        {"byte", DType::I8},       {"int16", DType::I16},    {"short", DType::I16},     {"int32", DType::I32},
        {"intc", DType::I32},      {"int64", DType::I64},    {"int", DType::I64},       {"int0", DType::I64},
        {"int_", DType::I64},      {"intp", DType::I64},     {"long", DType::I64},      {"longlong", DType::I64},
        {"uint8", DType::U8},      {"ubyte", DType::U8},     {"uint16", DType::U16},    {"ushort", DType::U16},
        {"uint32", DType::U32},    {"uintc", DType::U32},    {"uint64", DType::U64},    {"uint", DType::U64},
        {"uint0", DType::U64},     {"uintp", DType::U64},    {"ulong", DType::U64},     {"ulonglong", DType::U64},
        {"float16", DType::F16},   {"half", DType::F16},     {"float32", DType::F32},   {"single", DType::F32},
        {"float64", DType::F64},   {"float", DType::F64},    {"float_", DType::F64},    {"double", DType::F64},
    };
    for (const auto &[n, t] : table)
        if (name == n) {
            out = t;
            return true;
        }
    return false;
}

/// Accepts what np.dtype(descr) accepts as a numeric dtype AttnScope reads: an optional byte
/// order (<, >, =, |; none means native), then a kind and size ('f8', 'i01') or a type character
/// ('d'); or a bare name ('float32'). Native is little-endian here (npyHeader asserts it).
Result<std::pair<DType, bool>> parseDescr(const std::string &descr, const std::string &what)
{
    const auto unsupported = [&](const std::string &why) {
        return makeError(Error::Code::Unsupported, what + ": unsupported dtype '" + printableName(descr) + "' (" + why + ")");
    };
    DType t;
    if (dtypeFromName(descr, t))
        return std::make_pair(t, false);
    const bool hasOrder = !descr.empty() && std::string_view("<>=|").find(descr[0]) != std::string_view::npos;
    const char order = hasOrder ? descr[0] : '=';
    const std::string rest = descr.substr(hasOrder ? 1 : 0);
    if (rest.empty())
        return unsupported(hasOrder ? "not a numeric dtype" : "unknown byte order");
    switch (rest[0]) {
    case 'O': return unsupported("object arrays cannot be read: numpy pickles them; save token lists as <U…, "
                                 "np.array(list_of_str)");
    case 'U': return unsupported("string arrays are not numeric");
    case 'S': case 'a': return unsupported("string arrays are not numeric; bytes strings (|S) are not read as "
                                           "tokens either: save token lists as <U…, np.array(list_of_str)");
    case 'c': case 'F': case 'D': case 'G': return unsupported("complex numbers are not supported");
    case 'V': return unsupported("structured or void dtypes are not supported");
    case 'M': case 'm': return unsupported("dates and time deltas are not numeric");
    default: break;
    }
    if (!dtypeFromCode(rest, t)) {
        const char kind = rest[0];
        if (std::string_view("biuf").find(kind) == std::string_view::npos || rest.size() < 2)
            return unsupported(hasOrder ? "not a numeric dtype" : "unknown byte order or type");
        int size = 0;
        for (std::size_t i = 1; i < rest.size(); ++i) {
            if (rest[i] < '0' || rest[i] > '9' || size > 100)
                return unsupported("malformed");
            size = size * 10 + (rest[i] - '0');
        }
        if (kind == 'b' && size == 1) t = DType::Bool;
        else if (kind == 'i' && size == 1) t = DType::I8;
        else if (kind == 'i' && size == 2) t = DType::I16;
        else if (kind == 'i' && size == 4) t = DType::I32;
        else if (kind == 'i' && size == 8) t = DType::I64;
        else if (kind == 'u' && size == 1) t = DType::U8;
        else if (kind == 'u' && size == 2) t = DType::U16;
        else if (kind == 'u' && size == 4) t = DType::U32;
        else if (kind == 'u' && size == 8) t = DType::U64;
        else if (kind == 'f' && size == 2) t = DType::F16;
        else if (kind == 'f' && size == 4) t = DType::F32;
        else if (kind == 'f' && size == 8) t = DType::F64;
        else return unsupported("AttnScope reads bool, int8-64, uint8-64 and float16/32/64");
    }
    const bool swapped = order == '>' && dtypeSize(t) > 1;
    return std::make_pair(t, swapped);
}

/// The bytes per element of a dtype AttnScope does not read ('|S5': 5, '<c8': 8, '<U3': 12,
/// '<M8[ns]': 8), when the descr says; none for objects (pickled) and what it cannot tell.
std::optional<std::uint64_t> unsupportedItemSize(const std::string &descr)
{
    const bool hasOrder = !descr.empty() && std::string_view("<>=|").find(descr[0]) != std::string_view::npos;
    const std::string rest = descr.substr(hasOrder ? 1 : 0);
    static const std::pair<char, std::uint64_t> codes[] = {{'F', 8}, {'D', 16}, {'G', 32}, {'g', 16}};
    for (const auto &[c, n] : codes)
        if (rest.size() == 1 && rest[0] == c)
            return n;
    if (rest.empty() || std::string_view("SaUVcbiufMm").find(rest[0]) == std::string_view::npos)
        return std::nullopt;
    std::uint64_t n = 0;
    std::size_t i = 1;
    for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i)
        if ((n = n * 10 + std::uint64_t(rest[i] - '0')) > (1u << 30))
            return std::nullopt;
    if (i == 1 || n == 0 || (i < rest.size() && rest[i] != '['))
        return std::nullopt;
    return rest[0] == 'U' ? 4 * n : n;
}

void swapBytes(std::byte *data, std::size_t count, std::size_t itemSize)
{
    for (std::size_t i = 0; i < count; ++i)
        std::reverse(data + i * itemSize, data + (i + 1) * itemSize);
}

/// Reorders Fortran-order data (first index fastest) to C order in place.
void fortranToC(Tensor &t)
{
    const int r = t.rank();
    if (r < 2)
        return;
    const std::size_t item = dtypeSize(t.dtype);
    const std::int64_t n = t.numel();
    std::vector<std::byte> out(t.bytes.size());
    std::vector<std::int64_t> idx(r, 0), fstride(r, 1);
    for (int k = 1; k < r; ++k)
        fstride[k] = fstride[k - 1] * t.shape[k - 1];
    for (std::int64_t c = 0; c < n; ++c) {
        std::int64_t f = 0;
        for (int k = 0; k < r; ++k)
            f += idx[k] * fstride[k];
        std::memcpy(out.data() + c * item, t.bytes.data() + f * item, item);
        for (int k = r - 1; k >= 0; --k) { // C-order increment: last index fastest
            if (++idx[k] < t.shape[k])
                break;
            idx[k] = 0;
        }
    }
    t.bytes.swap(out);
}

void finishTensor(Tensor &t, const NpyHeader &h)
{
    if (h.byteSwapped)
        swapBytes(t.bytes.data(), std::size_t(t.numel()), dtypeSize(t.dtype));
    if (h.fortranOrder)
        fortranToC(t);
}

} // namespace

Result<NpyHeader> parseNpyHeader(const std::byte *data, std::size_t available, std::uint64_t fileSize,
                                 const std::string &what, NpyAllow allow)
{
    static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (fileSize == 0)
        return badFormat(what, "the file is empty");
    if (available < 6 || std::memcmp(data, magic, 6) != 0)
        return badFormat(what, "not a .npy file (the magic string \\x93NUMPY is missing)");
    if (available < 10)
        return badFormat(what, "truncated .npy header");
    const auto major = std::to_integer<unsigned>(data[6]);
    const auto minor = std::to_integer<unsigned>(data[7]);
    std::uint64_t headerLen = 0;
    std::size_t prefix = 0;
    if (major == 1 && minor == 0) { // numpy knows 1.0, 2.0 and 3.0 only, and refuses 1.1 and the like
        headerLen = std::to_integer<unsigned>(data[8]) | (std::to_integer<unsigned>(data[9]) << 8);
        prefix = 10;
    } else if ((major == 2 || major == 3) && minor == 0) {
        if (available < 12)
            return badFormat(what, "truncated .npy header");
        for (int i = 0; i < 4; ++i)
            headerLen |= std::uint64_t(std::to_integer<unsigned>(data[8 + i])) << (8 * i);
        prefix = 12;
    } else {
        return makeError(Error::Code::Unsupported,
                         what + ": unsupported .npy format version " + std::to_string(major) + "." +
                             std::to_string(minor));
    }
    if (headerLen > kNpyMaxHeaderBytes)
        return badFormat(what, "the header claims " + std::to_string(headerLen) +
                                   " bytes, more than numpy's limit of " + std::to_string(kNpyMaxHeaderBytes));
    if (prefix + headerLen > fileSize || prefix + headerLen > available)
        return badFormat(what, "the header length (" + std::to_string(headerLen) +
                                   " bytes) runs past the end of the file (" + std::to_string(fileSize) + " bytes)");

    const std::string_view text(reinterpret_cast<const char *>(data + prefix), std::size_t(headerLen));
    // numpy writes a final '\n' but reads headers without one (its parser is Python's), so do we.
    HeaderLexer lex(text);
    std::string descr;
    bool haveDescr = false, haveFortran = false, haveShape = false;
    NpyHeader h;
    if (!lex.eat('{'))
        return badFormat(what, "malformed header (expected a dictionary)");
    while (!lex.eat('}')) {
        std::string key;
        if (!lex.string(key) || !lex.eat(':'))
            return badFormat(what, "malformed header (expected 'key': value)");
        if (key == "descr" && !haveDescr) {
            if (lex.peek('[') && allow != NpyAllow::Any)
                return makeError(Error::Code::Unsupported, what + ": structured dtypes are not supported");
            if (lex.peek('[')) {
                if (!lex.skipList())
                    return badFormat(what, "malformed header (bad structured dtype)");
                h.unsupported = "structured dtypes are not supported";
                descr = "structured";
            } else if (!lex.string(descr))
                return badFormat(what, "malformed header (descr must be a string)");
            haveDescr = true;
        } else if (key == "fortran_order" && !haveFortran) {
            if (lex.word("True"))
                h.fortranOrder = true;
            else if (lex.word("False"))
                h.fortranOrder = false;
            else
                return badFormat(what, "malformed header (fortran_order must be True or False)");
            haveFortran = true;
        } else if (key == "shape" && !haveShape) {
            if (!lex.eat('('))
                return badFormat(what, "malformed header (shape must be a tuple)");
            while (!lex.eat(')')) {
                std::int64_t d;
                if (!lex.integer(d))
                    return badFormat(what, "malformed header (shape must hold non-negative integers below 2^63)");
                h.shape.push_back(d);
                if (h.shape.size() > 32)
                    return badFormat(what, "more than 32 dimensions");
                if (!lex.eat(',') && !lex.peek(')'))
                    return badFormat(what, "malformed header (bad shape tuple)");
            }
            haveShape = true;
        } else {
            return badFormat(what, "malformed header (unexpected or repeated key '" + key + "')");
        }
        if (!lex.eat(',') && !lex.peek('}'))
            return badFormat(what, "malformed header (expected ',' or '}')");
    }
    if (!lex.atEnd() || !haveDescr || !haveFortran || !haveShape)
        return badFormat(what, "malformed header (it needs exactly descr, fortran_order and shape)");

    h.descr = descr;
    std::optional<std::uint64_t> item;
    if (!h.unsupported.empty()) {
        // structured: the size of its fields is not worked out; the data is never read
    } else if (allow != NpyAllow::Numeric && unicodeCharsOf(descr) > 0) {
        h.unicodeChars = unicodeCharsOf(descr);
        h.dtype = DType::U32; // UTF-32 code units
        h.byteSwapped = descr[0] == '>';
        item = 4 * std::uint64_t(h.unicodeChars);
    } else if (auto dt = parseDescr(descr, what); dt) {
        h.dtype = dt->first;
        h.byteSwapped = dt->second;
        item = dtypeSize(h.dtype);
    } else if (allow == NpyAllow::Any && dt.error().code == Error::Code::Unsupported) {
        h.unsupported = dt.error().message.substr(std::min(dt.error().message.size(), what.size() + 2));
        item = unsupportedItemSize(descr);
    } else {
        return dt.error();
    }
    h.dataOffset = prefix + std::size_t(headerLen);
    if (!item) // objects are pickled: their size is not the shape's
        return h;
    std::uint64_t bytes = *item;
    for (auto d : h.shape) {
        if (__builtin_mul_overflow(bytes, std::uint64_t(d), &bytes))
            return badFormat(what, "the shape " + shapeToString(h.shape) + " is too large (its size overflows)");
    }
    h.dataBytes = bytes;
    const std::uint64_t left = fileSize - h.dataOffset;
    if (bytes > left)
        return badFormat(what, "truncated data: the shape " + shapeToString(h.shape) + " of " +
                                   (h.unsupported.empty() ? std::string(dtypeName(h.dtype)) : printableName(descr)) +
                                   " needs " + std::to_string(bytes) + " bytes but the file holds " + std::to_string(left));
    h.trailingBytes = left - bytes; // numpy reads the first array and ignores the rest: warn
    return h;
}

Result<Tensor> parseNpy(const std::byte *data, std::size_t size, const std::string &what)
{
    auto h = parseNpyHeader(data, size, size, what);
    if (!h)
        return h.error();
    Tensor t;
    t.dtype = h->dtype;
    t.shape = h->shape;
    t.bytes.assign(data + h->dataOffset, data + h->dataOffset + h->dataBytes);
    finishTensor(t, *h);
    return t;
}

Result<Tensor> parseNpy(std::vector<std::byte> &&data, const std::string &what)
{
    auto h = parseNpyHeader(data.data(), data.size(), data.size(), what);
    if (!h)
        return h.error();
    Tensor t;
    t.dtype = h->dtype;
    t.shape = h->shape;
    t.bytes = std::move(data);
    t.bytes.erase(t.bytes.begin(), t.bytes.begin() + std::ptrdiff_t(h->dataOffset)); // moves, never allocates
    t.bytes.resize(std::size_t(h->dataBytes));
    finishTensor(t, *h);
    return t;
}

Result<std::vector<std::string>> parseNpyStrings(const std::byte *data, std::size_t size, const std::string &what)
{
    auto h = parseNpyHeader(data, size, size, what, NpyAllow::NumericAndUnicode);
    if (!h)
        return h.error();
    if (!h->unicodeChars)
        return makeError(Error::Code::Unsupported, what + ": expected a list of strings (dtype <U…), found " +
                                                       dtypeName(h->dtype) + " numbers");
    if (h->shape.size() > 1)
        return makeError(Error::Code::BadShape, what + ": a token list must be 1-D, not " + shapeToString(h->shape));
    const std::size_t count = h->shape.empty() ? 1 : std::size_t(h->shape[0]);
    std::vector<std::string> out;
    out.reserve(count);
    const std::byte *p = data + h->dataOffset;
    for (std::size_t i = 0; i < count; ++i) {
        std::u32string chars;
        for (int c = 0; c < h->unicodeChars; ++c) {
            const std::byte *q = p + (i * std::size_t(h->unicodeChars) + std::size_t(c)) * 4;
            std::uint32_t cp = 0;
            for (int b = 0; b < 4; ++b)
                cp |= std::uint32_t(std::to_integer<unsigned>(q[h->byteSwapped ? 3 - b : b])) << (8 * b);
            if (cp == 0)
                break;
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return makeError(Error::Code::BadFormat, what + ": string " + std::to_string(i) + " holds an invalid code point");
            chars.push_back(char32_t(cp));
        }
        std::string utf8;
        for (char32_t cp : chars) {
            if (cp < 0x80) {
                utf8 += char(cp);
            } else if (cp < 0x800) {
                utf8 += char(0xC0 | (cp >> 6));
                utf8 += char(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                utf8 += char(0xE0 | (cp >> 12));
                utf8 += char(0x80 | ((cp >> 6) & 0x3F));
                utf8 += char(0x80 | (cp & 0x3F));
            } else {
                utf8 += char(0xF0 | (cp >> 18));
                utf8 += char(0x80 | ((cp >> 12) & 0x3F));
                utf8 += char(0x80 | ((cp >> 6) & 0x3F));
                utf8 += char(0x80 | (cp & 0x3F));
            }
        }
        out.push_back(std::move(utf8));
    }
    return out;
}

std::vector<std::string> npyWarnings(const NpyHeader &h, const std::string &what)
{
    if (h.trailingBytes == 0)
        return {};
    return {what + ": " + std::to_string(h.trailingBytes) + " bytes after the data are ignored (the shape " +
            shapeToString(h.shape) + " of " +
            (h.unicodeChars ? std::string("str") : !h.unsupported.empty() ? printableName(h.descr) : dtypeName(h.dtype)) +
            " needs " +
            std::to_string(h.dataBytes) + "; numpy reads the first array too)"};
}

Result<NpyHeader> readNpyHeader(InputFile &file, NpyAllow allow)
{
    std::vector<std::byte> head(std::size_t(std::min<std::uint64_t>(file.size(), 12 + kNpyMaxHeaderBytes)));
    if (auto st = file.readAt(0, head.data(), head.size()); !st)
        return st.error();
    return parseNpyHeader(head.data(), head.size(), file.size(), file.path(), allow);
}

Result<Tensor> readNpyData(InputFile &file, const NpyHeader &h)
{
    // Fortran order needs a second buffer of the same size while it is reordered.
    const std::uint64_t need = h.fortranOrder && h.shape.size() > 1 ? satMul(h.dataBytes, 2) : h.dataBytes;
    if (auto st = reserveMemory(need, file.path()); !st)
        return st.error();
    Tensor t;
    t.dtype = h.dtype;
    t.shape = h.shape;
    t.bytes.resize(std::size_t(h.dataBytes)); // justified: the file holds this many bytes, and they fit the budget
    if (auto st = file.readAt(h.dataOffset, t.bytes.data(), t.bytes.size()); !st)
        return st.error();
    finishTensor(t, h);
    return t;
}

Result<Tensor> readNpy(const std::string &path)
{
    auto file = InputFile::open(path);
    if (!file)
        return file.error();
    auto h = readNpyHeader(*file);
    if (!h)
        return h.error();
    return readNpyData(*file, *h);
}

namespace {

const char *npyDescr(DType t)
{
    switch (t) {
    case DType::Bool: return "|b1";
    case DType::I8: return "|i1";
    case DType::I16: return "<i2";
    case DType::I32: return "<i4";
    case DType::I64: return "<i8";
    case DType::U8: return "|u1";
    case DType::U16: return "<u2";
    case DType::U32: return "<u4";
    case DType::U64: return "<u8";
    case DType::F16: return "<f2";
    case DType::BF16: return "<f4"; // numpy has no bfloat16
    case DType::F32: return "<f4";
    case DType::F64: return "<f8";
    }
    return "<f4";
}

} // namespace

namespace {

std::vector<std::byte> npyHeaderWithDescr(const std::string &descr, const Shape &shape)
{
    std::string tuple = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        tuple += std::to_string(shape[i]) + (shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : ""));
    tuple += ")";
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
    const bool v2 = dict.size() + 11 > 65535;
    const std::size_t prefix = v2 ? 12 : 10;
    dict.append((64 - (prefix + dict.size() + 1) % 64) % 64, ' ');
    dict += '\n';
    std::vector<std::byte> out;
    const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<unsigned char>(v2 ? 2 : 1), 0};
    for (unsigned char c : magic)
        out.push_back(std::byte{c});
    for (std::size_t i = 0; i < prefix - 8; ++i)
        out.push_back(std::byte((dict.size() >> (8 * i)) & 0xff));
    for (char c : dict)
        out.push_back(std::byte(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::vector<std::byte> npyHeader(DType dtype, const Shape &shape)
{
    static_assert(std::endian::native == std::endian::little, "the .npy writer assumes a little-endian machine");
    return npyHeaderWithDescr(npyDescr(dtype), shape);
}

std::vector<std::byte> encodeNpyStrings(const std::vector<std::string> &strings)
{
    std::vector<std::u32string> wide;
    wide.reserve(strings.size());
    std::size_t width = 1;
    for (const std::string &s : strings) {
        const QList<uint> ucs4 = QString::fromUtf8(s.data(), qsizetype(s.size())).toUcs4();
        wide.emplace_back(ucs4.begin(), ucs4.end());
        width = std::max(width, wide.back().size());
    }
    std::vector<std::byte> out = npyHeaderWithDescr("<U" + std::to_string(width), {std::int64_t(strings.size())});
    const std::size_t start = out.size();
    out.resize(start + strings.size() * width * 4); // zero-filled: numpy's padding
    for (std::size_t i = 0; i < wide.size(); ++i)
        std::memcpy(out.data() + start + i * width * 4, wide[i].data(), wide[i].size() * 4);
    return out;
}

std::vector<std::byte> encodeNpy(const Tensor &t)
{
    std::vector<std::byte> out = npyHeader(t.dtype, t.shape);
    if (t.dtype == DType::BF16) {
        std::vector<float> widened(std::size_t(t.numel()));
        t.copyTo(widened.data(), 0, t.numel());
        const auto *p = reinterpret_cast<const std::byte *>(widened.data());
        out.insert(out.end(), p, p + widened.size() * sizeof(float));
    } else {
        out.insert(out.end(), t.bytes.begin(), t.bytes.end());
    }
    return out;
}

} // namespace attnscope
