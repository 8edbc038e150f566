#include "settings.h"

#include <QSettings>
#include <QStringList>

namespace attnscope {
namespace {

struct Entry {
    Settings::Key key;
    const char *name;
    QVariant fallback;
};

const Entry &entry(Settings::Key key)
{
    static const Entry table[] = {
        {Settings::Key::Geometry, "window/geometry", QByteArray()},
        {Settings::Key::WindowState, "window/state", QByteArray()},
        {Settings::Key::ExplorerParams, "explorer/params", QString()},
        {Settings::Key::Colormap, "view/colormap", QStringLiteral("viridis")},
        {Settings::Key::Reduction, "view/reduction", QStringLiteral("max")},
        {Settings::Key::RecentFiles, "files/recent", QStringList()},
        {Settings::Key::Stage, "view/stage", QStringLiteral("weights")},
        {Settings::Key::MemoryBudget, "memory/budget", QString()},
        {Settings::Key::LastModelFolder, "files/lastModelFolder", QString()},
        {Settings::Key::NumbersInCells, "view/numbersInCells", true},
        {Settings::Key::FixedWeightScale, "view/fixedWeightScale", false},
        {Settings::Key::Language, "view/language", QStringLiteral("system")},
        {Settings::Key::LessonStep, "lesson/step", 1},
        {Settings::Key::Threads, "compute/threads", 0},
    };
    return table[int(key)];
}

} // namespace

QVariant Settings::defaultValue(Key key) { return entry(key).fallback; }

QVariant Settings::value(Key key)
{
    const Entry &e = entry(key);
    QVariant v = QSettings().value(QLatin1String(e.name), e.fallback);
    if (!v.canConvert(e.fallback.metaType()) || !v.convert(e.fallback.metaType()))
        return e.fallback;
    return v;
}

void Settings::setValue(Key key, const QVariant &value) { QSettings().setValue(QLatin1String(entry(key).name), value); }

} // namespace attnscope
