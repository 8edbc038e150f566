#pragma once
// Per-head summaries of a bundle's attention: what each (layer, head) mostly does, as a few
// numbers to sort, colour and rank the heads by (the Model view, widgets/model_view.h).
// Rows are queries, columns keys; every summary is computed from the weights as stored.
//
//   entropy   mean row entropy in bits, −Σ_j a_ij·log₂ a_ij with 0·log 0 = 0 (only a_ij > 0
//             count); rows whose sum is not positive (fully masked or all zero) are SKIPPED; 0
//             when every row is skipped. Low: each query looks at few keys.
//   special   per row the sum of the weights on the special keys, averaged over all rows;
//             special keys: the key tokens equal to one of `specials` (defaultSpecialTokens());
//             0 when the bundle has no key tokens or none of them is special.
//   previous  mean over i = 1 … T−1 of a[i, i−1]   (square matrices with T >= 2; else NaN)
//   next      mean over i = 0 … T−2 of a[i, i+1]   (square matrices with T >= 2; else NaN)
//   self      mean over i of a[i, i]               (square matrices; else NaN)
//
// Non-finite weights (NaN, ±∞) count as 0 in every summary.

#include <string>
#include <vector>

#include "attention_bundle.h"
#include "attention_views.h"
#include "tensor.h"

namespace attnscope {

/// Which summary: the order of the columns of the ranked table.
enum class HeadMetric { Entropy, Special, Previous, Next, Self };
inline constexpr int kHeadMetricCount = 5;

/// "entropy", "special", "previous", "next", "self" (settings and the command line).
const char *headMetricKey(HeadMetric m);
/// The metric named by headMetricKey, or false.
bool headMetricFromKey(const std::string &key, HeadMetric *out);

/// The summaries of one head (see the file comment for each definition).
struct HeadSummary {
    int layer = 0, head = 0;
    double entropy = 0, special = 0, previous = 0, next = 0, self = 0;
    /// The value of `m`.
    double value(HeadMetric m) const;
};

/// The summaries of one matrix `a` [Tq, Tk]; `specialKeys` are column indices (each < Tk).
HeadSummary summarizeHead(const Mat<double> &a, const std::vector<int> &specialKeys);

/// The summaries of every head of `b`, layer-major: element l·H + h is (layer l, head h).
/// Special keys are those of b.keyTokens found in `specials`.
std::vector<HeadSummary> summarizeHeads(const AttentionBundle &b,
                                        const std::vector<std::string> &specials = defaultSpecialTokens());

} // namespace attnscope
