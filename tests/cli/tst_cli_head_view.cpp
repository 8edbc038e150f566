// `attnscope-cli render --view head`, run as the real executable, against numpy
// (fixtures/gen_head_view.py): an SVG holds one <polyline> per link with weight >= 0.02 (counted
// in numpy), each in its head's colour with stroke-opacity = weight (1e-4: QColor keeps 16-bit
// alpha), drawn head by head in numpy's order; the tokens are <text>; a PNG has the asked size;
// a PDF starts with %PDF; errors exit 2 with one `error:` line and leave no file.
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"
#include "test_files.h"

using attnscope::test::Run;
using attnscope::test::runCli;

namespace {

const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/headview");
const QStringList kPalette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                              "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#a0522d"};

struct Line {
    QString colour;
    double opacity;
};

/// Each <polyline> with the stroke and stroke-opacity of the <g> around it.
std::vector<Line> svgLines(const QString &svg)
{
    static const QRegularExpression g(QStringLiteral("<g [^>]*stroke=\"(#[0-9a-f]{6})\" stroke-opacity=\"([0-9.e-]+)\"[^>]*>\\s*<polyline"));
    std::vector<Line> out;
    for (auto it = g.globalMatch(svg); it.hasNext();) {
        const auto m = it.next();
        out.push_back({m.captured(1), m.captured(2).toDouble()});
    }
    return out;
}

QString describe(const QStringList &args, const Run &r)
{
    return QStringLiteral("attnscope-cli %1\nexit %2\nstdout: %3\nstderr: %4").arg(args.join(' ')).arg(r.exitCode).arg(r.out, r.err);
}

} // namespace

class TestCliHeadView : public QObject {
    Q_OBJECT
private slots:
    void linkCounts_data();
    void linkCounts();
    void coloursAndOpacity();
    void pngAndPdf();
    void errors_data();
    void errors();
};

void TestCliHeadView::linkCounts_data()
{
    QTest::addColumn<QJsonObject>("c");
    for (const QJsonValue v : attnscope::test::jsonObjectFile(kDir + "/manifest.json")["links"].toArray()) {
        const QJsonObject c = v.toObject();
        QTest::newRow(qPrintable(QStringLiteral("%1 L%2 q%3").arg(c["bundle"].toString()).arg(c["layer"].toInt()).arg(c["query"].toInt()))) << c;
    }
}

void TestCliHeadView::linkCounts()
{
    QFETCH(QJsonObject, c);
    QTemporaryDir dir;
    QStringList args = {"render", "--weights", kDir + "/" + c["bundle"].toString() + ".npz", "--view", "head",
                        "--layer", QString::number(c["layer"].toInt()), "--out", dir.filePath("h.svg")};
    if (c["query"].toInt() >= 0)
        args << "--query" << QString::number(c["query"].toInt());
    const Run r = runCli(args, dir.path());
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(describe(args, r)));
    const QString svg = QString::fromUtf8(attnscope::test::fileBytes(dir.filePath("h.svg")));
    QVERIFY(svg.contains("<svg"));
    QCOMPARE(int(svg.count("<polyline")), c["links"].toInt());
    QCOMPARE(int(svgLines(svg).size()), c["links"].toInt());
    QVERIFY(r.out.contains(QStringLiteral("%1 links").arg(c["links"].toInt())));
    // Per head: as many lines in the head's colour as numpy counts.
    const QJsonArray perHead = c["per_head"].toArray();
    const auto lines = svgLines(svg);
    for (int h = 0; h < perHead.size(); ++h)
        QCOMPARE(int(std::count_if(lines.begin(), lines.end(), [&](const Line &l) { return l.colour == kPalette[h]; })),
                 perHead[h].toInt());
}

