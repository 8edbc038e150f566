#pragma once
// The controls of the Imported attention and Image tabs as text, for sessions ("view.pages" in
// docs/session-format.md): a control's value written as a string, and set back from one. A value
// that does not parse or lies outside the control's range leaves the control as it is, since the
// file may come from a newer version or a text editor.

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

class QComboBox;
class QWidget;

namespace attnscope {

/// Keys "<page>.<control>" (`attention.layer`, `image.opacity`); values plain text.
using PageSettings = QMap<QString, QString>;
/// The controls a page keeps in sessions, in the order they are set back (a control whose range
/// depends on another comes after it).
using SettingControls = std::vector<std::pair<QString, QWidget *>>;

/// Gives a combo box's items stable names, written to sessions instead of their indices; one
/// name per item, in order.
void nameComboItems(QComboBox *box, const QStringList &names);

/// The value of a QSpinBox or QSlider (an integer), a QDoubleSpinBox (the shortest decimal that
/// reads back exactly), a QCheckBox (`true` / `false`), a QComboBox (its item's name) or a
/// QLineEdit (its text).
QString settingOf(const QWidget *control);
/// Sets `control` from settings[key] when the key is present and its value valid for the
/// control: a number within its range, `true` / `false`, the name of an enabled item. Returns
/// whether the control was set.
bool applySetting(const PageSettings &settings, const QString &key, QWidget *control);

/// Writes every control of `controls` into a map, and sets them back from one; returns one note
/// per key present whose value could not be used (the control kept its value), naming both.
PageSettings settingsOf(const SettingControls &controls);
QStringList applySettings(const PageSettings &settings, const SettingControls &controls);

/// A page's settings as its part of a session: keys without the "<page>." prefix, values JSON
/// strings; and back (a value that is not a string is left out with a note).
QJsonObject settingsToJson(const PageSettings &settings, const QString &prefix);
PageSettings settingsFromJson(const QJsonObject &json, const QString &prefix, QStringList *notes);

/// Integers separated by commas ("3,4,12"); nullopt when an entry is not an integer in lo..hi or
/// the list is empty.
std::optional<QList<int>> intListSetting(const QString &text, int lo, int hi);

} // namespace attnscope
