// `attnscope-cli render --view model`, run as the real executable on the 12 × 12 bundle of
// fixtures/gen_model_view.py: the PNG's size (200 px per head plus labels, by the layout rule
// written out below), the pixels of a planted head following its own matrix on the shared scale
// (the bundle's largest weight in the map's top colour, its smallest in the bottom one), the SVG's
// labels and title as <text>, the PDF, and the errors: exit 2, one `error:` line, no file.

#include <QDir>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <algorithm>
#include <array>

#include "bundle.h"
#include "cli_run.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::fileBytes;
using attnscope::test::Run;
using attnscope::test::runCli;

namespace {

const QString kBert12 = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/modelview/bert12.npz");
constexpr int kLayers = 12, kHeads = 12, kTokens = 16;
// matplotlib's viridis at 0 and 1 (#440154, #fde725).
const QRgb kViridisLow = qRgb(68, 1, 84), kViridisHigh = qRgb(253, 231, 37);

/// The layout of a 200 px picture (model_picture.cpp): margin 16, title 44, row labels 66 wide,
/// column labels 33 high, a gap of 200/12 = 16 between cells, a colour bar 110 wide.
constexpr int kSide = 200, kGap = 16, kMargin = 16, kTitle = 44, kRowLabels = 66, kColumnLabels = 33, kBar = 110;
QPoint cellOrigin(int layer, int position)
{
    return {kMargin + kRowLabels + position * (kSide + kGap), kMargin + kTitle + kColumnLabels + layer * (kSide + kGap)};
}

QString describe(const QStringList &args, const Run &r)
{
    return QStringLiteral("attnscope-cli %1\nexit %2\nstdout: %3\nstderr: %4").arg(args.join(' ')).arg(r.exitCode).arg(r.out, r.err);
}

QStringList svgTexts(const QByteArray &svg)
{
    QStringList out;
    QXmlStreamReader xml(svg);
    while (!xml.atEnd())
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("text"))
            out << xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    return xml.hasError() ? QStringList{QStringLiteral("XML error: ") + xml.errorString()} : out;
}

} // namespace

class TestCliRenderModel : public QObject {
    Q_OBJECT
private slots:
    void pngFollowsEachHeadsMatrix();
    void svgKeepsLabelsAsText();
    void pdfIsOnePage();
    void errors_data();
    void errors();
};

void TestCliRenderModel::pngFollowsEachHeadsMatrix()
{
    QTemporaryDir dir;
    const QStringList args{"render", "--weights", kBert12, "--view", "model", "--out", dir.filePath("m.png")};
    const Run r = runCli(args, dir.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    QVERIFY(r.out.contains(QStringLiteral("12 layers × 12 heads")));
    const QImage png(dir.filePath("m.png"));
    QCOMPARE(png.size(), QSize(2 * kMargin + kRowLabels + kHeads * (kSide + kGap) + kBar,
                               2 * kMargin + kTitle + kColumnLabels + kLayers * (kSide + kGap)));
    auto bundle = readAttentionBundle(kBert12.toStdString());
    QVERIFY(bundle);
    const double px = double(kSide) / kTokens;
    auto pixel = [&](int layer, int head, int row, int col) {
        const QPoint o = cellOrigin(layer, head);
        return png.pixel(o.x() + int((col + 0.5) * px), o.y() + int((row + 0.5) * px)) & 0xffffff;
    };
    // The shared scale: the bundle's largest weight in the top colour, its smallest in the bottom.
    const Tensor &a = bundle->attentions;
    std::int64_t hi = 0, lo = 0;
    for (std::int64_t k = 1; k < a.numel(); ++k) {
        hi = a.at(k) > a.at(hi) ? k : hi;
        lo = a.at(k) < a.at(lo) ? k : lo;
    }
    auto where = [](std::int64_t k) {
        return std::array<int, 4>{int(k / (kHeads * kTokens * kTokens)), int(k / (kTokens * kTokens) % kHeads),
                                  int(k / kTokens % kTokens), int(k % kTokens)};
    };
    const auto h = where(hi), l = where(lo);
    QCOMPARE(pixel(h[0], h[1], h[2], h[3]) | 0xff000000, kViridisHigh);
    QCOMPARE(pixel(l[0], l[1], l[2], l[3]) | 0xff000000, kViridisLow);
    // L2 H3 attends to the previous token: its sub-diagonal is bright, its super-diagonal dark.
    const Mat<double> m = a.matrix<double>(2 * kHeads + 3);
    for (int i = 1; i < kTokens - 1; ++i) {
        QVERIFY(m(i, i - 1) > 0.8 && m(i, i + 1) < 0.2);
        QVERIFY(QColor(pixel(2, 3, i, i - 1)).lightness() > QColor(pixel(2, 3, i, i + 1)).lightness() + 60);
    }
    // Head 3 of layer 1 is ordinary: no bright sub-diagonal there.
    QVERIFY(QColor(pixel(1, 3, 8, 7)).lightness() < QColor(pixel(2, 3, 8, 7)).lightness());
}

void TestCliRenderModel::svgKeepsLabelsAsText()
{
    QTemporaryDir dir;
    const QStringList args{"render", "--weights", kBert12, "--view", "model", "--out", dir.filePath("m.svg")};
    const Run r = runCli(args, dir.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    const QStringList texts = svgTexts(fileBytes(dir.filePath("m.svg")));
    for (int i = 0; i < 12; ++i) {
        QVERIFY2(texts.contains(QStringLiteral("L%1").arg(i)), qPrintable(texts.join('|')));
        QVERIFY2(texts.contains(QStringLiteral("H%1").arg(i)), qPrintable(texts.join('|')));
    }
    QVERIFY2(std::any_of(texts.begin(), texts.end(), [](const QString &t) { return t.startsWith("bert12.npz"); }),
             qPrintable(texts.join('|')));
}

void TestCliRenderModel::pdfIsOnePage()
{
    QTemporaryDir dir;
    const QStringList args{"render", "--weights", kBert12, "--view", "model", "--out", dir.filePath("m.pdf"),
                           "--title", "twelve by twelve"};
    const Run r = runCli(args, dir.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    const QByteArray pdf = fileBytes(dir.filePath("m.pdf"));
    QVERIFY(pdf.startsWith("%PDF"));
    QCOMPARE(QString::fromLatin1(pdf).count(QRegularExpression("/Type\\s*/Page(?!s)")), 1);
    QVERIFY2(pdf.contains("/Font"), "no font: the labels are not text");
}

void TestCliRenderModel::errors_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("message");
    QTest::newRow("--layer") << QStringList{"--view", "model", "--layer", "1"} << "--layer does not go with --view model";
    QTest::newRow("--head") << QStringList{"--view", "model", "--head", "1"} << "--head does not go with --view model";
    QTest::newRow("--bare") << QStringList{"--view", "model", "--bare"} << "--view does not go with --bare";
    QTest::newRow("--image") << QStringList{"--view", "model", "--image", "x.png", "--query", "0"}
                             << "--view does not go with --image";
    QTest::newRow("unknown view") << QStringList{"--view", "atlas"} << "--view: 'atlas' is not";
}

void TestCliRenderModel::errors()
{
    QFETCH(QStringList, extra);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QStringList args = QStringList{"render", "--weights", kBert12, "--out", dir.filePath("m.png")} + extra;
    const Run r = runCli(args, dir.path());
    QVERIFY2(r.exitCode == 2, qPrintable(describe(args, r)));
    QVERIFY2(r.err.startsWith("error: ") && r.err.trimmed().count('\n') == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
}

QTEST_MAIN(TestCliRenderModel)
#include "tst_cli_render_model.moc"
