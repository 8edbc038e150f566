// The story example and "what if" in the real window, driven as a person would: File → Examples,
// typing into the feature table and the vector row (QTest keys), Edit → Undo / Redo, Reset. The
// numbers are checked against the numpy fixtures of tests/fixtures/gen_story.py (1e-12) and
// against scores and softmax computed here in loops, independently of the engine.
//
// With ATTNSCOPE_STORY_SHOTS=DIR set, the window with the story in English and Chinese is saved
// there (story_en.png, story_zh.png), to be looked at.

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QUndoStack>
#include <QtTest>

#include <cmath>

#include "main_window.h"
#include "story.h"
#include "tensor_compare.h"
#include "story_panel.h"
#include "what_if_panel.h"
#include "window_test_support.h"

using namespace attnscope;
using namespace attnscope::testsupport;
using attnscope::test::maxAbsDiff;

namespace {

QJsonObject loadCase(const QString &name)
{
    QFile f(QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/story/%1.json").arg(name));
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

/// Types `text` into cell `index` of `view` as a person would: select, type, Enter.
void typeIntoCell(QAbstractItemView *view, const QModelIndex &index, const QString &text)
{
    view->setFocus();
    view->setCurrentIndex(index);
    QTest::keyClick(view, Qt::Key_F2); // opens the editor with the old text selected
    auto *editor = qobject_cast<QLineEdit *>(view->indexWidget(index)); // this cell's editor, not an old one
    QVERIFY(editor);
    editor->selectAll();
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
}

QAction *editAction(MainWindow &w, const QString &text)
{
    for (QAction *menu : w.menuBar()->actions())
        if (menu->menu() && menu->text() == QLatin1String("&Edit"))
            for (QAction *a : menu->menu()->actions())
                if (a->text().startsWith(text))
                    return a;
    return nullptr;
}

} // namespace

class TestStoryWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestIdentity(); }
    void init()
    {
        m_window = freshWindow();
        QVERIFY(waitForState());
    }
    void cleanup() { m_window.reset(); }
    void storyOpensFromTheMenu();
    void featureEditFollowsNumpyAndUndoes();
    void queryEditGivesScoresOfTheNewVector();
    void keyEditMovesThePronoun();
    void overridesClearedOnNewInput();
    void sessionKeepsStoryAndOverrides();

private:
    std::unique_ptr<MainWindow> m_window;
    bool waitForState() { return testsupport::waitForState(*m_window); }
    ExplorerPage *page() { return explorerOf(m_window); }
    void openStory(const char *action)
    {
        auto *a = m_window->findChild<QAction *>(action);
        QVERIFY(a);
        a->trigger();
        QVERIFY(waitForState());
    }
};

