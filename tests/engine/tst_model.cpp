// Hugging Face model folders against the reference forward passes that gen_models.py computes
// in torch with Hugging Face's semantics: every supported model_type, float32, float16 and
// bfloat16, single files and shards, with and without the task prefix. Compared layer by layer:
// attentions within 2e-5 absolute (masked cells exactly 0), q/k/v and the layers' inputs within
// 1e-4 absolute plus 1e-4 relative. Then hostile folders, budgets, bad inputs and cancelling.
#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <atomic>

#include "memory_budget.h"
#include "model.h"
#include "tensor_compare.h"
#include "tensor_file.h"
#include "test_files.h"

using namespace attnscope;
using namespace attnscope::test;

namespace {

const double kAttentionAtol = 2e-5;
const double kValuesTol = 1e-4;

QString modelDir(const QString &name)
{
    return QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/models/") + name;
}

QJsonObject jsonFile(const QString &path)
{
    return QJsonDocument::fromJson(fileBytes(path)).object();
}

Tensor referenceArray(const QString &dir, const char *name)
{
    auto f = openTensorFile((dir + QStringLiteral("/reference.npz")).toStdString());
    if (!f)
        return {};
    auto t = (*f)->read(name);
    return t ? *t : Tensor{};
}

QString compareFloat(const char *what, const Tensor &expected, const Tensor &got, double rtol, double atol)
{
    const float *g = reinterpret_cast<const float *>(got.bytes.data());
    return compareValues(QString::fromLatin1(what), expected, got.shape, [g](std::int64_t i) { return double(g[i]); }, rtol, atol);
}

/// Cells the model masks: above the diagonal when causal, outside the sliding window.
QString checkMaskedZeros(const AttentionBundle &b)
{
    const float *a = reinterpret_cast<const float *>(b.attentions.bytes.data());
    const std::int64_t T = b.queries();
    for (std::int64_t lh = 0; lh < b.layers() * b.heads(); ++lh)
        for (std::int64_t i = 0; i < T; ++i)
            for (std::int64_t j = 0; j < T; ++j) {
                const bool masked = (*b.causal && j > i) || (b.slidingWindow > 0 && j <= i - b.slidingWindow);
                if (masked && a[(lh * T + i) * T + j] != 0.0f)
                    return QStringLiteral("masked cell %1,%2 of layer·head %3 is not exactly 0").arg(i).arg(j).arg(lh);
            }
    return {};
}

Result<AttentionBundle> runFixture(const TransformerModel &m, const QString &dir, const ModelRunOptions &o)
{
    if (m.info().image)
        return m.runPixels(referenceArray(dir, "pixels"), o);
    const Tensor ids = referenceArray(dir, "input_ids");
    std::vector<std::int64_t> v;
    for (std::int64_t i = 0; i < ids.numel(); ++i)
        v.push_back(std::int64_t(ids.at(i)));
    return m.runTokens(v, o);
}

} // namespace

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void matchesTheReference_data();
    void matchesTheReference();
    void threadsGiveTheSameResult();
    void hostileFoldersAreRefused_data();
    void hostileFoldersAreRefused();
    void weightsOverTheBudgetAreRefusedBeforeLoading();
    void runOverTheBudgetIsRefused();
    void badInputsAreRefused();
    void cancellingStopsTheRun();
    void hubSnapshotIsNamedAfterItsRepository();
};

