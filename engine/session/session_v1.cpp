// Version 1 of the session file (docs/session-format.md, "Version 1"): its sections are checked
// with version 1's rules, unchanged, and converted to the version-2 state — the explorer's flat
// fields become pages["explorer"], the other tabs' "view.pages" keys "P.X" become pages[P][X].

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include "session_fields.h"

namespace attnscope::session_detail {

namespace {

// Integers up to 2^53 are exact as JSON numbers; a larger seed is written as a decimal string.
constexpr double kMaxExactInteger = 9007199254740992.0;
constexpr std::uint64_t kMaxExactSeed = std::uint64_t(1) << 53;
constexpr int kMaxHeads = 4096;
constexpr int kMaxWidth = 1 << 16;

const std::vector<const char *> kScales = {"sqrt", "dim", "none", "custom"};
const std::vector<const char *> kMasks = {"none", "causal", "padding"};
/// view.tab of version 1 → the page shown; another tab number shows the explorer.
const std::vector<const char *> kTabPages = {"explorer", "attention", "image"};

/// parameters.seed: a number up to 2^53, or a decimal string up to 2^64 - 1. Stored in the
/// explorer's part as version 1 writes it: a number up to 2^53, a decimal string above.
bool readSeed(FieldReader &r, const QJsonObject &o, QJsonObject &explorer)
{
    QJsonValue v;
    if (!r.value(o, "parameters", "seed", v))
        return false;
    std::uint64_t seed = 0;
    bool ok = false;
    if (v.isDouble()) {
        const double d = v.toDouble();
        ok = d >= 0 && d <= kMaxExactInteger && d == std::floor(d);
        seed = ok ? std::uint64_t(d) : 0;
    } else if (v.isString()) {
        const std::string s = v.toString().toStdString();
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), seed);
        ok = !s.empty() && ec == std::errc() && end == s.data() + s.size();
    }
    if (!ok)
        return r.fail("parameters.seed", "must be an integer from 0 to 2^64-1 (a number, or a decimal string)");
    explorer.insert("seed", seed <= kMaxExactSeed ? QJsonValue(double(seed)) : QJsonValue(QString::number(seed)));
    return true;
}

bool readInput(FieldReader &r, const QJsonObject &root, SessionState &s, QJsonObject &explorer)
{
    QJsonObject o;
    QJsonArray files;
    std::string text, context;
    bool cross = false;
    int layer = -1;
    if (!r.object(root, "", "input", o) || !r.choice(o, "input", "kind", kKinds, s.inputKind) ||
        !r.string(o, "input", "text", text) || !r.string(o, "input", "context", context) ||
        !r.boolean(o, "input", "cross", cross) || !r.array(o, "input", "files", files))
        return false;
    if (o.contains(QLatin1String("bundleLayer")) && !r.integer(o, "input", "bundleLayer", layer, -1, kMaxIndex))
        return false;
    explorer.insert("text", qs(text));
    explorer.insert("context", qs(context));
    explorer.insert("cross", cross);
    explorer.insert("layer", layer);
    return readFiles(r, files, s);
}

bool readPaddedKeys(FieldReader &r, const QJsonArray &padded, QJsonObject &explorer)
{
    QJsonArray keys;
    for (qsizetype i = 0; i < padded.size(); ++i) {
        int k = 0;
        if (!r.integer(padded[i], QStringLiteral("parameters.paddedKeys[%1]").arg(i), k, 0, kMaxIndex))
            return false;
        keys.append(k);
    }
    explorer.insert("paddedKeys", keys);
    return true;
}

bool readParameters(FieldReader &r, const QJsonObject &root, QJsonObject &explorer)
{
    QJsonObject o;
    QJsonArray padded;
    int dModel = 0, dHead = 0, heads = 0, head = 0;
    std::string scale, mask;
    double customScale = 0, temperature = 0;
    const QString p = QStringLiteral("parameters");
    if (!r.object(root, "", "parameters", o) || !r.integer(o, p, "dModel", dModel, 1, kMaxWidth) ||
        !r.integer(o, p, "dHead", dHead, 1, kMaxWidth) || !r.integer(o, p, "heads", heads, 1, kMaxHeads) ||
        !r.integer(o, p, "head", head, 0, heads - 1) || !readSeed(r, o, explorer) ||
        !r.oneOf(o, p, "scale", kScales, scale) || !r.number(o, p, "customScale", customScale) ||
        !r.number(o, p, "temperature", temperature) || !r.oneOf(o, p, "mask", kMasks, mask) ||
        !r.array(o, p, "paddedKeys", padded))
        return false;
    if (temperature <= 0)
        return r.fail("parameters.temperature",
                      "must be greater than 0, not " + QString::number(temperature, 'g', 17).toStdString());
    explorer.insert("dModel", dModel);
    explorer.insert("dHead", dHead);
    explorer.insert("heads", heads);
    explorer.insert("head", head);
    explorer.insert("scale", qs(scale));
    explorer.insert("customScale", customScale);
    explorer.insert("temperature", temperature);
    explorer.insert("mask", qs(mask));
    return readPaddedKeys(r, padded, explorer);
}