void TestStoryWindow::storyOpensFromTheMenu()
{
    openStory("storyEnglish");
    const auto state = page()->state();
    const QJsonObject en = loadCase("en");
    QCOMPARE(int(state->setup->queryTokens.size()), en["tokens"].toArray().size());
    QCOMPARE(page()->stage(), Stage::Weights);
    QCOMPARE(page()->model()->selectedQuery(), en["pronoun"].toInt()); // "it" is selected
    QVERIFY(maxAbsDiff(state->result.stages.weights, en["weights"]) <= 1e-12);
    QVERIFY(page()->storyPanel()->view()->isVisible());
    QCOMPARE(page()->storyPanel()->tableModel()->rowCount(), 12);
    QVERIFY2(page()->storyVerdict().contains("“animal”"), qPrintable(page()->storyVerdict()));
    QVERIFY(page()->storyPanel()->findChild<QLabel *>("storyVerdict")->text().contains("“it”"));
    QVERIFY(page()->modeLine()->text().contains("Story example"));
    QCOMPARE(page()->whatIfPanel()->tokenBox()->currentIndex(), en["pronoun"].toInt()); // ready to edit q(it)
    // The Inputs stage names X's columns by their features, and says they are set by hand.
    page()->showStage(Stage::Inputs);
    QCOMPARE(page()->heatmap()->content().colLabels,
             QStringList({"noun", "animate", "place", "pronoun", "verb", "position"}));
    QCOMPARE(page()->heatmap()->content().colAxis, QStringLiteral("feature"));
    QVERIFY(page()->findChild<QLabel *>("stageExplanation")->text().contains("set by hand"));
    page()->showStage(Stage::Weights);
    if (const QString dir = qEnvironmentVariable("ATTNSCOPE_STORY_SHOTS"); !dir.isEmpty())
        QVERIFY(QTest::qWaitFor([] { return false; }, 300) || m_window->grab().save(dir + "/story_en.png")); // replots are queued

    openStory("storyChinese");
    const QJsonObject zh = loadCase("zh_CN");
    QCOMPARE(QString::fromStdString(page()->state()->setup->queryTokens[0]), QStringLiteral("动物"));
    QCOMPARE(page()->model()->selectedQuery(), zh["pronoun"].toInt());
    QVERIFY(maxAbsDiff(page()->state()->result.stages.weights, zh["weights"]) <= 1e-12);
    QVERIFY2(page()->storyVerdict().contains("“它”") && page()->storyVerdict().contains("“动物”"),
             qPrintable(page()->storyVerdict()));
    QCOMPARE(page()->undoStack()->count(), 0); // a new input starts a new history
    if (const QString dir = qEnvironmentVariable("ATTNSCOPE_STORY_SHOTS"); !dir.isEmpty())
        QVERIFY(QTest::qWaitFor([] { return false; }, 300) || m_window->grab().save(dir + "/story_zh.png"));

    // Typed text again: the story's table goes.
    page()->setSentence("a b c");
    QVERIFY(waitForState());
    QVERIFY(!page()->model()->story());
    QCOMPARE(page()->storyPanel()->tableModel()->rowCount(), 0);
    QVERIFY(page()->modeLine()->text().contains("Synthetic mode"));
}

void TestStoryWindow::featureEditFollowsNumpyAndUndoes()
{
    openStory("storyEnglish");
    const Mat<double> before = page()->state()->result.stages.weights;
    const StoryTable *t = page()->model()->story();
    const int street = storyToken(*t, "street");
    QTableView *view = page()->storyPanel()->view();
    typeIntoCell(view, view->model()->index(street, 1), "1"); // street: animate = 1
    QVERIFY(waitForState());
    const QJsonObject flipped = loadCase("en_street_animate");
    const auto &state = *page()->state();
    QCOMPARE(state.setup->x(street, 1), 1.0);
    QVERIFY(maxAbsDiff(state.setup->x, flipped["x"]) == 0);
    QVERIFY(maxAbsDiff(state.setup->inputs.k[0], flipped["k"]) <= 1e-12);
    QVERIFY(maxAbsDiff(state.result.stages.weights, flipped["weights"]) <= 1e-12);
    QVERIFY(maxAbsDiff(state.result.stages.output, flipped["output"]) <= 1e-12);
    QVERIFY2(page()->storyVerdict().contains("“street”"), qPrintable(page()->storyVerdict()));
    QCOMPARE(view->model()->data(view->model()->index(street, 1), Qt::DisplayRole).toString(), QStringLiteral("1"));
    QCOMPARE(page()->model()->selectedQuery(), flipped["pronoun"].toInt()); // the selection stays

    QAction *undo = editAction(*m_window, "&Undo");
    QAction *redo = editAction(*m_window, "&Redo");
    QVERIFY(undo && redo && undo->isEnabled());
    undo->trigger();
    QVERIFY(waitForState());
    QVERIFY(page()->state()->result.stages.weights == before); // exactly
    QCOMPARE(view->model()->data(view->model()->index(street, 1), Qt::DisplayRole).toString(), QStringLiteral("0"));
    redo->trigger();
    QVERIFY(waitForState());
    QVERIFY(maxAbsDiff(page()->state()->result.stages.weights, flipped["weights"]) <= 1e-12);

    // Not a number: refused, nothing recomputed, nothing to undo.
    const int steps = page()->undoStack()->count();
    typeIntoCell(view, view->model()->index(street, 2), "x");
    QCOMPARE(page()->undoStack()->count(), steps);

    QTest::mouseClick(page()->storyPanel()->resetButton(), Qt::LeftButton);
    QVERIFY(waitForState());
    QVERIFY(page()->state()->result.stages.weights == before);
    QVERIFY(*page()->model()->story() == storyTable("en"));
}

