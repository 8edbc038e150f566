// Text input: strict UTF-8 with the byte offset of the first bad sequence, the sentence tokenizer
// (Unicode word boundaries: contractions, Korean and katakana words, Han and hiragana one per
// character, emoji graphemes, format characters dropped), and token files (BOM, CRLF, blank
// lines, the Auto rule), every failure naming the file.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QTest>

#include "memory_budget.h"
#include "text.h"
#include "test_files.h"

using namespace attnscope;

Q_DECLARE_METATYPE(attnscope::TokenMode)

namespace {

/// Expected tokens written space-separated (no expected token holds a space).
QStringList toks(const char *spaced) { return QString::fromUtf8(spaced).split(u' ', Qt::SkipEmptyParts); }

QStringList toList(const std::vector<std::string> &v)
{
    QStringList out;
    for (const auto &s : v)
        out << QString::fromStdString(s);
    return out;
}

std::string_view view(const QByteArray &b) { return std::string_view(b.constData(), std::size_t(b.size())); }

} // namespace

class TstText : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        return attnscope::test::writeInDir(QDir(m_dir.path()), name, bytes);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void tokenize_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("english punctuation and contractions")
            << QString::fromUtf8("Hello, world! I don't like rock'n'roll.")
            << toks("Hello , world ! I don't like rock'n'roll .");
        QTest::newRow("typographic apostrophe") << QString::fromUtf8("We can’t — they’re “late”")
                                                << toks("We can’t — they’re “ late ”");
        QTest::newRow("quotes are not apostrophes") << QString::fromUtf8("'quoted' the students' work")
                                                    << toks("' quoted ' the students ' work");
        QTest::newRow("numbers keep their separators") << QString::fromUtf8("Pi is 3.14, about $1,000.50 (approx.)")
                                                       << toks("Pi is 3.14 , about $ 1,000.50 ( approx . )");
        QTest::newRow("hyphens split") << QString::fromUtf8("state-of-the-art") << toks("state - of - the - art");
        QTest::newRow("whitespace of all kinds") << QString::fromUtf8(" a\tb\r\nc\u00A0d\u3000e ")
                                                 << toks("a b c d e");
        QTest::newRow("combining accent stays in the word") << QString::fromUtf8("cafe\u0301 ok")
                                                            << QStringList{QString::fromUtf8("cafe\u0301"), "ok"};
        QTest::newRow("chinese: one token per character")
            << QString::fromUtf8("我爱北京天安门。你好，世界！")
            << toks("我 爱 北 京 天 安 门 。 你 好 ， 世 界 ！");
        QTest::newRow("japanese: katakana word, kanji and hiragana one each")
            << QString::fromUtf8("東京タワーに行きました。") << toks("東 京 タワー に 行 き ま し た 。");
        QTest::newRow("katakana word with the long-vowel mark") << QString::fromUtf8("コンピュータ")
                                                                << toks("コンピュータ");
        QTest::newRow("halfwidth katakana word") << QString::fromUtf8("ｶﾀｶﾅ") << toks("ｶﾀｶﾅ");
        QTest::newRow("hiragana one per character") << QString::fromUtf8("ひらがな") << toks("ひ ら が な");
        QTest::newRow("korean word") << QString::fromUtf8("안녕하세요") << toks("안녕하세요");
        QTest::newRow("korean words and punctuation") << QString::fromUtf8("안녕 하세요. 한국어 문장!")
                                                      << toks("안녕 하세요 . 한국어 문장 !");
        QTest::newRow("bopomofo run is a word") << QString::fromUtf8("ㄅㄆㄇ 注音") << toks("ㄅㄆㄇ 注 音");
        QTest::newRow("apostrophe after digits splits") << QString::fromUtf8("the 90's") << toks("the 90 ' s");
        QTest::newRow("full stop between letters splits") << QString::fromUtf8("e.g. this") << toks("e . g . this");
        QTest::newRow("latin next to cjk") << QString::fromUtf8("I love 東京2024!")
                                           << toks("I love 東 京 2024 !");
        QTest::newRow("emoji with variation selector and skin tone")
            << QString::fromUtf8("I ❤️ you👍🏽") << toks("I ❤️ you 👍🏽");
        QTest::newRow("zwj family is one token") << QString::fromUtf8("family:👨‍👩‍👧‍👦!")
                                                 << toks("family : 👨‍👩‍👧‍👦 !");
        QTest::newRow("flags pair regional indicators") << QString::fromUtf8("🇯🇵🇫🇷 🇩") << toks("🇯🇵 🇫🇷 🇩");
        QTest::newRow("subdivision flag with tags") << QString::fromUtf8("🏴󠁧󠁢󠁳󠁣󠁴󠁿x") << toks("🏴󠁧󠁢󠁳󠁣󠁴󠁿 x");
        QTest::newRow("keycap") << QString::fromUtf8("press 1️⃣") << toks("press 1️⃣");
        QTest::newRow("consecutive emoji are separate") << QString::fromUtf8("😀😀") << toks("😀 😀");
        // Format characters (Cf) never become tokens, never split a word, and are dropped from it.
        QTest::newRow("soft hyphen inside a word") << QString::fromUtf8("co\u00ADoperate now")
                                                   << toks("cooperate now");
        QTest::newRow("zero-width space inside a word") << QString::fromUtf8("zero\u200Bwidth")
                                                        << toks("zerowidth");
        QTest::newRow("zero-width space inside a korean word") << QString::fromUtf8("안녕\u200B하세요")
                                                               << toks("안녕하세요");
        QTest::newRow("soft hyphen inside a katakana word") << QString::fromUtf8("コン\u00ADピュータ")
                                                            << toks("コンピュータ");
        QTest::newRow("direction marks around and inside words")
            << QString::fromUtf8("\u200Eabc\u200F de\u200Ef") << toks("abc def");
        QTest::newRow("embeddings and overrides") << QString::fromUtf8("\u202Aleft\u202C \u202Bri\u202Dght\u202E!\u202C")
                                                  << toks("left right !");
        QTest::newRow("isolates") << QString::fromUtf8("\u2066iso\u2069 \u2068late\u2069") << toks("iso late");
        QTest::newRow("word joiner and invisible operators")
            << QString::fromUtf8("word\u2060joiner a\u2061b x \u2062 \u2063 \u2064 y")
            << toks("wordjoiner ab x y");
        QTest::newRow("stray BOM inside and alone") << QString::fromUtf8("\uFEFFbom in\uFEFFside \uFEFF")
                                                    << toks("bom inside");
        QTest::newRow("format characters alone are no tokens")
            << QString::fromUtf8("\u00AD \u200B\u200E \u200D \u200C \u2060") << QStringList{};
        QTest::newRow("format characters next to punctuation") << QString::fromUtf8("hi\u200B,\u00AD!")
                                                               << toks("hi , !");
        QTest::newRow("zwnj stays inside a persian word")
            << QString::fromUtf8("می\u200Cخواهم") << QStringList{QString::fromUtf8("می\u200Cخواهم")};
        QTest::newRow("joiners at a word's edges are dropped") << QString::fromUtf8("\u200Dab\u200D cd\u200C")
                                                               << toks("ab cd");
        QTest::newRow("zwsp between emoji") << QString::fromUtf8("😀\u200B😀 🇯\u200B🇵")
                                            << toks("😀 😀 🇯🇵");
        QTest::newRow("control characters separate") << QString::fromUtf8("a\x01" "b\x7F" "c") << toks("a b c");
        QTest::newRow("only whitespace") << QString::fromUtf8(" \t\r\n ") << QStringList{};
        QTest::newRow("empty") << QString() << QStringList{};
    }

    void tokenize()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        QCOMPARE(toList(tokenizeSentence(text)), expected);
    }

    void decodeValid_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ascii") << QByteArray("hello") << QStringLiteral("hello");
        QTest::newRow("empty") << QByteArray() << QString();
        QTest::newRow("bom is dropped") << QByteArray("\xEF\xBB\xBFhi") << QStringLiteral("hi");
        QTest::newRow("only a bom") << QByteArray("\xEF\xBB\xBF") << QString();
        QTest::newRow("cjk") << QByteArray("\xE4\xB8\xAD\xE6\x96\x87") << QString::fromUtf8("中文");
        QTest::newRow("emoji, 4 bytes") << QByteArray("\xF0\x9F\x98\x80") << QString::fromUtf8("😀");
        QTest::newRow("U+0080, smallest 2-byte") << QByteArray("\xC2\x80") << QString(QChar(0x80));
        QTest::newRow("U+0800, smallest 3-byte") << QByteArray("\xE0\xA0\x80") << QString(QChar(0x800));
        QTest::newRow("U+D7FF, before the surrogates") << QByteArray("\xED\x9F\xBF") << QString(QChar(0xD7FF));
        QTest::newRow("U+E000, after the surrogates") << QByteArray("\xEE\x80\x80") << QString(QChar(0xE000));
        QTest::newRow("U+10000, smallest 4-byte") << QByteArray("\xF0\x90\x80\x80")
                                                  << QString::fromUcs4(U"\U00010000", 1);
        QTest::newRow("U+10FFFF, the last") << QByteArray("\xF4\x8F\xBF\xBF") << QString::fromUcs4(U"\U0010FFFF", 1);
        QTest::newRow("NUL is valid") << QByteArray("a\0b", 3) << QString::fromUtf16(u"a\0b", 3);
    }

    void decodeValid()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const auto r = decodeUtf8(view(bytes), "t.txt");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(*r, expected);
    }

    void decodeInvalid_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("problem");
        QTest::newRow("lone continuation byte") << QByteArray("ab\x80") << 2 << 1 << "continuation byte 0x80 without";
        QTest::newRow("continuation after a complete char") << QByteArray("\xC3\xA9\xA9") << 2 << 1 << "continuation byte 0xA9";
        QTest::newRow("overlong 2-byte slash") << QByteArray("a\xC0\xAF") << 1 << 1 << "overlong";
        QTest::newRow("overlong 2-byte C1") << QByteArray("a\xC1\xBF") << 1 << 1 << "overlong";
        QTest::newRow("overlong 3-byte") << QByteArray("xy\xE0\x80\xAF") << 2 << 1 << "overlong encoding (0xE0 0x80)";
        QTest::newRow("overlong 4-byte") << QByteArray("\xF0\x8F\xBF\xBF") << 0 << 1 << "overlong";
        QTest::newRow("high surrogate") << QByteArray("abc\xED\xA0\x80") << 3 << 1 << "surrogate";
        QTest::newRow("low surrogate") << QByteArray("abc\xED\xBF\xBF") << 3 << 1 << "surrogate";
        QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0 << 1 << "above U+10FFFF";
        QTest::newRow("F5 never occurs") << QByteArray("ok\xF5\x80\x80\x80") << 2 << 1 << "byte 0xF5 never occurs";
        QTest::newRow("FF never occurs") << QByteArray("line1\nli\xFFne") << 8 << 2 << "byte 0xFF";
        QTest::newRow("truncated final 3-byte") << QByteArray("ok \xE4\xB8") << 3 << 1 << "cut short by the end";
        QTest::newRow("truncated final 4-byte emoji") << QByteArray("hi\n\n\xF0\x9F\x98") << 4 << 3 << "cut short";
        QTest::newRow("lead byte alone at the end") << QByteArray("end\xC3") << 3 << 1 << "cut short";
        QTest::newRow("lead followed by ascii") << QByteArray("\xE4\x41\x42") << 0 << 1 << "followed by 0x41";
        QTest::newRow("offset counts the bom") << QByteArray("\xEF\xBB\xBF\x80") << 3 << 1 << "continuation";
        QTest::newRow("latin-1 text") << QByteArray("caf\xE9 au lait") << 3 << 1 << "followed by 0x20";
    }

    void decodeInvalid()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, offset);
        QFETCH(int, line);
        QFETCH(QString, problem);
        const auto r = decodeUtf8(view(bytes), "words.txt");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::BadFormat);
        const QString msg = QString::fromStdString(r.error().message);
        const QString prefix = QStringLiteral("words.txt: invalid UTF-8 at byte offset %1 (line %2): ").arg(offset).arg(line);
        QVERIFY2(msg.startsWith(prefix), qPrintable(msg));
        QVERIFY2(msg.contains(problem), qPrintable(msg));
    }

    /// Our validator and Qt's stateless decoder agree on what is valid, over random byte strings
    /// biased towards the tricky lead and continuation bytes.
    void decodeAgreesWithQt()
    {
        QRandomGenerator rng(20240611);
        const unsigned char interesting[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
                                             0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
        int valid = 0;
        for (int trial = 0; trial < 20000; ++trial) {
            QByteArray b;
            const int len = int(rng.bounded(1, 7));
            for (int i = 0; i < len; ++i)
                b.append(char(rng.bounded(2) ? interesting[rng.bounded(int(sizeof interesting))] : rng.bounded(256)));
            QStringDecoder dec(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
            const QString viaQt = dec.decode(b);
            const auto ours = decodeUtf8(view(b), "r");
            QVERIFY2(ours.ok() == !dec.hasError(), b.toHex().constData());
            if (ours.ok()) {
                ++valid;
                QCOMPARE(*ours, b.startsWith("\xEF\xBB\xBF") ? viaQt.mid(viaQt.startsWith(QChar(0xFEFF)) ? 1 : 0) : viaQt);
            }
        }
        QVERIFY(valid > 1000); // both outcomes were exercised
    }

    void tokenFile_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<TokenMode>("mode");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("crlf one per line") << QByteArray("hello\r\nworld\r\n") << TokenMode::OneTokenPerLine
                                           << toks("hello world");
        QTest::newRow("crlf, auto") << QByteArray("hello\r\nworld\r\n") << TokenMode::Auto << toks("hello world");
        QTest::newRow("bom is not part of the first token") << QByteArray("\xEF\xBB\xBFthe\ncat\n") << TokenMode::Auto
                                                            << toks("the cat");
        QTest::newRow("no final newline") << QByteArray("a\nb") << TokenMode::OneTokenPerLine << toks("a b");
        QTest::newRow("blank lines skipped") << QByteArray("a\n\n  \r\nb\n\n") << TokenMode::OneTokenPerLine
                                             << toks("a b");
        QTest::newRow("surrounding spaces trimmed") << QByteArray("  a \n\tb\t\n") << TokenMode::OneTokenPerLine
                                                    << toks("a b");
        QTest::newRow("token with a space, forced per line") << QByteArray("New York\nParis\n")
                                                             << TokenMode::OneTokenPerLine
                                                             << QStringList{"New York", "Paris"};
        QTest::newRow("punctuation lines, auto per line") << QByteArray("Hello\n,\nworld\n!\n") << TokenMode::Auto
                                                          << toks("Hello , world !");
        QTest::newRow("subword pieces, auto per line") << QByteArray("un\n##believ\n##able\n") << TokenMode::Auto
                                                       << toks("un ##believ ##able");
        QTest::newRow("prose, auto sentence") << QByteArray("The cat sat.\nIt purred.\n") << TokenMode::Auto
                                              << toks("The cat sat . It purred .");
        QTest::newRow("single line, auto sentence") << QByteArray("don't stop\n") << TokenMode::Auto
                                                    << toks("don't stop");
        QTest::newRow("single word, auto") << QByteArray("word,\n") << TokenMode::Auto << toks("word ,");
        QTest::newRow("chinese per line") << QByteArray("你好\n世界\n") << TokenMode::OneTokenPerLine
                                          << toks("你好 世界");
        QTest::newRow("chinese as a sentence") << QByteArray("你好\n世界\n") << TokenMode::Sentence
                                               << toks("你 好 世 界");
        QTest::newRow("emoji per line") << QByteArray("👨‍👩‍👧\n🇯🇵\n") << TokenMode::Auto << toks("👨‍👩‍👧 🇯🇵");
    }

    void tokenFile()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(TokenMode, mode);
        QFETCH(QStringList, expected);
        const QString path = writeFile(QStringLiteral("tokens.txt"), bytes);
        const auto r = readTokenFile(path.toStdString(), mode);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(toList(*r), expected);
    }

    void tokenFileErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("problem");
        QTest::newRow("invalid utf-8 names file and offset") << QByteArray("good\nbad \xC0\xAF\n")
                                                             << "invalid UTF-8 at byte offset 9 (line 2): overlong";
        QTest::newRow("truncated at the end") << QByteArray("a\nb\n\xE2\x82") << "invalid UTF-8 at byte offset 4 (line 3)";
        QTest::newRow("empty file") << QByteArray() << "holds no tokens";
        QTest::newRow("bom and blank lines only") << QByteArray("\xEF\xBB\xBF\r\n\r\n") << "holds no tokens";
    }

    void tokenFileErrors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, problem);
        const QString path = writeFile(QStringLiteral("broken tokens.txt"), bytes);
        const auto r = readTokenFile(path.toStdString());
        QVERIFY(!r.ok());
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
        QVERIFY2(msg.contains(problem), qPrintable(msg));
    }

    void tokenFileMissingOrHuge()
    {
        const std::string missing = m_dir.filePath("nope.txt").toStdString();
        auto r = readTokenFile(missing);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::FileNotFound);
        QVERIFY(r.error().message.find(missing) == 0);

        r = readTokenFile(m_dir.path().toStdString());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find("directory") != std::string::npos, r.error().message.c_str());

        // A sparse file just over the limit is refused from its size, before reading.
        const QString big = m_dir.filePath("big.txt");
        QFile f(big);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(kMaxTokenFileBytes) + 1));
        f.close();
        r = readTokenFile(big.toStdString());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::OverBudget);
        QVERIFY2(r.error().message.find(big.toStdString() + ": ") == 0, r.error().message.c_str());
    }

    /// Millions of one-letter tokens cost a std::string each: counted and checked against the
    /// memory budget before they are made, in both modes.
    void tokensOverBudget_data()
    {
        QTest::addColumn<TokenMode>("mode");
        QTest::newRow("sentence") << TokenMode::Sentence;
        QTest::newRow("one per line") << TokenMode::OneTokenPerLine;
    }

    void tokensOverBudget()
    {
        QFETCH(TokenMode, mode);
        QByteArray many;
        for (int i = 0; i < 300000; ++i)
            many += mode == TokenMode::Sentence ? "a " : "a\n";
        const auto restore = qScopeGuard([] { setMemoryBudget(0); });
        setMemoryBudget(heapInUse() + (std::uint64_t(4) << 20)); // 300,000 × 32 bytes does not fit 4 MiB
        const auto r = parseTokens(view(many), "many.txt", mode);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::OverBudget);
        const std::string &msg = r.error().message;
        QVERIFY2(msg.rfind("many.txt: 300000 tokens needs ", 0) == 0, msg.c_str());
        const auto few = parseTokens("a\nb\nc\n", "few.txt", mode); // what fits is still read
        QVERIFY2(few.ok(), few.ok() ? "" : few.error().message.c_str());
        QCOMPARE(toList(*few), toks("a b c"));
    }

    void detectMode()
    {
        QCOMPARE(detectTokenMode("a\nb\n"), TokenMode::OneTokenPerLine);
        QCOMPARE(detectTokenMode("a b\nc\n"), TokenMode::Sentence);
        QCOMPARE(detectTokenMode("a\n\n"), TokenMode::Sentence); // a single line is running text
        QCOMPARE(detectTokenMode("  a  \n  b  \n"), TokenMode::OneTokenPerLine); // outer spaces do not count
    }
};

QTEST_GUILESS_MAIN(TstText)
#include "tst_text.moc"