/// view.zoomX / zoomY, optional: [lower, upper], finite, lower < upper; copied when present.
bool readRange(FieldReader &r, const QJsonObject &o, const char *key, QJsonObject &explorer)
{
    QJsonArray a;
    if (!o.contains(QLatin1String(key)))
        return true;
    if (!r.array(o, "view", key, a))
        return false;
    if (a.size() != 2 || !a[0].isDouble() || !a[1].isDouble() || !std::isfinite(a[0].toDouble()) ||
        !std::isfinite(a[1].toDouble()) || !(a[0].toDouble() < a[1].toDouble()))
        return r.fail(FieldReader::join("view", key), "must be [lower, upper]: two finite numbers with lower < upper");
    explorer.insert(QLatin1String(key), QJsonArray{a[0].toDouble(), a[1].toDouble()});
    return true;
}

/// view.pages: strings by "P.X" key → pages[P][X]; a key without a dot, or with nothing before
/// it, names no page and is dropped.
bool readPageSettings(FieldReader &r, const QJsonObject &pages, SessionState &s)
{
    for (auto it = pages.constBegin(); it != pages.constEnd(); ++it) {
        if (!it->isString())
            return r.fail("view.pages." + it.key(), "must be a string");
        const qsizetype dot = it.key().indexOf(QLatin1Char('.'));
        if (dot <= 0)
            continue;
        s.pages[it.key().left(dot).toStdString()].insert(it.key().mid(dot + 1), it->toString());
    }
    return true;
}

bool readSelection(FieldReader &r, const QJsonObject &o, QJsonObject &explorer)
{
    QJsonArray cell;
    int query = -1, row = -1, col = -1;
    if (!r.integer(o, "view", "selectedQuery", query, -1, kMaxIndex) || !r.array(o, "view", "selectedCell", cell))
        return false;
    if (cell.size() != 2)
        return r.fail("view.selectedCell", "must be [row, column]");
    if (!r.integer(cell[0], "view.selectedCell[0]", row, -1, kMaxIndex) ||
        !r.integer(cell[1], "view.selectedCell[1]", col, -1, kMaxIndex))
        return false;
    explorer.insert("selectedQuery", query);
    explorer.insert("selectedCell", QJsonArray{row, col});
    return true;
}

bool readView(FieldReader &r, const QJsonObject &root, SessionState &s, QJsonObject &explorer)
{
    QJsonObject o, pages;
    std::string stage;
    int tab = 0;
    const QString v = QStringLiteral("view");
    std::vector<const char *> stages;
    for (const auto &entry : kStages)
        stages.push_back(entry.first);
    if (!r.object(root, "", "view", o) || !r.oneOf(o, v, "stage", stages, stage) ||
        !readSelection(r, o, explorer) || !r.string(o, v, "colormap", s.colormap) ||
        !r.choice(o, v, "reduction", kReductions, s.reduction) || !r.integer(o, v, "tab", tab, 0, kMaxIndex) ||
        !readRange(r, o, "zoomX", explorer) || !readRange(r, o, "zoomY", explorer))
        return false;
    explorer.insert("stage", qs(stage));
    s.page = std::size_t(tab) < kTabPages.size() ? kTabPages[std::size_t(tab)] : kTabPages[0];
    if (o.contains(QLatin1String("pages")) && !r.object(o, v, "pages", pages))
        return false;
    return readPageSettings(r, pages, s);
}

} // namespace

bool readVersion1(FieldReader &r, const QJsonObject &root, SessionState &s)
{
    QJsonObject explorer;
    if (!readInput(r, root, s, explorer) || !readParameters(r, root, explorer) || !readView(r, root, s, explorer))
        return false;
    // The explorer's own fields win over "explorer.X" keys of view.pages (which version 1 never wrote).
    QJsonObject &part = s.pages["explorer"];
    for (auto it = explorer.constBegin(); it != explorer.constEnd(); ++it)
        part.insert(it.key(), *it);
    return true;
}

} // namespace attnscope::session_detail
