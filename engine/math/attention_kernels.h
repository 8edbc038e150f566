#pragma once
// Internal to the engine's attention code (attention.cpp, attention_overview.cpp): the row
// kernels of the softmax, the product kernels on pre-packed K and V, and the masks applied to a
// block of scaled scores.

#include <algorithm>
#include <cmath>
#include <string>
#include <cstdint>
#include <limits>
#include <vector>

#include "attention.h"

namespace attnscope::detail {
// Internal linkage, as when these lived in attention.cpp alone: GCC 12 then inlines Eigen's
// AVX-512 pexp without its -Wuninitialized false positives in avx512fintrin.h.
namespace {

// ---- Row kernels of the softmax ---------------------------------------------------------------
// Rows are contiguous. The loops use Eigen's packet functions directly so that the scaling and
// the max share one pass and the exponential and the sum share another; the row stays in L1.

template <class S>
using Packet = typename Eigen::internal::packet_traits<S>::type;
template <class S>
constexpr Eigen::Index packetSize = Eigen::internal::unpacket_traits<Packet<S>>::size;

/// p[j] *= factor; returns the max of the scaled row.
template <class S>
S scaleMaxRow(S *p, Eigen::Index n, S factor)
{
    namespace ei = Eigen::internal;
    S m = -std::numeric_limits<S>::infinity();
    Eigen::Index j = 0;
    if constexpr (packetSize<S> > 1) {
        constexpr Eigen::Index W = packetSize<S>;
        using P = Packet<S>;
        const P f = ei::pset1<P>(factor);
        P m0 = ei::pset1<P>(m), m1 = m0;
        for (; j + 2 * W <= n; j += 2 * W) {
            const P x0 = ei::pmul(ei::ploadu<P>(p + j), f);
            const P x1 = ei::pmul(ei::ploadu<P>(p + j + W), f);
            ei::pstoreu(p + j, x0);
            ei::pstoreu(p + j + W, x1);
            m0 = ei::pmax(m0, x0);
            m1 = ei::pmax(m1, x1);
        }
        for (; j + W <= n; j += W) {
            const P x0 = ei::pmul(ei::ploadu<P>(p + j), f);
            ei::pstoreu(p + j, x0);
            m0 = ei::pmax(m0, x0);
        }
        m = ei::predux_max(ei::pmax(m0, m1));
    }
    for (; j < n; ++j) {
        p[j] *= factor;
        m = std::max(m, p[j]);
    }
    return m;
}

/// The max of a row.
template <class S>
S maxRow(const S *p, Eigen::Index n)
{
    return Eigen::Map<const Eigen::Array<S, 1, Eigen::Dynamic>>(p, n).maxCoeff();
}

/// exp(x) for x <= 0 in float, flushing x < -87.3 (and -inf) to exactly 0 (e^-87.3 is about
/// FLT_MIN, so only subnormal results are lost). Eigen's pexp clamps both ends, rounds with
/// pfloor and scales by 2^n with its general pldexp (four multiplies); this is the same Cephes
/// scheme with only what x <= 0 needs:
///   n = round(x·log2 e)    one FMA with 1.5·2^23 added: the rounding happens in the addition,
///                          and the low bits of the sum's representation hold n
///   r = x - n·ln 2         Cody–Waite: ln 2 = C1 + C2 with C1 exact in 9 bits, so x - n·C1 is
///                          exact; |r| <= ln2/2
///   e^r                    degree-6 polynomial, Horner with FMA (fitted for relative error:
///                          3e-9 on [-ln2/2, ln2/2]), 1 + r + r²·(c2 + c3·r + … + c6·r⁴)
///   2^n · e^r              n << 23 added to the exponent bits of e^r; e^r >= 1.037 when n = -126
///                          (x >= -87.3), so the result is always normal and the add cannot
///                          borrow into the sign.
/// Maximum relative error 1.2e-7 against exp in double (dense sweep in tst_softmax_exp; the
/// float result alone rounds by up to 6e-8). NaN propagates.
template <class P>
EIGEN_STRONG_INLINE P expNonPositive(const P &x)
{
    namespace ei = Eigen::internal;
    using PI = typename ei::unpacket_traits<P>::integer_packet;
    const P magic = ei::pset1<P>(12582912.0f); // 1.5·2^23
    const P t = ei::pmadd(x, ei::pset1<P>(1.44269504088896341f), magic); // magic + n
    const P n = ei::psub(t, magic);
    P r = ei::pmadd(n, ei::pset1<P>(-0.693359375f), x);
    r = ei::pmadd(n, ei::pset1<P>(2.12194440e-4f), r);
    P y = ei::pset1<P>(1.3814539415761828e-3f);
    y = ei::pmadd(y, r, ei::pset1<P>(8.36874544620514e-3f));
    y = ei::pmadd(y, r, ei::pset1<P>(4.166838899254799e-2f));
    y = ei::pmadd(y, r, ei::pset1<P>(1.666652113199234e-1f));
    y = ei::pmadd(y, r, ei::pset1<P>(4.999999403953552e-1f));
    const P one = ei::pset1<P>(1.0f);
    y = ei::pmadd(y, r, one);
    y = ei::pmadd(y, r, one);
    const PI e = ei::plogical_shift_left<23>(ei::preinterpret<PI>(t)); // n << 23 (the magic's bits shift out)
    y = ei::preinterpret<P>(ei::padd(ei::preinterpret<PI>(y), e));
    return ei::pandnot(y, ei::pcmp_lt(x, ei::pset1<P>(-87.3f)));
}

/// exp(x - m) for a packet of scores, exactly 0 where x is -inf. `m` is the finite row max.
template <class P>
EIGEN_STRONG_INLINE P expShifted(const P &x, const P &m)
{
    namespace ei = Eigen::internal;
    using S = typename ei::unpacket_traits<P>::type;
    if constexpr (std::is_same_v<S, float>) {
        return expNonPositive(ei::psub(x, m)); // -inf - m = -inf, flushed to 0
    } else {
        // Eigen's vectorised exp returns a tiny denormal at -inf, not 0.
        return ei::pandnot(ei::pexp(ei::psub(x, m)), ei::pcmp_eq(x, ei::pset1<P>(-std::numeric_limits<S>::infinity())));
    }
}

/// Sum of a packet's lanes. Spelled out rather than predux(): GCC 12 warns (-Wuninitialized)
/// inside its own avx512fintrin.h when Eigen's predux<Packet8d> is inlined here.
template <class P>
EIGEN_STRONG_INLINE typename Eigen::internal::unpacket_traits<P>::type sumLanes(const P &a)
{
    using S = typename Eigen::internal::unpacket_traits<P>::type;
    constexpr int W = Eigen::internal::unpacket_traits<P>::size;
    alignas(64) S lanes[W];
    Eigen::internal::pstore(lanes, a);
    S s = 0;
    for (int i = 0; i < W; ++i)
        s += lanes[i];
    return s;
}

/// Work done inside expSumRow's main loop, called as sidecar(j) for the two packets at j:
/// memory-bound work placed there (streaming the previous row out) overlaps with the arithmetic.
struct NoSidecar {
    void operator()(Eigen::Index) const {}
};

/// p[j] = exp(p[j] - m); returns Σ p[j]. exp(-inf) is exactly 0. `m` is the finite row max.
template <class S, class Sidecar = NoSidecar>
S expSumRow(S *p, Eigen::Index n, S m, Sidecar &&sidecar = {})
{
    namespace ei = Eigen::internal;
    S sum = 0;
    Eigen::Index j = 0;
    if constexpr (packetSize<S> > 1) {
        constexpr Eigen::Index W = packetSize<S>;
        using P = Packet<S>;
        const P pm = ei::pset1<P>(m);
        P s0 = ei::pzero(pm), s1 = s0;
        for (; j + 2 * W <= n; j += 2 * W) {
            const P e0 = expShifted(ei::ploadu<P>(p + j), pm);
            const P e1 = expShifted(ei::ploadu<P>(p + j + W), pm);
            ei::pstoreu(p + j, e0);
            ei::pstoreu(p + j + W, e1);
            s0 = ei::padd(s0, e0);
            s1 = ei::padd(s1, e1);
            sidecar(j);
        }
        for (; j + W <= n; j += W) {
            const P e0 = expShifted(ei::ploadu<P>(p + j), pm);
            ei::pstoreu(p + j, e0);
            s0 = ei::padd(s0, e0);
        }
        if (j < n) {
            // The last partial packet goes through the same exp (padded with -inf, which gives
            // 0), so that a weight does not depend on where its key falls in the row.
            alignas(64) S tail[W];
            std::fill(tail, tail + W, -std::numeric_limits<S>::infinity());
            std::copy(p + j, p + n, tail);
            const P e0 = expShifted(ei::pload<P>(tail), pm);
            ei::pstore(tail, e0);
            std::copy(tail, tail + (n - j), p + j);
            s1 = ei::padd(s1, e0);
            j = n;
        }
        sum = sumLanes(ei::padd(s0, s1));
    }
    for (; j < n; ++j) {
        p[j] = std::exp(p[j] - m);
        sum += p[j];
    }
    return sum;
}

/// p[j] = exp(p[j] - m) / Σ exp(p[k] - m). `m` is the finite row max.
template <class S>
void expNormaliseRow(S *p, Eigen::Index n, S m)
{
    const S sum = expSumRow(p, n, m);
    Eigen::Map<Eigen::Array<S, 1, Eigen::Dynamic>>(p, n) *= S(1) / sum;
}

/// The exponentials of a row whose max is `m`, not normalised; returns 1/sum. A fully masked
/// row (max -inf) becomes zeros, is recorded, and returns 0.
template <class S, class Sidecar = NoSidecar>
S expRowUnnormalised(S *p, Eigen::Index n, S m, std::vector<std::int64_t> &fullyMasked, std::int64_t row,
                     Sidecar &&sidecar = {})
{
    if (m == -std::numeric_limits<S>::infinity()) {
        std::fill(p, p + n, S(0));
        fullyMasked.push_back(row);
        return S(0);
    }
    return S(1) / expSumRow(p, n, m, sidecar);
}

/// Softmax of one row whose max is `m`; a fully masked row (max -inf) becomes zeros and is
/// recorded.
template <class S>
void softmaxRow(S *p, Eigen::Index n, S m, std::vector<std::int64_t> &fullyMasked, std::int64_t row)
{
    if (m == -std::numeric_limits<S>::infinity()) {
        std::fill(p, p + n, S(0));
        fullyMasked.push_back(row);
        return;
    }
    expNormaliseRow(p, n, m);
}

// ---- Products with pre-packed K and V -------------------------------------------------------
// Eigen's product packs both operands on every call; called per block of query rows that
// repacks all of K and V for every block. These call Eigen's own packing routines and
// block-panel kernel (the code behind every Eigen product, so the same instruction set and
// register blocking), packing K and V once per head and only the block's own rows per block.
// In Eigen's column-major terms, with the row-major blocks seen as their transposes:
//   scoresᵀ [Tk × n]  = K [Tk × dk] · Q_blockᵀ [dk × n]
//   outputᵀ [dv × n]  = Vᵀ [dv × Tk] · A_blockᵀ [Tk × n]
template <class S>
struct PackedProducts {
    using Index = Eigen::Index;
    using Traits = Eigen::internal::gebp_traits<S, S>;
    using RowMapper = Eigen::internal::const_blas_data_mapper<S, Index, Eigen::RowMajor>;
    using ColMapper = Eigen::internal::const_blas_data_mapper<S, Index, Eigen::ColMajor>;
    using ResMapper = Eigen::internal::blas_data_mapper<S, Index, Eigen::ColMajor, Eigen::Unaligned, 1>;
    using PackLhsRow = Eigen::internal::gemm_pack_lhs<S, Index, RowMapper, Traits::mr, Traits::LhsProgress,
                                                      typename Traits::LhsPacket4Packing, Eigen::RowMajor>;
    using PackLhsCol = Eigen::internal::gemm_pack_lhs<S, Index, ColMapper, Traits::mr, Traits::LhsProgress,
                                                      typename Traits::LhsPacket4Packing, Eigen::ColMajor>;
    using PackRhsCol = Eigen::internal::gemm_pack_rhs<S, Index, ColMapper, Traits::nr, Eigen::ColMajor>;
    using Gebp = Eigen::internal::gebp_kernel<S, S, Index, ResMapper, Traits::mr, Traits::nr, false, false>;
    using Buffer = Eigen::Matrix<S, Eigen::Dynamic, 1>;
    static constexpr Index kAlign = 64 / Index(sizeof(S)); // chunk starts stay 64-byte aligned

