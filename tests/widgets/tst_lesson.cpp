// The guided lesson (issue 14): its content file (every step in both languages, a setup that
// names real tokens, stages and images; broken files refused with a message naming the step and
// key) and the lesson driven in a window as a teacher would: Help → Lesson, Next and Back on the
// card, dragging the card, Close, and the step remembered by the next window. Values are checked
// on the window's state: stage, parameters, the selected cell by its tokens.

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QtTest>

#include "image_patches.h"
#include "lesson.h"
#include "lesson_card.h"
#include "lesson_content.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;

namespace {

/// The index of `wanted` in `tokens`: equal, else the first token it starts with (the rule the
/// lesson states for typed Chinese), else -1. Written apart from the lesson's own.
int tokenIndex(const std::vector<std::string> &tokens, const QString &wanted)
{
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (QString::fromStdString(tokens[i]) == wanted)
            return int(i);
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (wanted.startsWith(QString::fromStdString(tokens[i])))
            return int(i);
    return -1;
}

/// Sentences of a card body: ". ! ?" followed by a space or the end in English, "。！？" in Chinese.
int sentences(const QString &text)
{
    int n = 0;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (QStringLiteral("。！？").contains(c) ||
            (QStringLiteral(".!?").contains(c) && (i + 1 == text.size() || text[i + 1] == QLatin1Char(' '))))
            ++n;
    }
    return n;
}

bool hasHan(const QString &text)
{
    for (const QChar c : text)
        if (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF)
            return true;
    return false;
}

/// A minimal valid lesson with one explorer step; `edit` changes its JSON text.
QByteArray lessonJson(const QString &setup)
{
    return QStringLiteral(R"({"format": "attnscope-lesson", "version": 1, "steps": [
        {"title": {"en": "T", "zh_CN": "标题"}, "body": {"en": "B.", "zh_CN": "正文。"},
         "setup": %1}]})").arg(setup).toUtf8();
}

const QString kInput = QStringLiteral(R"("input": {"en": {"text": "a b c", "query": "b"}, "zh_CN": {"text": "甲乙", "query": "乙"}})");

} // namespace

class TestLesson : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void init();
    void cleanup() { m_window.reset(); }

    void builtInLessonHasBothLanguages();
    void everySetupNamesRealTokensAndImages();
    void brokenFilesAreRefusedByStepAndKey_data();
    void brokenFilesAreRefusedByStepAndKey();
    void stepOneFromTheHelpMenu();
    void nextAndBackSetTheWindow();
    void chineseCardAndTokens();
    void imageSteps();
    void stepIsRememberedAcrossWindows();
    void cardDragsAndStaysInside();
    void closeRemovesTheCard();
    void clickerKeysStepTheLesson();
    void outOfRangeIsRefused();

private:
    ExplorerPage *explorer() const { return explorerOf(m_window); }
    /// Goes to `step` by the card's buttons from where the lesson is, waiting for each step.
    void clickTo(int step);
    bool waitForStep(int step);
    std::unique_ptr<MainWindow> m_window;
};

void TestLesson::init()
{
    m_window = freshWindow();
    QVERIFY(waitForState(*m_window));
}

bool TestLesson::waitForStep(int step)
{
    QSignalSpy spy(m_window->lesson(), &Lesson::stepShown);
    return spy.wait(5000) && spy.last().at(0).toInt() == step;
}

