#include "explorer_params.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QObject>

#include <cmath>

#include "session_values.h"
#include "settings.h"

namespace attnscope {
namespace {

constexpr double kExactIntegers = 9007199254740992.0; // 2⁵³: JSON numbers are exact below it

/// Reads one field; each read* leaves `out` alone and adds a note when the value does not fit.
class FieldReader {
public:
    FieldReader(const QJsonObject &json, QStringList *notes) : m_json(json), m_notes(notes) {}

    void readString(const char *key, std::string &out) const
    {
        if (const QJsonValue v = m_json.value(QLatin1String(key)); v.isString())
            out = v.toString().toStdString();
        else if (!v.isUndefined())
            note(key, QObject::tr("is not a string"));
    }
    void readBool(const char *key, bool &out) const
    {
        if (const QJsonValue v = m_json.value(QLatin1String(key)); v.isBool())
            out = v.toBool();
        else if (!v.isUndefined())
            note(key, QObject::tr("is not true or false"));
    }
    void readInt(const char *key, int lo, int hi, int &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || d != std::floor(d) || d < lo || d > hi)
            note(key, QObject::tr("%1 is not an integer within %2..%3").arg(text(v)).arg(lo).arg(hi));
        else
            out = int(d);
    }
    void readDouble(const char *key, bool positive, double &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || !std::isfinite(d) || (positive && !(d > 0)))
            note(key, QObject::tr("%1 is not a finite%2 number").arg(text(v), positive ? QObject::tr(" positive") : QString()));
        else
            out = d;
    }
    void readSeed(const char *key, std::uint64_t &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        bool ok = false;
        std::uint64_t seed = 0;
        if (v.isString()) {
            seed = v.toString().toULongLong(&ok, 10);
        } else if (v.isDouble()) {
            const double d = v.toDouble();
            ok = d >= 0 && d <= kExactIntegers && d == std::floor(d);
            seed = ok ? std::uint64_t(d) : 0;
        }
        if (ok)
            out = seed;
        else
            note(key, QObject::tr("%1 is not an integer within 0..2⁶⁴ − 1").arg(text(v)));
    }
    template <class T>
    void readChoice(const char *key, const ChoiceTable<T> &table, T &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        if (auto value = table.find(v.toString()); v.isString() && value)
            out = *value;
        else
            note(key, QObject::tr("%1 is not one of %2").arg(text(v), table.names().join(QStringLiteral(", "))));
    }
    void readIndices(const char *key, std::vector<int> &out) const
    {
        const QJsonValue v = m_json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        std::vector<int> indices;
        for (const QJsonValue &e : v.toArray()) {
            const double d = e.toDouble(-1);
            if (!e.isDouble() || d < 0 || d > 1e9 || d != std::floor(d)) {
                note(key, QObject::tr("%1 is not a list of indices ≥ 0").arg(text(v)));
                return;
            }
            indices.push_back(int(d));
        }
        if (!v.isArray())
            note(key, QObject::tr("%1 is not a list of indices ≥ 0").arg(text(v)));
        else
            out = std::move(indices);
    }

private:
    void note(const char *key, const QString &what) const
    {
        if (m_notes)
            *m_notes << QStringLiteral("explorer.%1: %2").arg(QLatin1String(key), what);
    }
    static QString text(const QJsonValue &v)
    {
        if (v.isString())
            return QLatin1Char('"') + v.toString() + QLatin1Char('"');
        return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    }
    const QJsonObject &m_json;
    QStringList *m_notes;
};

} // namespace

ExplorerParams defaultTextParams()
{
    ExplorerParams p;
    p.text = "The cat sat on the mat because it was tired .";
    p.context = "Le chat était fatigué .";
    return p;
}

QJsonObject paramsToJson(const ExplorerParams &p)
{
    QJsonArray padded;
    for (int j : p.paddedKeys)
        padded.append(j);
    return QJsonObject{
        {"text", QString::fromStdString(p.text)},
        {"context", QString::fromStdString(p.context)},
        {"cross", p.cross},
        {"dModel", p.dModel},
        {"dHead", p.dHead},
        {"heads", p.heads},
        {"head", p.head},
        {"seed", double(p.seed) <= kExactIntegers ? QJsonValue(double(p.seed)) : QJsonValue(QString::number(p.seed))},
        {"scale", scaleChoices().nameOf(p.scale)},
        {"customScale", p.customScale},
        {"temperature", p.temperature},
        {"mask", maskChoices().nameOf(p.mask)},
        {"paddedKeys", padded},
    };
}

ExplorerParams paramsFromJson(const QJsonObject &json, ExplorerParams p, QStringList *notes)
{
    const FieldReader r(json, notes);
    r.readString("text", p.text);
    r.readString("context", p.context);
    r.readBool("cross", p.cross);
    r.readInt("dModel", 1, 65536, p.dModel);
    r.readInt("dHead", 1, 65536, p.dHead);
    r.readInt("heads", 1, 4096, p.heads);
    r.readInt("head", 0, p.heads - 1, p.head);
    p.head = std::min(p.head, p.heads - 1);
    r.readSeed("seed", p.seed);
    r.readChoice("scale", scaleChoices(), p.scale);
    r.readDouble("customScale", false, p.customScale);
    r.readDouble("temperature", true, p.temperature);
    r.readChoice("mask", maskChoices(), p.mask);
    r.readIndices("paddedKeys", p.paddedKeys);
    return p;
}

ExplorerParams rememberedTextParams()
{
    const QByteArray text = Settings::value(Settings::Key::ExplorerParams).toString().toUtf8();
    // Settings written by hand or by another version: what cannot be read is the default.
    return paramsFromJson(QJsonDocument::fromJson(text).object(), defaultTextParams(), nullptr);
}

void rememberTextParams(const ExplorerParams &p)
{
    Settings::setValue(Settings::Key::ExplorerParams,
                       QString::fromUtf8(QJsonDocument(paramsToJson(p)).toJson(QJsonDocument::Compact)));
}

} // namespace attnscope
