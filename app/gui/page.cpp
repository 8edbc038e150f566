#include "page.h"

#include <QImage>

#include "picture_export.h"

namespace attnscope {

bool Page::setLayerHead(int layer, int head, QString *error)
{
    (void)layer, (void)head, (void)error;
    return true; // a page without layers or heads has nothing to set
}

bool Page::openRole(const QString &role, const QString &path, QString *error)
{
    (void)role, (void)path;
    if (error)
        error->clear();
    return false;
}

bool Page::exportPicture(const QString &path, QSize size, double scale, QString *error)
{
    (void)path, (void)size, (void)scale;
    return failWith(error, tr("this tab has no picture to export"));
}

QImage Page::renderPicture(QSize size, double scale) const
{
    (void)size, (void)scale;
    return QImage();
}

bool Page::exportData(const QString &path, QString *error)
{
    (void)path;
    return failWith(error, tr("this tab has no data to export"));
}

} // namespace attnscope
