// attnscope-cli inspect lists what every valid tensor file holds (names, dtypes, shapes,
// metadata) and refuses every broken one with exit status 2 and one "error:" line naming the
// file; `attention` reads Q, K and V from .npz, .safetensors and CSV/TSV exactly as from .npy.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <cmath>
#include <map>

#include "inspect_listing.h"
#include "npy.h"
#include "sanitizer_build.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::fileBytes;
using attnscope::test::Listing;
using attnscope::test::parseListing;

namespace {

const QString kCli = QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli");
const QString kDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/formats");

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

/// Runs attnscope-cli with `args`, or `sh -c shell` when `shell` is given (for ulimit).
Run runCli(const QStringList &args, const QString &cwd = QString(), const QString &shell = QString())
{
    QProcess p;
    if (!cwd.isEmpty())
        p.setWorkingDirectory(cwd);
    if (shell.isEmpty())
        p.start(kCli, args);
    else
        p.start("/bin/sh", {"-c", shell});
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QJsonObject readManifest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString shapeOf(const QJsonArray &a)
{
    QStringList dims;
    for (const auto &v : a)
        dims << QString::number(qint64(v.toDouble()));
    return "[" + dims.join(", ") + "]";
}

double fromBits(const QString &hex)
{
    bool ok = false;
    const qulonglong bits = hex.toULongLong(&ok, 16);
    return ok ? std::bit_cast<double>(std::uint64_t(bits)) : std::nan("");
}

/// Exit status 2, nothing on stdout, exactly one stderr line "error: …" naming `path`.
void checkRefused(const Run &r, const QString &path, const QString &fragment)
{
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.out.isEmpty(), r.out.constData());
    QVERIFY2(r.err.endsWith('\n'), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
    const QString err = QString::fromUtf8(r.err).trimmed();
    QVERIFY2(err.startsWith("error: "), qPrintable(err));
    QVERIFY2(err.contains(path), qPrintable(err + "\n  does not name " + path));
    QVERIFY2(err.contains(fragment), qPrintable(err + "\n  expected: " + fragment));
}

} // namespace

class TstCliInspect : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void inspectValid_data();
    void inspectValid();
    void inspectBundles_data();
    void inspectBundles();
    void inspectSummary_data();
    void inspectSummary();
    void unreadMembersStillRead();
    void inspectBroken_data();
    void inspectBroken();
    void inspectUsage_data();
    void inspectUsage();
    void attentionRoutes_data();
    void attentionRoutes();
    void attentionRouteErrors_data();
    void attentionRouteErrors();
    void sparseHugeNpy();
    void namesArePrintable();
};

void TstCliInspect::initTestCase()
{
    QVERIFY2(QFile::exists(kCli), qPrintable(kCli + " is missing"));
    QVERIFY2(QFile::exists(kDir + "/valid/expected.json"), "the fixtures are missing (gen_formats.py)");
}

void TstCliInspect::inspectValid_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject m = readManifest(kDir + "/valid/expected.json");
    for (auto it = m.begin(); it != m.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toObject();
}

