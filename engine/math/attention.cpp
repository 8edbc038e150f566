#include "attention.h"
#include "attention_kernels.h"
#include "parallel.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <type_traits>

#include <unistd.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace attnscope {

using namespace detail; // attention_kernels.h: the row kernels, the packed products, the masks

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

namespace {

/// Rows per block: a block of scores (rows × Tk) should stay in the L2 cache from Q·Kᵀ to A·V,
/// and be tall enough that reading all of K and V once per block costs little. T = 4096 on a
/// 1 MiB L2 (alternating runs): 512 KiB 1–2 ms faster than 256 KiB, 1 MiB no better.
std::int64_t blockRows(std::int64_t tk, std::size_t scalarSize)
{
    const std::int64_t target = (std::int64_t(512) << 10) / std::int64_t(scalarSize); // 512 KiB
    return std::clamp<std::int64_t>(target / std::max<std::int64_t>(tk, 1), 8, 256);
}

// ---- Streaming stores ------------------------------------------------------------------------
// A kept stage of T = 4096 is 64 MiB, written once and not read again here. Ordinary stores
// first read every line they write (read-for-ownership) and push the hot block out of the
// caches; streaming stores write the lines straight to memory. Small results stay in the caches,
// where the window reads them next.

#if defined(__AVX512F__)
[[maybe_unused]] inline void streamPacket(float *d, const __m512 &v) { _mm512_stream_ps(d, v); }
[[maybe_unused]] inline void streamPacket(double *d, const __m512d &v) { _mm512_stream_pd(d, v); }
#endif
#if defined(__AVX__)
[[maybe_unused]] inline void streamPacket(float *d, const __m256 &v) { _mm256_stream_ps(d, v); }
[[maybe_unused]] inline void streamPacket(double *d, const __m256d &v) { _mm256_stream_pd(d, v); }
#endif
#if defined(__SSE2__)
[[maybe_unused]] inline void streamPacket(float *d, const __m128 &v) { _mm_stream_ps(d, v); }
[[maybe_unused]] inline void streamPacket(double *d, const __m128d &v) { _mm_stream_pd(d, v); }
constexpr bool kCanStream = true;
inline void streamFence() { _mm_sfence(); }
#else
constexpr bool kCanStream = false;
inline void streamFence() {}
#endif

/// Results at least this large are written with streaming stores.
constexpr std::size_t kStreamBytes = std::size_t(4) << 20;

// ---- Storing rows of large results ------------------------------------------------------------

/// dst[j] = f · src[j] for j < n, with streaming stores when `stream` (the caller issues
/// streamFence() before the result is handed over). The same single multiply either way.
template <class S>
void storeRow(S *dst, const S *src, Eigen::Index n, S f, bool stream)
{
    namespace ei = Eigen::internal;
    Eigen::Index j = 0;
    if constexpr (kCanStream && packetSize<S> > 1) {
        if (stream) {
            constexpr Eigen::Index W = packetSize<S>;
            using P = Packet<S>;
            const P pf = ei::pset1<P>(f);
            for (; j < n && reinterpret_cast<std::uintptr_t>(dst + j) % (W * sizeof(S)) != 0; ++j)
                dst[j] = f * src[j];
            for (; j + W <= n; j += W)
                streamPacket(dst + j, ei::pmul(pf, ei::ploadu<P>(src + j)));
        }
    }
    for (; j < n; ++j)
        dst[j] = f * src[j];
}

/// Rows [r0, r0 + n) of `dst` = f · the contiguous block `src` [n × dst.cols()].
template <class S>
void storeRows(Mat<S> &dst, std::int64_t r0, const S *src, std::int64_t n, S f = S(1))
{
    const bool stream = std::size_t(dst.size()) * sizeof(S) >= kStreamBytes;
    const auto cols = dst.cols();
    for (std::int64_t i = 0; i < n; ++i)
        storeRow(dst.data() + (r0 + i) * cols, src + i * cols, cols, f, stream);
}

/// Whether every row of `m` may be written with streaming stores: large, and each row starts on
/// a packet boundary.
template <class S>
bool canStreamRows(const Mat<S> &m)
{
    constexpr std::size_t packetBytes = std::size_t(packetSize<S>) * sizeof(S);
    return kCanStream && packetSize<S> > 1 && std::size_t(m.size()) * sizeof(S) >= kStreamBytes &&
           reinterpret_cast<std::uintptr_t>(m.data()) % packetBytes == 0 &&
           (std::size_t(m.cols()) * sizeof(S)) % packetBytes == 0;
}

/// expSumRow's sidecar that streams dst[j] = f · src[j] out two packets at a time; finish()
/// writes what it did not reach (all of the row when expSumRow did not run). `dst` starts on a
/// packet boundary (canStreamRows).
template <class S>
struct RowStreamer {
    S *dst;
    const S *src;
    S f;
    Eigen::Index done = 0;

