// `attnscope-cli render` and `stages`, run as the real executable, each output checked as a
// file a person opens: a PNG decodes to the asked size, an SVG is well-formed XML with an <svg>
// root and the token labels as <text>, a PDF starts with %PDF and has one page. Bare renders are
// checked pixel by pixel against colours computed here from the colour maps' end points and the
// mapping rule (pixel (x, y) shows cell (⌊y·rows/H⌋, ⌊x·cols/W⌋), index ⌊t·256⌋), independently
// of the widgets' code. Failed commands: exit 2, one `error:` line, no file left behind.
// Inputs: fixtures/gen_render.py, and matrices written here.

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include "cli_run.h"

#include <cmath>
#include <functional>

#include "npy.h"
#include "tensor.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::fileBytes;
using attnscope::test::writeBytes;

namespace {

const QString kFixtureDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/render");
const QString kCli = QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli");

// matplotlib's viridis at 0 and 1 (#440154, #fde725).
const QRgb kViridisLow = qRgb(68, 1, 84), kViridisHigh = qRgb(253, 231, 37);

using attnscope::test::Run;
using attnscope::test::runCli;

QString describe(const QStringList &args, const Run &r)
{
    return QStringLiteral("attnscope-cli %1\nexit %2%3\nstdout: %4\nstderr: %5")
        .arg(args.join(' '))
        .arg(r.exitCode)
        .arg(r.crashed ? " (crashed or timed out)" : "")
        .arg(r.out, r.err);
}

QStringList dirEntries(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::AllDirs | QDir::NoDotAndDotDot, QDir::Name);
}

bool writeMatrix(const QString &path, const Mat<double> &m)
{
    const auto bytes = encodeNpy(Tensor::fromMatrix<double>(m));
    return writeBytes(path, QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())));
}

QRgb grayOf(int index) { return qRgb(index, index, index); }

/// ⌊t·256⌋ clamped to 0..255, the colour index of a normalised value.
int indexOf(double t) { return t <= 0 ? 0 : t >= 1 ? 255 : int(t * 256.0); }

/// The texts of every <text> element (with their <tspan> children), or an error text.
QStringList svgTexts(const QByteArray &svg, QString *error, QString *root)
{
    QXmlStreamReader xml(svg);
    QStringList texts;
    int depth = 0;
    QString current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            if (root->isEmpty())
                *root = xml.name().toString();
            if (xml.name() == QLatin1String("text"))
                ++depth;
        } else if (xml.isCharacters() && depth > 0) {
            current += xml.text();
        } else if (xml.isEndElement() && xml.name() == QLatin1String("text") && --depth == 0) {
            texts << current.trimmed();
            current.clear();
        }
    }
    if (xml.hasError())
        *error = xml.errorString();
    return texts;
}

/// Checks a failed run: exit 2, one error line mentioning `mention`, no crash.
QString checkFailure(const QStringList &args, const Run &r, const QString &mention)
{
    if (r.crashed || r.exitCode != 2)
        return "expected exit 2: " + describe(args, r);
    const QStringList errors = r.err.split('\n', Qt::SkipEmptyParts).filter(QRegularExpression("^error: "));
    if (errors.size() != 1 || !r.err.startsWith("error: "))
        return "expected one error line: " + describe(args, r);
    if (!errors[0].contains(mention))
        return "the error does not mention '" + mention + "': " + describe(args, r);
    return {};
}

} // namespace

class TstCliRender : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void labelledPng();
    void labelledSvgKeepsTextLabels();
    void labelledPdfHasOnePage();
    void tokenFiles();
    void crossAttentionLabels();
    void bareIdentity_data();
    void bareIdentity();
    void bareMappingNonIntegerScale();
    void bareHotCellSurvivesReduction();
    void bareDefaultSize();
    void bareRowNormalization();
    void bareLogNormalization();
    void bareCoolwarmCentredOnZero();
    void bareSvgAndPdf();
    void layerAndHead();
    void overlayHotQuadrantWithCls();
    void overlayWithoutClsAndUnevenBoundaries();
    void overlayWithGridOption();
    void errorsLeaveNoFile_data();
    void errorsLeaveNoFile();
    void stagesWritesEveryStage();
    void stagesSeveralHeadsSvg();
    void stagesErrors();
    void picksOffscreenWithoutDisplay();
    void help();

