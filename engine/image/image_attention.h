#pragma once
// Attention over image patches: patches attending to each other, and a prompt's tokens attending
// to the patches (text → image cross-attention, as in text-to-image generation), both built as
// ExplorerSetups so that computeExplorerHead runs them through the same stages as text; and the
// per-pixel side: a row of patch weights spread over the image's pixels and blended over it.
// Part of attnscope_image (needs Qt GUI for QImage).
//
// Per-pixel maps are Mat<double> [height, width]: row y, column x.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <QImage>
#include <QSize>

#include "explorer.h"
#include "image_patches.h"

namespace attnscope {

/// Width of the embeddings in text → image attention (text embeddings and mapped patches).
inline constexpr int kTextToImageDModel = 64;

/// The patch features as embeddings X [patches, kPatchFeatureDim]: each column has its mean over
/// the image subtracted and is divided by its standard deviation (a constant column stays 0),
/// then every entry by √kPatchFeatureDim, so that a row has about unit length like the text
/// embeddings. Raw features would let bright or textured patches win every dot product and let
/// the positional columns (variance ~0.5) drown the colour ones (~0.01); standardised, each
/// feature counts alike and Q·Kᵀ compares patches.
Mat<double> patchEmbeddings(const Mat<float> &features);

/// Self-attention among patches: X = C = patchEmbeddings(features), Wq, Wk, Wv =
/// randomProjections(kPatchFeatureDim, dHead, heads, seed). Query and key tokens are `labels`
/// (one per feature row). Refuses no patches, a label count that differs from the rows, a
/// feature width other than kPatchFeatureDim, and dHead or heads below 1.
Result<ExplorerSetup> buildImageSetup(const Mat<float> &features, const std::vector<std::string> &labels, int dHead,
                                      int heads, std::uint64_t seed);

/// Text → image cross-attention: queries X = textEmbeddings(tokens, dModel), [T, dModel]; keys
/// and values from C = patchEmbeddings(features) · M, [patches, dModel], where M
/// [kPatchFeatureDim, dModel] is a fixed linear map with N(0, 1/dModel) entries drawn from
/// `seed` (on a stream apart from the projections'), so that C's rows keep about unit length;
/// Wq, Wk, Wv = randomProjections(dModel, dHead, heads, seed). With untrained weights the maps
/// show the mechanism, not meaning. Refuses no tokens, and what buildImageSetup refuses.
Result<ExplorerSetup> buildTextToImageSetup(const std::vector<std::string> &tokens, const Mat<float> &features,
                                            const std::vector<std::string> &labels, int dHead, int heads,
                                            std::uint64_t seed, int dModel = kTextToImageDModel);

/// The map of a selection of several query rows: the mean of those rows of `weights`
/// [Tq, Tk], [Tk]; rows out of range are a bug (asserts). No rows: all zeros. The mean of
/// weight rows is again a distribution (sums to 1) when each row is one.
Vec<double> meanOfRows(const Mat<double> &weights, const std::vector<int> &rows);

/// `values` divided by its largest entry, so that the strongest patch takes the top colour;
/// unchanged when the largest entry is not positive. Entries stay in [0, 1] for weights.
Vec<double> scaleToMax(const Vec<double> &values);

enum class Upsampling {
    Nearest,  ///< each pixel takes the value of the patch it lies in (blocky, exact)
    Bilinear, ///< linear between patch centres in x and y, constant beyond the outer centres
};

/// One value per patch (grid.count(), patch order r·cols + c) spread over an `out`-sized
/// picture of the grid's image, [out.height(), out.width()]. Output pixel (x, y) stands for the
/// image point u = (x + ½)·W/out.width(), v = (y + ½)·H/out.height() (W, H the grid's image
/// size). Nearest: the value of the cell holding (u, v), cells bounded at floor(c·W/cols) and
/// floor(r·H/rows) as in PatchGrid, so at out == (W, H) every pixel of a cell equals its value.
/// Bilinear: cell centres lie at the midpoints of the cell bounds; between two neighbouring
/// centres the value changes linearly (monotone), at a centre it equals the cell's value, and
/// beyond the first or last centre it is clamped to the border cell's value. Requires
/// values.size() == grid.count() and a non-empty `out` (asserts).
Mat<double> upsampleToImage(const Vec<double> &values, const PatchGrid &grid, QSize out, Upsampling how);

/// `image` with `perPixel` [image.height(), image.width()] drawn over it through `lut`: each
/// pixel becomes (1 − opacity)·pixel + opacity·lut[index], index = clamp(⌊t·256⌋, 0, 255) as in
/// Colormap::at (NaN → 0), opacity clamped to [0, 1], rounded to the nearest 8-bit value with
/// halves rounded down (so opacity ½ gives ⌊(pixel + colour) / 2⌋, as `render --image` has).
/// Opacity 0 returns the image's colours unchanged, 1 the colour map alone. The result is
/// Format_ARGB32 with the image's alpha. A size mismatch is a bug (asserts).
QImage blendOverlay(const QImage &image, const Mat<double> &perPixel, const std::array<QRgb, 256> &lut,
                    double opacity);

} // namespace attnscope
