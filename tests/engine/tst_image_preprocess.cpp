// ViT image preprocessing against PIL and numpy (fixtures/gen_image_preprocess.py): PIL's
// resize reproduced exactly on uint8 for every filter (bilinear and bicubic, which ViT and DeiT
// configs use, and nearest, lanczos, box, hamming), up and down, non-square, RGBA and grey
// inputs; then transformers' centre crop, rescale and normalisation. Tolerances: the resized
// uint8 image must be equal byte for byte; the pixel values within 1e-6 (float32 rounding of the
// same operations; one uint8 step is 1/255/std ≥ 0.0078 here). And the errors: a result that is
// not image_size square (both sizes named), broken or ill-typed preprocessor_config.json.

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>

#include "hf_image_processor.h"
#include "image_patches.h"
#include "memory_budget.h"
#include "npy.h"

using namespace attnscope;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/image_preprocess");

QImage fixtureImage(const QString &name)
{
    auto img = loadImage((kDir + "/images/" + name).toStdString());
    return img ? img.value() : QImage();
}

QJsonObject cases()
{
    QFile f(kDir + "/cases.json");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString writeConfig(const QTemporaryDir &tmp, const QByteArray &json)
{
    QFile f(tmp.filePath("preprocessor_config.json"));
    if (!f.open(QIODevice::WriteOnly) || f.write(json) != json.size())
        return {};
    return tmp.path();
}

float floatAt(const Tensor &t, std::int64_t i)
{
    float v;
    std::memcpy(&v, t.bytes.data() + std::size_t(i) * sizeof(float), sizeof v);
    return v;
}

} // namespace

class TstImagePreprocess : public QObject {
    Q_OBJECT
private slots:
    void matchesPil_data();
    void matchesPil();
    void defaultsWithoutFile();
    void sizeMismatchNamesBothSizes();
    void badConfigs_data();
    void badConfigs();
    void overBudgetRefused();
    void nullImageRefused();
};

void TstImagePreprocess::matchesPil_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("image");
    QTest::addColumn<int>("imageSize");
    const QJsonObject all = cases();
    QVERIFY2(all.size() >= 20, "fixtures missing: run the build (gen_image_preprocess.py)");
    for (auto it = all.begin(); it != all.end(); ++it) {
        const QJsonObject c = it.value().toObject();
        QTest::newRow(qPrintable(it.key())) << it.key() << c.value("image").toString() << c.value("image_size").toInt();
    }
}

void TstImagePreprocess::matchesPil()
{
    QFETCH(QString, name);
    QFETCH(QString, image);
    QFETCH(int, imageSize);
    const QString dir = kDir + "/cases/" + name;
    const QImage img = fixtureImage(image);
    QVERIFY(!img.isNull());
    auto proc = loadImageProcessor(dir.toStdString());
    QVERIFY2(proc.ok(), proc.ok() ? "" : proc.error().message.c_str());

    // The resize alone, byte for byte.
    auto resized = readNpy((dir + "/resized.npy").toStdString());
    QVERIFY(resized.ok());
    QCOMPARE(resized->rank(), 3);
    const int h = int(resized->shape[0]), w = int(resized->shape[1]);
    RgbImage rgb = toRgbImage(img);
    if (proc->doResize)
        rgb = resizeLikePil(rgb, w, h, proc->resample);
    QCOMPARE(rgb.width, w);
    QCOMPARE(rgb.height, h);
    int differing = 0, maxDiff = 0;
    for (std::size_t i = 0; i < rgb.pixels.size(); ++i) {
        const int d = std::abs(int(rgb.pixels[i]) - int(resized->at(std::int64_t(i))));
        differing += d != 0;
        maxDiff = std::max(maxDiff, d);
    }
    QVERIFY2(differing == 0, qPrintable(QStringLiteral("%1 of %2 bytes differ from PIL's %3 resize, by up to %4")
                                            .arg(differing)
                                            .arg(rgb.pixels.size())
                                            .arg(pilResampleName(proc->resample))
                                            .arg(maxDiff)));

    // The whole preprocessing.
    auto expected = readNpy((dir + "/pixels.npy").toStdString());
    QVERIFY(expected.ok());
    auto got = preprocessImage(img, proc.value(), imageSize);
    QVERIFY2(got.ok(), got.ok() ? "" : got.error().message.c_str());
    QCOMPARE(got->dtype, DType::F32);
    QCOMPARE(got->shape, expected->shape);
    double worst = 0;
    for (std::int64_t i = 0; i < expected->numel(); ++i)
        worst = std::max(worst, std::abs(double(floatAt(got.value(), i)) - expected->at(i)));
    QVERIFY2(worst <= 1e-6, qPrintable(QStringLiteral("largest difference %1").arg(worst)));
}

