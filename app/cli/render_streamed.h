#pragma once
// attnscope-cli render --q TENSOR --k TENSOR --bare: the softmax weights of one head drawn
// without storing them (render_streamed.cpp, engine/math/attention_overview.h).

#include <cstdint>

#include "result.h"

class QCommandLineParser;

namespace attnscope::cli {

/// `render (--q TENSOR --k TENSOR | --x … --wq … --wk …) [the input options of attention]
/// --bare [--head H] [--reduce max|mean] [--width PX] [--height PX] [--colormap MAP] --out FILE.png`.
/// The exit status.
int renderStreamed(const QCommandLineParser &parser);

/// The default bare size of a side of `cells` cells (see render's usage): fewer than 64 cells get
/// the same whole number of pixels each to reach at least 64, more than 4096 are shown on 4096.
int bareSide(std::int64_t cells);

/// --reduce: true for mean, false for max (the default); an error names any other value.
Result<bool> reduceIsMean(const QCommandLineParser &parser);

/// Whether the command line asks for the streamed picture (any of --q, --k, --x).
bool wantsStreamed(const QCommandLineParser &parser);

} // namespace attnscope::cli
