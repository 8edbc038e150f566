#include "explain.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace attnscope {
namespace {

/// masked score of (row, j) and why it is blocked, if it is.
double maskedScore(const ExplorerSetup &setup, std::size_t head, std::size_t g, double scaledFactor, int row, int j,
                   double &raw, double &additive, std::string &blockedBy)
{
    const auto &in = setup.inputs;
    raw = in.q[head].row(row).dot(in.k[g].row(j));
    additive = 0;
    blockedBy.clear();
    const auto &m = in.mask;
    if (!m.additive.empty())
        additive = m.forHead(m.additive, head)(row, j);
    if (!m.keyAdditive.empty())
        additive += m.keyAdditive[std::size_t(j)];
    if (m.causal && j > row)
        blockedBy = "causal";
    else if (!m.allowed.empty() && !m.forHead(m.allowed, head)(row, j))
        blockedBy = "mask";
    else if (!m.keyPadding.empty() && m.keyPadding[std::size_t(j)])
        blockedBy = "padding";
    const double v = raw * scaledFactor + additive;
    return blockedBy.empty() ? v : -std::numeric_limits<double>::infinity();
}

} // namespace

CellExplanation explainCell(const ExplorerSetup &setup, int head, const ScaleSpec &scale, double temperature,
                            Stage stage, int row, int col)
{
    const auto &in = setup.inputs;
    const std::size_t h = std::size_t(head);
    assert(h < in.q.size());
    const std::size_t g = in.kvHeadOf(h);
    const Eigen::Index tk = in.k[g].rows();
    CellExplanation e;
    e.stage = stage;
    e.row = row;
    e.col = col;
    e.factor = scale.factor(in.q[h].cols());
    e.temperature = temperature;
    const double f = e.factor / temperature;

    std::vector<double> masked(static_cast<std::size_t>(tk));
    double raw, additive;
    std::string blockedBy;
    e.rowMax = -std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < tk; ++j) {
        masked[std::size_t(j)] = maskedScore(setup, h, g, f, row, int(j), raw, additive, blockedBy);
        e.rowMax = std::max(e.rowMax, masked[std::size_t(j)]);
    }
    std::vector<double> weights(static_cast<std::size_t>(tk), 0.0);
    e.expSum = 0;
    if (std::isfinite(e.rowMax)) {
        for (Eigen::Index j = 0; j < tk; ++j)
            e.expSum += std::exp(masked[std::size_t(j)] - e.rowMax);
        for (Eigen::Index j = 0; j < tk; ++j)
            weights[std::size_t(j)] = std::exp(masked[std::size_t(j)] - e.rowMax) / e.expSum;
    }

    if (stage == Stage::Output) {
        e.rowWeights = weights;
        e.output = 0;
        for (Eigen::Index j = 0; j < tk; ++j) {
            e.vColumn.push_back(in.v[g](j, col));
            e.output += weights[std::size_t(j)] * in.v[g](j, col);
        }
        return e;
    }
    e.q.assign(in.q[h].row(row).data(), in.q[h].row(row).data() + in.q[h].cols());
    const auto krow = in.k[g].row(col);
    for (Eigen::Index i = 0; i < krow.size(); ++i)
        e.k.push_back(krow(i));
    e.masked = maskedScore(setup, h, g, f, row, col, e.raw, e.additive, e.blockedBy);
    e.blocked = !e.blockedBy.empty();
    e.scaled = e.raw * f;
    e.expValue = std::isfinite(e.rowMax) ? std::exp(e.masked - e.rowMax) : 0.0;
    e.weight = weights[std::size_t(col)];
    return e;
}

} // namespace attnscope
