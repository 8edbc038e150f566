// What every architecture's run shares: the bundle, one layer's attention through the staged
// kernel (heads split over threads), progress and cancellation.
#include <cstdint>
#include <cstring>

#include <mutex>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "model_internal.h"

namespace attnscope {

void keepWorkingMemory()
{
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest; the kept results above it stay mmapped
        mallopt(M_TRIM_THRESHOLD, 128 << 20);
        mallopt(M_TOP_PAD, 16 << 20);
    });
#endif
}

std::string layerName(const char *prefix, int layer, const char *rest)
{
    return std::string(prefix) + std::to_string(layer) + "." + rest;
}

Status RunContext::layerDone(int layer)
{
    if (options.progress)
        options.progress(layer + 1, int(bundle.attentions.shape[0]));
    if (options.cancel && options.cancel->load())
        return makeError(Error::Code::Cancelled, bundle.model + ": run cancelled");
    return okStatus();
}

namespace {

/// Asks for transparent huge pages over the whole 2 MiB pages inside [p, p + n), where the
/// system leaves it to madvise. A fresh allocation is faulted in 512 times less often: the kept
/// attentions of GPT-2 small at T = 1024 are 576 MiB, and faulting them in 4 KiB pages took
/// about a third of the forward pass (perf, this machine).
void adviseHugePages(void *p, std::size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
    const std::uintptr_t first = (std::uintptr_t(p) + huge - 1) / huge * huge, last = (std::uintptr_t(p) + n) / huge * huge;
    if (last > first)
        madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

/// A float32 tensor of zeros; large ones on huge pages (advised before the zeros touch them).
Tensor zeros(const Shape &shape)
{
    Tensor t;
    t.dtype = DType::F32;
    t.shape = shape;
    const std::size_t n = std::size_t(t.numel()) * 4;
    t.bytes.reserve(n);
    adviseHugePages(t.bytes.data(), n);
    t.bytes.resize(n);
    return t;
}

/// Copies the T × d slice of columns [col, col + d) of `m` into the float tensor at element `at`.
void putColumns(Tensor &t, std::int64_t at, const Mat<float> &m, std::int64_t col, std::int64_t d)
{
    auto *dst = reinterpret_cast<float *>(t.bytes.data()) + at;
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        std::memcpy(dst + r * d, m.row(r).data() + col, std::size_t(d) * 4);
}

/// Copies the layer's q, k, v (split by head) and its input into the bundle, as asked.
void keepLayerInputs(RunContext &ctx, const ModelInfo &i, int layer, const Mat<float> &x, const Mat<float> &q,
                     const Mat<float> &k, const Mat<float> &v)
{
    auto &b = ctx.bundle;
    const std::int64_t T = ctx.tokens, H = i.heads, Hkv = i.kvHeads, hd = i.headDim;
    if (ctx.options.keepQkv) {
        for (std::int64_t h = 0; h < H; ++h)
            putColumns(b.q[std::size_t(layer)], h * T * hd, q, h * hd, hd);
        for (std::int64_t h = 0; h < Hkv; ++h) {
            putColumns(b.k[std::size_t(layer)], h * T * hd, k, h * hd, hd);
            putColumns(b.v[std::size_t(layer)], h * T * hd, v, h * hd, hd);
        }
    }
    if (ctx.options.keepInputs)
        putColumns(*b.inputs, std::int64_t(layer) * T * i.hidden, x, 0, i.hidden);
}

} // namespace

void prepareBundle(RunContext &ctx, const ModelConfig &c)
{
    const auto &i = c.info;
    const std::int64_t T = ctx.tokens, L = i.layers, H = i.heads, Hkv = i.kvHeads, hd = i.headDim;
    auto &b = ctx.bundle;
    b.path.clear();
    b.attentions = zeros({L, H, T, T});
    if (ctx.options.keepQkv) {
        b.q.assign(std::size_t(L), zeros({H, T, hd}));
        b.k.assign(std::size_t(L), zeros({Hkv, T, hd}));
        b.v.assign(std::size_t(L), zeros({Hkv, T, hd}));
    }
    if (ctx.options.keepInputs)
        b.inputs = zeros({L, T, std::int64_t(i.hidden)});
    b.causal = i.causal;
    b.model = i.name;
    b.slidingWindow = i.slidingWindow;
}

Result<Mat<float>> attendLayer(RunContext &ctx, const ModelConfig &c, int layer, const Mat<float> &x, const Mat<float> &q,
                               const Mat<float> &k, const Mat<float> &v, const ScaleSpec &scale, const MaskSpec<float> &mask)
{
    const auto &i = c.info;
    const std::int64_t T = ctx.tokens, H = i.heads, Hkv = i.kvHeads, hd = i.headDim;
    const std::int64_t group = H / Hkv;
    auto &b = ctx.bundle;
    Mat<float> out(T, H * hd);
    std::vector<Status> status(std::size_t(H), okStatus());
    // One query head per kernel call, with the key/value head it reads (h / (H / Hkv)): the heads
    // are independent, so they split over threads in any grouping.
    parallelRanges(H, ctx.options.threads, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t h = begin; h < end; ++h) {
            AttentionInputs<float> in;
            in.q.push_back(q.middleCols(h * hd, hd));
            in.k.push_back(k.middleCols((h / group) * hd, hd));
            in.v.push_back(v.middleCols((h / group) * hd, hd));
            in.mask = mask;
            AttentionOptions opt;
            opt.scale = scale;
            opt.keep = KeepWeights;
            opt.memoryBudget = ctx.options.memoryBudget;
            opt.cancel = ctx.options.cancel;
            auto r = computeAttention(in, opt);
            if (!r) {
                status[std::size_t(h)] = r.error();
                continue;
            }
            const auto &head = r->heads[0];
            std::memcpy(reinterpret_cast<float *>(b.attentions.bytes.data()) + (layer * H + h) * T * T, head.weights.data(),
                        std::size_t(T * T) * 4);
            out.middleCols(h * hd, hd) = head.output;
        }
    });
    for (const auto &s : status)
        if (!s)
            return s.error();
    keepLayerInputs(ctx, i, layer, x, q, k, v);
    return out;
}

} // namespace attnscope
