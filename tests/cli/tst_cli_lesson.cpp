// attnscope --lesson N (issue 14), run as the real executable: out-of-range steps and the options
// it cannot go with end with exactly one error: line and status 2, before any window; a valid
// step with --screenshot writes the whole window with the lesson's card on it.

#include <QDir>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"

using namespace attnscope;

namespace {

/// The window's executable with its settings in `home` (not the user's), offscreen.
test::Run runWindow(const QStringList &args, const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("XDG_CONFIG_HOME", home);
    env.insert("XDG_DATA_HOME", home);
    env.insert("XDG_RUNTIME_DIR", home); // a QTemporaryDir is 0700, as Qt wants it
    return test::runProgram(QStringLiteral(ATTNSCOPE_BIN_DIR "/attnscope"), args, home, env, 60000);
}

} // namespace

class TestCliLesson : public QObject {
    Q_OBJECT
private slots:
    void refusedWithOneErrorLine_data();
    void refusedWithOneErrorLine();
    void screenshotShowsTheCard_data();
    void screenshotShowsTheCard();
};

void TestCliLesson::refusedWithOneErrorLine_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("0") << QStringList{"--lesson", "0"} << "--lesson: '0' is not a step within 1..";
    QTest::newRow("99") << QStringList{"--lesson", "99"} << "--lesson: '99' is not a step within 1..";
    QTest::newRow("not a number") << QStringList{"--lesson", "two"} << "--lesson: 'two'";
    QTest::newRow("with --text") << QStringList{"--lesson", "2", "--text", "x"} << "not with FILE";
    QTest::newRow("with --stage") << QStringList{"--lesson", "2", "--stage", "weights"} << "not with FILE";
    QTest::newRow("with --model") << QStringList{"--lesson", "2", "--model", "m"} << "not with FILE";
    QTest::newRow("with FILE") << QStringList{"--lesson", "2", "a.txt"} << "not with FILE";
    QTest::newRow("99 with --screenshot") << QStringList{"--lesson", "99", "--screenshot", "s.png"} << "--lesson: '99'";
}

void TestCliLesson::refusedWithOneErrorLine()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QTemporaryDir home;
    const test::Run run = runWindow(args, home.path());
    QVERIFY(!run.crashed);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.err.count(QStringLiteral("error: ")), 1);
    QVERIFY2(run.err.startsWith("error: ") && run.err.contains(message), qPrintable(run.err));
    QVERIFY2(run.err.trimmed().count('\n') == 0, qPrintable(run.err)); // one line, no Qt warnings
    QVERIFY(!QFile::exists(home.filePath("s.png")));
}

void TestCliLesson::screenshotShowsTheCard_data()
{
    QTest::addColumn<int>("step");
    QTest::newRow("first (Explorer)") << 1;
    QTest::newRow("10 (image patches)") << 10;
}

void TestCliLesson::screenshotShowsTheCard()
{
    QFETCH(int, step);
    QTemporaryDir home;
    const QString shot = home.filePath("s.png");
    const test::Run run = runWindow({"--lesson", QString::number(step), "--screenshot", shot}, home.path());
    QVERIFY2(run.exitCode == 0 && !run.crashed, qPrintable(run.err));
    const QImage image(shot);
    QVERIFY(image.width() >= 640 && image.height() >= 480); // offscreen: an 800 × 800 screen
    // The card's frame (LessonCard::kFrameColour) is in the picture: a long run of that colour
    // in some row of the right half, where the card opens.
    const QColor highlight(0x2f, 0x6f, 0xd6);
    bool frame = false;
    for (int y = 0; y < image.height() && !frame; ++y) {
        int same = 0;
        for (int x = image.width() / 2; x < image.width() && !frame; ++x) {
            same = image.pixelColor(x, y).rgb() == highlight.rgb() ? same + 1 : 0;
            frame = same > 250;
        }
    }
    QVERIFY2(frame, "no card frame in the screenshot");
}

QTEST_GUILESS_MAIN(TestCliLesson)
#include "tst_cli_lesson.moc"
