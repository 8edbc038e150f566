#pragma once
// What the window holds for an input, estimated before it computes or opens anything, so that
// an input it cannot show within the process-wide memory budget (engine/memory_budget.h) is
// refused with the amount it needs, and the window keeps showing the previous input.
//
// The coefficients were measured on the real window (README, "Memory"): the peak heap of
// `attnscope --text … --screenshot` and of the Imported attention tab for growing inputs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "result.h"

namespace attnscope {

/// The Explorer for Tq queries and Tk keys: one head's scores, scaled, masked and weights in
/// double, the copies the heatmaps draw from, and the per-token embeddings, projections and
/// Q, K, V of every head.
std::uint64_t explorerBytes(std::int64_t tq, std::int64_t tk, std::int64_t dModel, std::int64_t dHead,
                            std::int64_t heads);

/// The Imported attention tab for a bundle [layers, heads, Tq, Tk] stored with `elementBytes`
/// bytes per weight: the bundle itself, the matrix shown and its normalised copies.
std::uint64_t attentionPageBytes(std::int64_t layers, std::int64_t heads, std::int64_t tq, std::int64_t tk,
                                 std::int64_t elementBytes);

/// What opening the tensor file `path` would hold, from its header alone (nothing is read): its
/// arrays, plus the Imported attention tab for an `attentions` array (or a single array of rank
/// ≥ 2) and the Explorer for q/k (or x) arrays. 0 for a file that is not a tensor file (a text
/// file; its sentence is checked when it is computed) or that cannot be opened (its reader
/// reports why).
std::uint64_t fileBytes(const std::string &path);

/// The sizes of one head's attention, read from file headers.
struct AttentionSize {
    std::int64_t tq = 0, tk = 0, dk = 0;
};

/// Inputs with at most this many query × key cells (4,096²) show every stage, stored (the
/// Explorer); larger ones, and any whose stages do not fit the budget, are streamed (the Long
/// input tab: the weights computed on the fly, never stored). README, "Long inputs".
constexpr std::int64_t kStoredCellsLimit = std::int64_t(4096) * 4096;
/// Bins a side of a streamed input's overview of the whole head (the base of the pyramid).
constexpr int kStreamedOverviewSide = 2048;

/// The sizes of the attention that files named after their roles (q.npy, k.npy, or x.npy,
/// wq.npy, wk.npy, context.npy …) describe, or of a tensor file's q and k members; nothing when
/// they hold neither.
std::optional<AttentionSize> roleFilesSize(const std::vector<std::string> &paths);
std::optional<AttentionSize> tensorFileSize(const std::string &path);

/// Whether an input of `size` is streamed: more than kStoredCellsLimit cells, or its stages
/// (explorerBytes) would not fit what is left of the budget.
bool isStreamed(const AttentionSize &size);

/// What the Long input tab holds for `size` beyond the files' arrays: the row statistics, the
/// overview's bins and by-products and a zoomed region's, on every thread.
std::uint64_t streamedBytes(const AttentionSize &size);

/// What opening the tensor files `paths` as a streamed input holds: their arrays (as stored and
/// in double) and streamedBytes.
std::uint64_t streamedFilesBytes(const std::vector<std::string> &paths, const AttentionSize &size);

/// OverBudget, naming `what` ("q.npy"), unless `bytes` fit what is left of the budget now.
Status checkWindowBudget(std::uint64_t bytes, const std::string &what);

} // namespace attnscope
