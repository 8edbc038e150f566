#pragma once
// The column of controls at the left of the Imported-attention and Image tabs.

#include <QScrollArea>

namespace attnscope {

/// `controls` in a vertical scroll area exactly as wide as they need, plus room for the scroll
/// bar, so that the view beside it gets the rest of the width.
inline QScrollArea *controlsColumn(QWidget *controls, QWidget *parent)
{
    auto *scroll = new QScrollArea(parent);
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(controls->sizeHint().width() + 24);
    return scroll;
}

} // namespace attnscope
