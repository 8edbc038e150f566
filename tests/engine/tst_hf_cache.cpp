// The Hugging Face hub cache, on a fake cache tree laid out as huggingface_hub lays it out
// (snapshots whose files are symbolic links into blobs/, refs/main): which root is used, the
// models found with their names, types, weight sizes and kinds, refs/main's snapshot first then
// newest first, and broken entries listed with their problem instead of failing the scan.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <utime.h>

#include "hf_cache.h"
#include "test_files.h"

using namespace attnscope;

namespace {

bool writeFile(const QString &path, const QByteArray &content) { return test::writeBytes(path, content); }

/// ROOT/models--REPO/snapshots/REV/FILE as a link to ROOT/models--REPO/blobs/<FILE-REV>.
bool writeLinked(const QString &root, const QString &repo, const QString &rev, const QString &file, const QByteArray &content)
{
    const QString blob = QStringLiteral("%1/%2/blobs/%3-%4").arg(root, repo, rev, QString(file).replace('/', '_'));
    const QString link = QStringLiteral("%1/%2/snapshots/%3/%4").arg(root, repo, rev, file);
    QDir().mkpath(QFileInfo(link).absolutePath());
    return writeFile(blob, content) && QFile::link(blob, link);
}

bool setTime(const QString &path, qint64 seconds)
{
    utimbuf t{seconds, seconds};
    return utime(QFile::encodeName(path).constData(), &t) == 0;
}

const HfCachedModel *find(const std::vector<HfCachedModel> &ms, const std::string &name)
{
    for (const HfCachedModel &m : ms)
        if (m.name == name)
            return &m;
    return nullptr;
}

} // namespace

class TstHfCache : public QObject {
    Q_OBJECT
private slots:
    void roots();
    void scan();
    void brokenEntries();
    void snapshotOrder();
    void missingRoot();
};

