// The LLaMA family (LlamaModel, MistralModel, Qwen2Model, Qwen3Model): token embeddings; pre-norm
// layers with RMSNorm; q/k/v projections (biases: attention_bias, always for qwen2), Qwen3's
// q_norm/k_norm per head, rotary embeddings (rotate-half) on q and k; grouped-query attention
// scaled by 1/√head_dim, causal, within Mistral's sliding window; SwiGLU MLP.
#include "model_internal.h"

namespace attnscope {

std::vector<WeightSpec> llamaWeightSpecs(const ModelConfig &c)
{
    const auto &i = c.info;
    const std::int64_t D = i.hidden, I = c.intermediate, hd = i.headDim, Hq = i.heads * hd, Hk = i.kvHeads * hd;
    std::vector<WeightSpec> s{{"embed_tokens.weight", {c.vocab, D}}};
    for (int l = 0; l < i.layers; ++l) {
        auto add = [&](const std::string &rest, Shape shape) { s.push_back({layerName("layers.", l, rest.c_str()), std::move(shape)}); };
        add("input_layernorm.weight", {D});
        add("post_attention_layernorm.weight", {D});
        const std::pair<const char *, Shape> projections[] = {{"self_attn.q_proj.", {Hq, D}}, {"self_attn.k_proj.", {Hk, D}},
                                                              {"self_attn.v_proj.", {Hk, D}}};
        for (const auto &[name, shape] : projections) {
            add(std::string(name) + "weight", shape);
            if (c.qkvBias)
                add(std::string(name) + "bias", {shape[0]});
        }
        add("self_attn.o_proj.weight", {D, Hq});
        if (c.attentionBias)
            add("self_attn.o_proj.bias", {D});
        if (c.qkNorm) {
            add("self_attn.q_norm.weight", {hd});
            add("self_attn.k_norm.weight", {hd});
        }
        for (const char *name : {"mlp.gate_proj.", "mlp.up_proj."}) {
            add(std::string(name) + "weight", {I, D});
            if (c.mlpBias)
                add(std::string(name) + "bias", {I});
        }
        add("mlp.down_proj.weight", {D, I});
        if (c.mlpBias)
            add("mlp.down_proj.bias", {D});
    }
    return s;
}

namespace {

/// Causal, and within the sliding window when there is one shorter than the input: query i
/// attends keys i − w + 1 … i.
MaskSpec<float> llamaMask(const ModelInfo &i, std::int64_t T)
{
    MaskSpec<float> mask;
    mask.causal = true;
    if (i.slidingWindow > 0 && i.slidingWindow < T) {
        BoolMat allowed(T, T);
        for (std::int64_t r = 0; r < T; ++r)
            for (std::int64_t col = 0; col < T; ++col)
                allowed(r, col) = col > r - i.slidingWindow;
        mask.allowed.push_back(std::move(allowed));
    }
    return mask;
}

} // namespace

Status llamaForward(const TransformerModel::Impl &m, const std::vector<std::int64_t> &ids, RunContext &ctx)
{
    const auto &c = m.config;
    const int threads = ctx.options.threads, hd = c.info.headDim;
    const auto T = Eigen::Index(ids.size());
    const auto &emb = m.w("embed_tokens.weight");
    Mat<float> x(T, c.info.hidden);
    for (Eigen::Index t = 0; t < T; ++t)
        x.row(t) = emb.row(ids[std::size_t(t)]);
    const MaskSpec<float> mask = llamaMask(c.info, T);
    for (int l = 0; l < c.info.layers; ++l) {
        auto name = [&](const char *rest) { return layerName("layers.", l, rest); };
        auto w = [&](const char *rest) -> const Mat<float> & { return m.w(name(rest)); };
        auto b = [&](const char *rest) { return m.find(name(rest)); };
        const Mat<float> h = rmsNorm(x, w("input_layernorm.weight"), c.normEps);
        Mat<float> q = affine(h, w("self_attn.q_proj.weight"), b("self_attn.q_proj.bias"), threads);
        Mat<float> k = affine(h, w("self_attn.k_proj.weight"), b("self_attn.k_proj.bias"), threads);
        const Mat<float> v = affine(h, w("self_attn.v_proj.weight"), b("self_attn.v_proj.bias"), threads);
        if (c.qkNorm) {
            rmsNormHeads(q, hd, w("self_attn.q_norm.weight"), c.normEps);
            rmsNormHeads(k, hd, w("self_attn.k_norm.weight"), c.normEps);
        }
        applyRotary(q, hd, c.ropeTheta);
        applyRotary(k, hd, c.ropeTheta);
        auto heads = attendLayer(ctx, c, l, h, q, k, v, ScaleSpec{}, mask);
        if (!heads)
            return heads.error();
        x += affine(*heads, w("self_attn.o_proj.weight"), b("self_attn.o_proj.bias"), threads);
        const Mat<float> h2 = rmsNorm(x, w("post_attention_layernorm.weight"), c.normEps);
        Mat<float> gate = affine(h2, w("mlp.gate_proj.weight"), b("mlp.gate_proj.bias"), threads);
        activate(gate, c.activation, threads);
        gate.array() *= affine(h2, w("mlp.up_proj.weight"), b("mlp.up_proj.bias"), threads).array();
        x += affine(gate, w("mlp.down_proj.weight"), b("mlp.down_proj.bias"), threads);
        if (auto s = ctx.layerDone(l); !s)
            return s;
    }
    return okStatus();
}

} // namespace attnscope
