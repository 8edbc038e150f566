#include "colormap.h"

#include <qcustomplot.h>

#include "colormap_tables.h"

namespace attnscope {

Colormap::Colormap(ColormapId id) : m_id(id)
{
    const std::array<unsigned, 256> *table = nullptr;
    switch (id) {
    case ColormapId::Viridis: table = &kViridisTable; break;
    case ColormapId::Magma: table = &kMagmaTable; break;
    case ColormapId::Coolwarm: table = &kCoolwarmTable; break;
    case ColormapId::Gray: break;
    }
    for (int i = 0; i < 256; ++i)
        m_lut[std::size_t(i)] = table ? (0xff000000u | (*table)[std::size_t(i)]) : qRgb(i, i, i);
}

const Colormap &Colormap::get(ColormapId id)
{
    static const Colormap maps[] = {Colormap(ColormapId::Viridis), Colormap(ColormapId::Magma),
                                    Colormap(ColormapId::Gray), Colormap(ColormapId::Coolwarm)};
    return maps[int(id)];
}

QStringList Colormap::names() { return {"viridis", "magma", "gray", "coolwarm"}; }

QString Colormap::name(ColormapId id) { return names().at(int(id)); }

std::optional<ColormapId> Colormap::fromName(const QString &name)
{
    const int i = names().indexOf(name.toLower());
    if (i < 0)
        return std::nullopt;
    return ColormapId(i);
}

QCPColorGradient Colormap::gradient() const
{
    QCPColorGradient g;
    g.clearColorStops();
    for (int i = 0; i < 256; i += 5)
        g.setColorStopAt(i / 255.0, QColor::fromRgb(m_lut[std::size_t(i)]));
    g.setColorStopAt(1.0, QColor::fromRgb(m_lut[255]));
    g.setLevelCount(256);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    return g;
}

} // namespace attnscope
