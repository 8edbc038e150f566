// ViT (ViTModel; DeiT without the distillation token): the patch embedding (a p×p convolution of
// stride p, computed as a matrix product over flattened patches), [CLS], position embeddings;
// pre-LN layers with GELU; bidirectional attention scaled by 1/√d_head.
#include <cstring>

#include "model_internal.h"

namespace attnscope {

std::vector<WeightSpec> vitWeightSpecs(const ModelConfig &c)
{
    const auto &i = c.info;
    const std::int64_t D = i.hidden, I = c.intermediate, p = i.patchSize, grid = i.imageSize / i.patchSize;
    std::vector<WeightSpec> s{
        {"embeddings.cls_token", {1, 1, D}},
        {"embeddings.position_embeddings", {1, grid * grid + 1, D}},
        {"embeddings.patch_embeddings.projection.weight", {D, c.channels, p, p}},
        {"embeddings.patch_embeddings.projection.bias", {D}},
    };
    for (int l = 0; l < i.layers; ++l) {
        auto add = [&](const std::string &rest, Shape shape) { s.push_back({layerName("encoder.layer.", l, rest.c_str()), std::move(shape)}); };
        for (const char *n : {"layernorm_before.", "layernorm_after."}) {
            add(std::string(n) + "weight", {D});
            add(std::string(n) + "bias", {D});
        }
        for (const char *n : {"attention.attention.query.", "attention.attention.key.", "attention.attention.value."}) {
            add(std::string(n) + "weight", {D, D});
            if (c.qkvBias)
                add(std::string(n) + "bias", {D});
        }
        add("attention.output.dense.weight", {D, D});
        add("attention.output.dense.bias", {D});
        add("intermediate.dense.weight", {I, D});
        add("intermediate.dense.bias", {I});
        add("output.dense.weight", {D, I});
        add("output.dense.bias", {D});
    }
    return s;
}

namespace {

/// [CLS] then the patches in row-major grid order, embedded, plus the position embeddings.
Mat<float> vitEmbeddings(const TransformerModel::Impl &m, const Tensor &pixels, int threads)
{
    const auto &i = m.config.info;
    const int S = i.imageSize, p = i.patchSize, grid = S / p;
    std::vector<float> px(std::size_t(3) * S * S);
    pixels.copyTo(px.data(), 0, std::int64_t(px.size()));
    // Each patch flattened as the convolution's weight is: channel, then row, then column.
    Mat<float> patches(grid * grid, 3 * p * p);
    for (int r = 0; r < grid; ++r)
        for (int col = 0; col < grid; ++col)
            for (int ch = 0; ch < 3; ++ch)
                for (int y = 0; y < p; ++y)
                    std::memcpy(patches.row(r * grid + col).data() + (ch * p + y) * p,
                                px.data() + (std::size_t(ch) * S + std::size_t(r * p + y)) * S + std::size_t(col * p), std::size_t(p) * 4);
    const Mat<float> emb = linear(patches, m.w("embeddings.patch_embeddings.projection.weight"),
                                  &m.w("embeddings.patch_embeddings.projection.bias"), threads);
    Mat<float> x(grid * grid + 1, i.hidden);
    x.row(0) = m.w("embeddings.cls_token");
    x.bottomRows(emb.rows()) = emb;
    const auto &pos = m.w("embeddings.position_embeddings");
    x += Eigen::Map<const Mat<float>>(pos.data(), x.rows(), x.cols());
    return x;
}

} // namespace

Status vitForward(const TransformerModel::Impl &m, const Tensor &pixels, RunContext &ctx)
{
    const auto &c = m.config;
    const int threads = ctx.options.threads;
    Mat<float> x = vitEmbeddings(m, pixels, threads);
    for (int l = 0; l < c.info.layers; ++l) {
        auto name = [&](const char *rest) { return layerName("encoder.layer.", l, rest); };
        auto w = [&](const char *rest) -> const Mat<float> & { return m.w(name(rest)); };
        const Mat<float> h = layerNorm(x, w("layernorm_before.weight"), w("layernorm_before.bias"), c.normEps);
        const Mat<float> q = affine(h, w("attention.attention.query.weight"), m.find(name("attention.attention.query.bias")), threads);
        const Mat<float> k = affine(h, w("attention.attention.key.weight"), m.find(name("attention.attention.key.bias")), threads);
        const Mat<float> v = affine(h, w("attention.attention.value.weight"), m.find(name("attention.attention.value.bias")), threads);
        auto heads = attendLayer(ctx, c, l, h, q, k, v, ScaleSpec{}, MaskSpec<float>{});
        if (!heads)
            return heads.error();
        x += affine(*heads, w("attention.output.dense.weight"), &w("attention.output.dense.bias"), threads);
        const Mat<float> h2 = layerNorm(x, w("layernorm_after.weight"), w("layernorm_after.bias"), c.normEps);
        Mat<float> f = affine(h2, w("intermediate.dense.weight"), &w("intermediate.dense.bias"), threads);
        activate(f, c.activation, threads);
        x += affine(f, w("output.dense.weight"), &w("output.dense.bias"), threads);
        if (auto s = ctx.layerDone(l); !s)
            return s;
    }
    return okStatus();
}

} // namespace attnscope
