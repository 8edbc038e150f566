// The story example (engine/math/story.h) and "what if" overrides (engine/math/what_if.h).
//
//  - matchesNumpy: for English and Chinese, as built in and with one feature flipped, the table,
//    the hand-chosen projections and every stage of the one head equal the numpy computation of
//    tests/fixtures/gen_story.py (which types the tables and weights again, independently)
//    within 1e-12; the pronoun attends most to the word written here by hand (animal / street,
//    动物 / 马路) and so does the fixture.
//  - badTables: a table of the wrong shape or with NaN is refused with a message.
//  - overrideReplacesRows: a query row replaced by hand gives scores row i = q'·Kᵀ (summed here
//    in a loop), the other rows unchanged; a key row changes column j only; bad overrides refused.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "story.h"
#include "tensor_compare.h"
#include "what_if.h"

using namespace attnscope;

using attnscope::test::maxAbsDiff;

namespace {

constexpr double kTol = 1e-12;

QJsonObject loadCase(const QString &name)
{
    QFile f(QStringLiteral(ATTNSCOPE_FIXTURE_DIR "/story/%1.json").arg(name));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TstStory : public QObject {
    Q_OBJECT
private slots:
    void matchesNumpy_data();
    void matchesNumpy();
    void badTables();
    void overrideReplacesRows();
};

void TstStory::matchesNumpy_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("lang");
    QTest::addColumn<QString>("word");    // the word whose feature is flipped ("" none)
    QTest::addColumn<QString>("feature"); // its column
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("attended"); // what the pronoun must attend to most
    QTest::newRow("en") << "en" << "en" << "" << "" << 0.0 << "animal";
    QTest::newRow("en street animate") << "en_street_animate" << "en" << "street" << "animate" << 1.0 << "street";
    QTest::newRow("en animal inanimate") << "en_animal_inanimate" << "en" << "animal" << "animate" << 0.0 << "street";
    QTest::newRow("zh") << "zh_CN" << "zh_CN" << "" << "" << 0.0 << "动物";
    QTest::newRow("zh road animate") << "zh_CN_road_animate" << "zh_CN" << "马路" << "animate" << 1.0 << "马路";
    QTest::newRow("zh animal inanimate") << "zh_CN_animal_inanimate" << "zh_CN" << "动物" << "animate" << 0.0 << "马路";
}

void TstStory::matchesNumpy()
{
    QFETCH(QString, fixture);
    QFETCH(QString, lang);
    QFETCH(QString, word);
    QFETCH(QString, feature);
    QFETCH(double, value);
    QFETCH(QString, attended);
    const QJsonObject ref = loadCase(fixture);
    QVERIFY2(!ref.isEmpty(), "the fixture is missing: build attnscope_fixtures");
    StoryTable t = storyTable(lang.toStdString());
    QCOMPARE(t.lang, lang.toStdString());
    QCOMPARE(int(t.tokens.size()), ref.value("tokens").toArray().size());
    for (std::size_t i = 0; i < t.tokens.size(); ++i)
        QCOMPARE(QString::fromStdString(t.tokens[i]), ref.value("tokens").toArray()[int(i)].toString());
    if (!word.isEmpty()) {
        const int row = storyToken(t, word.toStdString());
        const auto col = std::find(t.features.begin(), t.features.end(), feature.toStdString()) - t.features.begin();
        QVERIFY(row >= 0 && col < Eigen::Index(t.features.size()));
        QVERIFY(t.values(row, col) != value); // a real flip
        t.values(row, col) = value;
    }
    auto setup = buildStorySetup(t);
    QVERIFY2(setup, setup ? "" : setup.error().message.c_str());
    QCOMPARE(maxAbsDiff(setup->x, ref["x"]), 0.0);
    QCOMPARE(maxAbsDiff(setup->wq, ref["wq"]), 0.0);
    QCOMPARE(maxAbsDiff(setup->wk, ref["wk"]), 0.0);
    QCOMPARE(maxAbsDiff(setup->wv, ref["wv"]), 0.0);
    auto r = computeExplorerHead(*setup, 0, ScaleSpec{}, 1.0);
    QVERIFY(r);
    QVERIFY(maxAbsDiff(setup->inputs.q[0], ref["q"]) <= kTol);
    QVERIFY(maxAbsDiff(setup->inputs.k[0], ref["k"]) <= kTol);
    QVERIFY(maxAbsDiff(r->stages.scoresRaw, ref["scores"]) <= kTol);
    QVERIFY(maxAbsDiff(r->stages.weights, ref["weights"]) <= kTol);
    QVERIFY(maxAbsDiff(r->stages.output, ref["output"]) <= kTol);
    const int p = storyPronoun(t);
    QCOMPARE(p, ref["pronoun"].toInt());
    Eigen::Index best = -1;
    r->stages.weights.row(p).maxCoeff(&best);
    QCOMPARE(QString::fromStdString(t.tokens[std::size_t(best)]), attended);
    QCOMPARE(ref["argmax_token"].toString(), attended);
    // The winner stands out from the runner-up: the argmax is not a rounding accident.
    Mat<double> row = r->stages.weights.row(p);
    row(0, best) = 0;
    QVERIFY(r->stages.weights(p, best) > row.maxCoeff() + 0.04);
}

void TstStory::badTables()
{
    StoryTable t = storyTable("en");
    t.values(3, 1) = std::nan("");
    auto r = buildStorySetup(t);
    QVERIFY(!r);
    QVERIFY(r.error().message.find("finite") != std::string::npos);
    t = storyTable("en");
    t.values.conservativeResize(t.values.rows(), 5);
    QVERIFY(!buildStorySetup(t));
    t = storyTable("en");
    t.tokens.pop_back();
    QVERIFY(!buildStorySetup(t));
    QCOMPARE(storyTable("fr").lang, std::string("en")); // anything else: English
}

void TstStory::overrideReplacesRows()
{
    const auto setup = buildStorySetup(storyTable("en"));
    QVERIFY(setup);
    const int it = storyPronoun(storyTable("en")), street = storyToken(storyTable("en"), "street");
    const auto base = computeExplorerHead(*setup, 0, ScaleSpec{}, 1.0);
    VectorOverride q{VectorOverride::Target::Query, 0, it, {0.5, 7, -1, 2}};
    auto edited = applyOverrides(*setup, {q});
    QVERIFY(edited);
    const auto r = computeExplorerHead(*edited, 0, ScaleSpec{}, 1.0);
    QVERIFY(r);
    const Mat<double> &k = setup->inputs.k[0];
    for (Eigen::Index j = 0; j < k.rows(); ++j) {
        double dot = 0;
        for (int d = 0; d < 4; ++d)
            dot += q.values[std::size_t(d)] * k(j, d);
        QCOMPARE(r->stages.scoresRaw(it, j), dot);
        QCOMPARE(r->stages.scoresScaled(it, j), dot / 2.0); // 1/√4
    }
    for (Eigen::Index i = 0; i < k.rows(); ++i)
        if (i != it)
            QVERIFY(r->stages.scoresRaw.row(i) == base->stages.scoresRaw.row(i));
    // A key row: only column `street` of the scores changes.
    VectorOverride kk{VectorOverride::Target::Key, 0, street, {9, 0, 0, 0}};
    const auto r2 = computeExplorerHead(*applyOverrides(*setup, {kk}), 0, ScaleSpec{}, 1.0);
    Eigen::Index best = -1;
    r2->stages.weights.row(it).maxCoeff(&best);
    QCOMPARE(int(best), street); // 6·9 = 54 beats the animal's 8.2
    for (Eigen::Index j = 0; j < k.rows(); ++j)
        if (j != street)
            QVERIFY(r2->stages.scoresRaw.col(j) == base->stages.scoresRaw.col(j));
    QCOMPARE(withOverride({q}, VectorOverride{VectorOverride::Target::Query, 0, it, {1, 1, 1, 1}}).size(), std::size_t(1));
    QCOMPARE(withOverride({q}, kk).size(), std::size_t(2));
    // Refused: a token, head or length that does not exist, a NaN.
    QVERIFY(!applyOverrides(*setup, {VectorOverride{VectorOverride::Target::Query, 0, 12, {1, 1, 1, 1}}}));
    QVERIFY(!applyOverrides(*setup, {VectorOverride{VectorOverride::Target::Query, 1, 0, {1, 1, 1, 1}}}));
    QVERIFY(!applyOverrides(*setup, {VectorOverride{VectorOverride::Target::Key, 0, 0, {1, 1, 1}}}));
    QVERIFY(!applyOverrides(*setup, {VectorOverride{VectorOverride::Target::Key, 0, 0, {1, 1, 1, std::nan("")}}}));
}

QTEST_APPLESS_MAIN(TstStory)
#include "tst_story.moc"