private:
    QTemporaryDir m_tmp;
    QString path(const QString &name) const { return m_tmp.filePath(name); }
    QImage renderImage(const QStringList &args, const QString &out);
};

void TstCliRender::initTestCase()
{
    QVERIFY2(QFileInfo(kCli).isExecutable(), qPrintable(kCli + " is not built"));
    QVERIFY2(QFileInfo::exists(kFixtureDir + "/bundle.npz"), qPrintable("fixtures missing in " + kFixtureDir));
    QVERIFY(m_tmp.isValid());
}

QImage TstCliRender::renderImage(const QStringList &args, const QString &out)
{
    QFile::remove(path(out));
    const QStringList all = QStringList{"render"} + args + QStringList{"--out", out};
    const Run r = runCli(all, m_tmp.path());
    if (r.crashed || r.exitCode != 0 || !r.out.startsWith("render: ")) {
        qWarning("%s", qPrintable(describe(all, r)));
        return {};
    }
    return QImage(path(out));
}

void TstCliRender::labelledPng()
{
    const QImage img = renderImage({"--weights", kFixtureDir + "/bundle.npz", "--width", "900", "--height", "700"}, "a.png");
    QCOMPARE(img.size(), QSize(900, 700));
    // A heatmap, not one flat colour: white margins, text and viridis cells.
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            colours.insert(img.pixel(x, y));
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
    QCOMPARE(img.pixel(0, 0), qRgb(255, 255, 255));

    const QImage def = renderImage({"--weights", kFixtureDir + "/bundle.npz"}, "default.png");
    QCOMPARE(def.size(), QSize(1200, 1000));
}

