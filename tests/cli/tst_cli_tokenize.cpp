// attnscope-cli tokenize, the real executable: its one line of JSON is byte for byte what
// JavaScript's JSON.stringify makes of the reference ids and tokens (tests/tokenizers/
// reference.mjs: @lenml/tokenizers on Qwen3's and our BERT tokenizer.json, gpt-3-encoder for
// GPT-2's vocab.json + merges.txt); --text-file (BOM, final newline), empty text, and errors.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "cli_run.h"
#include "test_files.h"

using namespace attnscope::test;

namespace {

const QString kRefDir = QStringLiteral(ATTNSCOPE_TOKENIZER_REF_DIR);
const QString kBert = QStringLiteral(ATTNSCOPE_SOURCE_DIR "/tests/tokenizers/bert");

QJsonObject readJson(const QString &path) { return attnscope::test::jsonObjectFile(path); }

} // namespace

class TstCliTokenize : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        return attnscope::test::writeInDir(QDir(m_dir.path()), name, bytes);
    }

    /// Runs tokenize and checks it succeeded with exactly one line on stdout and nothing on stderr.
    QString tokenize(const QStringList &args)
    {
        const Run r = runCli(QStringList{"tokenize"} + args, m_dir.path());
        if (r.crashed || r.exitCode != 0 || !r.err.isEmpty() || r.out.count('\n') != 1 || !r.out.endsWith('\n'))
            return "FAILED: exit " + QString::number(r.exitCode) + " out " + r.out + " err " + r.err;
        return r.out.chopped(1);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void matchesReference_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("model");  // empty: the reference's tokenizer path
        QTest::addColumn<int>("stride");     // every stride-th case (Qwen3 takes a second to load)
        QTest::newRow("qwen3 tokenizer.json file") << "qwen3" << QString() << 7;
        QTest::newRow("bert folder") << "bert" << kBert << 1;
        QTest::newRow("gpt2 vocab.json + merges.txt") << "gpt2" << QString() << 3;
    }

    void matchesReference()
    {
        QFETCH(QString, name);
        QFETCH(QString, model);
        QFETCH(int, stride);
        const QJsonObject ref = readJson(kRefDir + "/" + name + ".json");
        if (model.isEmpty())
            model = ref.value("tokenizer").toString();
        const QJsonArray cases = ref.value("cases").toArray();
        int checked = 0;
        for (qsizetype i = 0; i < cases.size(); i += stride) {
            const QJsonObject c = cases.at(i).toObject();
            const QString text = c.value("text").toString();
            if (text.isEmpty())
                continue;  // the command prints no tokens for empty text (emptyText)
            QStringList args{"--model", model, "--text", text};
            if (!c.value("special").toBool())
                args << "--no-special";
            QCOMPARE(tokenize(args), c.value("line").toString());
            ++checked;
        }
        QVERIFY(checked >= 8);
    }

    /// --text-file: UTF-8, the BOM removed, the final newline part of the text.
    void textFile()
    {
        const QString plain = writeFile("plain.txt", "Hello world\n");
        const QString bom = writeFile("bom.txt", "\xEF\xBB\xBFHello world\n");
        const QString model = kRefDir + "/gpt2";
        const QString viaText = tokenize({"--model", model, "--text", "Hello world\n"});
        QCOMPARE(viaText, QString("{\"ids\":[15496,995,198],\"tokens\":[\"Hello\",\"Ġworld\",\"Ċ\"]}"));
        QCOMPARE(tokenize({"--model", model, "--text-file", plain}), viaText);
        QCOMPARE(tokenize({"--model", model, "--text-file", bom}), viaText);
    }

    void emptyText()
    {
        const QString empty = writeFile("empty.txt", "");
        const QString bomOnly = writeFile("bom-only.txt", "\xEF\xBB\xBF");
        const QString expected = "{\"ids\":[],\"tokens\":[]}";
        QCOMPARE(tokenize({"--model", kBert, "--text", ""}), expected);
        QCOMPARE(tokenize({"--model", kBert, "--text-file", empty}), expected);
        QCOMPARE(tokenize({"--model", kBert, "--text-file", bomOnly, "--no-special"}), expected);
    }

    /// Quotes, backslashes and control characters escaped, non-ASCII kept as UTF-8.
    void jsonEscapes()
    {
        const QString out = tokenize({"--model", kBert, "--text", "a \"b\" \\ 我", "--no-special"});
        QCOMPARE(out, QString::fromUtf8("{\"ids\":[48,6,49,6,28,218],\"tokens\":[\"a\",\"\\\"\",\"b\",\"\\\"\",\"\\\\\",\"我\"]}"));
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no model") << QStringList{"--text", "x"} << "tokenize needs --model DIR";
        QTest::newRow("no text") << QStringList{"--model", kBert} << "give exactly one of --text and --text-file";
        QTest::newRow("both texts") << QStringList{"--model", kBert, "--text", "x", "--text-file", "y"}
                                    << "give exactly one of --text and --text-file";
        QTest::newRow("missing folder") << QStringList{"--model", "/nonexistent/model", "--text", "x"}
                                        << "/nonexistent/model: no such file or folder";
        QTest::newRow("missing text file") << QStringList{"--model", kBert, "--text-file", "/nonexistent/t.txt"}
                                           << "/nonexistent/t.txt: cannot read";
        QTest::newRow("unknown option") << QStringList{"--model", kBert, "--text", "x", "--bogus"} << "Unknown option 'bogus'";
    }

    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = runCli(QStringList{"tokenize"} + args, m_dir.path());
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
        QVERIFY2(r.err.startsWith("error: ") && r.err.count('\n') == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    }

    /// Files: errors name them.
    void badFiles()
    {
        const QString broken = writeFile("broken/tokenizer.json", "{\"model\": ");
        Run r = runCli({"tokenize", "--model", m_dir.filePath("broken"), "--text", "x"}, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith("error: " + broken + ": broken JSON at byte offset"), qPrintable(r.err));
        const QString badUtf8 = writeFile("bad.txt", "ok\n\xC3\x28");
        r = runCli({"tokenize", "--model", kBert, "--text-file", badUtf8}, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith("error: " + badUtf8 + ": invalid UTF-8 at byte offset 3"), qPrintable(r.err));
        r = runCli({"tokenize", "--model", kBert, "--text", "x", "--memory-budget", "1K"}, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("memory budget"), qPrintable(r.err));
    }

    void listedInHelp()
    {
        const Run r = runCli({"--help"}, m_dir.path());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("  tokenize    "));
        const Run h = runCli({"tokenize", "--help"}, m_dir.path());
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("--no-special"));
    }
};

QTEST_GUILESS_MAIN(TstCliTokenize)
#include "tst_cli_tokenize.moc"
