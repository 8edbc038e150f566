#pragma once
// Exact pictures of attention too large to store. The weights of a head are computed block of
// query rows by block and reduced at once into screen bins and O(T) by-products; the Tq × Tk
// matrix is never held. Per query row i, with s the scaled, masked scores:
//   m_i = max_j s_ij,  Z_i = Σ_j exp(s_ij − m_i),  A_ij = exp(s_ij − m_i) / Z_i
// exactly as computeAttention computes them. Each block of rows spans every key, so the row
// statistics are final after one product; m_i and 1/Z_i are kept (O(Tq)), and any cell or tile
// is recomputed exactly from them later (overviewTile) without a second pass over the keys.
//
// Bins follow render --bare's rule along each axis: of W pixels over T cells, pixel x shows
// cells ⌊x·T/W⌋ … max(⌊x·T/W⌋, ⌊(x+1)·T/W⌋ − 1). When W <= T the pixels partition the cells
// and a bin is a pixel; when W > T a pixel shows one cell and a bin is a cell. Each bin keeps
// the largest weight it covers and their sum (the mean is the sum over the bin's cell count).
// By-products: the attention each key receives, Σ_i A_ij (attention sinks stand out), and each
// row's entropy −Σ_j A_ij·log₂ A_ij in bits (0·log 0 = 0; a fully masked row: 0).
//
// Work is split over the engine's threads (parallel.h) by groups of rows whose boundaries depend
// only on the sizes, and column sums are added group by group in order: results are identical
// for every thread count.

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "attention.h"

namespace attnscope {

/// The bins of one axis: `cells` cells shown on `pixels` pixels (render --bare's rule).
class BinAxis {
public:
    BinAxis() = default;
    BinAxis(std::int64_t cells, int pixels);

    std::int64_t cells() const { return m_cells; }
    int pixels() const { return m_pixels; }
    /// min(cells, pixels); 0 without pixels.
    std::int64_t bins() const { return std::int64_t(m_first.size()) - 1; }
    /// The cells of bin b: [first(b), first(b + 1)).
    std::int64_t first(std::int64_t b) const { return m_first[std::size_t(b)]; }
    std::int64_t count(std::int64_t b) const { return first(b + 1) - first(b); }
    /// The bin pixel x shows.
    std::int64_t binOfPixel(int x) const;
    /// The bin that holds cell i.
    std::int64_t binOfCell(std::int64_t i) const;

private:
    std::int64_t m_cells = 0;
    int m_pixels = 0;
    std::vector<std::int64_t> m_first{0};
};

struct OverviewOptions {
    ScaleSpec scale;
    double temperature = 1.0;
    int width = 0, height = 0; ///< pixels of the picture the bins serve; 0 × 0: no bins
    bool columnSums = false;   ///< Σ_i A_ij per key
    bool entropy = false;      ///< row entropies in bits
    std::uint64_t memoryBudget = 0; ///< bytes; 0 = memoryBudget(), the process-wide budget
    const std::atomic<bool> *cancel = nullptr;
};

template <class S>
struct HeadOverview {
    int kvHead = 0;
    std::vector<S> rowMax;          ///< m_i; −∞ for a fully masked row
    std::vector<double> rowInvSum;  ///< 1/Z_i; 0 for a fully masked row
    Mat<double> binMax, binSum;     ///< [rows.bins(), cols.bins()]
    double lo = std::numeric_limits<double>::infinity(), hi = -lo; ///< min and max over every weight
    std::vector<double> columnSums;  ///< [Tk] when asked
    std::vector<double> entropyBits; ///< [Tq] when asked
    std::vector<std::int64_t> fullyMaskedRows;

