#include "stage_player.h"

#include <QTimer>

#include <algorithm>

#include "explorer_model.h"

namespace attnscope {

StagePlayer::StagePlayer(ExplorerModel *model, QObject *parent) : QObject(parent), m_model(model)
{
    m_timer = new QTimer(this);
    m_timer->setInterval(m_holdMs);
    connect(m_timer, &QTimer::timeout, this, &StagePlayer::tick);
    connect(m_model, &ExplorerModel::stageChanged, this, [this] {
        if (!m_stepping)
            stopByHand();
    });
    connect(m_model, &ExplorerModel::selectionChanged, this, [this] {
        if (!m_stepping && m_row >= 0 && m_model->selectedQuery() != m_row)
            stopByHand();
    });
    connect(m_model, &ExplorerModel::inputChanged, this, &StagePlayer::stopByHand);
    connect(m_model, &ExplorerModel::paramsChanged, this, &StagePlayer::stopByHand);
}

bool StagePlayer::isPlaying() const { return m_timer->isActive(); }

void StagePlayer::setHoldMs(int ms)
{
    m_holdMs = std::max(1, ms);
    m_timer->setInterval(m_row >= 0 ? std::max(1, m_holdMs / 2) : m_holdMs);
}

void StagePlayer::play()
{
    if (isPlaying() || !m_model->state())
        return;
    if (m_model->stage() == Stage::Output) // at the end already: the sum, from its first term
        beginSum();
    else
        m_timer->setInterval(m_holdMs);
    m_timer->start();
    emit playingChanged(true);
}

void StagePlayer::pause()
{
    if (!isPlaying())
        return;
    m_timer->stop();
    emit playingChanged(false);
}

void StagePlayer::stopByHand()
{
    pause();
    if (m_row < 0)
        return;
    m_row = m_terms = -1;
    emit sumChanged();
}

int StagePlayer::keyCount() const
{
    const auto state = m_model->state();
    return state ? int(state->result.stages.weights.cols()) : 0;
}

void StagePlayer::beginSum()
{
    const auto state = m_model->state();
    const int rows = state ? int(state->result.stages.output.rows()) : 0;
    m_row = m_model->selectedQuery() >= 0 && m_model->selectedQuery() < rows ? m_model->selectedQuery() : 0;
    m_terms = 0;
    if (m_model->selectedQuery() != m_row) { // the row summed is the one highlighted
        m_stepping = true;
        m_model->selectQuery(m_row);
        m_stepping = false;
    }
    m_timer->setInterval(std::max(1, m_holdMs / 2));
    emit sumChanged();
}

void StagePlayer::tick()
{
    if (!m_model->state()) {
        pause();
        return;
    }
    if (m_model->stage() != Stage::Output) {
        m_stepping = true;
        m_model->setStage(Stage(int(m_model->stage()) + 1));
        m_stepping = false;
        if (m_model->stage() == Stage::Output)
            beginSum();
        return;
    }
    if (m_row < 0) {
        beginSum();
        return;
    }
    m_terms = std::min(m_terms + 1, keyCount());
    emit sumChanged();
    if (m_terms >= keyCount())
        pause(); // the whole sum: the output row as computed
}

} // namespace attnscope