void TstHfCache::roots()
{
    for (const char *v : {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME"})
        qunsetenv(v);
    QCOMPARE(hfCacheRoots(), std::vector<std::string>{QDir::homePath().toStdString() + "/.cache/huggingface/hub"});
    qputenv("XDG_CACHE_HOME", "/tmp/xdg");
    QCOMPARE(hfCacheRoots(), std::vector<std::string>{"/tmp/xdg/huggingface/hub"});
    qputenv("HF_HOME", "/tmp/hfhome/");
    QCOMPARE(hfCacheRoots(), std::vector<std::string>{"/tmp/hfhome/hub"});
    qputenv("HUGGINGFACE_HUB_CACHE", "/tmp/legacy");
    QCOMPARE(hfCacheRoots(), std::vector<std::string>{"/tmp/legacy"});
    qputenv("HF_HUB_CACHE", "/tmp/hubcache");
    QCOMPARE(hfCacheRoots(), std::vector<std::string>{"/tmp/hubcache"});
    for (const char *v : {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME"})
        qunsetenv(v);
}

void TstHfCache::scan()
{
    QTemporaryDir tmp;
    const QString root = tmp.path();
    QVERIFY(writeLinked(root, "models--gpt2", "aaa", "config.json", R"({"model_type": "gpt2", "n_layer": 2})"));
    QVERIFY(writeLinked(root, "models--gpt2", "aaa", "model.safetensors", QByteArray(1000, 'x')));
    QVERIFY(writeFile(root + "/models--gpt2/refs/main", "aaa"));
    const QString vit = "models--google--vit-base-patch16-224";
    QVERIFY(writeLinked(root, vit, "bbb", "config.json", R"({"model_type": "vit"})"));
    QVERIFY(writeLinked(root, vit, "bbb", "model.safetensors.index.json",
                        R"({"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                            "b": "model-00002-of-00002.safetensors", "c": "model-00001-of-00002.safetensors"}})"));
    QVERIFY(writeLinked(root, vit, "bbb", "model-00001-of-00002.safetensors", QByteArray(300, 'x')));
    QVERIFY(writeLinked(root, vit, "bbb", "model-00002-of-00002.safetensors", QByteArray(200, 'x')));
    QVERIFY(writeLinked(root, "models--Org--pickled", "ccc", "config.json", R"({"model_type": "bert"})"));
    QVERIFY(writeLinked(root, "models--Org--pickled", "ccc", "pytorch_model.bin", QByteArray(77, 'x')));
    // Not models: skipped.
    QVERIFY(writeLinked(root, "datasets--Org--data", "ddd", "config.json", R"({"model_type": "gpt2"})"));
    QVERIFY(QDir().mkpath(root + "/.locks/models--gpt2"));

    const std::vector<HfCachedModel> ms = scanHfCache(root.toStdString());
    QCOMPARE(ms.size(), std::size_t(3));
    QCOMPARE(ms[0].name, std::string("google/vit-base-patch16-224")); // sorted by name, case-insensitive
    QCOMPARE(ms[1].name, std::string("gpt2"));
    QCOMPARE(ms[2].name, std::string("Org/pickled"));

    const HfCachedModel &g = ms[1];
    QCOMPARE(g.modelType, std::string("gpt2"));
    QCOMPARE(g.weights, HfWeights::Safetensors);
    QCOMPARE(g.weightBytes, std::int64_t(1000));
    QVERIFY(g.isMain);
    QCOMPARE(g.revision, std::string("aaa"));
    QCOMPARE(QString::fromStdString(g.snapshotDir), QDir::cleanPath(root + "/models--gpt2/snapshots/aaa"));
    QVERIFY2(g.problem.empty(), g.problem.c_str());

    const HfCachedModel &v = ms[0];
    QCOMPARE(v.modelType, std::string("vit"));
    QCOMPARE(v.weightBytes, std::int64_t(500)); // each shard once
    QVERIFY2(v.problem.empty(), v.problem.c_str());
    QVERIFY(!v.isMain);

    const HfCachedModel &p = ms[2];
    QCOMPARE(p.weights, HfWeights::PytorchOnly);
    QCOMPARE(p.weightBytes, std::int64_t(77));
    QVERIFY(QString::fromStdString(p.problem).contains("pytorch_model.bin"));
    QVERIFY(QString::fromStdString(p.problem).contains("safetensors"));
}

void TstHfCache::brokenEntries()
{
    QTemporaryDir tmp;
    const QString root = tmp.path();
    QVERIFY(QDir().mkpath(root + "/models--org--nosnap/blobs"));
    QVERIFY(writeLinked(root, "models--org--noconfig", "r", "model.safetensors", "x"));
    QVERIFY(writeLinked(root, "models--org--badjson", "r", "config.json", "{\"model_type\": "));
    QVERIFY(writeLinked(root, "models--org--badjson", "r", "model.safetensors", "x"));
    QVERIFY(writeLinked(root, "models--org--notype", "r", "config.json", "{}"));
    QVERIFY(writeLinked(root, "models--org--notype", "r", "model.safetensors", "x"));
    QVERIFY(writeLinked(root, "models--org--noweights", "r", "config.json", R"({"model_type": "bert"})"));
    QVERIFY(writeLinked(root, "models--org--shard", "r", "config.json", R"({"model_type": "llama"})"));
    QVERIFY(writeLinked(root, "models--org--shard", "r", "model.safetensors.index.json",
                        R"({"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}})"));
    QVERIFY(writeLinked(root, "models--org--shard", "r", "model-00001-of-00002.safetensors", "x"));
    QVERIFY(writeLinked(root, "models--org--dangling", "r", "config.json", R"({"model_type": "bert"})"));
    QVERIFY(writeLinked(root, "models--org--dangling", "r", "model.safetensors", "x"));
    QVERIFY(QFile::remove(root + "/models--org--dangling/blobs/r-model.safetensors"));
    QVERIFY(writeLinked(root, "models--org--huge", "r", "config.json", QByteArray(2 << 20, ' ')));

    const std::vector<HfCachedModel> ms = scanHfCache(root.toStdString());
    QCOMPARE(ms.size(), std::size_t(8));
    const std::pair<const char *, const char *> expected[] = {
        {"org/nosnap", "no snapshot"},
        {"org/noconfig", "no config.json"},
        {"org/badjson", "config.json is not a valid JSON object"},
        {"org/notype", "no model_type"},
        {"org/noweights", "no weights"},
        {"org/shard", "model-00002-of-00002.safetensors, which is missing"},
        {"org/dangling", "broken link"},
        {"org/huge", "config.json is 2097152 bytes"},
    };
    for (const auto &[name, fragment] : expected) {
        const HfCachedModel *m = find(ms, name);
        QVERIFY2(m, name);
        QVERIFY2(QString::fromStdString(m->problem).contains(fragment), (std::string(name) + ": " + m->problem).c_str());
    }
}

void TstHfCache::snapshotOrder()
{
    QTemporaryDir tmp;
    const QString root = tmp.path();
    for (const char *rev : {"old", "new", "mid"}) {
        QVERIFY(writeLinked(root, "models--gpt2", rev, "config.json", R"({"model_type": "gpt2"})"));
        QVERIFY(writeLinked(root, "models--gpt2", rev, "model.safetensors", "x"));
    }
    QVERIFY(setTime(root + "/models--gpt2/snapshots/old", 1000000));
    QVERIFY(setTime(root + "/models--gpt2/snapshots/mid", 2000000));
    QVERIFY(setTime(root + "/models--gpt2/snapshots/new", 3000000));
    auto revisions = [&] {
        QStringList r;
        for (const HfCachedModel &m : scanHfCache(root.toStdString()))
            r << QString::fromStdString(m.revision);
        return r;
    };
    QCOMPARE(revisions(), QStringList({"new", "mid", "old"})); // newest first without refs/main
    QVERIFY(writeFile(root + "/models--gpt2/refs/main", "old\n"));
    QCOMPARE(revisions(), QStringList({"old", "new", "mid"})); // refs/main's first
}

void TstHfCache::missingRoot()
{
    QVERIFY(scanHfCache("/nonexistent/attnscope/hub").empty());
}

QTEST_GUILESS_MAIN(TstHfCache)
#include "tst_hf_cache.moc"
