#include "cell_values.h"

#include <QLocale>
#include <QObject>

#include <cmath>

namespace attnscope {

CellKind cellKind(double v, bool masked)
{
    if (std::isnan(v))
        return CellKind::NaN;
    if (!std::isinf(v))
        return CellKind::Finite;
    if (v > 0)
        return CellKind::PosInf;
    return masked ? CellKind::Masked : CellKind::NegInf;
}

QColor specialCellColor(CellKind kind)
{
    switch (kind) {
    case CellKind::Finite: return QColor();
    case CellKind::Masked: return QColor(150, 150, 150);
    case CellKind::NaN: return QColor(255, 0, 255);
    case CellKind::PosInf: return QColor(0, 255, 255);
    case CellKind::NegInf: return QColor(0, 255, 0);
    }
    return QColor();
}

QString specialCellName(CellKind kind)
{
    switch (kind) {
    case CellKind::Finite: return QString();
    case CellKind::Masked: return QObject::tr("masked (−∞)");
    case CellKind::NaN: return QObject::tr("NaN");
    case CellKind::PosInf: return QObject::tr("+∞");
    case CellKind::NegInf: return QObject::tr("−∞ (not masked)");
    }
    return QString();
}

QString cellValueText(double v, bool masked, int digits, bool signedPlus)
{
    const CellKind kind = cellKind(v, masked);
    if (kind != CellKind::Finite)
        return specialCellName(kind);
    QString text = QString::number(v, 'g', digits);
    if (signedPlus && v >= 0)
        text.prepend(QLatin1Char('+'));
    return text;
}

std::optional<double> typedCellValue(const QString &text)
{
    const QString t = text.trimmed();
    bool ok = false;
    double v = QLocale().toDouble(t, &ok);
    if (!ok)
        v = t.toDouble(&ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

} // namespace attnscope
