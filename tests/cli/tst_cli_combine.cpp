// `attnscope-cli combine` against numpy: every case of fixtures/gen_combine.py run by the real
// executable in a temporary directory, its .npy output compared with the float64 reference
// (dtype float32, shape exact). Plus --help, the warning for a row left empty, and every error
// case of the manifest: exit status 2, exactly one `error:` line naming the option or file, no
// output file created, an existing output left byte-identical, no temporary file left behind.
//
// Tolerance (the output is float32): |got − expected| <= 1e-6 + 1e-6·|expected|, elementwise;
// NaN is never accepted.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"

#include <cmath>

#include "npy.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::fileBytes;
using attnscope::test::writeBytes;

namespace {

const QString kFixtureDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/combine");
const QString kCli = QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli");
constexpr double kRtol = 1e-6, kAtol = 1e-6;

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

QStringList lines(const QString &text) { return text.split('\n', Qt::SkipEmptyParts); }

QJsonObject manifest()
{
    QFile f(kFixtureDir + "/manifest.json");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QStringList dirEntries(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::AllDirs | QDir::NoDotAndDotDot, QDir::Name);
}

/// Empty when `got` matches `expected` within the tolerance; otherwise what differs.
QString compare(const Tensor &expected, const Tensor &got)
{
    if (expected.shape != got.shape)
        return QString::fromStdString("shape " + shapeToString(got.shape) + ", expected " + shapeToString(expected.shape));
    for (std::int64_t i = 0; i < expected.numel(); ++i) {
        const double e = expected.at(i), g = got.at(i);
        if (!std::isfinite(g) || std::abs(g - e) > kAtol + kRtol * std::abs(e))
            return QStringLiteral("at flat index %1 got %2, expected %3").arg(i).arg(g, 0, 'g', 9).arg(e, 0, 'g', 17);
    }
    return {};
}

} // namespace

class TstCliCombine : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void fixtures_data();
    void fixtures();
    void errors_data();
    void errors();
    void unwritableOutput();
    void memoryBudget_data();
    void memoryBudget();
    void help();

private:
    QJsonObject m_manifest;
};

void TstCliCombine::initTestCase()
{
    QVERIFY2(QFileInfo(kCli).isExecutable(), qPrintable(kCli + " is not built"));
    m_manifest = manifest();
    QVERIFY2(m_manifest.value("cases").toArray().size() >= 30,
             qPrintable("the manifest " + kFixtureDir + "/manifest.json is missing or short"));
    QVERIFY(m_manifest.value("errors").toArray().size() >= 15);
    const QJsonObject tol = m_manifest.value("tolerance").toObject().value("cli").toObject();
    QCOMPARE(tol.value("rtol").toDouble(), kRtol);
    QCOMPARE(tol.value("atol").toDouble(), kAtol);
}

void TstCliCombine::fixtures_data()
{
    QTest::addColumn<int>("index");
    const QJsonArray cases = manifest().value("cases").toArray();
    for (int i = 0; i < cases.size(); ++i)
        QTest::newRow(qPrintable(cases[i].toObject().value("name").toString())) << i;
}

void TstCliCombine::fixtures()
{
    QFETCH(int, index);
    const QJsonObject c = m_manifest.value("cases").toArray()[index].toObject();
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QStringList args{"combine", "--weights", kFixtureDir + "/" + c.value("weights").toString()};
    for (const auto &a : c.value("args").toArray())
        args << a.toString();
    args << "--out" << "out.npy";
    const Run r = runCli(args, tmp.path());
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(args, r)));
    QVERIFY2(r.out.startsWith("combine: "), qPrintable(describe(args, r)));
    const QStringList errLines = lines(r.err);
    if (c.value("warning").toBool()) {
        QVERIFY2(errLines.size() == 1 && errLines[0].startsWith("warning: "), qPrintable(describe(args, r)));
        for (const auto &row : c.value("emptyRows").toArray())
            QVERIFY2(errLines[0].contains(QStringLiteral("row(s) %1").arg(row.toInt())), qPrintable(r.err));
    } else {
        QVERIFY2(r.err.isEmpty(), qPrintable(describe(args, r)));
    }
    QCOMPARE(dirEntries(tmp.path()), QStringList{"out.npy"});

    const QByteArray head = fileBytes(tmp.filePath("out.npy")).left(128);
    QVERIFY2(head.startsWith(QByteArray("\x93NUMPY", 6)) && head.contains("'descr': '<f4'"), head.constData());
    auto got = readNpy(tmp.filePath("out.npy").toStdString());
    auto expected = readNpy((kFixtureDir + "/" + c.value("expected").toString()).toStdString());
    QVERIFY(got.ok() && expected.ok());
    QCOMPARE(got->dtype, DType::F32);
    const QString diff = compare(*expected, *got);
    QVERIFY2(diff.isEmpty(), qPrintable(c.value("name").toString() + ": " + diff));
}

void TstCliCombine::errors_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<bool>("existing");
    const QJsonArray errs = manifest().value("errors").toArray();
    for (int i = 0; i < errs.size(); ++i) {
        const QString name = errs[i].toObject().value("name").toString();
        QTest::newRow(qPrintable(name + " (no output yet)")) << i << false;
        QTest::newRow(qPrintable(name + " (existing output)")) << i << true;
    }
}

