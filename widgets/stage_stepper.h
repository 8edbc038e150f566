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
    /// How the row is labelled; a narrow row drops the arrows between the stages first, then
    /// uses short titles ("6 Weights"), then numbers only ("6"), the full title in the tooltip.
    enum class Labels { Full, NoArrows, Short, Numbers };
    Labels labels() const { return m_labels; }
    /// The narrowest row: numbers only, no arrows.
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

public slots:
    void next();
    void back();

signals:
    void stageRequested(attnscope::Stage stage);

protected:
    void resizeEvent(QResizeEvent *event) override;

protected:
    void changeEvent(QEvent *event) override;

private:
    /// The width the row needs with `labels`, measured with the buttons' present font.
    int widthFor(Labels labels) const;
    void applyLabels(Labels labels);
    void fitLabels();
    QString buttonText(int i, Labels labels) const;

    std::vector<QLabel *> m_arrows;
    Labels m_labels = Labels::Full;
    Stage m_stage = Stage::Weights;
    QButtonGroup *m_group = nullptr;
    QToolButton *m_back = nullptr, *m_next = nullptr;
};

} // namespace attnscope
