#include "attention.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <unistd.h>

namespace attnscope {

double ScaleSpec::factor(std::int64_t dk) const
{
    switch (mode) {
    case Mode::Sqrt: return 1.0 / std::sqrt(double(dk));
    case Mode::Dim: return 1.0 / double(dk);
    case Mode::None: return 1.0;
    case Mode::Custom: return custom;
    }
    return 1.0;
}

Result<ScaleSpec> ScaleSpec::parse(const std::string &text)
{
    ScaleSpec s;
    if (text == "sqrt") {
        s.mode = Mode::Sqrt;
    } else if (text == "dim") {
        s.mode = Mode::Dim;
    } else if (text == "none") {
        s.mode = Mode::None;
    } else {
        double v = 0;
        const auto *end = text.data() + text.size();
        const auto r = std::from_chars(text.data(), end, v);
        if (text.empty() || r.ec != std::errc() || r.ptr != end || !std::isfinite(v))
            return makeError(Error::Code::BadArgument,
                             "--scale: '" + text + "' is not sqrt, dim, none or a finite number");
        s.mode = Mode::Custom;
        s.custom = v;
    }
    return s;
}

std::uint64_t defaultMemoryBudget()
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || pageSize <= 0)
        return std::uint64_t(4) << 30;
    return std::uint64_t(pages) * std::uint64_t(pageSize) / 2;
}

std::string formatBytes(std::uint64_t bytes)
{
    const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024 && u < 6) {
        v /= 1024;
        ++u;
    }
    char buf[64];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

Result<std::uint64_t> parseByteSize(const std::string &text)
{
    double v = 0;
    const char *begin = text.data(), *end = text.data() + text.size();
    const auto r = std::from_chars(begin, end, v);
    std::string unit(r.ptr, end);
    for (auto &c : unit)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    double mult = 0;
    if (unit.empty() || unit == "B") mult = 1;
    else if (unit == "K" || unit == "KB" || unit == "KIB") mult = 1024.0;
    else if (unit == "M" || unit == "MB" || unit == "MIB") mult = 1024.0 * 1024;
    else if (unit == "G" || unit == "GB" || unit == "GIB") mult = 1024.0 * 1024 * 1024;
    else if (unit == "T" || unit == "TB" || unit == "TIB") mult = 1024.0 * 1024 * 1024 * 1024;
    if (text.empty() || r.ec != std::errc() || mult == 0 || !(v > 0) || v * mult > 1.8e19)
        return makeError(Error::Code::BadArgument, "'" + text + "' is not a size such as 512M or 2G");
    return std::uint64_t(v * mult);
}

