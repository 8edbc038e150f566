#include "tensor_file.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstring>
#include <limits>

#include "attention.h"
#include "memory_budget.h"
#include "csv.h"
#include "file_io.h"
#include "npy.h"
#include "npz.h"
#include "printable.h"
#include "safetensors.h"

namespace attnscope {
namespace {

Error noSuchArray(const TensorFileInfo &info, const std::string &name)
{
    std::vector<std::string> names;
    for (const auto &a : info.arrays)
        names.push_back(a.name);
    return makeError(Error::Code::BadArgument, info.path + ": has no array named '" + printableName(name) +
                                                   "' (it holds: " + shortList(names) + ")");
}

Error dropName(const TensorFileInfo &info, const std::string &name)
{
    return makeError(Error::Code::BadArgument, info.path + ": a ." + info.format +
                                                   " file holds one unnamed array; drop ':" + printableName(name) + "'");
}

/// An .npy file: the header at open, the data in read().
class NpyFile : public TensorFile {
public:
    NpyFile(TensorFileInfo info, InputFile file, NpyHeader header)
        : m_info(std::move(info)), m_file(std::move(file)), m_header(std::move(header))
    {
    }
    const TensorFileInfo &info() const override { return m_info; }
    Result<std::vector<std::string>> readStrings(const std::string &) override
    {
        return makeError(Error::Code::Unsupported, m_info.path + ": holds numbers, not strings");
    }

protected:
    Result<Tensor> readArray(const std::string &name) override
    {
        if (!name.empty())
            return dropName(m_info, name);
        if (!m_header.unsupported.empty())
            return makeError(Error::Code::Unsupported, m_info.path + ": " + m_header.unsupported);
        return readNpyData(m_file, m_header);
    }

private:
    TensorFileInfo m_info;
    InputFile m_file;
    NpyHeader m_header;
};

/// A CSV or TSV file, parsed whole at open (its shape is known only then).
class CsvFile : public TensorFile {
public:
    CsvFile(TensorFileInfo info, Tensor t) : m_info(std::move(info)), m_tensor(std::move(t)) {}
    const TensorFileInfo &info() const override { return m_info; }
    Result<std::vector<std::string>> readStrings(const std::string &) override
    {
        return makeError(Error::Code::Unsupported, m_info.path + ": holds numbers, not strings");
    }

protected:
    Result<Tensor> readArray(const std::string &name) override
    {
        if (!name.empty())
            return dropName(m_info, name);
        if (auto st = reserveMemory(m_tensor.bytes.size(), m_info.path); !st) // the copy handed out
            return st.error();
        return m_tensor;
    }

private:
    TensorFileInfo m_info;
    Tensor m_tensor;
};

class NpzFile : public TensorFile {
public:
    NpzFile(TensorFileInfo info, NpzArchive zip) : m_info(std::move(info)), m_zip(std::move(zip)) {}
    const TensorFileInfo &info() const override { return m_info; }
    Result<std::vector<std::string>> readStrings(const std::string &name) override
    {
        const auto *m = m_zip.find(name);
        if (!m)
            return noSuchArray(m_info, name);
        return m_zip.readStrings(*m);
    }

protected:
    Result<Tensor> readArray(const std::string &name) override
    {
        const auto *m = m_zip.find(name);
        if (!m)
            return noSuchArray(m_info, name);
        return m_zip.read(*m);
    }

private:
    TensorFileInfo m_info;
    NpzArchive m_zip;
};

class SafetensorsFile : public TensorFile {
public:
    SafetensorsFile(TensorFileInfo info, SafetensorsHeader header, InputFile file)
        : m_info(std::move(info)), m_header(std::move(header)), m_file(std::move(file))
    {
    }
    const TensorFileInfo &info() const override { return m_info; }
    Result<std::vector<std::string>> readStrings(const std::string &name) override;

protected:
    Result<Tensor> readArray(const std::string &name) override
    {
        for (const auto &e : m_header.entries) {
            if (e.name != name)
                continue;
            const std::string what = m_info.path + ": tensor '" + printableName(name) + "'";
            if (!e.supported)
                return makeError(Error::Code::Unsupported, what + " is " + e.dtypeName + ", which AttnScope does not read");
            if (auto st = reserveMemory(e.end - e.begin, what); !st)
                return st.error();
            Tensor t;
            t.dtype = e.dtype;
            t.shape = e.shape;
            t.bytes.resize(std::size_t(e.end - e.begin)); // validated to lie inside the file, and reserved
            if (auto st = m_file.readAt(m_header.dataStart + e.begin, t.bytes.data(), t.bytes.size()); !st)
                return st.error();
            return t;
        }
        return noSuchArray(m_info, name);
    }

private:
    TensorFileInfo m_info;
    SafetensorsHeader m_header;
    InputFile m_file;
};

Result<std::vector<std::string>> SafetensorsFile::readStrings(const std::string &name)
{
    for (const auto &[key, value] : m_header.metadata) {
        if (key != name)
            continue;
        const auto notList = [&] {
            return makeError(Error::Code::BadFormat, m_info.path + ": __metadata__ '" + printableName(name) +
                                                         "' must hold a JSON list of strings");
        };
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(value));
        if (!doc.isArray())
            return notList();
        std::vector<std::string> out;
        for (const QJsonValue v : doc.array()) {
            if (!v.isString())
                return notList();
            out.push_back(v.toString().toStdString());
        }
        return out;
    }
    return makeError(Error::Code::BadArgument, m_info.path + ": has no metadata entry '" + printableName(name) + "'");
}

bool endsWith(const std::string &s, const char *suffix)
{
    const std::size_t n = std::strlen(suffix);
    return s.size() >= n && QString::fromStdString(s.substr(s.size() - n)).compare(suffix, Qt::CaseInsensitive) == 0;
}

Result<std::unique_ptr<TensorFile>> openSafetensors(InputFile file)
{
    const std::string &path = file.path();
    std::byte prefix[8] = {};
    if (auto st = file.readAt(0, prefix, std::size_t(std::min<std::uint64_t>(file.size(), 8))); !st)
        return st.error();
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i)
        n |= std::uint64_t(std::to_integer<unsigned>(prefix[i])) << (8 * i);
    if (auto st = checkSafetensorsHeaderLength(n, file.size(), path); !st)
        return st.error();
    std::string json(static_cast<std::size_t>(n), '\0'); // n is below 100,000,000 and inside the file
    if (auto st = file.readAt(8, reinterpret_cast<std::byte *>(json.data()), json.size()); !st)
        return st.error();
    auto header = parseSafetensorsHeader(json, file.size(), path);
    if (!header)
        return header.error();
    TensorFileInfo info{path, "safetensors", {}, header->metadata};
    for (const auto &e : header->entries)
        info.arrays.push_back({e.name, e.supported ? dtypeName(e.dtype) : e.dtypeName, e.shape, true, e.supported, {},
                               e.supported ? "" : e.dtypeName + " is not a dtype AttnScope reads"});
    for (const auto &[key, value] : header->metadata)
        if (key == "tokens" || key == "key_tokens") {
            const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(value));
            if (doc.isArray())
                info.arrays.push_back({key, "str", {std::int64_t(doc.array().size())}, false});
        }
    return std::unique_ptr<TensorFile>(new SafetensorsFile(std::move(info), std::move(header.value()), std::move(file)));
}