void TestStoryWindow::queryEditGivesScoresOfTheNewVector()
{
    page()->setSentence("the cat sat on the mat");
    QVERIFY(waitForState());
    const auto base = page()->state();
    WhatIfPanel *w = page()->whatIfPanel();
    w->choose(false, 1); // the query of "cat"
    QTableWidget *row = w->values();
    const int dk = int(base->setup->inputs.q[0].cols());
    QCOMPARE(row->columnCount(), dk);
    QCOMPARE(row->item(0, 3)->text(), QString::number(base->setup->inputs.q[0](1, 3), 'g', 6));
    typeIntoCell(row, row->model()->index(0, 0), "2.5");
    QVERIFY(waitForState());
    const auto s = page()->state();
    QCOMPARE(page()->model()->overrides().size(), std::size_t(1));
    std::vector<double> q(static_cast<std::size_t>(dk), 0.0);
    for (int d = 0; d < dk; ++d)
        q[std::size_t(d)] = d == 0 ? 2.5 : base->setup->inputs.q[0](1, d);
    QCOMPARE(s->setup->inputs.q[0](1, 0), 2.5);
    const Mat<double> &k = base->setup->inputs.k[0];
    std::vector<double> e;
    double sum = 0, mx = -INFINITY;
    for (Eigen::Index j = 0; j < k.rows(); ++j) {
        double dot = 0;
        for (int d = 0; d < dk; ++d)
            dot += q[std::size_t(d)] * k(j, d);
        QVERIFY(std::abs(s->result.stages.scoresRaw(1, j) - dot) <= 1e-12 * (1 + std::abs(dot)));
        QVERIFY(std::abs(s->result.stages.scoresScaled(1, j) - dot / std::sqrt(double(dk))) <= 1e-12 * (1 + std::abs(dot)));
        e.push_back(dot / std::sqrt(double(dk)));
        mx = std::max(mx, e.back());
    }
    for (double &x : e)
        sum += (x = std::exp(x - mx));
    for (Eigen::Index j = 0; j < k.rows(); ++j)
        QVERIFY(std::abs(s->result.stages.weights(1, j) - e[std::size_t(j)] / sum) <= 1e-12);
    QVERIFY(s->result.stages.scoresRaw.row(0) == base->result.stages.scoresRaw.row(0)); // other rows as before
    QCOMPARE(row->item(0, 0)->text(), QStringLiteral("2.5"));
    QVERIFY(w->findChild<QLabel *>("whatIfActive")->text().contains("q(cat)"));

    editAction(*m_window, "&Undo")->trigger();
    QVERIFY(waitForState());
    QVERIFY(page()->model()->overrides().empty());
    QVERIFY(page()->state()->result.stages.scoresRaw == base->result.stages.scoresRaw);
    editAction(*m_window, "&Redo")->trigger();
    QVERIFY(waitForState());
    QCOMPARE(page()->state()->setup->inputs.q[0](1, 0), 2.5);
    QTest::mouseClick(w->resetButton(), Qt::LeftButton);
    QVERIFY(waitForState());
    QVERIFY(page()->model()->overrides().empty());
    QVERIFY(page()->state()->result.stages.weights == base->result.stages.weights);
}