void TestCliHeadView::coloursAndOpacity()
{
    const QJsonObject m = attnscope::test::jsonObjectFile(kDir + "/manifest.json");
    for (const QJsonValue v : m["links"].toArray()) {
        const QJsonObject c = v.toObject();
        if (c["bundle"].toString() != "bert12" || c["query"].toInt() != 3 || c["layer"].toInt() != 11)
            continue;
        QTemporaryDir dir;
        const QStringList args = {"render", "--weights", kDir + "/bert12.npz", "--view", "head", "--query", "3",
                                  "--out", dir.filePath("h.svg")};
        const Run r = runCli(args, dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
        const QString svg = QString::fromUtf8(attnscope::test::fileBytes(dir.filePath("h.svg")));
        const auto lines = svgLines(svg);
        const QJsonArray order = c["order"].toArray();
        QCOMPARE(int(lines.size()), order.size());
        for (int i = 0; i < order.size(); ++i) {
            const QJsonArray link = order[i].toArray();
            QCOMPARE(lines[std::size_t(i)].colour, kPalette[link[0].toInt()]);
            QVERIFY2(std::abs(lines[std::size_t(i)].opacity - link[2].toDouble()) <= 1e-4,
                     qPrintable(QStringLiteral("link %1: %2 vs %3").arg(i).arg(lines[std::size_t(i)].opacity).arg(link[2].toDouble())));
        }
        for (const char *token : {">[CLS]</text>", ">##believ</text>", ">[SEP]</text>"})
            QVERIFY2(svg.contains(QString::fromUtf8(token)), token);
        QVERIFY(svg.contains("layer 11, 12 heads"));
        return;
    }
    QFAIL("the manifest has no bert12 layer 11 query 3 case");
}

void TestCliHeadView::pngAndPdf()
{
    QTemporaryDir dir;
    QStringList args = {"render", "--weights", kDir + "/causal.npz", "--view", "head", "--layer", "0",
                        "--out", dir.filePath("h.png"), "--width", "700", "--height", "500"};
    Run r = runCli(args, dir.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    QCOMPARE(QImage(dir.filePath("h.png")).size(), QSize(700, 500));
    args = {"render", "--weights", kDir + "/causal.npz", "--view", "head", "--out", dir.filePath("h.pdf")};
    r = runCli(args, dir.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    QVERIFY(attnscope::test::fileBytes(dir.filePath("h.pdf")).startsWith("%PDF"));
}

void TestCliHeadView::errors_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("message");
    QTest::newRow("layer") << QStringList{"--layer", "12"} << "--layer 12 is out of range";
    QTest::newRow("query") << QStringList{"--query", "12"} << "--query 12 is out of range";
    QTest::newRow("bare") << QStringList{"--bare"} << "--bare does not go with --view head";
    QTest::newRow("image") << QStringList{"--image", "x.png"} << "--image does not go with --view head";
    QTest::newRow("view") << QStringList{"--view", "side"} << "--view: 'side' is not model or head";
    QTest::newRow("missing") << QStringList{"--weights", "nope.npz"} << "nope.npz";
}

void TestCliHeadView::errors()
{
    QFETCH(QStringList, extra);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QStringList args = {"render", "--weights", kDir + "/bert12.npz", "--view", "head", "--out", dir.filePath("h.svg")};
    for (int i = 0; i < extra.size(); ++i) { // an option already given gets the new value
        const int at = args.indexOf(extra[i]);
        if (at >= 0 && i + 1 < extra.size() && extra[i].startsWith("--") && !extra[i + 1].startsWith("--")) {
            args[at + 1] = extra[i + 1];
            ++i;
        } else {
            args << extra[i];
        }
    }
    const Run r = runCli(args, dir.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY(!r.crashed);
    const QStringList lines = r.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines[0].startsWith("error:") && lines[0].contains(message), qPrintable(r.err));
    QVERIFY(!QFile::exists(dir.filePath("h.svg")));
}

QTEST_GUILESS_MAIN(TestCliHeadView)
#include "tst_cli_head_view.moc"
