// The command line's word-level views (issue 15): `combine` with --merge-subwords,
// --hide-tokens LIST (token texts), --hide-rows and an .npz output read back with numpy
// (np.load) and compared with an independent numpy computation (fixtures/check_combine_npz.py,
// which reuses gen_views.py's reference); `render` with the same options: "TEXT #i" labels
// found as text in an SVG, pixels of a bare picture worked out by hand, titles, and errors
// (one `error:` line, exit status 2, an existing output untouched).

#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "bundle_writer.h"
#include "cli_run.h"
#include "npy.h"
#include "tensor.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::Run;
using attnscope::test::runCli;

namespace {

const QString kViews = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/views");
const QString kChecker = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/tests/fixtures/check_combine_npz.py");

QString describe(const QStringList &args, const Run &r)
{
    return QStringLiteral("attnscope-cli %1\nexit %2%3\nstdout: %4\nstderr: %5")
        .arg(args.join(' '))
        .arg(r.exitCode)
        .arg(r.crashed ? " (crashed)" : "")
        .arg(r.out, r.err);
}

QStringList lines(const QString &text) { return text.split('\n', Qt::SkipEmptyParts); }

/// The texts of an SVG's <text> elements, joined by newlines.
QString svgTexts(const QString &path)
{
    const QString svg = QString::fromUtf8(attnscope::test::fileBytes(path));
    QStringList out;
    static const QRegularExpression re(QStringLiteral("<text[^>]*>([^<]*)</text>"));
    for (auto it = re.globalMatch(svg); it.hasNext();)
        out << it.next().captured(1).trimmed();
    return out.join('\n');
}

bool writeNpy(const QString &path, const Tensor &t)
{
    const auto bytes = encodeNpy(t);
    QFile f(path);
    return f.open(QIODevice::WriteOnly) &&
           f.write(reinterpret_cast<const char *>(bytes.data()), qint64(bytes.size())) == qint64(bytes.size());
}

} // namespace

class TstCliViews : public QObject {
    Q_OBJECT
private slots:
    void combineNpzAgainstNumpy_data();
    void combineNpzAgainstNumpy();
    void combineNpyStaysAMatrix();
    void errors_data();
    void errors();
    void renderLabelsAfterHiding();
    void renderCombineOutput();
    void renderTitleOfOneMatrix();
    void renderFusePixels();
    void stagesTakeABundlesTokens();
    void tokenFilesMayBePipes();
};

void TstCliViews::combineNpzAgainstNumpy_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("request"); // for the checker; hidden indices worked out by hand
    // wordpiece.npz: [CLS] the un ##believ ##able fox jump ##ed . [SEP] (0..9)
    QTest::newRow("wordpiece merge hide rows renorm")
        << "wordpiece.npz"
        << QStringList{"--layer", "2", "--merge-subwords", "--hide-tokens", "[CLS],[SEP]", "--hide-rows", "--renormalize"}
        << R"({"mode":"fuse","layer":2,"hide":[0,9],"hide_rows":true,"renormalize":true,"merge":true})";
    QTest::newRow("wordpiece max, a piece hidden by text")
        << "wordpiece.npz" << QStringList{"--fuse", "max", "--layer", "1", "--hide-tokens", "##believ,#0", "--merge-subwords"}
        << R"({"mode":"fuse","layer":1,"fusion":"max","hide":[0,3],"merge":true})";
    // gpt2.npz: <|endoftext|> The Ġqu ick Ġbrown Ġfox Ċ It Ġjump ed . (0..10)
    QTest::newRow("gpt2 rollout discard")
        << "gpt2.npz"
        << QStringList{"--rollout", "--discard-ratio", "0.1", "--hide-tokens", "<|endoftext|>", "--hide-rows",
                       "--renormalize", "--merge-subwords"}
        << R"({"mode":"rollout","layer":1,"discard":0.1,"hide":[0],"hide_rows":true,"renormalize":true,"merge":true})";
    // cross.npz: queries [CLS] a cat [SEP]; keys [CLS] le chat ##on noir ##e [SEP]
    QTest::newRow("cross keys only")
        << "cross.npz" << QStringList{"--fuse", "min", "--layer", "0", "--hide-tokens", "[SEP]", "--hide-tokens", "1", "--merge-subwords"}
        << R"({"mode":"fuse","layer":0,"fusion":"min","hide":[1,6],"merge":true})";
    QTest::newRow("sentencepiece plain")
        << "sentencepiece.npz" << QStringList{"--merge-subwords"} << R"({"mode":"fuse","layer":1,"merge":true})";
    QTest::newRow("no tokens") << "bare.npy" << QStringList{"--hide-tokens", "2,#4", "--hide-rows"}
                               << R"({"mode":"fuse","layer":1,"hide":[2,4],"hide_rows":true})";
}

