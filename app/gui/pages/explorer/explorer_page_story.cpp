// ExplorerPage: the built-in story (File → Examples), its feature table, and "what if" — a
// token's query or key vector edited by hand. Every edit is one step of the page's undo stack.
// See docs/story.md.

#include "explorer_page.h"

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QUndoStack>

#include "story_panel.h"
#include "value_change.h"
#include "what_if_panel.h"

namespace attnscope {

void ExplorerPage::createStoryDocks()
{
    m_storyPanel = new StoryPanel;
    m_storyPanel->setObjectName("storyPanel");
    auto *story = new QDockWidget(tr("Story features"));
    story->setObjectName("storyDock");
    story->setWidget(m_storyPanel);
    m_docks << PageDock{story, Qt::LeftDockWidgetArea};
    m_whatIf = new WhatIfPanel;
    m_whatIf->setObjectName("whatIfPanel");
    auto *whatIf = new QDockWidget(tr("What if"));
    whatIf->setObjectName("whatIfDock");
    whatIf->setWidget(m_whatIf);
    m_docks << PageDock{whatIf, Qt::RightDockWidgetArea};
    m_dockGuards << story << whatIf;
}

void ExplorerPage::createExampleActions()
{
    auto *examples = new QMenu(tr("E&xamples"), this);
    examples->setObjectName("examplesMenu");
    QAction *en = examples->addAction(tr("The animal and the street (&English)"), this, [this] { showStory("en"); });
    en->setObjectName("storyEnglish");
    QAction *zh = examples->addAction(tr("The animal and the street (&中文)"), this, [this] { showStory("zh_CN"); });
    zh->setObjectName("storyChinese");
    m_fileActions << examples->menuAction();
}

void ExplorerPage::connectStory()
{
    connect(m_model, &ExplorerModel::storyChanged, this, [this] {
        m_storyPanel->setTable(m_model->story());
        // The mode line: not random projections while the story is shown.
        if (m_model->story() && m_modeBeforeStory.isEmpty()) {
            m_modeBeforeStory = m_modeLine->text();
            m_modeLine->setText(tr("<b>Story example:</b> every word is a row of features set by hand (the Story features "
                                   "dock), and Wq, Wk, Wv are chosen by hand so that a pronoun seeks an animate noun."));
        } else if (!m_model->story() && !m_modeBeforeStory.isEmpty()) {
            m_modeLine->setText(m_modeBeforeStory);
            m_modeBeforeStory.clear();
        }
    });
    connect(m_model, &ExplorerModel::stateChanged, this, [this] {
        const auto state = m_model->state();
        m_whatIf->setState(state->setup, state->result.head, m_model->overrides());
        m_storyPanel->setVerdict(storyVerdict());
    });
    // Applied once the table's editor has committed and closed: the edit resets the table.
    connect(m_storyPanel, &StoryPanel::cellEdited, this, [this](int row, int col, double value) {
        QMetaObject::invokeMethod(this, [this, row, col, value] {
            if (!m_model->story() || row >= m_model->story()->values.rows() || col >= m_model->story()->values.cols())
                return;
            StoryTable after = *m_model->story();
            after.values(row, col) = value;
            editStory(after);
        }, Qt::QueuedConnection);
    });

    connect(m_storyPanel, &StoryPanel::resetRequested, this, [this] {
        if (const StoryTable *t = m_model->story(); t && !(*t == storyTable(t->lang)))
            editStory(storyTable(t->lang));
    });
    connect(m_whatIf, &WhatIfPanel::overrideEdited, this,
            [this](const VectorOverride &o) {
                QMetaObject::invokeMethod(this, [this, o] { editOverrides(withOverride(m_model->overrides(), o)); },
                                          Qt::QueuedConnection);
            });
    connect(m_whatIf, &WhatIfPanel::resetRequested, this, [this] {
        if (!m_model->overrides().empty())
            editOverrides({});
    });
}

void ExplorerPage::editStory(const StoryTable &after)
{
    const auto apply = [this](const StoryTable &t) {
        QString error;
        if (!m_model->setStoryTable(t, &error))
            emit statusMessage(error, 8000);
    };
    m_undo->push(new ValueChange<StoryTable>(tr("story feature change"), apply, *m_model->story(), after));
    emit modified();
}

void ExplorerPage::editOverrides(const std::vector<VectorOverride> &after)
{
    const auto apply = [this](const std::vector<VectorOverride> &o) { m_model->setOverrides(o); };
    m_undo->push(new ValueChange<std::vector<VectorOverride>>(tr("what-if vector change"), apply, m_model->overrides(), after));
    emit modified();
}

void ExplorerPage::showStory(const QString &lang)
{
    QString error;
    if (!m_model->useStory(storyTable(lang == QLatin1String("zh_CN") ? "zh_CN" : "en"), &error)) {
        emit statusMessage(error, 8000);
        return;
    }
    m_model->setStage(Stage::Weights);
    const int pronoun = storyPronoun(*m_model->story());
    m_model->restoreSelection(pronoun, -1, -1); // once computed
    // After the What if panel has the story's tokens (its stateChanged receiver was connected before this one).
    connect(m_model, &ExplorerModel::stateChanged, this, [this, pronoun] { m_whatIf->choose(false, pronoun); },
            Qt::SingleShotConnection);
    // The table is the point: shown even if closed, in front if tabbed with other docks — but not
    // in presenter mode (full screen), which keeps the heatmap's room and hides the editing docks.
    auto *dock = qobject_cast<QDockWidget *>(m_storyPanel->parentWidget());
    if (dock && isVisible() && !window()->isFullScreen()) {
        dock->show();
        dock->raise();
    }
    emit modified();
}

QString ExplorerPage::storyVerdict() const
{
    const StoryTable *t = m_model->story();
    const auto state = m_model->state();
    if (!t || !state || state->result.stages.weights.rows() != Eigen::Index(t->tokens.size()))
        return QString();
    const int p = storyPronoun(*t);
    if (p < 0)
        return tr("No word is marked as a pronoun: set one word's “pronoun” to 1.");
    Eigen::Index best = 0;
    const double w = state->result.stages.weights.row(p).maxCoeff(&best);
    return tr("“%1” attends most to “%2” (weight %3).")
        .arg(QString::fromStdString(t->tokens[std::size_t(p)]), QString::fromStdString(t->tokens[std::size_t(best)]))
        .arg(w, 0, 'f', 2);
}

} // namespace attnscope
