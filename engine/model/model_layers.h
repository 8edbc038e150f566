#pragma once
// The layers around the attention, in float32 on row-major matrices whose rows are positions:
// linear maps in both storage conventions, layer norm, RMS norm, the activations, and a plain
// std::thread split of row ranges.

#include <cstdint>
#include <functional>

#include "tensor.h"

namespace attnscope {

/// The MLP activations of the supported configs: `gelu` (erf), `gelu_new` / `gelu_pytorch_tanh`
/// (tanh approximation), `silu`.
enum class Activation { GeluErf, GeluTanh, Silu };

/// Calls fn(begin, end) on `threads` contiguous slices of [0, n) at once (one slice, inline,
/// when threads ≤ 1 or n is small); returns when all are done.
void parallelRanges(std::int64_t n, int threads, const std::function<void(std::int64_t, std::int64_t)> &fn);

/// nn.Linear: y = x·Wᵀ + b, W stored [out, in]; `bias` 1 × out or nullptr. Rows split over threads.
Mat<float> linear(const Mat<float> &x, const Mat<float> &w, const Mat<float> *bias, int threads);
/// y = x·W + b with W stored [in, out]: GPT-2's Conv1D as stored, and every nn.Linear, whose
/// weights are transposed once at load (see storedTransposed). Packing a column-major left
/// operand ([in, out] row-major is the transposed product's) costs Eigen far less than a
/// row-major one: LLaMA-shaped at T = 256, 0.72 of the kernel's time spent packing before.
/// `bias` 1 × out or nullptr. Rows split over threads.
Mat<float> affine(const Mat<float> &x, const Mat<float> &w, const Mat<float> *bias, int threads);

/// Each row: (x − mean) / √(var + eps) · weight + bias (biased variance, as torch.layer_norm).
Mat<float> layerNorm(const Mat<float> &x, const Mat<float> &weight, const Mat<float> &bias, double eps);
/// Each row: x / √(mean(x²) + eps) · weight (Hugging Face's LlamaRMSNorm).
Mat<float> rmsNorm(const Mat<float> &x, const Mat<float> &weight, double eps);
/// RMS norm of each `headDim`-wide slice of each row (Qwen3's q_norm / k_norm), in place.
void rmsNormHeads(Mat<float> &x, int headDim, const Mat<float> &weight, double eps);

/// The activation applied elementwise in place.
void activate(Mat<float> &x, Activation a, int threads);

/// Rotary position embedding, rotate-half convention, on each `headDim`-wide slice of each row
/// in place: row t is position t; inv_freq_i = 1 / θ^(2i/d) in float32, as Hugging Face computes it.
void applyRotary(Mat<float> &x, int headDim, double theta);

} // namespace attnscope
