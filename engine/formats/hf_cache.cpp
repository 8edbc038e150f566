#include "hf_cache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QStringList>
#include <QString>

#include <algorithm>

namespace attnscope {
namespace {

constexpr qint64 kMaxConfigBytes = qint64(1) << 20;
constexpr qint64 kMaxIndexBytes = qint64(16) << 20;

QString envPath(const char *name)
{
    const QString v = qEnvironmentVariable(name);
    return v.isEmpty() ? QString() : QDir::cleanPath(QDir(v).absolutePath());
}

/// A small JSON object file read whole, or an error sentence.
QJsonObject readJsonObject(const QString &path, qint64 cap, std::string &problem)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        problem = QFileInfo(path).fileName().toStdString() + " cannot be read (" + f.errorString().toStdString() + ")";
        return {};
    }
    if (f.size() > cap) {
        problem = QFileInfo(path).fileName().toStdString() + " is " + std::to_string(f.size()) +
                  " bytes, more than such a file can be";
        return {};
    }
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(cap), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        problem = QFileInfo(path).fileName().toStdString() + " is not a valid JSON object" +
                  (err.error != QJsonParseError::NoError ? " (" + err.errorString().toStdString() + ")" : "");
        return {};
    }
    return doc.object();
}

/// Weights of a snapshot: safetensors (single or sharded, every shard present) or pickles.
void readWeights(const QDir &snap, HfCachedModel &m)
{
    const QFileInfo single(snap.filePath(QStringLiteral("model.safetensors")));
    const QString indexPath = snap.filePath(QStringLiteral("model.safetensors.index.json"));
    if (single.exists()) {
        m.weights = HfWeights::Safetensors;
        m.weightBytes = single.size();
        return;
    }
    if (QFileInfo(single.filePath()).isSymLink()) {
        m.problem = "model.safetensors is a broken link (the download did not finish)";
        return;
    }
    if (QFileInfo::exists(indexPath)) {
        std::string problem;
        const QJsonObject map = readJsonObject(indexPath, kMaxIndexBytes, problem).value(QLatin1String("weight_map")).toObject();
        if (problem.empty() && map.isEmpty())
            problem = "model.safetensors.index.json has no weight_map";
        QStringList shards;
        for (auto it = map.begin(); it != map.end(); ++it)
            shards.append(it.value().toString());
        shards.sort();
        shards.removeDuplicates();
        for (const QString &shard : shards) {
            const QFileInfo fi(snap.filePath(shard));
            if (problem.empty() && (shard.isEmpty() || shard.contains(QLatin1Char('/')) || !fi.exists()))
                problem = "model.safetensors.index.json names " + shard.toStdString() + ", which is missing";
            m.weightBytes += fi.exists() ? fi.size() : 0;
        }
        m.weights = HfWeights::Safetensors;
        m.problem = problem;
        return;
    }
    const QStringList pickles = snap.entryList({QStringLiteral("pytorch_model*.bin")}, QDir::Files);
    for (const QString &p : pickles)
        m.weightBytes += QFileInfo(snap.filePath(p)).size();
    if (!pickles.isEmpty()) {
        m.weights = HfWeights::PytorchOnly;
        m.problem = "only pytorch_model.bin (a pickle, which AttnScope does not read); convert it to "
                    "model.safetensors, or download the safetensors files";
        return;
    }
    m.problem = "no weights (model.safetensors) in the snapshot";
}

HfCachedModel readSnapshot(const QDir &snap, const std::string &name)
{
    HfCachedModel m;
    m.name = name;
    m.snapshotDir = QDir::cleanPath(snap.absolutePath()).toStdString();
    m.revision = snap.dirName().toStdString();
    m.modifiedMs = QFileInfo(snap.absolutePath()).lastModified().toMSecsSinceEpoch();
    const QString configPath = snap.filePath(QStringLiteral("config.json"));
    if (!QFileInfo::exists(configPath)) {
        m.problem = "no config.json in the snapshot";
        return m;
    }
    std::string problem;
    const QJsonObject config = readJsonObject(configPath, kMaxConfigBytes, problem);
    m.modelType = config.value(QLatin1String("model_type")).toString().toStdString();
    if (problem.empty() && m.modelType.empty())
        problem = "config.json names no model_type";
    readWeights(snap, m);
    if (!problem.empty())
        m.problem = problem; // the config's problem comes first: it is what opening would say
    return m;
}