void TstCliRender::labelledSvgKeepsTextLabels()
{
    const QStringList args{"render", "--weights", kFixtureDir + "/bundle.npz", "--out", "a.svg", "--title", "Attention of layer one"};
    const Run r = runCli(args, m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    QString error, root;
    const QStringList texts = svgTexts(fileBytes(path("a.svg")), &error, &root);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(root, QStringLiteral("svg"));
    for (const QString label : {"the", "cat", "sat", "café", "Attention of layer one", "query", "key"})
        QVERIFY2(texts.contains(label), qPrintable(label + " not among " + texts.join('|')));
}

void TstCliRender::labelledPdfHasOnePage()
{
    const QStringList args{"render", "--weights", kFixtureDir + "/bundle.npz", "--out", "a.pdf", "--width", "600", "--height", "500"};
    const Run r = runCli(args, m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    const QByteArray pdf = fileBytes(path("a.pdf"));
    QVERIFY(pdf.startsWith("%PDF-"));
    QCOMPARE(QString::fromLatin1(pdf).count(QRegularExpression("/Type\\s*/Page(?!s)")), 1);
    QVERIFY2(pdf.contains("/Font"), "no font: the labels are not text");
    // One page of 600 × 500 points.
    QVERIFY2(QRegularExpression("/MediaBox\\s*\\[\\s*0\\s+0\\s+600(\\.0+)?\\s+500(\\.0+)?\\s*\\]").match(QString::fromLatin1(pdf)).hasMatch(),
             "the page is not 600 × 500 points");
}

void TstCliRender::tokenFiles()
{
    // A BOM, CRLF line ends and a final newline: four tokens.
    QVERIFY(writeBytes(path("tok.txt"), "\xEF\xBB\xBF" "alpha\r\nbeta\r\ngamma\r\ndelta\r\n"));
    const QStringList args{"render", "--weights", kFixtureDir + "/bundle.npz", "--tokens", "tok.txt", "--out", "tok.svg"};
    const Run r = runCli(args, m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    QString error, root;
    const QStringList texts = svgTexts(fileBytes(path("tok.svg")), &error, &root);
    for (const QString label : {"alpha", "beta", "gamma", "delta"})
        QVERIFY2(texts.count(label) == 2, qPrintable(label + " not on both axes: " + texts.join('|'))); // square: keys too
    QVERIFY(!texts.contains("cat"));

    QVERIFY(writeBytes(path("tok3.txt"), "a\nb\nc\n"));
    const QStringList bad{"render", "--weights", kFixtureDir + "/bundle.npz", "--tokens", "tok3.txt", "--out", "bad.png"};
    const Run rb = runCli(bad, m_tmp.path());
    const QString why = checkFailure(bad, rb, "--tokens");
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QVERIFY(rb.err.contains("3 token(s)") && rb.err.contains("4 queries"));
    QVERIFY(!QFileInfo::exists(path("bad.png")));
}

void TstCliRender::crossAttentionLabels()
{
    const QStringList args{"render", "--weights", kFixtureDir + "/cross.npz", "--out", "cross.svg"};
    const Run r = runCli(args, m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    QString error, root;
    const QStringList texts = svgTexts(fileBytes(path("cross.svg")), &error, &root);
    for (const QString label : {"q0", "q2", "k0", "k4"})
        QVERIFY2(texts.contains(label), qPrintable(label + " missing: " + texts.join('|')));
    // Key tokens of the wrong count.
    QVERIFY(writeBytes(path("k4.txt"), "a\nb\nc\nd\n"));
    const QStringList bad{"render", "--weights", kFixtureDir + "/cross.npz", "--key-tokens", "k4.txt", "--out", "bad.svg"};
    const Run rb = runCli(bad, m_tmp.path());
    const QString why = checkFailure(bad, rb, "--key-tokens");
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QVERIFY(!QFileInfo::exists(path("bad.svg")));
}

void TstCliRender::bareIdentity_data()
{
    QTest::addColumn<QString>("map");
    QTest::addColumn<QRgb>("low");
    QTest::addColumn<QRgb>("high");
    QTest::addColumn<int>("size");
    QTest::newRow("gray 8") << "gray" << qRgb(0, 0, 0) << qRgb(255, 255, 255) << 8;
    QTest::newRow("viridis 8") << "viridis" << kViridisLow << kViridisHigh << 8;
    QTest::newRow("viridis 4 (one pixel per cell)") << "viridis" << kViridisLow << kViridisHigh << 4;
    QTest::newRow("gray 2 (reduced: max)") << "gray" << qRgb(0, 0, 0) << qRgb(255, 255, 255) << 2;
}

void TstCliRender::bareIdentity()
{
    QFETCH(QString, map);
    QFETCH(QRgb, low);
    QFETCH(QRgb, high);
    QFETCH(int, size);
    QVERIFY(writeMatrix(path("eye.npy"), Mat<double>::Identity(4, 4)));
    const QString n = QString::number(size);
    const QImage img = renderImage({"--weights", "eye.npy", "--bare", "--colormap", map, "--width", n, "--height", n}, "eye.png");
    QCOMPARE(img.size(), QSize(size, size));
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            // Expanding: cell (⌊y·4/H⌋, ⌊x·4/W⌋). Reducing to 2×2: the diagonal blocks hold a 1.
            const bool hot = size >= 4 ? (y * 4 / size == x * 4 / size) : (x == y);
            QVERIFY2(img.pixel(x, y) == (hot ? high : low), qPrintable(QStringLiteral("pixel (%1, %2)").arg(x).arg(y)));
        }
}

void TstCliRender::bareMappingNonIntegerScale()
{
    // Distinct values 0..14 in a 3 × 5 matrix drawn at 11 × 7: every pixel checked.
    Mat<double> m(3, 5);
    for (int i = 0; i < 15; ++i)
        m.data()[i] = i;
    QVERIFY(writeMatrix(path("ramp.npy"), m));
    const QImage img = renderImage({"--weights", "ramp.npy", "--bare", "--colormap", "gray", "--width", "11", "--height", "7"}, "ramp.png");
    QCOMPARE(img.size(), QSize(11, 7));
    for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 11; ++x) {
            const double v = m(y * 3 / 7, x * 5 / 11);
            QVERIFY2(img.pixel(x, y) == grayOf(indexOf(v / 14.0)), qPrintable(QStringLiteral("pixel (%1, %2)").arg(x).arg(y)));
        }
}

void TstCliRender::bareHotCellSurvivesReduction()
{
    Mat<double> m = Mat<double>::Zero(64, 64);
    m(37, 50) = 1;
    QVERIFY(writeMatrix(path("hot.npy"), m));
    const QImage img = renderImage({"--weights", "hot.npy", "--bare", "--colormap", "gray", "--width", "8", "--height", "8"}, "hot.png");
    QCOMPARE(img.size(), QSize(8, 8));
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) {
            const bool hot = x == 50 * 8 / 64 && y == 37 * 8 / 64; // pixel (6, 4) covers cells 48..55 × 32..39
            QVERIFY2(img.pixel(x, y) == (hot ? qRgb(255, 255, 255) : qRgb(0, 0, 0)), qPrintable(QStringLiteral("pixel (%1, %2)").arg(x).arg(y)));
        }
    // Reduced in one direction only (64 columns into 5 pixels, 64 rows into 100).
    const QImage mixed = renderImage({"--weights", "hot.npy", "--bare", "--colormap", "gray", "--width", "5", "--height", "100"}, "mixed.png");
    QCOMPARE(mixed.size(), QSize(5, 100));
    int hotPixels = 0;
    for (int y = 0; y < 100; ++y)
        for (int x = 0; x < 5; ++x) {
            const bool hot = y * 64 / 100 == 37 && x * 64 / 5 <= 50 && 50 < (x + 1) * 64 / 5;
            hotPixels += hot;
            QVERIFY2(mixed.pixel(x, y) == (hot ? qRgb(255, 255, 255) : qRgb(0, 0, 0)), qPrintable(QStringLiteral("pixel (%1, %2)").arg(x).arg(y)));
        }
    QVERIFY(hotPixels >= 1);
}

void TstCliRender::bareDefaultSize()
{
    QVERIFY(writeMatrix(path("eye4.npy"), Mat<double>::Identity(4, 4)));
    QCOMPARE(renderImage({"--weights", "eye4.npy", "--bare"}, "d1.png").size(), QSize(64, 64));
    QVERIFY(writeMatrix(path("m35.npy"), Mat<double>::Random(3, 5)));
    QCOMPARE(renderImage({"--weights", "m35.npy", "--bare"}, "d2.png").size(), QSize(5 * 13, 3 * 22));
    QVERIFY(writeMatrix(path("m100.npy"), Mat<double>::Random(100, 70)));
    QCOMPARE(renderImage({"--weights", "m100.npy", "--bare"}, "d3.png").size(), QSize(70, 100));
    QCOMPARE(renderImage({"--weights", "m100.npy", "--bare", "--width", "33"}, "d4.png").size(), QSize(33, 100));
}

void TstCliRender::bareRowNormalization()
{
    Mat<double> m(2, 3);
    m << 1, 2, 3, 10, 10, 20;
    QVERIFY(writeMatrix(path("rows.npy"), m));
    const QImage row = renderImage({"--weights", "rows.npy", "--bare", "--colormap", "gray", "--normalize", "row", "--width", "3", "--height", "2"}, "row.png");
    QCOMPARE(row.size(), QSize(3, 2));
    const int expectRow[2][3] = {{0, indexOf(0.5), 255}, {0, 0, 255}};
    const QImage global = renderImage({"--weights", "rows.npy", "--bare", "--colormap", "gray", "--width", "3", "--height", "2"}, "global.png");
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 3; ++x) {
            QCOMPARE(row.pixel(x, y), grayOf(expectRow[y][x]));
            QCOMPARE(global.pixel(x, y), grayOf(indexOf((m(y, x) - 1) / 19.0)));
        }
}

