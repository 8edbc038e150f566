#include "bundle.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "tensor_file.h"

namespace attnscope {
namespace {

Error bundleError(const std::string &path, const std::string &problem)
{
    return makeError(Error::Code::BadShape, path + ": " + problem);
}

/// A grid dimension: a whole number in 1 … 4096. A float grid's NaN or 2.5 is refused, never cast
/// to int (NaN would be undefined behaviour, 2.5 a silently different grid).
bool isGridSize(double x) { return x >= 1 && x <= 4096 && x == std::floor(x); }

std::string formatNumber(double x)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

Status readTokens(TensorFile &file, const char *name, std::int64_t expected, std::vector<std::string> &out)
{
    bool present = file.has(name);
    for (const auto &entry : file.info().metadata) // a safetensors entry that is not a JSON list is refused below
        present = present || entry.first == name;
    if (!present)
        return okStatus();
    auto tokens = file.readStrings(name);
    if (!tokens)
        return tokens.error();
    if (std::int64_t(tokens->size()) != expected)
        return bundleError(file.info().path, std::string(name) + " has " + std::to_string(tokens->size()) +
                                                 " entries but the attention has " + std::to_string(expected));
    out = std::move(tokens.value());
    return okStatus();
}

/// image_grid, when present: [rows, cols] that fit the keys, with or without a leading [CLS].
Status readImageGrid(TensorFile &file, const std::string &path, AttentionBundle &b)
{
    if (!file.has("image_grid"))
        return okStatus();
    auto g = file.read("image_grid");
    if (!g)
        return g.error();
    if (g->numel() != 2)
        return bundleError(path, "image_grid must hold two positive numbers [rows, cols], not " +
                                     std::to_string(g->numel()) + " values");
    if (!isGridSize(g->at(0)) || !isGridSize(g->at(1)))
        return bundleError(path, "image_grid must hold two positive numbers [rows, cols], whole and at most 4096, not [" +
                                     formatNumber(g->at(0)) + ", " + formatNumber(g->at(1)) + "]");
    b.gridRows = int(g->at(0));
    b.gridCols = int(g->at(1));
    const std::int64_t cells = std::int64_t(b.gridRows) * b.gridCols;
    if (b.keys() == cells + 1)
        b.leadingClsKey = true;
    else if (b.keys() != cells)
        return bundleError(path, "image_grid " + std::to_string(b.gridRows) + "×" + std::to_string(b.gridCols) +
                                     " does not fit " + std::to_string(b.keys()) +
                                     " keys (rows·cols, or rows·cols + 1 with [CLS])");
    return okStatus();
}

/// `causal`, when present: a metadata entry "true"/"false" or a scalar array.
Status readCausal(TensorFile &file, const std::string &path, AttentionBundle &b)
{
    for (const auto &[key, value] : file.info().metadata) {
        if (key != "causal")
            continue;
        if (value != "true" && value != "false")
            return bundleError(path, "the metadata causal must be \"true\" or \"false\", not \"" + value + "\"");
        b.causal = value == "true";
    }
    if (!file.has("causal"))
        return okStatus();
    auto t = file.read("causal");
    if (!t)
        return t.error();
    if (t->numel() != 1 || std::isnan(t->at(0)))
        return bundleError(path, "causal must be one number (0 or 1), not " + shapeToString(t->shape));
    b.causal = t->at(0) != 0;
    return okStatus();
}

/// What a model adds: `x` [L, Tq, d], `input_ids` [Tq], the metadata `model` and `sliding_window`.
Status readModelParts(TensorFile &file, const std::string &path, AttentionBundle &b)
{
    if (file.has("x")) {
        auto t = file.read("x");
        if (!t)
            return t.error();
        if (t->rank() != 3 || t->shape[0] != b.layers() || t->shape[1] != b.queries())
            return bundleError(path, "x must be [L, T, d] with L = " + std::to_string(b.layers()) + " and T = " +
                                         std::to_string(b.queries()) + ", not " + shapeToString(t->shape));
        b.inputs = std::move(t.value());
    }
    if (file.has("input_ids")) {
        auto t = file.read("input_ids");
        if (!t)
            return t.error();
        if (t->rank() != 1 || t->numel() != b.queries() || dtypeIsFloat(t->dtype))
            return bundleError(path, "input_ids must be integers [T] with T = " + std::to_string(b.queries()) +
                                         ", not " + dtypeName(t->dtype) + " " + shapeToString(t->shape));
        b.inputIds.resize(std::size_t(t->numel()));
        for (std::int64_t i = 0; i < t->numel(); ++i)
            b.inputIds[std::size_t(i)] = std::int64_t(t->at(i)); // vocabulary ids stay far below 2⁵³
    }
    const auto badWindow = [&](const std::string &value) {
        return bundleError(path, "sliding_window must be a whole number ≥ 0, not " + value);
    };
    for (const auto &[key, value] : file.info().metadata) {
        if (key == "model")
            b.model = value;
        if (key != "sliding_window")
            continue;
        char *end = nullptr;
        const long w = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || w < 0 || w > (1l << 30))
            return badWindow("\"" + value + "\"");
        b.slidingWindow = int(w);
    }
    if (file.has("model")) { // .npz: a one-element string array
        auto names = file.readStrings("model");
        if (names && names->size() == 1)
            b.model = names->front();
    }
    if (file.has("sliding_window")) { // .npz: a scalar
        auto t = file.read("sliding_window");
        if (!t)
            return t.error();
        const double w = t->numel() == 1 ? t->at(0) : -1;
        if (!(w >= 0 && w <= double(1 << 30) && w == std::floor(w)))
            return badWindow(shapeToString(t->shape) + " " + dtypeName(t->dtype));
        b.slidingWindow = int(w);
    }
    return okStatus();
}

/// q, k and v: each either one array [L, H, T, d] or one per layer `q.0` … `q.{L−1}` [H, T, d_l]
/// (head sizes that differ between layers); all three or none; T fits the attention, the key
/// heads divide the query heads, and a layer's q and k share d.
Status readQkv(TensorFile &file, const std::string &path, AttentionBundle &b)
{
    const auto bad = [&](const std::string &problem) { return bundleError(path, problem); };
    const std::int64_t L = b.layers();
    for (auto [slot, key] : {std::pair{&b.q, "q"}, {&b.k, "k"}, {&b.v, "v"}}) {
        const std::string name = key;
        if (file.has(name)) {
            auto t = file.read(name);
            if (!t)
                return t.error();
            if (t->rank() != 4 || t->shape[0] != L)
                return bad(name + " must be [L, H, T, d] with L = " + std::to_string(L) + ", not " + shapeToString(t->shape));
            for (std::int64_t l = 0; l < L; ++l)
                slot->push_back(layerOf(*t, l));
            if (file.has(name + ".0"))
                return bad("holds both " + name + " and " + name + ".0: q, k and v are one array or one per layer, not both");
            continue;
        }
        for (std::int64_t l = 0; file.has(name + "." + std::to_string(l)); ++l) {
            const std::string member = name + "." + std::to_string(l);
            if (l >= L)
                return bad("has " + member + " but the attention has " + std::to_string(L) + " layers (" + name + ".0 … " +
                           name + "." + std::to_string(L - 1) + ")");
            auto t = file.read(member);
            if (!t)
                return t.error();
            if (t->rank() != 3)
                return bad(member + " must be [H, T, d], not " + shapeToString(t->shape));
            slot->push_back(std::move(t.value()));
        }
        if (!slot->empty() && std::int64_t(slot->size()) != L)
            return bad("has " + name + ".0 … " + name + "." + std::to_string(slot->size() - 1) + " but the attention has " +
                       std::to_string(L) + " layers");
    }
    if (b.q.empty() && b.k.empty() && b.v.empty())
        return okStatus();
    if (b.q.empty() || b.k.empty() || b.v.empty())
        return bad("has only some of q, k and v: the stages need all three");
    for (std::int64_t l = 0; l < L; ++l) {
        const Shape &q = b.q[std::size_t(l)].shape, &k = b.k[std::size_t(l)].shape, &v = b.v[std::size_t(l)].shape;
        const std::string at = " (layer " + std::to_string(l) + ": q " + shapeToString(q) + ", k " + shapeToString(k) +
                               ", v " + shapeToString(v) + ")";
        if (q[0] != b.heads() || q[1] != b.queries() || k[1] != b.keys() || v[1] != b.keys())
            return bad("q must be [H = " + std::to_string(b.heads()) + ", Tq = " + std::to_string(b.queries()) +
                       ", d] and k, v [H_kv, Tk = " + std::to_string(b.keys()) + ", d]" + at);
        if (k[0] < 1 || k[0] != v[0] || q[0] % k[0] != 0 || q[2] != k[2] || q[2] < 1)
            return bad("k and v must have the same number of heads, dividing q's, and q and k the same d" + at);
    }
    return okStatus();
}

} // namespace

