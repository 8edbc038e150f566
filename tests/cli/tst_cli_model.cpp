// attnscope-cli model on the tiny hub-layout folders of gen_models.py: the bundle it writes
// against the torch reference forward pass (attentions, q/k/v, x, layer by layer), the ids and
// tokens against the generator's own tokenization, both bundle formats, and the errors — every
// hostile folder, zero tokens, text past the positions, the budget — with nothing written.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

#include "bundle.h"
#include "cli_run.h"
#include "tensor_file.h"
#include "tensor_compare.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::runCli;

namespace {

const QString kModels = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/models");


std::vector<std::int64_t> ids(const QJsonArray &a)
{
    std::vector<std::int64_t> out;
    for (const QJsonValue v : a)
        out.push_back(v.toInteger());
    return out;
}

std::vector<std::string> strings(const QJsonArray &a)
{
    std::vector<std::string> out;
    for (const QJsonValue v : a)
        out.push_back(v.toString().toStdString());
    return out;
}

/// The error line of a failed run: exit 2, one line, "error: " first.
bool isOneErrorLine(const test::Run &r)
{
    return !r.crashed && r.exitCode == 2 && r.err.startsWith("error: ") && r.err.trimmed().count('\n') == 0;
}

} // namespace

class TstCliModel : public QObject {
    Q_OBJECT
private slots:
    void matchesTorch_data();
    void matchesTorch();
    void noSpecialTokens();
    void hostileFolders();
    void zeroTokensAndTooLong();
    void overTheBudget();
    void imageModelRefusesText();
    void vitImageMatchesTorch();
};

void TstCliModel::matchesTorch_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("out");
    const QJsonObject manifest = test::jsonObjectFile(kModels + "/manifest.json");
    QVERIFY(!manifest.isEmpty());
    int i = 0;
    for (auto it = manifest.begin(); it != manifest.end(); ++it) {
        if (!it.value().toObject().value("text").toBool())
            continue;
        const QString out = (i++ % 2) ? "b.safetensors" : "b.npz"; // both writers, in turn
        QTest::newRow(qPrintable(it.key())) << it.key() << out;
    }
}

void TstCliModel::matchesTorch()
{
    QFETCH(QString, name);
    QFETCH(QString, out);
    const QString dir = kModels + "/" + name;
    const QJsonObject expected = test::jsonObjectFile(dir + "/expected_ids.json");
    QTemporaryDir tmp;
    const auto r = runCli({"model", "--model", dir, "--text", expected.value("text").toString(), "--qkv", "--out", out}, tmp.path());
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    auto b = readAttentionBundle(tmp.filePath(out).toStdString());
    QVERIFY2(b, b ? "" : b.error().message.c_str());
    auto ref = readAttentionBundle((dir + "/reference.npz").toStdString());
    QVERIFY2(ref, ref ? "" : ref.error().message.c_str());
    // The generator tokenized the sentence by its own simple rules; the tokenizer.json must agree.
    QCOMPARE(b->inputIds, ids(expected.value("ids").toArray()));
    QCOMPARE(b->tokens, strings(expected.value("tokens").toArray()));
    // float32 against torch's float32 (bf16/f16 weights are converted exactly to float32 on both
    // sides): the differences are rounding of the summation order, measured below 2e-6.
    const double tol = 1e-4;
    QVERIFY2(test::maxAbsDiff(b->attentions, ref->attentions) < tol, qPrintable(QString::number(test::maxAbsDiff(b->attentions, ref->attentions))));
    QVERIFY2(test::maxAbsDiff(b->q, ref->q) < tol, qPrintable(QString::number(test::maxAbsDiff(b->q, ref->q))));
    QVERIFY(test::maxAbsDiff(b->k, ref->k) < tol);
    QVERIFY(test::maxAbsDiff(b->v, ref->v) < tol);
    QVERIFY(test::maxAbsDiff(*b->inputs, *ref->inputs) < tol);
    QVERIFY(b->causal.has_value());
    QCOMPARE(*b->causal, name.startsWith("bert") ? false : true);
    QVERIFY(!b->model.empty());
    if (*b->causal) // exact zeros above the diagonal, as output_attentions gives
        for (std::int64_t m = 0; m < b->layers() * b->heads(); ++m) {
            const Mat<double> a = b->attentions.matrix<double>(m);
            for (Eigen::Index i = 0; i < a.rows(); ++i)
                for (Eigen::Index j = i + 1; j < a.cols(); ++j)
                    QCOMPARE(a(i, j), 0.0);
        }
}

