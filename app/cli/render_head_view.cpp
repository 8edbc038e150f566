// attnscope-cli render --view head: BertViz's head view of one layer of a bundle, drawn by the
// window's paint function (widgets/head_view.h) into PNG, SVG or PDF with the tokens as text.

#include "render_head_view.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>

#include "bundle.h"
#include "cli_common.h"
#include "head_view.h"
#include "heatmap_export.h"
#include "text.h"

namespace attnscope::cli {
namespace {

Error bad(const std::string &message)
{
    return makeError(Error::Code::BadArgument, message);
}

/// The options that do not go with --view head, or the first one given.
Status checkOptions(const QCommandLineParser &p)
{
    const QString view = p.value("view");
    if (view != QLatin1String("head"))
        return bad("--view: '" + view.toStdString() + "' is not head");
    for (const char *name : {"bare", "image", "head", "grid", "normalize", "colormap", "tokens", "key-tokens", "fuse", "rollout",
                             "discard-ratio", "merge-subwords", "hide-tokens", "hide-rows", "renormalize"})
        if (p.isSet(name))
            return bad(std::string("--") + name + " does not go with --view head");
    if (p.value("weights").isEmpty())
        return bad("--weights BUNDLE is required");
    if (p.value("out").isEmpty())
        return bad("--out FILE is required (.png, .svg or .pdf)");
    if (!exportFormatForPath(p.value("out")))
        return bad("--out: '" + p.value("out").toStdString() + "' must end in .png, .svg or .pdf");
    return okStatus();
}

/// Labels from the bundle's tokens, or the indices as text.
QStringList labels(const std::vector<std::string> &tokens, std::int64_t count)
{
    if (std::int64_t(tokens.size()) == count)
        return toQStringList(tokens);
    QStringList out;
    for (std::int64_t i = 0; i < count; ++i)
        out << QString::number(i);
    return out;
}

/// --width / --height when given.
Result<std::optional<int>> sideOption(const QCommandLineParser &p, const char *name)
{
    if (!p.isSet(name))
        return std::optional<int>();
    auto v = integerOption(p, name, 0, 1, kMaxExportSide);
    if (!v)
        return v.error();
    return std::optional<int>(int(v.value()));
}

/// The layer (default the last) and the query (-1: every one) of `b`, checked.
Result<std::pair<long long, long long>> layerAndQuery(const QCommandLineParser &p, const AttentionBundle &b)
{
    const std::string what = p.value("weights").toStdString();
    const auto index = [&](const char *name, long long fallback) -> Result<long long> {
        return p.isSet(name) ? integerOption(p, name, 0, 0, std::numeric_limits<std::int32_t>::max())
                             : Result<long long>(fallback);
    };
    auto layer = index("layer", b.layers() - 1);
    if (!layer)
        return layer.error();
    auto query = index("query", -1);
    if (!query)
        return query.error();
    if (*layer >= b.layers())
        return bad("--layer " + std::to_string(*layer) + " is out of range: " + what + " has " +
                   std::to_string(b.layers()) + " layer(s) (0.." + std::to_string(b.layers() - 1) + ")");
    if (*query >= b.queries())
        return bad("--query " + std::to_string(*query) + " is out of range: " + what + " has " +
                   std::to_string(b.queries()) + " queries (0.." + std::to_string(b.queries() - 1) + ")");
    return std::pair{*layer, *query};
}

/// Every head of `layer`, labelled with the bundle's tokens.
HeadViewContent layerContent(const QCommandLineParser &p, const AttentionBundle &b, long long layer)
{
    HeadViewContent c;
    c.queryLabels = labels(b.tokens, b.queries());
    c.keyLabels = labels(b.keyTokens, b.keys());
    for (std::int64_t h = 0; h < b.heads(); ++h)
        c.heads.push_back(std::make_shared<const Mat<double>>(b.attentions.matrix<double>(layer * b.heads() + h)));
    c.title = p.isSet("title") ? p.value("title")
                               : QStringLiteral("%1 — layer %2, %3 heads")
                                     .arg(QFileInfo(p.value("weights")).fileName())
                                     .arg(layer)
                                     .arg(b.heads());
    return c;
}

} // namespace

int renderHeadView(const QCommandLineParser &p)
{
    if (auto st = checkOptions(p); !st)
        return fail(st.error());
    auto width = sideOption(p, "width"), height = sideOption(p, "height");
    if (!width || !height)
        return fail(!width ? width.error() : height.error());
    const QString weights = p.value("weights"), out = p.value("out");
    auto read = readAttentionBundle(weights.toStdString());
    if (!read)
        return fail(read.error());
    const AttentionBundle &b = *read;
    if (b.layers() == 0 || b.heads() == 0 || b.queries() == 0 || b.keys() == 0)
        return fail(weights.toStdString() + ": the attention " + shapeToString(b.attentions.shape) + " is empty");
    auto lq = layerAndQuery(p, b);
    if (!lq)
        return fail(lq.error());
    const auto [layer, query] = *lq;
    const HeadViewContent c = layerContent(p, b, layer);
    HeadViewState s;
    s.query = int(query);
    const QSize natural = headViewNaturalSize(c);
    const QSize size(width->value_or(natural.width()), height->value_or(natural.height()));
    if (auto st = exportHeadView(c, s, out, size); !st)
        return fail(st.error());
    std::printf("render: head view of layer %lld, %lld heads, %zu links >= %g%s, %d × %d -> %s\n", layer,
                static_cast<long long>(b.heads()), headViewLinks(c, s).size(), s.threshold,
                query >= 0 ? (" from query " + std::to_string(query)).c_str() : "", size.width(), size.height(),
                out.toUtf8().constData());
    return kExitOk;
}

} // namespace attnscope::cli