bool layerIsCausal(const AttentionBundle &b, std::int64_t layer)
{
    if (b.causal)
        return *b.causal;
    if (b.queries() != b.keys() || b.queries() < 2 || layer < 0 || layer >= b.layers())
        return false;
    for (std::int64_t h = 0; h < b.heads(); ++h) {
        const Mat<double> m = b.attentions.matrix<double>(layer * b.heads() + h);
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = i + 1; j < m.cols(); ++j)
                if (m(i, j) != 0)
                    return false;
    }
    return true;
}

bool isBundleFile(const std::string &path)
{
    auto file = openTensorFile(path);
    return file && (*file)->has("attentions");
}

Result<NamedTensor> readBundleLayer(const std::string &spec, std::optional<std::int64_t> layer)
{
    const auto [path, requested] = splitTensorSpec(spec);
    auto opened = openTensorFile(path);
    if (!opened)
        return opened.error();
    TensorFile &file = **opened;
    const auto bad = [&](const std::string &problem) { return makeError(Error::Code::BadArgument, spec + ": " + problem); };
    if (requested.empty())
        return bad("name the array: " + path + ":q, " + path + ":k or " + path + ":v");
    const auto withLayer = [&](Tensor t, std::int64_t l) {
        return NamedTensor{spec + ", layer " + std::to_string(l), std::move(t), file.warningsFor(requested)};
    };
    // One per-layer array named directly: q.3 is layer 3.
    const auto dot = requested.rfind('.');
    if (!file.has(requested + ".0") && dot != std::string::npos && file.has(requested)) {
        const std::string digits = requested.substr(dot + 1);
        if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos && digits.size() < 9) {
            const std::int64_t own = std::stoll(digits);
            if (layer && *layer != own)
                return bad("is layer " + std::to_string(own) + " itself; leave out --layer or name " + path + ":" +
                           requested.substr(0, dot) + " with --layer " + std::to_string(*layer));
            auto t = file.read(requested);
            if (!t)
                return t.error();
            return withLayer(std::move(t.value()), own);
        }
    }
    std::int64_t layers = 0;
    while (file.has(requested + "." + std::to_string(layers)))
        ++layers;
    const bool perLayer = layers > 0;
    if (!perLayer) {
        if (!file.has(requested))
            return file.read(requested).error(); // the reader's message lists the arrays there are
        for (const ArrayInfo &a : file.info().arrays)
            if (a.name == requested)
                layers = a.shape.size() == 4 ? a.shape[0] : -1;
        if (layers < 0)
            return bad("a bundle's q, k and v are [L, H, T, d] (one layer picked with --layer) or one [H, T, d] per layer (" +
                       requested + ".0 …)");
    }
    const std::int64_t l = layer.value_or(layers - 1);
    if (l < 0 || l >= layers)
        return bad("--layer " + std::to_string(l) + " is out of range: there are " + std::to_string(layers) +
                   " layers (0.." + std::to_string(layers - 1) + ")");
    if (perLayer) {
        auto t = file.read(requested + "." + std::to_string(l));
        if (!t)
            return t.error();
        return withLayer(std::move(t.value()), l);
    }
    auto t = file.read(requested);
    if (!t)
        return t.error();
    return withLayer(layerOf(*t, l), l);
}