namespace {

/// Rows per block: a block of scores (rows × Tk) should stay in the L2 cache from Q·Kᵀ to A·V.
std::int64_t blockRows(std::int64_t tk, std::size_t scalarSize)
{
    const std::int64_t target = (std::int64_t(256) << 10) / std::int64_t(scalarSize); // 256 KiB
    return std::clamp<std::int64_t>(target / std::max<std::int64_t>(tk, 1), 8, 256);
}

std::uint64_t satMul(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? std::numeric_limits<std::uint64_t>::max() : r;
}

std::uint64_t satAdd(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t r;
    return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<std::uint64_t>::max() : r;
}

template <class S>
Status checkShapes(const AttentionInputs<S> &in, const AttentionOptions &opt)
{
    const auto bad = [](const std::string &m) { return makeError(Error::Code::BadShape, m); };
    if (in.q.empty() || in.k.empty() || in.v.empty())
        return bad("attention needs at least one head of Q, K and V");
    if (in.k.size() != in.v.size())
        return bad("K has " + std::to_string(in.k.size()) + " heads but V has " + std::to_string(in.v.size()));
    if (in.q.size() % in.k.size() != 0)
        return bad("Q has " + std::to_string(in.q.size()) + " heads, not a multiple of K and V's " +
                   std::to_string(in.k.size()) + " (grouped-query attention needs one)");
    const auto tq = in.q[0].rows(), dk = in.q[0].cols();
    const auto tk = in.k[0].rows(), dv = in.v[0].cols();
    if (tq == 0 || tk == 0 || dk == 0 || dv == 0)
        return bad("Q, K and V must not be empty");
    for (const auto &q : in.q)
        if (q.rows() != tq || q.cols() != dk)
            return bad("every head of Q must have the same shape");
    for (std::size_t g = 0; g < in.k.size(); ++g) {
        if (in.k[g].rows() != tk || in.v[g].rows() != tk)
            return bad("K has " + std::to_string(in.k[g].rows()) + " rows (keys) but V has " +
                       std::to_string(in.v[g].rows()) + "; they must match");
        if (in.k[g].cols() != dk)
            return bad("d of Q (" + std::to_string(dk) + ") and K (" + std::to_string(in.k[g].cols()) + ") differ");
        if (in.v[g].cols() != dv)
            return bad("every head of V must have the same shape");
    }
    const auto checkPerHead = [&](std::size_t n, const char *what) -> Status {
        if (n > 1 && n != in.q.size())
            return bad(std::string(what) + " has " + std::to_string(n) + " heads but Q has " + std::to_string(in.q.size()));
        return okStatus();
    };
    if (auto st = checkPerHead(in.mask.allowed.size(), "the mask"); !st)
        return st;
    if (auto st = checkPerHead(in.mask.additive.size(), "the additive mask"); !st)
        return st;
    for (const auto &m : in.mask.allowed)
        if (m.rows() != tq || m.cols() != tk)
            return bad("the mask is [" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) +
                       "] but the scores are [" + std::to_string(tq) + ", " + std::to_string(tk) + "]");
    for (const auto &m : in.mask.additive)
        if (m.rows() != tq || m.cols() != tk)
            return bad("the mask is [" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) +
                       "] but the scores are [" + std::to_string(tq) + ", " + std::to_string(tk) + "]");
    if (!in.mask.keyPadding.empty() && std::int64_t(in.mask.keyPadding.size()) != tk)
        return bad("the key padding mask has " + std::to_string(in.mask.keyPadding.size()) + " entries but there are " +
                   std::to_string(tk) + " keys");
    if (!(opt.temperature > 0) || !std::isfinite(opt.temperature))
        return makeError(Error::Code::BadArgument, "the temperature must be a positive number");
    return okStatus();
}

/// masked = scaled + additive, then -inf wherever a mask forbids; rows are [r0, r0 + n).
template <class S>
void applyMasks(Eigen::Ref<Mat<S>> blk, std::int64_t r0, const MaskSpec<S> &mask, std::size_t head)
{
    constexpr S ninf = -std::numeric_limits<S>::infinity();
    const auto n = blk.rows(), tk = blk.cols();
    if (!mask.additive.empty()) {
        const auto &add = mask.additive[mask.additive.size() == 1 ? 0 : head];
        blk += add.middleRows(r0, n);
    }
    if (!mask.allowed.empty()) {
        const auto &allowed = mask.allowed[mask.allowed.size() == 1 ? 0 : head];
        blk = allowed.middleRows(r0, n).select(blk, Mat<S>::Constant(n, tk, ninf));
    }
    if (mask.causal) {
        for (std::int64_t i = 0; i < n; ++i) {
            const std::int64_t first = std::min<std::int64_t>(r0 + i + 1, tk);
            blk.row(i).tail(tk - first).setConstant(ninf);
        }
    }
    if (!mask.keyPadding.empty()) {
        for (std::int64_t j = 0; j < tk; ++j)
            if (mask.keyPadding[std::size_t(j)])
                blk.col(j).setConstant(ninf);
    }
}

