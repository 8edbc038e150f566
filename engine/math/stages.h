#pragma once
// The stages of the attention pipeline, listed once: their order, their keys (command lines,
// settings, session files), their titles (the stage stepper, the Stage menu) and the matrices
// each one shows and the stage dumps write (`attnscope-cli stages`, the window's Export → All
// stages). Everything that lists stages reads this table, so the window and the command line
// list the same stages by construction. Plain C strings: the window translates the titles.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace attnscope {

/// The stages in pipeline order. Add a stage here and in kStageTable (a static_assert and
/// tests/engine/tst_stages.cpp check that the two agree).
enum class Stage { Inputs, Qkv, Scores, Scaled, Masked, Weights, Output };

inline constexpr std::size_t kStageCount = std::size_t(Stage::Output) + 1;

/// A stage as the user sees it.
struct StageInfo {
    Stage stage;
    const char *key;   ///< "weights": lower case, unique
    const char *title; ///< "Softmax weights"
};

inline constexpr std::array<StageInfo, kStageCount> kStageTable = {{
    {Stage::Inputs, "inputs", "Inputs"},
    {Stage::Qkv, "qkv", "Q, K, V"},
    {Stage::Scores, "scores", "Scores QKᵀ"},
    {Stage::Scaled, "scaled", "Scaled"},
    {Stage::Masked, "masked", "Masked"},
    {Stage::Weights, "weights", "Softmax weights"},
    {Stage::Output, "output", "Output A·V"},
}};

/// One matrix of a stage, for one head: what the stage's heatmap shows and what a stage dump
/// writes as <file>.npy. Inputs has none (its embeddings X are not dumped); Qkv has Q, K, V.
struct StageMatrix {
    Stage stage;
    const char *file;     ///< "scores": unique among the matrices
    const char *title;    ///< "Scores Q·Kᵀ": a heatmap's title, followed by ", head h"
    const char *rowAxis;  ///< "query" or "key"
    const char *colAxis;  ///< "key" or "dimension"
    bool keyValueHead;    ///< K and V belong to key/value head g (grouped-query attention)
    bool diverging;       ///< signed values, drawn centred on zero: all but the weights
};

/// The matrices in stage order (q, k, v, scores, scaled, masked, weights, output).
inline constexpr std::array<StageMatrix, 8> kStageMatrices = {{
    {Stage::Qkv, "q", "Q", "query", "dimension", false, true},
    {Stage::Qkv, "k", "K", "key", "dimension", true, true},
    {Stage::Qkv, "v", "V", "key", "dimension", true, true},
    {Stage::Scores, "scores", "Scores Q·Kᵀ", "query", "key", false, true},
    {Stage::Scaled, "scaled", "Scaled scores", "query", "key", false, true},
    {Stage::Masked, "masked", "Masked scores (grey = −∞)", "query", "key", false, true},
    {Stage::Weights, "weights", "Attention weights A", "query", "key", false, false},
    {Stage::Output, "output", "Output A·V", "query", "dimension", false, true},
}};

namespace stages_detail {
constexpr bool tableInOrder()
{
    for (std::size_t i = 0; i < kStageTable.size(); ++i)
        if (kStageTable[i].stage != Stage(i))
            return false;
    for (std::size_t i = 1; i < kStageMatrices.size(); ++i)
        if (kStageMatrices[i].stage < kStageMatrices[i - 1].stage)
            return false;
    return true;
}
} // namespace stages_detail
static_assert(stages_detail::tableInOrder(), "kStageTable lists every Stage once, in order; kStageMatrices by stage");

/// The table's entry of `stage`.
constexpr const StageInfo &stageInfo(Stage stage) { return kStageTable[std::size_t(stage)]; }

/// The stage whose key is `key` (exactly, case-sensitive), if any.
std::optional<Stage> stageForKey(std::string_view key);

/// The matrices of `stage` (empty for Inputs), in the order of kStageMatrices.
std::span<const StageMatrix> stageMatrices(Stage stage);

} // namespace attnscope
