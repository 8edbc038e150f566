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

} // namespace

QJsonObject ExplorerPage::saveState() const
{
    QJsonObject o = paramsToJson(m_model->params());
    o.insert("layer", m_model->layer());
    o.insert("stage", StageStepper::key(m_model->stage()));
    o.insert("selectedQuery", m_model->selectedQuery());
    o.insert("selectedCell", pair(m_model->selectedRow(), m_model->selectedCol()));
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
    if (m_model->isFileInput())
        m_model->setParams(p);
    else
        m_model->useText(p);
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
