#pragma once
// The one overlay renderer: attention over image patches drawn on a picture of the image, for
// the Image tab and `attnscope-cli render --image` alike.

#include <QImage>

#include <optional>

#include "colormap.h"
#include "heatmap_export.h"
#include "image_attention.h"
#include "image_patches.h"

namespace attnscope {

/// How renderAttentionOverlay colours and blends.
struct OverlayStyle {
    ColormapId colormap = ColormapId::Viridis;
    /// Unset: the values divided by their maximum (scaleToMax), so that 0 is the lowest colour
    /// and the strongest patch the top one (the Image tab). Set: normalised over all patches as
    /// renderBare normalises a matrix (the command line's --normalize; Row is Global for one row).
    std::optional<ColorNormalization> normalization;
    double opacity = 0.5;                     ///< of the colour over the picture, in [0, 1]
    Upsampling upsampling = Upsampling::Nearest;
};

/// `picture`, any size, showing the image that `grid` divides, with `values` (one per patch,
/// grid.count(), patch r·cols + c) drawn over it: the values scaled into the colour map as
/// `style` says, spread over the picture's pixels (upsampleToImage) and blended at
/// style.opacity (blendOverlay). Format_ARGB32 with the picture's alpha. Requires a non-empty
/// picture and values.size() == grid.count() (asserts).
QImage renderAttentionOverlay(const QImage &picture, const Vec<double> &values, const PatchGrid &grid,
                              const OverlayStyle &style);

} // namespace attnscope
