#include "render_views.h"

#include <QFileInfo>

#include <optional>

#include "cli_common.h"
#include "tensor_file.h"
#include "text.h"

namespace attnscope::cli {
namespace {

/// `name` [n] of the .npz `path` as original indices (a `combine` output), or nothing.
Result<std::optional<std::vector<std::int64_t>>> indexArray(const std::string &path, const char *name, std::int64_t n)
{
    using Out = std::optional<std::vector<std::int64_t>>;
    if (!QString::fromStdString(path).endsWith(QLatin1String(".npz"), Qt::CaseInsensitive))
        return Out();
    auto file = openTensorFile(path);
    if (!file)
        return file.error();
    if (!(*file)->has(name))
        return Out();
    auto t = (*file)->read(name);
    if (!t)
        return t.error();
    if (t->rank() != 1 || t->numel() != n)
        return makeError(Error::Code::BadShape, path + ": " + name + " must hold " + std::to_string(n) + " indices, one per " +
                                                    (std::string(name) == "query_index" ? "query" : "key") + ", not " +
                                                    shapeToString(t->shape));
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0; i < n; ++i)
        out.push_back(std::int64_t(t->at(i)));
    return Out(std::move(out));
}

} // namespace

/// --tokens / --key-tokens replace the bundle's tokens (their counts checked), so that LIST texts
/// and merging see them too. For square attention --tokens labels the keys as well.
Status applyTokenFiles(const QString &tokensFile, const QString &keyTokensFile, AttentionBundle &b)
{
    const auto toStd = [](const QStringList &l) {
        std::vector<std::string> out;
        for (const QString &s : l)
            out.push_back(s.toStdString());
        return out;
    };
    if (!tokensFile.isEmpty()) {
        auto rows = tokenFileLabels(tokensFile, "--tokens", b.queries(), "queries", "the matrix", {});
        if (!rows)
            return rows.error();
        b.tokens = toStd(rows.value());
        if (keyTokensFile.isEmpty() && b.queries() == b.keys())
            b.keyTokens = b.tokens;
    }
    if (!keyTokensFile.isEmpty()) {
        auto cols = tokenFileLabels(keyTokensFile, "--key-tokens", b.keys(), "keys", "the matrix", {});
        if (!cols)
            return cols.error();
        b.keyTokens = toStd(cols.value());
    }
    return okStatus();
}

/// The engine's view of the options: one head, or fused, or rolled out; hidden; merged.
Result<ViewResult> computeRenderView(const ViewOptions &o, const AttentionBundle &b, int layer, int head)
{
    ViewRequest r = o.request;
    r.layer = layer;
    r.head = head;
    auto hidden = hiddenKeys(o, b);
    if (!hidden)
        return hidden.error();
    r.hiddenKeys = std::move(hidden.value());
    auto v = computeView(b, r);
    if (!v && !r.hiddenKeys.empty())
        return makeError(v.error().code, "--hide-tokens: " + v.error().message);
    return v;
}

/// The picture's labels: "TEXT #i" after hiding (pictureRowLabels), and always for a file that
/// carries the original indices (query_index, key_index), mapped through them.
Result<std::pair<std::vector<std::string>, std::vector<std::string>>> pictureLabels(const AttentionBundle &b,
                                                                                     const ViewResult &v)
{
    const std::string path = splitTensorSpec(b.path).first;
    std::pair<std::vector<std::string>, std::vector<std::string>> out{pictureRowLabels(v), pictureColLabels(v)};
    const std::vector<std::int64_t> *positions[2] = {&v.rowIndex, &v.colIndex};
    const std::vector<std::string> *texts[2] = {&v.rowLabels, &v.colLabels};
    std::vector<std::string> *labels[2] = {&out.first, &out.second};
    const char *names[2] = {"query_index", "key_index"};
    for (int axis = 0; axis < 2; ++axis) {
        auto original = indexArray(path, names[axis], axis == 0 ? b.queries() : b.keys());
        if (!original)
            return original.error();
        if (!original->has_value())
            continue;
        for (std::size_t i = 0; i < labels[axis]->size(); ++i)
            (*labels[axis])[i] = indexedLabel((*texts[axis])[i], (**original)[std::size_t((*positions[axis])[i])]);
    }
    return out;
}

/// The file and what is selected, as the window titles its heatmap ("demo.npz — mean of 12 heads,
/// layer 3"; hiding and merging show in the labels, and would not fit); a file of one matrix
/// (one layer, one head) is named alone.
QString defaultTitle(const AttentionBundle &b, ViewRequest::Mode mode, const ViewResult &v)
{
    const QString file = QFileInfo(QString::fromStdString(splitTensorSpec(b.path).first)).fileName();
    if (b.layers() == 1 && b.heads() == 1 && mode == ViewRequest::Mode::Single)
        return file;
    return file + QStringLiteral(" — ") + QString::fromStdString(v.description.substr(0, v.description.find("; ")));
}

} // namespace attnscope::cli