void TstCliInspect::inspectValid()
{
    QFETCH(QString, file);
    QFETCH(QJsonObject, expected);
    const QString path = kDir + "/valid/" + file;
    const Run r = runCli({"inspect", path});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    // A reader's warnings (a CSV header row, bytes after an npz member) are "warning:" lines on
    // stderr, one each, and the exit status stays 0.
    QStringList wanted;
    for (const auto &w : expected["warnings"].toArray())
        wanted << "warning: " + kDir + "/valid/" + w.toString();
    const QStringList errLines = QString::fromUtf8(r.err).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(errLines.size(), wanted.size());
    for (qsizetype i = 0; i < wanted.size(); ++i)
        QVERIFY2(errLines[i].startsWith(wanted[i]), qPrintable(errLines[i] + "\n  expected: " + wanted[i]));
    const Listing l = parseListing(r.out);
    const QJsonArray arrays = expected["arrays"].toArray();
    QCOMPARE(l.first, QString("%1: %2, %3 array%4").arg(path, expected["format"].toString()).arg(arrays.size())
                          .arg(arrays.size() == 1 ? "" : "s"));
    QCOMPARE(l.arrayLines, int(arrays.size()));
    for (const auto &v : arrays) {
        const QJsonObject a = v.toObject();
        const QString name = a["name"].toString().isEmpty() ? "(array)" : a["name"].toString();
        const auto it = l.arrays.find(name);
        QVERIFY2(it != l.arrays.end(), qPrintable(name + " is not listed:\n" + QString::fromUtf8(r.out)));
        const bool readable = !a.contains("readable") || a["readable"].toBool();
        QCOMPARE(it->second, a["dtype"].toString() + " " + shapeOf(a["shape"].toArray()));
        QVERIFY2(l.notRead.at(name).isEmpty() == readable, qPrintable(name + ": " + l.notRead.at(name)));
        // An .npz says how each member is kept; other formats say nothing.
        const QString storage = l.storage.at(name);
        if (expected["format"].toString() == "npz")
            QVERIFY2(storage == "stored" || storage.startsWith("deflated, "), qPrintable(name + ": " + storage));
        else
            QVERIFY2(storage.isEmpty(), qPrintable(name + ": " + storage));
    }
    const QJsonObject meta = expected["metadata"].toObject();
    QCOMPARE(qsizetype(l.metadata.size()), meta.size());
    for (auto it = meta.begin(); it != meta.end(); ++it) {
        QVERIFY2(l.metadata.count(it.key()), qPrintable(it.key()));
        QCOMPARE(l.metadata.at(it.key()), it.value().toString());
    }
}

void TstCliInspect::inspectBundles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("lines"); // "name dtype [shape]"
    QTest::addColumn<QStringList>("metadata");
    QTest::newRow("bundle.npz") << "bundle.npz"
                                << QStringList{"attentions float32 [2, 3, 5, 5]", "tokens str [5]", "key_tokens str [5]",
                                               "image_grid int64 [2]", "q float32 [2, 3, 5, 4]", "k float32 [2, 3, 5, 4]",
                                               "v float32 [2, 3, 5, 4]"}
                                << QStringList{};
    QTest::newRow("bundle.safetensors")
        << "bundle.safetensors"
        << QStringList{"attentions float32 [2, 3, 5, 5]", "image_grid int64 [2]", "tokens str [5]", "key_tokens str [5]"}
        << QStringList{"model: tiny", "tokens: [\"[CLS]\", \"猫\", \"が\", \"🐈\", \"走る\"]"};
    QTest::newRow("bare.npy") << "bare.npy" << QStringList{"(array) float32 [2, 5, 5]"} << QStringList{};
}

void TstCliInspect::inspectBundles()
{
    QFETCH(QString, file);
    QFETCH(QStringList, lines);
    QFETCH(QStringList, metadata);
    const Run r = runCli({"inspect", kDir + "/bundles/" + file});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const Listing l = parseListing(r.out);
    QCOMPARE(l.arrayLines, int(lines.size()));
    for (const auto &line : lines) {
        const QString name = line.section(' ', 0, 0);
        QVERIFY2(l.arrays.count(name), qPrintable(name));
        QCOMPARE(name + " " + l.arrays.at(name), line);
    }
    for (const auto &m : metadata) {
        const QString key = m.section(": ", 0, 0);
        QVERIFY2(l.metadata.count(key), qPrintable(key));
        QCOMPARE(l.metadata.at(key), m.section(": ", 1));
    }
}