/// How `inspect` names the dtype of an array AttnScope does not read: "object", or numpy's descr.
std::string unreadDtypeName(const NpyHeader &h)
{
    if (h.descr == "O" || (h.descr.size() == 2 && h.descr[1] == 'O'))
        return "object";
    return printableName(h.descr);
}

Result<std::unique_ptr<TensorFile>> openNpy(InputFile file)
{
    auto h = readNpyHeader(file, NpyAllow::Any);
    if (!h)
        return h.error();
    if (h->unicodeChars) // a token list needs a name, which only a bundle gives
        h->unsupported = "unsupported dtype '" + printableName(h->descr) + "' (string arrays are not numeric)";
    TensorFileInfo info{file.path(), "npy", {{"", dtypeName(h->dtype), h->shape, true}}, {}};
    if (!h->unsupported.empty())
        info.arrays.back() = {"", unreadDtypeName(*h), h->shape, false, false, {}, h->unsupported};
    info.warnings = npyWarnings(*h, file.path());
    return std::unique_ptr<TensorFile>(new NpyFile(std::move(info), std::move(file), std::move(h.value())));
}

Result<std::unique_ptr<TensorFile>> openNpz(const std::string &path)
{
    // No cap at open: only headers are inflated here; read() reserves each member's memory.
    auto zip = NpzArchive::open(path, std::numeric_limits<std::uint64_t>::max());
    if (!zip)
        return zip.error();
    TensorFileInfo info{path, "npz", {}, {}};
    for (const auto &m : zip->members()) {
        const bool unread = !m.header.unsupported.empty();
        const bool numeric = m.header.unicodeChars == 0 && !unread;
        const std::string dtype = unread ? unreadDtypeName(m.header) : numeric ? dtypeName(m.header.dtype) : "str";
        info.arrays.push_back({m.name, dtype, m.header.shape, numeric, !unread, {}, m.header.unsupported});
        ArrayInfo &a = info.arrays.back();
        a.warnings = npyWarnings(m.header, path + ":" + printableName(m.name));
        a.storage = m.deflated ? "deflated" : "stored";
        a.packedBytes = m.packedSize;
        a.unpackedBytes = m.size;
    }
    return std::unique_ptr<TensorFile>(new NpzFile(std::move(info), std::move(zip.value())));
}

