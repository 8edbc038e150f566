#include "safetensors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace attnscope {
namespace {

Error invalid(const std::string &what, const std::string &problem)
{
    return makeError(Error::Code::BadFormat, what + ": " + problem);
}

bool dtypeFromName(const QString &name, DType &out)
{
    static const std::pair<const char *, DType> table[] = {
        {"F64", DType::F64}, {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16},
        {"I64", DType::I64}, {"I32", DType::I32}, {"I16", DType::I16}, {"I8", DType::I8},
        {"U8", DType::U8},   {"BOOL", DType::Bool},
    };
    for (const auto &[n, t] : table)
        if (name == QLatin1String(n)) {
            out = t;
            return true;
        }
    return false;
}

/// A JSON number that is a whole number in [0, 2^53). QJsonValue holds a double, so 2^53 + 1
/// arrives as 2^53: that value itself is refused, being indistinguishable from its neighbours.
bool wholeNumber(const QJsonValue &v, std::uint64_t &out)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    if (!(d >= 0) || d >= 9007199254740992.0 || std::floor(d) != d)
        return false;
    out = std::uint64_t(d);
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

} // namespace

Result<SafetensorsHeader> parseSafetensorsHeader(const std::string &json, std::uint64_t fileSize, const std::string &what)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), qsizetype(json.size())), &err);
    if (err.error != QJsonParseError::NoError)
        return invalid(what, "invalid header JSON at byte " + std::to_string(8 + err.offset) + ": " +
                                 err.errorString().toStdString());
    if (!doc.isObject())
        return invalid(what, "invalid header: the JSON must be an object");
    const QJsonObject root = doc.object();
    SafetensorsHeader h;
    h.dataStart = 8 + json.size();
    // QJsonDocument keeps the last of duplicate keys silently: count the keys in the text.
    if (countTopLevelKeys(json) != std::size_t(root.size()))
        return invalid(what, "invalid header: a tensor name appears more than once");
    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string name = it.key().toStdString();
        if (it.key() == QLatin1String("__metadata__")) {
            if (!it.value().isObject())
                return invalid(what, "invalid header: __metadata__ must be an object of strings");
            const QJsonObject meta = it.value().toObject();
            for (auto m = meta.begin(); m != meta.end(); ++m) {
                if (!m.value().isString())
                    return invalid(what, "invalid header: __metadata__ value '" + m.key().toStdString() + "' is not a string");
                h.metadata.emplace_back(m.key().toStdString(), m.value().toString().toStdString());
            }
            continue;
        }
        if (!it.value().isObject())
            return invalid(what, "invalid tensor info for '" + name + "'");
        const QJsonObject e = it.value().toObject();
        SafetensorsEntry entry;
        entry.name = name;
        if (!dtypeFromName(e.value("dtype").toString(), entry.dtype))
            return makeError(Error::Code::Unsupported, what + ": tensor '" + name + "' has dtype '" +
                                                           e.value("dtype").toString().toStdString() +
                                                           "'; AttnScope reads F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL");
        const QJsonValue shape = e.value("shape"), offsets = e.value("data_offsets");
        if (!shape.isArray() || !offsets.isArray() || offsets.toArray().size() != 2)
            return invalid(what, "invalid tensor info for '" + name + "' (it needs shape and data_offsets [begin, end])");
        std::uint64_t bytes = dtypeSize(entry.dtype);
        for (const QJsonValue d : shape.toArray()) {
            std::uint64_t dim;
            if (!wholeNumber(d, dim))
                return invalid(what, "tensor '" + name + "' has a shape entry that is not a whole non-negative number");
            if (__builtin_mul_overflow(bytes, dim, &bytes))
                return invalid(what, "tensor '" + name + "': the size of its shape overflows");
            entry.shape.push_back(std::int64_t(dim));
        }
        if (!wholeNumber(offsets.toArray()[0], entry.begin) || !wholeNumber(offsets.toArray()[1], entry.end) ||
            entry.end < entry.begin)
            return invalid(what, "tensor '" + name + "' has invalid data_offsets");
        if (entry.end - entry.begin != bytes)
            return invalid(what, "tensor '" + name + "': data_offsets span " + std::to_string(entry.end - entry.begin) +
                                     " bytes but the shape " + shapeToString(entry.shape) + " of " + dtypeName(entry.dtype) +
                                     " needs " + std::to_string(bytes));
        h.entries.push_back(std::move(entry));
    }
    std::sort(h.entries.begin(), h.entries.end(), [](const auto &a, const auto &b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t expected = 0;
    for (const auto &e : h.entries) {
        if (e.begin != expected)
            return invalid(what, "tensor '" + e.name + "' starts at byte " + std::to_string(e.begin) + " of the data, expected " +
                                     std::to_string(expected) + " (offsets must be contiguous and must not overlap)");
        expected = e.end;
    }
    if (h.dataStart + expected != fileSize)
        return invalid(what, "the tensors cover " + std::to_string(expected) + " bytes of data but the file holds " +
                                 std::to_string(fileSize - h.dataStart) + " (truncated, or trailing bytes)");
    return h;
}

Result<SafetensorsHeader> parseSafetensors(const std::byte *data, std::size_t size, const std::string &what)
{
    if (size < 8)
        return invalid(what, size == 0 ? "the file is empty" : "too small for a safetensors header");
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i)
        n |= std::uint64_t(std::to_integer<unsigned>(data[i])) << (8 * i);
    if (n > kSafetensorsMaxHeaderBytes)
        return invalid(what, "the header claims " + std::to_string(n) + " bytes, more than the limit of 100,000,000");
    if (n > size - 8)
        return invalid(what, "the header length (" + std::to_string(n) + " bytes) runs past the end of the file");
    if (n < 2)
        return invalid(what, "the header is too small to be JSON");
    return parseSafetensorsHeader(std::string(reinterpret_cast<const char *>(data) + 8, std::size_t(n)), size, what);
}

} // namespace attnscope
