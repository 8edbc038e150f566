#pragma once
// The window's pages, in the order of their tabs. A new page is a folder under app/gui/pages/
// (a Page subclass, see page.h) and one line in pages.cpp.

#include <QList>

class QWidget;

namespace attnscope {

class Page;

/// Makes one of each page, children of `parent`.
QList<Page *> createPages(QWidget *parent);

} // namespace attnscope
