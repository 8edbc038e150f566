#include "model_layers.h"

#include "parallel.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace attnscope {

void parallelRanges(std::int64_t n, int threads, const std::function<void(std::int64_t, std::int64_t)> &fn)
{
    const std::int64_t parts = std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(n, 1));
    if (parts <= 1) {
        fn(0, n);
        return;
    }
    // On the engine's pool (parallel.h): a kernel called inside runs on its slice's thread.
    parallelFor(parts, [&](std::int64_t p) { fn(n * p / parts, n * (p + 1) / parts); });
}

namespace {

/// Fewer rows than this per thread are not worth a thread.
constexpr std::int64_t kRowsPerThread = 16;

int threadsFor(std::int64_t rows, int threads)
{
    return int(std::clamp<std::int64_t>(rows / kRowsPerThread, 1, std::max(threads, 1)));
}

} // namespace

Mat<float> linear(const Mat<float> &x, const Mat<float> &w, const Mat<float> *bias, int threads)
{
    Mat<float> y(x.rows(), w.rows());
    parallelRanges(x.rows(), threadsFor(x.rows(), threads), [&](std::int64_t b, std::int64_t e) {
        auto rows = y.middleRows(b, e - b);
        rows.noalias() = x.middleRows(b, e - b) * w.transpose();
        if (bias)
            rows.rowwise() += bias->row(0);
    });
    return y;
}

Mat<float> affine(const Mat<float> &x, const Mat<float> &w, const Mat<float> *bias, int threads)
{
    Mat<float> y(x.rows(), w.cols());
    parallelRanges(x.rows(), threadsFor(x.rows(), threads), [&](std::int64_t b, std::int64_t e) {
        auto rows = y.middleRows(b, e - b);
        rows.noalias() = x.middleRows(b, e - b) * w;
        if (bias)
            rows.rowwise() += bias->row(0);
    });
    return y;
}

Mat<float> layerNorm(const Mat<float> &x, const Mat<float> &weight, const Mat<float> &bias, double eps)
{
    Mat<float> y(x.rows(), x.cols());
    const auto n = double(x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const auto row = x.row(r).cast<double>();
        const double mean = row.sum() / n;
        const double var = (row.array() - mean).square().sum() / n;
        const double inv = 1.0 / std::sqrt(var + eps);
        y.row(r) = ((row.array() - mean) * inv).cast<float>() * weight.row(0).array() + bias.row(0).array();
    }
    return y;
}

Mat<float> rmsNorm(const Mat<float> &x, const Mat<float> &weight, double eps)
{
    Mat<float> y(x.rows(), x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const double ms = x.row(r).cast<double>().squaredNorm() / double(x.cols());
        const auto inv = float(1.0 / std::sqrt(ms + eps));
        y.row(r) = weight.row(0).array() * (x.row(r).array() * inv);
    }
    return y;
}

void rmsNormHeads(Mat<float> &x, int headDim, const Mat<float> &weight, double eps)
{
    for (Eigen::Index r = 0; r < x.rows(); ++r)
        for (Eigen::Index c = 0; c + headDim <= x.cols(); c += headDim) {
            auto seg = x.row(r).segment(c, headDim);
            const double ms = seg.cast<double>().squaredNorm() / double(headDim);
            const auto inv = float(1.0 / std::sqrt(ms + eps));
            seg = weight.row(0).array() * (seg.array() * inv);
        }
}

void activate(Mat<float> &x, Activation a, int threads)
{
    parallelRanges(x.rows(), threadsFor(x.rows(), threads), [&](std::int64_t b, std::int64_t e) {
        auto v = x.middleRows(b, e - b).array();
        switch (a) {
        case Activation::GeluErf:
            v = v.unaryExpr([](float t) { return 0.5f * t * (1.0f + std::erf(t * float(M_SQRT1_2))); });
            break;
        case Activation::GeluTanh: {
            const float c = float(std::sqrt(2.0 / M_PI));
            v = 0.5f * v * (1.0f + (c * (v + 0.044715f * v.cube())).tanh());
            break;
        }
        case Activation::Silu:
            v = v / (1.0f + (-v).exp());
            break;
        }
    });
}

void applyRotary(Mat<float> &x, int headDim, double theta)
{
    const int half = headDim / 2;
    std::vector<float> invFreq(std::size_t(half), 0.0f);
    for (int i = 0; i < half; ++i)
        invFreq[std::size_t(i)] = 1.0f / float(std::pow(theta, double(float(2 * i) / float(headDim))));
    std::vector<float> cosv(std::size_t(half), 0.0f), sinv(std::size_t(half), 0.0f);
    for (Eigen::Index t = 0; t < x.rows(); ++t) {
        for (int i = 0; i < half; ++i) {
            const float angle = float(t) * invFreq[std::size_t(i)];
            cosv[std::size_t(i)] = std::cos(angle);
            sinv[std::size_t(i)] = std::sin(angle);
        }
        float *row = x.row(t).data();
        for (Eigen::Index c = 0; c + headDim <= x.cols(); c += headDim) {
            float *h = row + c;
            for (int i = 0; i < half; ++i) {
                const float a = h[i], b = h[i + half];
                // x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁]
                h[i] = a * cosv[std::size_t(i)] - b * sinv[std::size_t(i)];
                h[i + half] = b * cosv[std::size_t(i)] + a * sinv[std::size_t(i)];
            }
        }
    }
}

} // namespace attnscope
