#pragma once
// What the explorer window computes: built-in embeddings for typed text, seeded projections,
// and one head's every stage, kept for display. See docs/embeddings.md.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "attention.h"

namespace attnscope {

/// Built-in embeddings of `tokens`, [T, dModel]: the content part is hashed character n-grams
/// (n = 1..3 over "<token>", lower-cased), each adding ±1 to a bucket, scaled to unit length, so
/// that equal tokens get equal vectors and similar spellings similar ones; the position part is
/// the sinusoidal encoding of Vaswani et al. at `positionOffset + i`, times `positionWeight`, so
/// that neighbours resemble each other.
Mat<double> textEmbeddings(const std::vector<std::string> &tokens, int dModel, int positionOffset = 0,
                           double positionWeight = 0.5);

/// Seeded projections Wq, Wk [dModel, heads·dHead] and Wv [dModel, heads·dHead], entries
/// N(0, 1) (the embeddings have about unit length). Wk = (Wq + N) / √2 shares half of its variance with Wq, so that Q·Kᵀ ≈ X·Wq·Wqᵀ·Xᵀ
/// rewards similar tokens: random but telling.
struct Projections {
    Mat<double> wq, wk, wv;
};
Projections randomProjections(int dModel, int dHead, int heads, std::uint64_t seed);

/// Everything a computation needs; built from text or from tensor files.
struct ExplorerSetup {
    std::vector<std::string> queryTokens, keyTokens; ///< labels; may be "0", "1", … for tensors
    Mat<double> x, c;          ///< [Tq, d_model], [Tk, d_model]; empty when Q/K/V were given
    Mat<double> wq, wk, wv;    ///< empty when Q/K/V were given
    AttentionInputs<double> inputs; ///< per-head Q, K, V and the mask
    bool crossAttention = false;
};

struct TextScenario {
    std::vector<std::string> tokens;        ///< the queries (and keys, for self-attention)
    std::vector<std::string> contextTokens; ///< non-empty: cross-attention keys
    int dModel = 64;
    int dHead = 16; ///< d_k = d_v of one head
    int heads = 2;
    std::uint64_t seed = 1;
    bool causal = false;
    std::vector<int> paddedKeys; ///< key indices treated as padding
};

/// Checks the scenario and builds embeddings, projections and per-head Q, K, V.
Result<ExplorerSetup> buildTextSetup(const TextScenario &s);

/// One head's stages (KeepAll) and the output of every head.
struct ExplorerResult {
    int head = 0;
    HeadResult<double> stages;
    std::vector<std::string> warnings;
};

Result<ExplorerResult> computeExplorerHead(const ExplorerSetup &setup, int head, const ScaleSpec &scale,
                                           double temperature, const std::atomic<bool> *cancel = nullptr);

} // namespace attnscope