void TstCliCombine::errors()
{
    QFETCH(int, index);
    QFETCH(bool, existing);
    const QJsonObject e = m_manifest.value("errors").toArray()[index].toObject();
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QByteArray previous = "an existing output, not .npy content\n";
    if (existing)
        QVERIFY(writeBytes(tmp.filePath("out.npy"), previous));
    const QStringList before = dirEntries(tmp.path());

    QStringList args{"combine"};
    for (const auto &a : e.value("args").toArray())
        args << a.toString().replace("{dir}", kFixtureDir).replace("{out}", "out.npy");
    const Run r = runCli(args, tmp.path());
    QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(describe(args, r)));
    const QStringList errLines = lines(r.err);
    QVERIFY2(errLines.size() == 1 && errLines[0].startsWith("error: "), qPrintable(describe(args, r)));
    QVERIFY2(errLines[0].contains(e.value("mentions").toString()),
             qPrintable("does not mention " + e.value("mentions").toString() + ": " + r.err));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    QCOMPARE(dirEntries(tmp.path()), before);
    if (existing)
        QVERIFY2(fileBytes(tmp.filePath("out.npy")) == previous, "the existing output changed");
}

void TstCliCombine::unwritableOutput()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QStringList args{"combine", "--weights", kFixtureDir + "/w_a.npy", "--out", "no/such/dir/out.npy"};
    const Run r = runCli(args, tmp.path());
    QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(describe(args, r)));
    const QStringList errLines = lines(r.err);
    QVERIFY2(errLines.size() == 1 && errLines[0].startsWith("error: ") && errLines[0].contains("out.npy"),
             qPrintable(r.err));
    QVERIFY(dirEntries(tmp.path()).isEmpty());
}

void TstCliCombine::memoryBudget_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("budget");
    QTest::addColumn<bool>("refused");
    // [2, 2, 1024, 1024]: a 16 MiB input; fusing holds 24 MiB more, rollout 36 MiB (engine/math/combine.h).
    QTest::newRow("fuse, 8M") << QStringList{} << "8M" << true;
    QTest::newRow("fuse, 64M") << QStringList{} << "64M" << false;
    QTest::newRow("rollout, 40M") << QStringList{"--rollout"} << "40M" << true;
    QTest::newRow("rollout, 64M") << QStringList{"--rollout"} << "64M" << false;
    QTest::newRow("not a size") << QStringList{} << "lots" << true;
}

// --memory-budget bounds the input and the work: refused with one error line naming the file and
// the amount, nothing written; enough budget runs.
void TstCliCombine::memoryBudget()
{
    QFETCH(QStringList, options);
    QFETCH(QString, budget);
    QFETCH(bool, refused);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Tensor t;
    t.dtype = DType::F32;
    t.shape = {2, 2, 1024, 1024};
    t.bytes.resize(std::size_t(4 * 1024 * 1024) * sizeof(float));
    auto *f = reinterpret_cast<float *>(t.bytes.data());
    std::fill(f, f + 4 * 1024 * 1024, 1.0f / 1024);
    const auto bytes = encodeNpy(t);
    QVERIFY(writeBytes(tmp.filePath("a.npy"), QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()))));
    const QStringList args = QStringList{"combine", "--weights", "a.npy", "--out", "o.npy", "--memory-budget", budget} + options;
    const Run r = runCli(args, tmp.path());
    QVERIFY2(!r.crashed && r.exitCode == (refused ? 2 : 0), qPrintable(describe(args, r)));
    QCOMPARE(QFile::exists(tmp.filePath("o.npy")), !refused);
    if (refused) {
        const QStringList errLines = lines(r.err);
        QVERIFY2(errLines.size() == 1 && errLines[0].startsWith("error: "), qPrintable(r.err));
        QVERIFY2(errLines[0].contains(budget == "lots" ? "--memory-budget" : "a.npy"), qPrintable(r.err));
        if (budget != "lots")
            QVERIFY2(errLines[0].contains("memory budget of " + budget.chopped(1) + ".0 MiB"), qPrintable(r.err));
    }
}

void TstCliCombine::help()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const Run r = runCli({"combine", "--help"}, tmp.path());
    QVERIFY2(r.exitCode == 0 && r.err.isEmpty(), qPrintable(describe({"combine", "--help"}, r)));
    for (const char *option : {"--weights", "--fuse", "--layer", "--rollout", "--discard-ratio", "--hide-tokens",
                               "--renormalize", "--out", "mean", "max", "min", "[0, 1)"})
        QVERIFY2(r.out.contains(QLatin1String(option)), qPrintable(QStringLiteral("--help does not mention %1:\n%2")
                                                                        .arg(QLatin1String(option), r.out)));
    const Run top = runCli({"--help"}, tmp.path());
    QVERIFY2(top.exitCode == 0, qPrintable(describe({"--help"}, top)));
    QVERIFY2(top.out.contains(QRegularExpression("\\n  combine +\\S")), qPrintable(top.out));
    QVERIFY(dirEntries(tmp.path()).isEmpty());
}

QTEST_GUILESS_MAIN(TstCliCombine)
#include "tst_cli_combine.moc"