    void operator()(Eigen::Index j)
    {
        if constexpr (kCanStream && packetSize<S> > 1) {
            namespace ei = Eigen::internal;
            constexpr Eigen::Index W = packetSize<S>;
            using P = Packet<S>;
            const P pf = ei::pset1<P>(f);
            streamPacket(dst + j, ei::pmul(pf, ei::ploadu<P>(src + j)));
            streamPacket(dst + j + W, ei::pmul(pf, ei::ploadu<P>(src + j + W)));
            done = j + 2 * W;
        }
    }
    void finish(Eigen::Index n) { storeRow(dst + done, src + done, n - done, f, true); }
};

/// Prepares a large result matrix before it is first written. First-touch faults cost as much
/// as the computation on some virtual machines (64 MiB: 190 ms with 4 KiB pages, 5 ms with
/// 2 MiB pages, measured), so it asks for transparent huge pages (numpy does too, for arrays of
/// 4 MiB and more). malloc's block is not aligned to 2 MiB, so the partial huge pages at its
/// two ends stay 4 KiB pages, hundreds of faults: those are mapped in one call each
/// (MADV_POPULATE_WRITE). The huge pages between are left to fault when written, which keeps
/// each freshly zeroed page in the cache for the write that follows. T = 4096, writing the
/// 64 MiB of weights: 11.5 ms with huge pages only, 7.8 ms with everything populated up front,
/// and the pipeline 1–3 ms faster again with only the ends populated (alternating runs).
/// The range is rounded outwards: the pages at the ends belong to the same block, or are only
/// advised and mapped, never changed.
template <class S>
void prepareLargeResult(Mat<S> &m)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const std::size_t bytes = std::size_t(m.size()) * sizeof(S);
    if (bytes < (std::size_t(4) << 20))
        return;
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    if (pageSize <= 0)
        return;
    const auto page = std::uintptr_t(pageSize);
    const auto first = reinterpret_cast<std::uintptr_t>(m.data());
    const std::uintptr_t begin = first / page * page;
    const std::uintptr_t end = (first + bytes + page - 1) / page * page;
    const auto advise = [](std::uintptr_t from, std::uintptr_t to, int advice) {
        if (to > from)
            madvise(reinterpret_cast<void *>(from), to - from, advice); // advice only: failure is harmless
    };
    advise(begin, end, MADV_HUGEPAGE);
#if defined(MADV_POPULATE_WRITE)
    const std::uintptr_t huge = std::uintptr_t(2) << 20;
    const std::uintptr_t hugeBegin = std::min(end, (begin + huge - 1) / huge * huge);
    const std::uintptr_t hugeEnd = std::max(hugeBegin, end / huge * huge);
    advise(begin, hugeBegin, MADV_POPULATE_WRITE);
    advise(hugeEnd, end, MADV_POPULATE_WRITE);
#endif
#else
    (void)m;
#endif
}


} // namespace