void TstCliModel::noSpecialTokens()
{
    const QString dir = kModels + "/bert_f32";
    const QJsonObject expected = test::jsonObjectFile(dir + "/expected_ids.json");
    QTemporaryDir tmp;
    const auto r = runCli({"model", "--model", dir, "--text", expected.value("text").toString(), "--no-special", "--out", "b.npz"},
                          tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    auto b = readAttentionBundle(tmp.filePath("b.npz").toStdString());
    QVERIFY(b);
    QCOMPARE(b->inputIds, ids(expected.value("ids_no_special").toArray()));
    QVERIFY(b->inputIds.size() + 2 == ids(expected.value("ids").toArray()).size()); // [CLS] … [SEP] gone
    QVERIFY(!b->hasQkv()); // without --qkv, the attentions only
}

void TstCliModel::hostileFolders()
{
    const QJsonObject expected = test::jsonObjectFile(kModels + "/hostile/expected.json");
    QVERIFY(expected.size() >= 10);
    QTemporaryDir tmp;
    QVERIFY(test::writeBytes(tmp.filePath("keep.npz"), "old"));
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        const auto r = runCli({"model", "--model", kModels + "/hostile/" + it.key(), "--text", "the cat", "--out", "keep.npz"},
                              tmp.path());
        QVERIFY2(isOneErrorLine(r), qPrintable(it.key() + ": " + r.err));
        for (const QJsonValue fragment : it.value().toArray())
            QVERIFY2(r.err.contains(fragment.toString()), qPrintable(it.key() + ": " + r.err + " lacks " + fragment.toString()));
        QCOMPARE(test::fileBytes(tmp.filePath("keep.npz")), QByteArray("old"));
    }
}

void TstCliModel::zeroTokensAndTooLong()
{
    QTemporaryDir tmp;
    const QString dir = kModels + "/gpt2_f32";
    auto r = runCli({"model", "--model", dir, "--text", "", "--out", "b.npz"}, tmp.path());
    QVERIFY2(isOneErrorLine(r) && r.err.contains("no tokens"), qPrintable(r.err));
    const QJsonObject config = test::jsonObjectFile(dir + "/config.json");
    const int positions = config.value("n_positions").toInt();
    QVERIFY(positions > 0);
    QString text;
    for (int i = 0; i <= positions; ++i)
        text += "the ";
    r = runCli({"model", "--model", dir, "--text", text, "--out", "b.npz"}, tmp.path());
    QVERIFY2(isOneErrorLine(r), qPrintable(r.err));
    QVERIFY2(r.err.contains(QString::number(positions)) && r.err.contains("positions"), qPrintable(r.err));
    QVERIFY(!QFile::exists(tmp.filePath("b.npz")));
}

void TstCliModel::overTheBudget()
{
    QTemporaryDir tmp;
    const auto r = runCli({"model", "--model", kModels + "/gpt2_f32", "--text", "the cat", "--memory-budget", "4K", "--out", "b.npz"},
                          tmp.path());
    QVERIFY2(isOneErrorLine(r), qPrintable(r.err));
    QVERIFY2(r.err.contains("budget"), qPrintable(r.err));
    QVERIFY(!QFile::exists(tmp.filePath("b.npz")));
}

void TstCliModel::imageModelRefusesText()
{
    QTemporaryDir tmp;
    const auto r = runCli({"model", "--model", kModels + "/vit_f32", "--text", "a cat", "--out", "b.npz"}, tmp.path());
    QVERIFY2(isOneErrorLine(r) && r.err.contains("image"), qPrintable(r.err));
}

void TstCliModel::vitImageMatchesTorch()
{
    // gen_models_vit_image.py: a 48×40 PNG resized by PIL, normalised by numpy, run by torch.
    const QString dir = kModels + "/vit_f32";
    QTemporaryDir tmp;
    const auto r = runCli({"model", "--model", dir, "--image", dir + "/image.png", "--qkv", "--out", "b.npz"}, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    auto b = readAttentionBundle(tmp.filePath("b.npz").toStdString());
    QVERIFY2(b, b ? "" : b.error().message.c_str());
    QCOMPARE(b->gridRows, 4); // image_size 32, patch 8
    QCOMPARE(b->gridCols, 4);
    QVERIFY(b->leadingClsKey);
    QCOMPARE(b->tokens.front(), std::string("[CLS]"));
    QCOMPARE(b->tokens.at(1), std::string("patch 0,0"));
    QCOMPARE(b->tokens.back(), std::string("patch 3,3"));
    QVERIFY(b->causal.has_value() && !*b->causal);
    const std::string ref = (dir + "/reference_image.npz").toStdString();
    const Tensor q = *stackLayers(b->q), k = *stackLayers(b->k);
    for (auto [name, mine] : {std::pair<const char *, const Tensor *>{"attentions", &b->attentions}, {"q", &q}, {"k", &k}, {"x", &*b->inputs}}) {
        auto expected = readTensor(ref + ":" + name);
        QVERIFY2(expected, expected ? "" : expected.error().message.c_str());
        // The resized bytes equal PIL's; the rest is float32 rounding (measured below 1e-5).
        const double d = test::maxAbsDiff(*mine, expected->tensor);
        QVERIFY2(d < 1e-4, qPrintable(QString("%1: %2").arg(name).arg(d)));
    }
}

QTEST_GUILESS_MAIN(TstCliModel)
#include "tst_cli_model.moc"
