// attnscope-cli render: one attention matrix as a picture a person opens — the window's heatmap
// (PNG, SVG, PDF), the bare cells, or one query's attention over image patches on the image.

#include <QCommandLineParser>
#include <QFileInfo>
#include <QPainter>
#include <QRegularExpression>

#include <cstdio>

#include "attention_options.h"
#include "attention_overlay.h"
#include "bundle.h"
#include "cli_common.h"
#include "commands.h"
#include "heatmap_export.h"
#include "image_patches.h"
#include "memory_budget.h"
#include "model_picture.h"
#include "npy.h"
#include "render_model_view.h"
#include "render_views.h"
#include "render_head_view.h"
#include "render_streamed.h"
#include "tensor_file.h"
#include "text.h"
#include "view_options.h"

namespace attnscope::cli {
namespace {

const char *kUsage = R"(Usage: attnscope-cli render --weights TENSOR [--layer L] [--head H]
    [--fuse mean|max|min] [--rollout] [--discard-ratio R] [--merge-subwords]
    [--hide-tokens LIST] [--hide-rows] [--renormalize] [--tokens FILE] [--key-tokens FILE]
    --out FILE.png|FILE.svg|FILE.pdf [--width PX] [--height PX]
    [--colormap viridis|magma|gray|coolwarm] [--normalize global|row|log] [--title TEXT]
    [--bare [--reduce max|mean]] [--memory-budget SIZE] [--threads N]
       attnscope-cli render --weights BUNDLE --view model --out FILE.png|FILE.svg|FILE.pdf
    [--colormap MAP] [--title TEXT]
       attnscope-cli render --weights TENSOR [--layer L] [--head H] --image IMAGE --query N
    [--grid ROWSxCOLS] --out FILE.png [--width PX] [--height PX] [--colormap MAP] [--normalize global|log]
       attnscope-cli render --weights BUNDLE --view head [--layer L] [--query N]
    --out FILE.png|FILE.svg|FILE.pdf [--width PX] [--height PX] [--title TEXT]
       attnscope-cli render (--q TENSOR --k TENSOR | --x TENSOR --wq TENSOR --wk TENSOR [--context TENSOR])
    [the input options of `attention`, but --v] [--head H] --bare [--reduce max|mean]
    [--width PX] [--height PX] [--colormap MAP] --out FILE.png [--threads N]

TENSOR holds attention [L, H, Tq, Tk] (layer --layer, default the last; head --head, default 0),
[H, Tq, Tk] (head --head) or [Tq, Tk], as a bare tensor or an attention bundle (.npz or
.safetensors with tokens, key_tokens, image_grid). Indices are 0-based.

The picture is the window's heatmap: rows are queries, columns keys, token labels on both axes,
a colour scale and a title (--title, default the file and the layer and head, fusion or
rollout shown; a file holding one matrix [Tq, Tk] is named alone).

Word-level views, computed as the window computes them (select, hide, merge):
  --fuse mean|max|min  the heads of the layer reduced elementwise (not with --head);
  --rollout [--discard-ratio R]  attention rollout over layers 0..--layer (as `combine`);
  --hide-tokens LIST   drop those key columns; --hide-rows their rows too; LIST as in `combine`
                       (indices, #N, =TEXT, or token texts as stored, every occurrence);
  --renormalize        each remaining row divided by its sum;
  --merge-subwords     pieces (##, Ġ, ▁) merged into words: to a word the sum, from it the mean.
After hiding, the labels keep the original tokens and indices, "TEXT #i". A `combine` .npz
output (with query_index / key_index) is labelled "TEXT #i" from those indices. The format follows the
extension of --out: PNG of exactly --width × --height pixels (default 1200 × 1000), SVG with the
labels as text, or a one-page PDF of --width × --height points with vector text.

Labels come from the bundle, or from --tokens / --key-tokens: UTF-8 files, one token per line
(a BOM and CRLF line ends are accepted; blank lines are skipped). Their counts must match Tq and
Tk. For square attention --tokens labels the keys too unless --key-tokens is given.

Colours: --colormap viridis (default), magma, gray (black = low, white = high) or coolwarm
(diverging, centred on zero: ±max|v|). --normalize global (default) maps the matrix's min..max,
row each row's min..max, log the base-10 log (values <= 0 in the lowest colour).

--bare draws only the cells, no axes or labels, through the colour map's lookup table: pixel
(x, y) of a W × H picture shows cell (⌊y·Tq/H⌋, ⌊x·Tk/W⌋); where there are more cells than
pixels, a pixel shows the largest value among the cells it covers. Default size: Tk × Tq pixels,
where a side of fewer than 64 cells gets the same whole number of pixels per cell to reach at
least 64, and a side of more than 4096 is reduced to 4096.
--reduce mean: a pixel shows the mean of the values of the cells it covers instead (then
coloured over the min..max of every cell); only with --normalize global.

--q/--k (or --x with --wq, --wk): the softmax weights of query head --head (default 0), computed
as `attention` computes them (--scale, --mask, --key-padding, --heads, grouped-query heads …)
and drawn --bare without ever storing the Tq × Tk matrix: each block of query rows is reduced
into the pixels at once, so memory stays O(T·d + pixels) at any length. The colours are those of
the same weights drawn from a file with --weights: the global min..max of every weight (tracked
as they are computed), the same --bare rule and --reduce. --normalize row or log, the
word-level views, labels and --title need the stored weights. PNG only.
--threads N: how many threads compute (default every core); the picture does not depend on it.

--image IMAGE --query N: query N's attention over the image's patches, blended on the image
scaled to --width × --height (default: the image's size) without margins: each patch's colour
at 50 % over its pixels ((image + colour) / 2 per channel), the colours normalised over the
patches. The grid comes from the bundle's image_grid or --grid ROWSxCOLS; when Tk = rows·cols + 1
the first key is [CLS] and left out. Patch boundaries lie at ⌊c·W/cols⌋ and ⌊r·H/rows⌋. PNG only.
An image whose longer side exceeds 100 times its shorter one is refused; no side is scaled
below 1 pixel.

--view model draws every layer × head of the bundle in one picture (the window's Model view):
rows layers, columns heads, ONE colour scale shared by all heads (the finite min..max of every
weight) with a colour bar, 200 px per head plus the labels L0…, H0… and a title naming the file;
a matrix larger than its cell shows the largest weight of the cells each pixel covers. Text stays
text in SVG and PDF. --layer, --head, --width, --height, --normalize, --bare and --image do not go
with it.
--view head: the head view of layer --layer (default the last): the query tokens on the left,
the keys on the right, a line from a query to a key for every head and weight >= 0.02, its
opacity the weight, one colour per head (d3's category10, as BertViz); from query --query only
when given. Default size: 22 px a row plus the labels. Text stays text in SVG and PDF.

The file is written to a temporary file and renamed into place only when complete.
Exit status: 0 on success, 2 on any error (one line on stderr starting with "error:").)";

constexpr int kDefaultWidth = 1200, kDefaultHeight = 1000;
/// --image: the longest side may be at most this many times the shortest.
constexpr int kMaxImageAspect = 100;

struct RenderArgs {
    QString weights, out, title, image;
    ExportOptions look;
    std::optional<int> width, height;
    bool bare = false;
    bool mean = false; ///< --reduce mean
    std::optional<long long> layer, head, query;
    QString tokens, keyTokens, grid;
    ViewOptions view;
    bool viewGiven = false; ///< any of the word-level view options
    QString picture; ///< --view: "model" or "head"; empty for the heatmap
};

Result<std::optional<long long>> optionalIndex(const QCommandLineParser &p, const char *name)
{
    if (!p.isSet(name))
        return std::optional<long long>();
    auto v = integerOption(p, name, 0, 0, std::numeric_limits<std::int32_t>::max());
    if (!v)
        return v.error();
    return std::optional<long long>(v.value());
}

Result<RenderArgs> readArgs(const QCommandLineParser &p)
{
    const auto bad = [](const std::string &m) { return makeError(Error::Code::BadArgument, m); };
    RenderArgs a;
    a.weights = p.value("weights");
    a.out = p.value("out");
    if (a.weights.isEmpty())
        return bad("--weights TENSOR is required");
    if (a.out.isEmpty())
        return bad("--out FILE is required (.png, .svg or .pdf)");
    if (!exportFormatForPath(a.out))
        return bad("--out: '" + a.out.toStdString() + "' must end in .png, .svg or .pdf");
    auto map = colormapOption(p, a.look.colormap);
    if (!map)
        return map.error();
    a.look.colormap = map.value();
    if (p.isSet("normalize")) {
        const auto n = normalizationFromName(p.value("normalize"));
        if (!n)
            return bad("--normalize: '" + p.value("normalize").toStdString() + "' is not global, row or log");
        a.look.normalization = *n;
    }
    for (auto [name, slot] : {std::pair{"width", &a.width}, {"height", &a.height}}) {
        if (!p.isSet(name))
            continue;
        auto v = integerOption(p, name, 0, 1, kMaxExportSide);
        if (!v)
            return v.error();
        *slot = int(v.value());
    }
    for (auto [name, slot] : {std::pair{"layer", &a.layer}, {"head", &a.head}, {"query", &a.query}}) {
        auto v = optionalIndex(p, name);
        if (!v)
            return v.error();
        *slot = v.value();
    }
    auto view = readViewOptions(p, ViewRequest::Mode::Single);
    if (!view)
        return view.error();
    a.view = std::move(view.value());
    if (a.view.fuseGiven && a.head)
        return bad("--fuse goes without --head (it reduces every head of the layer)");
    if (a.view.request.mode == ViewRequest::Mode::Rollout && a.head)
        return bad("--rollout goes without --head (it fuses every head of each layer)");
    const ViewRequest &vr = a.view.request;
    a.viewGiven = vr.mode != ViewRequest::Mode::Single || vr.mergeSubwords || vr.renormalize || !a.view.hideLists.isEmpty();
    a.bare = p.isSet("bare");
    if (p.isSet("reduce")) {
        auto mean = reduceIsMean(p);
        if (!mean)
            return mean.error();
        if (!a.bare)
            return bad("--reduce goes with --bare (the labelled picture shows every cell)");
        a.mean = mean.value();
        if (a.mean && a.look.normalization != ColorNormalization::Global)
            return bad("--reduce mean goes with --normalize global only");
    }
    a.title = p.value("title");
    a.image = p.value("image");
    a.tokens = p.value("tokens");
    a.keyTokens = p.value("key-tokens");
    a.grid = p.value("grid");
    a.picture = p.value("view");
    if (p.isSet("view")) {
        if (a.picture != QLatin1String("model"))
            return bad("--view: '" + a.picture.toStdString() + "' is not model or head");
        if (a.bare || p.isSet("image"))
            return bad(std::string("--view does not go with --") + (a.bare ? "bare" : "image"));
        for (const char *name : {"layer", "head", "width", "height", "normalize", "query", "tokens", "key-tokens"})
            if (p.isSet(name))
                return bad(std::string("--") + name + " does not go with --view model: it draws every layer and head");
        if (a.viewGiven)
            return bad("--fuse, --rollout, --hide-tokens, --merge-subwords and --renormalize do not go with --view model: "
                       "it draws every head as stored");
    }
    if (p.isSet("image") && a.image.isEmpty())
        return bad("--image needs a file name");
    if (!a.image.isEmpty()) {
        if (!a.query)
            return bad("--image needs --query N (the query whose attention is shown)");
        if (a.bare)
            return bad("--bare does not go with --image");
        if (exportFormatForPath(a.out) != ExportFormat::Png)
            return bad("--out: the --image overlay is written as PNG only, not '" + a.out.toStdString() + "'");
        if (!a.view.hideLists.isEmpty() || a.view.request.mergeSubwords)
            return bad("--hide-tokens and --merge-subwords do not go with --image (the keys are image patches)");
    } else if (a.query) {
        return bad("--query goes with --image");
    } else if (!a.grid.isEmpty()) {
        return bad("--grid goes with --image");
    }
    return a;
}

/// Layer and head of the bundle, checked: the index of the matrix [Tq, Tk] among the leading
/// dimensions.
Result<std::int64_t> selectMatrix(const AttentionBundle &b, const RenderArgs &a, int &layer, int &head)
{
    const std::string what = a.weights.toStdString();
    if (b.queries() == 0 || b.keys() == 0 || b.heads() == 0 || b.layers() == 0)
        return makeError(Error::Code::BadShape, what + ": the attention " + shapeToString(b.attentions.shape) + " is empty");
    const long long l = a.layer.value_or(b.layers() - 1), h = a.head.value_or(0);
    if (l >= b.layers())
        return makeError(Error::Code::BadArgument, "--layer " + std::to_string(l) + " is out of range: " + what + " has " +
                                                       std::to_string(b.layers()) + " layer(s) (0.." + std::to_string(b.layers() - 1) + ")");
    if (h >= b.heads())
        return makeError(Error::Code::BadArgument, "--head " + std::to_string(h) + " is out of range: " + what + " has " +
                                                       std::to_string(b.heads()) + " head(s) (0.." + std::to_string(b.heads() - 1) + ")");
    layer = int(l);
    head = int(h);
    return std::int64_t(l * b.heads() + h);
}

/// The attention and whatever the file holds beside it. A bare .npy holds no tokens or grid and
/// is read directly: readAttentionBundle copies a single-array file's tensor once more, which
/// costs about 0.15 s for a 4096² float32 matrix, a sixth of the --bare budget.
Result<AttentionBundle> readWeights(const QString &spec)
{
    const auto [path, name] = splitTensorSpec(spec.toStdString());
    if (!name.empty() || !QString::fromStdString(path).endsWith(QLatin1String(".npy"), Qt::CaseInsensitive))
        return readAttentionBundle(spec.toStdString());
    auto t = readNpy(path);
    if (!t)
        return t.error();
    if (t->rank() < 2 || t->rank() > 4)
        return makeError(Error::Code::BadShape, path + ": attention must be [L, H, Tq, Tk], [H, Tq, Tk] or [Tq, Tk], not " +
                                                    shapeToString(t->shape));
    AttentionBundle b;
    b.path = path;
    b.attentions = std::move(t.value());
    const int storedRank = b.attentions.rank();
    while (b.attentions.rank() < 4)
        b.attentions.shape.insert(b.attentions.shape.begin(), 1);
    noteBareLayout(b, path, storedRank, false);
    return b;
}

/// --bare: float32 cells are read in place (a 4096² matrix needs no 128 MiB double copy).
QImage bareImage(const AttentionBundle &b, std::int64_t lead, int width, int height, const ExportOptions &look)
{
    const Tensor &t = b.attentions;
    if (t.dtype == DType::F32) {
        const auto *cells = reinterpret_cast<const float *>(t.bytes.data()) + lead * b.queries() * b.keys();
        return renderBare(Eigen::Map<const Mat<float>>(cells, b.queries(), b.keys()), width, height, look.colormap,
                          look.normalization);
    }
    return renderBare(t.matrix<double>(lead), width, height, look.colormap, look.normalization);
}

/// --bare --reduce mean: each pixel the mean of the cells it covers, coloured over the min..max
/// of every cell.
QImage bareMeanImage(const Mat<double> &m, int width, int height, ColormapId map)
{
    const BinAxis rows(m.rows(), height), cols(m.cols(), width);
    const auto [lo, hi] = finiteRange(m.data(), std::size_t(m.size()));
    return renderBinned(binMeans(m, rows, cols), rows, cols, lo, hi, map);
}

/// What drawing holds beside the input: the matrix in double (not for a float32 --bare) and the
/// picture, 8 bytes a pixel (the image and its encoding's working copy); with --image 20 bytes a
/// pixel (the scaled image, the per-pixel map in double, the blended picture and its RGB32 copy).
std::uint64_t renderBytesNeeded(const AttentionBundle &b, const RenderArgs &a)
{
    const std::uint64_t cells = satMul(std::uint64_t(b.queries()), std::uint64_t(b.keys()));
    const bool inPlace = a.bare && !a.mean && b.attentions.dtype == DType::F32 && !a.viewGiven;
    const std::uint64_t pixels = satMul(std::uint64_t(a.width.value_or(4096)), std::uint64_t(a.height.value_or(4096)));
    // A view holds what `combine` holds (its peak: the fused matrix and a copy, or rollout's).
    const std::uint64_t matrix =
        a.viewGiven ? combineBytesNeeded(b.queries(), b.keys(), a.view.request.mode == ViewRequest::Mode::Rollout)
                    : satMul(cells, 8);
    return satAdd(inPlace ? 0 : matrix, satMul(pixels, a.image.isEmpty() ? 8 : 20));
}

/// `image` scaled smoothly to `size`, composited on white where it has alpha.
QImage onWhite(const QImage &image, QSize size)
{
    QImage out(size, QImage::Format_RGB32);
    if (out.isNull())
        return out;
    out.fill(Qt::white);
    QPainter painter(&out);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(QRect(QPoint(0, 0), size), image);
    return out;
}

int renderOverlay(const RenderArgs &a, const AttentionBundle &b, const Mat<double> &m)
{
    int rows = b.gridRows, cols = b.gridCols;
    if (!a.grid.isEmpty()) {
        const QStringList parts = a.grid.toLower().split(QRegularExpression(QStringLiteral("[x×]")));
        bool okR = false, okC = false;
        rows = parts.size() == 2 ? parts[0].toInt(&okR) : 0;
        cols = parts.size() == 2 ? parts[1].toInt(&okC) : 0;
        if (!okR || !okC || rows < 1 || cols < 1 || std::int64_t(rows) * cols > kMaxPatches)
            return fail("--grid: '" + a.grid.toStdString() + "' is not ROWSxCOLS with at least one patch and at most " +
                        std::to_string(kMaxPatches) + " patches");
    } else if (rows == 0) {
        return fail("--image needs --grid ROWSxCOLS: " + a.weights.toStdString() + " has no image_grid");
    }
    const std::int64_t patches = std::int64_t(rows) * cols;
    const bool cls = m.cols() == patches + 1;
    if (m.cols() != patches && !cls)
        return fail("the grid " + std::to_string(rows) + "×" + std::to_string(cols) + " does not fit " +
                    std::to_string(m.cols()) + " keys (rows·cols, or rows·cols + 1 with a leading [CLS] key)");
    if (*a.query >= m.rows())
        return fail("--query " + std::to_string(*a.query) + " is out of range: the matrix has " + std::to_string(m.rows()) +
                    " queries (0.." + std::to_string(m.rows() - 1) + ")");
    auto image = loadImage(a.image.toStdString());
    if (!image)
        return fail("--image: " + image.error().message);
    const int iw = image->width(), ih = image->height();
    if (std::max(iw, ih) > std::int64_t(kMaxImageAspect) * std::min(iw, ih))
        return fail("--image: " + a.image.toStdString() + " is " + std::to_string(iw) + " × " + std::to_string(ih) +
                    " pixels, an aspect ratio beyond " + std::to_string(kMaxImageAspect) +
                    ":1, too thin to show patches on; crop it first");
    QSize size = image->size();
    if (size.width() > kMaxExportSide || size.height() > kMaxExportSide)
        size.scale(kMaxExportSide, kMaxExportSide, Qt::KeepAspectRatio);
    size = size.expandedTo(QSize(1, 1)); // scaling rounds a thin side down, possibly to 0
    // One side given: the other follows the image's aspect ratio.
    if (a.width && !a.height)
        size = QSize(*a.width, std::clamp(int(std::lround(double(*a.width) * image->height() / image->width())), 1, kMaxExportSide));
    else if (a.height && !a.width)
        size = QSize(std::clamp(int(std::lround(double(*a.height) * image->width() / image->height())), 1, kMaxExportSide), *a.height);
    else if (a.width && a.height)
        size = QSize(*a.width, *a.height);
    if (rows > size.height() || cols > size.width())
        return fail("the grid " + std::to_string(rows) + "×" + std::to_string(cols) + " has more patches across than the " +
                    std::to_string(size.width()) + " × " + std::to_string(size.height()) + " picture has pixels");
    auto grid = PatchGrid::fromRowsCols(size, rows, cols);
    if (!grid)
        return fail(grid.error());
    // Row-major: patch r·cols + c is key r·cols + c (+ 1 after a [CLS] key).
    const Vec<double> values = m.row(*a.query).segment(cls ? 1 : 0, grid->count()).transpose();
    // The window's renderer at 50 %, nearest patch, over the image scaled onto white.
    const OverlayStyle style{a.look.colormap, a.look.normalization, 0.5, Upsampling::Nearest};
    const QImage base = onWhite(*image, size);
    if (base.isNull())
        return fail("cannot allocate a picture of " + std::to_string(size.width()) + " × " + std::to_string(size.height()) +
                    " pixels");
    const QImage picture = renderAttentionOverlay(base, values, *grid, style).convertToFormat(QImage::Format_RGB32);
    if (auto st = writeImage(picture, a.out, a.title); !st)
        return fail(st.error());
    std::printf("render: query %lld over a %d×%d patch grid%s, %d × %d px -> %s\n", *a.query, rows, cols,
                cls ? " ([CLS] key left out)" : "", size.width(), size.height(), a.out.toUtf8().constData());
    return kExitOk;
}

int renderBundle(const QCommandLineParser &p, RenderArgs &a, AttentionBundle &bundle)
{
    if (a.picture == QLatin1String("model"))
        return renderModelView(bundle, a.out, a.title, a.look.colormap);
    int layer = 0, head = 0;
    auto lead = selectMatrix(bundle, a, layer, head);
    if (!lead)
        return fail(lead.error());
    if (auto st = reserveMemory(renderBytesNeeded(bundle, a), "drawing " + a.weights.toStdString()); !st)
        return fail(withBudgetHint(st.error()));
    if (auto st = applyTokenFiles(a.tokens, a.keyTokens, bundle); !st)
        return fail(st.error());
    std::optional<ViewResult> view;
    if (a.viewGiven || (a.image.isEmpty() && !a.bare)) {
        auto v = computeRenderView(a.view, bundle, layer, head);
        if (!v)
            return fail(v.error());
        view = std::move(v.value());
        warnAll(view->warnings);
    }
    if (!a.image.isEmpty())
        return renderOverlay(a, bundle, view ? view->values : bundle.attentions.matrix<double>(*lead));

    const Eigen::Index tq = view ? view->values.rows() : bundle.queries(), tk = view ? view->values.cols() : bundle.keys();
    if (a.bare) {
        const int w = a.width.value_or(bareSide(tk)), h = a.height.value_or(bareSide(tq));
        const QImage picture = a.mean ? bareMeanImage(view ? view->values : bundle.attentions.matrix<double>(*lead), w, h,
                                                      a.look.colormap)
                               : view ? renderBare(view->values, w, h, a.look.colormap, a.look.normalization)
                                      : bareImage(bundle, *lead, w, h, a.look);
        if (auto st = writeImage(picture, a.out, a.title); !st)
            return fail(st.error());
        std::printf("render: [%lld, %lld] bare%s, %d × %d -> %s\n", static_cast<long long>(tq), static_cast<long long>(tk),
                    a.mean ? " (mean of each pixel's cells)" : "", w, h, a.out.toUtf8().constData());
        return kExitOk;
    }
    auto labels = pictureLabels(bundle, *view);
    if (!labels)
        return fail(labels.error());
    a.look.width = a.width.value_or(kDefaultWidth);
    a.look.height = a.height.value_or(kDefaultHeight);
    HeatmapView::Content content;
    content.values = std::make_shared<const Mat<double>>(std::move(view->values));
    content.rowLabels = toQStringList(labels->first);
    content.colLabels = toQStringList(labels->second);
    content.title = p.isSet("title") ? a.title : defaultTitle(bundle, a.view.request.mode, *view);
    if (auto st = exportHeatmap(content, a.look, a.out); !st)
        return fail(st.error());
    std::printf("render: [%lld, %lld] %s, %d × %d -> %s\n", static_cast<long long>(tq), static_cast<long long>(tk),
                view->description.c_str(), a.look.width, a.look.height, a.out.toUtf8().constData());
    return kExitOk;
}

} // namespace

int renderCommand(const QStringList &args)
{
    QCommandLineParser p;
    addValueOption(p, "weights", "Attention [L, H, Tq, Tk], [H, Tq, Tk] or [Tq, Tk], or a bundle.", "TENSOR");
    addValueOption(p, "layer", "The layer (default: the last).", "L");
    addValueOption(p, "head", "The head (default 0).", "H");
    addValueOption(p, "tokens", "Query labels: UTF-8, one token per line.", "FILE");
    addValueOption(p, "key-tokens", "Key labels: UTF-8, one token per line.", "FILE");
    addValueOption(p, "out", "The picture: .png, .svg or .pdf.", "FILE");
    addValueOption(p, "width", "Width in pixels (PDF: points).", "PX");
    addValueOption(p, "height", "Height in pixels (PDF: points).", "PX");
    addValueOption(p, "colormap", "viridis (default), magma, gray or coolwarm.", "MAP");
    addValueOption(p, "normalize", "global (default), row or log.", "HOW");
    addValueOption(p, "title", "The title above the heatmap.", "TEXT");
    addFlagOption(p, "bare", "Only the cells: no axes, labels or colour scale.");
    addValueOption(p, "image", "Show query --query's attention over this image's patches.", "IMAGE");
    addValueOption(p, "query", "The query shown over the image.", "N");
    addValueOption(p, "grid", "The patch grid, e.g. 14x14 (default: the bundle's image_grid).", "ROWSxCOLS");
    addValueOption(p, "fuse", "Reduce every head of the layer: mean, max or min (not with --head).", "HOW");
    addFlagOption(p, "rollout", "Attention rollout over layers 0..--layer (square attention only).");
    addValueOption(p, "discard-ratio", "With --rollout: zero this fraction R in [0, 1) of each fused layer's smallest "
                                       "off-diagonal entries first.", "R");
    addFlagOption(p, "merge-subwords", "Merge sub-word pieces into words (to a word: sum; from a word: mean).");
    addValueOption(p, "hide-tokens", "Drop these key columns: indices, #N, =TEXT or token texts, comma-separated.", "LIST");
    addFlagOption(p, "hide-rows", "With --hide-tokens: drop the hidden tokens' rows (queries) too.");
    addFlagOption(p, "renormalize", "Divide each remaining row by its sum.");
    addValueOption(p, "view", "model: every layer × head of a bundle in one picture; head: the head view of a layer.",
                   "VIEW");
    addValueOption(p, "reduce", "--bare where a pixel covers several cells: max (default) or mean of their values.", "HOW");
    addAttentionInputOptions(p, false); // --q/--k …: the streamed picture
    addMemoryBudgetOption(p);
    if (auto exit = parseOrExit(p, args, QString::fromUtf8(kUsage)))
        return *exit;
    if (auto st = applyThreadsOption(p); !st)
        return fail(st.error());
    if (wantsStreamed(p))
        return renderStreamed(p);
    if (p.value("view") == QLatin1String("head"))
        return renderHeadView(p);
    auto parsed = readArgs(p);
    if (!parsed)
        return fail(parsed.error());
    RenderArgs &a = parsed.value();
    if (auto st = applyMemoryBudgetOption(p); !st)
        return fail(st.error());

    auto bundle = readWeights(a.weights);
    if (!bundle)
        return fail(bundle.error());
    // Said only once the picture is written: a failed run prints nothing on stdout.
    const int exit = renderBundle(p, a, *bundle);
    if (exit == kExitOk && !bundle->layoutNote.empty())
        std::printf("render: %s\n", bundle->layoutNote.c_str());
    return exit;
}

} // namespace attnscope::cli