void TstImagePreprocess::defaultsWithoutFile()
{
    // No preprocessor_config.json: ViT's defaults resized to image_size, the down_bilinear case.
    QTemporaryDir tmp;
    auto proc = loadImageProcessor(tmp.path().toStdString());
    QVERIFY(proc.ok());
    QVERIFY(proc->source.empty());
    QCOMPARE(proc->resample, PilResample::Bilinear);
    auto got = preprocessImage(fixtureImage("rgb_64x48.png"), proc.value(), 32);
    QVERIFY(got.ok());
    auto expected = readNpy((kDir + "/cases/down_bilinear/pixels.npy").toStdString());
    QVERIFY(expected.ok());
    QCOMPARE(got->shape, expected->shape);
    for (std::int64_t i = 0; i < expected->numel(); ++i)
        QVERIFY(std::abs(double(floatAt(got.value(), i)) - expected->at(i)) <= 1e-6);
}

void TstImagePreprocess::sizeMismatchNamesBothSizes()
{
    const std::string dir = (kDir + "/cases/down_bilinear").toStdString();
    auto proc = loadImageProcessor(dir);
    QVERIFY(proc.ok());
    auto got = preprocessImage(fixtureImage("rgb_64x48.png"), proc.value(), 24);
    QVERIFY(!got.ok());
    QCOMPARE(got.error().code, Error::Code::BadShape);
    const QString msg = QString::fromStdString(got.error().message);
    QVERIFY2(msg.contains("32 × 32") && msg.contains("24 × 24") && msg.contains("preprocessor_config.json"), qPrintable(msg));

    // Without resizing, an image of another size is refused the same way.
    HfImageProcessor noResize;
    noResize.doResize = false;
    got = preprocessImage(fixtureImage("rgb_64x48.png"), noResize, 32);
    QVERIFY(!got.ok());
    QVERIFY(QString::fromStdString(got.error().message).contains("64 × 48"));
}

void TstImagePreprocess::badConfigs_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("truncated") << QByteArray("{\"size\": {\"height\": 2") << "not valid JSON";
    QTest::newRow("not an object") << QByteArray("[1, 2]") << "not a JSON object";
    QTest::newRow("resample 7") << QByteArray("{\"resample\": 7}") << "\"resample\"";
    QTest::newRow("resample text") << QByteArray("{\"resample\": \"bilinear\"}") << "\"resample\"";
    QTest::newRow("negative size") << QByteArray("{\"size\": {\"height\": -4, \"width\": 4}}") << "\"size\"";
    QTest::newRow("huge size") << QByteArray("{\"size\": 100000}") << "\"size\"";
    QTest::newRow("fractional crop") << QByteArray("{\"crop_size\": 22.5}") << "\"crop_size\"";
    QTest::newRow("crop shortest edge") << QByteArray("{\"crop_size\": {\"shortest_edge\": 3}}") << "\"crop_size\"";
    QTest::newRow("zero std") << QByteArray("{\"image_std\": [0.5, 0, 0.5]}") << "\"image_std\"";
    QTest::newRow("two means") << QByteArray("{\"image_mean\": [0.5, 0.5]}") << "\"image_mean\"";
    QTest::newRow("text mean") << QByteArray("{\"image_mean\": [\"a\", 0.5, 0.5]}") << "\"image_mean\"";
    QTest::newRow("do_resize text") << QByteArray("{\"do_resize\": \"yes\"}") << "\"do_resize\"";
    QTest::newRow("rescale text") << QByteArray("{\"rescale_factor\": \"1/255\"}") << "\"rescale_factor\"";
}

void TstImagePreprocess::badConfigs()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, fragment);
    QTemporaryDir tmp;
    const QString dir = writeConfig(tmp, json);
    QVERIFY(!dir.isEmpty());
    auto proc = loadImageProcessor(dir.toStdString());
    QVERIFY(!proc.ok());
    const QString msg = QString::fromStdString(proc.error().message);
    QVERIFY2(msg.contains("preprocessor_config.json") && msg.contains(fragment), qPrintable(msg));
}

void TstImagePreprocess::overBudgetRefused()
{
    const QImage img = fixtureImage("rgb_64x48.png");
    QVERIFY(!img.isNull());
    const std::uint64_t before = memoryBudget();
    setMemoryBudget(heapInUse() + 4096); // less than 64 × 48 × 6 bytes left
    auto got = preprocessImage(img, HfImageProcessor{}, 32);
    setMemoryBudget(before);
    QVERIFY(!got.ok());
    QCOMPARE(got.error().code, Error::Code::OverBudget);
    QVERIFY2(QString::fromStdString(got.error().message).contains("64 × 48"), got.error().message.c_str());
}

void TstImagePreprocess::nullImageRefused()
{
    auto got = preprocessImage(QImage(), HfImageProcessor{}, 32);
    QVERIFY(!got.ok());
    QVERIFY(QString::fromStdString(got.error().message).contains("empty"));
}

QTEST_GUILESS_MAIN(TstImagePreprocess)
#include "tst_image_preprocess.moc"
