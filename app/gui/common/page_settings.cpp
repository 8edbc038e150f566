#include "page_settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QObject>
#include <QLocale>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>

#include <cassert>
#include <cmath>

namespace attnscope {
namespace {

/// The item data role holding a combo box item's stable name.
constexpr int kNameRole = Qt::UserRole + 1;

std::optional<int> toInt(const QString &text, int lo, int hi)
{
    bool ok = false;
    const int v = text.trimmed().toInt(&ok);
    return ok && v >= lo && v <= hi ? std::optional<int>(v) : std::nullopt;
}

bool applyToCombo(const QString &name, QComboBox *box)
{
    const int i = box->findData(name, kNameRole, Qt::MatchExactly);
    const auto *model = qobject_cast<const QStandardItemModel *>(box->model());
    if (i < 0 || (model && !model->item(i)->isEnabled()))
        return false;
    box->setCurrentIndex(i);
    return true;
}

bool applyToDoubleSpin(const QString &text, QDoubleSpinBox *box)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < box->minimum() || v > box->maximum())
        return false;
    box->setValue(v);
    return true;
}

} // namespace

void nameComboItems(QComboBox *box, const QStringList &names)
{
    assert(names.size() == box->count());
    for (int i = 0; i < box->count(); ++i)
        box->setItemData(i, names.at(i), kNameRole);
}

QString settingOf(const QWidget *control)
{
    if (const auto *spin = qobject_cast<const QSpinBox *>(control))
        return QString::number(spin->value());
    if (const auto *slider = qobject_cast<const QSlider *>(control))
        return QString::number(slider->value());
    if (const auto *spin = qobject_cast<const QDoubleSpinBox *>(control))
        return QString::number(spin->value(), 'g', QLocale::FloatingPointShortest);
    if (const auto *check = qobject_cast<const QCheckBox *>(control))
        return check->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    if (const auto *combo = qobject_cast<const QComboBox *>(control))
        return combo->currentData(kNameRole).toString();
    if (const auto *edit = qobject_cast<const QLineEdit *>(control))
        return edit->text();
    assert(false && "a page setting of an unsupported control");
    return QString();
}

bool applySetting(const PageSettings &settings, const QString &key, QWidget *control)
{
    const auto found = settings.constFind(key);
    if (found == settings.constEnd())
        return false;
    const QString &text = *found;
    if (auto *spin = qobject_cast<QSpinBox *>(control)) {
        const auto v = toInt(text, spin->minimum(), spin->maximum());
        if (v)
            spin->setValue(*v);
        return v.has_value();
    }
    if (auto *slider = qobject_cast<QSlider *>(control)) {
        const auto v = toInt(text, slider->minimum(), slider->maximum());
        if (v)
            slider->setValue(*v);
        return v.has_value();
    }
    if (auto *spin = qobject_cast<QDoubleSpinBox *>(control))
        return applyToDoubleSpin(text, spin);
    if (auto *check = qobject_cast<QCheckBox *>(control)) {
        if (text != QLatin1String("true") && text != QLatin1String("false"))
            return false;
        check->setChecked(text == QLatin1String("true"));
        return true;
    }
    if (auto *combo = qobject_cast<QComboBox *>(control))
        return applyToCombo(text, combo);
    if (auto *edit = qobject_cast<QLineEdit *>(control)) {
        edit->setText(text);
        return true;
    }
    assert(false && "a page setting of an unsupported control");
    return false;
}

PageSettings settingsOf(const SettingControls &controls)
{
    PageSettings out;
    for (const auto &[key, control] : controls)
        out.insert(key, settingOf(control));
    return out;
}

QStringList applySettings(const PageSettings &settings, const SettingControls &controls)
{
    QStringList ignored;
    for (const auto &[key, control] : controls)
        if (settings.contains(key) && !applySetting(settings, key, control))
            ignored << QObject::tr("%1 \"%2\" cannot be used here; kept %3").arg(key, settings.value(key), settingOf(control));
    return ignored;
}

std::optional<QList<int>> intListSetting(const QString &text, int lo, int hi)
{
    QList<int> out;
    for (const QString &entry : text.split(QLatin1Char(','))) {
        const auto v = toInt(entry, lo, hi);
        if (!v)
            return std::nullopt;
        out << *v;
    }
    return out;
}

QJsonObject settingsToJson(const PageSettings &settings, const QString &prefix)
{
    QJsonObject out;
    for (auto it = settings.constBegin(); it != settings.constEnd(); ++it)
        if (it.key().startsWith(prefix))
            out.insert(it.key().mid(prefix.size()), it.value());
    return out;
}

PageSettings settingsFromJson(const QJsonObject &json, const QString &prefix, QStringList *notes)
{
    PageSettings out;
    for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
        if (it.value().isString())
            out.insert(prefix + it.key(), it.value().toString());
        else if (notes)
            *notes << QObject::tr("%1%2 is not a string; ignored").arg(prefix, it.key());
    }
    return out;
}

} // namespace attnscope
