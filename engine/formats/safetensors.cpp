#include "safetensors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QVariant>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "printable.h"

namespace attnscope {
namespace {

Error invalid(const std::string &what, const std::string &problem)
{
    return makeError(Error::Code::BadFormat, what + ": " + problem);
}

struct StDtype {
    const char *name;
    unsigned bits;  ///< the crate's bitsize(): F4 and F6 pack below a byte
    DType dtype;
    bool supported; ///< AttnScope reads it
};

/// Every dtype of the safetensors crate (safetensors/src/tensor.rs, Dtype and bitsize()).
const StDtype *dtypeFromName(const QString &name)
{
    static const StDtype table[] = {
        {"BOOL", 8, DType::Bool, true},     {"U8", 8, DType::U8, true},          {"I8", 8, DType::I8, true},
        {"I16", 16, DType::I16, true},      {"U16", 16, DType::U16, true},       {"F16", 16, DType::F16, true},
        {"BF16", 16, DType::BF16, true},    {"I32", 32, DType::I32, true},       {"U32", 32, DType::U32, true},
        {"F32", 32, DType::F32, true},      {"F64", 64, DType::F64, true},       {"I64", 64, DType::I64, true},
        {"U64", 64, DType::U64, true},      {"F4", 4, DType::U8, false},         {"F6_E2M3", 6, DType::U8, false},
        {"F6_E3M2", 6, DType::U8, false},   {"F8_E5M2", 8, DType::U8, false},    {"F8_E4M3", 8, DType::U8, false},
        {"F8_E8M0", 8, DType::U8, false},   {"C64", 64, DType::U8, false},
    };
    for (const auto &d : table)
        if (name == QLatin1String(d.name))
            return &d;
    return nullptr;
}

/// `json` (valid JSON) with every number written with a fraction or an exponent (16.0, 1e2)
/// turned into a string of its text. The crate's serde demands integers there, but QJsonValue
/// cannot tell: it stores a whole double such as 16.0 as the integer 16 (toVariant() is
/// LongLong for both), so the distinction is made on the text before Qt sees it.
std::string markNonIntegers(const std::string &json)
{
    std::string out;
    out.reserve(json.size());
    bool inString = false, escape = false;
    for (std::size_t i = 0; i < json.size();) {
        const char c = json[i];
        if (inString) {
            inString = escape || c != '"';
            escape = !escape && c == '\\';
            out += c;
            ++i;
        } else if (c == '"') {
            inString = true;
            out += c;
            ++i;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const auto end = json.find_first_not_of("0123456789+-.eE", i);
            const std::string number = json.substr(i, end == std::string::npos ? std::string::npos : end - i);
            const bool integer = number.find_first_of(".eE") == std::string::npos;
            out += integer ? number : '"' + number + '"';
            i += number.size();
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

/// A non-negative JSON integer below 2^63: numbers with a fraction or exponent are strings by
/// now (markNonIntegers); Qt 6 keeps integers that fit in 64 bits as qint64 (typeId LongLong)
/// and larger ones as double.
bool jsonInteger(const QJsonValue &v, std::uint64_t &out)
{
    if (!v.isDouble() || v.toVariant().typeId() != QMetaType::LongLong)
        return false;
    const qint64 i = v.toInteger();
    if (i < 0)
        return false;
    out = std::uint64_t(i);
    return true;
}

/// The number of keys of the top-level object of `json` (valid JSON), duplicates included.
std::size_t countTopLevelKeys(const std::string &json)
{
    int depth = 0;
    bool inString = false, escape = false, expectKey = false;
    std::size_t count = 0;
    for (const char c : json) {
        if (inString) {
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            if (depth == 1 && expectKey) {
                ++count;
                expectKey = false;
            }
            break;
        case '{':
        case '[':
            ++depth;
            if (depth == 1)
                expectKey = c == '{';
            break;
        case '}':
        case ']':
            --depth;
            break;
        case ',':
            if (depth == 1)
                expectKey = true;
            break;
        default:
            break;
        }
    }
    return count;
}

/// One tensor's {dtype, shape, data_offsets}, checked as the crate checks it (TensorInvalidInfo,
/// ValidationOverflow), with the crate's bit sizes for dtypes AttnScope does not read.
Result<SafetensorsEntry> parseEntry(const std::string &name, const QJsonValue &value, const std::string &what)
{
    const std::string tensor = "tensor '" + printableName(name) + "'";
    if (!value.isObject())
        return invalid(what, "invalid tensor info for '" + printableName(name) + "' (it must be an object)");
    const QJsonObject e = value.toObject();
    SafetensorsEntry entry;
    entry.name = name;
    if (!e.value("dtype").isString())
        return invalid(what, tensor + " has no dtype");
    const StDtype *dt = dtypeFromName(e.value("dtype").toString());
    entry.dtypeName = e.value("dtype").toString().toStdString();
    if (!dt)
        return makeError(Error::Code::Unsupported, what + ": " + tensor + " has dtype '" + printableName(entry.dtypeName) +
                                                       "', which is not a safetensors dtype AttnScope knows");
    entry.dtype = dt->dtype;
    entry.supported = dt->supported;
    const QJsonValue shape = e.value("shape"), offsets = e.value("data_offsets");
    if (!shape.isArray() || !offsets.isArray() || offsets.toArray().size() != 2)
        return invalid(what, "invalid tensor info for '" + printableName(name) + "' (it needs shape and data_offsets [begin, end])");
    std::uint64_t elements = 1;
    for (const QJsonValue d : shape.toArray()) {
        std::uint64_t dim;
        if (!jsonInteger(d, dim) || dim > std::uint64_t(INT64_MAX))
            return invalid(what, tensor + " has a shape entry that is not a non-negative JSON integer");
        if (__builtin_mul_overflow(elements, dim, &elements))
            return invalid(what, tensor + ": the size of its shape overflows");
        entry.shape.push_back(std::int64_t(dim));
    }
    std::uint64_t bits;
    if (__builtin_mul_overflow(elements, std::uint64_t(dt->bits), &bits))
        return invalid(what, tensor + ": the size of its shape overflows");
    if (bits % 8 != 0)
        return invalid(what, tensor + ": " + std::to_string(elements) + " elements of " + entry.dtypeName +
                                 " are not a whole number of bytes");
    if (!jsonInteger(offsets.toArray()[0], entry.begin) || !jsonInteger(offsets.toArray()[1], entry.end))
        return invalid(what, tensor + " has invalid data_offsets (they must be two non-negative JSON integers)");
    if (entry.end < entry.begin)
        return invalid(what, tensor + " has invalid data_offsets (they end before they begin)");
    if (entry.end - entry.begin != bits / 8)
        return invalid(what, tensor + ": data_offsets span " + std::to_string(entry.end - entry.begin) + " bytes but the shape " +
                                 shapeToString(entry.shape) + " of " +
                                 (entry.supported ? std::string(dtypeName(entry.dtype)) : entry.dtypeName) + " needs " + std::to_string(bits / 8));
    return entry;
}

/// The header as JSON text: one message per way it can fail to be a JSON object.
Result<QJsonObject> headerObject(const std::string &json, const std::string &what)
{
    if (json.empty())
        return invalid(what, "the header length is 0: there is no JSON header (an empty file holds '{}')");
    if (json.compare(0, 3, "\xEF\xBB\xBF") == 0)
        return invalid(what, "the header starts with a UTF-8 byte order mark, which safetensors does not allow");
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    [[maybe_unused]] const QString text = utf8.decode(QByteArrayView(json.data(), qsizetype(json.size())));
    if (utf8.hasError())
        return invalid(what, "the header is not valid UTF-8");
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), qsizetype(json.size())), &err);
    if (err.error != QJsonParseError::NoError)
        return invalid(what, "the header is not valid JSON at byte " + std::to_string(8 + err.offset) + ": " +
                                 err.errorString().toStdString());
    if (doc.isArray())
        return invalid(what, "the header is a JSON array; it must be a JSON object of tensors");
    if (!doc.isObject())
        return invalid(what, "the header must be a JSON object of tensors");
    const std::string marked = markNonIntegers(json);
    if (marked.size() == json.size())
        return doc.object();
    return QJsonDocument::fromJson(QByteArray::fromStdString(marked)).object();
}

} // namespace

Status checkSafetensorsHeaderLength(std::uint64_t n, std::uint64_t fileSize, const std::string &what)
{
    if (fileSize < 8)
        return invalid(what, fileSize == 0 ? "the file is empty"
                                           : "the file has " + std::to_string(fileSize) +
                                                 " bytes, too few for the 8-byte header length of safetensors");
    if (n > kSafetensorsMaxHeaderBytes)
        return invalid(what, "the header claims " + std::to_string(n) + " bytes, more than the limit of 100,000,000");
    if (n > fileSize - 8)
        return invalid(what, "the header length (" + std::to_string(n) + " bytes) runs past the end of the file (" +
                                 std::to_string(fileSize) + " bytes)");
    return okStatus();
}

Result<SafetensorsHeader> parseSafetensorsHeader(const std::string &json, std::uint64_t fileSize, const std::string &what)
{
    auto root = headerObject(json, what);
    if (!root)
        return root.error();
    SafetensorsHeader h;
    h.dataStart = 8 + json.size();
    // QJsonDocument keeps the last of duplicate keys silently: count the keys in the text.
    if (countTopLevelKeys(json) != std::size_t(root->size()))
        return invalid(what, "invalid header: a tensor name appears more than once");
    for (auto it = root->begin(); it != root->end(); ++it) {
        const std::string name = it.key().toStdString();
        if (it.key() == QLatin1String("__metadata__")) {
            if (!it.value().isObject())
                return invalid(what, "invalid header: __metadata__ must be an object of strings");
            const QJsonObject meta = it.value().toObject();
            for (auto m = meta.begin(); m != meta.end(); ++m) {
                if (!m.value().isString())
                    return invalid(what, "invalid header: __metadata__ value '" + printableName(m.key().toStdString()) +
                                             "' is not a string");
                h.metadata.emplace_back(m.key().toStdString(), m.value().toString().toStdString());
            }
            continue;
        }
        auto entry = parseEntry(name, it.value(), what);
        if (!entry)
            return entry.error();
        h.entries.push_back(std::move(entry.value()));
    }
    std::sort(h.entries.begin(), h.entries.end(), [](const auto &a, const auto &b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t expected = 0;
    for (const auto &e : h.entries) {
        if (e.begin != expected)
            return invalid(what, "tensor '" + printableName(e.name) + "' starts at byte " + std::to_string(e.begin) +
                                     " of the data, expected " + std::to_string(expected) +
                                     " (offsets must be contiguous and must not overlap)");
        expected = e.end;
    }
    if (h.dataStart + expected != fileSize)
        return invalid(what, "the tensors cover " + std::to_string(expected) + " bytes of data but the file holds " +
                                 std::to_string(fileSize - h.dataStart) + " (truncated, or trailing bytes)");
    return h;
}

Result<SafetensorsHeader> parseSafetensors(const std::byte *data, std::size_t size, const std::string &what)
{
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < 8 && i < size; ++i)
        n |= std::uint64_t(std::to_integer<unsigned>(data[i])) << (8 * i);
    if (auto st = checkSafetensorsHeaderLength(n, size, what); !st)
        return st.error();
    return parseSafetensorsHeader(std::string(reinterpret_cast<const char *>(data) + 8, std::size_t(n)), size, what);
}

} // namespace attnscope
