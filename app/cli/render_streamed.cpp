#include "render_streamed.h"

#include <QCommandLineParser>

#include <cstdio>
#include <limits>

#include "attention_options.h"
#include "attention_overview.h"
#include "cli_common.h"
#include "heatmap_export.h"
#include "parallel.h"

namespace attnscope::cli {
namespace {

Error bad(const std::string &message) { return makeError(Error::Code::BadArgument, message); }

/// The options that need a stored matrix, tokens or a picture with labels.
Status checkOptions(const QCommandLineParser &p)
{
    if (!p.isSet("bare"))
        return bad("--q and --k draw the weights without storing them, as cells only: add --bare (or draw a weights file "
                   "with --weights)");
    if (p.isSet("weights"))
        return bad("give --weights or --q/--k (or --x), not both");
    if (p.isSet("normalize") && p.value("normalize") != QLatin1String("global"))
        return bad("--normalize: with --q/--k only global (the min..max over every weight, tracked as they are "
                   "computed); row and log need the stored weights (--weights)");
    for (const char *name : {"fuse", "rollout", "discard-ratio", "merge-subwords", "hide-tokens", "hide-rows",
                             "renormalize", "tokens", "key-tokens", "view", "image", "query", "grid", "title"})
        if (p.isSet(name))
            return bad(std::string("--") + name + " does not go with --q/--k (they draw one head's weights, bare)");
    if (p.isSet("v") || p.isSet("wv"))
        warn("--v and --wv are not needed for the weights; ignored");
    return okStatus();
}

template <class S>
int run(const QCommandLineParser &p, AttentionInputOptions &inputs, bool mean, ColormapId map, const QString &out)
{
    inputs.request.v.reset();
    inputs.request.wv.reset();
    inputs.request.valuesOptional = true;
    auto prepared = prepareAttention<S>(inputs.request);
    if (!prepared)
        return fail(prepared.error());
    warnAll(prepared->warnings);
    const auto heads = std::int64_t(prepared->inputs.q.size());
    auto head = integerOption(p, "head", 0, 0, std::numeric_limits<std::int32_t>::max());
    if (!head)
        return fail(head.error());
    if (head.value() >= heads)
        return fail(bad("--head " + std::to_string(head.value()) + " is out of range: the queries have " +
                        std::to_string(heads) + " head(s) (0.." + std::to_string(heads - 1) + ")"));
    const AttentionInputs<S> one = singleHead(prepared->inputs, std::size_t(head.value()));
    const std::int64_t tq = one.q[0].rows(), tk = one.k[0].rows();
    OverviewOptions opt;
    opt.scale = inputs.options.scale;
    opt.memoryBudget = inputs.options.memoryBudget;
    for (auto [name, slot, cells] : {std::tuple{"width", &opt.width, tk}, {"height", &opt.height, tq}}) {
        auto v = integerOption(p, name, bareSide(cells), 1, kMaxExportSide);
        if (!v)
            return fail(v.error());
        *slot = int(v.value());
    }
    auto ov = computeOverview(one, opt);
    if (!ov)
        return fail(withBudgetHint(ov.error()));
    warnAll(ov->warnings);
    const HeadOverview<S> &h = ov->heads.front();
    const Mat<double> bins = binValues(h.binMax, h.binSum, ov->rows, ov->cols, mean);
    const QImage picture = renderBinned(bins, ov->rows, ov->cols, h.lo, h.hi, map);
    if (auto st = writeImage(picture, out); !st)
        return fail(st.error());
    std::printf("render: [%lld, %lld] head %lld, streamed (%s of each pixel's weights, %d thread(s)), %d × %d -> %s\n",
                static_cast<long long>(tq), static_cast<long long>(tk), head.value(), mean ? "mean" : "max", threadCount(),
                opt.width, opt.height, out.toUtf8().constData());
    return kExitOk;
}

} // namespace

int bareSide(std::int64_t cells)
{
    if (cells < 64)
        return int(cells * ((64 + cells - 1) / cells));
    return int(std::min<std::int64_t>(cells, 4096));
}

Result<bool> reduceIsMean(const QCommandLineParser &p)
{
    const QString reduce = p.isSet("reduce") ? p.value("reduce") : QStringLiteral("max");
    if (reduce != QLatin1String("max") && reduce != QLatin1String("mean"))
        return bad("--reduce: '" + reduce.toStdString() + "' is not max or mean");
    return reduce == QLatin1String("mean");
}

bool wantsStreamed(const QCommandLineParser &p)
{
    return p.isSet("q") || p.isSet("k") || p.isSet("x");
}

int renderStreamed(const QCommandLineParser &p)
{
    if (auto st = checkOptions(p); !st)
        return fail(st.error());
    const QString out = p.value("out");
    if (out.isEmpty())
        return fail(bad("--out FILE.png is required"));
    if (exportFormatForPath(out) != ExportFormat::Png)
        return fail(bad("--out: the streamed --bare picture is written as PNG only, not '" + out.toStdString() + "'"));
    const auto mean = reduceIsMean(p);
    if (!mean)
        return fail(mean.error());
    auto map = colormapOption(p, ColormapId::Viridis);
    if (!map)
        return fail(map.error());
    auto inputs = readAttentionInputOptions(p);
    if (!inputs)
        return fail(inputs.error());
    return inputs->f64 ? run<double>(p, *inputs, *mean, *map, out) : run<float>(p, *inputs, *mean, *map, out);
}

} // namespace attnscope::cli
