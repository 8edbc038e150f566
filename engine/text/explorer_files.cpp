#include "explorer_files.h"

#include <QFileInfo>

#include "attention_request.h"
#include "bundle.h"
#include "tensor_file.h"
#include "text.h"

namespace attnscope {
namespace {

std::vector<std::string> indexLabels(Eigen::Index n)
{
    std::vector<std::string> out;
    for (Eigen::Index i = 0; i < n; ++i)
        out.push_back(std::to_string(i));
    return out;
}

bool isTextFile(const std::string &path)
{
    const QString suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower();
    return !(suffix == "npy" || suffix == "npz" || suffix == "safetensors" || suffix == "csv" || suffix == "tsv");
}

Result<ExplorerFile> fromBundle(const std::string &path, int layer)
{
    auto b = readAttentionBundle(path);
    if (!b)
        return b.error();
    auto setup = setupFromBundle(*b, layer);
    if (!setup)
        return setup.error();
    return ExplorerFile{std::make_shared<const ExplorerSetup>(std::move(setup.value())), {}};
}

} // namespace

Result<ExplorerSetup> setupFromRequest(const AttentionRequest &req, std::vector<std::string> queryTokens,
                                       std::vector<std::string> keyTokens)
{
    auto prepared = prepareAttention<double>(req);
    if (!prepared)
        return prepared.error();
    ExplorerSetup s;
    s.inputs = std::move(prepared->inputs);
    const auto tq = s.inputs.q[0].rows(), tk = s.inputs.k[0].rows();
    if (req.x) {
        s.x = req.x->tensor.matrix<double>();
        s.c = req.context ? req.context->tensor.matrix<double>() : s.x;
        s.wq = req.wq->tensor.matrix<double>();
        s.wk = req.wk->tensor.matrix<double>();
        s.wv = req.wv->tensor.matrix<double>();
        s.crossAttention = bool(req.context);
    } else {
        s.crossAttention = tq != tk;
    }
    if (!queryTokens.empty() && Eigen::Index(queryTokens.size()) != tq)
        return makeError(Error::Code::BadShape, "there are " + std::to_string(queryTokens.size()) + " query tokens but " +
                                                    std::to_string(tq) + " queries");
    if (!keyTokens.empty() && Eigen::Index(keyTokens.size()) != tk)
        return makeError(Error::Code::BadShape, "there are " + std::to_string(keyTokens.size()) + " key tokens but " +
                                                    std::to_string(tk) + " keys");
    if (keyTokens.empty() && tq == tk)
        keyTokens = queryTokens;
    s.queryTokens = queryTokens.empty() ? indexLabels(tq) : std::move(queryTokens);
    s.keyTokens = keyTokens.empty() ? indexLabels(tk) : std::move(keyTokens);
    return s;
}

Result<ExplorerSetup> setupFromBundle(const AttentionBundle &b, int layer)
{
    if (!b.hasQkv())
        return makeError(Error::Code::Unsupported,
                         b.path + ": holds attention weights but no q, k and v to recompute the stages from");
    const std::int64_t l = layer < 0 ? b.layers() - 1 : layer;
    if (l >= b.layers())
        return makeError(Error::Code::BadArgument, b.path + ": has " + std::to_string(b.layers()) + " layers, not " +
                                                       std::to_string(l + 1));
    AttentionRequest req;
    for (auto [slot, layers, name] : {std::tuple{&req.q, &b.q, "q"}, {&req.k, &b.k, "k"}, {&req.v, &b.v, "v"}})
        *slot = NamedTensor{b.path + ":" + name, (*layers)[std::size_t(l)]};
    auto setup = setupFromRequest(req, b.tokens, b.keyTokens);
    if (!setup)
        return setup.error();
    // Whether the model masked causally is the bundle's to say (layerIsCausal), not the request's.
    setup->inputs.mask.causal = layerIsCausal(b, l);
    if (b.slidingWindow > 0 && b.queries() == b.keys()) { // Mistral: keys i − w + 1 … i only
        BoolMat allowed = BoolMat::Constant(b.queries(), b.keys(), true);
        for (Eigen::Index i = 0; i < allowed.rows(); ++i)
            for (Eigen::Index j = 0; j <= i - b.slidingWindow; ++j)
                allowed(i, j) = false;
        setup->inputs.mask.allowed = {std::move(allowed)};
    }
    if (b.inputs)
        setup->x = b.inputs->matrix<double>(l);
    setup->model = b.model;
    setup->layer = int(l);
    return setup;
}

Result<ExplorerFile> openExplorerFile(const std::string &path, int layer)
{
    if (isTextFile(path)) {
        auto tokens = readTokenFile(path, TokenMode::Auto);
        if (!tokens)
            return tokens.error();
        std::string sentence;
        for (const auto &t : *tokens)
            sentence += (sentence.empty() ? "" : " ") + t;
        return ExplorerFile{nullptr, sentence};
    }
    auto file = openTensorFile(path);
    if (!file)
        return file.error();
    TensorFile &f = **file;
    if (f.has("attentions"))
        return fromBundle(path, layer);
    auto roles = readTensorFileRoles(f, path);
    if (!roles)
        return roles.error();
    const AttentionRequest &req = roles->request;
    if (!(req.q && req.k && req.v) && !(req.x && req.wq && req.wk && req.wv))
        return makeError(Error::Code::BadArgument,
                         path + ": the window needs arrays named q, k and v (or x, wq, wk and wv); open several files "
                                "named after their roles with File → Open Q/K/V");
    auto setup = setupFromRequest(req, std::move(roles->tokens), std::move(roles->keyTokens));
    if (!setup)
        return setup.error();
    return ExplorerFile{std::make_shared<const ExplorerSetup>(std::move(setup.value())), {}};
}

Result<RoleInputs> readTensorFileRoles(TensorFile &f, const std::string &path)
{
    RoleInputs out;
    AttentionRequest &req = out.request;
    for (auto [slot, name] : {std::pair{&req.q, "q"}, {&req.k, "k"}, {&req.v, "v"}, {&req.x, "x"}, {&req.wq, "wq"},
                              {&req.wk, "wk"}, {&req.wv, "wv"}, {&req.context, "context"}}) {
        if (!f.has(name))
            continue;
        auto t = f.read(name);
        if (!t)
            return t.error();
        *slot = NamedTensor{path + ":" + name, std::move(t.value())};
    }
    for (auto [slot, name] : {std::pair{&out.tokens, "tokens"}, {&out.keyTokens, "key_tokens"}}) {
        if (!f.has(name))
            continue;
        auto t = f.readStrings(name);
        if (!t)
            return t.error();
        *slot = std::move(t.value());
    }
    return out;
}

std::string fileRole(const std::string &path)
{
    const std::string role = QFileInfo(QString::fromStdString(path)).completeBaseName().toLower().toStdString();
    return role == "c" ? "context" : role == "padding" ? "key_padding" : role;
}

Result<RoleInputs> readRoleFiles(const std::vector<std::string> &paths)
{
    RoleInputs out;
    AttentionRequest &req = out.request;
    for (const auto &path : paths) {
        const std::string role = fileRole(path);
        if (role == "tokens" || role == "key_tokens") {
            auto t = readTokenFile(path, TokenMode::OneTokenPerLine);
            if (!t)
                return t.error();
            (role == "tokens" ? out.tokens : out.keyTokens) = std::move(t.value());
            continue;
        }
        std::optional<NamedTensor> *slot = nullptr;
        if (role == "q") slot = &req.q;
        else if (role == "k") slot = &req.k;
        else if (role == "v") slot = &req.v;
        else if (role == "x") slot = &req.x;
        else if (role == "wq") slot = &req.wq;
        else if (role == "wk") slot = &req.wk;
        else if (role == "wv") slot = &req.wv;
        else if (role == "context") slot = &req.context;
        else if (role == "mask") slot = &req.mask;
        else if (role == "key_padding") slot = &req.keyPadding;
        else
            return makeError(Error::Code::BadArgument,
                             path + ": name the files after their roles: q, k, v (or x, wq, wk, wv, context), "
                                    "mask, key_padding, tokens, key_tokens");
        auto t = readTensor(path);
        if (!t)
            return t.error();
        *slot = std::move(t.value());
    }
    return out;
}

Result<ExplorerSetup> setupFromRoleFiles(const std::vector<std::string> &paths)
{
    auto roles = readRoleFiles(paths);
    if (!roles)
        return roles.error();
    const AttentionRequest &req = roles->request;
    if (!(req.q && req.k && req.v) && !(req.x && req.wq && req.wk && req.wv))
        return makeError(Error::Code::BadArgument, "open q, k and v together (or x, wq, wk and wv)");
    return setupFromRequest(req, std::move(roles->tokens), std::move(roles->keyTokens));
}

} // namespace attnscope
