#pragma once
// Colour maps as 256-entry lookup tables: viridis (the colour-blind-safe default) and magma from
// matplotlib's published tables, gray from black (low) to white (high), and coolwarm, diverging,
// for signed values centred on zero.

#include <QColor>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>

class QCPColorGradient;

namespace attnscope {

enum class ColormapId { Viridis, Magma, Gray, Coolwarm };

class Colormap {
public:
    static const Colormap &get(ColormapId id);
    static std::optional<ColormapId> fromName(const QString &name); ///< "viridis", …
    static QStringList names();
    static QString name(ColormapId id);

    ColormapId id() const { return m_id; }
    bool diverging() const { return m_id == ColormapId::Coolwarm; }
    /// The colour at t in [0, 1] (clamped; NaN maps to the lowest colour).
    QRgb at(double t) const
    {
        if (!(t > 0))
            return m_lut[0];
        if (t >= 1)
            return m_lut[255];
        return m_lut[std::size_t(t * 256.0)];
    }
    const std::array<QRgb, 256> &lut() const { return m_lut; }
    /// The same map as a QCustomPlot gradient.
    QCPColorGradient gradient() const;

private:
    explicit Colormap(ColormapId id);
    ColormapId m_id;
    std::array<QRgb, 256> m_lut{};
};

} // namespace attnscope
