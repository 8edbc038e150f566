#pragma once
// `render --view model`: every layer × head of a bundle in one picture (render_model_view.cpp).

#include <QString>

#include "attention_bundle.h"
#include "colormap.h"

namespace attnscope::cli {

/// Pixels per head of the grid, by default.
inline constexpr int kModelViewCellSide = 200;

/// Draws every layer × head of `bundle` (rows layers, columns heads, one shared colour scale,
/// `cellSide` pixels per cell plus labels, a colour bar and `title`, or the file's name) to
/// `out` (.png, .svg, .pdf). Returns the exit status, printing one line or one error.
int renderModelView(const AttentionBundle &bundle, const QString &out, const QString &title, ColormapId colormap,
                    int cellSide = kModelViewCellSide);

} // namespace attnscope::cli