void TestLesson::clickTo(int step)
{
    while (m_window->lesson()->step() != step) {
        const bool forward = m_window->lesson()->step() < step;
        QSignalSpy spy(m_window->lesson(), &Lesson::stepShown);
        QPushButton *button = forward ? m_window->lesson()->card()->nextButton() : m_window->lesson()->card()->backButton();
        QVERIFY(button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(spy.wait(5000));
    }
}

void TestLesson::builtInLessonHasBothLanguages()
{
    QString error;
    const LessonContent *lesson = builtInLesson(&error);
    QVERIFY2(lesson, qPrintable(error));
    QVERIFY(lesson->steps.size() >= 9 && lesson->steps.size() <= 12); // "about ten steps"
    for (int i = 0; i < lesson->steps.size(); ++i) {
        const LessonStep &s = lesson->steps[i];
        const QString where = QStringLiteral("step %1").arg(i + 1);
        for (const QString &lang : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            QVERIFY2(!s.title.value(lang).isEmpty() && !s.body.value(lang).isEmpty(), qPrintable(where + " " + lang));
            const int n = sentences(s.body.value(lang));
            QVERIFY2(n >= 2 && n <= 4, qPrintable(QStringLiteral("%1 %2: %3 sentences").arg(where, lang).arg(n)));
        }
        // The Chinese is Chinese, not the English copied, and the English has no Han characters.
        QVERIFY2(hasHan(s.title.value("zh_CN")) && hasHan(s.body.value("zh_CN")), qPrintable(where));
        QVERIFY2(!hasHan(s.title.value("en")) && !hasHan(s.body.value("en")), qPrintable(where));
    }
    // The ideas of the tutorial, in its order: Q/K/V, score, scale, mask, softmax, sum, heads, image.
    QList<Stage> stages;
    for (const LessonStep &s : lesson->steps)
        if (s.setup.page == LessonSetup::Page::Explorer && (stages.isEmpty() || stages.last() != s.setup.stage))
            stages << s.setup.stage;
    QCOMPARE(stages.mid(0, 4), (QList<Stage>{Stage::Inputs, Stage::Qkv, Stage::Scores, Stage::Scaled}));
    QVERIFY(stages.contains(Stage::Masked) && stages.contains(Stage::Output));
    QVERIFY(std::any_of(lesson->steps.begin(), lesson->steps.end(), [](const LessonStep &s) { return s.setup.scale == ScaleSpec::Mode::Dim; }));
    QVERIFY(std::any_of(lesson->steps.begin(), lesson->steps.end(), [](const LessonStep &s) { return s.setup.comparison; }));
    QVERIFY(std::any_of(lesson->steps.begin(), lesson->steps.end(), [](const LessonStep &s) { return s.setup.heads > 2; }));
    QCOMPARE(lesson->steps.last().setup.page, LessonSetup::Page::Image);
}

void TestLesson::everySetupNamesRealTokensAndImages()
{
    const LessonContent *lesson = builtInLesson();
    QVERIFY(lesson);
    for (int i = 0; i < lesson->steps.size(); ++i) {
        const LessonSetup &s = lesson->steps[i].setup;
        const QString where = QStringLiteral("step %1").arg(i + 1);
        if (s.page == LessonSetup::Page::Image) {
            auto image = loadImage(lessonImagePath(s.image).toStdString()); // from the embedded resource
            QVERIFY2(image && image->width() > 100, qPrintable(where + ": " + s.image));
        }
        QVERIFY(s.head < s.heads);
        for (const QString &lang : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            const LessonInput in = s.input.value(lang);
            if (s.page == LessonSetup::Page::Explorer) {
                const auto tokens = tokenizeSentence(in.text);
                QVERIFY2(tokenIndex(tokens, in.query) >= 0, qPrintable(where + " " + lang + ": " + in.query));
                QVERIFY2(in.key.isEmpty() || tokenIndex(tokens, in.key) >= 0, qPrintable(where + " " + lang + ": " + in.key));
                QVERIFY2(in.story.isEmpty() || in.story == lang, qPrintable(where)); // each language's own story
            } else if (s.imageMode == LessonSetup::ImageMode::Prompt) {
                QVERIFY2(tokenIndex(tokenizeSentence(in.prompt), in.token) >= 0, qPrintable(where + " " + lang));
            }
        }
    }
}

void TestLesson::brokenFilesAreRefusedByStepAndKey_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray("{\"format\": ") << "l.json: not JSON";
    QTest::newRow("not a lesson") << QByteArray(R"({"format": "x", "version": 1, "steps": []})") << "not a lesson";
    QTest::newRow("no steps") << QByteArray(R"({"format": "attnscope-lesson", "version": 1, "steps": []})") << "no steps";
    QTest::newRow("no Chinese title")
        << QByteArray(R"({"format": "attnscope-lesson", "version": 1, "steps": [{"title": {"en": "T"}, "body": {"en": "B", "zh_CN": "正文"},
                      "setup": {"page": "explorer", "stage": "qkv", "input": {}}}]})")
        << "step 1: title.zh_CN: missing";
    QTest::newRow("typo in a key") << lessonJson("{\"page\": \"explorer\", \"stge\": \"qkv\", " + kInput + "}") << "step 1: setup.stge: unknown key";
    QTest::newRow("stage") << lessonJson("{\"page\": \"explorer\", \"stage\": \"score\", " + kInput + "}")
                           << "step 1: setup.stage: 'score' is not inputs, qkv";
    QTest::newRow("scale") << lessonJson("{\"page\": \"explorer\", \"stage\": \"qkv\", \"scale\": \"d\", " + kInput + "}")
                           << "setup.scale: 'd' is not sqrt, dim, none";
    QTest::newRow("head") << lessonJson("{\"page\": \"explorer\", \"stage\": \"qkv\", \"heads\": 2, \"head\": 2, " + kInput + "}")
                          << "setup.head: is not a whole number within 0..1";
    QTest::newRow("key on qkv")
        << lessonJson(R"({"page": "explorer", "stage": "qkv", "input": {"en": {"text": "a b", "query": "a", "key": "b"},
                      "zh_CN": {"text": "甲乙", "query": "甲"}}})")
        << "a key is selected only on";
    QTest::newRow("no Chinese input")
        << lessonJson(R"({"page": "explorer", "stage": "qkv", "input": {"en": {"text": "a b", "query": "a"}}})")
        << "setup.input.zh_CN: missing";
    QTest::newRow("image") << lessonJson(R"({"page": "image", "image": "nope.png"})") << "'nope.png' is not a built-in example image";
    QTest::newRow("point") << lessonJson(R"({"page": "image", "image": "shapes.png", "point": [0.5, 1.5]})") << "setup.point";
}

