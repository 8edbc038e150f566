#pragma once
// The neuron view's numbers (BertViz): for one query of one head, the query vector q, each key's
// vector k_j, their elementwise product q ⊙ k_j, the dot product q · k_j, the scaled score
// q · k_j / √d and the softmax across the keys, with masked keys (causal, sliding window)
// taking no weight. Rows are keys.

#include <cstdint>
#include <vector>

#include "attention.h"
#include "attention_bundle.h"
#include "result.h"
#include "tensor.h"

namespace attnscope {

/// One query's path from q and k to its attention weights. Invariant: k, product have
/// keys() rows and q.size() columns; dot, scaled, weights and masked have keys() entries.
struct NeuronValues {
    Vec<double> q;         ///< [d] the query's vector
    Mat<double> k;         ///< [Tk, d] every key's vector
    Mat<double> product;   ///< [Tk, d] q ⊙ k_j, elementwise
    Vec<double> dot;       ///< [Tk] q · k_j (the sum of a row of `product`)
    Vec<double> scaled;    ///< [Tk] dot · scale; −∞ where masked
    Vec<double> weights;   ///< [Tk] softmax of `scaled` across the keys; 0 where masked
    std::vector<bool> masked; ///< [Tk] keys the query may not attend
    double scale = 1.0;    ///< what multiplied `dot` into `scaled`: 1/√d, or the Explorer's factor / τ

    Eigen::Index keys() const { return k.rows(); }
    Eigen::Index dim() const { return q.size(); }
};

/// The numbers for query `query` (0-based row of `q` [Tq, d]) against every row of `k` [Tk, d]:
/// scale 1/√d, softmax over the keys not `masked` (empty: none masked), computed in double with
/// the maximum subtracted. Errors (BadArgument, BadShape): query out of range, d differing or 0,
/// a mask of the wrong length, or every key masked.
Result<NeuronValues> neuronValues(const Mat<double> &q, const Mat<double> &k, int query,
                                  const std::vector<bool> &masked = {});

/// Which keys query `query` of layer `layer` may not attend in `bundle`: keys j > i when the
/// model masked causally (the bundle's `causal`, or, when it does not say, every head of the layer
/// exactly 0 above the diagonal), and keys j <= i − w under a sliding window w. Requires a valid
/// layer and query.
std::vector<bool> bundleKeyMask(const AttentionBundle &bundle, int layer, int query);

/// neuronValues for head `head` of layer `layer` of a bundle with q/k: q[l] head h against
/// k[l] head h·H_kv/H (grouped-query heads), masked by bundleKeyMask. Errors name what is out of
/// range or missing (a bundle without q/k).
Result<NeuronValues> bundleNeuronValues(const AttentionBundle &bundle, int layer, int head, int query);

/// The numbers of a head already computed (the Explorer's stages): q = row `query` of `q`
/// [Tq, d] and k [Tk, d] as the head read them, product and dot computed here; `scaled` and
/// `weights` are row `query` of `stages.scoresScaled` and `stages.weights` themselves (the very
/// numbers the stages show, any scale, temperature and mask), a key masked where
/// `stages.scoresMasked` is −∞; `factor` is the multiplier that made the scaled scores (scale / τ).
/// Additive masks show in the weights, not in `scaled`. Errors (BadArgument, BadShape): as
/// neuronValues, or stages not kept or of another size than q and k.
Result<NeuronValues> stagedNeuronValues(const Mat<double> &q, const Mat<double> &k, const HeadResult<double> &stages,
                                        int query, double factor);

} // namespace attnscope
