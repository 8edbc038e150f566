#include "explorer.h"

#include <QString>

#include <cmath>

#include "random.h"

namespace attnscope {

Mat<double> textEmbeddings(const std::vector<std::string> &tokens, int dModel, int positionOffset, double positionWeight)
{
    Mat<double> x = Mat<double>::Zero(Eigen::Index(tokens.size()), dModel);
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        // Character n-grams of "<token>" over code points, so that 猫 and "cat" are treated alike.
        std::u32string chars(1, U'<');
        chars += QString::fromStdString(tokens[t]).toLower().toStdU32String();
        chars.push_back(U'>');
        auto row = x.row(Eigen::Index(t));
        for (std::size_t n = 1; n <= 3; ++n) {
            for (std::size_t i = 0; i + n <= chars.size(); ++i) {
                const std::u32string gram = chars.substr(i, n);
                const std::string bytes = QString::fromStdU32String(gram).toStdString();
                const std::uint64_t h = stableHash(bytes, n);
                row(Eigen::Index(h % std::uint64_t(dModel))) += (h >> 63) ? -1.0 : 1.0;
            }
        }
        const double norm = row.norm();
        if (norm > 0)
            row /= norm;
        for (int j = 0; j < dModel; ++j) {
            const double rate = std::pow(10000.0, -double(2 * (j / 2)) / dModel);
            const double angle = double(positionOffset + int(t)) * rate;
            row(j) += positionWeight * std::sqrt(2.0 / dModel) * (j % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
    }
    return x;
}

Projections randomProjections(int dModel, int dHead, int heads, std::uint64_t seed)
{
    Random rng(seed);
    const double sd = 1.0; // large enough that equal tokens stand out after 1/√d_k
    const auto draw = [&](Mat<double> &m) {
        m.resize(dModel, Eigen::Index(heads) * dHead);
        for (Eigen::Index i = 0; i < m.size(); ++i)
            m.data()[i] = sd * rng.normal();
    };
    Projections p;
    Mat<double> noise;
    draw(p.wq);
    draw(noise);
    draw(p.wv);
    p.wk = (p.wq + noise) / std::sqrt(2.0);
    return p;
}

Result<ExplorerSetup> buildTextSetup(const TextScenario &s)
{
    const auto bad = [](const std::string &m) { return makeError(Error::Code::BadArgument, m); };
    if (s.tokens.empty())
        return bad("there are no tokens: type a sentence");
    if (s.dModel < 1 || s.dHead < 1 || s.heads < 1)
        return bad("d_model, d_k and the number of heads must be at least 1");
    ExplorerSetup setup;
    setup.crossAttention = !s.contextTokens.empty();
    setup.queryTokens = s.tokens;
    setup.keyTokens = setup.crossAttention ? s.contextTokens : s.tokens;
    setup.x = textEmbeddings(setup.queryTokens, s.dModel);
    setup.c = setup.crossAttention ? textEmbeddings(setup.keyTokens, s.dModel) : setup.x;
    Projections p = randomProjections(s.dModel, s.dHead, s.heads, s.seed);
    setup.wq = std::move(p.wq);
    setup.wk = std::move(p.wk);
    setup.wv = std::move(p.wv);
    const Mat<double> q = setup.x * setup.wq, k = setup.c * setup.wk, v = setup.c * setup.wv;
    setup.inputs.q = splitHeads(q, s.heads);
    setup.inputs.k = splitHeads(k, s.heads);
    setup.inputs.v = splitHeads(v, s.heads);
    setup.inputs.mask.causal = s.causal;
    if (!s.paddedKeys.empty()) {
        setup.inputs.mask.keyPadding.assign(setup.keyTokens.size(), false);
        for (int j : s.paddedKeys) {
            if (j < 0 || j >= int(setup.keyTokens.size()))
                return bad("padding names key " + std::to_string(j) + " but there are " +
                           std::to_string(setup.keyTokens.size()) + " keys");
            setup.inputs.mask.keyPadding[std::size_t(j)] = true;
        }
    }
    return setup;
}

Result<ExplorerResult> computeExplorerHead(const ExplorerSetup &setup, int head, const ScaleSpec &scale,
                                           double temperature, const std::atomic<bool> *cancel)
{
    const auto &in = setup.inputs;
    if (head < 0 || head >= int(in.q.size()))
        return makeError(Error::Code::BadArgument, "head " + std::to_string(head) + " does not exist (there are " +
                                                       std::to_string(in.q.size()) + ")");
    // One head through the same pipeline: its Q, the K/V head it reads, and its mask.
    AttentionInputs<double> one;
    const std::size_t g = std::size_t(head) * in.k.size() / in.q.size();
    one.q = {in.q[std::size_t(head)]};
    one.k = {in.k[g]};
    one.v = {in.v[g]};
    one.mask.causal = in.mask.causal;
    one.mask.keyPadding = in.mask.keyPadding;
    one.mask.keyAdditive = in.mask.keyAdditive;
    if (!in.mask.allowed.empty())
        one.mask.allowed = {in.mask.allowed[in.mask.allowed.size() == 1 ? 0 : std::size_t(head)]};
    if (!in.mask.additive.empty())
        one.mask.additive = {in.mask.additive[in.mask.additive.size() == 1 ? 0 : std::size_t(head)]};
    AttentionOptions opt;
    opt.scale = scale;
    opt.temperature = temperature;
    opt.keep = KeepAll;
    opt.cancel = cancel;
    auto r = computeAttention<double>(one, opt);
    if (!r)
        return r.error();
    ExplorerResult out;
    out.head = head;
    out.stages = std::move(r->heads.front());
    out.stages.kvHead = int(g);
    out.warnings = std::move(r->warnings);
    return out;
}

} // namespace attnscope