void TstCliViews::combineNpzAgainstNumpy()
{
    QFETCH(QString, input);
    QFETCH(QStringList, options);
    QFETCH(QString, request);
    QTemporaryDir tmp;
    const QStringList args = QStringList{"combine", "--weights", kViews + "/" + input} + options + QStringList{"--out", "out.npz"};
    const Run r = runCli(args, tmp.path());
    QVERIFY2(!r.crashed && r.exitCode == 0 && r.err.isEmpty(), qPrintable(describe(args, r)));
    const Run check = attnscope::test::runProgram("/usr/bin/python3", {kChecker, tmp.filePath("out.npz"), kViews + "/" + input, request},
                                                  tmp.path());
    QVERIFY2(!check.crashed && check.exitCode == 0, qPrintable(check.out + check.err));
}

void TstCliViews::combineNpyStaysAMatrix()
{
    QTemporaryDir tmp;
    const QStringList args{"combine", "--weights", kViews + "/wordpiece.npz", "--hide-tokens", "[CLS],[SEP]", "--hide-rows",
                           "--merge-subwords", "--out", "out.npy"};
    const Run r = runCli(args, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    auto t = readNpy(tmp.filePath("out.npy").toStdString());
    QVERIFY(t.ok());
    QCOMPARE(t->dtype, DType::F32);
    // the unbelievable fox jumped . : five words each way.
    QCOMPARE(t->shape, (Shape{5, 5}));
}

void TstCliViews::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("mentions");
    const QString wp = kViews + "/wordpiece.npz", cross = kViews + "/cross.npz";
    QTest::newRow("missing texts named") << QStringList{"combine", "--weights", wp, "--hide-tokens", "[CLS],[PAD],cats", "--out", "out.npz"}
                                         << QStringList{"--hide-tokens", "'[PAD]'", "'cats'"};
    QTest::newRow("index out of range") << QStringList{"combine", "--weights", wp, "--hide-tokens", "#10", "--out", "out.npz"}
                                        << QStringList{"'#10'", "0..9"};
    QTest::newRow("text without tokens") << QStringList{"combine", "--weights", kViews + "/bare.npy", "--hide-tokens", "[CLS]", "--out", "out.npz"}
                                         << QStringList{"no tokens"};
    QTest::newRow("rows of cross attention") << QStringList{"combine", "--weights", cross, "--hide-tokens", "[SEP]", "--hide-rows", "--out", "out.npz"}
                                             << QStringList{"as many queries as keys"};
    QTest::newRow("hide-rows alone") << QStringList{"combine", "--weights", wp, "--hide-rows", "--out", "out.npz"}
                                     << QStringList{"--hide-rows", "--hide-tokens"};
    QTest::newRow("combine bad extension") << QStringList{"combine", "--weights", wp, "--out", "out.txt"} << QStringList{".npz"};
    QTest::newRow("render fuse with head") << QStringList{"render", "--weights", wp, "--fuse", "max", "--head", "1", "--out", "out.svg"}
                                           << QStringList{"--fuse", "--head"};
    QTest::newRow("render missing text") << QStringList{"render", "--weights", wp, "--hide-tokens", "[cls]", "--out", "out.svg"}
                                         << QStringList{"'[cls]'"};
    QTest::newRow("render every key hidden") << QStringList{"render", "--weights", kViews + "/bare.npy", "--hide-tokens", "0,1,2,3,4,5", "--out", "out.svg"}
                                             << QStringList{"--hide-tokens", "every"};
    QTest::newRow("render discard without rollout") << QStringList{"render", "--weights", wp, "--discard-ratio", "0.2", "--out", "out.svg"}
                                                    << QStringList{"--discard-ratio"};
}

