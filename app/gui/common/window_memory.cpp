#include "window_memory.h"

#include <algorithm>

#include "attention_overview.h"
#include "explorer_files.h"
#include "memory_budget.h"
#include "parallel.h"
#include "tensor_file.h"

namespace attnscope {
namespace {

// Measured (README, "Memory"): the peak resident size of `attnscope --text <T words> --stage S
// --screenshot` grows by 42–43 bytes per query × key cell at every stage (T = 1000, 2000, 3000);
// 48 leaves a margin. Opening a bundle [1, 2, T, T] of float32 grows it by 56 bytes per cell of
// one head (T = 1500, 3000): 8 for the bundle itself (fileBytes counts it), 48 for the rest.
constexpr std::uint64_t kExplorerBytesPerCell = 48;
constexpr std::uint64_t kPageBytesPerCell = 48;
constexpr std::uint64_t kFixedBytes = 32ull << 20; ///< heatmap images, labels, the widgets' own

std::uint64_t cells(std::int64_t a, std::int64_t b) { return satMul(std::uint64_t(std::max<std::int64_t>(a, 0)), std::uint64_t(std::max<std::int64_t>(b, 0))); }

std::int64_t rows(const Shape &shape) { return shape.size() >= 2 ? shape[shape.size() - 2] : (shape.empty() ? 1 : shape[0]); }

std::int64_t dtypeBytes(const std::string &dtype)
{
    if (dtype == "float64" || dtype == "int64" || dtype == "uint64")
        return 8;
    if (dtype == "float16" || dtype == "bfloat16" || dtype == "int16" || dtype == "uint16")
        return 2;
    if (dtype == "int8" || dtype == "uint8" || dtype == "bool")
        return 1;
    return 4;
}

const ArrayInfo *findArray(const TensorFileInfo &info, const std::string &name)
{
    for (const ArrayInfo &a : info.arrays)
        if (a.name == name && a.numeric)
            return &a;
    return nullptr;
}

std::int64_t numel(const Shape &shape)
{
    std::uint64_t n = 1;
    for (auto d : shape)
        n = satMul(n, std::uint64_t(std::max<std::int64_t>(d, 0)));
    return std::int64_t(std::min<std::uint64_t>(n, std::uint64_t(INT64_MAX)));
}

} // namespace

std::uint64_t explorerBytes(std::int64_t tq, std::int64_t tk, std::int64_t dModel, std::int64_t dHead, std::int64_t heads)
{
    const std::uint64_t perToken = satMul(8, satAdd(std::uint64_t(std::max<std::int64_t>(dModel, 0)),
                                                    satMul(3, cells(heads, dHead))));
    return satAdd(satAdd(satMul(kExplorerBytesPerCell, cells(tq, tk)), satMul(perToken, std::uint64_t(std::max<std::int64_t>(tq + tk, 0)))),
                  kFixedBytes);
}

std::uint64_t attentionPageBytes(std::int64_t layers, std::int64_t heads, std::int64_t tq, std::int64_t tk,
                                 std::int64_t elementBytes)
{
    const std::uint64_t bundle = satMul(satMul(cells(layers, heads), cells(tq, tk)), std::uint64_t(std::max<std::int64_t>(elementBytes, 1)));
    return satAdd(satAdd(bundle, satMul(kPageBytesPerCell, cells(tq, tk))), kFixedBytes);
}

std::uint64_t fileBytes(const std::string &path)
{
    auto file = openTensorFile(path);
    if (!file)
        return 0;
    const TensorFileInfo &info = (*file)->info();
    std::uint64_t total = 0;
    for (const ArrayInfo &a : info.arrays)
        if (a.numeric) // read as stored, then converted to double
            total = satAdd(total, satMul(std::uint64_t(numel(a.shape)), std::uint64_t(dtypeBytes(a.dtype) + 8)));
    const ArrayInfo *att = findArray(info, "attentions");
    if (!att && info.arrays.size() == 1 && info.arrays.front().numeric && info.arrays.front().shape.size() >= 2)
        att = &info.arrays.front();
    if (att) {
        const Shape &s = att->shape;
        const std::size_t n = s.size();
        const std::int64_t lead = n > 2 ? numel(Shape(s.begin(), s.end() - 2)) : 1;
        total = satAdd(total, attentionPageBytes(1, lead, s[n - 2], s[n - 1], dtypeBytes(att->dtype)));
    }
    const ArrayInfo *q = findArray(info, "q"), *k = findArray(info, "k"), *x = findArray(info, "x");
    if (q && k)
        total = satAdd(total, explorerBytes(rows(q->shape), rows(k->shape), 0, 0, 0));
    else if (x)
        total = satAdd(total, explorerBytes(rows(x->shape), rows(x->shape), 0, 0, 0));
    return total;
}

std::optional<AttentionSize> roleFilesSize(const std::vector<std::string> &paths)
{
    std::optional<Shape> q, k, x, wq, context;
    for (const std::string &path : paths) {
        const std::string role = fileRole(path);
        std::optional<Shape> *slot = role == "q" ? &q : role == "k" ? &k : role == "x" ? &x : role == "wq" ? &wq
                                   : role == "context" ? &context : nullptr;
        if (!slot)
            continue;
        auto file = openTensorFile(path);
        if (!file || (*file)->info().arrays.empty() || !(*file)->info().arrays.front().numeric)
            continue;
        *slot = (*file)->info().arrays.front().shape;
    }
    if (q && k && !q->empty() && !k->empty())
        return AttentionSize{rows(*q), rows(*k), q->back()};
    if (x && wq && !x->empty() && !wq->empty())
        return AttentionSize{rows(*x), context && !context->empty() ? rows(*context) : rows(*x), wq->back()};
    return std::nullopt;
}

std::optional<AttentionSize> tensorFileSize(const std::string &path)
{
    auto file = openTensorFile(path);
    if (!file)
        return std::nullopt;
    const TensorFileInfo &info = (*file)->info();
    const ArrayInfo *q = findArray(info, "q"), *k = findArray(info, "k");
    if (!q || !k || q->shape.empty() || k->shape.empty())
        return std::nullopt;
    return AttentionSize{rows(q->shape), rows(k->shape), q->shape.back()};
}

bool isStreamed(const AttentionSize &size)
{
    if (satMul(std::uint64_t(std::max<std::int64_t>(size.tq, 0)), std::uint64_t(std::max<std::int64_t>(size.tk, 0))) >
        std::uint64_t(kStoredCellsLimit))
        return true;
    return explorerBytes(size.tq, size.tk, 0, 0, 0) > memoryLeft(0);
}

std::uint64_t streamedBytes(const AttentionSize &size)
{
    OverviewOptions opt; // the tab's overview: kStreamedOverviewSide bins a side at most, both by-products
    opt.width = int(std::min<std::int64_t>(size.tk, kStreamedOverviewSide));
    opt.height = int(std::min<std::int64_t>(size.tq, kStreamedOverviewSide));
    opt.columnSums = opt.entropy = true;
    const int threads = threadCount();
    // The inputs in double for the cell panel (Q, K, V), the overview, and a zoomed region of
    // 4,096 × 4,096 cells on a 4K screen.
    const std::uint64_t doubles = satMul(satMul(3 * sizeof(double), std::uint64_t(std::max<std::int64_t>(size.dk, 1))),
                                         std::uint64_t(std::max<std::int64_t>(size.tq + size.tk, 0)));
    return satAdd(satAdd(satAdd(doubles, overviewBytesNeeded(1, size.tq, size.tk, size.dk, opt, sizeof(float), threads)),
                         regionBytesNeeded(std::min<std::int64_t>(size.tq, 4096), std::min<std::int64_t>(size.tk, 4096),
                                           size.dk, 3840, 2160, sizeof(float), threads)),
                  kFixedBytes);
}

std::uint64_t streamedFilesBytes(const std::vector<std::string> &paths, const AttentionSize &size)
{
    std::uint64_t total = streamedBytes(size);
    for (const std::string &path : paths) {
        auto file = openTensorFile(path);
        if (!file)
            continue;
        for (const ArrayInfo &a : (*file)->info().arrays)
            if (a.numeric && a.name != "attentions") // a bundle's weights are never read here
                total = satAdd(total, satMul(std::uint64_t(numel(a.shape)), std::uint64_t(dtypeBytes(a.dtype) + 8)));
    }
    return total;
}

Status checkWindowBudget(std::uint64_t bytes, const std::string &what)
{
    return reserveMemory(bytes, what);
}

} // namespace attnscope
