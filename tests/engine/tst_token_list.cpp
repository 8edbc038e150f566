// Token lists (engine/math/token_list.h): indices, #N, =TEXT, texts matched exactly and
// case-sensitively against the tokens as stored, and errors naming every item at fault.
// Every expectation is worked out by hand from the token lists below.

#include <QtTest>

#include "token_list.h"

using namespace attnscope;

namespace {

using Strings = std::vector<std::string>;
using Ints = std::vector<int>;

// 0 [CLS] 1 the 2 Ġcat 3 ##s 4 2024 5 , 6 [SEP] 7 the 8 [SEP]
const Strings kTokens = {"[CLS]", "the", "\xC4\xA0" "cat", "##s", "2024", ",", "[SEP]", "the", "[SEP]"};

} // namespace

class TstTokenList : public QObject {
    Q_OBJECT
private slots:
    void resolves_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QVector<int>>("expected");
        QTest::newRow("empty") << "" << QVector<int>{};
        QTest::newRow("blank") << "  " << QVector<int>{};
        QTest::newRow("indices") << "3,0" << QVector<int>{0, 3};
        QTest::newRow("hash") << "#5" << QVector<int>{5};
        QTest::newRow("spaces") << " [CLS] , #1 " << QVector<int>{0, 1};
        QTest::newRow("every occurrence") << "[SEP]" << QVector<int>{6, 8};
        QTest::newRow("text twice, once") << "the,the,1" << QVector<int>{1, 7};
        QTest::newRow("number-like token") << "=2024" << QVector<int>{4};
        QTest::newRow("digits are an index") << "4" << QVector<int>{4};
        QTest::newRow("markers as stored") << QString::fromUtf8("\xC4\xA0" "cat,##s") << QVector<int>{2, 3};
        QTest::newRow("last index") << "8" << QVector<int>{8};
    }
    void resolves()
    {
        QFETCH(QString, list);
        QFETCH(QVector<int>, expected);
        auto got = resolveTokenList(list.toStdString(), kTokens, std::int64_t(kTokens.size()));
        QVERIFY2(got.ok(), got.ok() ? "" : got.error().message.c_str());
        QCOMPARE(QVector<int>(got->begin(), got->end()), expected);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("missing text") << "[CLS],[PAD]" << QStringList{"'[PAD]' is not among the tokens"};
        QTest::newRow("case-sensitive") << "[cls]" << QStringList{"'[cls]'"};
        QTest::newRow("merged word is not a token") << "cats" << QStringList{"'cats'"};
        QTest::newRow("marker needed") << "cat" << QStringList{"'cat'"};
        QTest::newRow("out of range") << "9" << QStringList{"index '9' is out of range (0..8)"};
        QTest::newRow("hash out of range") << "#12" << QStringList{"'#12'", "(0..8)"};
        QTest::newRow("every item named") << "x,#99,y" << QStringList{"'x'", "'#99'", "'y'"};
        QTest::newRow("empty item") << "1,,2" << QStringList{"an empty item"};
        QTest::newRow("hash text") << "#a" << QStringList{"'#a' is not among the tokens"};
        QTest::newRow("bare =") << "=" << QStringList{"'=' names no token"};
        QTest::newRow("huge index") << "99999999999999999999" << QStringList{"out of range"};
    }
    void errors()
    {
        QFETCH(QString, list);
        QFETCH(QStringList, mentions);
        auto got = resolveTokenList(list.toStdString(), kTokens, std::int64_t(kTokens.size()));
        QVERIFY(!got.ok());
        QCOMPARE(got.error().code, Error::Code::BadArgument);
        const QString message = QString::fromStdString(got.error().message);
        for (const QString &m : mentions)
            QVERIFY2(message.contains(m), qPrintable(message));
    }

    void ambiguousNumber()
    {
        // A token "2024" among 2 tokens: the digits are an index out of range, and a token.
        const Strings tokens = {"in", "2024"};
        auto got = resolveTokenList("2024", tokens, 2);
        QVERIFY(!got.ok());
        const QString message = QString::fromStdString(got.error().message);
        QVERIFY2(message.contains("'2024' is ambiguous") && message.contains("=2024"), qPrintable(message));
        auto text = resolveTokenList("=2024", tokens, 2);
        QVERIFY(text.ok());
        QCOMPARE(text.value(), Ints{1});
    }

    void withoutTokens()
    {
        auto idx = resolveTokenList("0,#2", {}, 3);
        QVERIFY(idx.ok());
        QCOMPARE(idx.value(), (Ints{0, 2}));
        auto text = resolveTokenList("[CLS]", {}, 3);
        QVERIFY(!text.ok());
        QVERIFY(QString::fromStdString(text.error().message).contains("there are no tokens"));
    }
};

QTEST_APPLESS_MAIN(TstTokenList)
#include "tst_token_list.moc"
