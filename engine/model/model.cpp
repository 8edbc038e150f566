// TransformerModel: loading a folder (config, weight specs, budget, conversion) and the entry
// points of a run. The architectures are in model_<family>.cpp.
#include "model.h"

#include <cassert>

#include "memory_budget.h"
#include "model_internal.h"
#include "model_weights.h"

namespace attnscope {

const Mat<float> &TransformerModel::Impl::w(const std::string &name) const
{
    const auto it = weights.find(name);
    assert(it != weights.end());
    return it->second;
}

const Mat<float> *TransformerModel::Impl::find(const std::string &name) const
{
    const auto it = weights.find(name);
    return it == weights.end() ? nullptr : &it->second;
}

TransformerModel::TransformerModel(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
TransformerModel::~TransformerModel() = default;

const ModelInfo &TransformerModel::info() const
{
    return d->config.info;
}

bool storedTransposed(const ModelConfig &c, const WeightSpec &spec)
{
    const std::string &n = spec.name;
    const bool weight = n.size() > 7 && n.compare(n.size() - 7, 7, ".weight") == 0;
    return c.info.type != "gpt2" && spec.shape.size() == 2 && weight && n.find("embed") == std::string::npos;
}

namespace {

std::vector<WeightSpec> specsFor(const ModelConfig &c)
{
    const std::string &t = c.info.type;
    return t == "bert" ? bertWeightSpecs(c) : t == "gpt2" ? gpt2WeightSpecs(c) : t == "vit" ? vitWeightSpecs(c) : llamaWeightSpecs(c);
}

/// Every required tensor present with its shape; the float32 bytes of those to read.
Result<std::uint64_t> checkSpecs(const WeightFiles &files, const std::vector<WeightSpec> &specs, const ModelConfig &c)
{
    std::uint64_t bytes = 0;
    for (const auto &s : specs) {
        const auto *e = files.find(s.name);
        if (!e) {
            if (s.optional)
                continue;
            return makeError(Error::Code::BadFormat, c.info.dir + ": the weights have no tensor '" + s.name + "' " +
                                                         shapeToString(s.shape) + " (model_type " + c.info.type + ")");
        }
        if (e->tensor.shape != s.shape)
            return makeError(Error::Code::BadShape, files.path(*e) + ": tensor '" + e->tensor.name + "' has shape " +
                                                        shapeToString(e->tensor.shape) + ", but " + c.configPath +
                                                        " implies " + shapeToString(s.shape));
        std::uint64_t n = 1;
        for (auto dim : s.shape)
            n = satMul(n, std::uint64_t(dim));
        bytes = satAdd(bytes, satMul(n, 4));
    }
    return bytes;
}

} // namespace

Result<std::shared_ptr<const TransformerModel>> TransformerModel::load(const std::string &dir, const ModelLoadOptions &options)
{
    auto config = readModelConfig(dir);
    if (!config)
        return config.error();
    keepWorkingMemory();
    auto files = WeightFiles::open(dir);
    if (!files)
        return files.error();
    const auto specs = specsFor(*config);
    auto bytes = checkSpecs(**files, specs, *config);
    if (!bytes)
        return bytes.error();
    if (auto s = reserveMemory(*bytes, dir + ": the float32 weights", options.memoryBudget); !s)
        return s.error();
    auto impl = std::make_unique<Impl>();
    impl->config = std::move(*config);
    std::int64_t params = 0;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (options.cancel && options.cancel->load())
            return makeError(Error::Code::Cancelled, dir + ": loading cancelled");
        const auto *e = (*files)->find(specs[i].name);
        if (!e)
            continue;
        auto m = (*files)->read(*e);
        if (!m)
            return m.error();
        params += m->size();
        if (storedTransposed(impl->config, specs[i]))
            *m = m->transpose().eval();
        impl->weights.emplace(specs[i].name, std::move(*m));
        if (options.progress)
            options.progress(double(i + 1) / double(specs.size()));
    }
    impl->config.info.parameters = params;
    return std::shared_ptr<const TransformerModel>(new TransformerModel(std::move(impl)));
}

std::uint64_t TransformerModel::runBytes(std::int64_t tokens, const ModelRunOptions &options) const
{
    const auto &c = d->config;
    const auto &i = c.info;
    const std::uint64_t T = std::uint64_t(std::max<std::int64_t>(tokens, 0)), L = std::uint64_t(i.layers);
    const std::uint64_t H = std::uint64_t(i.heads), Hkv = std::uint64_t(i.kvHeads), hd = std::uint64_t(i.headDim);
    const std::uint64_t D = std::uint64_t(i.hidden), I = std::uint64_t(c.intermediate);
    const std::uint64_t tt = satMul(T, T);
    std::uint64_t kept = satMul(satMul(L, H), satMul(tt, 4));
    if (options.keepQkv)
        kept = satAdd(kept, satMul(satMul(L, H + 2 * Hkv), satMul(T, hd * 4)));
    if (options.keepInputs)
        kept = satAdd(kept, satMul(satMul(L, T), D * 4));
    // One layer at a time: the residual stream, the normed input, q/k/v, the heads' outputs,
    // the MLP's two or three [T, I] matrices, and the kernel's per-head weights [T, T].
    const std::uint64_t width = 4 * D + 2 * (H + 2 * Hkv) * hd + 3 * std::max(I, D);
    const std::uint64_t working = satAdd(satMul(satMul(T, width), 4), satMul(satMul(H, tt), 8));
    return satAdd(kept, working);
}

namespace {

Status checkRun(const ModelInfo &i, std::int64_t tokens, const ModelRunOptions &o, std::uint64_t bytes)
{
    if (o.threads < 1)
        return makeError(Error::Code::BadArgument, "threads must be at least 1, not " + std::to_string(o.threads));
    if (auto s = reserveMemory(bytes, i.name + ": a run over " + std::to_string(tokens) + " positions", o.memoryBudget); !s)
        return s.error();
    return okStatus();
}

} // namespace

Result<AttentionBundle> TransformerModel::runTokens(const std::vector<std::int64_t> &ids, const ModelRunOptions &options) const
{
    const auto &c = d->config;
    const auto &i = c.info;
    if (i.image)
        return makeError(Error::Code::BadArgument, i.name + ": model_type vit reads an image, not text");
    const auto T = std::int64_t(ids.size());
    if (T == 0)
        return makeError(Error::Code::BadArgument, i.name + ": no tokens to run the model on");
    if (T > i.maxPositions)
        return makeError(Error::Code::BadArgument, i.name + ": the text has " + std::to_string(T) +
                                                       " tokens, more than the model's " + std::to_string(i.maxPositions) + " positions");
    for (std::size_t p = 0; p < ids.size(); ++p)
        if (ids[p] < 0 || ids[p] >= c.vocab)
            return makeError(Error::Code::BadArgument, i.name + ": token id " + std::to_string(ids[p]) + " at position " +
                                                           std::to_string(p) + " is outside the vocabulary of " + std::to_string(c.vocab));
    if (auto s = checkRun(i, T, options, runBytes(T, options)); !s)
        return s.error();
    RunContext ctx{options, T, {}};
    prepareBundle(ctx, c);
    ctx.bundle.inputIds = ids;
    const Status s = i.type == "bert" ? bertForward(*d, ids, ctx) : i.type == "gpt2" ? gpt2Forward(*d, ids, ctx) : llamaForward(*d, ids, ctx);
    if (!s)
        return s.error();
    return std::move(ctx.bundle);
}

Result<AttentionBundle> TransformerModel::runPixels(const Tensor &pixels, const ModelRunOptions &options) const
{
    const auto &i = d->config.info;
    if (!i.image)
        return makeError(Error::Code::BadArgument, i.name + ": model_type " + i.type + " reads text, not an image");
    const Shape want{3, i.imageSize, i.imageSize};
    if (pixels.shape != want || !dtypeIsFloat(pixels.dtype))
        return makeError(Error::Code::BadShape, i.name + ": the pixels have shape " + shapeToString(pixels.shape) + ", the model needs " +
                                                    shapeToString(want) + " floats");
    const int grid = i.imageSize / i.patchSize;
    const std::int64_t T = std::int64_t(grid) * grid + 1;
    if (auto s = checkRun(i, T, options, runBytes(T, options)); !s)
        return s.error();
    RunContext ctx{options, T, {}};
    prepareBundle(ctx, d->config);
    auto &b = ctx.bundle;
    b.gridRows = b.gridCols = grid;
    b.leadingClsKey = true;
    b.tokens.push_back("[CLS]");
    for (int r = 0; r < grid; ++r)
        for (int col = 0; col < grid; ++col)
            b.tokens.push_back("patch " + std::to_string(r) + "," + std::to_string(col));
    if (auto s = vitForward(*d, pixels, ctx); !s)
        return s.error();
    return std::move(ctx.bundle);
}

} // namespace attnscope
