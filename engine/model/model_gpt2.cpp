// GPT-2 (GPT2Model): token + position embeddings; pre-LN layers whose Conv1D weights are stored
// [in, out] and applied as y = x·W + b; causal attention scaled by 1/√d_head (unless
// scale_attn_weights is false; divided again by layer + 1 with scale_attn_by_inverse_layer_idx).
#include <cmath>

#include "model_internal.h"

namespace attnscope {

std::vector<WeightSpec> gpt2WeightSpecs(const ModelConfig &c)
{
    const std::int64_t D = c.info.hidden, I = c.intermediate;
    std::vector<WeightSpec> s{
        {"wte.weight", {c.vocab, D}},
        {"wpe.weight", {c.info.maxPositions, D}},
    };
    for (int l = 0; l < c.info.layers; ++l) {
        auto add = [&](const char *rest, Shape shape) { s.push_back({layerName("h.", l, rest), std::move(shape)}); };
        add("ln_1.weight", {D});
        add("ln_1.bias", {D});
        add("attn.c_attn.weight", {D, 3 * D});
        add("attn.c_attn.bias", {3 * D});
        add("attn.c_proj.weight", {D, D});
        add("attn.c_proj.bias", {D});
        add("ln_2.weight", {D});
        add("ln_2.bias", {D});
        add("mlp.c_fc.weight", {D, I});
        add("mlp.c_fc.bias", {I});
        add("mlp.c_proj.weight", {I, D});
        add("mlp.c_proj.bias", {D});
    }
    return s;
}

namespace {

ScaleSpec gpt2Scale(const ModelConfig &c, int layer)
{
    ScaleSpec s;
    s.mode = ScaleSpec::Mode::Custom;
    s.custom = (c.scaleAttnWeights ? 1.0 / std::sqrt(double(c.info.headDim)) : 1.0) / (c.scaleByInverseLayer ? layer + 1.0 : 1.0);
    if (c.scaleAttnWeights && !c.scaleByInverseLayer)
        s.mode = ScaleSpec::Mode::Sqrt;
    return s;
}

} // namespace

Status gpt2Forward(const TransformerModel::Impl &m, const std::vector<std::int64_t> &ids, RunContext &ctx)
{
    const auto &c = m.config;
    const int threads = ctx.options.threads;
    const auto T = Eigen::Index(ids.size());
    const Eigen::Index D = c.info.hidden;
    const auto &wte = m.w("wte.weight");
    const auto &wpe = m.w("wpe.weight");
    Mat<float> x(T, D);
    for (Eigen::Index t = 0; t < T; ++t)
        x.row(t) = wte.row(ids[std::size_t(t)]) + wpe.row(t);
    MaskSpec<float> mask;
    mask.causal = true;
    for (int l = 0; l < c.info.layers; ++l) {
        auto w = [&](const char *rest) -> const Mat<float> & { return m.w(layerName("h.", l, rest)); };
        const Mat<float> h = layerNorm(x, w("ln_1.weight"), w("ln_1.bias"), c.normEps);
        const Mat<float> qkv = affine(h, w("attn.c_attn.weight"), &w("attn.c_attn.bias"), threads);
        auto heads = attendLayer(ctx, c, l, h, qkv.leftCols(D), qkv.middleCols(D, D), qkv.rightCols(D), gpt2Scale(c, l), mask);
        if (!heads)
            return heads.error();
        x += affine(*heads, w("attn.c_proj.weight"), &w("attn.c_proj.bias"), threads);
        const Mat<float> h2 = layerNorm(x, w("ln_2.weight"), w("ln_2.bias"), c.normEps);
        Mat<float> f = affine(h2, w("mlp.c_fc.weight"), &w("mlp.c_fc.bias"), threads);
        activate(f, c.activation, threads);
        x += affine(f, w("mlp.c_proj.weight"), &w("mlp.c_proj.bias"), threads);
        if (auto s = ctx.layerDone(l); !s)
            return s;
    }
    return okStatus();
}

} // namespace attnscope
