#pragma once
// What the window holds for an input, estimated before it computes or opens anything, so that
// an input it cannot show within the process-wide memory budget (engine/memory_budget.h) is
// refused with the amount it needs, and the window keeps showing the previous input.
//
// The coefficients were measured on the real window (README, "Memory"): the peak heap of
// `attnscope --text … --screenshot` and of the Imported attention tab for growing inputs.

#include <cstdint>
#include <string>

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

/// OverBudget, naming `what` ("q.npy"), unless `bytes` fit what is left of the budget now.
Status checkWindowBudget(std::uint64_t bytes, const std::string &what);

} // namespace attnscope