void TestLesson::brokenFilesAreRefusedByStepAndKey()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!parseLesson(json, "l.json", &error));
    QVERIFY2(error.startsWith("l.json: ") && error.contains(message), qPrintable(error));
    // The minimal lesson itself is valid: the rows fail for their one problem.
    QVERIFY2(parseLesson(lessonJson("{\"page\": \"explorer\", \"stage\": \"qkv\", " + kInput + "}"), "l.json", &error), qPrintable(error));
}

void TestLesson::stepOneFromTheHelpMenu()
{
    QSettings().setValue("lesson/step", 1);
    auto *action = m_window->findChild<QAction *>("lessonAction");
    QVERIFY(action && action->isEnabled());
    action->trigger();
    QVERIFY(m_window->lesson());
    QVERIFY(m_window->lesson()->setLanguage("en")); // the system's language may be either
    QVERIFY(waitForStep(1));
    LessonCard *card = m_window->lesson()->card();
    QVERIFY(card->isVisible());
    QCOMPARE(card->parentWidget(), m_window->centralWidget());
    QCOMPARE(card->titleLabel()->text(), QStringLiteral("Words become vectors"));
    QVERIFY(card->stepLabel()->text().contains("1") && card->stepLabel()->text().contains(QString::number(m_window->lesson()->count())));
    QVERIFY(!card->backButton()->isEnabled() && card->nextButton()->isEnabled());
    QCOMPARE(m_window->tabs()->currentIndex(), kExplorerTab);
    QCOMPARE(explorer()->stage(), Stage::Inputs);
    const auto state = explorer()->state();
    QCOMPARE(QString::fromStdString(state->setup->queryTokens[std::size_t(explorer()->model()->selectedQuery())]), QStringLiteral("it"));
    // The step names the story (docs/story.md): its English table, not the typed sentence.
    QVERIFY(explorer()->model()->story());
    QCOMPARE(explorer()->model()->story()->lang, std::string("en"));
    QCOMPARE(QString::fromStdString(state->setup->keyTokens[1]), QStringLiteral("animal"));
}