    /// The mean of bin (r, c)'s weights.
    double binMean(const BinAxis &rows, const BinAxis &cols, std::int64_t r, std::int64_t c) const
    {
        return binSum(r, c) / double(rows.count(r) * cols.count(c));
    }
};

template <class S>
struct AttentionOverview {
    BinAxis rows, cols;
    std::vector<HeadOverview<S>> heads;
    std::vector<std::string> warnings;
};

/// Bytes computeOverview allocates beyond its inputs for these sizes and options, on `threads`
/// threads: the row statistics, the bins, the by-products and each thread's packed K and block
/// of scores. O(T·d + bins), never O(Tq·Tk).
std::uint64_t overviewBytesNeeded(std::int64_t heads, std::int64_t tq, std::int64_t tk, std::int64_t dk,
                                  const OverviewOptions &opt, std::size_t scalarSize, int threads);

/// The overview of every query head of `in` (V is not used and may be empty). Checks shapes as
/// computeAttention does; refuses (OverBudget, before allocating) when overviewBytesNeeded does
/// not fit what is left of the budget.
template <class S>
Result<AttentionOverview<S>> computeOverview(const AttentionInputs<S> &in, const OverviewOptions &opt);

/// The bins of a rectangle of one head's weights: rows [r0, r0 + rows.cells()) on rows.pixels()
/// pixels, keys [c0, c0 + cols.cells()) on cols.pixels(), by the rule above.
struct RegionBins {
    std::int64_t r0 = 0, c0 = 0;
    BinAxis rows, cols;
    Mat<double> binMax, binSum; ///< [rows.bins(), cols.bins()]
};

/// Bytes overviewRegion allocates for a region of `rows` × `cols` cells of a head of size `dk`
/// on `height` × `width` pixels on `threads` threads: its bins, its keys (packed once per thread)
/// and each thread's block of scores.
std::uint64_t regionBytesNeeded(std::int64_t rows, std::int64_t cols, std::int64_t dk, int width, int height,
                                std::size_t scalarSize, int threads);

/// The exact bins of rows [r0, r1) × keys [c0, c1) of query head `head` on `width` × `height`
/// pixels, from the row statistics of `ov` (computed from the same inputs and options): what a
/// zoomed-in view shows. Only the region's scores are computed (O((r1 − r0)·(c1 − c0)·d)), on the
/// engine's threads, the same for every thread count. Refuses (OverBudget) when
/// regionBytesNeeded does not fit; honours opt.cancel.
template <class S>
Result<RegionBins> overviewRegion(const AttentionInputs<S> &in, const OverviewOptions &opt, const HeadOverview<S> &ov,
                                  std::size_t head, std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1,
                                  int width, int height);

/// The exact weights of rows [r0, r1) × keys [c0, c1) of query head `head`, from the row
/// statistics of `ov` (computed from the same inputs and options): a zoomed tile or one cell.
/// Computes only the tile's scores; no budget check (keep tiles small).
template <class S>
Mat<double> overviewTile(const AttentionInputs<S> &in, const OverviewOptions &opt, const HeadOverview<S> &ov,
                         std::size_t head, std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1);

/// The pyramid: bins [rb0, rb1) × [cb0, cb1) of a finer binning (an overview's or a region's
/// `rows`, `cols`, with its max and sum) grouped onto `height` × `width` pixels by the bare rule
/// applied to the bins. Each group is a union of whole fine bins, so its max and mean are exact:
/// zooming out needs no recomputation.
struct MergedBins {
    BinAxis rowGroups, colGroups; ///< over the fine bins [rb0, rb1) and [cb0, cb1)
    std::int64_t r0 = 0, r1 = 0, c0 = 0, c1 = 0; ///< the cells covered
    Mat<double> max, mean;        ///< [rowGroups.bins(), colGroups.bins()]
    /// The cells of row group g: [rowCell(g), rowCell(g + 1)) (likewise for columns).
    std::vector<std::int64_t> rowCells, colCells;
};
MergedBins mergeBins(const Mat<double> &binMax, const Mat<double> &binSum, const BinAxis &rows, const BinAxis &cols,
                     std::int64_t rb0, std::int64_t rb1, std::int64_t cb0, std::int64_t cb1, int width, int height);

/// What each bin shows: its largest weight (`binMax`), or with `mean` the mean of its cells'
/// weights (`binSum` over the bin's cell count) — an overview's or a region's bins on `rows` × `cols`.
Mat<double> binValues(const Mat<double> &binMax, const Mat<double> &binSum, const BinAxis &rows, const BinAxis &cols,
                      bool mean);

/// The mean of the cells of each bin of a stored matrix [rows.cells(), cols.cells()].
Mat<double> binMeans(const Mat<double> &m, const BinAxis &rows, const BinAxis &cols);

/// Query head `h` of `in` alone, with its key/value head and its masks (for one head's picture).
template <class S>
AttentionInputs<S> singleHead(const AttentionInputs<S> &in, std::size_t h);

} // namespace attnscope
