#include "stage_stepper.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

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
        b->setText(QStringLiteral("%1  %2").arg(i + 1).arg(title(Stage(i))));
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

QSize StageStepper::minimumSizeHint() const
{
    // Without the arrows between the buttons: what a narrow window can still show whole.
    int arrows = 0;
    for (const QLabel *a : m_arrows)
        arrows += a->sizeHint().width() + layout()->spacing();
    const QSize full = layout()->sizeHint();
    const bool shown = !m_arrows.empty() && !m_arrows.front()->isHidden();
    return QSize(full.width() - (shown ? arrows : 0), full.height());
}

void StageStepper::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // The arrows between the stages go first when the row does not fit.
    int arrows = 0;
    for (const QLabel *a : m_arrows)
        arrows += a->sizeHint().width() + layout()->spacing();
    const int compact = minimumSizeHint().width();
    const bool fits = width() >= compact + arrows;
    for (QLabel *a : m_arrows)
        a->setVisible(fits);
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