void TstCliInspect::inspectSummary_data()
{
    // arrays: "name dtype [shape]|storage (a regular expression, without '|')|why not read"; bundle: the
    // summary's lines "key text", in order. The shapes and tokens are gen_formats.py's
    // (write_inspect); deflated sizes depend on zlib, the unpacked sizes do not.
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("arrays");
    QTest::addColumn<QStringList>("bundle");
    const QString object = "unsupported dtype '|O' (object arrays cannot be read: numpy pickles them; save token lists "
                           "as <U…, np.array(list_of_str))";
    const QString bytes = "unsupported dtype '|S2' (string arrays are not numeric; bytes strings (|S) are not read as "
                          "tokens either: save token lists as <U…, np.array(list_of_str))";
    QTest::newRow("object tokens") << "inspect/tokens_object.npz"
                                   << QStringList{"attentions float32 [1, 2, 3, 3]|stored|", "tokens object [3]|stored|" + object,
                                                  "x int64 [3]|stored|"}
                                   << QStringList{"attentions [L, H, Tq, Tk] = [1, 2, 3, 3]", "tokens not read: " + object};
    QTest::newRow("bytes tokens") << "inspect/tokens_bytes.npz"
                                  << QStringList{"attentions float32 [1, 2, 3, 3]|deflated, [0-9,]+ of 200 bytes|",
                                                 "tokens |S2 [3]|deflated, [0-9,]+ of 134 bytes|" + bytes}
                                  << QStringList{"attentions [L, H, Tq, Tk] = [1, 2, 3, 3]", "tokens not read: " + bytes};
    QTest::newRow("every unread kind")
        << "inspect/unread_kinds.npz"
        << QStringList{"f float32 [2, 2]|stored|", "c <c16 [2]|stored|unsupported dtype '<c16' (complex numbers are not supported)",
                       "s structured [3]|stored|structured dtypes are not supported", "o object [3]|stored|" + object,
                       "t str [2]|stored|"}
        << QStringList{};
    const QString per = "deflated, [0-9,]+ of [0-9,]+ bytes|";
    QTest::newRow("per-layer q, k, v")
        << "inspect/per_layer.npz"
        << QStringList{"attentions float32 [2, 4, 10, 10]|" + per, "tokens str [10]|" + per, "model str [1]|" + per,
                       "sliding_window int64 []|" + per, "causal int64 []|" + per, "q.0 float32 [4, 10, 8]|" + per,
                       "k.0 float32 [2, 10, 8]|" + per, "v.0 float32 [2, 10, 8]|" + per, "q.1 float32 [4, 10, 16]|" + per,
                       "k.1 float32 [2, 10, 16]|" + per, "v.1 float32 [2, 10, 16]|" + per}
        << QStringList{"attentions [L, H, Tq, Tk] = [2, 4, 10, 10]",
                       "tokens 10: \"<s>\" \"The\" \"Ġcat\" \"Ġsat\" \"Ġon\" … \"Ġtoday\" \".\" \"</s>\"",
                       "key_tokens none: the keys are the tokens (Tq = Tk)",
                       "q per layer, [H, T, d]: q.0 [4, 10, 8]; q.1 [4, 10, 16]",
                       "k per layer, [H, T, d]: k.0 [2, 10, 8]; k.1 [2, 10, 16]",
                       "v per layer, [H, T, d]: v.0 [2, 10, 8]; v.1 [2, 10, 16]",
                       "causal true", "model tiny-gpt", "sliding_window 4"};
    QTest::newRow("4-D q, k, v")
        << "inspect/qkv_4d.npz"
        << QStringList{"attentions float32 [3, 2, 4, 6]|stored|", "tokens str [4]|stored|", "key_tokens str [6]|stored|",
                       "image_grid int64 [2]|stored|", "q float32 [3, 2, 4, 8]|stored|", "k float32 [3, 2, 6, 8]|stored|",
                       "v float32 [3, 2, 6, 5]|stored|"}
        << QStringList{"attentions [L, H, Tq, Tk] = [3, 2, 4, 6]", "tokens 4: \"w\" \"x\" \"y\" \"z\"",
                       "key_tokens 6: \"p0\" \"p1\" \"p2\" \"p3\" \"p4\" \"p5\"", "q [L, H, T, d] = [3, 2, 4, 8]",
                       "k [L, H, T, d] = [3, 2, 6, 8]", "v [L, H, T, d] = [3, 2, 6, 5]",
                       "image_grid [rows, cols] = [2, 3]: 6 patches"};
    QTest::newRow("safetensors bundle")
        << "inspect/bundle.safetensors"
        << QStringList{"attentions float32 [2, 2, 3, 3]||", "k float32 [2, 2, 3, 4]||", "q float32 [2, 2, 3, 4]||",
                       "v float32 [2, 2, 3, 4]||", "tokens str [3]||"}
        << QStringList{"attentions [L, H, Tq, Tk] = [2, 2, 3, 3]", "tokens 3: \"a\" \"b\" \"c\"",
                       "key_tokens none: the keys are the tokens (Tq = Tk)", "q [L, H, T, d] = [2, 2, 3, 4]",
                       "k [L, H, T, d] = [2, 2, 3, 4]", "v [L, H, T, d] = [2, 2, 3, 4]", "causal false", "model tiny",
                       "sliding_window 2"};
    QTest::newRow("3-D attention, tokens that do not fit")
        << "inspect/tokens_mismatch.npz" << QStringList{"attentions float32 [2, 3, 3]|stored|", "tokens str [4]|stored|"}
        << QStringList{"attentions [H, Tq, Tk] = [2, 3, 3], read as [L, H, Tq, Tk] = [1, 2, 3, 3]",
                       "tokens 4: \"a\" \"b\" \"c\" \"d\"  (the attention has Tq = 3: the bundle reader refuses this)",
                       "key_tokens none: the keys are the tokens (Tq = Tk)"};
    QTest::newRow("key tokens equal to the tokens")
        << "bundles/bundle.npz"
        << QStringList{"attentions float32 [2, 3, 5, 5]|stored|", "tokens str [5]|stored|", "key_tokens str [5]|stored|",
                       "image_grid int64 [2]|stored|", "q float32 [2, 3, 5, 4]|stored|", "k float32 [2, 3, 5, 4]|stored|",
                       "v float32 [2, 3, 5, 4]|stored|"}
        << QStringList{"attentions [L, H, Tq, Tk] = [2, 3, 5, 5]", "tokens 5: \"[CLS]\" \"猫\" \"が\" \"🐈\" \"走る\"",
                       "key_tokens the same as the tokens", "q [L, H, T, d] = [2, 3, 5, 4]", "k [L, H, T, d] = [2, 3, 5, 4]",
                       "v [L, H, T, d] = [2, 3, 5, 4]", "image_grid [rows, cols] = [2, 2]: a [CLS] key, then 4 patches"};
}

