#include "bundle_writer.h"

#include <zip.h>

#include <cstring>
#include <span>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "file_io.h"
#include "npy.h"

namespace attnscope {
namespace {

/// One member of the file: a tensor, or (npz only) a list of strings.
struct Member {
    std::string name;
    const Tensor *tensor = nullptr;
    Tensor owned; ///< tensors made here (input_ids, image_grid, causal, q/k/v stacked)
    std::vector<std::string> strings;
    bool isStrings = false;
};

bool hasSuffix(const std::string &s, const char *suffix)
{
    const std::size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

/// The members in file order; `npz` adds strings and the causal flag as arrays.
std::vector<Member> membersOf(const AttentionBundle &b, bool npz)
{
    std::vector<Member> out;
    const auto tensor = [&](const char *name, const Tensor &t) { out.push_back({name, &t, {}, {}, false}); };
    const auto owned = [&](const char *name, Tensor t) { out.push_back({name, nullptr, std::move(t), {}, false}); };
    tensor("attentions", b.attentions);
    if (npz && !b.tokens.empty())
        out.push_back({"tokens", nullptr, {}, b.tokens, true});
    if (npz && !b.keyTokens.empty() && b.keyTokens != b.tokens)
        out.push_back({"key_tokens", nullptr, {}, b.keyTokens, true});
    // q, k, v as one [L, H, T, d] array when every layer's are alike, else one array per layer.
    for (auto [layers, name] : {std::pair{&b.q, "q"}, {&b.k, "k"}, {&b.v, "v"}}) {
        if (auto stacked = stackLayers(*layers)) {
            owned(name, std::move(*stacked));
            continue;
        }
        for (std::size_t l = 0; l < layers->size(); ++l)
            out.push_back({std::string(name) + "." + std::to_string(l), &(*layers)[l], {}, {}, false});
    }
    if (b.inputs)
        tensor("x", *b.inputs);
    if (!b.inputIds.empty())
        owned("input_ids", Tensor::fromInt64s(b.inputIds));
    if (b.gridRows > 0)
        owned("image_grid", Tensor::fromInt64s({b.gridRows, b.gridCols}));
    if (npz && !b.model.empty())
        out.push_back({"model", nullptr, {}, {b.model}, true});
    if (npz && b.slidingWindow > 0) {
        Tensor w = Tensor::fromInt64s({b.slidingWindow});
        w.shape.clear(); // a scalar, like causal
        owned("sliding_window", std::move(w));
    }
    if (npz && b.causal) {
        Tensor c;
        c.dtype = DType::Bool;
        c.bytes = {std::byte(*b.causal ? 1 : 0)};
        owned("causal", std::move(c));
    }
    return out;
}

QJsonArray stringArray(const std::vector<std::string> &strings)
{
    QJsonArray a;
    for (const std::string &s : strings)
        a.append(QString::fromStdString(s));
    return a;
}

const char *safetensorsDtype(DType t)
{
    switch (t) {
    case DType::Bool: return "BOOL";
    case DType::I8: return "I8";
    case DType::I16: return "I16";
    case DType::I32: return "I32";
    case DType::I64: return "I64";
    case DType::U8: return "U8";
    case DType::U16: return "U16";
    case DType::U32: return "U32";
    case DType::U64: return "U64";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::F32: return "F32";
    case DType::F64: return "F64";
    }
    return "F32";
}

Status writeSafetensors(const AttentionBundle &b, const std::string &path)
{
    std::vector<Member> members = membersOf(b, false);
    QJsonObject meta{{"format", "attnscope-bundle"}};
    const auto compact = [](const QJsonArray &a) { return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact)); };
    if (!b.tokens.empty())
        meta["tokens"] = compact(stringArray(b.tokens));
    if (!b.keyTokens.empty() && b.keyTokens != b.tokens)
        meta["key_tokens"] = compact(stringArray(b.keyTokens));
    if (b.causal)
        meta["causal"] = *b.causal ? "true" : "false";
    if (!b.model.empty())
        meta["model"] = QString::fromStdString(b.model);
    if (b.slidingWindow > 0)
        meta["sliding_window"] = QString::number(b.slidingWindow);
    QJsonObject header{{"__metadata__", meta}};
    std::vector<std::span<const std::byte>> parts(2);
    std::uint64_t offset = 0;
    for (const Member &m : members) {
        const Tensor &t = m.tensor ? *m.tensor : m.owned;
        QJsonArray shape;
        for (std::int64_t d : t.shape)
            shape.append(qint64(d));
        header[QString::fromStdString(m.name)] = QJsonObject{
            {"dtype", safetensorsDtype(t.dtype)}, {"shape", shape},
            {"data_offsets", QJsonArray{qint64(offset), qint64(offset + t.bytes.size())}}};
        offset += t.bytes.size();
        parts.emplace_back(t.bytes.data(), t.bytes.size());
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    json.append(QByteArray((8 - (8 + json.size()) % 8) % 8, ' ')); // the data starts 8-aligned
    std::byte length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = std::byte((std::uint64_t(json.size()) >> (8 * i)) & 0xff);
    parts[0] = {length, 8};
    parts[1] = {reinterpret_cast<const std::byte *>(json.constData()), std::size_t(json.size())};
    OutputBatch batch;
    if (auto st = batch.add(path, parts); !st)
        return st;
    return batch.commit();
}

Error zipError(const std::string &path, zip_error_t *err)
{
    return makeError(Error::Code::WriteFailed, path + ": cannot write the archive (" + zip_error_strerror(err) + ")");
}

/// numpy's .npz of the bundle's members.
Status writeNpz(const AttentionBundle &b, const std::string &path)
{
    const std::vector<Member> members = membersOf(b, true);
    std::vector<NpzArray> arrays;
    for (const Member &m : members)
        arrays.push_back({m.name, m.isStrings ? nullptr : m.tensor ? m.tensor : &m.owned, m.strings});
    return writeNpzArrays(arrays, path);
}

} // namespace

/// numpy's savez: stored members NAME.npy. libzip writes to a temporary file beside `path` and
/// renames it on zip_close, so a failure leaves an existing file untouched.
Status writeNpzArrays(const std::vector<NpzArray> &arrays, const std::string &path)
{
    std::vector<std::vector<std::byte>> headers; // alive until zip_close reads them
    headers.reserve(arrays.size());
    int code = 0;
    zip_t *zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!zip) {
        zip_error_t err;
        zip_error_init_with_code(&err, code);
        Error e = zipError(path, &err);
        zip_error_fini(&err);
        return e;
    }
    for (const NpzArray &m : arrays) {
        const Tensor *t = m.tensor;
        headers.push_back(t ? npyHeader(t->dtype, t->shape) : encodeNpyStrings(m.strings));
        zip_buffer_fragment_t fragments[2] = {{reinterpret_cast<zip_uint8_t *>(headers.back().data()), headers.back().size()},
                                              {nullptr, 0}};
        zip_uint64_t count = 1;
        if (t && !t->bytes.empty()) {
            fragments[1] = {reinterpret_cast<zip_uint8_t *>(const_cast<std::byte *>(t->bytes.data())), t->bytes.size()};
            count = 2;
        }
        zip_source_t *src = zip_source_buffer_fragment(zip, fragments, count, 0);
        const zip_int64_t index = src ? zip_file_add(zip, (m.name + ".npy").c_str(), src, ZIP_FL_OVERWRITE) : -1;
        if (index < 0 || zip_set_file_compression(zip, zip_uint64_t(index), ZIP_CM_STORE, 0) < 0) {
            if (src && index < 0)
                zip_source_free(src);
            Error e = zipError(path, zip_get_error(zip));
            zip_discard(zip);
            return e;
        }
    }
    if (zip_close(zip) < 0) {
        Error e = zipError(path, zip_get_error(zip));
        zip_discard(zip);
        return e;
    }
    return okStatus();
}

Status writeAttentionBundle(const AttentionBundle &b, const std::string &path)
{
    if (hasSuffix(path, ".safetensors"))
        return writeSafetensors(b, path);
    if (hasSuffix(path, ".npz"))
        return writeNpz(b, path);
    return makeError(Error::Code::BadArgument, path + ": a bundle is written as .npz or .safetensors");
}

} // namespace attnscope