Result<std::unique_ptr<TensorFile>> openCsv(const std::string &path)
{
    auto table = readCsv(path);
    if (!table)
        return table.error();
    TensorFileInfo info{path, endsWith(path, ".tsv") ? "tsv" : "csv", {}, {}};
    info.arrays.push_back({"", "float64", table->values.shape, true});
    info.warnings = std::move(table->warnings);
    return std::unique_ptr<TensorFile>(new CsvFile(std::move(info), std::move(table->values)));
}

} // namespace

bool TensorFile::has(const std::string &name) const
{
    for (const auto &a : info().arrays)
        if (a.name == name)
            return true;
    return false;
}

Result<Tensor> TensorFile::read(const std::string &name)
{
    auto t = readArray(name);
    if (!t || t->numel() > 0)
        return t;
    std::string what = info().path;
    if (!name.empty())
        what.append(":").append(printableName(name));
    return makeError(Error::Code::BadShape, what + ": the shape " + shapeToString(t->shape) +
                                                " has no elements; there is nothing to compute with");
}

std::vector<std::string> TensorFile::warningsFor(const std::string &name) const
{
    std::vector<std::string> out = info().warnings;
    for (const auto &a : info().arrays)
        if (a.name == name)
            out.insert(out.end(), a.warnings.begin(), a.warnings.end());
    return out;
}

Result<std::string> TensorFile::defaultName() const
{
    const auto &arrays = info().arrays;
    std::vector<std::string> numeric;
    for (const auto &a : arrays)
        if (a.numeric)
            numeric.push_back(a.name);
    if (numeric.size() == 1)
        return numeric.front();
    if (numeric.empty() && arrays.size() == 1 && !arrays.front().readable)
        return arrays.front().name; // reading it says why it is not read

    if (has("attentions"))
        return std::string("attentions");
    if (numeric.empty())
        return makeError(Error::Code::BadArgument, info().path + ": holds no numeric array");
    return makeError(Error::Code::BadArgument, info().path + ": holds several arrays (" + shortList(numeric) +
                                                   "); name one as " + info().path + ":NAME");
}

Result<std::unique_ptr<TensorFile>> openTensorFile(const std::string &path)
{
    auto file = InputFile::open(path);
    if (!file)
        return file.error();
    if (file->size() == 0)
        return makeError(Error::Code::BadFormat, path + ": the file is empty");
    std::byte magic[9] = {};
    const std::size_t got = std::size_t(std::min<std::uint64_t>(file->size(), 9));
    if (auto st = file->readAt(0, magic, got); !st)
        return st.error();
    const auto is = [&](const char *m, std::size_t n) { return got >= n && std::memcmp(magic, m, n) == 0; };

    if (is("\x93NUMPY", 6))
        return openNpy(std::move(file.value()));
    if (is("PK\x03\x04", 4) || is("PK\x05\x06", 4))
        return openNpz(path);
    // By name too, so that a header that is empty, starts with a BOM or is not an object is
    // named as such rather than as an unknown format.
    if ((got >= 9 && magic[8] == std::byte{'{'}) || endsWith(path, ".safetensors"))
        return openSafetensors(std::move(file.value()));
    if (endsWith(path, ".csv") || endsWith(path, ".tsv") || endsWith(path, ".txt"))
        return openCsv(path);
    return makeError(Error::Code::BadFormat,
                     path + ": not a tensor file AttnScope reads (.npy, .npz, .safetensors, .csv or .tsv)");
}

std::pair<std::string, std::string> splitTensorSpec(const std::string &spec)
{
    if (QFileInfo::exists(QString::fromStdString(spec)))
        return {spec, ""};
    // The longest existing file before a ':', so that names may hold ':' ("model.safetensors:q:0").
    for (auto colon = spec.rfind(':'); colon != std::string::npos && colon > 0; colon = spec.rfind(':', colon - 1))
        if (QFileInfo(QString::fromStdString(spec.substr(0, colon))).isFile())
            return {spec.substr(0, colon), spec.substr(colon + 1)};
    // No such file: split at the first ':' so the message names the missing path.
    const auto colon = spec.find(':');
    if (colon == std::string::npos || colon == 0)
        return {spec, ""};
    return {spec.substr(0, colon), spec.substr(colon + 1)};
}

Result<NamedTensor> readTensor(const std::string &spec)
{
    const auto [path, requested] = splitTensorSpec(spec);
    auto file = openTensorFile(path);
    if (!file)
        return file.error();
    std::string name = requested;
    if (name.empty()) {
        auto def = (*file)->defaultName();
        if (!def)
            return def.error();
        name = def.value();
    }
    auto t = (*file)->read(name);
    if (!t)
        return t.error();
    return NamedTensor{spec, std::move(t.value()), (*file)->warningsFor(name)};
}

} // namespace attnscope
