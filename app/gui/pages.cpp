#include "pages.h"

#include "attention_page.h"
#include "explorer_page.h"
#include "image_page.h"
#include "long_page.h"

namespace attnscope {

QList<Page *> createPages(QWidget *parent)
{
    return {
        new ExplorerPage(parent),
        new AttentionPage(parent),
        new ImagePage(parent),
        new LongPage(parent),
    };
}

} // namespace attnscope
