#pragma once
// Parses what `attnscope-cli inspect` prints (tst_cli_inspect): the array lines, the metadata
// and the bundle summary.

#include <QString>
#include <QStringList>

#include <map>

namespace attnscope::test {

/// What `inspect` printed: the first line; per array name "dtype [shape]", how an .npz stores
/// it ("stored", "deflated, 312 of 1,088 bytes") and why it is not read ("" when it is); the
/// metadata; and the bundle summary, key -> text.
struct Listing {
    QString first;
    std::map<QString, QString> arrays;
    std::map<QString, QString> storage;
    std::map<QString, QString> notRead;
    std::map<QString, QString> metadata;
    std::map<QString, QString> bundle;
    QStringList bundleKeys; ///< in the order printed
    int arrayLines = 0;
};

inline void parseArrayLine(const QString &line, Listing &l)
{
    const QString t = line.trimmed();
    const auto sp1 = t.indexOf(' ');
    const QString name = t.left(sp1);
    QString rest = t.mid(sp1).trimmed();
    const auto sp2 = rest.indexOf(' ');
    const QString dtype = rest.left(sp2);
    rest = rest.mid(sp2).trimmed();
    const auto close = rest.indexOf(']');
    l.arrays[name] = dtype + " " + rest.left(close + 1);
    rest = rest.mid(close + 1).trimmed();
    const auto note = rest.indexOf("not read: ");
    l.notRead[name] = note < 0 ? QString() : rest.mid(note + 10);
    l.storage[name] = (note < 0 ? rest : rest.left(note)).trimmed();
    ++l.arrayLines;
}

inline Listing parseListing(const QByteArray &out)
{
    Listing l;
    const QStringList lines = QString::fromUtf8(out).split('\n');
    l.first = lines.value(0);
    enum { Arrays, Meta, Bundle } part = Arrays;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString &line = lines[i];
        if (line.isEmpty())
            continue;
        if (line == "metadata:" || line == "attention bundle:") {
            part = line == "metadata:" ? Meta : Bundle;
            continue;
        }
        if (part == Meta) {
            const auto colon = line.indexOf(": ");
            l.metadata[line.mid(2, colon - 2)] = line.mid(colon + 2);
        } else if (part == Bundle) {
            const QString t = line.trimmed();
            const QString key = t.section(' ', 0, 0);
            l.bundle[key] = t.mid(key.size()).trimmed();
            l.bundleKeys << key;
        } else {
            parseArrayLine(line, l);
        }
    }
    return l;
}

} // namespace attnscope::test
