#include "pages.h"

#include "attention_page.h"
#include "explorer_page.h"
#include "image_page.h"

namespace attnscope {

QList<Page *> createPages(QWidget *parent)
{
    return {
        new ExplorerPage(parent),
        new AttentionPage(parent),
        new ImagePage(parent),
    };
}

} // namespace attnscope