    /// Packed operands and the scores block when the weights are not kept. Kept per thread
    /// between calls: fresh buffers of a MiB or more come straight from mmap, and first-touch
    /// page faults on them cost more than the packing (measured: ~4 ms per call at T = 4096).
    struct Workspace {
        Buffer packedK, packedV, packedRhs, scratch;
        static Workspace &get()
        {
            static thread_local Workspace w;
            return w;
        }
        /// Drops the buffers after an unusually large call so that a thread does not keep them.
        void trim()
        {
            const auto bytes = std::size_t(packedK.size() + packedV.size() + packedRhs.size() + scratch.size()) * sizeof(S);
            if (bytes > (std::size_t(32) << 20))
                *this = Workspace();
        }
    };
    static S *reserve(Buffer &b, Index n)
    {
        if (b.size() < n)
            b.resize(n);
        return b.data();
    }

    Index tk = 0, dk = 0, dv = 0, kcQ = 0, kcV = 0;
    Workspace &ws = Workspace::get();
    S *packedK = nullptr, *packedV = nullptr, *packedRhs = nullptr;
    std::vector<Index> offK, offV; // start of each depth chunk in packedK / packedV

    static Index roundUp(Index x) { return (x + kAlign - 1) / kAlign * kAlign; }

    /// Packs K, and V unless `v` is null (scores() only).
    PackedProducts(const Mat<S> &k, const Mat<S> *v, Index rows)
        : tk(k.rows()), dk(k.cols()), dv(v ? v->cols() : 0)
    {
        Index kc = dk, mc = tk, nc = rows;
        Eigen::internal::computeProductBlockingSizes<S, S>(kc, mc, nc);
        kcQ = std::max<Index>(kc, 1);
        kc = tk, mc = dv, nc = rows;
        Eigen::internal::computeProductBlockingSizes<S, S>(kc, mc, nc);
        kcV = std::max<Index>(kc, 1);

        Index total = 0;
        for (Index k2 = 0; k2 < dk; k2 += kcQ) {
            offK.push_back(total);
            total += roundUp(std::min(kcQ, dk - k2) * tk);
        }
        packedK = reserve(ws.packedK, total);
        for (std::size_t c = 0; c < offK.size(); ++c) {
            const Index k2 = Index(c) * kcQ;
            PackLhsRow()(packedK + offK[c], RowMapper(k.data(), dk).getSubMapper(0, k2),
                         std::min(kcQ, dk - k2), tk);
        }
        packedRhs = reserve(ws.packedRhs, std::max(kcQ, kcV) * rows);
        if (!v)
            return;
        total = 0;
        for (Index k2 = 0; k2 < tk; k2 += kcV) {
            offV.push_back(total);
            total += roundUp(std::min(kcV, tk - k2) * dv);
        }
        packedV = reserve(ws.packedV, total);
        for (std::size_t c = 0; c < offV.size(); ++c) {
            const Index k2 = Index(c) * kcV;
            PackLhsCol()(packedV + offV[c], ColMapper(v->data(), dv).getSubMapper(0, k2),
                         std::min(kcV, tk - k2), dv);
        }
    }
    PackedProducts(const PackedProducts &) = delete;
    PackedProducts &operator=(const PackedProducts &) = delete;
    ~PackedProducts() { ws.trim(); }

