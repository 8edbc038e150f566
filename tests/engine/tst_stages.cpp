// The stages' table (engine/math/stages.h), the one list the window's stepper, its menus and
// exports, session files and `attnscope-cli stages` read. The references are written out here
// by hand: the seven stages of the window and the eight files `stages` has always written.
//
//  - everyStageHasAnEntry: every Stage value, by its number, has exactly one entry, in order;
//    its key leads back to it (a stage missing from the table, or a key written twice, fails).
//  - keysAndTitles: the keys the command line and session files use, and the stepper's titles.
//  - keysAreExact: no entry for unknown, upper-case or padded keys.
//  - matrices: what each stage shows and dumps, in the order of the files.

#include <QtTest>

#include <set>
#include <string>
#include <vector>

#include "attention.h"
#include "stages.h"

using namespace attnscope;

class TstStages : public QObject {
    Q_OBJECT
private slots:
    void everyStageHasAnEntry();
    void keysAndTitles();
    void keysAreExact();
    void matrices();
    void headResultMembers();
};

void TstStages::everyStageHasAnEntry()
{
    QCOMPARE(kStageCount, std::size_t(7));
    QCOMPARE(kStageTable.size(), kStageCount);
    std::set<std::string> keys;
    for (int i = 0; i <= int(Stage::Output); ++i) {
        const Stage s = Stage(i);
        QCOMPARE(int(stageInfo(s).stage), i);
        QVERIFY(keys.insert(stageInfo(s).key).second);
        QVERIFY(std::string(stageInfo(s).title).size() > 0);
        QCOMPARE(stageForKey(stageInfo(s).key), std::optional<Stage>(s));
    }
}

void TstStages::keysAndTitles()
{
    const std::vector<std::string> keys = {"inputs", "qkv", "scores", "scaled", "masked", "weights", "output"};
    const std::vector<std::string> titles = {"Inputs", "Q, K, V", "Scores QKᵀ", "Scaled", "Masked", "Softmax weights", "Output A·V"};
    for (std::size_t i = 0; i < kStageCount; ++i) {
        QCOMPARE(std::string(kStageTable[i].key), keys[i]);
        QCOMPARE(std::string(kStageTable[i].title), titles[i]);
    }
    QCOMPARE(stageForKey("weights"), std::optional<Stage>(Stage::Weights));
    QCOMPARE(stageForKey("qkv"), std::optional<Stage>(Stage::Qkv));
}

void TstStages::keysAreExact()
{
    for (const char *bad : {"", "Weights", "weights ", "q", "softmax", "inputs\n", "output2"})
        QVERIFY2(!stageForKey(bad), bad);
}

void TstStages::matrices()
{
    const std::vector<std::string> files = {"q", "k", "v", "scores", "scaled", "masked", "weights", "output"};
    std::vector<std::string> got;
    for (std::size_t i = 0; i < kStageCount; ++i)
        for (const StageMatrix &m : stageMatrices(Stage(i))) {
            QCOMPARE(int(m.stage), int(i));
            got.push_back(m.file);
        }
    QCOMPARE(got, files); // every matrix reached through its stage, in file order
    QVERIFY(stageMatrices(Stage::Inputs).empty());
    QCOMPARE(stageMatrices(Stage::Qkv).size(), std::size_t(3));
    for (const StageMatrix &m : kStageMatrices) {
        QCOMPARE(m.diverging, m.stage != Stage::Weights); // only the weights are not signed
        QCOMPARE(m.keyValueHead, std::string(m.file) == "k" || std::string(m.file) == "v");
    }
    QCOMPARE(std::string(stageMatrices(Stage::Weights).front().title), std::string("Attention weights A"));
}

void TstStages::headResultMembers()
{
    HeadResult<double> r;
    r.scoresRaw = Mat<double>::Constant(1, 1, 1);
    r.scoresScaled = Mat<double>::Constant(1, 1, 2);
    r.scoresMasked = Mat<double>::Constant(1, 1, 3);
    r.weights = Mat<double>::Constant(1, 1, 4);
    r.output = Mat<double>::Constant(1, 1, 5);
    const Stage later[] = {Stage::Scores, Stage::Scaled, Stage::Masked, Stage::Weights, Stage::Output};
    for (int i = 0; i < 5; ++i)
        QCOMPARE((r.*headResultMember<double>(later[i]))(0, 0), double(i + 1));
    QVERIFY(headResultMember<double>(Stage::Inputs) == nullptr);
    QVERIFY(headResultMember<double>(Stage::Qkv) == nullptr);
}

QTEST_GUILESS_MAIN(TstStages)
#include "tst_stages.moc"
