#pragma once
// Typed text for the explorer window: built-in embeddings of tokens and the setup of a sentence
// (math/explorer_setup.h has the setup and the computation, free of Qt: lower-casing Unicode
// needs QtCore, so this part lives here). See docs/embeddings.md.

#include <cstdint>
#include <string>
#include <vector>

#include "explorer_setup.h"

namespace attnscope {

/// Built-in embeddings of `tokens`, [T, dModel]: the content part is hashed character n-grams
/// (n = 1..3 over "<token>", lower-cased), each adding ±1 to a bucket, scaled to unit length, so
/// that equal tokens get equal vectors and similar spellings similar ones; the position part is
/// the sinusoidal encoding of Vaswani et al. at `positionOffset + i`, times `positionWeight`, so
/// that neighbours resemble each other.
Mat<double> textEmbeddings(const std::vector<std::string> &tokens, int dModel, int positionOffset = 0,
                           double positionWeight = 0.5);

/// A typed sentence and the settings of the computation on it.
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

} // namespace attnscope
