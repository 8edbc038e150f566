#pragma once
// Hugging Face model folders, natively: config.json, safetensors weights (single file or shards
// listed in model.safetensors.index.json; F32, F16, BF16 converted tensor by tensor from the
// mapped file), and the forward pass of the supported architectures (by `model_type`): bert, gpt2,
// llama, mistral, qwen2, qwen3, vit — with Hugging Face's semantics exactly. The attention runs
// through the staged kernel (math/attention.h); norms, MLPs and embeddings are Eigen in float32.
// The result is an attention bundle (math/attention_bundle.h): each layer's softmax weights, and
// optionally q/k/v and each layer's normed input, so that every page can show it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "attention_bundle.h"
#include "result.h"
#include "tensor.h"

namespace attnscope {

/// What config.json says, in the terms AttnScope shows.
struct ModelInfo {
    std::string dir;   ///< the folder
    std::string name;  ///< "gpt2" for …/models--gpt2/snapshots/<hash>, else the folder's name
    std::string type;  ///< model_type: "bert", "gpt2", "llama", "mistral", "qwen2", "qwen3", "vit"
    int layers = 0, heads = 0, kvHeads = 0, hidden = 0, headDim = 0;
    int maxPositions = 0;       ///< max_position_embeddings / n_positions (text models)
    std::int64_t parameters = 0; ///< elements of every weight read
    bool causal = false;
    bool image = false;          ///< vit: the input is an image
    int imageSize = 0, patchSize = 0;
    int slidingWindow = 0;       ///< mistral's sliding_window when set, else 0
};

/// Supported `model_type`s, for messages: "bert, gpt2, llama, mistral, qwen2, qwen3, vit".
const char *supportedModelTypes();

struct ModelLoadOptions {
    std::uint64_t memoryBudget = 0;           ///< bytes for the float32 weights; 0: the process budget
    const std::atomic<bool> *cancel = nullptr; ///< checked between tensors
    std::function<void(double fraction)> progress; ///< 0…1, from the loading thread
};

struct ModelRunOptions {
    bool keepQkv = true;     ///< fill bundle q, k, v (after bias, q_norm/k_norm, rotation; before the scale)
    bool keepInputs = true;  ///< fill bundle inputs: each layer's normed input to the attention
    int threads = 1;         ///< worker threads for the forward pass (≥ 1)
    std::uint64_t memoryBudget = 0;            ///< activations and results; 0: the process budget
    const std::atomic<bool> *cancel = nullptr; ///< checked between layers (and inside the kernel)
    std::function<void(int layer, int layers)> progress; ///< after each layer
};

/// A loaded model: config and float32 weights. Immutable once loaded; runs may share it across threads.
class TransformerModel {
public:
    /// Reads `dir`'s config.json and weights. Errors name the file, the tensor or the key: an
    /// unsupported model_type (with supportedModelTypes()), pytorch_model.bin only (how to convert
    /// it), a missing or misshaped tensor (both shapes), a shard index naming a missing file,
    /// weights over the budget (refused before reading, with the amount).
    static Result<std::shared_ptr<const TransformerModel>> load(const std::string &dir,
                                                                const ModelLoadOptions &options = {});
    ~TransformerModel();
    TransformerModel(const TransformerModel &) = delete;
    TransformerModel &operator=(const TransformerModel &) = delete;

    const ModelInfo &info() const;

    /// Bytes a run over `tokens` positions needs (activations plus the kept results), for the
    /// budget check before a run.
    std::uint64_t runBytes(std::int64_t tokens, const ModelRunOptions &options) const;

    /// Text models: the forward pass over token `ids`. The bundle holds attentions [L, H, T, T]
    /// (exact zeros where masked), inputIds, causal, model (info().name), and q/k/v/inputs as
    /// asked; tokens are left for the caller (the tokenizer's strings). Errors: zero tokens, more
    /// than maxPositions (both numbers), an id outside the vocabulary, over the budget.
    Result<AttentionBundle> runTokens(const std::vector<std::int64_t> &ids, const ModelRunOptions &options) const;

    /// Image models: `pixels` float32 [3, S, S] (channels first, already normalised; S =
    /// imageSize). The bundle's tokens are "[CLS]", "patch 0,0", …; gridRows/gridCols set.
    Result<AttentionBundle> runPixels(const Tensor &pixels, const ModelRunOptions &options) const;

    struct Impl;

private:
    explicit TransformerModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace attnscope
