#pragma once
// Inside the model part: the parsed config, the loaded weights and the run context shared by the
// architectures (model_bert.cpp, model_gpt2.cpp, model_llama.cpp, model_vit.cpp). Not installed
// for other parts: model.h is the interface.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "attention.h"
#include "model.h"
#include "model_layers.h"

namespace attnscope {

/// config.json in the terms the forward pass needs. Sizes are validated to be positive and
/// small enough to multiply; whether they agree with the weights is checked against the tensors.
struct ModelConfig {
    ModelInfo info;
    std::string configPath;          ///< <dir>/config.json, for messages
    Activation activation = Activation::GeluErf;
    double normEps = 1e-12;          ///< layer_norm_eps / layer_norm_epsilon / rms_norm_eps
    std::int64_t vocab = 0, intermediate = 0, typeVocab = 0, channels = 3;
    double ropeTheta = 10000.0;
    bool attentionBias = false;      ///< llama family: q/k/v/o projections have biases
    bool qkvBias = false;            ///< qwen2: q/k/v have biases; vit/bert: qkv_bias
    bool mlpBias = false;            ///< llama: mlp_bias
    bool qkNorm = false;             ///< qwen3: q_norm / k_norm per head before the rotation
    bool tieWordEmbeddings = false;
    bool scaleAttnWeights = true;    ///< gpt2: scale_attn_weights
    bool scaleByInverseLayer = false; ///< gpt2: scale_attn_by_inverse_layer_idx
};

/// Reads and checks `dir`/config.json. Errors name the file and the key.
Result<ModelConfig> readModelConfig(const std::string &dir);

/// One tensor an architecture needs: its name after the prefix is stripped, and its shape.
struct WeightSpec {
    std::string name;
    Shape shape;
    bool optional = false; ///< read when present (e.g. lm_head), never required
};

/// Whether the weight of `spec` is held transposed, [in, out]: every nn.Linear weight (2-D, named
/// *.weight, not an embedding) of every architecture but GPT-2, whose Conv1D is stored so.
bool storedTransposed(const ModelConfig &c, const WeightSpec &spec);

/// The tensors of each architecture, from the config's sizes.
std::vector<WeightSpec> bertWeightSpecs(const ModelConfig &c);
std::vector<WeightSpec> gpt2WeightSpecs(const ModelConfig &c);
std::vector<WeightSpec> llamaWeightSpecs(const ModelConfig &c);
std::vector<WeightSpec> vitWeightSpecs(const ModelConfig &c);

struct TransformerModel::Impl {
    ModelConfig config;
    /// Vectors 1 × n; matrices [in, out] (nn.Linear weights transposed at load, storedTransposed)
    std::unordered_map<std::string, Mat<float>> weights;
    /// The weight `name`; it was required by the architecture's specs, so it exists (asserts).
    const Mat<float> &w(const std::string &name) const;
    /// The weight `name`, or nullptr when absent (optional biases).
    const Mat<float> *find(const std::string &name) const;
};

/// One run: the options, the bundle being filled and the layer loop's bookkeeping.
struct RunContext {
    const ModelRunOptions &options;
    std::int64_t tokens = 0;
    AttentionBundle bundle;
    /// Checks cancellation and reports progress after `layer`; Cancelled when asked to stop.
    Status layerDone(int layer);
};

/// Allocates the bundle's attentions (and q/k/v/inputs when kept) for `c` and `tokens` positions.
void prepareBundle(RunContext &ctx, const ModelConfig &c);

/// One layer's attention through the staged kernel: `q` [T, H·d], `k` and `v` [T, Hkv·d] (q and
/// k final: bias, norm, rotation done), scale and mask as the model applies them. Keeps the
/// weights (and q/k/v, the layer's input `x` when asked) in the bundle; returns the heads'
/// outputs side by side [T, H·d], before the output projection.
Result<Mat<float>> attendLayer(RunContext &ctx, const ModelConfig &c, int layer, const Mat<float> &x,
                               const Mat<float> &q, const Mat<float> &k, const Mat<float> &v,
                               const ScaleSpec &scale, const MaskSpec<float> &mask);

/// The forward passes; `ctx.bundle` is filled layer by layer.
Status bertForward(const TransformerModel::Impl &m, const std::vector<std::int64_t> &ids, RunContext &ctx);
Status gpt2Forward(const TransformerModel::Impl &m, const std::vector<std::int64_t> &ids, RunContext &ctx);
Status llamaForward(const TransformerModel::Impl &m, const std::vector<std::int64_t> &ids, RunContext &ctx);
Status vitForward(const TransformerModel::Impl &m, const Tensor &pixels, RunContext &ctx);

/// Sets glibc's malloc, once per process, to keep freed working memory instead of returning it
/// to the kernel at once. A forward pass allocates and frees matrices of several MiB per layer
/// (the activations, Eigen's packed GEMM blocks); with the default dynamic thresholds glibc
/// trims or unmaps them and every layer faults them back in: GPT-2 small at T = 1024 spent a
/// third of its time in page faults (perf; 3.7 s → 2.5 s). Mapping threshold 32 MiB (results
/// above it are still mapped and returned), trim threshold 128 MiB, top pad 16 MiB.
void keepWorkingMemory();

/// "layers.3.mlp.up_proj.weight" for prefix "layers.", layer 3, rest "mlp.up_proj.weight".
std::string layerName(const char *prefix, int layer, const char *rest);

} // namespace attnscope