void TestStoryWindow::keyEditMovesThePronoun()
{
    openStory("storyEnglish");
    const StoryTable t = *page()->model()->story();
    const int it = storyPronoun(t), street = storyToken(t, "street");
    WhatIfPanel *w = page()->whatIfPanel();
    w->choose(true, street); // k(street) = [0, 1, 0.45, 0]: make it look animate
    typeIntoCell(w->values(), w->values()->model()->index(0, 0), "1.5");
    QVERIFY(waitForState());
    Eigen::Index best = -1;
    page()->state()->result.stages.weights.row(it).maxCoeff(&best);
    QCOMPARE(int(best), street);
    QCOMPARE(page()->state()->setup->inputs.k[0](street, 0), 1.5);
    // A feature edit keeps the override (the same input).
    typeIntoCell(page()->storyPanel()->view(), page()->storyPanel()->view()->model()->index(street, 2), "0");
    QVERIFY(waitForState());
    QCOMPARE(page()->model()->overrides().size(), std::size_t(1));
    QCOMPARE(page()->state()->setup->inputs.k[0](street, 0), 1.5);
}

void TestStoryWindow::overridesClearedOnNewInput()
{
    openStory("storyEnglish");
    WhatIfPanel *w = page()->whatIfPanel();
    w->choose(false, 7);
    typeIntoCell(w->values(), w->values()->model()->index(0, 1), "-3");
    QVERIFY(waitForState());
    QCOMPARE(page()->model()->overrides().size(), std::size_t(1));
    page()->setSentence("one two three");
    QVERIFY(waitForState());
    QVERIFY(page()->model()->overrides().empty());
    QVERIFY(w->findChild<QLabel *>("whatIfActive")->text().contains("No vector"));
    QCOMPARE(w->values()->columnCount(), int(page()->state()->setup->inputs.q[0].cols()));
    // Typed text: a new sentence clears them too.
    w->choose(false, 0);
    typeIntoCell(w->values(), w->values()->model()->index(0, 0), "4");
    QVERIFY(waitForState());
    QCOMPARE(page()->model()->overrides().size(), std::size_t(1));
    page()->setSentence("one two three four");
    QVERIFY(waitForState());
    QVERIFY(page()->model()->overrides().empty());
    QCOMPARE(page()->state()->setup->inputs.q[0].rows(), 4);
}

void TestStoryWindow::sessionKeepsStoryAndOverrides()
{
    openStory("storyChinese");
    QTableView *view = page()->storyPanel()->view();
    const int road = storyToken(*page()->model()->story(), "马路");
    typeIntoCell(view, view->model()->index(road, 1), "1");
    QVERIFY(waitForState());
    WhatIfPanel *w = page()->whatIfPanel();
    w->choose(false, 6);
    typeIntoCell(w->values(), w->values()->model()->index(0, 2), "0.25");
    QVERIFY(waitForState());
    const StoryTable table = *page()->model()->story();
    const auto overrides = page()->model()->overrides();
    const Mat<double> weights = page()->state()->result.stages.weights;
    const QJsonObject saved = page()->saveState();
    QVERIFY(saved.contains("story") && saved.contains("overrides"));

    page()->setSentence("something else");
    QVERIFY(waitForState());
    QVERIFY(!page()->model()->story());
    const QStringList notes = page()->restoreState(saved);
    QVERIFY2(notes.isEmpty(), qPrintable(notes.join("; ")));
    QVERIFY(waitForState());
    QVERIFY(page()->model()->story());
    QVERIFY(*page()->model()->story() == table);
    QVERIFY(page()->model()->overrides() == overrides);
    QVERIFY(page()->state()->result.stages.weights == weights);

    // A damaged part: noted, the built-in values kept, never a crash.
    QJsonObject bad = saved;
    bad["story"] = QJsonObject{{"lang", "zh_CN"}, {"features", QJsonArray{1, 2}}};
    bad["overrides"] = QJsonArray{QJsonObject{{"target", "value"}, {"head", 0}, {"token", 1}, {"values", QJsonArray{1}}}};
    const QStringList badNotes = page()->restoreState(bad);
    QCOMPARE(badNotes.size(), 2);
    QVERIFY(waitForState());
    QVERIFY(*page()->model()->story() == storyTable("zh_CN"));
    QVERIFY(page()->model()->overrides().empty());
}

QTEST_MAIN(TestStoryWindow)
#include "tst_story_window.moc"
