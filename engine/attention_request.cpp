#include "attention_request.h"

#include <cmath>

namespace attnscope {
namespace {

Error shapeError(const std::string &message) { return makeError(Error::Code::BadShape, message); }

std::string describe(const NamedTensor &t)
{
    return t.source + " (shape " + shapeToString(t.tensor.shape) + ")";
}

/// Heads of a [T, d], [H, T, d] or [B, H, T, d] tensor, batch item `batch` for 4-D.
template <class S>
Result<std::vector<Mat<S>>> headsOf(const NamedTensor &t, std::int64_t batch, const char *role)
{
    const auto &shape = t.tensor.shape;
    std::vector<Mat<S>> out;
    if (t.tensor.rank() == 2) {
        out.push_back(t.tensor.matrix<S>(0));
    } else if (t.tensor.rank() == 3) {
        for (std::int64_t h = 0; h < shape[0]; ++h)
            out.push_back(t.tensor.matrix<S>(h));
    } else if (t.tensor.rank() == 4) {
        if (batch < 0 || batch >= shape[0])
            return makeError(Error::Code::BadArgument, "--batch " + std::to_string(batch) + " is out of range: " +
                                                           describe(t) + " has " + std::to_string(shape[0]) + " batch items");
        for (std::int64_t h = 0; h < shape[1]; ++h)
            out.push_back(t.tensor.matrix<S>(batch * shape[1] + h));
    } else {
        return shapeError(std::string(role) + " must be [T, d], [H, T, d] or [B, H, T, d], but " + describe(t) + " is " +
                          std::to_string(t.tensor.rank()) + "-D");
    }
    return out;
}

void warnNonFinite(const NamedTensor &t, std::vector<std::string> &warnings)
{
    std::int64_t bad = 0;
    const std::int64_t n = t.tensor.numel();
    for (std::int64_t i = 0; i < n; ++i)
        bad += std::isfinite(t.tensor.at(i)) ? 0 : 1;
    if (bad)
        warnings.push_back(t.source + " holds " + std::to_string(bad) + " non-finite values (NaN or infinity)");
}

template <class S>
Result<Mat<S>> matrix2d(const NamedTensor &t, const char *role)
{
    if (t.tensor.rank() != 2)
        return shapeError(std::string(role) + " must be a 2-D matrix, but " + describe(t) + " is " +
                          std::to_string(t.tensor.rank()) + "-D");
    return t.tensor.matrix<S>(0);
}

/// Q = X·Wq, K = C·Wk, V = C·Wv, each a single 2-D matrix.
template <class S>
Status project(const AttentionRequest &req, AttentionInputs<S> &in)
{
    if (!req.wq || !req.wk || !req.wv)
        return makeError(Error::Code::BadArgument, "--x needs --wq, --wk and --wv");
    auto x = matrix2d<S>(*req.x, "X");
    if (!x)
        return x.error();
    auto c = req.context ? matrix2d<S>(*req.context, "the context C") : Result<Mat<S>>(x.value());
    if (!c)
        return c.error();
    const NamedTensor &cName = req.context ? *req.context : *req.x;
    auto product = [](const Mat<S> &a, const NamedTensor &aName, const NamedTensor &w, const char *role) -> Result<Mat<S>> {
        auto m = matrix2d<S>(w, role);
        if (!m)
            return m.error();
        if (m->rows() != a.cols())
            return shapeError(std::string(role) + " " + describe(w) + " must have " + std::to_string(a.cols()) +
                              " rows, one for each column (d_model) of " + describe(aName));
        return Mat<S>(a * m.value());
    };
    auto q = product(x.value(), *req.x, *req.wq, "Wq");
    if (!q) return q.error();
    auto k = product(c.value(), cName, *req.wk, "Wk");
    if (!k) return k.error();
    auto v = product(c.value(), cName, *req.wv, "Wv");
    if (!v) return v.error();
    if (q->cols() != k->cols())
        return shapeError("d_k of Wq " + describe(*req.wq) + " and Wk " + describe(*req.wk) + " differ");
    in.q = {std::move(q.value())};
    in.k = {std::move(k.value())};
    in.v = {std::move(v.value())};
    return okStatus();
}

template <class S>
Status loadMask(const NamedTensor &m, std::int64_t heads, std::int64_t tq, std::int64_t tk, MaskSpec<S> &mask)
{
    const auto &t = m.tensor;
    const bool shapeOk = (t.rank() == 2 && t.shape[0] == tq && t.shape[1] == tk) ||
                         (t.rank() == 3 && (t.shape[0] == heads || t.shape[0] == 1) && t.shape[1] == tq && t.shape[2] == tk);
    if (!shapeOk)
        return shapeError("the mask " + describe(m) + " must be [Tq, Tk] = [" + std::to_string(tq) + ", " +
                          std::to_string(tk) + "] or [H, Tq, Tk] = [" + std::to_string(heads) + ", " + std::to_string(tq) +
                          ", " + std::to_string(tk) + "]");
    const std::int64_t n = t.rank() == 3 ? t.shape[0] : 1;
    for (std::int64_t h = 0; h < n; ++h) {
        Mat<S> values = t.matrix<S>(h);
        if (dtypeIsFloat(t.dtype)) {
            for (Eigen::Index i = 0; i < values.size(); ++i) {
                const S v = values.data()[i];
                if (std::isnan(v) || v == std::numeric_limits<S>::infinity())
                    return makeError(Error::Code::BadArgument,
                                     "the additive mask " + describe(m) + " holds " + (std::isnan(v) ? "NaN" : "+inf") +
                                         " at [" + (n > 1 ? std::to_string(h) + ", " : "") +
                                         std::to_string(i / tk) + ", " + std::to_string(i % tk) + "]; use -inf to mask");
            }
            mask.additive.push_back(std::move(values));
        } else {
            mask.allowed.push_back(values.array() != S(0));
        }
    }
    return okStatus();
}

} // namespace

template <class S>
Result<PreparedAttention<S>> prepareAttention(const AttentionRequest &req)
{
    PreparedAttention<S> out;
    auto &in = out.inputs;
    if (req.x) {
        if (req.q || req.k || req.v)
            return makeError(Error::Code::BadArgument, "give either --q/--k/--v or --x with --wq/--wk/--wv, not both");
        for (const auto *t : {&req.x, &req.wq, &req.wk, &req.wv, &req.context})
            if (*t)
                warnNonFinite(**t, out.warnings);
        if (auto st = project(req, in); !st)
            return st.error();
    } else {
        if (!req.q || !req.k || !req.v)
            return makeError(Error::Code::BadArgument, "attention needs --q, --k and --v (or --x, --wq, --wk and --wv)");
        const int rank = req.q->tensor.rank();
        for (const auto *t : {&*req.k, &*req.v})
            if (t->tensor.rank() != rank)
                return shapeError("Q, K and V must have the same number of dimensions, but " + describe(*req.q) + " is " +
                                  std::to_string(rank) + "-D and " + describe(*t) + " is " +
                                  std::to_string(t->tensor.rank()) + "-D");
        if (rank >= 3 && req.heads > 0)
            return makeError(Error::Code::BadArgument,
                             "--heads applies to 2-D inputs only; " + describe(*req.q) + " already has a head axis");
        if (rank != 4 && req.batch != 0)
            return makeError(Error::Code::BadArgument, "--batch applies to 4-D inputs [B, H, T, d] only");
        for (const auto *t : {&*req.q, &*req.k, &*req.v})
            warnNonFinite(*t, out.warnings);
        auto q = headsOf<S>(*req.q, req.batch, "Q");
        if (!q) return q.error();
        auto k = headsOf<S>(*req.k, req.batch, "K");
        if (!k) return k.error();
        auto v = headsOf<S>(*req.v, req.batch, "V");
        if (!v) return v.error();
        in.q = std::move(q.value());
        in.k = std::move(k.value());
        in.v = std::move(v.value());
        if (in.q[0].cols() != in.k[0].cols())
            return shapeError("d of Q (" + std::to_string(in.q[0].cols()) + ", " + describe(*req.q) + ") and K (" +
                              std::to_string(in.k[0].cols()) + ", " + describe(*req.k) + ") differ");
        if (in.k[0].rows() != in.v[0].rows())
            return shapeError("K " + describe(*req.k) + " and V " + describe(*req.v) + " must have the same number of keys");
        if (in.k.size() != in.v.size())
            return shapeError("K " + describe(*req.k) + " and V " + describe(*req.v) + " must have the same number of heads");
        if (in.q.size() % in.k.size() != 0)
            return shapeError("Q " + describe(*req.q) + " has " + std::to_string(in.q.size()) + " heads, not a multiple of the " +
                              std::to_string(in.k.size()) + " of K and V (grouped-query attention needs one)");
        if (rank >= 3)
            out.layout = HeadLayout::Stacked;
    }

    if (out.layout == HeadLayout::Single && req.heads > 0) {
        const auto dk = in.q[0].cols(), dv = in.v[0].cols();
        if (dk % req.heads != 0 || dv % req.heads != 0)
            return makeError(Error::Code::BadArgument, "--heads " + std::to_string(req.heads) + " must divide d_k (" +
                                                           std::to_string(dk) + ") and d_v (" + std::to_string(dv) + ")");
        in.q = splitHeads(in.q[0], req.heads);
        in.k = splitHeads(in.k[0], req.heads);
        in.v = splitHeads(in.v[0], req.heads);
        out.layout = HeadLayout::Split;
    } else if (req.heads < 0) {
        return makeError(Error::Code::BadArgument, "--heads must be a positive number");
    }

    const auto heads = std::int64_t(in.q.size()), tq = in.q[0].rows(), tk = in.k[0].rows();
    in.mask.causal = req.causal;
    if (req.mask)
        if (auto st = loadMask<S>(*req.mask, heads, tq, tk, in.mask); !st)
            return st.error();
    if (req.keyPadding) {
        const auto &t = req.keyPadding->tensor;
        if (t.rank() != 1 || t.shape[0] != tk)
            return shapeError("the key padding mask " + describe(*req.keyPadding) + " must be [Tk] = [" +
                              std::to_string(tk) + "]");
        in.mask.keyPadding.resize(std::size_t(tk));
        for (std::int64_t j = 0; j < tk; ++j)
            in.mask.keyPadding[std::size_t(j)] = t.at(j) != 0;
    }
    return out;
}

template Result<PreparedAttention<float>> prepareAttention<float>(const AttentionRequest &);
template Result<PreparedAttention<double>> prepareAttention<double>(const AttentionRequest &);

} // namespace attnscope