void TstCliInspect::inspectSummary()
{
    QFETCH(QString, file);
    QFETCH(QStringList, arrays);
    QFETCH(QStringList, bundle);
    const QString path = kDir + "/" + file;
    const Run r = runCli({"inspect", path});
    QCOMPARE(r.exitCode, 0); // the file is sound, whatever its arrays hold
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    const Listing l = parseListing(r.out);
    QCOMPARE(l.first, QString("%1: %2, %3 arrays").arg(path, file.endsWith(".npz") ? "npz" : "safetensors").arg(arrays.size()));
    QCOMPARE(l.arrayLines, int(arrays.size()));
    for (const QString &a : arrays) {
        // The dtype may hold '|' (|S2): split after the shape.
        const auto close = a.indexOf("]|");
        const auto bar = a.indexOf('|', close + 2);
        const QStringList parts{a.left(close + 1), a.mid(close + 2, bar - close - 2), a.mid(bar + 1)};
        const QString name = parts[0].section(' ', 0, 0);
        QVERIFY2(l.arrays.count(name), qPrintable(name + " is not listed:\n" + QString::fromUtf8(r.out)));
        QCOMPARE(name + " " + l.arrays.at(name), parts[0]);
        const QRegularExpression storage("^" + parts[1] + "$");
        QVERIFY2(storage.match(l.storage.at(name)).hasMatch(), qPrintable(name + ": " + l.storage.at(name)));
        QCOMPARE(l.notRead.at(name), parts[2]);
    }
    QCOMPARE(l.bundleKeys.size(), bundle.size());
    for (qsizetype i = 0; i < bundle.size(); ++i)
        QCOMPARE(l.bundleKeys[i] + " " + l.bundle.at(l.bundleKeys[i]), bundle[i]);
}

