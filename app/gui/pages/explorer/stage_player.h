#pragma once

#include <QObject>

class QTimer;

namespace attnscope {

class ExplorerModel;

/// Play on the Explorer: from the stage shown, the next stage after each hold (a fast change,
/// then a pause: bbycroft's finding, slow linked transitions tire the eye); at the Output stage
/// the selected query row's (row 0 when none is selected) terms a_ij·v_j are added one by one,
/// and then it stops. Changing the stage, the selection or the input by hand stops it.
class StagePlayer : public QObject {
    Q_OBJECT
public:
    explicit StagePlayer(ExplorerModel *model, QObject *parent = nullptr);

    void play();
    void pause();
    bool isPlaying() const;
    /// The pause on each stage in ms (default 1800); each term of the sum is held half as long.
    void setHoldMs(int ms);
    int holdMs() const { return m_holdMs; }
    /// The output row being summed and how many of its terms are in the sum (0 … keys), or -1 for
    /// both when no sum is shown; the full sum stays shown after the animation ends, until the
    /// stage, the selection or the input changes.
    int sumRow() const { return m_row; }
    int sumTerms() const { return m_terms; }

signals:
    void playingChanged(bool playing);
    /// The partial sum shown changed (or was let go): the page draws again.
    void sumChanged();

private:
    void tick();
    void beginSum();
    void stopByHand();
    int keyCount() const;

    ExplorerModel *m_model = nullptr;
    QTimer *m_timer = nullptr;
    int m_holdMs = 1800;
    int m_row = -1, m_terms = -1;
    bool m_stepping = false; ///< the player itself changes the stage or selection
};

} // namespace attnscope
