// attnscope-cli refuses every bad input cleanly: exit status 2, exactly one stderr line
// "error: …" naming the file or option at fault, nothing on stdout, and the output directory
// exactly as it was (no new file, existing outputs byte-identical, no temporary file left).

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <map>

#include "npy.h"

using namespace attnscope;

namespace {

const QString kCli = QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli");
const QString kNpy = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/npy");

QString cliFile(const QString &name) { return kNpy + "/cli/" + name; }

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run runCli(const QStringList &args, const QString &cwd)
{
    QProcess p;
    p.setWorkingDirectory(cwd);
    p.start(kCli, args);
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

/// Everything under `root` (hidden files too): relative path -> content, or "<dir>".
std::map<QString, QByteArray> snapshot(const QString &root)
{
    std::map<QString, QByteArray> m;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = QDir(root).relativeFilePath(path);
        if (it.fileInfo().isDir()) {
            m[rel] = "<dir>";
        } else {
            QFile f(path);
            m[rel] = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
        }
    }
    return m;
}

QString describeDifference(const std::map<QString, QByteArray> &before, const std::map<QString, QByteArray> &after)
{
    QStringList lines;
    for (const auto &[k, v] : after) {
        const auto it = before.find(k);
        if (it == before.end())
            lines << "appeared: " + k;
        else if (it->second != v)
            lines << "changed: " + k;
    }
    for (const auto &[k, v] : before)
        if (!after.count(k))
            lines << "vanished: " + k;
    return lines.join("; ");
}

/// `@W`, `@O`, `@S` (output files), `@D` (a directory) and `@T` (the directory itself) in `s`.
QString expand(QString s, const QString &tmp)
{
    s.replace("@W", tmp + "/W.npy");
    s.replace("@O", tmp + "/O.npy");
    s.replace("@S", tmp + "/S.npy");
    s.replace("@D", tmp + "/D");
    s.replace("@T", tmp);
    return s;
}

QStringList withOutputs(QStringList args)
{
    return args << "--weights-out" << "@W" << "--output-out" << "@O" << "--scores-out" << "@S";
}

QStringList qkv(const QString &q = "q.npy", const QString &k = "k.npy", const QString &v = "v.npy")
{
    return {"attention", "--q", cliFile(q), "--k", cliFile(k), "--v", cliFile(v)};
}

} // namespace

class TstCliErrors : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void goodRunWritesOutputs();
    void errors_data();
    void errors();
};

void TstCliErrors::initTestCase()
{
    QVERIFY2(QFile::exists(kCli), qPrintable(kCli + " is missing"));
    QVERIFY2(QFile::exists(cliFile("q.npy")), "the CLI fixtures are missing (gen_npy.py)");
}

// The control: the same command lines with good inputs succeed and write every output, so the
// checks in errors() would notice outputs.
void TstCliErrors::goodRunWritesOutputs()
{
    for (const bool precreate : {false, true}) {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QVERIFY(QDir(tmp.path()).mkdir("D"));
        if (precreate)
            for (const char *name : {"W.npy", "O.npy", "S.npy"}) {
                QFile f(tmp.filePath(name));
                QVERIFY(f.open(QIODevice::WriteOnly));
                f.write("old content\n");
            }
        QStringList args = withOutputs(qkv() << "--mask" << cliFile("mask_ok.npy") << "--key-padding" << cliFile("pad_ok.npy")
                                             << "--memory-budget" << "64M");
        for (auto &a : args)
            a = expand(a, tmp.path());
        const Run r = runCli(args, tmp.path());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(!r.err.contains("error"), r.err.constData());
        const auto after = snapshot(tmp.path());
        QStringList names;
        for (const auto &[k, v] : after)
            names << k;
        QCOMPARE(names, QStringList({"D", "O.npy", "S.npy", "W.npy"}));
        const std::pair<const char *, const char *> expected[] = {{"W.npy", "[4, 5]"}, {"O.npy", "[4, 8]"}, {"S.npy", "[4, 5]"}};
        for (const auto &[name, shape] : expected) {
            QVERIFY(after.at(name) != "old content\n");
            auto t = readNpy(tmp.filePath(name).toStdString());
            QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
            QCOMPARE(QString::fromStdString(shapeToString(t->shape)), QString(shape));
        }
    }
}

