#include "long_input.h"

#include <QElapsedTimer>
#include <QDir>
#include <QFileInfo>

#include <algorithm>

#include "attention_request.h"
#include "explorer_files.h"
#include "parallel.h"
#include "tensor_file.h"
#include "window_memory.h"

namespace attnscope {
namespace {

Error bad(const std::string &message) { return makeError(Error::Code::BadArgument, message); }

/// `in` in double: exact for float32 inputs, so the cell panel explains the very numbers the
/// overview used.
AttentionInputs<double> toDouble(const AttentionInputs<float> &in)
{
    AttentionInputs<double> out;
    for (const auto &m : in.q)
        out.q.push_back(m.cast<double>());
    for (const auto &m : in.k)
        out.k.push_back(m.cast<double>());
    for (const auto &m : in.v)
        out.v.push_back(m.cast<double>());
    out.mask.causal = in.mask.causal;
    out.mask.allowed = in.mask.allowed;
    for (const auto &m : in.mask.additive)
        out.mask.additive.push_back(m.cast<double>());
    out.mask.keyPadding = in.mask.keyPadding;
    out.mask.keyAdditive.assign(in.mask.keyAdditive.begin(), in.mask.keyAdditive.end());
    return out;
}

} // namespace

Result<std::shared_ptr<const LongInput>> openLongInput(const QStringList &paths, int layer)
{
    if (paths.isEmpty())
        return bad("no files to open");
    auto input = std::make_shared<LongInput>();
    input->paths = paths;
    RoleInputs roles;
    bool bundle = false;
    const std::string first = paths.first().toStdString();
    const std::string role = fileRole(first);
    if (paths.size() == 1 && role != "q" && role != "x") { // one file with members
        auto file = openTensorFile(first);
        if (!file)
            return file.error();
        auto read = readTensorFileRoles(**file, first);
        if (!read)
            return read.error();
        roles = std::move(read.value());
        bundle = (*file)->has("attentions");
        input->name = QFileInfo(paths.first()).fileName();
    } else {
        std::vector<std::string> files;
        for (const QString &p : paths)
            files.push_back(p.toStdString());
        auto read = readRoleFiles(files);
        if (!read)
            return read.error();
        roles = std::move(read.value());
        input->name = QFileInfo(paths.first()).absoluteDir().dirName();
    }
    AttentionRequest &req = roles.request;
    if (!(req.q && req.k) && !(req.x && req.wq && req.wk))
        return bad(paths.size() == 1 ? first + ": the Long input tab needs arrays named q and k (or x, wq and wk)"
                                     : std::string("open q and k together (or x, wq and wk); v is not needed"));
    req.v.reset(); // only the weights are shown
    req.wv.reset();
    req.valuesOptional = true;
    if (bundle && req.q && req.q->tensor.shape.size() == 4) { // a bundle's q/k are [L, H, T, d]
        input->layers = int(req.q->tensor.shape[0]);
        if (layer >= input->layers)
            return bad(first + ": has " + std::to_string(input->layers) + " layers, not " + std::to_string(layer + 1));
        input->layer = layer < 0 ? input->layers - 1 : layer;
        req.batch = input->layer;
    }
    auto prepared = prepareAttention<float>(req);
    if (!prepared)
        return prepared.error();
    input->inputs = std::move(prepared->inputs);
    input->warnings = std::move(prepared->warnings);
    const auto tq = input->queries(), tk = input->keys();
    if (!roles.tokens.empty() && std::int64_t(roles.tokens.size()) != tq)
        return makeError(Error::Code::BadShape, "there are " + std::to_string(roles.tokens.size()) + " query tokens but " +
                                                    std::to_string(tq) + " queries");
    if (!roles.keyTokens.empty() && std::int64_t(roles.keyTokens.size()) != tk)
        return makeError(Error::Code::BadShape, "there are " + std::to_string(roles.keyTokens.size()) + " key tokens but " +
                                                    std::to_string(tk) + " keys");
    if (roles.keyTokens.empty() && tq == tk)
        roles.keyTokens = roles.tokens;
    input->queryTokens = std::move(roles.tokens);
    input->keyTokens = std::move(roles.keyTokens);
    return std::shared_ptr<const LongInput>(std::move(input));
}

double LongView::weight(std::int64_t row, std::int64_t col) const
{
    return overviewTile(head, options, stats(), 0, row, row + 1, col, col + 1)(0, 0);
}

Result<std::shared_ptr<const LongView>> computeLongView(std::shared_ptr<const LongInput> input, const LongParams &params,
                                                        const std::atomic<bool> *cancel)
{
    QElapsedTimer clock;
    clock.start();
    auto view = std::make_shared<LongView>();
    view->params = params;
    view->params.head = std::clamp(params.head, 0, input->heads() - 1);
    view->head = singleHead(input->inputs, std::size_t(view->params.head));
    view->head.mask.causal = view->head.mask.causal || params.causal;
    view->options.scale.mode = params.scale;
    view->options.width = int(std::min<std::int64_t>(input->keys(), kStreamedOverviewSide));
    view->options.height = int(std::min<std::int64_t>(input->queries(), kStreamedOverviewSide));
    view->options.columnSums = view->options.entropy = true;
    OverviewOptions run = view->options;
    run.cancel = cancel;
    auto overview = computeOverview(view->head, run);
    if (!overview)
        return overview.error();
    view->overview = std::move(overview.value());
    view->cellSetup.inputs = toDouble(view->head);
    view->cellSetup.crossAttention = input->queries() != input->keys();
    view->input = std::move(input);
    view->threads = threadCount();
    view->computeMs = double(clock.nsecsElapsed()) / 1e6;
    return std::shared_ptr<const LongView>(std::move(view));
}

} // namespace attnscope
