#pragma once
// attnscope-cli render --view head: the head view of one layer of a bundle (render_head_view.cpp).

class QCommandLineParser;

namespace attnscope::cli {

/// `render --weights BUNDLE --view head [--layer L] [--query N] --out FILE [--width PX]
/// [--height PX] [--title TEXT]`: every head of layer L (default the last), one colour each,
/// links >= 0.02 with opacity = weight, from query N only when given. The exit status.
int renderHeadView(const QCommandLineParser &parser);

} // namespace attnscope::cli
