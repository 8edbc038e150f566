// The window with a Hugging Face model folder: File → Open Model's result against the torch
// reference of gen_models.py, typing that reruns the model, the layer and head kept across runs,
// sessions, a broken folder, back to synthetic mode, and a ViT over its image.

#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "bundle.h"
#include "model_runner.h"
#include "tensor_compare.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

namespace {

QString modelDir(const char *name) { return QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/models/") + name; }


/// Waits until the model's run is shown on every page.
bool waitForRun(MainWindow &w)
{
    QSignalSpy spy(w.modelRunner(), &ModelRunner::finished);
    if (!spy.wait(20000))
        return false;
    QTest::qWait(50); // the Explorer's own computation of the layer, off the GUI thread
    return w.modelRunner()->waitForIdle(5000);
}

} // namespace

class TstWindowModel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void openModelMatchesTorch();
    void typingRerunsAndKeepsLayerAndHead();
    void sessionKeepsModelAndSentence();
    void brokenFolderKeepsThePreviousModel();
    void otherInputEndsModelMode();
    void droppedFolderOpensTheModel();
    void vitOverItsImage();
};

void TstWindowModel::openModelMatchesTorch()
{
    auto w = freshWindow();
    QVERIFY(explorerOf(w)->modeLine()->text().contains("Synthetic"));
    const QString dir = modelDir("gpt2_f32");
    const QString sentence = QStringLiteral("The animal didn't cross the street because it was too tired.");
    explorerOf(w)->setSentence(sentence);
    QString error;
    QVERIFY2(w->openModel(dir, &error), qPrintable(error));
    QVERIFY(w->modelLine()->isVisible());
    QVERIFY(w->modelLine()->text().contains("gpt2"));
    QVERIFY(explorerOf(w)->modeLine()->text().contains("Model:"));
    const AttentionBundle *b = attentionOf(w)->bundle();
    QVERIFY(b);
    // gen_models.py ran the same sentence's ids through its torch forward pass.
    auto ref = readAttentionBundle((dir + "/reference.npz").toStdString());
    QVERIFY2(ref, ref ? "" : ref.error().message.c_str());
    QCOMPARE(b->inputIds, ref->inputIds);
    const double tol = 1e-4; // float32, two layers: measured ≤ 1e-6
    QVERIFY2(test::maxAbsDiff(b->attentions, ref->attentions) < tol, qPrintable(QString::number(test::maxAbsDiff(b->attentions, ref->attentions))));
    QVERIFY(test::maxAbsDiff(b->q, ref->q) < tol);
    QVERIFY(test::maxAbsDiff(b->k, ref->k) < tol);
    QVERIFY(waitForState(*w) || explorerOf(w)->state());
    // The Explorer shows the last layer's real stages: its weights are the bundle's.
    QVERIFY(explorerOf(w)->comparisonText().contains("equal"));
    QCOMPARE(explorerOf(w)->model()->layer(), int(b->layers()) - 1);
    // The screen shows what the tokens say ("Ġanimal" → " animal").
    QCOMPARE(QString::fromStdString(b->tokens.at(1)), QStringLiteral(" animal"));
}

void TstWindowModel::typingRerunsAndKeepsLayerAndHead()
{
    auto w = freshWindow();
    QString error;
    QVERIFY2(w->openModel(modelDir("llama_gqa_f32"), &error), qPrintable(error));
    const std::int64_t before = attentionOf(w)->bundle()->queries();
    QVERIFY(explorerOf(w)->setLayerHead(0, 3, &error));
    QVERIFY(waitForState(*w));
    QLineEdit *edit = explorerOf(w)->controls()->textEdit();
    QVERIFY(edit->isEnabled());
    edit->setFocus();
    edit->end(false);
    QTest::keyClicks(edit, " the cat");
    QVERIFY(waitForRun(*w));
    const AttentionBundle *b = attentionOf(w)->bundle();
    QVERIFY(b->queries() > before);
    QCOMPARE(explorerOf(w)->model()->params().text, edit->text().toStdString());
    // The same model's next run keeps where the user was looking.
    QCOMPARE(explorerOf(w)->model()->layer(), 0);
    QCOMPARE(explorerOf(w)->model()->params().head, 3);
    // Grouped-query attention: 4 query heads read 2 key/value heads.
    QCOMPARE(b->q.at(0).shape[0], std::int64_t(4));
    QCOMPARE(b->k.at(0).shape[0], std::int64_t(2));
    // Then a stage switch and an export on the same window.
    explorerOf(w)->showStage(Stage::Masked);
    QTemporaryDir dir;
    QVERIFY2(w->exportData(dir.filePath("masked.npy"), &error), qPrintable(error));
    QVERIFY(QFileInfo(dir.filePath("masked.npy")).size() > 0);
}

