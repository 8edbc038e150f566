// `attnscope-cli attention` against numpy: every CLI case of fixtures/gen_attention.py run by the
// real executable in a temporary directory, its .npy outputs compared with the reference
// (dtype float32 unless --precision f64, shapes exact). Plus --help, warnings for fully masked
// rows, and failing runs that must leave existing outputs untouched.
//
// Tolerances, from the manifest (|got - expected| <= atol + rtol·|expected|, elementwise):
//   f64: rtol 1e-9, atol 1e-12      f32: rtol 1e-5, atol 1e-6
// -inf must be -inf exactly; weights of masked keys must be exactly 0; NaN is never accepted.
// (Broken input files are tst_cli_errors' business.)

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
#include "tensor_compare.h"
#include "test_files.h"

using namespace attnscope;
using attnscope::test::fileBytes;
using attnscope::test::writeBytes;

namespace {

const QString kFixtureDir = QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/attention");
const QString kCli = QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope-cli");
const QStringList kOutputs = {"scores.npy", "weights.npy", "output.npy"};

using attnscope::test::Run;
using attnscope::test::runCli;

QString describe(const Run &r)
{
    return QStringLiteral("exit %1%2\nstdout: %3\nstderr: %4")
        .arg(r.exitCode)
        .arg(r.crashed ? " (crashed or timed out)" : "")
        .arg(r.out, r.err);
}

using test::compareTensors;

QJsonArray manifestCases()
{
    QFile f(kFixtureDir + "/manifest.json");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object().value("cases").toArray();
}

/// Writes a float64 .npy of the given shape with values 0, 1, 2, … (numpy's layout, by hand).
bool writeNpy(const QString &path, const Shape &shape, bool asBool = false)
{
    std::int64_t n = 1;
    for (auto d : shape)
        n *= d;
    QString dims;
    for (auto d : shape)
        dims += QString::number(d) + ", ";
    dims.chop(shape.size() > 1 ? 2 : 1); // numpy writes (4,) and (4, 3)
    QByteArray header = QStringLiteral("{'descr': '%1', 'fortran_order': False, 'shape': (%2), }")
                            .arg(asBool ? "|b1" : "<f8", dims)
                            .toLatin1();
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    QByteArray out("\x93NUMPY\x01\x00", 8);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    out += header;
    for (std::int64_t i = 0; i < n; ++i) {
        if (asBool) {
            out += char(1);
        } else {
            const double v = double(i % 7) * 0.25 - 0.5;
            out += QByteArray(reinterpret_cast<const char *>(&v), sizeof v);
        }
    }
    return writeBytes(path, out);
}

QStringList errorLines(const QString &err) { return err.split('\n', Qt::SkipEmptyParts); }

} // namespace

class TstCliAttention : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void fixtures_data();
    void fixtures();

    void onlyRequestedOutputs();
    void causalWithMaskTensor();
    void topLevelHelp();
    void attentionHelp();
    void failingRunLeavesFilesAlone_data();
    void failingRunLeavesFilesAlone();

private:
    QJsonArray m_cases;
};

void TstCliAttention::initTestCase()
{
    QVERIFY2(QFileInfo(kCli).isExecutable(), qPrintable(kCli + " is not built"));
    m_cases = manifestCases();
    QVERIFY2(m_cases.size() >= 40, qPrintable("the manifest " + kFixtureDir + "/manifest.json is missing or short"));
}

void TstCliAttention::fixtures_data()
{
    QTest::addColumn<int>("index");
    const QJsonArray cases = manifestCases();
    for (int i = 0; i < cases.size(); ++i)
        if (cases[i].toObject().value("cli").toBool())
            QTest::newRow(qPrintable(cases[i].toObject().value("name").toString())) << i;
}

