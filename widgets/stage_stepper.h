#pragma once

#include <QWidget>

#include <optional>
#include <vector>

#include "attention.h"

class QButtonGroup;
class QLabel;
class QToolButton;

namespace attnscope {

/// The stages as a row of buttons, Inputs → Q, K, V → Scores → Scaled → Masked → Weights →
/// Output, with Back and Next. It shows the current stage and asks for another; the window
/// decides.
class StageStepper : public QWidget {
    Q_OBJECT
public:
    explicit StageStepper(QWidget *parent = nullptr);

    Stage stage() const { return m_stage; }
    void setStage(Stage stage);
    // The table of the stages (engine/math/stages.h) as Qt strings.
    static QString title(Stage stage);     ///< "Softmax weights", translated
    static QString key(Stage stage);       ///< "weights", as on the command line
    static std::optional<Stage> fromKey(const QString &key);
    static constexpr int kCount = int(kStageCount);
    /// The row without the arrows between the stages, which give way first in a narrow window.
    QSize minimumSizeHint() const override;

public slots:
    void next();
    void back();

signals:
    void stageRequested(attnscope::Stage stage);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    std::vector<QLabel *> m_arrows;
    Stage m_stage = Stage::Weights;
    QButtonGroup *m_group = nullptr;
    QToolButton *m_back = nullptr, *m_next = nullptr;
};

} // namespace attnscope