void TestModel::matchesTheReference_data()
{
    QTest::addColumn<QString>("name");
    const QJsonObject manifest = jsonFile(modelDir(QStringLiteral("manifest.json")));
    QVERIFY2(manifest.size() >= 11, "fixtures/models/manifest.json lists the cases");
    for (auto it = manifest.begin(); it != manifest.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key();
}

void TestModel::matchesTheReference()
{
    QFETCH(QString, name);
    const QString dir = modelDir(name);
    const QJsonObject config = jsonFile(dir + QStringLiteral("/config.json"));
    auto model = TransformerModel::load(dir.toStdString());
    QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
    const ModelInfo &info = (*model)->info();
    QCOMPARE(QString::fromStdString(info.type), config.value(QLatin1String("model_type")).toString());
    QCOMPARE(QString::fromStdString(info.name), name);
    QVERIFY(info.parameters > 0);
    auto bundle = runFixture(**model, dir, ModelRunOptions{});
    QVERIFY2(bundle.ok(), bundle.ok() ? "" : bundle.error().message.c_str());
    const Tensor attentions = referenceArray(dir, "attentions");
    QCOMPARE(bundle->attentions.shape, attentions.shape);
    QCOMPARE(int(bundle->layers()), info.layers);
    QVERIFY(bundle->hasQkv() && bundle->inputs);
    const QString attErr = compareFloat("attentions", attentions, bundle->attentions, 0, kAttentionAtol);
    QVERIFY2(attErr.isEmpty(), qPrintable(attErr));
    const Tensor q = *stackLayers(bundle->q), k = *stackLayers(bundle->k), v = *stackLayers(bundle->v);
    for (const auto &[key, got] : {std::pair<const char *, const Tensor *>{"q", &q}, {"k", &k}, {"v", &v},
                                   {"x", &*bundle->inputs}}) {
        const QString err = compareFloat(key, referenceArray(dir, key), *got, kValuesTol, kValuesTol);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
    QCOMPARE(*bundle->causal, info.type != "bert" && info.type != "vit");
    const QString maskErr = checkMaskedZeros(*bundle);
    QVERIFY2(maskErr.isEmpty(), qPrintable(maskErr));
    QCOMPARE(bundle->model, info.name);
    if (info.type == "mistral")
        QCOMPARE(bundle->slidingWindow, 4);
    if (info.image) {
        QCOMPARE(bundle->gridRows, 4);
        QCOMPARE(bundle->gridCols, 4);
        QVERIFY(bundle->leadingClsKey);
        QCOMPARE(bundle->tokens.size(), std::size_t(17));
        QCOMPARE(bundle->tokens[0], std::string("[CLS]"));
        QCOMPARE(bundle->tokens[6], std::string("patch 1,1"));
    } else {
        QCOMPARE(std::int64_t(bundle->inputIds.size()), bundle->queries());
        QVERIFY(bundle->tokens.empty());
    }
}

void TestModel::threadsGiveTheSameResult()
{
    for (const char *name : {"llama_gqa_f32", "bert_f32", "vit_f32"}) {
        const QString dir = modelDir(QString::fromLatin1(name));
        auto model = TransformerModel::load(dir.toStdString());
        QVERIFY(model.ok());
        auto one = runFixture(**model, dir, ModelRunOptions{});
        ModelRunOptions o;
        o.threads = 3;
        auto three = runFixture(**model, dir, o);
        QVERIFY(one.ok() && three.ok());
        const QString err = compareFloat(name, one->attentions, three->attentions, 0, 1e-6);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
}

void TestModel::hostileFoldersAreRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("fragments");
    const QJsonObject expected = jsonFile(modelDir(QStringLiteral("hostile/expected.json")));
    QVERIFY(expected.size() >= 12);
    for (auto it = expected.begin(); it != expected.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toVariant().toStringList();
}

void TestModel::hostileFoldersAreRefused()
{
    QFETCH(QString, name);
    QFETCH(QStringList, fragments);
    const std::uint64_t heapBefore = heapInUse();
    auto model = TransformerModel::load(modelDir(QStringLiteral("hostile/") + name).toStdString());
    QVERIFY(!model.ok());
    const QString message = QString::fromStdString(model.error().message);
    for (const QString &f : fragments)
        QVERIFY2(message.contains(f), qPrintable(message + QStringLiteral(" — lacks: ") + f));
    // Refused from the headers: nothing near the lied sizes was allocated.
    QVERIFY(heapInUse() < heapBefore + (std::uint64_t(64) << 20));
}

void TestModel::weightsOverTheBudgetAreRefusedBeforeLoading()
{
    ModelLoadOptions o;
    o.memoryBudget = heapInUse() + 4096;
    auto model = TransformerModel::load(modelDir(QStringLiteral("gpt2_f32")).toStdString(), o);
    QVERIFY(!model.ok());
    QCOMPARE(model.error().code, Error::Code::OverBudget);
    QVERIFY2(QString::fromStdString(model.error().message).contains(QStringLiteral("float32 weights needs")),
             model.error().message.c_str());
}

void TestModel::runOverTheBudgetIsRefused()
{
    auto model = TransformerModel::load(modelDir(QStringLiteral("llama_gqa_f32")).toStdString());
    QVERIFY(model.ok());
    ModelRunOptions o;
    QVERIFY((*model)->runBytes(13, o) < (*model)->runBytes(26, o));
    o.memoryBudget = heapInUse() + 1024;
    auto r = (*model)->runTokens(std::vector<std::int64_t>(13, 5), o);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, Error::Code::OverBudget);
}

void TestModel::badInputsAreRefused()
{
    auto gpt2 = TransformerModel::load(modelDir(QStringLiteral("gpt2_f32")).toStdString());
    auto vit = TransformerModel::load(modelDir(QStringLiteral("vit_f32")).toStdString());
    QVERIFY(gpt2.ok() && vit.ok());
    const auto &g = **gpt2;
    auto empty = g.runTokens({}, {});
    QVERIFY(!empty.ok());
    auto tooLong = g.runTokens(std::vector<std::int64_t>(41, 3), {});
    QVERIFY(!tooLong.ok());
    QVERIFY2(tooLong.error().message.find("41") != std::string::npos && tooLong.error().message.find("40") != std::string::npos,
             tooLong.error().message.c_str());
    QCOMPARE(g.info().maxPositions, 40);
    auto badId = g.runTokens({1, 2, 100000}, {});
    QVERIFY(!badId.ok());
    QVERIFY(badId.error().message.find("100000") != std::string::npos);
    auto negative = g.runTokens({-1}, {});
    QVERIFY(!negative.ok());
    QVERIFY(!g.runPixels(Tensor{}, {}).ok());
    QVERIFY(!(*vit)->runTokens({1, 2}, {}).ok());
    Tensor wrong;
    wrong.shape = {3, 16, 16};
    wrong.bytes.resize(3 * 16 * 16 * 4);
    auto px = (*vit)->runPixels(wrong, {});
    QVERIFY(!px.ok());
    QVERIFY(px.error().message.find("[3, 32, 32]") != std::string::npos);
    ModelRunOptions zeroThreads;
    zeroThreads.threads = 0;
    QVERIFY(!g.runTokens({1, 2}, zeroThreads).ok());
}

void TestModel::cancellingStopsTheRun()
{
    auto model = TransformerModel::load(modelDir(QStringLiteral("bert_f32")).toStdString());
    QVERIFY(model.ok());
    std::atomic<bool> cancel{false};
    ModelRunOptions o;
    o.cancel = &cancel;
    int layersSeen = 0;
    o.progress = [&](int layer, int layers) {
        layersSeen = layer;
        QCOMPARE(layers, 2);
        cancel = true;
    };
    auto r = (*model)->runTokens({2, 5, 6, 3}, o);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, Error::Code::Cancelled);
    QCOMPARE(layersSeen, 1);
}

void TestModel::hubSnapshotIsNamedAfterItsRepository()
{
    QTemporaryDir tmp;
    const QString snap = tmp.path() + QStringLiteral("/models--acme--tiny-bert/snapshots/0123abc");
    QVERIFY(QDir().mkpath(snap));
    for (const char *f : {"config.json", "model.safetensors"})
        QVERIFY(QFile::copy(modelDir(QStringLiteral("bert_f32/")) + QLatin1String(f), snap + QLatin1Char('/') + QLatin1String(f)));
    auto model = TransformerModel::load(snap.toStdString());
    QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
    QCOMPARE((*model)->info().name, std::string("acme/tiny-bert"));
}

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