/// The snapshots of one models--… folder, refs/main's first, then newest first.
void scanModel(const QDir &repo, const std::string &name, std::vector<HfCachedModel> &out)
{
    QString mainRev;
    QFile ref(repo.filePath(QStringLiteral("refs/main")));
    if (ref.open(QIODevice::ReadOnly))
        mainRev = QString::fromUtf8(ref.read(256)).trimmed();
    const QDir snaps(repo.filePath(QStringLiteral("snapshots")));
    const QStringList revs = snaps.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    if (revs.isEmpty()) {
        HfCachedModel m;
        m.name = name;
        m.snapshotDir = QDir::cleanPath(repo.absolutePath()).toStdString();
        m.problem = "no snapshot (the folder has no snapshots/<revision>/)";
        out.push_back(m);
        return;
    }
    std::vector<HfCachedModel> found;
    for (const QString &rev : revs) {
        found.push_back(readSnapshot(QDir(snaps.filePath(rev)), name));
        found.back().isMain = !mainRev.isEmpty() && rev == mainRev;
    }
    std::stable_sort(found.begin(), found.end(), [](const HfCachedModel &a, const HfCachedModel &b) {
        if (a.isMain != b.isMain)
            return a.isMain;
        return a.modifiedMs > b.modifiedMs;
    });
    out.insert(out.end(), found.begin(), found.end());
}

} // namespace

std::vector<std::string> hfCacheRoots()
{
    QString root = envPath("HF_HUB_CACHE");
    if (root.isEmpty())
        root = envPath("HUGGINGFACE_HUB_CACHE");
    if (root.isEmpty() && !envPath("HF_HOME").isEmpty())
        root = envPath("HF_HOME") + QStringLiteral("/hub");
    if (root.isEmpty() && !envPath("XDG_CACHE_HOME").isEmpty())
        root = envPath("XDG_CACHE_HOME") + QStringLiteral("/huggingface/hub");
    if (root.isEmpty())
        root = QDir::homePath() + QStringLiteral("/.cache/huggingface/hub");
    return {QDir::cleanPath(root).toStdString()};
}

std::vector<HfCachedModel> scanHfCache(const std::string &root)
{
    std::vector<HfCachedModel> out;
    const QDir dir(QString::fromStdString(root));
    if (!dir.exists())
        return out;
    const QStringList entries = dir.entryList({QStringLiteral("models--*")}, QDir::Dirs | QDir::NoDotAndDotDot);
    std::vector<std::pair<QString, QString>> repos; // name, folder
    for (const QString &e : entries) {
        const QStringList parts = e.mid(int(qstrlen("models--"))).split(QStringLiteral("--"));
        if (parts.isEmpty() || parts.contains(QString()))
            continue;
        repos.emplace_back(parts.join(QLatin1Char('/')), e);
    }
    std::sort(repos.begin(), repos.end(), [](const auto &a, const auto &b) {
        const int c = a.first.compare(b.first, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a.first < b.first;
    });
    for (const auto &[name, folder] : repos)
        scanModel(QDir(dir.filePath(folder)), name.toStdString(), out);
    return out;
}

std::vector<HfCachedModel> scanHfCaches()
{
    std::vector<HfCachedModel> out;
    for (const std::string &root : hfCacheRoots()) {
        std::vector<HfCachedModel> some = scanHfCache(root);
        out.insert(out.end(), some.begin(), some.end());
    }
    return out;
}

} // namespace attnscope