Result<AttentionBundle> readAttentionBundle(const std::string &spec)
{
    const auto [path, requested] = splitTensorSpec(spec);
    auto opened = openTensorFile(path);
    if (!opened)
        return opened.error();
    TensorFile &file = **opened;
    std::string name = requested;
    if (name.empty()) {
        auto def = file.defaultName();
        if (!def)
            return def.error();
        name = def.value();
    }
    AttentionBundle b;
    b.path = path;
    auto att = file.read(name);
    if (!att)
        return att.error();
    b.attentions = std::move(att.value());
    if (b.attentions.rank() < 2 || b.attentions.rank() > 4)
        return bundleError(spec, "attention must be [L, H, Tq, Tk], [H, Tq, Tk] or [Tq, Tk], not " +
                                     shapeToString(b.attentions.shape));
    const int storedRank = b.attentions.rank();
    while (b.attentions.rank() < 4)
        b.attentions.shape.insert(b.attentions.shape.begin(), 1);
    noteBareLayout(b, path, storedRank, name == "attentions");

    if (auto st = readTokens(file, "tokens", b.queries(), b.tokens); !st)
        return st.error();
    if (auto st = readTokens(file, "key_tokens", b.keys(), b.keyTokens); !st)
        return st.error();
    if (b.keyTokens.empty() && b.queries() == b.keys())
        b.keyTokens = b.tokens;

    if (auto st = readQkv(file, path, b); !st)
        return st.error();
    if (auto st = readImageGrid(file, path, b); !st)
        return st.error();
    if (auto st = readCausal(file, path, b); !st)
        return st.error();
    if (auto st = readModelParts(file, path, b); !st)
        return st.error();
    return b;
}

} // namespace attnscope
