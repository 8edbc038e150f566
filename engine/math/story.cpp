#include "story.h"

#include <algorithm>
#include <cmath>

namespace attnscope {
namespace {

enum Feature { Noun, Animate, Place, Pronoun, Verb, Position, FeatureCount };

/// One word's features other than its position.
struct Word {
    const char *text;
    int noun, animate, place, pronoun, verb;
};

StoryTable tableOf(const std::string &lang, const std::vector<Word> &words)
{
    StoryTable t;
    t.lang = lang;
    t.features = storyFeatures();
    const auto n = Eigen::Index(words.size());
    t.values = Mat<double>::Zero(n, FeatureCount);
    for (Eigen::Index i = 0; i < n; ++i) {
        const Word &w = words[std::size_t(i)];
        t.tokens.emplace_back(w.text);
        t.values.row(i) << w.noun, w.animate, w.place, w.pronoun, w.verb, double(i) / double(n - 1);
    }
    return t;
}

} // namespace

const std::vector<std::string> &storyFeatures()
{
    static const std::vector<std::string> names{"noun", "animate", "place", "pronoun", "verb", "position"};
    return names;
}

StoryTable storyTable(const std::string &lang)
{
    if (lang == "zh_CN")
        return tableOf(lang, {{"动物", 1, 1, 0, 0, 0},
                              {"没有", 0, 0, 0, 0, 0},
                              {"过", 0, 0, 0, 0, 1},
                              {"马路", 1, 0, 1, 0, 0},
                              {"，", 0, 0, 0, 0, 0},
                              {"因为", 0, 0, 0, 0, 0},
                              {"它", 0, 0, 0, 1, 0},
                              {"太", 0, 0, 0, 0, 0},
                              {"累", 0, 0, 0, 0, 0},
                              {"了", 0, 0, 0, 0, 0},
                              {"。", 0, 0, 0, 0, 0}});
    return tableOf("en", {{"The", 0, 0, 0, 0, 0},
                          {"animal", 1, 1, 0, 0, 0},
                          {"didn't", 0, 0, 0, 0, 0},
                          {"cross", 0, 0, 0, 0, 1},
                          {"the", 0, 0, 0, 0, 0},
                          {"street", 1, 0, 1, 0, 0},
                          {"because", 0, 0, 0, 0, 0},
                          {"it", 0, 0, 0, 1, 0},
                          {"was", 0, 0, 0, 0, 1},
                          {"too", 0, 0, 0, 0, 0},
                          {"tired", 0, 0, 0, 0, 0},
                          {".", 0, 0, 0, 0, 0}});
}

int storyToken(const StoryTable &table, const std::string &word)
{
    const auto it = std::find(table.tokens.begin(), table.tokens.end(), word);
    return it == table.tokens.end() ? -1 : int(it - table.tokens.begin());
}

int storyPronoun(const StoryTable &table)
{
    for (Eigen::Index i = 0; i < table.values.rows(); ++i)
        if (table.values(i, Pronoun) > 0.5)
            return int(i);
    return -1;
}

Projections storyProjections()
{
    Projections p;
    p.wq = Mat<double>::Zero(FeatureCount, kStoryDHead);
    p.wk = Mat<double>::Zero(FeatureCount, kStoryDHead);
    p.wv = Mat<double>::Zero(FeatureCount, kStoryDHead);
    // A pronoun seeks an animate noun, then any noun, then a later word (the nearer noun wins a tie).
    p.wq.row(Pronoun) << 6, 2, 2, 0;
    p.wq(Verb, 1) = 2; // a verb seeks nouns (its subject and object)
    p.wq(Noun, 3) = 2; // a noun seeks verbs
    p.wk(Animate, 0) = 1;
    p.wk(Noun, 1) = 1;
    p.wk(Position, 2) = 1;
    p.wk(Verb, 3) = 1;
    p.wv(Noun, 0) = 1;
    p.wv(Animate, 1) = 1;
    p.wv(Place, 2) = 1;
    p.wv(Pronoun, 3) = 1;
    return p;
}

Result<ExplorerSetup> buildStorySetup(const StoryTable &table)
{
    const auto bad = [](const std::string &m) { return makeError(Error::Code::BadArgument, "story: " + m); };
    if (table.tokens.empty() || table.values.rows() != Eigen::Index(table.tokens.size()))
        return bad("the feature table needs one row per token");
    if (table.values.cols() != FeatureCount)
        return bad("the feature table needs " + std::to_string(int(FeatureCount)) + " columns, not " +
                   std::to_string(table.values.cols()));
    if (!table.values.allFinite())
        return bad("every feature must be a finite number");
    ExplorerSetup s;
    s.queryTokens = s.keyTokens = table.tokens;
    s.x = s.c = table.values;
    s.featureNames = table.features;
    Projections p = storyProjections();
    s.wq = std::move(p.wq);
    s.wk = std::move(p.wk);
    s.wv = std::move(p.wv);
    s.inputs.q = {s.x * s.wq};
    s.inputs.k = {s.x * s.wk};
    s.inputs.v = {s.x * s.wv};
    return s;
}

} // namespace attnscope
