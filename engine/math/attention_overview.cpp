#include "attention_overview.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "attention_kernels.h"
#include "memory_budget.h"
#include "parallel.h"

namespace attnscope {

BinAxis::BinAxis(std::int64_t cells, int pixels) : m_cells(cells), m_pixels(pixels)
{
    if (cells <= 0 || pixels <= 0)
        return;
    if (pixels >= cells) { // a pixel shows one cell: a bin per cell
        m_first.resize(std::size_t(cells) + 1);
        for (std::int64_t j = 0; j <= cells; ++j)
            m_first[std::size_t(j)] = j;
        return;
    }
    // pixels < cells: ⌊(x + 1)·T/W⌋ − 1 >= ⌊x·T/W⌋, so pixel x shows [⌊x·T/W⌋, ⌊(x + 1)·T/W⌋).
    m_first.resize(std::size_t(pixels) + 1);
    for (std::int64_t x = 0; x <= pixels; ++x)
        m_first[std::size_t(x)] = x * cells / pixels;
}

std::int64_t BinAxis::binOfPixel(int x) const
{
    return m_pixels >= m_cells ? std::int64_t(x) * m_cells / m_pixels : std::int64_t(x);
}

std::int64_t BinAxis::binOfCell(std::int64_t i) const
{
    if (m_pixels >= m_cells)
        return i;
    // first(b) = ⌊b·T/W⌋ <= i < first(b + 1): b = ⌊((i + 1)·W − 1)/T⌋.
    return ((i + 1) * m_pixels - 1) / m_cells;
}

namespace {

using detail::PackedProducts;

/// Rows per product: tall enough that the packed K, read once per block, costs little beside
/// the arithmetic (64 rows: 64 multiply-adds per element of K), and the block [rows × Tk] at most
/// 16 MiB. Depends on the sizes only (results are the same for every thread count).
std::int64_t overviewBlockRows(std::int64_t tk, std::size_t scalarSize)
{
    const std::int64_t cap = (std::int64_t(16) << 20) / std::int64_t(scalarSize) / std::max<std::int64_t>(tk, 1);
    return std::clamp<std::int64_t>(cap, 1, 64);
}

/// Rows per work item, whole row bins: about 512 rows, so that two threads share the work evenly
/// and the column sums of an item ([Tk] doubles each) stay few.
std::vector<std::int64_t> rowGroups(const BinAxis &rows, std::int64_t tq)
{
    std::vector<std::int64_t> starts{0};
    constexpr std::int64_t kTarget = 512;
    if (rows.bins() == 0) {
        for (std::int64_t r = kTarget; r < tq; r += kTarget)
            starts.push_back(r);
    } else {
        for (std::int64_t b = 1; b < rows.bins(); ++b)
            if (rows.first(b) - starts.back() >= kTarget)
                starts.push_back(rows.first(b));
    }
    starts.push_back(tq);
    return starts;
}

/// What one work item (a group of rows) found: its share of the column sums, added in row order
/// afterwards, its fully masked rows, and its min and max weight.
struct GroupResult {
    std::vector<double> columnSums;
    std::vector<std::int64_t> fullyMasked;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
};

/// Σ_j e_j·(s_j − m) over the keys with e_j > 0 (masked keys: s = −∞, e = 0), in double.
template <class S>
double weightedShift(const S *e, const S *s, std::int64_t tk, S m)
{
    using Arr = Eigen::Array<S, 1, Eigen::Dynamic>;
    const Eigen::Map<const Arr> E(e, tk), X(s, tk);
    return (E > S(0)).select(E.template cast<double>() * (X - m).template cast<double>(), 0.0).sum();
}

template <class S>
Status overviewHead(const AttentionInputs<S> &in, const OverviewOptions &opt, std::size_t h, const BinAxis &rowBins,
                    const BinAxis &colBins, HeadOverview<S> &out)
{
    const std::size_t g = in.kvHeadOf(h);
    const Mat<S> &q = in.q[h], &k = in.k[g];
    const std::int64_t tq = q.rows(), tk = k.rows(), dk = q.cols();
    const S factor = S(opt.scale.factor(dk) / opt.temperature);
    const bool masked = detail::hasMask(in.mask);
    const bool bins = rowBins.bins() > 0 && colBins.bins() > 0;

    out.kvHead = int(g);
    out.rowMax.assign(std::size_t(tq), S(0));
    out.rowInvSum.assign(std::size_t(tq), 0.0);
    if (bins) { // zeroed by the work item that owns the rows: first touch on both cores
        out.binMax.resize(rowBins.bins(), colBins.bins());
        out.binSum.resize(rowBins.bins(), colBins.bins());
    }
    if (opt.entropy)
        out.entropyBits.assign(std::size_t(tq), 0.0);

    // Narrow column bins (fewer than 8 keys each) are reduced key by key through colBinOf, wider
    // ones as vectorised segments; rowBinOf maps each row to its bin.
    const bool perKey = bins && tk < 8 * colBins.bins();
    std::vector<std::int32_t> colBinOf;
    if (perKey) {
        colBinOf.resize(std::size_t(tk));
        for (std::int64_t b = 0; b < colBins.bins(); ++b)
            std::fill(colBinOf.begin() + colBins.first(b), colBinOf.begin() + colBins.first(b + 1), std::int32_t(b));
    }
    std::vector<std::int64_t> rowBinOf;
    if (bins) {
        rowBinOf.resize(std::size_t(tq));
        for (std::int64_t b = 0; b < rowBins.bins(); ++b)
            std::fill(rowBinOf.begin() + rowBins.first(b), rowBinOf.begin() + rowBins.first(b + 1), b);
    }
    const std::vector<std::int64_t> groups = rowGroups(rowBins, tq);
    const auto items = std::int64_t(groups.size()) - 1;
    std::vector<GroupResult> results(static_cast<std::size_t>(items));
    const std::int64_t blockRows = std::min(overviewBlockRows(tk, sizeof(S)), tq);
    std::atomic<bool> cancelled{false};

    parallelFor(items, [&](std::int64_t item) {
        if (cancelled.load(std::memory_order_relaxed))
            return;
        GroupResult &res = results[std::size_t(item)];
        if (opt.columnSums)
            res.columnSums.assign(std::size_t(tk), 0.0);
        PackedProducts<S> products(k, nullptr, blockRows);
        S *const blk = products.scratch(blockRows * tk);
        std::vector<S> scores(opt.entropy ? std::size_t(tk) : 0); // a row of scores, for the entropy
        const std::int64_t g0 = groups[std::size_t(item)], g1 = groups[std::size_t(item) + 1];
        if (bins) {
            const std::int64_t b0 = rowBinOf[std::size_t(g0)], b1 = rowBinOf[std::size_t(g1 - 1)] + 1;
            out.binMax.middleRows(b0, b1 - b0).setZero();
            out.binSum.middleRows(b0, b1 - b0).setZero();
        }
        for (std::int64_t r0 = g0; r0 < g1; r0 += blockRows) {
            if (opt.cancel && opt.cancel->load(std::memory_order_relaxed)) {
                cancelled = true;
                return;
            }
            const std::int64_t n = std::min(blockRows, g1 - r0);
            products.scores(q.data() + r0 * dk, n, blk, tk, factor);
            if (masked)
                detail::applyMasks<S>(Eigen::Map<Mat<S>>(blk, n, tk), r0, in.mask, h);
            for (std::int64_t i = 0; i < n; ++i) {
                const std::int64_t row = r0 + i;
                S *p = blk + i * tk;
                const S m = detail::maxRow(p, tk);
                out.rowMax[std::size_t(row)] = m;
                if (m == -std::numeric_limits<S>::infinity()) { // every key masked: weights 0
                    res.fullyMasked.push_back(row);
                    res.lo = std::min(res.lo, 0.0);
                    res.hi = std::max(res.hi, 0.0);
                    continue;
                }
                if (opt.entropy) // the scores, for Σ e·(s − m)
                    std::copy(p, p + tk, scores.begin());
                // e = exp(s − m) in place and 1/Σe, with computeAttention's own kernel: the
                // weights e·(1/Σe) are the stored path's, cell for cell.
                const S sum = detail::expSumRow(p, tk, m);
                const S inv = S(1) / sum;
                out.rowInvSum[std::size_t(row)] = double(inv);
                const Eigen::Map<const Eigen::Array<S, 1, Eigen::Dynamic>> e(p, tk);
                // The largest e is exp(0) = 1, so the row's largest weight is inv.
                res.lo = std::min(res.lo, double(e.minCoeff() * inv));
                res.hi = std::max(res.hi, double(inv));
                if (opt.entropy) { // −Σ w·ln w = ln Σe − Σ w·(s − m), since Σ w = 1
                    const double nats = std::log(double(sum)) - double(inv) * weightedShift(p, scores.data(), tk, m);
                    out.entropyBits[std::size_t(row)] = std::max(0.0, nats) / std::log(2.0);
                }
                if (opt.columnSums)
                    Eigen::Map<Eigen::ArrayXd>(res.columnSums.data(), tk) += (e * inv).transpose().template cast<double>();
                if (bins) {
                    const std::int64_t rb = rowBinOf[std::size_t(row)];
                    double *maxRowOut = &out.binMax(rb, 0), *sumRowOut = &out.binSum(rb, 0);
                    if (perKey) {
                        for (std::int64_t c = 0; c < tk; ++c) {
                            const std::int32_t b = colBinOf[std::size_t(c)];
                            const double w = double(e(c) * inv);
                            maxRowOut[b] = std::max(maxRowOut[b], w);
                            sumRowOut[b] += w;
                        }
                    } else {
                        for (std::int64_t c = 0; c < colBins.bins(); ++c) {
                            const auto seg = e.segment(colBins.first(c), colBins.count(c));
                            maxRowOut[c] = std::max(maxRowOut[c], double(seg.maxCoeff() * inv));
                            sumRowOut[c] += double(seg.sum()) * double(inv);
                        }
                    }
                }
            }
        }
    });
    if (cancelled || (opt.cancel && opt.cancel->load()))
        return makeError(Error::Code::Cancelled, "cancelled");
    if (opt.columnSums)
        out.columnSums.assign(std::size_t(tk), 0.0);
    for (const GroupResult &res : results) { // in row order: the same sums for every thread count
        out.lo = std::min(out.lo, res.lo);
        out.hi = std::max(out.hi, res.hi);
        out.fullyMaskedRows.insert(out.fullyMaskedRows.end(), res.fullyMasked.begin(), res.fullyMasked.end());
        if (opt.columnSums)
            Eigen::Map<Eigen::ArrayXd>(out.columnSums.data(), tk) +=
                Eigen::Map<const Eigen::ArrayXd>(res.columnSums.data(), tk);
    }
    return okStatus();
}

} // namespace

std::uint64_t overviewBytesNeeded(std::int64_t heads, std::int64_t tq, std::int64_t tk, std::int64_t dk,
                                  const OverviewOptions &opt, std::size_t scalarSize, int threads)
{
    const auto u = [](std::int64_t v) { return std::uint64_t(std::max<std::int64_t>(v, 0)); };
    const BinAxis rows(tq, opt.height), cols(tk, opt.width);
    // Per head: row statistics, bins (max and sum), entropies, column sums.
    std::uint64_t perHead = satMul(u(tq), scalarSize + sizeof(double));
    perHead = satAdd(perHead, satMul(satMul(u(rows.bins()), u(cols.bins())), 2 * sizeof(double)));
    if (opt.entropy)
        perHead = satAdd(perHead, satMul(u(tq), sizeof(double)));
    if (opt.columnSums) { // the head's sums and one per group of rows
        const auto groups = u(std::int64_t(rowGroups(rows, tq).size()) - 1);
        perHead = satAdd(perHead, satMul(satMul(u(tk), sizeof(double)), satAdd(groups, 1)));
    }
    std::uint64_t total = satMul(perHead, u(heads));
    // Per thread: packed K, a block of scores and one row of shifted scores.
    const auto blockRows = u(std::min(overviewBlockRows(tk, scalarSize), tq));
    std::uint64_t perThread = satMul(satMul(u(tk), u(dk)), scalarSize);
    perThread = satAdd(perThread, satMul(satMul(satAdd(blockRows, 1), u(tk)), scalarSize));
    return satAdd(total, satMul(perThread, u(std::max(threads, 1))));
}

template <class S>
Result<AttentionOverview<S>> computeOverview(const AttentionInputs<S> &in, const OverviewOptions &opt)
{
    if (auto st = detail::checkShapes(in, opt.temperature, false); !st)
        return st.error();
    if (opt.width < 0 || opt.height < 0 || (opt.width == 0) != (opt.height == 0))
        return makeError(Error::Code::BadArgument, "the overview needs both a width and a height, or neither");
    const auto heads = std::int64_t(in.q.size());
    const auto tq = in.q[0].rows(), tk = in.k[0].rows(), dk = in.q[0].cols();
    const std::uint64_t need = overviewBytesNeeded(heads, tq, tk, dk, opt, sizeof(S), threadCount());
    if (need > memoryLeft(opt.memoryBudget))
        return overBudgetError(need, "the overview of " + std::to_string(heads) + (heads == 1 ? " head of " : " heads of ") +
                                         std::to_string(tq) + " × " + std::to_string(tk),
                               opt.memoryBudget);
    AttentionOverview<S> result;
    result.rows = BinAxis(tq, opt.height);
    result.cols = BinAxis(tk, opt.width);
    result.heads.resize(std::size_t(heads));
    for (std::size_t h = 0; h < result.heads.size(); ++h) {
        if (auto st = overviewHead(in, opt, h, result.rows, result.cols, result.heads[h]); !st)
            return st.error();
        const auto &rows = result.heads[h].fullyMaskedRows;
        if (!rows.empty())
            result.warnings.push_back("head " + std::to_string(h) + ": every key is masked for " +
                                      std::to_string(rows.size()) + (rows.size() == 1 ? " query row" : " query rows") +
                                      " (the first: " + std::to_string(rows.front()) + "); their weights are zero");
        if (!std::isfinite(result.heads[h].hi))
            result.warnings.push_back("head " + std::to_string(h) + ": the weights are not finite (NaN or infinite scores)");
    }
    return result;
}

namespace {

/// Rows [r0, r0 + rows.cells()) × keys [c0, c0 + cols.cells()) into `out`'s bins, from the row
/// statistics: the scores of the region only, then the weights exp(s − m_i)·(1/Z_i) as the
/// overview's tiles compute them.
template <class S>
Status regionBins(const AttentionInputs<S> &in, const OverviewOptions &opt, const HeadOverview<S> &ov, std::size_t head,
                  RegionBins &out)
{
    const Mat<S> &q = in.q[head], &k = in.k[in.kvHeadOf(head)];
    const std::int64_t nr = out.rows.cells(), nc = out.cols.cells();
    const S factor = S(opt.scale.factor(q.cols()) / opt.temperature);
    const bool masked = detail::hasMask(in.mask);
    out.binMax.setZero(out.rows.bins(), out.cols.bins());
    out.binSum.setZero(out.rows.bins(), out.cols.bins());
    if (nr == 0 || nc == 0)
        return okStatus();
    std::vector<std::int32_t> colBinOf(static_cast<std::size_t>(nc));
    for (std::int64_t b = 0; b < out.cols.bins(); ++b)
        std::fill(colBinOf.begin() + out.cols.first(b), colBinOf.begin() + out.cols.first(b + 1), std::int32_t(b));
    const std::vector<std::int64_t> groups = rowGroups(out.rows, nr);
    const std::int64_t blockRows = std::min(overviewBlockRows(nc, sizeof(S)), std::max<std::int64_t>(nr, 1));
    // The scores through the overview's own packed product and exp kernel: the region's weights
    // are the overview's (and the stored path's), cell for cell.
    const Mat<S> kRegion = k.middleRows(out.c0, nc);
    const std::int64_t dk = q.cols();
    std::atomic<bool> cancelled{false};
    parallelFor(std::int64_t(groups.size()) - 1, [&](std::int64_t item) {
        PackedProducts<S> products(kRegion, nullptr, blockRows);
        S *const blk = products.scratch(blockRows * nc);
        for (std::int64_t i0 = groups[std::size_t(item)]; i0 < groups[std::size_t(item) + 1]; i0 += blockRows) {
            if (cancelled.load(std::memory_order_relaxed) || (opt.cancel && opt.cancel->load(std::memory_order_relaxed))) {
                cancelled = true;
                return;
            }
            const std::int64_t n = std::min(blockRows, groups[std::size_t(item) + 1] - i0);
            products.scores(q.data() + (out.r0 + i0) * dk, n, blk, nc, factor);
            if (masked)
                detail::applyMasks<S>(Eigen::Map<Mat<S>>(blk, n, nc), out.r0 + i0, in.mask, head, out.c0);
            for (std::int64_t i = 0; i < n; ++i) {
                const auto row = std::size_t(out.r0 + i0 + i);
                const double inv = ov.rowInvSum[row];
                if (inv == 0) // a fully masked row: weights 0, the bins' zeros
                    continue;
                S *e = blk + i * nc;
                (void)detail::expSumRow(e, nc, ov.rowMax[row]); // e = exp(s − m), in place
                const std::int64_t rb = out.rows.binOfCell(i0 + i);
                double *maxOut = &out.binMax(rb, 0), *sumOut = &out.binSum(rb, 0);
                for (std::int64_t c = 0; c < nc; ++c) {
                    const std::int32_t b = colBinOf[std::size_t(c)];
                    const double w = double(e[c] * S(inv));
                    maxOut[b] = std::max(maxOut[b], w);
                    sumOut[b] += w;
                }
            }
        }
    });
    if (cancelled)
        return makeError(Error::Code::Cancelled, "cancelled");
    return okStatus();
}

/// The region clamped to the head's matrix.
template <class S>
RegionBins regionOf(const AttentionInputs<S> &in, std::size_t head, std::int64_t r0, std::int64_t r1, std::int64_t c0,
                    std::int64_t c1, int width, int height)
{
    const std::int64_t tq = in.q[head].rows(), tk = in.k[in.kvHeadOf(head)].rows();
    RegionBins out;
    out.r0 = std::clamp<std::int64_t>(r0, 0, tq);
    out.c0 = std::clamp<std::int64_t>(c0, 0, tk);
    out.rows = BinAxis(std::clamp<std::int64_t>(r1, out.r0, tq) - out.r0, height);
    out.cols = BinAxis(std::clamp<std::int64_t>(c1, out.c0, tk) - out.c0, width);
    return out;
}

} // namespace

std::uint64_t regionBytesNeeded(std::int64_t rows, std::int64_t cols, std::int64_t dk, int width, int height,
                                std::size_t scalarSize, int threads)
{
    const auto u = [](std::int64_t v) { return std::uint64_t(std::max<std::int64_t>(v, 0)); };
    const BinAxis r(rows, height), c(cols, width);
    // The bins (max and sum), the region's keys and each column's bin; per thread the packed
    // keys and a block of scores.
    const std::uint64_t keys = satMul(satMul(u(cols), u(dk)), scalarSize);
    const std::uint64_t shared = satAdd(satAdd(satMul(satMul(u(r.bins()), u(c.bins())), 2 * sizeof(double)), keys),
                                        satMul(u(cols), sizeof(std::int32_t)));
    const auto blockRows = u(std::min(overviewBlockRows(cols, scalarSize), rows));
    const std::uint64_t perThread = satAdd(keys, satMul(satMul(blockRows, u(cols)), scalarSize));
    return satAdd(shared, satMul(perThread, u(std::max(threads, 1))));
}

template <class S>
Result<RegionBins> overviewRegion(const AttentionInputs<S> &in, const OverviewOptions &opt, const HeadOverview<S> &ov,
                                  std::size_t head, std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1,
                                  int width, int height)
{
    if (head >= in.q.size() || width <= 0 || height <= 0)
        return makeError(Error::Code::BadArgument, "a region needs a head of the input and a picture of at least one pixel");
    RegionBins out = regionOf(in, head, r0, r1, c0, c1, width, height);
    const std::uint64_t need =
        regionBytesNeeded(out.rows.cells(), out.cols.cells(), in.q[head].cols(), width, height, sizeof(S), threadCount());
    if (need > memoryLeft(opt.memoryBudget))
        return overBudgetError(need, "the region of " + std::to_string(out.rows.cells()) + " × " +
                                         std::to_string(out.cols.cells()) + " weights",
                               opt.memoryBudget);
    if (auto st = regionBins(in, opt, ov, head, out); !st)
        return st.error();
    return out;
}

template <class S>
Mat<double> overviewTile(const AttentionInputs<S> &in, const OverviewOptions &opt, const HeadOverview<S> &ov,
                         std::size_t head, std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1)
{
    RegionBins out = regionOf(in, head, r0, r1, c0, c1, int(std::max<std::int64_t>(c1 - c0, 1)),
                              int(std::max<std::int64_t>(r1 - r0, 1)));
    OverviewOptions serial = opt;
    serial.cancel = nullptr;
    (void)regionBins(in, serial, ov, head, out); // one bin per cell: the max is the weight
    return out.binMax;
}

MergedBins mergeBins(const Mat<double> &binMax, const Mat<double> &binSum, const BinAxis &rows, const BinAxis &cols,
                     std::int64_t rb0, std::int64_t rb1, std::int64_t cb0, std::int64_t cb1, int width, int height)
{
    MergedBins out;
    rb0 = std::clamp<std::int64_t>(rb0, 0, rows.bins());
    rb1 = std::clamp<std::int64_t>(rb1, rb0, rows.bins());
    cb0 = std::clamp<std::int64_t>(cb0, 0, cols.bins());
    cb1 = std::clamp<std::int64_t>(cb1, cb0, cols.bins());
    out.rowGroups = BinAxis(rb1 - rb0, height);
    out.colGroups = BinAxis(cb1 - cb0, width);
    out.r0 = rows.first(rb0);
    out.r1 = rows.first(rb1);
    out.c0 = cols.first(cb0);
    out.c1 = cols.first(cb1);
    for (std::int64_t g = 0; g <= out.rowGroups.bins(); ++g) // first(bins()) is the end
        out.rowCells.push_back(rows.first(rb0 + out.rowGroups.first(g)));
    for (std::int64_t g = 0; g <= out.colGroups.bins(); ++g)
        out.colCells.push_back(cols.first(cb0 + out.colGroups.first(g)));
    out.max.resize(out.rowGroups.bins(), out.colGroups.bins());
    out.mean.resize(out.rowGroups.bins(), out.colGroups.bins());
    for (std::int64_t gr = 0; gr < out.rowGroups.bins(); ++gr) {
        const std::int64_t b0 = rb0 + out.rowGroups.first(gr), nb = out.rowGroups.count(gr);
        const std::int64_t cellRows = out.rowCells[std::size_t(gr) + 1] - out.rowCells[std::size_t(gr)];
        for (std::int64_t gc = 0; gc < out.colGroups.bins(); ++gc) {
            const std::int64_t c0 = cb0 + out.colGroups.first(gc), nc = out.colGroups.count(gc);
            const std::int64_t cellCols = out.colCells[std::size_t(gc) + 1] - out.colCells[std::size_t(gc)];
            out.max(gr, gc) = binMax.block(b0, c0, nb, nc).maxCoeff();
            out.mean(gr, gc) = binSum.block(b0, c0, nb, nc).sum() / double(cellRows * cellCols);
        }
    }
    return out;
}

Mat<double> binValues(const Mat<double> &binMax, const Mat<double> &binSum, const BinAxis &rows, const BinAxis &cols,
                      bool mean)
{
    if (!mean)
        return binMax;
    Mat<double> out(binSum.rows(), binSum.cols());
    for (Eigen::Index r = 0; r < out.rows(); ++r)
        for (Eigen::Index c = 0; c < out.cols(); ++c)
            out(r, c) = binSum(r, c) / double(rows.count(r) * cols.count(c));
    return out;
}

Mat<double> binMeans(const Mat<double> &m, const BinAxis &rows, const BinAxis &cols)
{
    Mat<double> out(rows.bins(), cols.bins());
    for (std::int64_t r = 0; r < rows.bins(); ++r)
        for (std::int64_t c = 0; c < cols.bins(); ++c)
            out(r, c) = m.block(rows.first(r), cols.first(c), rows.count(r), cols.count(c)).mean();
    return out;
}

template <class S>
AttentionInputs<S> singleHead(const AttentionInputs<S> &in, std::size_t h)
{
    AttentionInputs<S> out;
    const std::size_t g = in.kvHeadOf(h);
    out.q = {in.q[h]};
    out.k = {in.k[g]};
    if (!in.v.empty())
        out.v = {in.v[g]};
    out.mask.causal = in.mask.causal;
    if (!in.mask.allowed.empty())
        out.mask.allowed = {MaskSpec<S>::forHead(in.mask.allowed, h)};
    if (!in.mask.additive.empty())
        out.mask.additive = {MaskSpec<S>::forHead(in.mask.additive, h)};
    out.mask.keyPadding = in.mask.keyPadding;
    out.mask.keyAdditive = in.mask.keyAdditive;
    return out;
}

template Result<AttentionOverview<float>> computeOverview(const AttentionInputs<float> &, const OverviewOptions &);
template Result<AttentionOverview<double>> computeOverview(const AttentionInputs<double> &, const OverviewOptions &);
template Result<RegionBins> overviewRegion(const AttentionInputs<float> &, const OverviewOptions &,
                                           const HeadOverview<float> &, std::size_t, std::int64_t, std::int64_t,
                                           std::int64_t, std::int64_t, int, int);
template Result<RegionBins> overviewRegion(const AttentionInputs<double> &, const OverviewOptions &,
                                           const HeadOverview<double> &, std::size_t, std::int64_t, std::int64_t,
                                           std::int64_t, std::int64_t, int, int);
template Mat<double> overviewTile(const AttentionInputs<float> &, const OverviewOptions &, const HeadOverview<float> &,
                                  std::size_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t);
template Mat<double> overviewTile(const AttentionInputs<double> &, const OverviewOptions &, const HeadOverview<double> &,
                                  std::size_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t);
template AttentionInputs<float> singleHead(const AttentionInputs<float> &, std::size_t);
template AttentionInputs<double> singleHead(const AttentionInputs<double> &, std::size_t);

} // namespace attnscope