void TstCliErrors::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("fragments");

    // Every broken .npy, as Q, as K and as the mask.
    QFile manifestFile(kNpy + "/broken/expected.json");
    if (!manifestFile.open(QIODevice::ReadOnly))
        QFAIL("broken/expected.json is missing");
    const QJsonObject broken = QJsonDocument::fromJson(manifestFile.readAll()).object();
    if (broken.size() < 50)
        QFAIL("broken/expected.json has too few entries");
    for (auto it = broken.begin(); it != broken.end(); ++it) {
        const QString path = kNpy + "/broken/" + it.key();
        const QJsonObject o = it.value().toObject();
        const QStringList fragments = {path + ": ", o.contains("cli_fragment") ? o["cli_fragment"].toString() : o["fragment"].toString()};
        QTest::addRow("q=%s", qPrintable(it.key()))
            << withOutputs({"attention", "--q", path, "--k", cliFile("k.npy"), "--v", cliFile("v.npy")}) << fragments;
        QTest::addRow("k=%s", qPrintable(it.key()))
            << withOutputs({"attention", "--q", cliFile("q.npy"), "--k", path, "--v", cliFile("v.npy")}) << fragments;
        QTest::addRow("mask=%s", qPrintable(it.key())) << withOutputs(qkv() << "--mask" << path) << fragments;
    }

    const QString missing = cliFile("no_such_file.npy");
    QTest::newRow("missing file") << withOutputs({"attention", "--q", missing, "--k", cliFile("k.npy"), "--v", cliFile("v.npy")})
                                  << QStringList{missing + ": file not found"};
    QTest::newRow("missing value file") << withOutputs(qkv("q.npy", "k.npy", "no_such_file.npy"))
                                        << QStringList{missing + ": file not found"};
    QTest::newRow("directory as tensor") << withOutputs({"attention", "--q", kNpy + "/cli", "--k", cliFile("k.npy"), "--v", cliFile("v.npy")})
                                         << QStringList{kNpy + "/cli: is a directory"};
    QTest::newRow("directory as mask") << withOutputs(qkv() << "--mask" << kNpy + "/cli")
                                       << QStringList{kNpy + "/cli: is a directory"};
    QTest::newRow("empty --q") << withOutputs({"attention", "--q", "", "--k", cliFile("k.npy"), "--v", cliFile("v.npy")})
                               << QStringList{"--q needs a file name"};

    // Shapes.
    QTest::newRow("d of Q and K differ") << withOutputs(qkv("q.npy", "k_d6.npy"))
                                         << QStringList{"d of Q", cliFile("q.npy"), cliFile("k_d6.npy")};
    QTest::newRow("K and V key counts differ") << withOutputs(qkv("q.npy", "k.npy", "v_tk6.npy"))
                                               << QStringList{"same number of keys", cliFile("k.npy"), cliFile("v_tk6.npy")};
    QTest::newRow("Q and K ranks differ") << withOutputs(qkv("q.npy", "k3.npy", "v3.npy"))
                                          << QStringList{"same number of dimensions", cliFile("q.npy"), cliFile("k3.npy")};
    QTest::newRow("V rank differs") << withOutputs(qkv("q3.npy", "k3.npy", "v.npy"))
                                    << QStringList{"same number of dimensions", cliFile("v.npy")};
    QTest::newRow("rank-1 inputs") << withOutputs(qkv("q1.npy", "q1.npy", "q1.npy")) << QStringList{cliFile("q1.npy"), "1-D"};
    QTest::newRow("0-d inputs") << withOutputs(qkv("scalar.npy", "scalar.npy", "scalar.npy"))
                                << QStringList{cliFile("scalar.npy"), "0-D"};
    QTest::newRow("mask wrong shape") << withOutputs(qkv() << "--mask" << cliFile("mask_bad.npy"))
                                      << QStringList{"the mask " + cliFile("mask_bad.npy"), "[Tq, Tk] = [4, 5]"};
    QTest::newRow("mask wrong head count") << withOutputs(qkv() << "--mask" << cliFile("mask_bad3.npy"))
                                           << QStringList{"the mask " + cliFile("mask_bad3.npy")};
    QTest::newRow("additive mask with NaN") << withOutputs(qkv() << "--mask" << cliFile("mask_nan.npy"))
                                            << QStringList{cliFile("mask_nan.npy"), "holds NaN"};
    QTest::newRow("key padding wrong length") << withOutputs(qkv() << "--key-padding" << cliFile("pad_bad.npy"))
                                              << QStringList{"the key padding mask " + cliFile("pad_bad.npy"), "[Tk] = [5]"};
    QTest::newRow("key padding [B, Tk] with 2-D inputs") << withOutputs(qkv() << "--key-padding" << cliFile("pad_2d.npy"))
                                     << QStringList{"the key padding mask " + cliFile("pad_2d.npy"), "batch"};

    // Options.
    QTest::newRow("--heads not dividing d") << withOutputs(qkv() << "--heads" << "3") << QStringList{"--heads 3 must divide d_k (8)"};
    QTest::newRow("--heads 0") << withOutputs(qkv() << "--heads" << "0") << QStringList{"--heads: '0' is not a whole number"};
    QTest::newRow("--heads not a number") << withOutputs(qkv() << "--heads" << "two") << QStringList{"--heads: 'two'"};
    QTest::newRow("--heads with 3-D input") << withOutputs(qkv("q3.npy", "k3.npy", "v3.npy") << "--heads" << "2")
                                            << QStringList{"--heads applies to 2-D inputs only", cliFile("q3.npy")};
    QTest::newRow("--batch out of range") << withOutputs(qkv("q4.npy", "k4.npy", "v4.npy") << "--batch" << "2")
                                          << QStringList{"--batch 2 is out of range", cliFile("q4.npy")};
    QTest::newRow("--batch negative") << withOutputs(qkv("q4.npy", "k4.npy", "v4.npy") << "--batch" << "-1")
                                      << QStringList{"--batch: '-1'"};
    QTest::newRow("--batch with 2-D input") << withOutputs(qkv() << "--batch" << "1") << QStringList{"--batch applies to 4-D inputs"};
    QTest::newRow("--scale word") << withOutputs(qkv() << "--scale" << "sqrtt") << QStringList{"--scale: 'sqrtt'"};
    QTest::newRow("--scale inf") << withOutputs(qkv() << "--scale" << "inf") << QStringList{"--scale: 'inf'"};
    QTest::newRow("--scale nan") << withOutputs(qkv() << "--scale" << "nan") << QStringList{"--scale: 'nan'"};
    QTest::newRow("--scale trailing junk") << withOutputs(qkv() << "--scale" << "0.5x") << QStringList{"--scale: '0.5x'"};
    QTest::newRow("--precision f16") << withOutputs(qkv() << "--precision" << "f16") << QStringList{"--precision: 'f16'"};
    QTest::newRow("unknown option") << withOutputs(qkv() << "--frobnicate" << "1") << QStringList{"frobnicate"};
    QTest::newRow("option without value") << (withOutputs(qkv()) << "--mask") << QStringList{"'--mask'"};
    QTest::newRow("positional argument") << withOutputs(qkv() << "extra.npy") << QStringList{"unexpected argument 'extra.npy'"};
    QTest::newRow("unknown command") << withOutputs({"attend", "--q", cliFile("q.npy")}) << QStringList{"unknown command 'attend'"};
    QTest::newRow("no inputs") << withOutputs({"attention"}) << QStringList{"--q, --k and --v"};
    QTest::newRow("no --v") << withOutputs({"attention", "--q", cliFile("q.npy"), "--k", cliFile("k.npy")})
                            << QStringList{"--q, --k and --v"};
    QTest::newRow("--x without projections") << withOutputs({"attention", "--x", cliFile("q.npy")}) << QStringList{"--x needs --wq, --wk and --wv"};
    QTest::newRow("--x with --q") << withOutputs(qkv() << "--x" << cliFile("q.npy")) << QStringList{"--x"};
    QTest::newRow("--context without --x") << withOutputs(qkv() << "--context" << cliFile("q.npy")) << QStringList{"--context goes with --x"};
    QTest::newRow("--memory-budget 1K") << withOutputs(qkv("q64.npy", "k64.npy", "v64.npy") << "--memory-budget" << "1K")
                                        << QStringList{"memory budget of 1.0 KiB", "--memory-budget"};
    QTest::newRow("--memory-budget bad") << withOutputs(qkv() << "--memory-budget" << "lots") << QStringList{"--memory-budget: 'lots'"};
    QTest::newRow("--memory-budget 0") << withOutputs(qkv() << "--memory-budget" << "0") << QStringList{"--memory-budget: '0'"};

    // Outputs that cannot be written: nothing is written, not even the ones that could be.
    QTest::newRow("output named twice") << (qkv() << "--weights-out" << "@W" << "--output-out" << "@W")
                                        << QStringList{"@T/W.npy", "named twice"};
    QTest::newRow("output is a directory") << (qkv() << "--scores-out" << "@S" << "--weights-out" << "@D" << "--output-out" << "@O")
                                           << QStringList{"@D", "it is a directory"};
    QTest::newRow("output directory missing") << (qkv() << "--scores-out" << "@S" << "--weights-out" << "@W" << "--output-out"
                                                        << "@T/no_such_dir/O.npy")
                                              << QStringList{"@T/no_such_dir/O.npy", "cannot write"};
}

