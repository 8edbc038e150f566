// ExplorerPage: its part of a session (docs/session-format.md, "pages.explorer") and its
// remembered settings. The parameters go through explorer_params.h, as settings do.

#include "explorer_page.h"

#include <QJsonArray>
#include <QUndoStack>

#include <qcustomplot.h>

#include <cmath>
#include <optional>

#include "explorer_params.h"
#include "session_values.h"
#include "settings.h"
#include "stage_stepper.h"

namespace attnscope {
namespace {

QJsonArray pair(double a, double b) { return QJsonArray{a, b}; }

QJsonObject storyToJson(const StoryTable &t)
{
    QJsonArray rows;
    for (Eigen::Index i = 0; i < t.values.rows(); ++i) {
        QJsonArray row;
        for (Eigen::Index j = 0; j < t.values.cols(); ++j)
            row.append(t.values(i, j));
        rows.append(row);
    }
    return QJsonObject{{"lang", QString::fromStdString(t.lang)}, {"features", rows}};
}

/// The built-in story in the saved language with the saved features; a value that does not fit
/// is noted and the built-in one kept.
StoryTable storyFromJson(const QJsonObject &o, QStringList *notes)
{
    const QString lang = o.value("lang").toString();
    if (lang != QLatin1String("en") && lang != QLatin1String("zh_CN"))
        *notes << ExplorerPage::tr("explorer.story.lang is not \"en\" or \"zh_CN\"; the English story is shown");
    StoryTable t = storyTable(lang.toStdString());
    const QJsonArray rows = o.value("features").toArray();
    if (o.value("features").isUndefined())
        return t;
    bool fits = rows.size() == t.values.rows();
    for (int i = 0; fits && i < rows.size(); ++i) {
        const QJsonArray row = rows[i].toArray();
        fits = row.size() == t.values.cols();
        for (int j = 0; fits && j < row.size(); ++j)
            fits = row[j].isDouble() && std::isfinite(row[j].toDouble());
    }
    if (!fits) {
        *notes << ExplorerPage::tr("explorer.story.features is not %1 rows of %2 numbers; the built-in features are shown")
                      .arg(t.values.rows()).arg(t.values.cols());
        return t;
    }
    for (int i = 0; i < rows.size(); ++i)
        for (int j = 0; j < int(t.values.cols()); ++j)
            t.values(i, j) = rows[i].toArray()[j].toDouble();
    return t;
}

QJsonArray overridesToJson(const std::vector<VectorOverride> &list)
{
    QJsonArray a;
    for (const VectorOverride &o : list) {
        QJsonArray values;
        for (double v : o.values)
            values.append(v);
        a.append(QJsonObject{{"target", o.target == VectorOverride::Target::Query ? "query" : "key"},
                             {"head", o.head},
                             {"token", o.token},
                             {"values", values}});
    }
    return a;
}

std::vector<VectorOverride> overridesFromJson(const QJsonArray &a, QStringList *notes)
{
    std::vector<VectorOverride> list;
    for (int i = 0; i < a.size(); ++i) {
        const QJsonObject o = a[i].toObject();
        VectorOverride v;
        const QString target = o.value("target").toString();
        bool ok = target == QLatin1String("query") || target == QLatin1String("key");
        v.target = target == QLatin1String("key") ? VectorOverride::Target::Key : VectorOverride::Target::Query;
        const double head = o.value("head").toDouble(-1), token = o.value("token").toDouble(-1);
        ok = ok && head >= 0 && token >= 0 && head == std::floor(head) && token == std::floor(token) && head < 4096
             && token < (1 << 30);
        v.head = ok ? int(head) : 0;
        v.token = ok ? int(token) : 0;
        const QJsonArray values = o.value("values").toArray();
        ok = ok && !values.isEmpty();
        for (const QJsonValue &x : values) {
            ok = ok && x.isDouble() && std::isfinite(x.toDouble());
            v.values.push_back(x.toDouble());
        }
        if (ok)
            list.push_back(std::move(v));
        else
            *notes << ExplorerPage::tr("explorer.overrides[%1] is not a query or key vector of a head and token; ignored").arg(i);
    }
    return list;
}

} // namespace

QJsonObject ExplorerPage::saveState() const
{
    QJsonObject o = paramsToJson(m_model->params());
    o.insert("layer", m_model->layer());
    o.insert("stage", StageStepper::key(m_model->stage()));
    o.insert("selectedQuery", m_model->selectedQuery());
    o.insert("selectedCell", pair(m_model->selectedRow(), m_model->selectedCol()));
    if (const StoryTable *story = m_model->story())
        o.insert("story", storyToJson(*story));
    if (!m_model->overrides().empty())
        o.insert("overrides", overridesToJson(m_model->overrides()));
    if (m_model->state()) {
        const QCPRange x = m_views[0]->plot()->xAxis->range(), y = m_views[0]->plot()->yAxis->range();
        o.insert("zoomX", pair(x.lower, x.upper));
        o.insert("zoomY", pair(y.lower, y.upper));
    }
    return o;
}

QStringList ExplorerPage::restoreState(const QJsonObject &o)
{
    QStringList notes;
    const auto readInt = [&](const char *key, int lo, int hi, int fallback) {
        const QJsonValue v = o.value(QLatin1String(key));
        const double d = v.toDouble(std::nan(""));
        if (v.isUndefined())
            return fallback;
        if (!v.isDouble() || d != std::floor(d) || d < lo || d > hi) {
            notes << tr("explorer.%1 is not an integer within %2..%3; ignored").arg(QLatin1String(key)).arg(lo).arg(hi);
            return fallback;
        }
        return int(d);
    };
    const auto readPair = [&](const char *key) -> std::optional<std::pair<double, double>> {
        const QJsonArray a = o.value(QLatin1String(key)).toArray();
        if (o.value(QLatin1String(key)).isUndefined())
            return std::nullopt;
        if (a.size() != 2 || !a[0].isDouble() || !a[1].isDouble() || !std::isfinite(a[0].toDouble())
            || !std::isfinite(a[1].toDouble())) {
            notes << tr("explorer.%1 is not a pair of numbers; ignored").arg(QLatin1String(key));
            return std::nullopt;
        }
        return std::pair{a[0].toDouble(), a[1].toDouble()};
    };
    m_restoring = true;
    if (const AttentionBundle *b = m_model->bundle()) { // the layer first: it sets the file's parameters
        const int layer = readInt("layer", -1, int(b->layers()) - 1, -1);
        QString error;
        if (layer >= 0 && !m_model->setLayer(layer, &error))
            notes << error;
    }
    const ExplorerParams p = paramsFromJson(o, m_model->params(), &notes);
    if (o.value("story").isObject()) { // the story, then the parameters that apply to it (scale, τ, mask)
        m_model->useStory(storyFromJson(o.value("story").toObject(), &notes));
        m_model->setParams(p);
    } else if (m_model->isFileInput()) {
        m_model->setParams(p);
    } else {
        m_model->useText(p);
    }
    if (o.value("overrides").isArray())
        m_model->setOverrides(overridesFromJson(o.value("overrides").toArray(), &notes));
    if (o.contains("stage"))
        m_model->setStage(stageChoices().read(o.value("stage").toString(), &notes));
    const auto cell = readPair("selectedCell");
    m_model->restoreSelection(readInt("selectedQuery", -1, 1 << 30, -1), cell ? int(cell->first) : -1,
                              cell ? int(cell->second) : -1);
    const auto zx = readPair("zoomX"), zy = readPair("zoomY");
    if (zx && zy && zx->first < zx->second && zy->first < zy->second) {
        const auto apply = [this, zx, zy] {
            m_views[0]->plot()->xAxis->setRange(zx->first, zx->second);
            m_views[0]->plot()->yAxis->setRange(zy->first, zy->second);
            m_views[0]->plot()->replot();
        };
        if (m_model->busy()) // once the recomputation is shown, after the heatmap fitted the new matrix
            connect(this, &Page::shown, this, apply, Qt::SingleShotConnection);
        else
            apply();
    }
    m_restoring = false;
    m_undo->clear();
    m_lastParams = m_model->params();
    return notes;
}

void ExplorerPage::saveSettings() const { Settings::setValue(Settings::Key::Stage, StageStepper::key(m_model->stage())); }

void ExplorerPage::restoreSettings()
{
    m_model->setStage(stageChoices().read(Settings::value(Settings::Key::Stage).toString(), nullptr));
    m_stepper->setStage(m_model->stage());
}

} // namespace attnscope