void TstCliInspect::unreadMembersStillRead()
{
    // A member AttnScope does not read is refused by name when asked for; the others in the
    // same file are read as before.
    const QString path = kDir + "/inspect/unread_kinds.npz";
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const Run ok = runCli({"attention", "--q", path + ":f", "--k", path + ":f", "--v", path + ":f", "--weights-out",
                           tmp.filePath("w.npy")});
    QVERIFY2(ok.exitCode == 0, ok.err.constData());
    QVERIFY(QFile::exists(tmp.filePath("w.npy")));
    for (const auto &[member, fragment] : {std::pair{QString("o"), QString("object arrays cannot be read")},
                                           {QString("c"), QString("complex numbers are not supported")},
                                           {QString("s"), QString("structured dtypes are not supported")},
                                           {QString("t"), QString("holds strings (a token list), not numbers")}}) {
        const Run r = runCli({"attention", "--q", path + ":" + member, "--k", path + ":f", "--v", path + ":f",
                              "--weights-out", tmp.filePath("x.npy")});
        checkRefused(r, path + ":" + member, fragment);
        QVERIFY(!QFile::exists(tmp.filePath("x.npy")));
    }
    // A lone .npy of objects or of a structured dtype (gen_npy.py) is listed too; reading it is refused.
    for (const auto &[file, why] : {std::pair{QString("object.npy"), QString("object arrays cannot be read")},
                                    {QString("structured.npy"), QString("structured dtypes are not supported")}}) {
        const QString npy = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/npy/broken/") + file;
        const Run listed = runCli({"inspect", npy});
        QVERIFY2(listed.exitCode == 0, listed.err.constData());
        const Listing l = parseListing(listed.out);
        QCOMPARE(l.arrayLines, 1);
        QVERIFY2(l.notRead.at("(array)").contains(why), qPrintable(l.notRead.at("(array)")));
        const Run read = runCli({"attention", "--q", npy, "--k", path + ":f", "--v", path + ":f", "--weights-out",
                                 tmp.filePath("x.npy")});
        checkRefused(read, npy, why);
    }
    // A bundle whose tokens are objects is listed by inspect, and refused when read as a bundle.
    const QString objects = kDir + "/inspect/tokens_object.npz";
    const Run render = runCli({"render", "--weights", objects, "--out", tmp.filePath("x.png")});
    checkRefused(render, objects + ":tokens", "object arrays cannot be read");
}

void TstCliInspect::inspectBroken_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject m = readManifest(kDir + "/broken/expected.json");
    for (auto it = m.begin(); it != m.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toObject();
}

void TstCliInspect::inspectBroken()
{
    QFETCH(QString, file);
    QFETCH(QJsonObject, expected);
    const QString path = kDir + "/broken/" + file;
    const Run r = runCli({"inspect", path});
    if (expected["stage"].toString() == "open") {
        checkRefused(r, path, expected["fragment"].toString());
        return;
    }
    // The structure is valid (inspect reads no data); reading the array is refused.
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.startsWith((path + ": ").toUtf8()));
    QString spec = path;
    if (!expected["spec"].toString().isEmpty())
        spec += ":" + expected["spec"].toString();
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const Run a = runCli({"attention", "--q", spec, "--k", spec, "--v", spec, "--weights-out", tmp.filePath("w.npy")});
    checkRefused(a, path, expected["fragment"].toString());
    QVERIFY(!QFile::exists(tmp.filePath("w.npy")));
}

void TstCliInspect::inspectUsage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("names");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("missing file") << QStringList{"inspect", kDir + "/nope.npz"} << kDir + "/nope.npz" << "file not found";
    QTest::newRow("directory") << QStringList{"inspect", kDir + "/valid"} << kDir + "/valid" << "is a directory";
    QTest::newRow("no file") << QStringList{"inspect"} << "inspect" << "exactly one FILE";
    QTest::newRow("two files") << QStringList{"inspect", kDir + "/valid/plain.csv", kDir + "/valid/table.tsv"} << "inspect"
                               << "exactly one FILE";
    QTest::newRow("unknown option") << QStringList{"inspect", "--bogus", kDir + "/valid/plain.csv"} << "bogus" << "bogus";
}

void TstCliInspect::inspectUsage()
{
    QFETCH(QStringList, args);
    QFETCH(QString, names);
    QFETCH(QString, fragment);
    checkRefused(runCli(args), names, fragment);
}