bool hasMask(const MaskSpec<float> &m) { return m.causal || !m.allowed.empty() || !m.additive.empty() || !m.keyPadding.empty(); }
bool hasMask(const MaskSpec<double> &m) { return m.causal || !m.allowed.empty() || !m.additive.empty() || !m.keyPadding.empty(); }

template <class S>
Status computeHead(const AttentionInputs<S> &in, const AttentionOptions &opt, std::size_t h, HeadResult<S> &out)
{
    const std::size_t g = h * in.k.size() / in.q.size();
    const Mat<S> &q = in.q[h];
    const Mat<S> &k = in.k[g];
    const Mat<S> &v = in.v[g];
    const auto tq = q.rows(), tk = k.rows(), dv = v.cols();
    const S factor = S(opt.scale.factor(q.cols()) / opt.temperature);
    const bool masked = hasMask(in.mask);

    out.kvHead = int(g);
    out.output.resize(tq, dv);
    if (opt.keep & KeepScoresRaw) out.scoresRaw.resize(tq, tk);
    if (opt.keep & KeepScoresScaled) out.scoresScaled.resize(tq, tk);
    if (opt.keep & KeepScoresMasked) out.scoresMasked.resize(tq, tk);
    const bool keepWeights = opt.keep & KeepWeights;
    if (keepWeights) out.weights.resize(tq, tk);

    const std::int64_t rows = blockRows(tk, sizeof(S));
    Mat<S> scratch;
    if (!keepWeights)
        scratch.resize(std::min<std::int64_t>(rows, tq), tk);
    for (std::int64_t r0 = 0; r0 < tq; r0 += rows) {
        if (opt.cancel && opt.cancel->load(std::memory_order_relaxed))
            return makeError(Error::Code::Cancelled, "cancelled");
        const std::int64_t n = std::min(rows, tq - r0);
        // The block lives in the weights when they are kept, so nothing is copied twice.
        auto blk = keepWeights ? Eigen::Ref<Mat<S>>(out.weights.middleRows(r0, n))
                               : Eigen::Ref<Mat<S>>(scratch.topRows(n));
        blk.noalias() = q.middleRows(r0, n) * k.transpose();          // raw = Q·Kᵀ
        if (opt.keep & KeepScoresRaw) out.scoresRaw.middleRows(r0, n) = blk;
        blk *= factor;                                                 // scaled
        if (opt.keep & KeepScoresScaled) out.scoresScaled.middleRows(r0, n) = blk;
        if (masked)
            applyMasks<S>(blk, r0, in.mask, h);                        // masked
        if (opt.keep & KeepScoresMasked) out.scoresMasked.middleRows(r0, n) = blk;
        softmaxRowsInPlace<S>(blk, out.fullyMaskedRows, r0);          // A
        out.output.middleRows(r0, n).noalias() = blk * v;              // O = A·V
    }
    return okStatus();
}

} // namespace

std::uint64_t attentionBytesNeeded(std::int64_t heads, std::int64_t tq, std::int64_t tk, std::int64_t dv, unsigned keep,
                                   std::size_t scalarSize)
{
    const std::uint64_t square = satMul(satMul(std::uint64_t(tq), std::uint64_t(tk)), scalarSize);
    int stored = 0;
    for (unsigned f : {KeepScoresRaw, KeepScoresScaled, KeepScoresMasked, KeepWeights})
        stored += (keep & f) ? 1 : 0;
    std::uint64_t total = satMul(satMul(square, std::uint64_t(stored)), std::uint64_t(heads));
    total = satAdd(total, satMul(satMul(satMul(std::uint64_t(tq), std::uint64_t(dv)), scalarSize), std::uint64_t(heads)));
    const auto rows = std::uint64_t(std::min<std::int64_t>(blockRows(tk, scalarSize), tq));
    total = satAdd(total, satMul(satMul(rows, std::uint64_t(tk)), scalarSize));
    return total;
}