void TestLesson::nextAndBackSetTheWindow()
{
    QVERIFY(m_window->openLesson(1));
    m_window->lesson()->setLanguage("en");
    QVERIFY(waitForStep(1));
    clickTo(2);
    QCOMPARE(explorer()->stage(), Stage::Qkv);
    clickTo(3); // the score of it → animal: the cell of row "it", column "animal"
    QCOMPARE(explorer()->stage(), Stage::Scores);
    const auto tokens = explorer()->state()->setup->keyTokens;
    QCOMPARE(explorer()->model()->selectedRow(), 7);
    QCOMPARE(explorer()->model()->selectedCol(), 1);
    QCOMPARE(QString::fromStdString(tokens[1]), QStringLiteral("animal"));
    QCOMPARE(explorer()->model()->params().scale, ScaleSpec::Mode::Sqrt);
    clickTo(5); // 1/d
    QCOMPARE(explorer()->stage(), Stage::Weights);
    QCOMPARE(explorer()->model()->params().scale, ScaleSpec::Mode::Dim);
    // The story's head has d_k = 4 (docs/story.md): 1/d divides by 4 where 1/√d_k divides by 2.
    QCOMPARE(explorer()->state()->result.stages.scoresScaled(7, 1), explorer()->state()->result.stages.scoresRaw(7, 1) / 4.0);
    clickTo(6); // the causal mask
    QCOMPARE(explorer()->stage(), Stage::Masked);
    QCOMPARE(explorer()->model()->params().mask, ExplorerParams::Mask::Causal);
    QCOMPARE(explorer()->state()->result.stages.weights(7, 9), 0.0); // "was" comes after "it"
    QCOMPARE(explorer()->model()->params().scale, ScaleSpec::Mode::Sqrt);
    clickTo(9); // several heads: the typed sentence (the story has one head)
    QVERIFY(!explorer()->model()->story());
    QCOMPARE(explorer()->model()->params().heads, 4);
    QCOMPARE(explorer()->model()->params().head, 1);
    QCOMPARE(explorer()->state()->result.head, 1);
    clickTo(8); // Back: the weighted sum of the story again, its one head
    QCOMPARE(explorer()->stage(), Stage::Output);
    QVERIFY(explorer()->model()->story());
    QCOMPARE(explorer()->model()->params().heads, 1);
    QCOMPARE(explorer()->model()->params().mask, ExplorerParams::Mask::None);
    QCOMPARE(explorer()->model()->selectedQuery(), 7);
    QCOMPARE(QSettings().value("lesson/step").toInt(), 8);
}

/// Page Down / Page Up (a clicker) move through the lesson while it is open, and step the
/// Explorer's stages again once it is closed.
void TestLesson::clickerKeysStepTheLesson()
{
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->openLesson(2));
    m_window->lesson()->setLanguage("en");
    QVERIFY(waitForStep(2));
    QCOMPARE(explorer()->stage(), Stage::Qkv);
    QTest::keyClick(m_window.get(), Qt::Key_PageDown);
    QVERIFY(waitForStep(3));
    QCOMPARE(m_window->lesson()->step(), 3);
    QCOMPARE(explorer()->stage(), Stage::Scores);
    QTest::keyClick(m_window.get(), Qt::Key_PageUp);
    QVERIFY(waitForStep(2));
    QCOMPARE(explorer()->stage(), Stage::Qkv);
    m_window->closeLesson();
    QVERIFY(!m_window->lesson());
    QTest::keyClick(m_window.get(), Qt::Key_PageDown); // no lesson: the next stage
    QCOMPARE(explorer()->stage(), Stage::Scores);
}

void TestLesson::chineseCardAndTokens()
{
    QVERIFY(m_window->openLesson(3));
    m_window->lesson()->setLanguage("zh_CN");
    QVERIFY(waitForStep(3));
    QCOMPARE(m_window->lesson()->card()->titleLabel()->text(), QStringLiteral("分数：Q·Kᵀ"));
    // The Chinese story is given in words: 它 is the query, 动物 the key (动物 没有 过 马路 ， 因为 它 …).
    const auto state = explorer()->state();
    const int it = tokenIndex(state->setup->queryTokens, QStringLiteral("它"));
    QCOMPARE(it, 6);
    QCOMPARE(QString::fromStdString(state->setup->keyTokens[0]), QStringLiteral("动物"));
    QCOMPARE(explorer()->model()->selectedRow(), it);
    QCOMPARE(explorer()->model()->selectedCol(), 0);
    QVERIFY(!m_window->lesson()->setLanguage("fr"));
    QCOMPARE(m_window->lesson()->language(), QStringLiteral("zh_CN"));
}