void TstCliInspect::attentionRoutes_data()
{
    QTest::addColumn<QString>("q");
    QTest::addColumn<QString>("k");
    QTest::addColumn<QString>("v");
    QTest::addColumn<QString>("precision");
    for (const char *precision : {"f64", "f32"}) {
        const auto row = [precision](const char *name, const char *q, const char *k, const char *v) {
            QTest::newRow(qPrintable(QString("%1 %2").arg(name, precision))) << q << k << v << precision;
        };
        row("npz + safetensors + csv", "qkv.npz:q", "qkv.safetensors:k", "v.csv");
        row("safetensors + tsv + npz.npy", "qkv.safetensors:q", "k.tsv", "qkv.npz:v.npy");
        row("all npz", "qkv.npz:q", "qkv.npz:k", "qkv.npz:v");
        row("all safetensors", "qkv.safetensors:q", "qkv.safetensors:k", "qkv.safetensors:v");
        row("npy + csv", "q.npy", "k.npy", "v.csv");
    }
}

void TstCliInspect::attentionRoutes()
{
    QFETCH(QString, q);
    QFETCH(QString, k);
    QFETCH(QString, v);
    QFETCH(QString, precision);
    const QString cli = kDir + "/cli/";
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    // The .npy route ...
    const Run ref = runCli({"attention", "--q", cli + "q.npy", "--k", cli + "k.npy", "--v", cli + "v.npy", "--precision",
                            precision, "--weights-out", tmp.filePath("w_ref.npy"), "--output-out", tmp.filePath("o_ref.npy")});
    QVERIFY2(ref.exitCode == 0, ref.err.constData());
    // ... and this one write the same bytes.
    const Run run = runCli({"attention", "--q", cli + q, "--k", cli + k, "--v", cli + v, "--precision", precision,
                            "--weights-out", tmp.filePath("w.npy"), "--output-out", tmp.filePath("o.npy")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    // v.csv starts with a row of names, and says so; nothing else is said.
    const QString csvWarning = "warning: " + cli + "v.csv: line 2 is not numeric; it is taken as column names (v0, v1, v2)\n";
    QCOMPARE(QString::fromUtf8(run.err), v == "v.csv" ? csvWarning : QString());
    QCOMPARE(run.out, ref.out);
    const QByteArray w = fileBytes(tmp.filePath("w.npy")), o = fileBytes(tmp.filePath("o.npy"));
    QVERIFY(!w.isEmpty() && !o.isEmpty());
    QVERIFY2(w == fileBytes(tmp.filePath("w_ref.npy")), "weights differ from the .npy route");
    QVERIFY2(o == fileBytes(tmp.filePath("o_ref.npy")), "outputs differ from the .npy route");

    // And the numbers are numpy's.
    const QJsonObject e = readManifest(cli + "expected.json");
    const double tol = precision == "f64" ? 1e-12 : 2e-6;
    for (const auto &[file, key] : {std::pair{QString("w.npy"), QString("weights")}, {QString("o.npy"), QString("output")}}) {
        auto t = readNpy(tmp.filePath(file).toStdString());
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
        QCOMPARE(QString::fromLatin1(dtypeName(t->dtype)), precision == "f64" ? QString("float64") : QString("float32"));
        QCOMPARE(QString::fromStdString(shapeToString(t->shape)), shapeOf(e[key + "_shape"].toArray()));
        const QJsonArray values = e[key].toArray();
        QCOMPARE(qsizetype(t->numel()), values.size());
        for (qsizetype i = 0; i < values.size(); ++i) {
            const double want = fromBits(values[i].toString());
            QVERIFY2(std::abs(t->at(i) - want) <= tol * (1 + std::abs(want)),
                     qPrintable(QString("%1[%2] = %3, numpy %4").arg(key).arg(i).arg(t->at(i), 0, 'g', 17).arg(want, 0, 'g', 17)));
        }
    }
}

void TstCliInspect::attentionRouteErrors_data()
{
    QTest::addColumn<QStringList>("tensors"); // q, k, v relative to the fixture directory
    QTest::addColumn<QString>("names");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("no name in a file of several") << QStringList{"cli/qkv.npz", "cli/k.npy", "cli/v.npy"}
                                                  << kDir + "/cli/qkv.npz" << "holds several arrays (q, k, v)";
    QTest::newRow("no such member") << QStringList{"cli/q.npy", "cli/qkv.npz:nope", "cli/v.npy"} << kDir + "/cli/qkv.npz"
                                    << "has no array named 'nope' (it holds: q, k, v)";
    QTest::newRow("no such tensor") << QStringList{"cli/q.npy", "cli/k.npy", "cli/qkv.safetensors:x"}
                                    << kDir + "/cli/qkv.safetensors" << "has no array named 'x'";
    QTest::newRow("ragged csv") << QStringList{"cli/q.npy", "cli/k.npy", "broken/csv_ragged.csv"}
                                << kDir + "/broken/csv_ragged.csv" << "line 3 has 2 values";
    QTest::newRow("crc error in the data") << QStringList{"broken/npz_crc_large.npz:x", "cli/k.npy", "cli/v.npy"}
                                           << kDir + "/broken/npz_crc_large.npz" << "CRC error";
    QTest::newRow("zip bomb") << QStringList{"cli/q.npy", "broken/npz_bomb_valid_header.npz:x", "cli/v.npy"}
                              << kDir + "/broken/npz_bomb_valid_header.npz" << "refused, not inflated";
}

void TstCliInspect::attentionRouteErrors()
{
    QFETCH(QStringList, tensors);
    QFETCH(QString, names);
    QFETCH(QString, fragment);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const Run r = runCli({"attention", "--q", kDir + "/" + tensors[0], "--k", kDir + "/" + tensors[1], "--v",
                          kDir + "/" + tensors[2], "--weights-out", tmp.filePath("w.npy")});
    checkRefused(r, names, fragment);
    QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).size(), 0);
}

