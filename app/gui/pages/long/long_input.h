#pragma once
// What the Long input tab computes from, and what it computes: one head's weights streamed
// (engine/math/attention_overview.h), never stored. An input is opened once (the files read, Q
// and K prepared for every head in float32, as the command line computes by default); a view is
// one head under one set of parameters: its overview of the whole matrix — 2,048 bins a side at
// most, with the attention each key receives and each row's entropy — and the row statistics
// from which any region or cell is computed exactly later.

#include <QStringList>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "attention_overview.h"
#include "explorer_setup.h"

namespace attnscope {

struct LongInput {
    QStringList paths;
    QString name; ///< for titles: the file, or the folder of role files
    AttentionInputs<float> inputs; ///< every head, with the files' masks
    std::vector<std::string> queryTokens, keyTokens; ///< empty: indices
    int layers = 1; ///< a bundle's layers (its q/k are [L, H, T, d]); 1 otherwise
    int layer = 0;
    std::vector<std::string> warnings;

    std::int64_t queries() const { return inputs.q.empty() ? 0 : inputs.q[0].rows(); }
    std::int64_t keys() const { return inputs.k.empty() ? 0 : inputs.k[0].rows(); }
    std::int64_t headSize() const { return inputs.q.empty() ? 0 : inputs.q[0].cols(); }
    int heads() const { return int(inputs.q.size()); }
};

/// Opens Q and K (V is not needed: only the weights are shown) from files named after their roles
/// (q, k or x, wq, wk, context; mask, key_padding, tokens, key_tokens), or from one tensor file
/// with q and k members (a bundle's `attentions` are never read); `layer` picks a bundle's layer
/// (-1: the last). Errors name the file.
Result<std::shared_ptr<const LongInput>> openLongInput(const QStringList &paths, int layer = -1);

struct LongParams {
    int head = 0;
    ScaleSpec::Mode scale = ScaleSpec::Mode::Sqrt;
    bool causal = false; ///< added to the files' own masks
    bool operator==(const LongParams &) const = default;
};

/// One head's overview under `params`, and what the cell panel and zoomed regions need.
struct LongView {
    std::shared_ptr<const LongInput> input;
    LongParams params;
    AttentionInputs<float> head;     ///< the head alone (singleHead), with the causal mask
    OverviewOptions options;         ///< as computed (no cancel flag)
    AttentionOverview<float> overview;
    ExplorerSetup cellSetup;         ///< the head in double, for explainCell
    double computeMs = 0;
    int threads = 1;

    const HeadOverview<float> &stats() const { return overview.heads.front(); }
    /// The exact weight of one cell, from the row statistics (O(d)).
    double weight(std::int64_t row, std::int64_t col) const;
};

/// Computes the view of `params.head` (clamped) of `input`. Refuses over the memory budget;
/// Cancelled when `cancel` is set.
Result<std::shared_ptr<const LongView>> computeLongView(std::shared_ptr<const LongInput> input, const LongParams &params,
                                                        const std::atomic<bool> *cancel);

} // namespace attnscope
