#include "neuron_values.h"

#include <cmath>
#include <limits>
#include <string>

namespace attnscope {
namespace {

Error bad(const std::string &message)
{
    return makeError(Error::Code::BadArgument, message);
}

/// Whether every head of `layer` is exactly 0 above the diagonal (and the matrix is square).
bool looksCausal(const AttentionBundle &b, int layer)
{
    if (b.queries() != b.keys() || b.queries() < 2)
        return false;
    for (std::int64_t h = 0; h < b.heads(); ++h) {
        const Mat<double> a = b.attentions.matrix<double>(layer * b.heads() + h);
        for (Eigen::Index i = 0; i < a.rows(); ++i)
            for (Eigen::Index j = i + 1; j < a.cols(); ++j)
                if (a(i, j) != 0.0)
                    return false;
    }
    return true;
}

/// q [Tq, d] and k [Tk, d] agree, are not empty, and `query` is one of q's rows.
Status checkQuery(const Mat<double> &q, const Mat<double> &k, int query)
{
    if (q.cols() != k.cols())
        return makeError(Error::Code::BadShape, "q has " + std::to_string(q.cols()) + " dimensions per head but k has " +
                                                    std::to_string(k.cols()));
    if (q.cols() == 0 || k.rows() == 0)
        return makeError(Error::Code::BadShape, "q and k must have at least one key and one dimension");
    if (query < 0 || query >= q.rows())
        return bad("query " + std::to_string(query) + " is out of range (0.." + std::to_string(q.rows() - 1) + ")");
    return okStatus();
}

} // namespace

Result<NeuronValues> neuronValues(const Mat<double> &q, const Mat<double> &k, int query, const std::vector<bool> &masked)
{
    if (auto st = checkQuery(q, k, query); !st)
        return st.error();
    if (!masked.empty() && Eigen::Index(masked.size()) != k.rows())
        return bad("the mask has " + std::to_string(masked.size()) + " entries for " + std::to_string(k.rows()) + " keys");
    NeuronValues n;
    n.q = q.row(query).transpose();
    n.k = k;
    n.masked = masked.empty() ? std::vector<bool>(std::size_t(k.rows()), false) : masked;
    n.scale = 1.0 / std::sqrt(double(q.cols()));
    n.product = k.array().rowwise() * n.q.transpose().array();
    n.dot = n.product.rowwise().sum();
    n.scaled = n.dot * n.scale;
    double top = -std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < k.rows(); ++j) {
        if (n.masked[std::size_t(j)])
            n.scaled(j) = -std::numeric_limits<double>::infinity();
        else
            top = std::max(top, n.scaled(j));
    }
    if (!std::isfinite(top))
        return bad("every key is masked for query " + std::to_string(query));
    n.weights = (n.scaled.array() - top).exp(); // exp(−∞) = 0 for masked keys
    n.weights /= n.weights.sum();
    return n;
}

Result<NeuronValues> stagedNeuronValues(const Mat<double> &q, const Mat<double> &k, const HeadResult<double> &stages,
                                        int query, double factor)
{
    if (auto st = checkQuery(q, k, query); !st)
        return st.error();
    for (const Mat<double> *m : {&stages.scoresScaled, &stages.scoresMasked, &stages.weights})
        if (m->rows() != q.rows() || m->cols() != k.rows())
            return makeError(Error::Code::BadShape, "the stages are " + std::to_string(m->rows()) + " × " +
                                                        std::to_string(m->cols()) + ", not " + std::to_string(q.rows()) +
                                                        " queries × " + std::to_string(k.rows()) + " keys (not kept?)");
    NeuronValues n;
    n.q = q.row(query).transpose();
    n.k = k;
    n.scale = factor;
    n.product = k.array().rowwise() * n.q.transpose().array();
    n.dot = n.product.rowwise().sum();
    n.scaled = stages.scoresScaled.row(query).transpose();
    n.weights = stages.weights.row(query).transpose();
    n.masked.resize(std::size_t(k.rows()));
    for (Eigen::Index j = 0; j < k.rows(); ++j)
        n.masked[std::size_t(j)] = stages.scoresMasked(query, j) == -std::numeric_limits<double>::infinity();
    return n;
}

std::vector<bool> bundleKeyMask(const AttentionBundle &b, int layer, int query)
{
    std::vector<bool> m(std::size_t(b.keys()), false);
    const bool causal = b.causal.value_or(looksCausal(b, layer));
    for (std::int64_t j = 0; j < b.keys(); ++j) {
        if (causal && j > query)
            m[std::size_t(j)] = true;
        if (b.slidingWindow > 0 && j <= query - b.slidingWindow)
            m[std::size_t(j)] = true;
    }
    return m;
}

Result<NeuronValues> bundleNeuronValues(const AttentionBundle &b, int layer, int head, int query)
{
    if (!b.hasQkv())
        return bad((b.path.empty() ? std::string("the bundle") : b.path) + " holds no q, k, v");
    if (layer < 0 || layer >= b.layers() || std::size_t(layer) >= b.q.size())
        return bad("layer " + std::to_string(layer) + " is out of range (0.." + std::to_string(b.layers() - 1) + ")");
    const Tensor &tq = b.q[std::size_t(layer)], &tk = b.k[std::size_t(layer)];
    const std::int64_t heads = tq.shape[0], kvHeads = tk.shape[0];
    if (head < 0 || head >= heads)
        return bad("head " + std::to_string(head) + " is out of range (0.." + std::to_string(heads - 1) + ")");
    if (query < 0 || query >= b.queries())
        return bad("query " + std::to_string(query) + " is out of range (0.." + std::to_string(b.queries() - 1) + ")");
    const std::int64_t kvHead = std::int64_t(head) * kvHeads / heads;
    return neuronValues(tq.matrix<double>(head), tk.matrix<double>(kvHead), query, bundleKeyMask(b, layer, query));
}

} // namespace attnscope
