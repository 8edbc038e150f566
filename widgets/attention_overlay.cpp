#include "attention_overlay.h"

#include <cassert>

namespace attnscope {

QImage renderAttentionOverlay(const QImage &picture, const Vec<double> &values, const PatchGrid &grid,
                              const OverlayStyle &style)
{
    assert(!picture.isNull() && values.size() == grid.count());
    const Colormap &map = Colormap::get(style.colormap);
    const Vec<double> t = style.normalization
                              ? Vec<double>(colourPositions(values.transpose(), *style.normalization, map.diverging()).transpose())
                              : scaleToMax(values);
    const Mat<double> perPixel = upsampleToImage(t, grid, picture.size(), style.upsampling);
    return blendOverlay(picture, perPixel, map.lut(), style.opacity);
}

} // namespace attnscope
