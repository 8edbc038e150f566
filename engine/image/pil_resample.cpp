// PIL's Image.resize on 8-bit RGB, transcribed from Pillow's src/libImaging/Resample.c
// (precompute_coeffs, normalize_coeffs_8bpc, the 8bpc passes, ImagingResampleInner) and
// Geometry.c (ImagingScaleAffine for NEAREST), so that a ViT sees the pixels transformers gives
// it. The arithmetic follows Pillow's types exactly (double coefficients, float box, 22-bit
// integer weights); this file is compiled with -ffp-contract=off so that no multiply-add is
// fused where Pillow's build does not fuse it.

#include "hf_image_processor.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <vector>

namespace attnscope {
namespace {

constexpr double kPi = 3.14159265358979323846;

double boxFilter(double x) { return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0; }

double bilinearFilter(double x)
{
    x = x < 0.0 ? -x : x;
    return x < 1.0 ? 1.0 - x : 0.0;
}

double hammingFilter(double x)
{
    x = x < 0.0 ? -x : x;
    if (x == 0.0)
        return 1.0;
    if (x >= 1.0)
        return 0.0;
    x = x * kPi;
    // Pillow writes the constants as floats: 0.54f and 0.46f, promoted to double.
    return std::sin(x) / x * (0.54f + 0.46f * std::cos(x));
}

double bicubicFilter(double x)
{
    const double a = -0.5;
    x = x < 0.0 ? -x : x;
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0)
        return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

double sincFilter(double x)
{
    if (x == 0.0)
        return 1.0;
    x = x * kPi;
    return std::sin(x) / x;
}

double lanczosFilter(double x) { return (-3.0 <= x && x < 3.0) ? sincFilter(x) * sincFilter(x / 3) : 0.0; }

struct Filter {
    double (*f)(double);
    double support;
};

Filter filterFor(PilResample r)
{
    switch (r) {
    case PilResample::Box: return {boxFilter, 0.5};
    case PilResample::Bilinear: return {bilinearFilter, 1.0};
    case PilResample::Hamming: return {hammingFilter, 1.0};
    case PilResample::Bicubic: return {bicubicFilter, 2.0};
    case PilResample::Lanczos: return {lanczosFilter, 3.0};
    case PilResample::Nearest: break;
    }
    assert(false && "nearest has no convolution filter");
    return {bilinearFilter, 1.0};
}

constexpr int kPrecisionBits = 32 - 8 - 2;

/// One output position's taps: the first input index, how many, and their integer weights.
struct Taps {
    std::vector<int> first;
    std::vector<int> count;
    std::vector<std::int32_t> weights; // out × ksize
    int ksize = 0;
};

// precompute_coeffs + normalize_coeffs_8bpc, for the whole input range (box = 0 … inSize).
Taps precomputeTaps(int inSize, int outSize, const Filter &filter)
{
    const float in0 = 0.0f, in1 = float(inSize);
    double filterscale = double(in1 - in0) / outSize;
    const double scale = filterscale;
    if (filterscale < 1.0)
        filterscale = 1.0;
    const double support = filter.support * filterscale;
    Taps t;
    t.ksize = int(std::ceil(support)) * 2 + 1;
    t.first.resize(std::size_t(outSize));
    t.count.resize(std::size_t(outSize));
    t.weights.assign(std::size_t(outSize) * std::size_t(t.ksize), 0);
    std::vector<double> k(std::size_t(t.ksize));
    const double invFilterscale = 1.0 / filterscale;
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = in0 + (xx + 0.5) * scale;
        double ww = 0.0;
        const int xmin = std::max(0, int(center - support + 0.5));
        const int xmax = std::min(inSize, int(center + support + 0.5)) - xmin;
        std::fill(k.begin(), k.end(), 0.0);
        for (int x = 0; x < xmax; ++x) {
            const double w = filter.f((x + xmin - center + 0.5) * invFilterscale);
            k[std::size_t(x)] = w;
            ww += w;
        }
        for (int x = 0; x < xmax && ww != 0.0; ++x)
            k[std::size_t(x)] /= ww;
        for (int x = 0; x < t.ksize; ++x) {
            const double v = k[std::size_t(x)];
            t.weights[std::size_t(xx) * std::size_t(t.ksize) + std::size_t(x)] =
                v < 0 ? std::int32_t(-0.5 + v * (1 << kPrecisionBits)) : std::int32_t(0.5 + v * (1 << kPrecisionBits));
        }
        t.first[std::size_t(xx)] = xmin;
        t.count[std::size_t(xx)] = xmax;
    }
    return t;
}

// clip8: the accumulator (with its rounding half already added) shifted back, clamped to a byte.
std::uint8_t clip8(int acc)
{
    const int v = acc >> kPrecisionBits;
    return std::uint8_t(std::clamp(v, 0, 255));
}

/// Horizontal pass over rows [rowFirst, rowFirst + rows) of `in`.
RgbImage resampleHorizontal(const RgbImage &in, int outWidth, int rowFirst, int rows, const Taps &t)
{
    RgbImage out{outWidth, rows, std::vector<std::uint8_t>(std::size_t(outWidth) * std::size_t(rows) * 3)};
    for (int yy = 0; yy < rows; ++yy) {
        const std::uint8_t *line = &in.pixels[std::size_t(yy + rowFirst) * std::size_t(in.width) * 3];
        std::uint8_t *dst = &out.pixels[std::size_t(yy) * std::size_t(outWidth) * 3];
        for (int xx = 0; xx < outWidth; ++xx) {
            const std::int32_t *k = &t.weights[std::size_t(xx) * std::size_t(t.ksize)];
            const std::uint8_t *src = line + std::size_t(t.first[std::size_t(xx)]) * 3;
            const int count = t.count[std::size_t(xx)];
            int ss0 = 1 << (kPrecisionBits - 1), ss1 = ss0, ss2 = ss0;
            for (int x = 0; x < count; ++x, src += 3) {
                ss0 += src[0] * k[x];
                ss1 += src[1] * k[x];
                ss2 += src[2] * k[x];
            }
            dst[std::size_t(xx) * 3 + 0] = clip8(ss0);
            dst[std::size_t(xx) * 3 + 1] = clip8(ss1);
            dst[std::size_t(xx) * 3 + 2] = clip8(ss2);
        }
    }
    return out;
}

/// Vertical pass; the taps' first rows are relative to `in`'s first row (`rowShift` subtracted).
RgbImage resampleVertical(const RgbImage &in, int outHeight, int rowShift, const Taps &t)
{
    RgbImage out{in.width, outHeight, std::vector<std::uint8_t>(std::size_t(in.width) * std::size_t(outHeight) * 3)};
    const std::size_t stride = std::size_t(in.width) * 3;
    std::vector<int> acc(stride);
    for (int yy = 0; yy < outHeight; ++yy) {
        const std::int32_t *k = &t.weights[std::size_t(yy) * std::size_t(t.ksize)];
        const std::uint8_t *rows = &in.pixels[std::size_t(t.first[std::size_t(yy)] - rowShift) * stride];
        std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
        // Row by row over the taps: the same integer sums as Pillow's, in a cache-friendly order.
        for (int y = 0, count = t.count[std::size_t(yy)]; y < count; ++y, rows += stride)
            for (std::size_t i = 0; i < stride; ++i)
                acc[i] += rows[i] * k[y];
        std::uint8_t *dst = &out.pixels[std::size_t(yy) * stride];
        for (std::size_t i = 0; i < stride; ++i)
            dst[i] = clip8(acc[i]);
    }
    return out;
}

// _resize's NEAREST: ImagingScaleAffine with a[0] = in/out, sample positions accumulated.
RgbImage resizeNearest(const RgbImage &in, int width, int height)
{
    const float boxW = float(in.width), boxH = float(in.height);
    const double a0 = double(boxW - 0.0f) / width, a4 = double(boxH - 0.0f) / height;
    auto coord = [](double v) { return v < 0.0 ? -1 : int(v); };
    std::vector<int> xin(std::size_t(width), -1);
    double xo = 0.0 + a0 * 0.5;
    for (int x = 0; x < width; ++x, xo += a0)
        xin[std::size_t(x)] = coord(xo);
    RgbImage out{width, height, std::vector<std::uint8_t>(std::size_t(width) * std::size_t(height) * 3, 0)};
    double yo = 0.0 + a4 * 0.5;
    for (int y = 0; y < height; ++y, yo += a4) {
        const int yi = coord(yo);
        if (yi < 0 || yi >= in.height)
            continue;
        for (int x = 0; x < width; ++x) {
            const int xi = xin[std::size_t(x)];
            if (xi < 0 || xi >= in.width)
                continue;
            for (int c = 0; c < 3; ++c)
                out.pixels[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 3 + std::size_t(c)] =
                    in.pixels[(std::size_t(yi) * std::size_t(in.width) + std::size_t(xi)) * 3 + std::size_t(c)];
        }
    }
    return out;
}

} // namespace

RgbImage resizeLikePil(const RgbImage &in, int width, int height, PilResample filter)
{
    assert(width >= 1 && height >= 1 && in.width >= 1 && in.height >= 1);
    if (in.width == width && in.height == height)
        return in;
    if (filter == PilResample::Nearest)
        return resizeNearest(in, width, height);
    const Filter f = filterFor(filter);
    // ImagingResampleInner: the vertical taps first, to know which rows the horizontal pass needs.
    const Taps vert = precomputeTaps(in.height, height, f);
    const int rowFirst = vert.first.front();
    const int rowLast = vert.first.back() + vert.count.back();
    if (width == in.width)
        return resampleVertical(in, height, 0, vert);
    RgbImage horizontal = resampleHorizontal(in, width, rowFirst, rowLast - rowFirst, precomputeTaps(in.width, width, f));
    if (height == in.height)
        return horizontal;
    return resampleVertical(horizontal, height, rowFirst, vert);
}

} // namespace attnscope
