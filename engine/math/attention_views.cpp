#include "attention_views.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <set>

namespace attnscope {
namespace {

std::string formatNumber(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

std::string joinTokens(const std::vector<std::string> &items, std::size_t shown = 6)
{
    std::string text;
    for (std::size_t i = 0; i < items.size() && i < shown; ++i)
        text += (i ? ", " : "") + items[i];
    if (items.size() > shown)
        text += " and " + std::to_string(items.size() - shown) + " more";
    return text;
}

/// Tokens as given, or their indices as text when there are none.
std::vector<std::string> labelsOr(const std::vector<std::string> &tokens, std::int64_t n)
{
    if (!tokens.empty())
        return tokens;
    std::vector<std::string> out;
    for (std::int64_t i = 0; i < n; ++i)
        out.push_back(std::to_string(i));
    return out;
}

Error badArgument(const std::string &what, const std::string &message)
{
    return makeError(Error::Code::BadArgument, what + ": " + message);
}

/// Step 1: the selected, fused or rolled-out matrix, and its description.
Result<Mat<double>> selectMatrix(const AttentionBundle &b, const ViewRequest &r, int layer, int head,
                                 std::string &description)
{
    const std::string what = b.path.empty() ? std::string("attention") : b.path;
    if (layer < 0 || layer >= b.layers())
        return badArgument(what, "layer " + std::to_string(layer) + " is out of range: there are " +
                                     std::to_string(b.layers()) + " layers (0.." + std::to_string(b.layers() - 1) + ")");
    switch (r.mode) {
    case ViewRequest::Mode::Single:
        if (head < 0 || head >= b.heads())
            return badArgument(what, "head " + std::to_string(head) + " is out of range: there are " +
                                         std::to_string(b.heads()) + " heads (0.." + std::to_string(b.heads() - 1) + ")");
        description = "layer " + std::to_string(layer) + ", head " + std::to_string(head);
        return b.attentions.matrix<double>(std::int64_t(layer) * b.heads() + head);
    case ViewRequest::Mode::FuseHeads:
        description = std::string(fusionName(r.fusion)) + " of " + std::to_string(b.heads()) + " heads, layer " +
                      std::to_string(layer);
        return fuseHeads(b.attentions, layer, r.fusion);
    case ViewRequest::Mode::Rollout: {
        if (b.queries() != b.keys())
            return makeError(Error::Code::BadShape, what + ": rollout needs as many queries as keys, not " +
                                                        std::to_string(b.queries()) + " × " + std::to_string(b.keys()));
        if (!(r.discardRatio >= 0 && r.discardRatio < 1))
            return badArgument(what, "the discard ratio must be at least 0 and below 1, not " + formatNumber(r.discardRatio));
        if (auto st = checkAttentionValues(b.attentions, 0, layer, true, what); !st)
            return st.error();
        description = "rollout of layers 0–" + std::to_string(layer) + " (" + fusionName(r.fusion) + " of heads" +
                      (r.discardRatio > 0 ? ", discard ratio " + formatNumber(r.discardRatio) : std::string()) + ")";
        return rollout(b.attentions, layer, r.fusion, r.discardRatio);
    }
    }
    return makeError(Error::Code::BadArgument, "unknown view mode");
}

Mat<double> normalize(const Mat<double> &m, Normalization n)
{
    switch (n) {
    case Normalization::None: return m;
    case Normalization::Row: return normalizeRows(m);
    case Normalization::Column: return normalizeColumns(m);
    case Normalization::Global: return normalizeGlobal(m);
    case Normalization::Log: return log10Values(m);
    }
    return m;
}

std::string normalizationPhrase(Normalization n)
{
    switch (n) {
    case Normalization::None: return {};
    case Normalization::Row: return "rows normalised";
    case Normalization::Column: return "columns normalised";
    case Normalization::Global: return "globally normalised";
    case Normalization::Log: return "log10 scale";
    }
    return {};
}

/// 0, 1, …, n − 1.
std::vector<std::int64_t> iota(Eigen::Index n)
{
    std::vector<std::int64_t> out{};
    out.resize(std::size_t(n));
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = std::int64_t(i);
    return out;
}

/// The entries of `v` whose positions are not in `gone`, in order.
template <typename T>
std::vector<T> without(const std::vector<T> &v, const std::set<int> &gone)
{
    std::vector<T> kept;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!gone.count(int(i)))
            kept.push_back(v[i]);
    return kept;
}

/// Each word's first piece's entry of `index`.
std::vector<std::int64_t> firstPieces(const std::vector<std::int64_t> &index, const WordGroups &g)
{
    std::vector<std::int64_t> out;
    for (int w = 0; w < g.wordCount(); ++w)
        out.push_back(index[std::size_t(g.starts[std::size_t(w)])]);
    return out;
}

/// `m` [Tq, Tk] without the rows listed in `gone`.
Mat<double> dropRows(const Mat<double> &m, const std::set<int> &gone)
{
    Mat<double> out(m.rows() - Eigen::Index(gone.size()), m.cols());
    Eigen::Index k = 0;
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        if (!gone.count(int(i)))
            out.row(k++) = m.row(i);
    return out;
}

/// Step 2 on `m` and the labels and indices of `out`; returns the phrase for the description.
/// Rows go first so that a warning about a row summing to 0 never names a dropped row.
Result<std::string> hideStep(const AttentionBundle &b, const ViewRequest &r, Mat<double> &m, ViewResult &out,
                             std::vector<std::string> &rowTokens, std::vector<std::string> &keyTokens)
{
    const std::string what = b.path.empty() ? std::string("attention") : b.path;
    const std::set<int> gone(r.hiddenKeys.begin(), r.hiddenKeys.end());
    const bool rows = r.hideRows && !gone.empty();
    if (rows && m.rows() != m.cols())
        return badArgument(what, "hiding rows needs as many queries as keys, not " + std::to_string(m.rows()) + " × " +
                                     std::to_string(m.cols()));
    if (rows && (*gone.begin() < 0 || *gone.rbegin() >= m.cols()))
        return badArgument(what, "a hidden key is out of range 0.." + std::to_string(m.cols() - 1));
    if (rows && Eigen::Index(gone.size()) >= m.rows())
        return badArgument(what, "every row would be hidden");
    if (rows) {
        m = dropRows(m, gone);
        rowTokens = without(rowTokens, gone);
        out.rowIndex = without(out.rowIndex, gone);
        out.rowsHidden = true;
    }
    auto hidden = hideTokens(m, r.hiddenKeys, r.renormalize, out.warnings);
    if (!hidden)
        return badArgument(what, hidden.error().message);
    m = std::move(hidden.value());
    std::vector<std::string> names;
    for (const int j : gone)
        if (j >= 0 && std::size_t(j) < keyTokens.size() &&
            std::find(names.begin(), names.end(), keyTokens[std::size_t(j)]) == names.end())
            names.push_back(keyTokens[std::size_t(j)]);
    keyTokens = without(keyTokens, gone);
    out.colIndex = without(out.colIndex, gone);
    out.colsHidden = !gone.empty();
    if (names.empty())
        return std::string("rows renormalised");
    return std::string(rows ? "keys and their rows hidden: " : "keys hidden: ") + joinTokens(names) +
           (r.renormalize ? ", renormalised" : "");
}

/// Steps 1–4 for one view; `selection` gets the description of step 1, `modifiers` that of
/// steps 2–4.
Result<ViewResult> computeOne(const AttentionBundle &b, const ViewRequest &r, int layer, int head,
                              std::string &selection, std::string &modifiers)
{
    auto selected = selectMatrix(b, r, layer, head, selection);
    if (!selected)
        return selected.error();
    ViewResult out;
    std::vector<std::string> rowTokens = labelsOr(b.tokens, b.queries());
    std::vector<std::string> keyTokens = labelsOr(b.keyTokens, b.keys());
    std::vector<std::string> parts;

    // 2. hide
    Mat<double> m = std::move(selected.value());
    out.rowIndex = iota(m.rows());
    out.colIndex = iota(m.cols());
    if (!r.hiddenKeys.empty() || r.renormalize) {
        auto st = hideStep(b, r, m, out, rowTokens, keyTokens);
        if (!st)
            return st.error();
        parts.push_back(st.value());
    }

    // 3. merge
    if (r.mergeSubwords) {
        if (b.tokens.empty() && b.keyTokens.empty()) {
            out.warnings.push_back("there are no tokens, so there are no sub-words to merge");
        } else {
            std::vector<std::string> all = b.tokens;
            all.insert(all.end(), b.keyTokens.begin(), b.keyTokens.end());
            const SubwordScheme scheme = detectSubwordScheme(all);
            const WordGroups rows = groupSubwords(rowTokens, b.tokens.empty() ? SubwordScheme::None : scheme);
            const WordGroups cols = groupSubwords(keyTokens, b.keyTokens.empty() ? SubwordScheme::None : scheme);
            if (scheme == SubwordScheme::None) {
                out.warnings.push_back("no sub-word markers (##, Ġ, ▁) among the tokens: nothing to merge");
                parts.push_back("sub-words merged (none found)");
            } else {
                m = mergeMatrix(m, rows, cols);
                rowTokens = rows.words;
                keyTokens = cols.words;
                out.rowIndex = firstPieces(out.rowIndex, rows);
                out.colIndex = firstPieces(out.colIndex, cols);
                out.subwordsMerged = true;
                parts.push_back(std::string("sub-words merged (") + subwordSchemeName(scheme) + ")");
            }
        }
    }

    // 4. normalise
    // No copy without a normalisation: `render` and `combine` budget one matrix for one head.
    if (r.norm != Normalization::None) {
        m = normalize(m, r.norm);
        parts.push_back(normalizationPhrase(r.norm));
    }

    for (const auto &p : parts)
        modifiers += "; " + p;
    out.values = std::move(m);
    out.rowLabels = std::move(rowTokens);
    out.colLabels = std::move(keyTokens);
    assert(out.values.rows() == Eigen::Index(out.rowLabels.size()));
    assert(out.values.cols() == Eigen::Index(out.colLabels.size()));
    assert(out.rowIndex.size() == out.rowLabels.size() && out.colIndex.size() == out.colLabels.size());
    return out;
}

std::string fileName(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

std::string indexedLabel(const std::string &text, std::int64_t index)
{
    const std::string number = std::to_string(index);
    return text == number ? number : text + " #" + number;
}

std::vector<std::string> pictureRowLabels(const ViewResult &v)
{
    if (!v.rowsHidden)
        return v.rowLabels;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.rowLabels.size(); ++i)
        out.push_back(indexedLabel(v.rowLabels[i], v.rowIndex[i]));
    return out;
}

std::vector<std::string> pictureColLabels(const ViewResult &v)
{
    if (!v.colsHidden)
        return v.colLabels;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.colLabels.size(); ++i)
        out.push_back(indexedLabel(v.colLabels[i], v.colIndex[i]));
    return out;
}

const char *normalizationName(Normalization n)
{
    switch (n) {
    case Normalization::None: return "none";
    case Normalization::Row: return "rows";
    case Normalization::Column: return "columns";
    case Normalization::Global: return "global";
    case Normalization::Log: return "log10";
    }
    return "?";
}

const std::vector<std::string> &defaultSpecialTokens()
{
    static const std::vector<std::string> specials = {
        "[CLS]", "[SEP]", "[PAD]", "[MASK]", "<s>", "</s>", "<pad>", "<bos>", "<eos>", "<|endoftext|>",
        "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "BOS", "EOS"};
    return specials;
}

std::vector<int> specialTokenIndices(const std::vector<std::string> &tokens, const std::vector<std::string> &specials)
{
    std::vector<int> out;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (std::find(specials.begin(), specials.end(), tokens[i]) != specials.end())
            out.push_back(int(i));
    return out;
}

Result<ViewResult> computeView(const AttentionBundle &bundle, const ViewRequest &request, const AttentionBundle *other)
{
    std::string selA, modsA;
    auto a = computeOne(bundle, request, request.layer, request.head, selA, modsA);
    if (!a)
        return a.error();
    if (!request.difference) {
        a->description = selA + modsA;
        return a;
    }
    const AttentionBundle &bb = other ? *other : bundle;
    std::string selB, modsB;
    auto b = computeOne(bb, request, request.difference->layer, request.difference->head, selB, modsB);
    if (!b)
        return b.error();
    if (a->values.rows() != b->values.rows() || a->values.cols() != b->values.cols())
        return makeError(Error::Code::BadShape,
                         "A − B needs matrices of the same shape, but A (" + selA + ") is " +
                             std::to_string(a->values.rows()) + " × " + std::to_string(a->values.cols()) + " and B (" +
                             selB + ") is " + std::to_string(b->values.rows()) + " × " +
                             std::to_string(b->values.cols()));
    ViewResult out = std::move(a.value());
    out.values -= b->values;
    out.diverging = true;
    for (auto &w : b->warnings)
        out.warnings.push_back("B: " + w);
    if (out.rowLabels != b->rowLabels || out.colLabels != b->colLabels)
        out.warnings.push_back("A and B have different tokens; the labels are A's");
    if (other) {
        selA += " of " + fileName(bundle.path);
        selB += " of " + fileName(other->path);
    }
    out.description = "A − B: " + selA + " minus " + selB + modsA;
    return out;
}

WeightRowsCheck checkWeightRows(const Tensor &t, double tolerance)
{
    assert(t.rank() >= 1);
    WeightRowsCheck c;
    const std::int64_t n = t.shape.back();
    c.rows = n == 0 ? 0 : t.numel() / n;
    std::vector<double> row(std::size_t(std::max<std::int64_t>(n, 0)));
    for (std::int64_t r = 0; r < c.rows; ++r) {
        t.copyTo(row.data(), r * n, n);
        double sum = 0;
        bool negative = false, zero = true, finite = true;
        for (const double v : row) {
            sum += v;
            negative = negative || v < 0;
            zero = zero && v == 0;
            c.nanValues += std::isnan(v) ? 1 : 0;
            c.infValues += std::isinf(v) ? 1 : 0;
            finite = finite && std::isfinite(v);
        }
        c.negativeRows += negative ? 1 : 0;
        if (!finite || zero)
            continue;
        if (std::abs(sum - 1) > tolerance)
            ++c.badSumRows;
        if (std::abs(sum - 1) > std::abs(c.worstSum - 1))
            c.worstSum = sum;
    }
    return c;
}

std::string weightRowsWarning(const WeightRowsCheck &c)
{
    if (c.looksLikeWeights())
        return {};
    const auto rows = [](std::int64_t k) { return std::to_string(k) + (k == 1 ? " row" : " rows"); };
    const auto values = [](std::int64_t k) { return std::to_string(k) + (k == 1 ? " value is " : " values are "); };
    std::vector<std::string> parts;
    if (c.badSumRows > 0) {
        char worst[64];
        std::snprintf(worst, sizeof worst, "%.3f", c.worstSum);
        parts.push_back(std::to_string(c.badSumRows) + " of " + rows(c.rows) + (c.badSumRows == 1 ? " does" : " do") +
                        " not sum to 1 (worst " + worst + ")");
    }
    if (c.negativeRows > 0)
        parts.push_back(rows(c.negativeRows) + (c.negativeRows == 1 ? " has" : " have") + " negative values");
    if (c.nanValues > 0)
        parts.push_back(values(c.nanValues) + "NaN");
    if (c.infValues > 0)
        parts.push_back(values(c.infValues) + "infinite");
    std::string text = "Warning: ";
    for (std::size_t i = 0; i < parts.size(); ++i)
        text += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
    return text + ": these may not be softmax weights.";
}

} // namespace attnscope
