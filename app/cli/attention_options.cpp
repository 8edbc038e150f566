#include "attention_options.h"

#include <limits>

#include "bundle.h"
#include "cli_common.h"
#include "parallel.h"
#include "tensor_file.h"

namespace attnscope::cli {

const char *const kAttentionInputUsage =
    R"((--q TENSOR --k TENSOR --v TENSOR | --x TENSOR --wq TENSOR --wk TENSOR --wv TENSOR [--context TENSOR])
    [--heads N] [--batch B | --layer L] [--scale sqrt|dim|none|NUMBER]
    [--mask causal|TENSOR] [--key-padding TENSOR] [--attention-mask TENSOR]
    [--precision f32|f64] [--threads N] [--memory-budget SIZE])";

void addThreadsOption(QCommandLineParser &p)
{
    addValueOption(p, "threads", "Threads to compute with (default: every core); the results do not depend on it.", "N");
}

Status applyThreadsOption(const QCommandLineParser &p)
{
    auto n = integerOption(p, "threads", 0, 1, 256);
    if (!n)
        return n.error();
    setThreadCount(int(n.value()));
    return okStatus();
}

void addAttentionInputOptions(QCommandLineParser &p, bool layerAndBudget)
{
    addValueOption(p, "q", "Queries [Tq, d], [H, Tq, d] or [B, H, Tq, d].", "TENSOR");
    addValueOption(p, "k", "Keys, shaped like Q with Tk rows.", "TENSOR");
    addValueOption(p, "v", "Values, shaped like K with d_v columns.", "TENSOR");
    addValueOption(p, "x", "The queries' sequence [Tq, d_model]; Q = X·Wq.", "TENSOR");
    addValueOption(p, "wq", "Query projection [d_model, d_k].", "TENSOR");
    addValueOption(p, "wk", "Key projection [d_model, d_k].", "TENSOR");
    addValueOption(p, "wv", "Value projection [d_model, d_v].", "TENSOR");
    addValueOption(p, "context", "The keys' sequence C [Tk, d_model] for cross-attention (default: X).", "TENSOR");
    addValueOption(p, "heads", "Split 2-D inputs into N heads of d/N columns (as nn.MultiheadAttention).", "N");
    addValueOption(p, "batch", "The batch item of 4-D inputs and of masks with a batch axis (default 0); not for a "
                   "bundle's q, k, v (--layer).", "B");
    if (layerAndBudget)
        addValueOption(p, "layer", "The layer of a bundle's q, k and v (a file holding attentions; 0-based, default the last).",
                       "L");
    addValueOption(p, "scale", "sqrt = 1/√d_k (default), dim = 1/d_k, none, or a multiplier.", "MODE");
    addValueOption(p, "mask", "causal (top-left aligned), or a TENSOR [Tq, Tk], [H, Tq, Tk] or [B, H, Tq, Tk] "
                  "(bool/int: non-zero = may attend; float: added to the scores).", "MASK");
    addValueOption(p, "key-padding", "[Tk] or [B, Tk]; bool/int: non-zero = padding, never attended; float: added to the scores.",
          "TENSOR");
    addValueOption(p, "attention-mask", "[Tk] or [B, Tk], Hugging Face's attention_mask: 1 = keep, 0 = padding (bool/int).", "TENSOR");
    addValueOption(p, "precision", "f32 (default) or f64, for the computation and the outputs.", "P");
    if (layerAndBudget)
        addValueOption(p, "memory-budget", "Refuse work needing more memory than this (default: half of physical memory), e.g. 4G.", "SIZE");
    addThreadsOption(p);
}

