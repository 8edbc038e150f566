// attnscope-cli render --view model: the window's Model view as a file, drawn by the same code
// (widgets/model_picture.h).

#include "render_model_view.h"

#include <QFileInfo>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli_common.h"
#include "model_picture.h"

namespace attnscope::cli {

int renderModelView(const AttentionBundle &bundle, const QString &out, const QString &title, ColormapId colormap,
                    int cellSide)
{
    if (bundle.layers() == 0 || bundle.heads() == 0 || bundle.queries() == 0 || bundle.keys() == 0)
        return fail(bundle.path + ": the attention " + shapeToString(bundle.attentions.shape) + " is empty");
    // The thumbnails hold the bundle shared; this one lives until the function returns.
    auto shared = std::shared_ptr<const AttentionBundle>(&bundle, [](const AttentionBundle *) {});
    ModelThumbnails thumbs;
    thumbs.setColormap(colormap);
    thumbs.setSharedScale(true);
    thumbs.setBundle(shared);
    ModelGridStyle style;
    style.gap = std::max(4, cellSide / 12);
    style.rowLabelWidth = std::max(40, cellSide / 3);
    style.columnLabelHeight = std::max(22, cellSide / 6);
    const QString name = QFileInfo(QString::fromStdString(bundle.path)).fileName();
    const QString heading = !title.isEmpty() ? title
                                             : QStringLiteral("%1 — %2 layers × %3 heads, one colour scale")
                                                   .arg(name)
                                                   .arg(bundle.layers())
                                                   .arg(bundle.heads());
    int side = cellSide;
    const QSize size = modelPictureSize(thumbs, style, side);
    if (auto st = exportModelPicture(out, thumbs, style, heading, side); !st)
        return fail(st.error());
    std::printf("render: model view, %lld layers × %lld heads, %d px per head, %d × %d -> %s\n",
                static_cast<long long>(bundle.layers()), static_cast<long long>(bundle.heads()), side, size.width(),
                size.height(), out.toUtf8().constData());
    return kExitOk;
}

} // namespace attnscope::cli
