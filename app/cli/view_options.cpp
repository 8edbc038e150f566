#include "view_options.h"

#include <algorithm>

#include "token_list.h"

namespace attnscope::cli {

Result<ViewOptions> readViewOptions(const QCommandLineParser &p, ViewRequest::Mode defaultMode)
{
    const auto bad = [](const std::string &m) { return makeError(Error::Code::BadArgument, m); };
    ViewOptions o;
    ViewRequest &r = o.request;
    r.mode = defaultMode;
    o.fuseGiven = p.isSet("fuse");
    if (o.fuseGiven) {
        auto f = parseFusion(p.value("fuse").toStdString());
        if (!f)
            return bad("--fuse: " + f.error().message);
        r.fusion = f.value();
        r.mode = ViewRequest::Mode::FuseHeads;
    }
    if (p.isSet("rollout"))
        r.mode = ViewRequest::Mode::Rollout;
    if (p.isSet("discard-ratio")) {
        if (r.mode != ViewRequest::Mode::Rollout)
            return bad("--discard-ratio goes with --rollout");
        bool ok = false;
        r.discardRatio = p.value("discard-ratio").toDouble(&ok);
        if (!ok || !(r.discardRatio >= 0.0 && r.discardRatio < 1.0)) // also refuses NaN
            return bad("--discard-ratio: '" + p.value("discard-ratio").toStdString() + "' is not a number in [0, 1)");
    }
    r.mergeSubwords = p.isSet("merge-subwords");
    r.renormalize = p.isSet("renormalize");
    r.hideRows = p.isSet("hide-rows");
    o.hideLists = p.values("hide-tokens");
    if (r.hideRows && o.hideLists.isEmpty())
        return bad("--hide-rows goes with --hide-tokens LIST (the tokens whose rows and columns are hidden)");
    return o;
}

Result<std::vector<int>> hiddenKeys(const ViewOptions &o, const AttentionBundle &b)
{
    std::vector<int> out;
    for (const QString &list : o.hideLists) {
        auto keys = resolveTokenList(list.toStdString(), b.keyTokens, b.keys());
        if (!keys)
            return makeError(Error::Code::BadArgument, "--hide-tokens: " + keys.error().message);
        out.insert(out.end(), keys->begin(), keys->end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace attnscope::cli