void TstCliErrors::errors()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, fragments);

    // Once into an empty directory, once over existing outputs that must survive unchanged.
    for (const bool precreate : {false, true}) {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QVERIFY(QDir(tmp.path()).mkdir("D"));
        if (precreate)
            for (const char *name : {"W.npy", "O.npy", "S.npy"}) {
                QFile f(tmp.filePath(name));
                QVERIFY(f.open(QIODevice::WriteOnly));
                f.write(QByteArray("existing ") + name + "\n");
            }
        const auto before = snapshot(tmp.path());
        QStringList expanded;
        for (const auto &a : args)
            expanded << expand(a, tmp.path());

        const Run r = runCli(expanded, tmp.path());
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(r.exitCode == 2, qPrintable(QString("exit %1, stderr: %2").arg(r.exitCode).arg(err)));
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        QVERIFY2(err.startsWith("error: "), qPrintable(err));
        QVERIFY2(err.endsWith('\n') && err.count('\n') == 1, qPrintable("not exactly one line: " + err));
        QCOMPARE(describeDifference(before, snapshot(tmp.path())), QString());
        for (const auto &fragment : fragments) {
            const QString want = expand(fragment, tmp.path());
            QVERIFY2(err.contains(want), qPrintable("'" + want + "' not in: " + err));
        }
    }
}

QTEST_GUILESS_MAIN(TstCliErrors)
#include "tst_cli_errors.moc"