void TstCliInspect::sparseHugeNpy()
{
    ATTNSCOPE_SKIP_UNDER_ASAN("the CLI cannot start under an address-space limit (ASan reserves terabytes of shadow memory)");
    // A sparse .npy claiming 16 GiB: inspect lists it from the header, attention refuses it with
    // one error line. Both run under a 4 GiB address-space limit, where reading the data (as
    // inspect once did) would be killed or abort instead.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("huge.npy");
    const auto header = npyHeader(DType::F32, {65536, 65536});
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QVERIFY(f.write(reinterpret_cast<const char *>(header.data()), qint64(header.size())) == qint64(header.size()));
    QVERIFY(f.resize(qint64(header.size()) + (qint64(1) << 34)));
    f.close();
    const auto limited = [&](const QString &args) {
        return runCli({}, QString(), "ulimit -v 4194304; exec \"" + kCli + "\" " + args);
    };
    const Run inspect = limited("inspect \"" + path + "\"");
    QVERIFY2(inspect.exitCode == 0, inspect.err.constData());
    QVERIFY2(inspect.err.isEmpty(), inspect.err.constData());
    QCOMPARE(QString::fromUtf8(inspect.out), path + ": npy, 1 array\n  (array)  float32   [65536, 65536]\n");
    const Run attention = limited("attention --memory-budget 1G --q \"" + path + "\" --k \"" + path + "\" --v \"" + path +
                                  "\" --weights-out \"" + tmp.filePath("w.npy") + "\"");
    checkRefused(attention, path, "needs 16.0 GiB, more than the memory budget of 1.0 GiB");
    QVERIFY(!QFile::exists(tmp.filePath("w.npy")));
}

void TstCliInspect::namesArePrintable()
{
    // Control characters in names are escaped in listings and errors, which stay one line each.
    const QString path = kDir + "/broken/npz_newline_name.npz";
    const Run r = runCli({"inspect", path});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(QString::fromUtf8(r.out), path + ": npz, 2 arrays\n  a\\nb  float64   [2]  stored\n"
                                              "  c\\td  float64   [2]  stored\n");
    // Every dtype of the safetensors crate is listed; those AttnScope does not read are marked.
    const Run st = runCli({"inspect", kDir + "/valid/crate_dtypes.safetensors"});
    QVERIFY2(st.exitCode == 0, st.err.constData());
    QVERIFY2(st.out.contains("  w_f8_e4m3  F8_E4M3   [4]     not read: F8_E4M3 is not a dtype AttnScope reads\n"),
             st.out.constData());
    QVERIFY2(st.out.contains("  u64        uint64    [2]\n"), st.out.constData());
}

QTEST_GUILESS_MAIN(TstCliInspect)
#include "tst_cli_inspect.moc"
