#pragma once
// What the explorer window computes, without the text: seeded projections, the setup of one
// computation (tokens, embeddings, projections, per-head Q, K, V and the mask), and one head's
// every stage, kept for display. Typed text becomes a setup in text/explorer.h, files in
// text/explorer_files.h, images in image/image_attention.h. See docs/embeddings.md.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "attention.h"

namespace attnscope {

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
    /// Set when a real model made Q, K, V (a bundle with `model`): its name, and the layer. X is
    /// then that layer's normed input and Q, K are after the bias, q_norm/k_norm and the rotation.
    std::string model;
    int layer = -1;
    /// The names of X's columns when each means something (the story's features: noun, animate,
    /// …); empty when they are plain dimensions.
    std::vector<std::string> featureNames;
};

/// The explorer's parameters as one typed value: what the Parameters panel shows, and what
/// settings and sessions keep (app/gui/pages/explorer/explorer_params.cpp converts it, in one
/// place). For typed text every field applies; for tensors from files the model fields (dModel,
/// dHead, heads, seed, text) describe the file and only head, scale, temperature and mask apply.
struct ExplorerParams {
    enum class Mask { None, Causal, Padding };
    std::string text;    ///< the typed sentence (UTF-8)
    std::string context; ///< the keys' sentence for cross-attention
    bool cross = false;
    int dModel = 64;
    int dHead = 16; ///< d_k = d_v of one head
    int heads = 2;
    int head = 0; ///< the head shown, 0 … heads − 1
    std::uint64_t seed = 1;
    ScaleSpec::Mode scale = ScaleSpec::Mode::Sqrt;
    double customScale = 1.0; ///< the multiplier when scale is Custom
    double temperature = 1.0; ///< > 0
    Mask mask = Mask::None;
    std::vector<int> paddedKeys; ///< key indices treated as padding when mask is Padding
    bool operator==(const ExplorerParams &) const = default;
};

/// One head's stages (KeepAll) and the output of every head.
struct ExplorerResult {
    int head = 0;
    HeadResult<double> stages;
    std::vector<std::string> warnings;
};

/// Head `head` of `setup` (with the K/V head it reads and its mask) through computeAttention,
/// every stage kept. Refuses a head out of range.
Result<ExplorerResult> computeExplorerHead(const ExplorerSetup &setup, int head, const ScaleSpec &scale,
                                           double temperature, const std::atomic<bool> *cancel = nullptr);

} // namespace attnscope