void TstCliViews::errors()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, mentions);
    QTemporaryDir tmp;
    // An existing output stays exactly as it was.
    const QString out = args.last();
    {
        QFile f(tmp.filePath(out));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("old");
    }
    const Run r = runCli(args, tmp.path());
    QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(describe(args, r)));
    const QStringList errLines = lines(r.err);
    QVERIFY2(errLines.size() == 1 && errLines[0].startsWith("error: "), qPrintable(describe(args, r)));
    for (const QString &m : mentions)
        QVERIFY2(errLines[0].contains(m), qPrintable(describe(args, r)));
    QCOMPARE(attnscope::test::fileBytes(tmp.filePath(out)), QByteArray("old"));
}

void TstCliViews::renderLabelsAfterHiding()
{
    QTemporaryDir tmp;
    const QStringList args{"render", "--weights", kViews + "/wordpiece.npz", "--fuse", "mean", "--layer", "1", "--hide-tokens",
                           "[CLS],[SEP]", "--hide-rows", "--merge-subwords", "--renormalize", "--out", "out.svg"};
    const Run r = runCli(args, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    const QString texts = svgTexts(tmp.filePath("out.svg"));
    // the #1, unbelievable #2 (first piece), fox #5, jumped #6, . #8 — on both axes.
    for (const char *label : {"the #1", "unbelievable #2", "fox #5", "jumped #6", ". #8"})
        QVERIFY2(texts.count(QString::fromUtf8(label)) == 2, qPrintable(QString(label) + " in\n" + texts));
    for (const char *gone : {"[CLS]", "[CLS] #0", "[SEP]", "[SEP] #9"})
        QVERIFY2(!texts.split('\n').contains(gone), qPrintable(texts)); // the title names them, no label does
    QVERIFY2(texts.contains("mean of 4 heads, layer 1"), qPrintable(texts));
    // Keys hidden only: the rows keep their plain tokens.
    const QStringList keysOnly{"render", "--weights", kViews + "/wordpiece.npz", "--hide-tokens", "[CLS]", "--out", "keys.svg"};
    QVERIFY(runCli(keysOnly, tmp.path()).exitCode == 0);
    const QString k = svgTexts(tmp.filePath("keys.svg"));
    QVERIFY2(k.count("##believ #3") == 1 && k.split('\n').count("##believ") == 1 && k.split('\n').count("[CLS]") == 1,
             qPrintable(k));
}

void TstCliViews::renderCombineOutput()
{
    QTemporaryDir tmp;
    const QStringList combine{"combine", "--weights", kViews + "/wordpiece.npz", "--hide-tokens", "[CLS],fox", "--merge-subwords",
                              "--out", "c.npz"};
    QVERIFY(runCli(combine, tmp.path()).exitCode == 0);
    const QStringList render{"render", "--weights", "c.npz", "--out", "c.svg"};
    const Run r = runCli(render, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(render, r)));
    const QStringList texts = svgTexts(tmp.filePath("c.svg")).split('\n');
    // Rows: every word (no row hidden), still named by original index; the keys lack [CLS] and fox.
    for (const char *label : {"[CLS] #0", "fox #5"})
        QVERIFY2(texts.count(QString::fromUtf8(label)) == 1, qPrintable(label + QString(" in\n") + texts.join('\n')));
    for (const char *label : {"the #1", "unbelievable #2", "jumped #6", ". #8", "[SEP] #9"})
        QVERIFY2(texts.count(QString::fromUtf8(label)) == 2, qPrintable(label + QString(" in\n") + texts.join('\n')));
    // One matrix: the title is the file alone.
    QVERIFY2(texts.contains("c.npz") && !texts.join('\n').contains("head 0"), qPrintable(texts.join('\n')));
}