void TstCliRender::bareLogNormalization()
{
    Mat<double> m(1, 6);
    m << 0.001, 0.01, 0.1, 1, 0, -1;
    QVERIFY(writeMatrix(path("log.npy"), m));
    const QImage img = renderImage({"--weights", "log.npy", "--bare", "--colormap", "gray", "--normalize", "log", "--width", "6", "--height", "1"}, "log.png");
    QCOMPARE(img.size(), QSize(6, 1));
    // log10: -3, -2, -1, 0 over the positive values; 0 and -1 in the lowest colour.
    const int expect[6] = {0, indexOf(1 / 3.0), indexOf(2 / 3.0), 255, 0, 0};
    for (int x = 0; x < 6; ++x)
        QVERIFY2(img.pixel(x, 0) == grayOf(expect[x]), qPrintable(QStringLiteral("pixel %1: %2").arg(x).arg(qRed(img.pixel(x, 0)))));
}

void TstCliRender::bareCoolwarmCentredOnZero()
{
    Mat<double> m(1, 3);
    m << -2, 0, 1;
    QVERIFY(writeMatrix(path("signed.npy"), m));
    const QImage img = renderImage({"--weights", "signed.npy", "--bare", "--colormap", "coolwarm", "--width", "3", "--height", "1"}, "cw.png");
    QCOMPARE(img.size(), QSize(3, 1));
    const QColor neg = img.pixelColor(0, 0), zero = img.pixelColor(1, 0), pos = img.pixelColor(2, 0);
    QVERIFY2(neg.blue() > neg.red() + 100, "-2 (the extreme) is not blue");
    QVERIFY2(std::abs(zero.red() - zero.blue()) < 40 && zero.green() > 180, "0 is not the pale centre");
    QVERIFY2(pos.red() > pos.blue() + 40, "+1 is not red-ish");
    QVERIFY2(pos.red() < 240 || pos.green() > 100, "+1 should be half-way, not the extreme");
}

