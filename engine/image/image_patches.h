#pragma once
// Images as sequences of patches: loading through Qt's image plugins with size limits and a
// check for truncated files, a grid of patches, and one feature vector per patch, so that image
// regions can be queries or keys (X or C) like tokens. Needs Qt GUI, so it is its own target,
// attnscope_image, beside the engine.

#include <cstdint>
#include <string>
#include <vector>

#include <QByteArray>
#include <QImage>
#include <QRect>
#include <QSize>

#include "result.h"
#include "tensor.h"

namespace attnscope {

/// Our own cap on width × height, independent of QT_IMAGEIO_MAXALLOC: 64 Mpixel (8192 × 8192).
inline constexpr std::int64_t kDefaultMaxImagePixels = std::int64_t(64) << 20;
/// At most this many patches in a grid (256 × 256).
inline constexpr std::int64_t kMaxPatches = 65536;

/// Loads an image with QImageReader, the format decided by content (PNG, JPEG, BMP, GIF, PPM,
/// … whatever Qt's plugins read). Refuses, with a message naming the file and the problem:
/// a missing or unreadable file; content no plugin recognises; a header claiming more than
/// `maxPixels` pixels (checked before any pixel is decoded, from Qt's header read or, where Qt
/// gives no size, our own read of a PNG IHDR or BMP header; the dimensions named); PNG, JPEG and
/// BMP files that end before their image data does (Qt would return a partly grey or black
/// image with at most a warning): PNG chunks must reach IEND, JPEG scans EOI, uncompressed BMP
/// pixel rows must fit in the file; PNG chunks whose CRC does not match; whatever the decoder
/// fails on. Bytes after IEND or EOI are ignored. Corrupt JPEG entropy data that libjpeg only
/// warns about is decoded as libjpeg renders it.
/// Qt's allocation limit is set to `maxPixels` × 8 bytes (16-bit RGBA). The result is
/// Format_ARGB32 when the image has an alpha channel, Format_RGB32 otherwise.
Result<QImage> loadImage(const std::string &path, std::int64_t maxPixels = kDefaultMaxImagePixels);

/// The file name suffixes of the formats loadImage() decodes, lower case without the dot
/// ("png", "jpg", …): those of Qt's image plugins on this machine.
std::vector<std::string> imageSuffixes();
/// Whether `path` ends in one of imageSuffixes() (case-insensitive): how file dialogs and drops
/// tell an image from other files.
bool hasImageSuffix(const std::string &path);

/// loadImage() for an image already in memory, named `what` in messages: the same format
/// detection, limits, structural checks and result. Refuses empty data.
Result<QImage> loadImageData(const QByteArray &data, const std::string &what,
                             std::int64_t maxPixels = kDefaultMaxImagePixels);

/// A grid of rows × cols patches over a width × height image. Invariants: 1 <= rows <= height,
/// 1 <= cols <= width, rows × cols <= kMaxPatches. Cell boundaries lie at floor(c·width/cols)
/// and floor(r·height/rows), so every pixel belongs to exactly one cell, no cell is empty and
/// cell sizes differ by at most one pixel. Patches are numbered row-major: r·cols + c.
struct PatchGrid {
    int width = 0;
    int height = 0;
    int rows = 0;
    int cols = 0;

    /// Patches of about `patchPixels` × `patchPixels`: rows = ceil(height / patchPixels),
    /// cols = ceil(width / patchPixels), then boundaries by floor as above (so a 10-pixel-wide
    /// image with patch size 4 has three columns of 3, 3 and 4 pixels, not 4, 4 and 2).
    static Result<PatchGrid> fromPatchSize(QSize image, int patchPixels);
    /// Exactly `rows` × `cols` patches.
    static Result<PatchGrid> fromRowsCols(QSize image, int rows, int cols);

    int count() const { return rows * cols; }
    /// The pixels of patch (r, c), 0 <= r < rows, 0 <= c < cols.
    QRect cell(int r, int c) const;
};

/// Width of a patch feature vector.
inline constexpr int kPatchFeatureDim = 16;

/// Column indices of patchFeatures(). Colours are sRGB values / 255 (no linearisation), alpha
/// is ignored; luminance Y = 0.2126 R + 0.7152 G + 0.0722 B. Gradients are differences between
/// neighbouring pixels inside the patch (gx = Y(x+1, y) − Y(x, y), gy likewise), so a patch's
/// content features depend on its own pixels only. Every column lies in [0, 1] or [−1, 1], so
/// no single feature dominates a dot product.
enum PatchFeature : int {
    kFeatMeanR = 0,       ///< [0, 1] mean red
    kFeatMeanG = 1,       ///< [0, 1] mean green
    kFeatMeanB = 2,       ///< [0, 1] mean blue
    kFeatMeanLuma = 3,    ///< [0, 1] mean luminance
    kFeatLumaStd = 4,     ///< [0, 0.5] standard deviation of luminance (contrast)
    kFeatColourSpread = 5,///< [0, 0.5] sqrt of the mean of the R, G and B variances
    kFeatChroma = 6,      ///< [0, 1] mean of max(R, G, B) − min(R, G, B) (colourfulness)
    kFeatEdgeEnergy = 7,  ///< [0, 1] (mean |gx| + mean |gy|) / 2 (texture); 0 for a flat patch
    kFeatEdgeBalance = 8, ///< [−1, 1] (mean |gx| − mean |gy|) / (mean |gx| + mean |gy|), 0 if flat;
                          ///< +1 for vertical stripes, −1 for horizontal ones
    kFeatLumaRange = 9,   ///< [0, 1] max Y − min Y
    kFeatX = 10,          ///< [0, 1] x of the patch centre / width, increasing left to right
    kFeatY = 11,          ///< [0, 1] y of the patch centre / height, increasing top to bottom
    kFeatSinX = 12,       ///< [−1, 1] sin(2π x)
    kFeatCosX = 13,       ///< [−1, 1] cos(2π x)
    kFeatSinY = 14,       ///< [−1, 1] sin(2π y)
    kFeatCosY = 15,       ///< [−1, 1] cos(2π y)
};

/// One row per patch, [grid.count(), kPatchFeatureDim], patch r·cols + c in row r·cols + c,
/// columns as PatchFeature describes. Deterministic. Requires grid.width == image.width() and
/// grid.height == image.height() (asserts).
Mat<float> patchFeatures(const QImage &image, const PatchGrid &grid);

/// Short display labels for the patches, "r0c0", "r0c1", …, in patch order.
std::vector<std::string> patchLabels(const PatchGrid &grid);

} // namespace attnscope
