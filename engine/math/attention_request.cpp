#include "attention_request.h"

#include <cmath>
#include <limits>

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
    if (!req.wq || !req.wk || (!req.wv && !req.valuesOptional))
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
    if (q->cols() != k->cols())
        return shapeError("d_k of Wq " + describe(*req.wq) + " and Wk " + describe(*req.wk) + " differ");
    in.q = {std::move(q.value())};
    in.k = {std::move(k.value())};
    if (req.wv) {
        auto v = product(c.value(), cName, *req.wv, "Wv");
        if (!v) return v.error();
        in.v = {std::move(v.value())};
    }
    return okStatus();
}

/// The batch item of a mask whose leading axis has `items` entries: the only one when it is 1
/// (broadcast, as torch does), else --batch, which needs 4-D inputs with as many batch items.
Result<std::int64_t> maskBatchItem(const NamedTensor &m, std::int64_t items, const AttentionRequest &req, const char *what)
{
    if (items == 1)
        return std::int64_t(0);
    const bool batched = req.q && req.q->tensor.rank() == 4;
    if (!batched || req.q->tensor.shape[0] != items)
        return shapeError(std::string(what) + " " + describe(m) + " has " + std::to_string(items) +
                          " batch items; a batch axis needs 4-D inputs [B, H, T, d] with as many (--batch picks one)" +
                          (batched ? ", but " + describe(*req.q) + " has " + std::to_string(req.q->tensor.shape[0]) : std::string()));
    return req.batch;
}

/// A float mask's values may be finite or -inf; NaN and +inf are refused, naming the index.
template <class S>
Status checkAdditive(const NamedTensor &m, const S *values, std::int64_t count, const std::string &where)
{
    for (std::int64_t i = 0; i < count; ++i) {
        const S v = values[i];
        if (std::isnan(v) || v == std::numeric_limits<S>::infinity())
            return makeError(Error::Code::BadArgument, "the additive mask " + describe(m) + " holds " +
                                                           (std::isnan(v) ? "NaN" : "+inf") + " at " + where +
                                                           std::to_string(i) + "]; use -inf to mask");
    }
    return okStatus();
}

template <class S>
Status loadMask(const NamedTensor &m, const AttentionRequest &req, std::int64_t heads, std::int64_t tq, std::int64_t tk,
                MaskSpec<S> &mask)
{
    const auto &t = m.tensor;
    const int rank = t.rank();
    const bool last2 = rank >= 2 && t.shape[std::size_t(rank - 2)] == tq && t.shape[std::size_t(rank - 1)] == tk;
    const std::int64_t h0 = rank >= 3 ? t.shape[std::size_t(rank - 3)] : 1;
    if (!last2 || rank > 4 || (h0 != heads && h0 != 1))
        return shapeError("the mask " + describe(m) + " must be [Tq, Tk] = [" + std::to_string(tq) + ", " +
                          std::to_string(tk) + "], [H, Tq, Tk] or [B, H, Tq, Tk] with H = " + std::to_string(heads) +
                          " or 1");
    std::int64_t first = 0; // the first matrix of the batch item
    if (rank == 4) {
        auto item = maskBatchItem(m, t.shape[0], req, "the mask");
        if (!item)
            return item.error();
        first = item.value() * h0;
    }
    for (std::int64_t h = 0; h < h0; ++h) {
        Mat<S> values = t.matrix<S>(first + h);
        if (dtypeIsFloat(t.dtype)) {
            for (Eigen::Index i = 0; i < values.size(); ++i) {
                const S v = values.data()[i];
                if (std::isnan(v) || v == std::numeric_limits<S>::infinity())
                    return makeError(Error::Code::BadArgument,
                                     "the additive mask " + describe(m) + " holds " + (std::isnan(v) ? "NaN" : "+inf") +
                                         " at [" + (h0 > 1 ? std::to_string(h) + ", " : "") + std::to_string(i / tk) +
                                         ", " + std::to_string(i % tk) + "]; use -inf to mask");
            }
            mask.additive.push_back(std::move(values));
        } else {
            mask.allowed.push_back(values.array() != S(0));
        }
    }
    return okStatus();
}

