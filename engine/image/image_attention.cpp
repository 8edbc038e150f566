#include "image_attention.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <optional>

#include "random.h"

namespace attnscope {
namespace {

Error bad(const std::string &message) { return makeError(Error::Code::BadArgument, message); }

/// The checks shared by both setups; empty when the arguments fit.
std::optional<Error> checkPatches(const Mat<float> &features, const std::vector<std::string> &labels, int dHead,
                                  int heads)
{
    if (features.rows() == 0)
        return bad("there are no image patches: open an image first");
    if (features.cols() != kPatchFeatureDim)
        return makeError(Error::Code::BadShape, "patch features must have " + std::to_string(kPatchFeatureDim) +
                                                    " columns, not " + std::to_string(features.cols()));
    if (labels.size() != std::size_t(features.rows()))
        return makeError(Error::Code::BadShape, std::to_string(labels.size()) + " patch labels for " +
                                                    std::to_string(features.rows()) + " patches");
    if (dHead < 1 || heads < 1)
        return bad("d_k and the number of heads must be at least 1");
    return std::nullopt;
}

/// Q, K, V of every head from X (queries) and C (keys and values).
void project(ExplorerSetup &setup, int dModel, int dHead, int heads, std::uint64_t seed)
{
    Projections p = randomProjections(dModel, dHead, heads, seed);
    setup.wq = std::move(p.wq);
    setup.wk = std::move(p.wk);
    setup.wv = std::move(p.wv);
    setup.inputs.q = splitHeads<double>(setup.x * setup.wq, heads);
    setup.inputs.k = splitHeads<double>(setup.c * setup.wk, heads);
    setup.inputs.v = splitHeads<double>(setup.c * setup.wv, heads);
}

/// Cell bounds floor(i·extent/cells), i = 0..cells, as PatchGrid::cell() draws them.
std::vector<double> cellBounds(int extent, int cells)
{
    std::vector<double> b(static_cast<std::size_t>(cells) + 1);
    for (int i = 0; i <= cells; ++i)
        b[std::size_t(i)] = double(std::int64_t(i) * extent / cells);
    return b;
}

/// Where output pixel i of `outSize` falls among the cells: the two cells to mix and the weight
/// of the second.
struct Sample {
    int lo = 0, hi = 0;
    double t = 0;
};

std::vector<Sample> samples(int extent, int cells, int outSize, Upsampling how)
{
    const std::vector<double> bounds = cellBounds(extent, cells);
    std::vector<double> centres(static_cast<std::size_t>(cells));
    for (std::size_t i = 0; i < centres.size(); ++i)
        centres[i] = (bounds[i] + bounds[i + 1]) / 2;
    std::vector<Sample> out(static_cast<std::size_t>(outSize));
    for (int i = 0; i < outSize; ++i) {
        const double u = (i + 0.5) * double(extent) / double(outSize); // the image point it stands for
        Sample &s = out[std::size_t(i)];
        if (how == Upsampling::Nearest) {
            // The last cell whose lower bound is at or before u.
            const auto it = std::upper_bound(bounds.begin(), bounds.begin() + cells, u);
            s.lo = s.hi = int(std::max<std::ptrdiff_t>(it - bounds.begin() - 1, 0));
        } else if (u <= centres.front()) {
            s.lo = s.hi = 0;
        } else if (u >= centres.back()) {
            s.lo = s.hi = cells - 1;
        } else {
            const auto it = std::upper_bound(centres.begin(), centres.end(), u); // first centre after u
            s.hi = int(it - centres.begin());
            s.lo = s.hi - 1;
            s.t = (u - centres[std::size_t(s.lo)]) / (centres[std::size_t(s.hi)] - centres[std::size_t(s.lo)]);
        }
    }
    return out;
}

} // namespace

Mat<double> patchEmbeddings(const Mat<float> &features)
{
    Mat<double> x = features.cast<double>();
    if (x.rows() == 0)
        return x;
    const double unit = 1.0 / std::sqrt(double(x.cols()));
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
        auto col = x.col(j);
        col.array() -= col.mean();
        const double sd = std::sqrt(col.squaredNorm() / double(x.rows()));
        // A feature that is the same for every patch tells them nothing apart.
        col *= sd > 1e-12 ? unit / sd : 0.0;
    }
    return x;
}