void TstCliRender::bareSvgAndPdf()
{
    QVERIFY(writeMatrix(path("eyes.npy"), Mat<double>::Identity(5, 5)));
    const QStringList svg{"render", "--weights", "eyes.npy", "--bare", "--out", "bare.svg"};
    Run r = runCli(svg, m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(svg, r)));
    QString error, root;
    svgTexts(fileBytes(path("bare.svg")), &error, &root);
    QVERIFY2(error.isEmpty() && root == "svg", qPrintable(error + root));
    QVERIFY(fileBytes(path("bare.svg")).contains("<image"));
    const QStringList pdf{"render", "--weights", "eyes.npy", "--bare", "--out", "bare.pdf"};
    r = runCli(pdf, m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(pdf, r)));
    const QByteArray bytes = fileBytes(path("bare.pdf"));
    QVERIFY(bytes.startsWith("%PDF-"));
    QCOMPARE(QString::fromLatin1(bytes).count(QRegularExpression("/Type\\s*/Page(?!s)")), 1);
}

void TstCliRender::layerAndHead()
{
    // bundle.npz is [2, 2, 4, 4]: the default is the last layer, head 0.
    const auto bundle = QString(kFixtureDir + "/bundle.npz");
    const QImage def = renderImage({"--weights", bundle, "--bare", "--width", "4", "--height", "4"}, "lh0.png");
    const QImage last = renderImage({"--weights", bundle, "--bare", "--width", "4", "--height", "4", "--layer", "1", "--head", "0"}, "lh1.png");
    const QImage first = renderImage({"--weights", bundle, "--bare", "--width", "4", "--height", "4", "--layer", "0", "--head", "1"}, "lh2.png");
    QVERIFY(!def.isNull() && !first.isNull());
    QCOMPARE(def, last);
    QVERIFY(def != first);
    for (const auto &[option, value] : {std::pair{"--layer", "2"}, {"--head", "2"}}) {
        const QStringList args{"render", "--weights", bundle, option, value, "--out", "lh.png"};
        const QString why = checkFailure(args, runCli(args, m_tmp.path()), option);
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }
}

