// BERT (BertModel): word + absolute position + token-type (type 0) embeddings, layer norm;
// post-LN encoder layers with GELU; bidirectional attention scaled by 1/√d_head.
#include "model_internal.h"

namespace attnscope {

std::vector<WeightSpec> bertWeightSpecs(const ModelConfig &c)
{
    const std::int64_t D = c.info.hidden, I = c.intermediate;
    std::vector<WeightSpec> s{
        {"embeddings.word_embeddings.weight", {c.vocab, D}},
        {"embeddings.position_embeddings.weight", {c.info.maxPositions, D}},
        {"embeddings.token_type_embeddings.weight", {c.typeVocab, D}},
        {"embeddings.LayerNorm.weight", {D}},
        {"embeddings.LayerNorm.bias", {D}},
    };
    for (int l = 0; l < c.info.layers; ++l) {
        auto add = [&](const char *rest, Shape shape) { s.push_back({layerName("encoder.layer.", l, rest), std::move(shape)}); };
        for (const char *p : {"attention.self.query.", "attention.self.key.", "attention.self.value.", "attention.output.dense."}) {
            add((std::string(p) + "weight").c_str(), {D, D});
            add((std::string(p) + "bias").c_str(), {D});
        }
        add("attention.output.LayerNorm.weight", {D});
        add("attention.output.LayerNorm.bias", {D});
        add("intermediate.dense.weight", {I, D});
        add("intermediate.dense.bias", {I});
        add("output.dense.weight", {D, I});
        add("output.dense.bias", {D});
        add("output.LayerNorm.weight", {D});
        add("output.LayerNorm.bias", {D});
    }
    return s;
}

Status bertForward(const TransformerModel::Impl &m, const std::vector<std::int64_t> &ids, RunContext &ctx)
{
    const auto &c = m.config;
    const int threads = ctx.options.threads;
    const auto T = Eigen::Index(ids.size());
    const auto &words = m.w("embeddings.word_embeddings.weight");
    const auto &positions = m.w("embeddings.position_embeddings.weight");
    const auto &types = m.w("embeddings.token_type_embeddings.weight");
    Mat<float> x(T, c.info.hidden);
    for (Eigen::Index t = 0; t < T; ++t)
        x.row(t) = words.row(ids[std::size_t(t)]) + positions.row(t) + types.row(0);
    x = layerNorm(x, m.w("embeddings.LayerNorm.weight"), m.w("embeddings.LayerNorm.bias"), c.normEps);
    for (int l = 0; l < c.info.layers; ++l) {
        auto w = [&](const char *rest) -> const Mat<float> & { return m.w(layerName("encoder.layer.", l, rest)); };
        const Mat<float> q = affine(x, w("attention.self.query.weight"), &w("attention.self.query.bias"), threads);
        const Mat<float> k = affine(x, w("attention.self.key.weight"), &w("attention.self.key.bias"), threads);
        const Mat<float> v = affine(x, w("attention.self.value.weight"), &w("attention.self.value.bias"), threads);
        auto heads = attendLayer(ctx, c, l, x, q, k, v, ScaleSpec{}, MaskSpec<float>{});
        if (!heads)
            return heads.error();
        Mat<float> a = affine(*heads, w("attention.output.dense.weight"), &w("attention.output.dense.bias"), threads);
        a += x;
        x = layerNorm(a, w("attention.output.LayerNorm.weight"), w("attention.output.LayerNorm.bias"), c.normEps);
        Mat<float> h = affine(x, w("intermediate.dense.weight"), &w("intermediate.dense.bias"), threads);
        activate(h, c.activation, threads);
        Mat<float> o = affine(h, w("output.dense.weight"), &w("output.dense.bias"), threads);
        o += x;
        x = layerNorm(o, w("output.LayerNorm.weight"), w("output.LayerNorm.bias"), c.normEps);
        if (auto s = ctx.layerDone(l); !s)
            return s;
    }
    return okStatus();
}

} // namespace attnscope
