#include "model_weights.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstring>
#include <set>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace attnscope {

struct WeightFiles::File {
    std::string path;
    QFile file;
    const uchar *data = nullptr;
    std::uint64_t size = 0;
    SafetensorsHeader header;
};

WeightFiles::WeightFiles() = default;
WeightFiles::~WeightFiles() = default;

std::string canonicalWeightName(const std::string &name)
{
    std::string n = name;
    for (const char *prefix : {"bert.", "transformer.", "model.", "vit."}) {
        const std::size_t len = std::strlen(prefix);
        if (n.compare(0, len, prefix) == 0) {
            n.erase(0, len);
            break;
        }
    }
    auto endsWith = [&](const std::string &s) { return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0; };
    if (endsWith("LayerNorm.gamma"))
        n.replace(n.size() - 5, 5, "weight");
    else if (endsWith("LayerNorm.beta"))
        n.replace(n.size() - 4, 4, "bias");
    return n;
}

namespace {

Error noWeights(const QDir &dir)
{
    const std::string d = dir.path().toStdString();
    if (dir.exists(QStringLiteral("pytorch_model.bin")) || dir.exists(QStringLiteral("pytorch_model.bin.index.json")))
        return makeError(Error::Code::Unsupported,
                         d + ": only pytorch_model.bin (a Python pickle) is there, which AttnScope does not read; convert it "
                             "to model.safetensors, e.g. in Python: `from transformers import AutoModel; d = '" + d +
                             "'; AutoModel.from_pretrained(d).save_pretrained(d, safe_serialization=True)`");
    return makeError(Error::Code::FileNotFound, d + ": no model.safetensors or model.safetensors.index.json");
}

/// The shard file names of an index's weight_map, each a plain file name in `dir`.
Result<std::vector<std::string>> shardsOf(const QDir &dir)
{
    const QString indexPath = dir.filePath(QStringLiteral("model.safetensors.index.json"));
    const std::string ip = indexPath.toStdString();
    QFile f(indexPath);
    if (!f.open(QIODevice::ReadOnly) || f.size() > (std::int64_t(64) << 20))
        return makeError(Error::Code::ReadFailed, ip + ": cannot be read");
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    const QJsonObject map = doc.object().value(QLatin1String("weight_map")).toObject();
    if (map.isEmpty())
        return makeError(Error::Code::BadFormat, ip + ": no 'weight_map' object");
    std::set<QString> names;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString file = it.value().toString();
        if (file.isEmpty() || file.contains(QLatin1Char('/')) || file.contains(QLatin1Char('\\')) || file == QLatin1String(".."))
            return makeError(Error::Code::BadFormat, ip + ": tensor '" + it.key().toStdString() + "' names no plain file");
        names.insert(file);
    }
    std::vector<std::string> out;
    for (const QString &n : names) {
        if (!QFileInfo(dir.filePath(n)).isFile())
            return makeError(Error::Code::FileNotFound, ip + ": names the shard '" + n.toStdString() + "', which does not exist");
        out.push_back(dir.filePath(n).toStdString());
    }
    return out;
}

} // namespace

Result<std::unique_ptr<WeightFiles>> WeightFiles::open(const std::string &dirPath)
{
    const QDir dir(QString::fromStdString(dirPath));
    std::vector<std::string> files;
    if (dir.exists(QStringLiteral("model.safetensors.index.json"))) {
        auto shards = shardsOf(dir);
        if (!shards)
            return shards.error();
        files = std::move(*shards);
    } else if (dir.exists(QStringLiteral("model.safetensors"))) {
        files.push_back(dir.filePath(QStringLiteral("model.safetensors")).toStdString());
    } else {
        return noWeights(dir);
    }
    std::unique_ptr<WeightFiles> w(new WeightFiles);
    for (const auto &f : files)
        if (auto s = w->addFile(f); !s)
            return s.error();
    return w;
}

Status WeightFiles::addFile(const std::string &path)
{
    auto f = std::make_unique<File>();
    f->path = path;
    f->file.setFileName(QString::fromStdString(path));
    if (!f->file.open(QIODevice::ReadOnly))
        return makeError(Error::Code::ReadFailed, path + ": cannot be opened");
    f->size = std::uint64_t(f->file.size());
    f->data = f->size >= 8 ? f->file.map(0, qint64(f->size)) : nullptr;
    if (!f->data && f->size >= 8)
        return makeError(Error::Code::ReadFailed, path + ": cannot be mapped into memory");
    std::uint64_t n = 0;
    if (f->size >= 8)
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | f->data[i];
    if (auto s = checkSafetensorsHeaderLength(n, f->size, path); !s)
        return s.error();
    const std::string json(reinterpret_cast<const char *>(f->data + 8), std::size_t(n));
    auto header = parseSafetensorsHeader(json, f->size, path);
    if (!header)
        return header.error();
    f->header = std::move(*header);
    const std::size_t index = m_files.size();
    for (const auto &e : f->header.entries)
        m_tensors.emplace(canonicalWeightName(e.name), Entry{index, e});
    m_files.push_back(std::move(f));
    return okStatus();
}

const WeightFiles::Entry *WeightFiles::find(const std::string &name) const
{
    const auto it = m_tensors.find(name);
    return it == m_tensors.end() ? nullptr : &it->second;
}

const std::string &WeightFiles::path(const Entry &e) const
{
    return m_files[e.file]->path;
}

namespace {

/// Drops the mapped pages of a converted tensor from the process (they stay in the page cache),
/// so that loading holds the float32 weights and not the file's pages besides.
void releasePages(const uchar *p, std::size_t n)
{
#if defined(__linux__)
    const auto page = std::uintptr_t(sysconf(_SC_PAGESIZE));
    const auto first = (std::uintptr_t(p) + page - 1) / page * page, last = (std::uintptr_t(p) + n) / page * page;
    if (last > first)
        madvise(reinterpret_cast<void *>(first), last - first, MADV_DONTNEED);
#else
    (void)p;
    (void)n;
#endif
}

} // namespace

Result<Mat<float>> WeightFiles::read(const Entry &e) const
{
    const File &f = *m_files[e.file];
    const auto &t = e.tensor;
    if (!t.supported || (t.dtype != DType::F32 && t.dtype != DType::F16 && t.dtype != DType::BF16 && t.dtype != DType::F64))
        return makeError(Error::Code::Unsupported, f.path + ": tensor '" + t.name + "' is " + t.dtypeName +
                                                       "; model weights must be F32, F16 or BF16");
    std::int64_t rows = t.shape.empty() ? 1 : t.shape[0], cols = 1;
    for (std::size_t i = 1; i < t.shape.size(); ++i)
        cols *= t.shape[i];
    if (t.shape.size() == 1)
        std::swap(rows, cols);
    Mat<float> m(rows, cols);
    const uchar *src = f.data + f.header.dataStart + t.begin;
    float *dst = m.data();
    const std::int64_t n = rows * cols;
    switch (t.dtype) {
    case DType::F32:
        std::memcpy(dst, src, std::size_t(n) * 4);
        break;
    case DType::F64:
        for (std::int64_t i = 0; i < n; ++i) {
            double v;
            std::memcpy(&v, src + 8 * i, 8);
            dst[i] = float(v);
        }
        break;
    default:
        for (std::int64_t i = 0; i < n; ++i) {
            std::uint16_t h;
            std::memcpy(&h, src + 2 * i, 2);
            dst[i] = t.dtype == DType::F16 ? halfToFloat(h) : bfloat16ToFloat(h);
        }
    }
    releasePages(src, std::size_t(t.end - t.begin));
    return m;
}

} // namespace attnscope