void TestLesson::imageSteps()
{
    const int count = builtInLesson()->steps.size();
    QVERIFY(m_window->openLesson(count - 1));
    m_window->lesson()->setLanguage("en");
    QVERIFY(waitForStep(count - 1));
    ImagePage *image = imageOf(m_window);
    QCOMPARE(m_window->tabs()->currentIndex(), kImageTab);
    QCOMPARE(image->mode(), ImagePage::Mode::Patches);
    QCOMPARE(image->image().size(), QSize(384, 384));
    // The patch under (0.29, 0.29) of the grid: the red disc's.
    const PatchGrid &g = image->grid();
    const int expected = int(0.29 * g.rows) * g.cols + int(0.29 * g.cols);
    QCOMPARE(image->settings().value("image.patches"), QString::number(expected));
    QCOMPARE(int(image->shownMap().size()), g.count());

    clickTo(count);
    QCOMPARE(image->mode(), ImagePage::Mode::Prompt);
    const auto tokens = image->state()->setup->queryTokens;
    const int red = tokenIndex(tokens, QStringLiteral("red"));
    QVERIFY(red > 0);
    QCOMPARE(image->settings().value("image.token"), QString::number(red));
    QVERIFY(!m_window->lesson()->card()->nextButton()->isEnabled());
    QVERIFY(!m_window->lesson()->next()); // the last step
}

void TestLesson::stepIsRememberedAcrossWindows()
{
    QVERIFY(m_window->openLesson(4));
    QVERIFY(waitForStep(4));
    clickTo(5);
    m_window->close();
    m_window.reset();
    MainWindow second;
    second.resize(1200, 800);
    second.show();
    QCOMPARE(MainWindow::rememberedLessonStep(), 5);
    QVERIFY(!second.lesson());
    second.findChild<QAction *>("lessonAction")->trigger();
    QVERIFY(second.lesson());
    QCOMPARE(second.lesson()->step(), 5);
    QSignalSpy spy(second.lesson(), &Lesson::stepShown);
    QVERIFY(spy.wait(5000));
    QCOMPARE(second.page<ExplorerPage>()->model()->params().scale, ScaleSpec::Mode::Dim);
}

void TestLesson::cardDragsAndStaysInside()
{
    QVERIFY(m_window->openLesson(2));
    LessonCard *card = m_window->lesson()->card();
    QWidget *area = card->parentWidget();
    const QPoint before = card->pos();
    QVERIFY(QRect(QPoint(), area->size()).contains(card->geometry()));
    // Drag by the step line (the card's background, not a button) 200 px left and 150 up.
    const QPoint grab = card->stepLabel()->geometry().center() + QPoint(card->stepLabel()->width() / 2 - 4, 0);
    QTest::mousePress(card, Qt::LeftButton, {}, grab);
    const auto moveTo = [card](QPoint at) {
        QMouseEvent move(QEvent::MouseMove, at, card->mapToGlobal(at), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(card, &move);
    };
    moveTo(grab + QPoint(-200, -150));
    QCOMPARE(card->pos(), before + QPoint(-200, -150));
    QVERIFY(card->wasMoved());
    // Far past the bottom-left corner: it stops at the edges.
    moveTo(card->mapFromParent(QPoint(-5000, 5000)) + grab);
    QTest::mouseRelease(card, Qt::LeftButton, {}, grab);
    QCOMPARE(card->x(), 0);
    QCOMPARE(card->geometry().bottom(), area->height() - 1);
    // A smaller window keeps it inside, and the next step keeps its place.
    m_window->resize(900, 600);
    QTRY_VERIFY(QRect(QPoint(), area->size()).contains(card->geometry()));
    const QPoint kept = card->pos();
    clickTo(3);
    QCOMPARE(card->x(), kept.x());
    QVERIFY(QRect(QPoint(), area->size()).contains(card->geometry()));
}

void TestLesson::closeRemovesTheCard()
{
    QVERIFY(m_window->openLesson(2));
    QPointer<LessonCard> card = m_window->lesson()->card();
    QTest::mouseClick(card->closeButton(), Qt::LeftButton);
    QVERIFY(!m_window->lesson());
    QVERIFY(!card || !card->isVisible());
    QTRY_VERIFY(!card);
    QCOMPARE(MainWindow::rememberedLessonStep(), 2); // Help → Lesson goes back there
    QCOMPARE(explorer()->stage(), Stage::Qkv);        // the window stays as the step set it
}

void TestLesson::outOfRangeIsRefused()
{
    QString error;
    QVERIFY(!m_window->openLesson(0, &error));
    QVERIFY2(error.contains("not 0"), qPrintable(error));
    QVERIFY(!m_window->openLesson(builtInLesson()->steps.size() + 1, &error));
    QVERIFY(!m_window->lesson());
    QVERIFY(m_window->openLesson(1));
    QVERIFY(!m_window->lesson()->goTo(99));
    QCOMPARE(m_window->lesson()->step(), 1);
}

QTEST_MAIN(TestLesson)
#include "tst_lesson.moc"
