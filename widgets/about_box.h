#pragma once

class QWidget;

namespace attnscope {

/// The About box: what AttnScope is, its version, and the libraries it stands on.
void showAboutBox(QWidget *parent);

} // namespace attnscope