namespace {

QImage greyImage(int w, int h)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(qRgb(128, 128, 128));
    return img;
}

QRgb blend(QRgb a, QRgb b) { return qRgb((qRed(a) + qRed(b)) / 2, (qGreen(a) + qGreen(b)) / 2, (qBlue(a) + qBlue(b)) / 2); }

} // namespace

void TstCliRender::overlayHotQuadrantWithCls()
{
    QVERIFY(greyImage(40, 40).save(path("grey.png")));
    const QImage img = renderImage({"--weights", kFixtureDir + "/vit_cls.npz", "--image", "grey.png", "--query", "0"}, "ov.png");
    QCOMPARE(img.size(), QSize(40, 40)); // the image's own size by default
    const QRgb grey = qRgb(128, 128, 128), hot = blend(grey, kViridisHigh), cold = blend(grey, kViridisLow);
    for (int y = 0; y < 40; ++y)
        for (int x = 0; x < 40; ++x) {
            const bool inHot = x < 20 && y >= 20; // patch (r1, c0); [CLS] left out
            QVERIFY2(img.pixel(x, y) == (inHot ? hot : cold), qPrintable(QStringLiteral("pixel (%1, %2)").arg(x).arg(y)));
        }
}

void TstCliRender::overlayWithoutClsAndUnevenBoundaries()
{
    QVERIFY(greyImage(64, 48).save(path("grey2.png")));
    const QImage img = renderImage({"--weights", kFixtureDir + "/vit.npz", "--image", "grey2.png", "--query", "1",
                                    "--width", "31", "--height", "21"}, "ov2.png");
    QCOMPARE(img.size(), QSize(31, 21));
    const QRgb grey = qRgb(128, 128, 128), hot = blend(grey, kViridisHigh), cold = blend(grey, kViridisLow);
    // Boundaries at ⌊31/2⌋ = 15 and ⌊21/2⌋ = 10: patch (r0, c1) is x >= 15, y < 10.
    for (int y = 0; y < 21; ++y)
        for (int x = 0; x < 31; ++x)
            QVERIFY2(img.pixel(x, y) == (x >= 15 && y < 10 ? hot : cold), qPrintable(QStringLiteral("pixel (%1, %2)").arg(x).arg(y)));
    // One side given: the other follows the image's aspect ratio (64 × 48).
    QCOMPARE(renderImage({"--weights", kFixtureDir + "/vit.npz", "--image", "grey2.png", "--query", "1", "--width", "32"}, "ov3.png").size(),
             QSize(32, 24));
}

void TstCliRender::overlayWithGridOption()
{
    QVERIFY(greyImage(20, 20).save(path("grey3.png")));
    const QImage img = renderImage({"--weights", kFixtureDir + "/patches4.npy", "--image", "grey3.png", "--query", "0", "--grid", "2x2"}, "ov4.png");
    QCOMPARE(img.size(), QSize(20, 20));
    const QRgb grey = qRgb(128, 128, 128);
    QCOMPARE(img.pixel(15, 15), blend(grey, kViridisHigh));
    QCOMPARE(img.pixel(5, 5), blend(grey, kViridisLow));
    QCOMPARE(img.pixel(15, 5), blend(grey, kViridisLow));
}

