#include "stage_stepper.h"

#include <QButtonGroup>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include <iterator>

namespace attnscope {
namespace {

// The engine's stage titles (stages.h), for lupdate; title() translates them.
[[maybe_unused]] constexpr const char *kStageTitles[] = {
    QT_TRANSLATE_NOOP("attnscope::StageStepper", "Inputs"),  QT_TRANSLATE_NOOP("attnscope::StageStepper", "Q, K, V"),
    QT_TRANSLATE_NOOP("attnscope::StageStepper", "Scores QKᵀ"), QT_TRANSLATE_NOOP("attnscope::StageStepper", "Scaled"),
    QT_TRANSLATE_NOOP("attnscope::StageStepper", "Masked"),  QT_TRANSLATE_NOOP("attnscope::StageStepper", "Softmax weights"),
    QT_TRANSLATE_NOOP("attnscope::StageStepper", "Output A·V"),
};

} // namespace

QString StageStepper::title(Stage stage)
{
    return tr(stageInfo(stage).title);
}

QString StageStepper::key(Stage stage)
{
    return QString::fromLatin1(stageInfo(stage).key);
}

std::optional<Stage> StageStepper::fromKey(const QString &k)
{
    return stageForKey(k.toStdString());
}

StageStepper::StageStepper(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2);
    m_back = new QToolButton(this);
    m_back->setText(tr("◀ Back"));
    m_back->setToolTip(tr("Previous stage (Page Up, Alt+Left)"));
    m_back->setObjectName("stageBack");
    layout->addWidget(m_back);
    m_group = new QButtonGroup(this);
    m_group->setExclusive(true);
    for (int i = 0; i < kCount; ++i) {
        auto *b = new QToolButton(this);
        b->setText(buttonText(i, Labels::Full));
        b->setCheckable(true);
        b->setAutoRaise(false);
        b->setObjectName(QStringLiteral("stage_%1").arg(key(Stage(i))));
        b->setToolTip(tr("Show the %1 stage (%2)").arg(title(Stage(i)), QStringLiteral("Ctrl+%1").arg(i + 1)));
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        m_group->addButton(b, i);
        layout->addWidget(b);
        if (i + 1 < kCount) {
            auto *arrow = new QLabel(QStringLiteral("→"), this);
            arrow->setEnabled(false);
            layout->addWidget(arrow);
            m_arrows.push_back(arrow);
        }
    }
    m_next = new QToolButton(this);
    m_next->setText(tr("Next ▶"));
    m_next->setToolTip(tr("Next stage (Page Down, Alt+Right)"));
    m_next->setObjectName("stageNext");
    layout->addWidget(m_next);
    connect(m_back, &QToolButton::clicked, this, &StageStepper::back);
    connect(m_next, &QToolButton::clicked, this, &StageStepper::next);
    connect(m_group, &QButtonGroup::idClicked, this, [this](int id) { emit stageRequested(Stage(id)); });
    setStage(Stage::Weights);
}

QString StageStepper::buttonText(int i, Labels labels) const
{
    static const char *const shortTitles[] = {QT_TR_NOOP("Inputs"), QT_TR_NOOP("Q K V"), QT_TR_NOOP("Scores"),
                                              QT_TR_NOOP("Scaled"), QT_TR_NOOP("Masked"), QT_TR_NOOP("Weights"),
                                              QT_TR_NOOP("Output")};
    static_assert(std::size(shortTitles) == std::size_t(kCount));
    switch (labels) {
    case Labels::Full:
    case Labels::NoArrows: return QStringLiteral("%1  %2").arg(i + 1).arg(title(Stage(i)));
    case Labels::Short: return QStringLiteral("%1 %2").arg(i + 1).arg(tr(shortTitles[i]));
    case Labels::Numbers: return QString::number(i + 1);
    }
    return {};
}

int StageStepper::widthFor(Labels labels) const
{
    const QMargins m = layout()->contentsMargins();
    int w = m.left() + m.right();
    int items = 0;
    // A button's width is its text's plus the style's padding, which the present text tells.
    const auto buttonWidth = [](const QToolButton *b, const QString &text) {
        return b->sizeHint().width() - b->fontMetrics().horizontalAdvance(b->text()) + b->fontMetrics().horizontalAdvance(text);
    };
    const bool narrow = labels == Labels::Numbers;
    w += buttonWidth(m_back, narrow ? QStringLiteral("◀") : tr("◀ Back"));
    w += buttonWidth(m_next, narrow ? QStringLiteral("▶") : tr("Next ▶"));
    items += 2;
    for (int i = 0; i < kCount; ++i)
        w += buttonWidth(static_cast<const QToolButton *>(m_group->button(i)), buttonText(i, labels));
    items += kCount;
    if (labels == Labels::Full) {
        for (const QLabel *a : m_arrows)
            w += a->sizeHint().width();
        items += int(m_arrows.size());
    }
    return w + layout()->spacing() * (items - 1);
}

QSize StageStepper::minimumSizeHint() const
{
    return QSize(widthFor(Labels::Numbers), layout()->sizeHint().height());
}

QSize StageStepper::sizeHint() const
{
    return QSize(widthFor(Labels::Full), layout()->sizeHint().height());
}

void StageStepper::applyLabels(Labels labels)
{
    m_labels = labels;
    for (int i = 0; i < kCount; ++i)
        m_group->button(i)->setText(buttonText(i, labels));
    const bool narrow = labels == Labels::Numbers;
    m_back->setText(narrow ? QStringLiteral("◀") : tr("◀ Back"));
    m_next->setText(narrow ? QStringLiteral("▶") : tr("Next ▶"));
    for (QLabel *a : m_arrows)
        a->setVisible(labels == Labels::Full);
}

/// The widest labels that fit the row's width (the numbers when nothing else does).
void StageStepper::fitLabels()
{
    Labels chosen = Labels::Numbers;
    for (Labels l : {Labels::Full, Labels::NoArrows, Labels::Short})
        if (width() >= widthFor(l)) {
            chosen = l;
            break;
        }
    if (chosen != m_labels)
        applyLabels(chosen);
}

void StageStepper::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitLabels();
}

void StageStepper::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) { // presenter mode: the labels are measured anew
        updateGeometry();
        fitLabels();
    }
}

void StageStepper::setStage(Stage stage)
{
    m_stage = stage;
    m_group->button(int(stage))->setChecked(true);
    m_back->setEnabled(int(stage) > 0);
    m_next->setEnabled(int(stage) + 1 < kCount);
}

void StageStepper::next()
{
    if (int(m_stage) + 1 < kCount)
        emit stageRequested(Stage(int(m_stage) + 1));
}

void StageStepper::back()
{
    if (int(m_stage) > 0)
        emit stageRequested(Stage(int(m_stage) - 1));
}

} // namespace attnscope