void TstWindowModel::sessionKeepsModelAndSentence()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("model.attnscope");
    QString error;
    std::vector<std::int64_t> ids;
    {
        auto w = freshWindow();
        explorerOf(w)->setSentence("The cat sat on the mat.");
        QVERIFY2(w->openModel(modelDir("bert_f32"), &error), qPrintable(error));
        ids = attentionOf(w)->bundle()->inputIds;
        QVERIFY2(w->saveSessionTo(path, &error), qPrintable(error));
    }
    const QByteArray saved = fileBytes(path);
    QVERIFY(saved.contains("\"kind\": \"model\""));
    QVERIFY(saved.contains("bert_f32"));
    auto other = freshWindow();
    QVERIFY2(other->openSession(path, &error), qPrintable(error));
    QVERIFY(other->modelRunner()->isLoaded());
    QCOMPARE(other->modelRunner()->dir(), modelDir("bert_f32"));
    QCOMPARE(other->input().kind, SessionState::InputKind::Model);
    QVERIFY(attentionOf(other)->bundle());
    QCOMPARE(attentionOf(other)->bundle()->inputIds, ids);
    QCOMPARE(explorerOf(other)->controls()->textEdit()->text(), QStringLiteral("The cat sat on the mat."));
}

void TstWindowModel::brokenFolderKeepsThePreviousModel()
{
    auto w = freshWindow();
    QString error;
    QVERIFY2(w->openModel(modelDir("gpt2_f32"), &error), qPrintable(error));
    const auto *before = attentionOf(w)->bundle();
    QVERIFY(!w->openModel(modelDir("hostile/missing_shard"), &error));
    QVERIFY2(error.contains("model-00002-of-00002.safetensors"), qPrintable(error));
    QCOMPARE(w->modelRunner()->dir(), modelDir("gpt2_f32"));
    QCOMPARE(attentionOf(w)->bundle(), before);
    QVERIFY(w->modelLine()->text().contains("gpt2_f32"));
}

void TstWindowModel::otherInputEndsModelMode()
{
    auto w = freshWindow();
    QString error;
    QVERIFY2(w->openModel(modelDir("gpt2_f32"), &error), qPrintable(error));
    QVERIFY(w->openFile(QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), &error));
    QVERIFY(!w->modelRunner()->isLoaded());
    QVERIFY(!w->modelLine()->isVisible());
    QVERIFY(explorerOf(w)->modeLine()->text().contains("Synthetic"));
    QCOMPARE(w->input().kind, SessionState::InputKind::Bundle);
}

void TstWindowModel::droppedFolderOpensTheModel()
{
    auto w = freshWindow();
    QVERIFY(dropFile(w.get(), modelDir("qwen3_norm")));
    QVERIFY(w->modelRunner()->waitForIdle());
    QVERIFY(w->modelRunner()->isLoaded());
    QVERIFY(w->modelLine()->text().contains("qwen3"));
    QCOMPARE(w->input().kind, SessionState::InputKind::Model);
    QVERIFY(attentionOf(w)->bundle());
    // qwen3_norm's head_dim (16) is not hidden / heads (8): the Explorer's d_k is the config's.
    QVERIFY(waitForState(*w) || explorerOf(w)->state());
    QCOMPARE(explorerOf(w)->model()->params().dHead, 16);
}

void TstWindowModel::vitOverItsImage()
{
    auto w = freshWindow();
    QString error;
    QVERIFY2(w->openModel(modelDir("vit_f32"), &error), qPrintable(error));
    QVERIFY(!explorerOf(w)->controls()->textEdit()->isEnabled()); // an image model reads no sentence
    QTemporaryDir dir;
    QImage image(40, 30, QImage::Format_RGB32);
    image.fill(QColor(200, 40, 90));
    QVERIFY(image.save(dir.filePath("red.png")));
    QVERIFY2(w->runModel(QString(), dir.filePath("red.png"), &error), qPrintable(error));
    const AttentionBundle *b = attentionOf(w)->bundle();
    QVERIFY(b);
    QVERIFY(b->gridRows > 0 && b->leadingClsKey);
    QCOMPARE(QString::fromStdString(b->tokens.front()), QStringLiteral("[CLS]"));
    QCOMPARE(imageOf(w)->overlayPath(), dir.filePath("red.png"));
}

QTEST_MAIN(TstWindowModel)
#include "tst_window_model.moc"
