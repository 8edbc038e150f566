#pragma once
// A Hugging Face image processor (ViTImageProcessor, DeiTImageProcessor and their older
// *FeatureExtractor names): what `preprocessor_config.json` says, and an image turned into the
// pixel values a ViT reads, exactly as transformers does it with PIL: RGB, resize with PIL's
// resampling filters on uint8, centre crop, rescale, normalise, channels first.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <QImage>

#include "result.h"
#include "tensor.h"

namespace attnscope {

/// PIL's resampling filters, by the integer codes `resample` holds in preprocessor_config.json.
enum class PilResample { Nearest = 0, Lanczos = 1, Bilinear = 2, Bicubic = 3, Box = 4, Hamming = 5 };
/// "nearest", "lanczos", "bilinear", "bicubic", "box", "hamming".
const char *pilResampleName(PilResample r);

/// What an image processor does, with transformers' defaults for the keys a file leaves out.
/// Invariants (loadImageProcessor checks them): sizes are 0 (see below) or in [1, 8192]; mean and
/// std finite, std nonzero; rescaleFactor finite.
struct HfImageProcessor {
    bool doConvertRgb = true; ///< always: alpha is dropped, grey is repeated (the model reads RGB)
    bool doResize = true;
    /// Resize to resizeHeight × resizeWidth; 0 × 0 means the model's image_size (the default
    /// when there is no file). Ignored when shortestEdge > 0.
    int resizeHeight = 0;
    int resizeWidth = 0;
    /// `size: {"shortest_edge": n}`: the shorter side becomes n, the longer
    /// int(n · long / short), keeping the aspect ratio.
    int shortestEdge = 0;
    PilResample resample = PilResample::Bilinear;
    bool doCenterCrop = false;
    int cropHeight = 0; ///< with doCenterCrop; 0 × 0 means the model's image_size
    int cropWidth = 0;
    bool doRescale = true;
    double rescaleFactor = 1.0 / 255.0;
    bool doNormalize = true;
    std::array<float, 3> imageMean{0.5f, 0.5f, 0.5f}; ///< per channel R, G, B
    std::array<float, 3> imageStd{0.5f, 0.5f, 0.5f};
    /// The file read, or "" for the defaults (no preprocessor_config.json).
    std::string source;
};

/// Reads `dir`/preprocessor_config.json (at most 1 MiB). Without the file: ViT's defaults
/// (resize to image_size, bilinear, rescale 1/255, mean and std 0.5). Keys left out take the
/// defaults of the class `image_processor_type` (or `feature_extractor_type`) names: DeiT's
/// (256 × 256 bicubic, centre crop 224) or ViT's (224 × 224 bilinear, no crop); both rescale by
/// 1/255 and normalise with mean and std 0.5 (transformers' IMAGENET_STANDARD_*). `size` and `crop_size` may be {"height","width"},
/// {"shortest_edge"}, an int or [height, width]. Errors name the file and the key: broken JSON,
/// a key of the wrong type, a size out of range, an unknown `resample` code, a zero std.
Result<HfImageProcessor> loadImageProcessor(const std::string &dir);

/// An 8-bit RGB image, row-major, 3 bytes per pixel (R, G, B): pixels.size() == width·height·3.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;
};

/// `image` as RGB the way PIL's convert("RGB") does it: alpha dropped (not composited), grey
/// repeated into the three channels, palette expanded.
RgbImage toRgbImage(const QImage &image);

/// PIL's Image.resize(width, height, filter) on RGB uint8, bit for bit: nearest through PIL's
/// affine scale (sample at (x + 0.5)·in/out, accumulated), the others through its two-pass
/// convolution (horizontal, then vertical; a pass skipped when its size does not change), the
/// filter support scaled by in/out when downscaling, 22-bit fixed-point coefficients and
/// rounding back to uint8 after each pass. An image already at the size is returned unchanged.
/// Requires width, height >= 1 and a non-empty `in`.
RgbImage resizeLikePil(const RgbImage &in, int width, int height, PilResample filter);

/// The crop transformers' center_crop takes: top = (H − h) // 2, left = (W − w) // 2 (floor),
/// zero-padding symmetrically (ceil on the top and left) where the crop is larger than the image.
RgbImage centerCropLikeHf(const RgbImage &in, int width, int height);

/// Pixel values for a ViT: float32 [3, imageSize, imageSize], channels first (R, G, B), from
/// `image` through `p`: RGB, resize, centre crop, then x·rescaleFactor (in double, stored as
/// float32) and (x − mean) / std in float32, as transformers computes them. An image already at
/// the resize size is used pixel for pixel. Refuses (BadShape, naming both sizes) a result that is
/// not imageSize × imageSize, a null image, and (OverBudget) an image whose 6 bytes a pixel of
/// working copies do not fit the memory budget.
Result<Tensor> preprocessImage(const QImage &image, const HfImageProcessor &p, int imageSize);

} // namespace attnscope
