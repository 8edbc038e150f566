#pragma once
// The story example: "The animal didn't cross the street because it was too tired" (and its
// Chinese version, pre-segmented into words), with every token described by a small feature
// table and projections chosen by hand, so that the pronoun's query seeks animate nouns and "it"
// attends to "animal" by construction. Change one feature and it attends to "street".
// See docs/story.md.

#include <string>
#include <vector>

#include "explorer_setup.h"

namespace attnscope {

/// The story's tokens and their features: one row per token, one column per feature.
struct StoryTable {
    std::string lang;                  ///< "en" or "zh_CN"
    std::vector<std::string> tokens;   ///< the words (UTF-8), pre-segmented
    std::vector<std::string> features; ///< the column keys: noun, animate, place, pronoun, verb, position
    Mat<double> values;                ///< [tokens, features]
    bool operator==(const StoryTable &o) const
    {
        return lang == o.lang && tokens == o.tokens && features == o.features && values.rows() == o.values.rows()
               && values.cols() == o.values.cols() && values == o.values;
    }
};

/// The feature columns, in order (also the story's d_model).
const std::vector<std::string> &storyFeatures();
/// d_k = d_v of the story's one head.
constexpr int kStoryDHead = 4;

/// The built-in story in `lang` ("en" or "zh_CN"; anything else gives English).
StoryTable storyTable(const std::string &lang);
/// The row of the story's pronoun ("it", "它"), or -1.
int storyPronoun(const StoryTable &table);
/// The row of the story's token `word` (e.g. "animal", "马路"), or -1.
int storyToken(const StoryTable &table, const std::string &word);

/// The hand-chosen projections, each [features, kStoryDHead]: Q dimensions "seeks animate",
/// "seeks a noun", "seeks later words", "seeks a verb"; K dimensions "is animate", "is a noun",
/// "position", "is a verb"; V copies noun, animate, place and pronoun, so that a token's output
/// says what kind of word it gathered from.
Projections storyProjections();

/// One head of self-attention over the table: X = the table's values, Q = X·Wq, K = X·Wk,
/// V = X·Wv with storyProjections(), no mask. Refuses a table whose shape is not the features'
/// or whose values are not finite.
Result<ExplorerSetup> buildStorySetup(const StoryTable &table);

} // namespace attnscope
