#include "tensor_file.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstring>

#include "attention.h"
#include "memory_budget.h"
#include "csv.h"
#include "file_io.h"
#include "npy.h"
#include "npz.h"
#include "safetensors.h"

namespace attnscope {
namespace {

Error noSuchArray(const TensorFileInfo &info, const std::string &name)
{
    std::string names;
    for (const auto &a : info.arrays)
        names += (names.empty() ? "" : ", ") + a.name;
    return makeError(Error::Code::BadArgument,
                     info.path + ": has no array named '" + name + "' (it holds: " + names + ")");
}

/// A file that holds one unnamed array: .npy, CSV, TSV.
class SingleArrayFile : public TensorFile {
public:
    SingleArrayFile(TensorFileInfo info, Tensor t) : m_info(std::move(info)), m_tensor(std::move(t)) {}
    const TensorFileInfo &info() const override { return m_info; }
    Result<Tensor> read(const std::string &name) override
    {
        if (!name.empty())
            return makeError(Error::Code::BadArgument,
                             m_info.path + ": a ." + m_info.format + " file holds one unnamed array; drop ':" + name + "'");
        return m_tensor;
    }
    Result<std::vector<std::string>> readStrings(const std::string &) override
    {
        return makeError(Error::Code::Unsupported, m_info.path + ": holds numbers, not strings");
    }

private:
    TensorFileInfo m_info;
    Tensor m_tensor;
};

class NpzFile : public TensorFile {
public:
    NpzFile(TensorFileInfo info, NpzArchive zip) : m_info(std::move(info)), m_zip(std::move(zip)) {}
    const TensorFileInfo &info() const override { return m_info; }
    Result<Tensor> read(const std::string &name) override
    {
        const auto *m = m_zip.find(name);
        if (!m)
            return noSuchArray(m_info, name);
        return m_zip.read(*m);
    }
    Result<std::vector<std::string>> readStrings(const std::string &name) override
    {
        const auto *m = m_zip.find(name);
        if (!m)
            return noSuchArray(m_info, name);
        return m_zip.readStrings(*m);
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
    Result<Tensor> read(const std::string &name) override
    {
        for (const auto &e : m_header.entries) {
            if (e.name != name)
                continue;
            Tensor t;
            t.dtype = e.dtype;
            t.shape = e.shape;
            for (auto d : t.shape)
                if (d == 0)
                    return makeError(Error::Code::BadShape, m_info.path + ":" + name + ": the shape " +
                                                                shapeToString(t.shape) + " is empty; there is nothing to show");
            t.bytes.resize(std::size_t(e.end - e.begin)); // validated to lie inside the file
            if (auto st = m_file.readAt(m_header.dataStart + e.begin, t.bytes.data(), t.bytes.size()); !st)
                return st.error();
            return t;
        }
        return noSuchArray(m_info, name);
    }
    Result<std::vector<std::string>> readStrings(const std::string &name) override
    {
        for (const auto &[key, value] : m_header.metadata) {
            if (key != name)
                continue;
            const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(value));
            if (!doc.isArray())
                return makeError(Error::Code::BadFormat,
                                 m_info.path + ": __metadata__ '" + name + "' must hold a JSON list of strings");
            std::vector<std::string> out;
            for (const QJsonValue v : doc.array()) {
                if (!v.isString())
                    return makeError(Error::Code::BadFormat,
                                     m_info.path + ": __metadata__ '" + name + "' must hold a JSON list of strings");
                out.push_back(v.toString().toStdString());
            }
            return out;
        }
        return makeError(Error::Code::BadArgument, m_info.path + ": has no metadata entry '" + name + "'");
    }

private:
    TensorFileInfo m_info;
    SafetensorsHeader m_header;
    InputFile m_file;
};

bool endsWith(const std::string &s, const char *suffix)
{
    const std::size_t n = std::strlen(suffix);
    return s.size() >= n && QString::fromStdString(s.substr(s.size() - n)).compare(suffix, Qt::CaseInsensitive) == 0;
}

Result<std::unique_ptr<TensorFile>> openSafetensors(InputFile file)
{
    const std::string &path = file.path();
    std::byte prefix[8];
    if (auto st = file.readAt(0, prefix, 8); !st)
        return st.error();
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i)
        n |= std::uint64_t(std::to_integer<unsigned>(prefix[i])) << (8 * i);
    if (n > kSafetensorsMaxHeaderBytes)
        return makeError(Error::Code::BadFormat, path + ": the header claims " + std::to_string(n) +
                                                     " bytes, more than the limit of 100,000,000");
    if (n > file.size() - 8)
        return makeError(Error::Code::BadFormat, path + ": the header length (" + std::to_string(n) +
                                                     " bytes) runs past the end of the file");
    std::string json(static_cast<std::size_t>(n), '\0');
    if (auto st = file.readAt(8, reinterpret_cast<std::byte *>(json.data()), json.size()); !st)
        return st.error();
    auto header = parseSafetensorsHeader(json, file.size(), path);
    if (!header)
        return header.error();
    TensorFileInfo info{path, "safetensors", {}, header->metadata};
    for (const auto &e : header->entries)
        info.arrays.push_back({e.name, dtypeName(e.dtype), e.shape, true});
    for (const auto &[key, value] : header->metadata)
        if (key == "tokens" || key == "key_tokens") {
            const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(value));
            if (doc.isArray())
                info.arrays.push_back({key, "str", {std::int64_t(doc.array().size())}, false});
        }
    return std::unique_ptr<TensorFile>(new SafetensorsFile(std::move(info), std::move(header.value()), std::move(file)));
}

} // namespace