void TstCliRender::errorsLeaveNoFile_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mention");
    const QString bundle = kFixtureDir + "/bundle.npz", vit = kFixtureDir + "/vit_cls.npz";
    QTest::newRow("bad colormap") << QStringList{"--weights", bundle, "--colormap", "jet"} << "--colormap";
    QTest::newRow("bad normalize") << QStringList{"--weights", bundle, "--normalize", "column"} << "--normalize";
    QTest::newRow("bad width") << QStringList{"--weights", bundle, "--width", "0"} << "--width";
    QTest::newRow("huge height") << QStringList{"--weights", bundle, "--height", "100000"} << "--height";
    QTest::newRow("missing weights file") << QStringList{"--weights", "nope.npy"} << "nope.npy";
    QTest::newRow("missing image") << QStringList{"--weights", vit, "--image", "nope.png", "--query", "0"} << "nope.png";
    QTest::newRow("bad grid") << QStringList{"--weights", vit, "--image", "g.png", "--query", "0", "--grid", "2by2"} << "--grid";
    QTest::newRow("grid does not fit") << QStringList{"--weights", vit, "--image", "g.png", "--query", "0", "--grid", "3x3"} << "3×3";
    QTest::newRow("no grid") << QStringList{"--weights", kFixtureDir + "/patches4.npy", "--image", "g.png", "--query", "0"} << "--grid";
    QTest::newRow("query out of range") << QStringList{"--weights", vit, "--image", "g.png", "--query", "5"} << "--query 5";
    QTest::newRow("image without query") << QStringList{"--weights", vit, "--image", "g.png"} << "--query";
    QTest::newRow("grid finer than picture") << QStringList{"--weights", vit, "--image", "g.png", "--query", "0", "--width", "1"} << "pixels";
    QTest::newRow("tokens file missing") << QStringList{"--weights", bundle, "--tokens", "none.txt"} << "none.txt";
}

void TstCliRender::errorsLeaveNoFile()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mention);
    QTemporaryDir tmp;
    QVERIFY(greyImage(10, 10).save(tmp.filePath("g.png")));
    for (const bool existing : {false, true}) {
        const QByteArray previous = "an existing file\n";
        if (existing)
            QVERIFY(writeBytes(tmp.filePath("out.png"), previous));
        const QStringList before = dirEntries(tmp.path());
        const QStringList all = QStringList{"render"} + args + QStringList{"--out", "out.png"};
        const Run r = runCli(all, tmp.path());
        const QString why = checkFailure(all, r, mention);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QCOMPARE(dirEntries(tmp.path()), before);
        if (existing)
            QCOMPARE(fileBytes(tmp.filePath("out.png")), previous);
    }
    // An unwritable place and a wrong extension.
    for (const auto &[out, what] : {std::pair{QString("no/such/dir/out.png"), QString("no/such/dir/out.png")},
                                    {QString("out.jpg"), QString("--out")}}) {
        const QStringList all{"render", "--weights", kFixtureDir + "/bundle.npz", "--out", out};
        const QString why = checkFailure(all, runCli(all, tmp.path()), what);
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }
}

void TstCliRender::stagesWritesEveryStage()
{
    const QString dir = path("st/nested");
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(writeBytes(dir + "/weights.png", "old picture"));
    QVERIFY(writeBytes(dir + "/notes.txt", "keep me"));
    QVERIFY(writeBytes(dir + "/scores.svg", "other format: not ours to touch"));
    const QStringList args{"stages", "--q", kFixtureDir + "/q.npy", "--k", kFixtureDir + "/k.npy", "--v", kFixtureDir + "/v.npy",
                           "--mask", "causal", "--out-dir", dir, "--width", "500", "--height", "400"};
    const Run r = runCli(args, m_tmp.path());
    QVERIFY2(r.exitCode == 0 && r.out.startsWith("stages: "), qPrintable(describe(args, r)));
    QStringList expected{"notes.txt", "scores.svg"};
    for (const QString stage : {"q", "k", "v", "scores", "scaled", "masked", "weights", "output"})
        expected << stage + ".npy" << stage + ".png";
    expected.sort();
    QCOMPARE(dirEntries(dir), expected);
    QCOMPARE(fileBytes(dir + "/notes.txt"), QByteArray("keep me"));
    QCOMPARE(fileBytes(dir + "/scores.svg"), QByteArray("other format: not ours to touch"));
    for (const QString stage : {"q", "weights", "masked", "output"})
        QCOMPARE(QImage(dir + "/" + stage + ".png").size(), QSize(500, 400));
    // The .npy: shapes as `attention` writes them, weights' rows sum to 1, the mask is causal.
    auto w = readNpy((dir + "/weights.npy").toStdString());
    QVERIFY(w.ok());
    QCOMPARE(w->shape, (Shape{4, 4}));
    const Mat<double> wm = w->matrix<double>();
    for (int i = 0; i < 4; ++i) {
        QVERIFY(std::abs(wm.row(i).sum() - 1) < 1e-5);
        for (int j = i + 1; j < 4; ++j)
            QCOMPARE(wm(i, j), 0.0);
    }
    auto masked = readNpy((dir + "/masked.npy").toStdString());
    QVERIFY(masked.ok() && std::isinf(masked->matrix<double>()(0, 3)));
    auto q = readNpy((dir + "/q.npy").toStdString());
    QVERIFY(q.ok());
    QCOMPARE(q->shape, (Shape{4, 8}));
    auto out = readNpy((dir + "/output.npy").toStdString());
    QVERIFY(out.ok());
    QCOMPARE(out->shape, (Shape{4, 8}));
}