Result<ExplorerSetup> buildImageSetup(const Mat<float> &features, const std::vector<std::string> &labels, int dHead,
                                      int heads, std::uint64_t seed)
{
    if (auto e = checkPatches(features, labels, dHead, heads))
        return *e;
    ExplorerSetup setup;
    setup.queryTokens = labels;
    setup.keyTokens = labels;
    setup.x = patchEmbeddings(features);
    setup.c = setup.x;
    project(setup, kPatchFeatureDim, dHead, heads, seed);
    return setup;
}

Result<ExplorerSetup> buildTextToImageSetup(const std::vector<std::string> &tokens, const Mat<float> &features,
                                            const std::vector<std::string> &labels, int dHead, int heads,
                                            std::uint64_t seed, int dModel)
{
    if (tokens.empty())
        return bad("there are no tokens: type a prompt");
    if (auto e = checkPatches(features, labels, dHead, heads))
        return *e;
    if (dModel < 1)
        return bad("d_model must be at least 1");
    // M: the patches' 16 features into the text's width, N(0, 1/dModel) so rows keep their length.
    Random rng(stableHash("text-to-image patch map", seed));
    Mat<double> map(kPatchFeatureDim, dModel);
    const double sd = 1.0 / std::sqrt(double(dModel));
    for (Eigen::Index i = 0; i < map.size(); ++i)
        map.data()[i] = sd * rng.normal();

    ExplorerSetup setup;
    setup.crossAttention = true;
    setup.queryTokens = tokens;
    setup.keyTokens = labels;
    setup.x = textEmbeddings(tokens, dModel);
    setup.c = patchEmbeddings(features) * map;
    project(setup, dModel, dHead, heads, seed);
    return setup;
}

Vec<double> meanOfRows(const Mat<double> &weights, const std::vector<int> &rows)
{
    Vec<double> mean = Vec<double>::Zero(weights.cols());
    for (int r : rows) {
        assert(r >= 0 && r < weights.rows());
        mean += weights.row(r).transpose();
    }
    if (!rows.empty())
        mean /= double(rows.size());
    return mean;
}

Vec<double> scaleToMax(const Vec<double> &values)
{
    const double hi = values.size() > 0 ? values.maxCoeff() : 0.0;
    return hi > 0 ? Vec<double>(values / hi) : values;
}

Mat<double> upsampleToImage(const Vec<double> &values, const PatchGrid &grid, QSize out, Upsampling how)
{
    assert(values.size() == grid.count());
    assert(out.width() > 0 && out.height() > 0);
    const std::vector<Sample> xs = samples(grid.width, grid.cols, out.width(), how);
    const std::vector<Sample> ys = samples(grid.height, grid.rows, out.height(), how);
    Mat<double> map(out.height(), out.width());
    for (int y = 0; y < out.height(); ++y) {
        const Sample &sy = ys[std::size_t(y)];
        const double *top = values.data() + std::ptrdiff_t(sy.lo) * grid.cols;
        const double *bottom = values.data() + std::ptrdiff_t(sy.hi) * grid.cols;
        for (int x = 0; x < out.width(); ++x) {
            const Sample &sx = xs[std::size_t(x)];
            // Linear in x along the two rows of centres, then linear in y between them.
            const double a = top[sx.lo] + sx.t * (top[sx.hi] - top[sx.lo]);
            const double b = bottom[sx.lo] + sx.t * (bottom[sx.hi] - bottom[sx.lo]);
            map(y, x) = a + sy.t * (b - a);
        }
    }
    return map;
}

QImage blendOverlay(const QImage &image, const Mat<double> &perPixel, const std::array<QRgb, 256> &lut,
                    double opacity)
{
    assert(perPixel.rows() == image.height() && perPixel.cols() == image.width());
    const double a = std::clamp(opacity, 0.0, 1.0);
    QImage out = image.convertToFormat(QImage::Format_ARGB32);
    // The nearest 8-bit value, halves down: at opacity ½ exactly ⌊(base + over) / 2⌋.
    const auto mix = [a](int base, int over) { return int(std::ceil((1 - a) * base + a * over - 0.5)); };
    for (int y = 0; y < out.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(out.scanLine(y));
        for (int x = 0; x < out.width(); ++x) {
            const double t = perPixel(y, x);
            const QRgb c = lut[t > 0 ? std::size_t(std::min(t * 256.0, 255.0)) : 0];
            const QRgb p = line[x];
            line[x] = qRgba(mix(qRed(p), qRed(c)), mix(qGreen(p), qGreen(c)), mix(qBlue(p), qBlue(c)), qAlpha(p));
        }
    }
    return out;
}

} // namespace attnscope
