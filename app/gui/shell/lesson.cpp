#include "lesson.h"


#include <algorithm>

#include "explorer_page.h"
#include "explorer_params.h"
#include "image_page.h"
#include "language.h"
#include "lesson_card.h"
#include "main_window.h"

namespace attnscope {
namespace {

/// The index of `wanted` among `tokens`: the first token equal to it, else the first that it
/// starts with (typed Chinese is split into characters: 动物 is found as 动), else -1.
int findToken(const std::vector<std::string> &tokens, const QString &wanted)
{
    const std::string w = wanted.toStdString();
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i] == w)
            return int(i);
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (!tokens[i].empty() && w.rfind(tokens[i], 0) == 0)
            return int(i);
    return -1;
}

} // namespace

QString lessonUiLanguage()
{
    return uiLanguage();
}

Lesson::Lesson(MainWindow *window, const LessonContent &content, QWidget *cardParent)
    : QObject(window), m_window(window), m_content(content), m_language(lessonUiLanguage())
{
    Q_ASSERT(!m_content.steps.isEmpty());
    m_card = new LessonCard(cardParent);
    connect(m_card, &LessonCard::nextClicked, this, &Lesson::next);
    connect(m_card, &LessonCard::backClicked, this, &Lesson::back);
    connect(m_card, &LessonCard::closeClicked, this, &Lesson::closeRequested);
}

Lesson::~Lesson()
{
    disconnect(m_waiting);
    delete m_card; // a QPointer: null when its parent went first
}

bool Lesson::goTo(int step)
{
    if (step < 1 || step > count())
        return false;
    const bool changed = step != m_step;
    m_step = step;
    apply();
    if (changed)
        emit stepChanged(m_step);
    return true;
}

bool Lesson::next() { return m_step < count() && goTo(m_step + 1); }

bool Lesson::back() { return m_step > 1 && goTo(m_step - 1); }

bool Lesson::setLanguage(const QString &language)
{
    if (!lessonLanguages().contains(language))
        return false;
    m_language = language;
    if (m_step > 0)
        apply();
    return true;
}

void Lesson::showCard()
{
    const LessonStep &s = currentStep();
    m_card->setStep(m_step, count(), s.title.value(m_language), s.body.value(m_language));
    m_card->show();
    m_card->raise();
}

void Lesson::apply()
{
    disconnect(m_waiting);
    const LessonStep &s = currentStep();
    const LessonInput input = s.setup.input.value(m_language);
    if (s.setup.page == LessonSetup::Page::Explorer)
        applyExplorer(s.setup, input);
    else
        applyImage(s.setup, input);
    showCard();
}

void Lesson::applyExplorer(const LessonSetup &setup, const LessonInput &input)
{
    auto *explorer = m_window->page<ExplorerPage>();
    if (explorer->modelMode())
        m_window->closeModel(); // the lesson's numbers are the built-in embeddings'
    m_window->showPage(explorer->key());
    ExplorerModel *model = explorer->model();
    // The story (docs/story.md) where the step names it: its attention means something by
    // construction. Otherwise the sentence with the built-in embeddings (the heads step: the story
    // has one head).
    if (!input.story.isEmpty())
        explorer->showStory(input.story);
    ExplorerParams p = input.story.isEmpty() ? defaultTextParams() : model->params();
    if (input.story.isEmpty())
        p.text = input.text.toStdString();
    p.scale = setup.scale;
    p.mask = setup.mask;
    p.heads = setup.heads;
    p.head = setup.head;
    if (setup.fixedScale)
        m_window->setFixedWeightScale(true);
    explorer->showScaleComparison(setup.comparison);
    const int step = m_step;
    m_waiting = connect(model, &ExplorerModel::stateChanged, this, [this, model, input, step] {
        disconnect(m_waiting);
        const auto state = model->state();
        const int query = findToken(state->setup->queryTokens, input.query);
        const int key = input.key.isEmpty() ? -1 : findToken(state->setup->keyTokens, input.key);
        if (query >= 0 && key >= 0)
            model->selectCell(query, key);
        else if (query >= 0)
            model->selectQuery(query);
        emit stepShown(step);
    });
    if (input.story.isEmpty())
        model->useText(p); // always computes: the wait above ends
    else
        model->setParams(p); // the story's computation, or a newer one with these parameters, ends it
    explorer->showStage(setup.stage);
}

void Lesson::applyImage(const LessonSetup &setup, const LessonInput &input)
{
    auto *image = m_window->page<ImagePage>();
    m_window->showPage(image->key());
    const QString path = lessonImagePath(setup.image);
    const bool prompt = setup.imageMode == LessonSetup::ImageMode::Prompt;
    const int step = m_step;
    m_waiting = connect(image, &Page::shown, this, [this, image, setup, input, prompt, step] {
        disconnect(m_waiting);
        if (prompt) {
            if (const auto state = image->state())
                image->selectToken(findToken(state->setup->queryTokens, input.token));
        } else {
            const PatchGrid &g = image->grid();
            const int col = std::clamp(int(setup.point.x() * g.cols), 0, std::max(0, g.cols - 1));
            const int row = std::clamp(int(setup.point.y() * g.rows), 0, std::max(0, g.rows - 1));
            image->selectPatches({row * g.cols + col});
        }
        emit stepShown(step);
    });
    // A new image first: the mode and prompt then wait for its features, so that the first
    // result shown is the step's (the same image again: each call below recomputes).
    if (image->image().isNull() || image->image().cacheKey() != m_imageKey) {
        QString error;
        if (!image->openImage(path, &error)) {
            disconnect(m_waiting);
            emit failed(error);
            return;
        }
        m_imageKey = image->image().cacheKey();
    }
    image->setMode(prompt ? ImagePage::Mode::Prompt : ImagePage::Mode::Patches);
    if (prompt)
        image->setPrompt(input.prompt);
}

} // namespace attnscope