template <class S>
BoolMat blockedPositions(const MaskSpec<S> &mask, std::size_t head, std::int64_t tq, std::int64_t tk)
{
    constexpr S ninf = -std::numeric_limits<S>::infinity();
    BoolMat out = BoolMat::Constant(tq, tk, false);
    if (!mask.allowed.empty())
        out = !MaskSpec<S>::forHead(mask.allowed, head);
    if (!mask.additive.empty() || !mask.keyAdditive.empty()) {
        Mat<S> add = Mat<S>::Zero(tq, tk);
        if (!mask.additive.empty())
            add = MaskSpec<S>::forHead(mask.additive, head);
        if (!mask.keyAdditive.empty())
            add.rowwise() += Eigen::Map<const Eigen::Matrix<S, 1, Eigen::Dynamic>>(mask.keyAdditive.data(), tk);
        out = out || add.array() == ninf;
    }
    if (mask.causal)
        for (std::int64_t i = 0; i + 1 < tk && i < tq; ++i)
            out.row(i).tail(tk - i - 1).setConstant(true);
    for (std::size_t j = 0; j < mask.keyPadding.size(); ++j)
        if (mask.keyPadding[j])
            out.col(Eigen::Index(j)).setConstant(true);
    return out;
}

namespace {


/// Rows [rBegin, rEnd) of head `h` in blocks of `rows` (computeHead's work for one thread):
/// the kept stages and the output of those rows. false when cancelled.
template <class S>
bool computeBlocks(const AttentionInputs<S> &in, const AttentionOptions &opt, std::size_t h, std::int64_t rBegin,
                   std::int64_t rEnd, std::int64_t rows, HeadResult<S> &out, std::vector<std::int64_t> &fullyMasked)
{
    const Mat<S> &q = in.q[h];
    const Mat<S> &k = in.k[out.kvHead];
    const Mat<S> &v = in.v[out.kvHead];
    const auto tk = k.rows(), dk = q.cols(), dv = v.cols();
    const S factor = S(opt.scale.factor(dk) / opt.temperature);
    const bool masked = hasMask(in.mask);
    const bool keepRaw = opt.keep & KeepScoresRaw, keepScaled = opt.keep & KeepScoresScaled;
    const bool keepMasked = opt.keep & KeepScoresMasked, keepWeights = opt.keep & KeepWeights;
    PackedProducts<S> products(k, &v, rows);
    // The block lives in a scratch buffer that stays in the cache from Q·Kᵀ to A·V; the kept
    // stages are stored from it (streamed when large). The exponentials are never normalised in
    // place: O = E·V, then each row of O times 1/sum, and the kept weights are E times 1/sum as
    // they are stored, while the row is still in L1. Before, the block lived in the kept
    // weights; zeroing it for the product then read 64 MiB of cold memory at T = 4096.
    S *const blkData = products.scratch(rows * tk);
    std::vector<S> inv(static_cast<std::size_t>(rows)); // 1/sum of each row of the block
    // Large kept weights: row i of the block is streamed out while row i + 1's exponentials
    // are computed (the block's last row after them), so the stores overlap with arithmetic.
    const bool streamWeights = keepWeights && canStreamRows(out.weights);
    const auto expRow = [&](std::int64_t i, std::int64_t r0, S m) {
        S *row = blkData + i * tk;
        if (streamWeights && i > 0) {
            RowStreamer<S> previous{out.weights.data() + (r0 + i - 1) * tk, row - tk, inv[std::size_t(i - 1)]};
            inv[std::size_t(i)] = expRowUnnormalised(row, tk, m, fullyMasked, r0 + i, previous);
            previous.finish(tk);
        } else {
            inv[std::size_t(i)] = expRowUnnormalised(row, tk, m, fullyMasked, r0 + i);
        }
        if (keepWeights && !streamWeights)
            storeRows(out.weights, r0 + i, row, 1, inv[std::size_t(i)]);
    };
    for (std::int64_t r0 = rBegin; r0 < rEnd; r0 += rows) {
        if (opt.cancel && opt.cancel->load(std::memory_order_relaxed))
            return false;
        const std::int64_t n = std::min(rows, rEnd - r0);
        Eigen::Map<Mat<S>> blk(blkData, n, tk);
        // Unless the raw scores are kept, the product itself applies the scale (and 1/τ): the
        // same values as scaling afterwards, without a pass over the block.
        products.scores(q.data() + r0 * dk, n, blkData, tk, keepRaw ? S(1) : factor); // raw = Q·Kᵀ
        if (keepRaw) storeRows(out.scoresRaw, r0, blkData, n);
        if (masked || keepScaled) {
            if (keepRaw)
                blk *= factor;                                                      // scaled
            if (keepScaled) storeRows(out.scoresScaled, r0, blkData, n);
            if (masked)
                applyMasks<S>(blk, r0, in.mask, h);                                 // masked
            if (keepMasked) storeRows(out.scoresMasked, r0, blkData, n);
            for (std::int64_t i = 0; i < n; ++i)                                   // A
                expRow(i, r0, maxRow(blkData + i * tk, tk));
        } else {
            // No mask: (scale and) max in one pass, then exp and sum, row by row.
            for (std::int64_t i = 0; i < n; ++i) {
                S *row = blkData + i * tk;
                const S m = keepRaw ? scaleMaxRow(row, tk, factor) : maxRow(row, tk);
                if (keepMasked) storeRows(out.scoresMasked, r0 + i, row, 1);
                expRow(i, r0, m);
            }
        }
        if (streamWeights)
            storeRows(out.weights, r0 + n - 1, blkData + (n - 1) * tk, 1, inv[std::size_t(n - 1)]);
        S *const o = out.output.data() + r0 * dv;
        products.weighted(blkData, tk, n, o);                                       // O = A·V
        for (std::int64_t i = 0; i < n; ++i)
            Eigen::Map<Eigen::Array<S, 1, Eigen::Dynamic>>(o + i * dv, dv) *= inv[std::size_t(i)];
    }
    streamFence();
    return true;
}

template <class S>
Status computeHead(const AttentionInputs<S> &in, const AttentionOptions &opt, std::size_t h, HeadResult<S> &out)
{
    const std::size_t g = in.kvHeadOf(h);
    const auto tq = in.q[h].rows(), tk = in.k[g].rows(), dv = in.v[g].cols();
    const bool keepRaw = opt.keep & KeepScoresRaw, keepScaled = opt.keep & KeepScoresScaled;
    const bool keepMasked = opt.keep & KeepScoresMasked, keepWeights = opt.keep & KeepWeights;

    out.kvHead = int(g);
    out.output.resize(tq, dv);
    const auto allocate = [&](bool keep, Mat<S> &m) {
        if (keep) {
            m.resize(tq, tk);
            prepareLargeResult(m);
        }
    };
    allocate(keepRaw, out.scoresRaw);
    allocate(keepScaled, out.scoresScaled);
    allocate(keepMasked, out.scoresMasked);
    allocate(keepWeights, out.weights);

    const std::int64_t rows = std::min<std::int64_t>(blockRows(tk, sizeof(S)), tq);
    // The blocks of rows are fixed by the sizes; the threads take contiguous runs of them, each
    // with its own packed K and V and scratch block, so every row is computed the same way for
    // any number of threads.
    const std::int64_t blocks = (tq + rows - 1) / rows;
    const std::int64_t runs = std::min<std::int64_t>(blocks, std::int64_t(threadCount()));
    std::vector<std::vector<std::int64_t>> masked(static_cast<std::size_t>(runs)); // fully masked rows, per run
    std::atomic<bool> cancelled{false};
    parallelFor(runs, [&](std::int64_t run) {
        const std::int64_t first = blocks * run / runs, last = blocks * (run + 1) / runs;
        if (!computeBlocks(in, opt, h, first * rows, std::min(tq, last * rows), rows, out, masked[std::size_t(run)]))
            cancelled = true;
    });
    for (const auto &m : masked)
        out.fullyMaskedRows.insert(out.fullyMaskedRows.end(), m.begin(), m.end());
    if (cancelled)
        return makeError(Error::Code::Cancelled, "cancelled");
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
    // A block of scores per thread (parallel.h).
    total = satAdd(total, satMul(satMul(satMul(rows, std::uint64_t(tk)), scalarSize), std::uint64_t(threadCount())));
    return total;
}

namespace {

/// "head 0 query row 0, 1, 2; head 1 query row 5, … (9 rows in all)" for (head, row) pairs, at
/// most `shown` of them.
std::string describeRows(const std::vector<std::pair<std::size_t, std::int64_t>> &rows, std::size_t shown)
{
    std::string out;
    std::size_t lastHead = std::size_t(-1);
    for (std::size_t i = 0; i < rows.size() && i < shown; ++i) {
        if (rows[i].first != lastHead) {
            lastHead = rows[i].first;
            out += (i ? "; head " : "head ") + std::to_string(lastHead) + " query row ";
        } else {
            out += ", ";
        }
        out += std::to_string(rows[i].second);
    }
    if (rows.size() > shown)
        out += ", … (" + std::to_string(rows.size()) + " rows in all)";
    return out;
}

/// The warning for rows whose output came out NaN or infinite: overflow inside the computation
/// (scores beyond float's 3.4e38 give inf − inf = NaN in the softmax; huge values in A·V), or
/// non-finite inputs (warned about by the caller). A row of weights that is not finite makes its
/// output row not finite too, so one pass over the output (Tq × dv, small) finds them all.
template <class S>
std::optional<std::string> nonFiniteWarning(const AttentionResult<S> &r)
{
    std::vector<std::pair<std::size_t, std::int64_t>> rows;
    for (std::size_t h = 0; h < r.heads.size(); ++h) {
        const Mat<S> &o = r.heads[h].output;
        for (Eigen::Index i = 0; i < o.rows(); ++i)
            if (!o.row(i).allFinite())
                rows.emplace_back(h, std::int64_t(i));
    }
    if (rows.empty())
        return std::nullopt;
    std::string message = "non-finite weights or output (NaN or infinity) for " + describeRows(rows, 12) +
                          ": the scores or the output overflowed";
    if constexpr (std::is_same_v<S, float>)
        message += " float32 (largest 3.4e38); compute in float64 (--precision f64)";
    else
        message += " float64; scale the inputs down";
    return message;
}

} // namespace

template <class S>
Result<AttentionResult<S>> computeAttention(const AttentionInputs<S> &in, const AttentionOptions &opt)
{
    if (auto st = checkShapes(in, opt.temperature); !st)
        return st.error();
    const auto heads = std::int64_t(in.q.size());
    const auto tq = in.q[0].rows(), tk = in.k[0].rows(), dv = in.v[0].cols();
    const std::uint64_t need = attentionBytesNeeded(heads, tq, tk, dv, opt.keep, sizeof(S));
    if (need > memoryLeft(opt.memoryBudget)) // the message is built only now: no allocation before the check
        return overBudgetError(need, "this attention (" + std::to_string(heads) + (heads == 1 ? " head of " : " heads of ") +
                                         std::to_string(tq) + " × " + std::to_string(tk) + ")",
                               opt.memoryBudget);

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
    if (auto w = nonFiniteWarning(result))
        result.warnings.push_back(std::move(*w));
    return result;
}

template <class S>
void softmaxRowsInPlace(Eigen::Ref<Mat<S>> rows, std::vector<std::int64_t> &fullyMasked, std::int64_t rowOffset)
{
    const auto n = rows.cols();
    for (std::int64_t i = 0; i < rows.rows(); ++i) {
        S *row = rows.row(i).data();
        softmaxRow(row, n, maxRow(row, n), fullyMasked, rowOffset + i);
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
template BoolMat blockedPositions(const MaskSpec<float> &, std::size_t, std::int64_t, std::int64_t);
template BoolMat blockedPositions(const MaskSpec<double> &, std::size_t, std::int64_t, std::int64_t);
template std::vector<Mat<float>> splitHeads(const Mat<float> &, int);
template std::vector<Mat<double>> splitHeads(const Mat<double> &, int);
template Mat<float> concatHeads(const std::vector<Mat<float>> &);
template Mat<double> concatHeads(const std::vector<Mat<double>> &);

} // namespace attnscope