void TstCliAttention::fixtures()
{
    QFETCH(int, index);
    const QJsonObject c = m_cases[index].toObject();
    const QString src = kFixtureDir + "/" + c.value("name").toString();
    const double rtol = c.value("rtol").toDouble(), atol = c.value("atol").toDouble();
    const bool f64 = c.value("precision").toString() == "f64";
    QVERIFY(rtol > 0 && rtol <= 1e-4 && atol > 0 && atol <= 1e-4);

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QStringList args{"attention"};
    for (const auto &a : c.value("args").toArray()) {
        const QString s = a.toString();
        if (s.endsWith(".npy"))
            QVERIFY2(QFile::copy(src + "/" + s, tmp.filePath(s)), qPrintable(s));
        args << s;
    }
    args << "--scores-out" << "scores.npy" << "--weights-out" << "weights.npy" << "--output-out" << "output.npy";
    const Run r = runCli(args, tmp.path());
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(args.join(' ') + "\n" + describe(r)));
    QVERIFY2(r.out.startsWith("attention: "), qPrintable(r.out));

    // Warnings: one per head with fully masked rows, naming the rows; nothing otherwise.
    const QStringList lines = errorLines(r.err);
    if (c.value("fully_masked").toBool()) {
        QVERIFY2(!lines.isEmpty(), "no warning for fully masked rows");
        for (const auto &l : lines)
            QVERIFY2(l.startsWith("warning: head ") && l.contains("every key is masked"), qPrintable(l));
        for (const auto &hr : c.value("fully_masked_rows").toArray()) {
            const int h = hr.toArray()[0].toInt(), row = hr.toArray()[1].toInt();
            const QString prefix = QStringLiteral("warning: head %1: ").arg(h);
            bool found = false;
            for (const auto &l : lines)
                if (l.startsWith(prefix) &&
                    QRegularExpression(QStringLiteral("query rows? (\\d+, )*%1[,;]").arg(row)).match(l).hasMatch())
                    found = true;
            QVERIFY2(found, qPrintable(QStringLiteral("head %1 row %2 not named in:\n").arg(h).arg(row) + r.err));
        }
    } else {
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    }

    for (const QString &name : kOutputs) {
        const QByteArray raw = fileBytes(tmp.filePath(name));
        QVERIFY2(raw.startsWith(QByteArray("\x93NUMPY", 6)), qPrintable(name + " is not an .npy file"));
        const QByteArray head = raw.left(256);
        QVERIFY2(head.contains(f64 ? "'descr': '<f8'" : "'descr': '<f4'"), head.constData());
        QVERIFY2(head.contains("'fortran_order': False"), head.constData());
    }
    auto gotScores = readNpy(tmp.filePath("scores.npy").toStdString());
    auto gotWeights = readNpy(tmp.filePath("weights.npy").toStdString());
    auto gotOutput = readNpy(tmp.filePath("output.npy").toStdString());
    auto expScores = readNpy((src + "/scores.npy").toStdString());
    auto expWeights = readNpy((src + "/weights.npy").toStdString());
    auto expOutput = readNpy((src + "/output.npy").toStdString());
    QVERIFY(gotScores.ok() && gotWeights.ok() && gotOutput.ok());
    QVERIFY(expScores.ok() && expWeights.ok() && expOutput.ok());
    const DType want = f64 ? DType::F64 : DType::F32;
    QVERIFY(gotScores->dtype == want && gotWeights->dtype == want && gotOutput->dtype == want);

    QString diff = compareTensors("scores", *expScores, *gotScores, rtol, atol);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    diff = compareTensors("weights", *expWeights, *gotWeights, rtol, atol, &*expScores);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    diff = compareTensors("output", *expOutput, *gotOutput, rtol, atol);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // Nothing but the inputs and the three outputs (no temporary files left behind).
    const QStringList files = QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const auto &f : files)
        QVERIFY2(kOutputs.contains(f) || args.contains(f), qPrintable("unexpected file " + f));
}