void TstCliViews::renderTitleOfOneMatrix()
{
    QTemporaryDir tmp;
    QVERIFY(writeNpy(tmp.filePath("m.npy"), Tensor::fromMatrix(Mat<double>(Mat<double>::Identity(3, 3)))));
    const Run r = runCli({"render", "--weights", "m.npy", "--out", "m.svg"}, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString texts = svgTexts(tmp.filePath("m.svg"));
    QVERIFY2(texts.split('\n').contains("m.npy") && !texts.contains("layer"), qPrintable(texts));
}

void TstCliViews::renderFusePixels()
{
    // [1, 2, 2, 2]: head 0 [[1, 0], [0, 0]], head 1 [[1, 0], [0, 1]]. By hand: mean [[1, 0], [0, .5]],
    // max [[1, 0], [0, 1]], head 0 alone has (1, 1) = 0. Gray map, global 0..1: 0.5 is mid-gray.
    QTemporaryDir tmp;
    Mat<double> h0(2, 2), h1(2, 2);
    h0 << 1, 0, 0, 0;
    h1 << 1, 0, 0, 1;
    Tensor t = Tensor::fromMatrices(std::vector<Mat<double>>{h0, h1});
    t.shape = {1, 2, 2, 2};
    QVERIFY(writeNpy(tmp.filePath("h.npy"), t));
    const auto grayAt = [&](const QStringList &options, int x, int y) {
        const QStringList args = QStringList{"render", "--weights", "h.npy", "--bare", "--colormap", "gray", "--width", "2",
                                             "--height", "2", "--out", "p.png"} + options;
        const Run r = runCli(args, tmp.path());
        if (r.exitCode != 0)
            return -1;
        return qGray(QImage(tmp.filePath("p.png")).pixel(x, y));
    };
    QVERIFY(std::abs(grayAt({"--fuse", "mean"}, 1, 1) - 128) <= 2);
    QCOMPARE(grayAt({"--fuse", "mean"}, 0, 0), 255);
    QCOMPARE(grayAt({"--fuse", "mean"}, 1, 0), 0);
    QCOMPARE(grayAt({"--fuse", "max"}, 1, 1), 255);
    QCOMPARE(grayAt({}, 1, 1), 0);
}

void TstCliViews::stagesTakeABundlesTokens()
{
    // A one-layer bundle [1, 2, 3, 3] with q/k/v [2, 3, 4] and tokens; `stages --q B:q` labels
    // its pictures with those tokens unless --tokens is given.
    QTemporaryDir tmp;
    AttentionBundle b;
    std::vector<Mat<double>> heads(2, Mat<double>::Constant(3, 3, 1.0 / 3));
    b.attentions = Tensor::fromMatrices(heads);
    b.attentions.shape = {1, 2, 3, 3};
    b.tokens = b.keyTokens = {"alpha", "beta", "gamma"};
    for (auto *t : {&b.q, &b.k, &b.v}) {
        std::vector<Mat<float>> m(2, Mat<float>(3, 4));
        for (auto &x : m)
            x.setRandom();
        t->push_back(Tensor::fromMatrices(m));
        t->back().shape = {2, 3, 4};
    }
    QVERIFY(writeAttentionBundle(b, tmp.filePath("b.npz").toStdString()).ok());
    const QStringList args{"stages", "--q", "b.npz:q", "--k", "b.npz:k", "--v", "b.npz:v", "--out-dir", "st", "--format", "svg"};
    const Run r = runCli(args, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    const QStringList texts = svgTexts(tmp.filePath("st/weights.svg")).split('\n');
    for (const char *t : {"alpha", "beta", "gamma"})
        QVERIFY2(texts.count(t) == 2, qPrintable(texts.join('|'))); // rows and columns
    // A token file still wins.
    QFile f(tmp.filePath("t.txt"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x\ny\nz\n");
    f.close();
    const Run r2 = runCli(args + QStringList{"--tokens", "t.txt"}, tmp.path());
    QVERIFY2(r2.exitCode == 0, qPrintable(r2.err));
    const QStringList texts2 = svgTexts(tmp.filePath("st/weights.svg")).split('\n');
    QVERIFY2(texts2.count("y") == 2 && !texts2.contains("beta"), qPrintable(texts2.join('|')));
}

void TstCliViews::tokenFilesMayBePipes()
{
    // bash process substitution hands the CLI /dev/fd/N, a pipe that cannot seek.
    QTemporaryDir tmp;
    const QString cli = QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli");
    const QString render = cli + " render --weights '" + kViews + "/bare.npy' --head 0 --layer 0 --tokens <(printf 'a\\nb\\nc\\nd\\ne\\nf\\n') "
                                 "--hide-tokens c --out p.svg";
    const Run r = attnscope::test::runProgram("/bin/bash", {"-c", render}, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(render + "\n" + r.err));
    const QStringList texts = svgTexts(tmp.filePath("p.svg")).split('\n');
    QVERIFY2(texts.contains("d #3") && texts.contains("c") && !texts.contains("c #2"), qPrintable(texts.join('|')));
}

QTEST_GUILESS_MAIN(TstCliViews)
#include "tst_cli_views.moc"
