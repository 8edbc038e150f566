#pragma once
// Every enumerated value the window reads from a session file or from its settings, in one
// table per enumeration: the name written to files, the value, and the fallback used for a name
// the table does not know (docs/session-format.md: "the window falls back to its default"). A
// value that needed the fallback is reported by name, for the status bar, never dereferenced.

#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

#include "attention.h"
#include "colormap.h"
#include "explorer.h"
#include "session_file.h"

namespace attnscope {

/// One enumeration: names in files and their values, in the order of the control that shows
/// them (a value's index in `entries` is its combo-box index). The first entry is the fallback.
template <class T>
struct ChoiceTable {
    struct Entry {
        QString name;
        T value;
    };
    QString field; ///< as named in messages: "view.colormap"
    std::vector<Entry> entries;

    const T &fallback() const { return entries.front().value; }
    std::optional<T> find(const QString &name) const
    {
        for (const Entry &e : entries)
            if (e.name == name)
                return e.value;
        return std::nullopt;
    }
    /// The value named `name`, or the fallback with a note appended to `notes` naming the
    /// ignored value.
    T read(const QString &name, QStringList *notes) const
    {
        if (auto v = find(name))
            return *v;
        if (notes)
            *notes << QObject::tr("%1 \"%2\" is not known; using %3").arg(field, name, entries.front().name);
        return fallback();
    }
    QString nameOf(const T &value) const
    {
        for (const Entry &e : entries)
            if (e.value == value)
                return e.name;
        return entries.front().name;
    }
    /// The position of `value` (its control index), or 0.
    int indexOf(const T &value) const
    {
        for (std::size_t i = 0; i < entries.size(); ++i)
            if (entries[i].value == value)
                return int(i);
        return 0;
    }
    /// The value at control index `i`, or the fallback with a note when `i` is out of range.
    T atIndex(int i, QStringList *notes = nullptr) const
    {
        if (i >= 0 && std::size_t(i) < entries.size())
            return entries[std::size_t(i)].value;
        if (notes)
            *notes << QObject::tr("%1 %2 is not known; using %3").arg(field).arg(i).arg(entries.front().name);
        return fallback();
    }
    QStringList names() const
    {
        QStringList out;
        for (const Entry &e : entries)
            out << e.name;
        return out;
    }
};

/// View → Colour map for weights: viridis (fallback), magma, gray.
const ChoiceTable<ColormapId> &colormapChoices();
/// View → When cells are smaller than a pixel: max (fallback), mean.
const ChoiceTable<SessionState::Reduction> &reductionChoices();
/// The Scale control: sqrt (fallback), dim, none, custom.
const ChoiceTable<ScaleSpec::Mode> &scaleChoices();
/// The Mask control: none (fallback), causal, padding.
const ChoiceTable<ExplorerParams::Mask> &maskChoices();
/// The stages, by their keys: weights is the fallback, then inputs … output.
const ChoiceTable<Stage> &stageChoices();

} // namespace attnscope
