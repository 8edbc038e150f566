#include "explorer_setup.h"

#include <cmath>
#include <utility>

#include "random.h"

namespace attnscope {

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

Result<ExplorerResult> computeExplorerHead(const ExplorerSetup &setup, int head, const ScaleSpec &scale,
                                           double temperature, const std::atomic<bool> *cancel)
{
    const auto &in = setup.inputs;
    if (head < 0 || head >= int(in.q.size()))
        return makeError(Error::Code::BadArgument, "head " + std::to_string(head) + " does not exist (there are " +
                                                       std::to_string(in.q.size()) + ")");
    // One head through the same pipeline: its Q, the K/V head it reads, and its mask.
    AttentionInputs<double> one;
    const std::size_t g = in.kvHeadOf(std::size_t(head));
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