void TstCliRender::stagesSeveralHeadsSvg()
{
    const QString dir = path("st3");
    const QStringList args{"stages", "--q", kFixtureDir + "/q3.npy", "--k", kFixtureDir + "/k3.npy", "--v", kFixtureDir + "/v3.npy",
                           "--out-dir", dir, "--format", "svg", "--head", "1"};
    const Run r = runCli(args, m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    QCOMPARE(dirEntries(dir).size(), 16);
    auto w = readNpy((dir + "/weights.npy").toStdString());
    QVERIFY(w.ok());
    QCOMPARE(w->shape, (Shape{2, 4, 4}));
    auto out = readNpy((dir + "/output.npy").toStdString());
    QVERIFY(out.ok());
    QCOMPARE(out->shape, (Shape{2, 4, 8}));
    QString error, root;
    const QStringList texts = svgTexts(fileBytes(dir + "/weights.svg"), &error, &root);
    QVERIFY2(error.isEmpty() && root == "svg", qPrintable(error));
    QVERIFY2(texts.contains("Attention weights A, head 1"), qPrintable(texts.join('|')));
}

void TstCliRender::stagesErrors()
{
    const QString qkv = kFixtureDir + "/q.npy";
    const QStringList inputs{"--q", qkv, "--k", kFixtureDir + "/k.npy", "--v", kFixtureDir + "/v.npy"};
    struct Case {
        QStringList extra;
        QString mention;
    };
    const QList<Case> cases{{{"--format", "gif"}, "--format"},
                            {{"--head", "1"}, "--head 1"},
                            {{"--colormap", "rainbow"}, "--colormap"},
                            {{"--tokens", "missing.txt"}, "missing.txt"}};
    for (const Case &c : cases) {
        const QString dir = path("stfail");
        const QStringList args = QStringList{"stages"} + inputs + QStringList{"--out-dir", dir} + c.extra;
        const QString why = checkFailure(args, runCli(args, m_tmp.path()), c.mention);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY2(!QFileInfo::exists(dir) || dirEntries(dir).isEmpty(), qPrintable(dirEntries(dir).join(',')));
    }
    const QStringList noDir = QStringList{"stages"} + inputs;
    const QString why = checkFailure(noDir, runCli(noDir, m_tmp.path()), "--out-dir");
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TstCliRender::picksOffscreenWithoutDisplay()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
        env.remove(QString::fromLatin1(name));
    const QStringList args{"render", "--weights", kFixtureDir + "/bundle.npz", "--out", "nodisplay.png", "--width", "300", "--height", "200"};
    const Run r = runCli(args, m_tmp.path(), env);
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(args, r)));
    QCOMPARE(QImage(path("nodisplay.png")).size(), QSize(300, 200));
}

void TstCliRender::help()
{
    for (const QString cmd : {"render", "stages"}) {
        const QStringList args{cmd, "--help"};
        const Run r = runCli(args, m_tmp.path());
        QVERIFY2(r.exitCode == 0 && r.out.contains("Usage: attnscope-cli " + cmd), qPrintable(describe(args, r)));
    }
}

QTEST_GUILESS_MAIN(TstCliRender)
#include "tst_cli_render.moc"