    /// Room for a block of scores of `size` elements.
    S *scratch(Index size) { return reserve(ws.scratch, size); }

    /// blk [n × tk] = alpha · q [n × dk] · Kᵀ; `q` rows are contiguous, `blk` rows have stride
    /// `ld`. The kernel multiplies every result by alpha anyway, so scaling here costs nothing.
    void scores(const S *q, Index n, S *blk, Index ld, S alpha)
    {
        Eigen::Map<Mat<S>, 0, Eigen::OuterStride<>>(blk, n, tk, Eigen::OuterStride<>(ld)).setZero();
        const ResMapper res(blk, ld);
        for (std::size_t c = 0; c < offK.size(); ++c) {
            const Index k2 = Index(c) * kcQ, kc = std::min(kcQ, dk - k2);
            PackRhsCol()(packedRhs, ColMapper(q, dk).getSubMapper(k2, 0), kc, n);
            Gebp()(res, packedK + offK[c], packedRhs, tk, kc, n, alpha);
        }
    }

    /// out [n × dv] = a [n × tk] · V; `a` rows have stride `ld`, `out` rows are contiguous.
    void weighted(const S *a, Index ld, Index n, S *out)
    {
        std::fill(out, out + n * dv, S(0));
        const ResMapper res(out, dv);
        for (std::size_t c = 0; c < offV.size(); ++c) {
            const Index k2 = Index(c) * kcV, kc = std::min(kcV, tk - k2);
            PackRhsCol()(packedRhs, ColMapper(a, ld).getSubMapper(k2, 0), kc, n);
            Gebp()(res, packedV + offV[c], packedRhs, dv, kc, n, S(1));
        }
    }
};

template <class S>
bool hasMask(const MaskSpec<S> &m)
{
    return m.causal || !m.allowed.empty() || !m.additive.empty() || !m.keyPadding.empty() || !m.keyAdditive.empty();
}

/// masked = scaled + additive, then -inf wherever a mask forbids; rows are [r0, r0 + n), keys
/// [c0, c0 + blk.cols()) (a block of keys: a zoomed tile; 0 with every key).
template <class S>
void applyMasks(Eigen::Ref<Mat<S>> blk, std::int64_t r0, const MaskSpec<S> &mask, std::size_t head, std::int64_t c0 = 0)
{
    constexpr S ninf = -std::numeric_limits<S>::infinity();
    const auto n = blk.rows(), tk = blk.cols();
    if (!mask.additive.empty()) {
        const auto &add = MaskSpec<S>::forHead(mask.additive, head);
        blk += add.block(r0, c0, n, tk);
    }
    if (!mask.keyAdditive.empty())
        blk.rowwise() += Eigen::Map<const Eigen::Matrix<S, 1, Eigen::Dynamic>>(mask.keyAdditive.data() + c0, tk);
    if (!mask.allowed.empty()) {
        const auto &allowed = MaskSpec<S>::forHead(mask.allowed, head);
        blk = allowed.block(r0, c0, n, tk).select(blk, Mat<S>::Constant(n, tk, ninf));
    }
    if (mask.causal) { // key j is allowed for query i when j <= i
        for (std::int64_t i = 0; i < n; ++i) {
            const std::int64_t first = std::clamp<std::int64_t>(r0 + i + 1 - c0, 0, tk);
            blk.row(i).tail(tk - first).setConstant(ninf);
        }
    }
    if (!mask.keyPadding.empty()) {
        for (std::int64_t j = 0; j < tk; ++j)
            if (mask.keyPadding[std::size_t(c0 + j)])
                blk.col(j).setConstant(ninf);
    }
}

/// The shapes computeAttention needs, and the temperature; without `needValues` (computeOverview)
/// V may be left out.
template <class S>
Status checkShapes(const AttentionInputs<S> &in, double temperature, bool needValues = true)
{
    const auto bad = [](const std::string &m) { return makeError(Error::Code::BadShape, m); };
    const bool values = needValues || !in.v.empty();
    if (in.q.empty() || in.k.empty() || (values && in.v.empty()))
        return bad(values ? "attention needs at least one head of Q, K and V" : "attention needs at least one head of Q and K");
    if (values && in.k.size() != in.v.size())
        return bad("K has " + std::to_string(in.k.size()) + " heads but V has " + std::to_string(in.v.size()));
    if (in.q.size() % in.k.size() != 0)
        return bad("Q has " + std::to_string(in.q.size()) + " heads, not a multiple of K and V's " +
                   std::to_string(in.k.size()) + " (grouped-query attention needs one)");
    const auto tq = in.q[0].rows(), dk = in.q[0].cols();
    const auto tk = in.k[0].rows(), dv = values ? in.v[0].cols() : 1;
    if (tq == 0 || tk == 0 || dk == 0 || dv == 0)
        return bad(values ? "Q, K and V must not be empty" : "Q and K must not be empty");
    for (const auto &q : in.q)
        if (q.rows() != tq || q.cols() != dk)
            return bad("every head of Q must have the same shape");
    for (std::size_t g = 0; g < in.k.size(); ++g) {
        if (in.k[g].rows() != tk || (values && in.v[g].rows() != tk))
            return bad(values ? "K has " + std::to_string(in.k[g].rows()) + " rows (keys) but V has " +
                                    std::to_string(in.v[g].rows()) + "; they must match"
                              : std::string("every head of K must have the same number of rows (keys)"));
        if (in.k[g].cols() != dk)
            return bad("d of Q (" + std::to_string(dk) + ") and K (" + std::to_string(in.k[g].cols()) + ") differ");
        if (values && in.v[g].cols() != dv)
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
    if (!in.mask.keyAdditive.empty() && std::int64_t(in.mask.keyAdditive.size()) != tk)
        return bad("the additive key padding mask has " + std::to_string(in.mask.keyAdditive.size()) +
                   " entries but there are " + std::to_string(tk) + " keys");
    if (!in.mask.keyPadding.empty() && std::int64_t(in.mask.keyPadding.size()) != tk)
        return bad("the key padding mask has " + std::to_string(in.mask.keyPadding.size()) + " entries but there are " +
                   std::to_string(tk) + " keys");
    if (!(temperature > 0) || !std::isfinite(temperature))
        return makeError(Error::Code::BadArgument, "the temperature must be a positive number");
    return okStatus();
}

} // namespace
} // namespace attnscope::detail
