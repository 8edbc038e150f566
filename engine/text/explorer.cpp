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

} // namespace attnscope