namespace {

/// --q, --k and --v: from a bundle (a file holding `attentions`) one layer, picked by --layer, its
/// [L, H, T, d] never taken for [B, H, T, d]; from any other file the tensor as it is, a leading
/// fourth axis being a batch (--batch).
Status readQkvOptions(const QCommandLineParser &p, AttentionRequest &req)
{
    const auto bad = [](const std::string &message) { return makeError(Error::Code::BadArgument, message); };
    std::optional<std::int64_t> layer;
    if (p.isSet("layer")) {
        auto l = integerOption(p, "layer", 0, 0, std::numeric_limits<std::int32_t>::max());
        if (!l)
            return l.error();
        layer = l.value();
    }
    bool anyBundle = false;
    std::string plainFile;
    for (auto [name, slot] : {std::pair{"q", &req.q}, {"k", &req.k}, {"v", &req.v}}) {
        const QString spec = p.value(QString::fromLatin1(name));
        if (!p.isSet(QString::fromLatin1(name)) || spec.isEmpty() ||
            !isBundleFile(splitTensorSpec(spec.toStdString()).first)) {
            if (p.isSet(QString::fromLatin1(name)))
                plainFile = spec.toStdString();
            auto t = optionalTensor(p, QString::fromLatin1(name));
            if (!t)
                return withBudgetHint(t.error());
            *slot = std::move(t.value());
            continue;
        }
        if (p.isSet("batch"))
            return bad("--batch: " + spec.toStdString() + " is a bundle, whose q, k and v are [L, H, T, d]: pick the layer "
                                                          "with --layer L (0-based, default the last)");
        auto t = readBundleLayer(spec.toStdString(), layer);
        if (!t)
            return withBudgetHint(t.error());
        warnAll(t->warnings);
        *slot = std::move(t.value());
        anyBundle = true;
    }
    if (layer && !anyBundle)
        return bad("--layer picks the layer of a bundle's q, k and v (a file holding attentions)" +
                   (plainFile.empty() ? std::string() : ", and " + plainFile + " is not one") +
                   "; the first of four axes of any other tensor is a batch: --batch B");
    return okStatus();
}

} // namespace

Result<AttentionInputOptions> readAttentionInputOptions(const QCommandLineParser &p)
{
    const auto bad = [](const std::string &message) { return makeError(Error::Code::BadArgument, message); };
    AttentionInputOptions out;
    if (auto st = applyThreadsOption(p); !st)
        return st.error();
    auto scale = ScaleSpec::parse(p.isSet("scale") ? p.value("scale").toStdString() : "sqrt");
    if (!scale)
        return scale.error();
    out.options.scale = scale.value();
    if (p.isSet("memory-budget")) {
        auto budget = parseByteSize(p.value("memory-budget").toStdString());
        if (!budget)
            return bad("--memory-budget: " + budget.error().message);
        out.options.memoryBudget = budget.value();
        setMemoryBudget(budget.value()); // the inputs read below count against it too
    }
    const QString precision = p.isSet("precision") ? p.value("precision") : QStringLiteral("f32");
    if (precision != "f32" && precision != "f64")
        return bad("--precision: '" + precision.toStdString() + "' is not f32 or f64");
    out.f64 = precision == "f64";

    AttentionRequest &req = out.request;
    auto heads = integerOption(p, "heads", 0, 1, 1 << 20);
    if (!heads)
        return heads.error();
    req.heads = int(heads.value());
    auto batchIndex = integerOption(p, "batch", 0, 0, std::numeric_limits<std::int32_t>::max());
    if (!batchIndex)
        return batchIndex.error();
    req.batch = batchIndex.value();
    if (auto st = readQkvOptions(p, req); !st)
        return st.error();
    for (auto [name, slot] : {std::pair{"x", &req.x}, {"wq", &req.wq},
                              {"wk", &req.wk}, {"wv", &req.wv}, {"context", &req.context}, {"key-padding", &req.keyPadding},
                              {"attention-mask", &req.attentionMask}}) {
        auto t = optionalTensor(p, QString::fromLatin1(name));
        if (!t)
            return withBudgetHint(t.error());
        *slot = std::move(t.value());
    }
    if (req.context && !req.x)
        return bad("--context goes with --x (and --wq, --wk, --wv)");
    // --mask may be given twice, as causal and a TENSOR: the masks combine.
    for (const QString &mask : p.values("mask")) {
        if (mask == "causal") {
            req.causal = true;
            continue;
        }
        if (req.mask)
            return bad("--mask: at most one mask TENSOR (it may be combined with --mask causal)");
        auto t = readTensor(mask.toStdString());
        if (!t)
            return withBudgetHint(t.error());
        warnAll(t->warnings);
        req.mask = std::move(t.value());
    }
    return out;
}

} // namespace attnscope::cli
