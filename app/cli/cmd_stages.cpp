// attnscope-cli stages: every stage of the attention pipeline as .npy and as the window's
// heatmap, into one directory.

#include <QCommandLineParser>
#include <QDir>

#include <cstdio>
#include <span>
#include <string_view>
#include <tuple>

#include "attention_options.h"
#include "cell_values.h"
#include "cli_common.h"
#include "commands.h"
#include "file_io.h"
#include "heatmap_export.h"
#include "npy.h"
#include "stages.h"
#include "tensor_file.h"
#include "text.h"

namespace attnscope::cli {
namespace {

const char *kUsageHead = "Usage: attnscope-cli stages ";
const char *kUsageTail = R"(
    --out-dir DIR [--format png|svg|pdf] [--head H] [--tokens FILE] [--key-tokens FILE]
    [--colormap viridis|magma|gray|coolwarm] [--width PX] [--height PX]

Computes attention from the same inputs as `attnscope-cli attention` (see its --help) and writes
every stage into DIR (created if needed), as DIR/<stage>.npy and DIR/<stage>.<format>:

  q, k, v   the per-head inputs: [T, d] for 2-D inputs without --heads, else [H, T, d]
            (k and v have the key/value heads' count under grouped-query attention)
  scores    raw Q·Kᵀ
  scaled    scores × scale (÷ τ)
  masked    what the softmax receives: -inf where masked (equal to scaled without a mask)
  weights   A = softmax of each row
  output    A·V: [Tq, dv] for 2-D inputs (heads concatenated), [H, Tq, dv] otherwise
Score stages and weights are [Tq, Tk] for 2-D inputs without --heads, else [H, Tq, Tk].
The .npy files are float32 (float64 with --precision f64).

Pictures are the window's heatmaps of head --head (default 0), --format png (default), svg or
pdf, --width × --height (default 1200 × 1000): weights in --colormap (default viridis), the
signed stages in coolwarm centred on zero, masked cells grey. Labels: --tokens / --key-tokens
(UTF-8, one token per line; a pipe such as <(cmd) works), else the tokens of a bundle the
q (and k) come from (`--q BUNDLE.npz:q`: its tokens; keys: key_tokens, or tokens when they fit),
else indices.

Files of those names are replaced; other files in DIR are left alone. All files are written
together, only when everything succeeded.
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").)";

template <class S>
std::span<const std::byte> bytesOf(const Mat<S> &m)
{
    return {reinterpret_cast<const std::byte *>(m.data()), std::size_t(m.size()) * sizeof(S)};
}

/// One stage: its matrices (one per head), whether the .npy drops the head dimension, and the
/// picture of the chosen head: its labels and the matrix it shows (`shown`). The picture's values
/// (a double copy of `shown`) are made only while it is drawn, one stage at a time.
template <class S>
struct StageData {
    std::vector<const Mat<S> *> heads;
    bool squeeze = false;
    HeatmapView::Content picture;
    const Mat<S> *shown = nullptr;
};

template <class S>
std::shared_ptr<const Mat<double>> asDouble(const Mat<S> &m)
{
    return std::make_shared<const Mat<double>>(m.template cast<double>());
}

struct Labels {
    QStringList queries, keys;
};

/// The matrices of one entry of the stages' table, one per head, and the one head `head` shows.
template <class S>
std::pair<std::vector<const Mat<S> *>, const Mat<S> *> matricesOf(const StageMatrix &sm, const AttentionInputs<S> &in,
                                                                  const AttentionResult<S> &r, int head)
{
    const HeadResult<S> &h = r.heads[std::size_t(head)];
    const auto g = std::size_t(h.kvHead);
    const auto all = [](const std::vector<Mat<S>> &ms, std::size_t shown) {
        std::vector<const Mat<S> *> out;
        for (const auto &m : ms)
            out.push_back(&m);
        return std::pair{out, out[shown]};
    };
    const std::string_view file = sm.file;
    if (file == "q")
        return all(in.q, std::size_t(head));
    if (file == "k")
        return all(in.k, g);
    if (file == "v")
        return all(in.v, g);
    const auto member = headResultMember<S>(sm.stage);
    std::vector<const Mat<S> *> out;
    for (const auto &hr : r.heads)
        out.push_back(&(hr.*member));
    return {out, &(h.*member)};
}

/// The stages' matrices in the order of the table (stages.h), each with its picture.
template <class S>
std::vector<StageData<S>> collectStages(const PreparedAttention<S> &prep, const AttentionResult<S> &r, int head,
                                        const Labels &labels, std::vector<Mat<S>> &joined)
{
    const bool single = prep.layout == HeadLayout::Single;
    const auto kvHead = r.heads[std::size_t(head)].kvHead;
    std::vector<StageData<S>> out;
    for (const StageMatrix &sm : kStageMatrices) {
        StageData<S> d;
        std::tie(d.heads, d.shown) = matricesOf<S>(sm, prep.inputs, r, head);
        d.squeeze = single;
        // The picture's values are filled in only when it is drawn (see StageData).
        d.picture.title = sm.keyValueHead ? QStringLiteral("%1, key/value head %2").arg(QString::fromUtf8(sm.title)).arg(kvHead)
                                          : QStringLiteral("%1, head %2").arg(QString::fromUtf8(sm.title)).arg(head);
        d.picture.rowLabels = std::string_view(sm.rowAxis) == "query" ? labels.queries : labels.keys;
        d.picture.colLabels = std::string_view(sm.colAxis) == "key" ? labels.keys : indexLabels(d.shown->cols(), "d");
        d.picture.rowAxis = QString::fromLatin1(sm.rowAxis);
        d.picture.colAxis = QString::fromLatin1(sm.colAxis);
        d.picture.diverging = sm.diverging;
        if (sm.stage == Stage::Output && prep.layout != HeadLayout::Stacked) {
            // As `attention` writes it: heads side by side, [Tq, H·dv].
            std::vector<Mat<S>> parts;
            for (const auto &hr : r.heads)
                parts.push_back(hr.output);
            joined.push_back(concatHeads(parts));
            d.heads = {&joined.back()};
            d.squeeze = true;
        } else if (sm.stage == Stage::Output) {
            d.squeeze = false;
        }
        if (sm.stage == Stage::Masked) {
            // Where the mask blocks: −∞ there is drawn grey, other −∞ in their own colour (cell_values.h).
            const Mat<S> &masked = r.heads[std::size_t(head)].scoresMasked;
            d.picture.masked = std::make_shared<const CellMask>(blockedPositions(prep.inputs.mask, std::size_t(head), masked.rows(), masked.cols()));
        }
        out.push_back(std::move(d));
    }
    return out;
}

template <class S>
Status addNpy(OutputBatch &batch, const QString &path, const StageData<S> &stage, int renameRank)
{
    const Mat<S> &first = *stage.heads.front();
    Shape shape = {first.rows(), first.cols()};
    if (!stage.squeeze)
        shape.insert(shape.begin(), std::int64_t(stage.heads.size()));
    const auto header = npyHeader(std::is_same_v<S, float> ? DType::F32 : DType::F64, shape);
    std::vector<std::span<const std::byte>> parts{std::span<const std::byte>(header)};
    for (const Mat<S> *m : stage.heads)
        parts.push_back(bytesOf<S>(*m));
    return batch.add(path.toStdString(), parts, renameRank);
}

/// What `stages` holds beyond the stages computeAttention keeps (attentionBytesNeeded): the
/// outputs of 2-D inputs joined side by side, the masked stage's mask (a byte per score), and
/// while one picture is drawn a double copy of the matrix it shows plus the picture itself
/// (raster and encoding, 8 bytes per pixel).
/// The .npy files are written from the stages in place. Peak RSS checked in
/// tests/cli/tst_cli_outputs.cpp (stagesPeakMemoryWithinBudget).
template <class S>
std::uint64_t stagesExtraBytes(const AttentionInputs<S> &in, HeadLayout layout, const ExportOptions &look)
{
    const auto tq = std::uint64_t(in.q[0].rows()), tk = std::uint64_t(in.k[0].rows());
    const auto dk = std::uint64_t(in.q[0].cols()), dv = std::uint64_t(in.v[0].cols());
    const auto heads = std::uint64_t(in.q.size());
    const std::uint64_t joined = layout == HeadLayout::Stacked ? 0 : satMul(satMul(satMul(tq, heads), dv), sizeof(S));
    const std::uint64_t largest = std::max({satMul(tq, tk), satMul(tq, dk), satMul(tk, dk), satMul(tq, dv), satMul(tk, dv)});
    const std::uint64_t picture = satMul(satMul(std::uint64_t(look.width), std::uint64_t(look.height)), 8);
    return satAdd(satAdd(satAdd(joined, satMul(largest, sizeof(double))), picture), satMul(tq, tk));
}

struct StagesArgs {
    QString dir, format = QStringLiteral("png");
    ExportOptions look;
    ColormapId weightsMap = ColormapId::Viridis;
    long long head = 0;
    QString tokens, keyTokens;
};

/// The first of the token lists `names` stored in the file of the TENSOR spec `spec` (an
/// attention bundle's tokens, .npz arrays or safetensors metadata) that holds `count` tokens;
/// empty when the file has none (or is not a bundle).
Result<QStringList> storedTokens(const std::string &spec, std::initializer_list<const char *> names, qsizetype count)
{
    const std::string path = splitTensorSpec(spec).first;
    const QString p = QString::fromStdString(path);
    if (path.empty() || !(p.endsWith(QLatin1String(".npz"), Qt::CaseInsensitive) ||
                          p.endsWith(QLatin1String(".safetensors"), Qt::CaseInsensitive)))
        return QStringList();
    auto file = openTensorFile(path);
    if (!file)
        return file.error();
    for (const char *name : names) {
        bool present = (*file)->has(name);
        for (const auto &entry : (*file)->info().metadata)
            present = present || entry.first == name;
        if (!present)
            continue;
        auto tokens = (*file)->readStrings(name);
        if (!tokens)
            return tokens.error();
        if (qsizetype(tokens->size()) == count)
            return toQStringList(tokens.value());
    }
    return QStringList();
}

template <class S>
int run(const AttentionInputOptions &io, const StagesArgs &a)
{
    auto prepared = prepareAttention<S>(io.request);
    if (!prepared)
        return fail(prepared.error());
    for (const auto &w : prepared->warnings)
        warn(w);
    const auto &in = prepared->inputs;
    if (a.head >= std::int64_t(in.q.size()))
        return fail("--head " + std::to_string(a.head) + " is out of range: the attention has " + std::to_string(in.q.size()) +
                    " head(s) (0.." + std::to_string(in.q.size() - 1) + ")");
    // Without token files, a bundle's own tokens (q's file: tokens; k's file: key_tokens, or
    // tokens when they fit the keys), else the indices.
    const auto source = [](const std::optional<NamedTensor> &t) { return t ? t->source : std::string(); };
    auto qStored = storedTokens(source(io.request.q), {"tokens"}, in.q[0].rows());
    if (!qStored)
        return fail(qStored.error());
    auto queries = tokenFileLabels(a.tokens, "--tokens", in.q[0].rows(), "queries", "the attention",
                                   qStored->isEmpty() ? indexLabels(in.q[0].rows()) : qStored.value());
    if (!queries)
        return fail(queries.error());
    auto kStored = storedTokens(source(io.request.k), {"key_tokens", "tokens"}, in.k[0].rows());
    if (!kStored)
        return fail(kStored.error());
    const bool keysFromTokens = a.keyTokens.isEmpty() && !a.tokens.isEmpty() && in.q[0].rows() == in.k[0].rows();
    auto keys = keysFromTokens ? Result<QStringList>(queries.value())
                               : tokenFileLabels(a.keyTokens, "--key-tokens", in.k[0].rows(), "keys", "the attention",
                                                 kStored->isEmpty() ? indexLabels(in.k[0].rows()) : kStored.value());
    if (!keys)
        return fail(keys.error());

    AttentionOptions opt = io.options;
    opt.keep = KeepAll;
    const auto heads = std::int64_t(in.q.size()), tq = in.q[0].rows(), tk = in.k[0].rows();
    const std::uint64_t need = satAdd(attentionBytesNeeded(heads, tq, tk, in.v[0].cols(), KeepAll, sizeof(S)),
                                      stagesExtraBytes<S>(in, prepared->layout, a.look));
    if (auto st = reserveMemory(need, "the stages of " + std::to_string(heads) + (heads == 1 ? " head of " : " heads of ") +
                                          std::to_string(tq) + " × " + std::to_string(tk), opt.memoryBudget);
        !st)
        return fail(withBudgetHint(st.error()));
    auto result = computeAttention<S>(in, opt);
    if (!result)
        return fail(withBudgetHint(result.error()));
    for (const auto &w : result->warnings)
        warn(w);

    if (!QDir().mkpath(a.dir))
        return fail("--out-dir: cannot create the directory " + a.dir.toStdString());
    const QDir dir(a.dir);
    std::vector<Mat<S>> joined;
    joined.reserve(1);
    auto stages = collectStages<S>(*prepared, *result, int(a.head), {queries.value(), keys.value()}, joined);
    const ExportFormat format = *exportFormatForPath("x." + a.format);
    OutputBatch batch;
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const QString base = dir.filePath(QString::fromLatin1(kStageMatrices[i].file));
        // Renamed last, the weights' .npy last of all: after a crash, a new weights.npy means
        // every other file is new (engine/formats/file_io.h).
        const bool weights = kStageMatrices[i].stage == Stage::Weights;
        if (auto st = addNpy<S>(batch, base + ".npy", stages[i], weights ? 2 : 0); !st)
            return fail(st.error());
        ExportOptions look = a.look;
        look.colormap = stages[i].picture.diverging ? ColormapId::Coolwarm : a.weightsMap;
        stages[i].picture.values = asDouble(*stages[i].shown); // one stage's copy at a time
        auto bytes = encodeHeatmap(stages[i].picture, look, format);
        stages[i].picture.values.reset();
        if (!bytes)
            return fail("cannot draw " + (base + "." + a.format).toStdString() + ": " + bytes.error().message);
        const QByteArray &b = bytes.value();
        if (auto st = batch.add((base + "." + a.format).toStdString(),
                                std::span<const std::byte>(reinterpret_cast<const std::byte *>(b.constData()), std::size_t(b.size())),
                                weights ? 1 : 0);
            !st)
            return fail(st.error());
    }
    if (auto st = batch.commit(); !st)
        return fail(st.error());
    std::printf("stages: %zu head(s), Tq = %lld, Tk = %lld, %zu stages as .npy and .%s (head %lld) in %s\n", in.q.size(),
                static_cast<long long>(in.q[0].rows()), static_cast<long long>(in.k[0].rows()), kStageMatrices.size(),
                a.format.toUtf8().constData(),
                a.head, a.dir.toUtf8().constData());
    return kExitOk;
}

} // namespace

int stagesCommand(const QStringList &args)
{
    QCommandLineParser p;
    addAttentionInputOptions(p);
    addValueOption(p, "out-dir", "The directory for the stages (created if needed).", "DIR");
    addValueOption(p, "format", "The pictures' format: png (default), svg or pdf.", "FMT");
    addValueOption(p, "head", "The head the pictures show (default 0).", "H");
    addValueOption(p, "tokens", "Query labels: UTF-8, one token per line.", "FILE");
    addValueOption(p, "key-tokens", "Key labels: UTF-8, one token per line.", "FILE");
    addValueOption(p, "colormap", "The weights' colour map: viridis (default), magma, gray or coolwarm.", "MAP");
    addValueOption(p, "width", "Picture width in pixels (PDF: points), default 1200.", "PX");
    addValueOption(p, "height", "Picture height in pixels (PDF: points), default 1000.", "PX");
    const QString usage = QString::fromUtf8(kUsageHead) + QString::fromUtf8(kAttentionInputUsage) + QString::fromUtf8(kUsageTail);
    if (auto exit = parseOrExit(p, args, usage))
        return *exit;

    StagesArgs a;
    a.dir = p.value("out-dir");
    if (a.dir.isEmpty())
        return fail("--out-dir DIR is required");
    if (p.isSet("format")) {
        a.format = p.value("format").toLower();
        if (!exportFormatForPath("x." + a.format))
            return fail("--format: '" + p.value("format").toStdString() + "' is not png, svg or pdf");
    }
    auto map = colormapOption(p, a.weightsMap);
    if (!map)
        return fail(map.error());
    a.weightsMap = map.value();
    auto head = integerOption(p, "head", 0, 0, std::numeric_limits<std::int32_t>::max());
    if (!head)
        return fail(head.error());
    a.head = head.value();
    auto width = integerOption(p, "width", 1200, 1, kMaxExportSide);
    if (!width)
        return fail(width.error());
    auto height = integerOption(p, "height", 1000, 1, kMaxExportSide);
    if (!height)
        return fail(height.error());
    a.look.width = int(width.value());
    a.look.height = int(height.value());
    a.tokens = p.value("tokens");
    a.keyTokens = p.value("key-tokens");

    auto io = readAttentionInputOptions(p);
    if (!io)
        return fail(io.error());
    return io->f64 ? run<double>(*io, a) : run<float>(*io, a);
}

} // namespace attnscope::cli