template <class S>
Result<AttentionResult<S>> computeAttention(const AttentionInputs<S> &in, const AttentionOptions &opt)
{
    if (auto st = checkShapes(in, opt); !st)
        return st.error();
    const auto heads = std::int64_t(in.q.size());
    const auto tq = in.q[0].rows(), tk = in.k[0].rows(), dv = in.v[0].cols();
    const std::uint64_t budget = opt.memoryBudget ? opt.memoryBudget : defaultMemoryBudget();
    const std::uint64_t need = attentionBytesNeeded(heads, tq, tk, dv, opt.keep, sizeof(S));
    if (need > budget)
        return makeError(Error::Code::OverBudget,
                         "this attention (" + std::to_string(heads) + " heads of " + std::to_string(tq) + " × " +
                             std::to_string(tk) + ") needs " + formatBytes(need) + ", more than the memory budget of " +
                             formatBytes(budget));

    AttentionResult<S> result;
    result.heads.resize(std::size_t(heads));
    for (std::size_t h = 0; h < result.heads.size(); ++h) {
        if (auto st = computeHead(in, opt, h, result.heads[h]); !st)
            return st.error();
        const auto &rows = result.heads[h].fullyMaskedRows;
        if (!rows.empty()) {
            std::string list;
            for (std::size_t i = 0; i < rows.size() && i < 20; ++i)
                list += (i ? ", " : "") + std::to_string(rows[i]);
            if (rows.size() > 20)
                list += ", … (" + std::to_string(rows.size()) + " in all)";
            result.warnings.push_back("head " + std::to_string(h) + ": every key is masked for query row" +
                                      (rows.size() > 1 ? "s " : " ") + list + "; their weights and output are zero");
        }
    }
    return result;
}

template <class S>
void softmaxRowsInPlace(Eigen::Ref<Mat<S>> rows, std::vector<std::int64_t> &fullyMasked, std::int64_t rowOffset)
{
    constexpr S ninf = -std::numeric_limits<S>::infinity();
    for (std::int64_t i = 0; i < rows.rows(); ++i) {
        auto row = rows.row(i).array();
        const S m = row.maxCoeff();
        if (m == ninf) {
            row.setZero();
            fullyMasked.push_back(rowOffset + i);
            continue;
        }
        row = (row - m).exp();
        row *= S(1) / row.sum();
    }
}

template <class S>
std::vector<Mat<S>> splitHeads(const Mat<S> &m, int n)
{
    assert(n > 0 && m.cols() % n == 0);
    const auto w = m.cols() / n;
    std::vector<Mat<S>> out;
    for (int h = 0; h < n; ++h)
        out.push_back(m.middleCols(h * w, w));
    return out;
}

template <class S>
Mat<S> concatHeads(const std::vector<Mat<S>> &heads)
{
    if (heads.empty())
        return {};
    Eigen::Index cols = 0;
    for (const auto &h : heads)
        cols += h.cols();
    Mat<S> out(heads.front().rows(), cols);
    Eigen::Index c = 0;
    for (const auto &h : heads) {
        out.middleCols(c, h.cols()) = h;
        c += h.cols();
    }
    return out;
}

template Result<AttentionResult<float>> computeAttention(const AttentionInputs<float> &, const AttentionOptions &);
template Result<AttentionResult<double>> computeAttention(const AttentionInputs<double> &, const AttentionOptions &);
template void softmaxRowsInPlace<float>(Eigen::Ref<Mat<float>>, std::vector<std::int64_t> &, std::int64_t);
template void softmaxRowsInPlace<double>(Eigen::Ref<Mat<double>>, std::vector<std::int64_t> &, std::int64_t);
template std::vector<Mat<float>> splitHeads(const Mat<float> &, int);
template std::vector<Mat<double>> splitHeads(const Mat<double> &, int);
template Mat<float> concatHeads(const std::vector<Mat<float>> &);
template Mat<double> concatHeads(const std::vector<Mat<double>> &);

} // namespace attnscope