void TstCliAttention::onlyRequestedOutputs()
{
    const QString src = kFixtureDir + "/heads_3d_f32";
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    for (const char *f : {"q.npy", "k.npy", "v.npy"})
        QVERIFY(QFile::copy(src + "/" + f, tmp.filePath(f)));
    const Run r = runCli({"attention", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--weights-out", "w.npy"}, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name),
             (QStringList{"k.npy", "q.npy", "v.npy", "w.npy"}));
    auto got = readNpy(tmp.filePath("w.npy").toStdString());
    auto exp = readNpy((src + "/weights.npy").toStdString());
    QVERIFY(got.ok() && exp.ok());
    const QString diff = compareTensors("weights", *exp, *got, 1e-5, 1e-6);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TstCliAttention::causalWithMaskTensor()
{
    // The usage says masks combine. `--mask causal --mask FILE` must either apply both (the
    // reference is the engine-only fixture causal_bool_padding_f64) or refuse with an error; it
    // must not silently drop one of them.
    const QString src = kFixtureDir + "/causal_bool_padding_f64";
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    for (const char *f : {"q.npy", "k.npy", "v.npy", "mask.npy", "key-padding.npy"})
        QVERIFY(QFile::copy(src + "/" + f, tmp.filePath(f)));
    QStringList problems;
    for (const QStringList &order : {QStringList{"causal", "mask.npy"}, QStringList{"mask.npy", "causal"}}) {
        const QString how = "--mask " + order.join(" --mask ");
        const Run r = runCli({"attention", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--mask", order[0], "--mask",
                              order[1], "--key-padding", "key-padding.npy", "--precision", "f64", "--weights-out", "w.npy"},
                             tmp.path());
        if (r.exitCode == 2) {
            if (errorLines(r.err).size() != 1 || !r.err.startsWith("error:") || QFile::exists(tmp.filePath("w.npy")))
                problems << how + ": refused, but not with exactly one error line and no output";
            continue;
        }
        if (r.exitCode != 0) {
            problems << how + ": " + describe(r);
            continue;
        }
        auto got = readNpy(tmp.filePath("w.npy").toStdString());
        auto exp = readNpy((src + "/weights.npy").toStdString());
        auto scores = readNpy((src + "/scores.npy").toStdString());
        QVERIFY(got.ok() && exp.ok() && scores.ok());
        const QString diff = compareTensors("weights", *exp, *got, 1e-9, 1e-12, &*scores);
        if (!diff.isEmpty())
            problems << how + ": exit 0 but a mask was dropped: " + diff;
        QFile::remove(tmp.filePath("w.npy"));
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
}

void TstCliAttention::topLevelHelp()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const Run r = runCli({"--help"}, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY(r.out.contains("Usage: attnscope-cli COMMAND"));
    QVERIFY(r.out.contains("attention"));
    QVERIFY(r.out.contains("attnscope-cli COMMAND --help"));
    QVERIFY(r.err.isEmpty());
}

void TstCliAttention::attentionHelp()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const Run r = runCli({"attention", "--help"}, tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY(r.err.isEmpty());
    QVERIFY(r.out.contains("Usage: attnscope-cli attention"));
    // Each option in the option list (QCommandLineParser shows one-letter names as "-q"), and in
    // its long form somewhere in the text (the usage lines write "--q TENSOR").
    const QString optionList = r.out.mid(r.out.indexOf("Options:"));
    QVERIFY(r.out.indexOf("Options:") > 0);
    for (const char *opt : {"q", "k", "v", "x", "wq", "wk", "wv", "context", "heads", "batch", "scale", "mask",
                            "key-padding", "precision", "scores-out", "weights-out", "output-out", "memory-budget", "help"}) {
        const QString name = QString::fromLatin1(opt);
        const QRegularExpression listed(QStringLiteral("^\\s+(-\\w, )?--?%1( <|\\s)").arg(QRegularExpression::escape(name)),
                                        QRegularExpression::MultilineOption);
        QVERIFY2(listed.match(optionList).hasMatch(), qPrintable(name + " is not in the option list of --help"));
        QVERIFY2(QRegularExpression(QStringLiteral("--%1\\b").arg(QRegularExpression::escape(name))).match(r.out).hasMatch(),
                 qPrintable("--" + name + " is not in --help"));
    }
    for (const char *word : {"causal", "sqrt", "dim", "none", "f32", "f64", "floor(h·Hkv/Hq)", "Exit status"})
        QVERIFY2(r.out.contains(QString::fromUtf8(word)), word);
}

void TstCliAttention::failingRunLeavesFilesAlone_data()
{
    // Each row writes its own inputs (shapes below), then runs with all three outputs named while
    // scores.npy, weights.npy and output.npy already exist.
    QTest::addColumn<QStringList>("extraArgs");
    QTest::addColumn<QList<qint64>>("kShape");
    QTest::addColumn<QString>("outputDir"); ///< where --output-out goes ("" = beside the others)
    QTest::addColumn<QString>("mentions");  ///< the error line must contain this

    QTest::newRow("d of Q and K differ") << QStringList{} << QList<qint64>{5, 2} << QString() << "k.npy";
    QTest::newRow("mask of the wrong shape") << QStringList{"--mask", "mask.npy"} << QList<qint64>{5, 3} << QString()
                                             << "mask.npy";
    QTest::newRow("key padding of the wrong length") << QStringList{"--key-padding", "pad.npy"} << QList<qint64>{5, 3}
                                                     << QString() << "pad.npy";
    QTest::newRow("over the memory budget") << QStringList{"--memory-budget", "100"} << QList<qint64>{5, 3} << QString()
                                            << "memory budget";
    QTest::newRow("--heads does not divide d") << QStringList{"--heads", "2"} << QList<qint64>{5, 3} << QString()
                                               << "--heads";
    // Scores and weights are written to temporary files before the output fails: they must go.
    QTest::newRow("output directory missing") << QStringList{} << QList<qint64>{5, 3} << "no/such/dir" << "no/such/dir";
}

void TstCliAttention::failingRunLeavesFilesAlone()
{
    QFETCH(QStringList, extraArgs);
    QFETCH(QList<qint64>, kShape);
    QFETCH(QString, outputDir);
    QFETCH(QString, mentions);

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const Shape k(kShape.begin(), kShape.end());
    QVERIFY(writeNpy(tmp.filePath("q.npy"), {4, 3}));
    QVERIFY(writeNpy(tmp.filePath("k.npy"), k));
    QVERIFY(writeNpy(tmp.filePath("v.npy"), {5, 2}));
    QVERIFY(writeNpy(tmp.filePath("mask.npy"), {4, 4}, true)); // Tk is 5
    QVERIFY(writeNpy(tmp.filePath("pad.npy"), {4}, true));
    // Existing outputs, deliberately not .npy content.
    QMap<QString, QByteArray> before;
    for (const QString &name : kOutputs) {
        const QByteArray content = "existing " + name.toUtf8() + " content\n";
        QVERIFY(writeBytes(tmp.filePath(name), content));
        before[name] = content;
    }
    const QStringList filesBefore = QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden | QDir::AllDirs | QDir::NoDotAndDotDot);

    const QString outputPath = outputDir.isEmpty() ? QStringLiteral("output.npy") : outputDir + "/output.npy";
    QStringList args{"attention", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy", "--scores-out", "scores.npy",
                     "--weights-out", "weights.npy", "--output-out", outputPath};
    args += extraArgs;
    const Run r = runCli(args, tmp.path());
    QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(describe(r)));
    const QStringList lines = errorLines(r.err);
    QVERIFY2(lines.size() == 1 && lines[0].startsWith("error: "), qPrintable(r.err));
    QVERIFY2(lines[0].contains(mentions), qPrintable(r.err));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));

    for (const QString &name : kOutputs)
        QVERIFY2(fileBytes(tmp.filePath(name)) == before[name], qPrintable(name + " changed"));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden | QDir::AllDirs | QDir::NoDotAndDotDot), filesBefore);
}

QTEST_GUILESS_MAIN(TstCliAttention)
#include "tst_cli_attention.moc"