/// --key-padding (`hf` false: non-zero = padding; float = added) or --attention-mask (`hf` true:
/// Hugging Face's attention_mask, non-zero = keep), [Tk] or [B, Tk]. Paddings combine.
template <class S>
Status loadKeyMask(const NamedTensor &m, const AttentionRequest &req, std::int64_t tk, bool hf, MaskSpec<S> &mask)
{
    const auto &t = m.tensor;
    const char *what = hf ? "the attention mask" : "the key padding mask";
    if (!((t.rank() == 1 || t.rank() == 2) && t.shape.back() == tk))
        return shapeError(std::string(what) + " " + describe(m) + " must be [Tk] = [" + std::to_string(tk) + "] or [B, Tk]");
    std::int64_t offset = 0;
    if (t.rank() == 2) {
        auto item = maskBatchItem(m, t.shape[0], req, what);
        if (!item)
            return item.error();
        offset = item.value() * tk;
    }
    if (dtypeIsFloat(t.dtype)) {
        if (hf)
            return makeError(Error::Code::BadArgument,
                             "the attention mask " + describe(m) + " is " + dtypeName(t.dtype) +
                                 "; Hugging Face's attention_mask is integer or bool (1 = keep, 0 = padding): save it "
                                 "as int64 or bool, or give a float mask to add to the scores with --key-padding");
        std::vector<S> add(std::size_t(tk), S(0));
        for (std::int64_t j = 0; j < tk; ++j)
            add[std::size_t(j)] = S(t.at(offset + j));
        if (auto st = checkAdditive<S>(m, add.data(), tk, t.rank() == 2 ? "[" + std::to_string(offset / tk) + ", " : "["); !st)
            return st;
        if (mask.keyAdditive.empty())
            mask.keyAdditive = std::move(add);
        else
            for (std::int64_t j = 0; j < tk; ++j)
                mask.keyAdditive[std::size_t(j)] += add[std::size_t(j)];
        return okStatus();
    }
    if (mask.keyPadding.empty())
        mask.keyPadding.assign(std::size_t(tk), false);
    for (std::int64_t j = 0; j < tk; ++j) {
        const bool nonZero = t.at(offset + j) != 0;
        if (hf ? !nonZero : nonZero)
            mask.keyPadding[std::size_t(j)] = true;
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
        if (req.batch != 0)
            return makeError(Error::Code::BadArgument, "--batch applies to 4-D inputs [B, H, T, d] only, not to --x");
        for (const auto *t : {&req.x, &req.wq, &req.wk, &req.wv, &req.context})
            if (*t)
                warnNonFinite(**t, out.warnings);
        if (auto st = project(req, in); !st)
            return st.error();
    } else {
        if (!req.q || !req.k || (!req.v && !req.valuesOptional))
            return makeError(Error::Code::BadArgument, req.valuesOptional ? "the weights need --q and --k (or --x, --wq and --wk)"
                                                                      : "attention needs --q, --k and --v (or --x, --wq, --wk and --wv)");
        const int rank = req.q->tensor.rank();
        std::vector<const NamedTensor *> others{&*req.k};
        if (req.v)
            others.push_back(&*req.v);
        for (const auto *t : others)
            if (t->tensor.rank() != rank)
                return shapeError("Q, K and V must have the same number of dimensions, but " + describe(*req.q) + " is " +
                                  std::to_string(rank) + "-D and " + describe(*t) + " is " +
                                  std::to_string(t->tensor.rank()) + "-D");
        if (rank >= 3 && req.heads > 0)
            return makeError(Error::Code::BadArgument,
                             "--heads applies to 2-D inputs only; " + describe(*req.q) + " already has a head axis");
        if (rank != 4 && req.batch != 0)
            return makeError(Error::Code::BadArgument, "--batch applies to 4-D inputs [B, H, T, d] only");
        warnNonFinite(*req.q, out.warnings);
        for (const auto *t : others)
            warnNonFinite(*t, out.warnings);
        auto q = headsOf<S>(*req.q, req.batch, "Q");
        if (!q) return q.error();
        auto k = headsOf<S>(*req.k, req.batch, "K");
        if (!k) return k.error();
        in.q = std::move(q.value());
        in.k = std::move(k.value());
        if (req.v) {
            auto v = headsOf<S>(*req.v, req.batch, "V");
            if (!v) return v.error();
            in.v = std::move(v.value());
        }
        if (in.q[0].cols() != in.k[0].cols())
            return shapeError("d of Q (" + std::to_string(in.q[0].cols()) + ", " + describe(*req.q) + ") and K (" +
                              std::to_string(in.k[0].cols()) + ", " + describe(*req.k) + ") differ");
        if (req.v && in.k[0].rows() != in.v[0].rows())
            return shapeError("K " + describe(*req.k) + " and V " + describe(*req.v) + " must have the same number of keys");
        if (req.v && in.k.size() != in.v.size())
            return shapeError("K " + describe(*req.k) + " and V " + describe(*req.v) + " must have the same number of heads");
        if (in.q.size() % in.k.size() != 0)
            return shapeError("Q " + describe(*req.q) + " has " + std::to_string(in.q.size()) + " heads, not a multiple of the " +
                              std::to_string(in.k.size()) + " of K and V (grouped-query attention needs one)");
        if (rank >= 3)
            out.layout = HeadLayout::Stacked;
    }

    if (out.layout == HeadLayout::Single && req.heads > 0) {
        const auto dk = in.q[0].cols(), dv = in.v.empty() ? std::int64_t(req.heads) : in.v[0].cols();
        if (dk % req.heads != 0 || dv % req.heads != 0)
            return makeError(Error::Code::BadArgument, "--heads " + std::to_string(req.heads) + " must divide d_k (" +
                                                           std::to_string(dk) + ")" +
                                                           (in.v.empty() ? "" : " and d_v (" + std::to_string(dv) + ")"));
        in.q = splitHeads(in.q[0], req.heads);
        in.k = splitHeads(in.k[0], req.heads);
        if (!in.v.empty())
            in.v = splitHeads(in.v[0], req.heads);
        out.layout = HeadLayout::Split;
    } else if (req.heads < 0) {
        return makeError(Error::Code::BadArgument, "--heads must be a positive number");
    }

    const auto heads = std::int64_t(in.q.size()), tq = in.q[0].rows(), tk = in.k[0].rows();
    in.mask.causal = req.causal;
    if (req.mask)
        if (auto st = loadMask<S>(*req.mask, req, heads, tq, tk, in.mask); !st)
            return st.error();
    if (req.keyPadding)
        if (auto st = loadKeyMask<S>(*req.keyPadding, req, tk, false, in.mask); !st)
            return st.error();
    if (req.attentionMask)
        if (auto st = loadKeyMask<S>(*req.attentionMask, req, tk, true, in.mask); !st)
            return st.error();
    return out;
}

template Result<PreparedAttention<float>> prepareAttention<float>(const AttentionRequest &);
template Result<PreparedAttention<double>> prepareAttention<double>(const AttentionRequest &);

} // namespace attnscope