bool TensorFile::has(const std::string &name) const
{
    for (const auto &a : info().arrays)
        if (a.name == name)
            return true;
    return false;
}

Result<std::string> TensorFile::defaultName() const
{
    const auto &arrays = info().arrays;
    std::vector<const ArrayInfo *> numeric;
    for (const auto &a : arrays)
        if (a.numeric)
            numeric.push_back(&a);
    if (numeric.size() == 1)
        return numeric.front()->name;
    if (has("attentions"))
        return std::string("attentions");
    std::string names;
    for (const auto *a : numeric)
        names += (names.empty() ? "" : ", ") + a->name;
    if (numeric.empty())
        return makeError(Error::Code::BadArgument, info().path + ": holds no numeric array");
    return makeError(Error::Code::BadArgument, info().path + ": holds several arrays (" + names +
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

    if (is("\x93NUMPY", 6)) {
        auto t = readNpy(path);
        if (!t)
            return t.error();
        TensorFileInfo info{path, "npy", {{"", dtypeName(t->dtype), t->shape, true}}, {}};
        return std::unique_ptr<TensorFile>(new SingleArrayFile(std::move(info), std::move(t.value())));
    }
    if (is("PK\x03\x04", 4) || is("PK\x05\x06", 4)) {
        auto zip = NpzArchive::open(path, memoryBudget());
        if (!zip)
            return zip.error();
        TensorFileInfo info{path, "npz", {}, {}};
        for (const auto &m : zip->members()) {
            const bool numeric = m.header.unicodeChars == 0;
            info.arrays.push_back({m.name, numeric ? dtypeName(m.header.dtype) : "str", m.header.shape, numeric});
        }
        return std::unique_ptr<TensorFile>(new NpzFile(std::move(info), std::move(zip.value())));
    }
    if (got >= 9 && magic[8] == std::byte{'{'})
        return openSafetensors(std::move(file.value()));
    if (endsWith(path, ".csv") || endsWith(path, ".tsv") || endsWith(path, ".txt")) {
        auto table = readCsv(path);
        if (!table)
            return table.error();
        TensorFileInfo info{path, endsWith(path, ".tsv") ? "tsv" : "csv", {}, {}};
        info.arrays.push_back({"", "float64", table->values.shape, true});
        return std::unique_ptr<TensorFile>(new SingleArrayFile(std::move(info), std::move(table->values)));
    }
    return makeError(Error::Code::BadFormat,
                     path + ": not a tensor file AttnScope reads (.npy, .npz, .safetensors, .csv or .tsv)");
}

std::pair<std::string, std::string> splitTensorSpec(const std::string &spec)
{
    if (QFileInfo::exists(QString::fromStdString(spec)))
        return {spec, ""};
    const auto colon = spec.rfind(':');
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
    return NamedTensor{spec, std::move(t.value())};
}

} // namespace attnscope
