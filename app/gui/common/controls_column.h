#pragma once
// The column of controls at the left of the Imported-attention and Image tabs.

#include <QScrollArea>

#include <algorithm>

namespace attnscope {

/// `controls` in a vertical scroll area exactly as wide as they need, plus room for the scroll
/// bar, so that the view beside it gets the rest of the width.
inline QScrollArea *controlsColumn(QWidget *controls, QWidget *parent)
{
    auto *scroll = new QScrollArea(parent);
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    // As wide as the controls; a narrow window may squeeze it, and it scrolls then.
    const int width = controls->sizeHint().width() + 24;
    scroll->setMaximumWidth(width);
    scroll->setMinimumWidth(std::min(width, 150));
    return scroll;
}

} // namespace attnscope
