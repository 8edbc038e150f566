// The window's part of the guided lesson: Help → Lesson, opening and closing it, and remembering
// its step. The lesson itself (lesson.h) sets the window through its public interface.
#include "main_window.h"

#include <QAction>
#include <QMenu>

#include <algorithm>

#include "lesson.h"
#include "lesson_card.h"
#include "settings.h"

namespace attnscope {

void MainWindow::createLessonActions(QMenu *help)
{
    QAction *open = help->addAction(tr("&Lesson: attention step by step"), this, [this] { openLesson(rememberedLessonStep()); });
    open->setObjectName("lessonAction");
    open->setShortcut(QKeySequence::HelpContents);
    open->setToolTip(tr("A guided lesson in about ten steps, from Q, K and V to attention over an image; "
                        "it starts where it was left"));
    help->addSeparator();
}

int MainWindow::rememberedLessonStep()
{
    const LessonContent *content = builtInLesson();
    const int count = content ? int(content->steps.size()) : 1;
    return std::clamp(Settings::value(Settings::Key::LessonStep).toInt(), 1, count);
}

bool MainWindow::openLesson(int step, QString *error)
{
    QString problem;
    const LessonContent *content = builtInLesson(&problem);
    if (!content)
        return failOpen(problem, error);
    const int count = int(content->steps.size());
    if (step < 1 || step > count)
        return failOpen(tr("The lesson has steps 1 to %1, not %2.").arg(count).arg(step), error);
    if (!m_lesson) {
        m_lesson = new Lesson(this, *content, centralWidget());
        connect(m_lesson, &Lesson::stepChanged, this, [](int shown) { Settings::setValue(Settings::Key::LessonStep, shown); });
        connect(m_lesson, &Lesson::closeRequested, this, &MainWindow::closeLesson);
        connect(m_lesson, &Lesson::failed, this, &MainWindow::reportFailure);
    }
    m_lesson->goTo(step);
    Settings::setValue(Settings::Key::LessonStep, step);
    return true;
}

void MainWindow::closeLesson()
{
    if (!m_lesson)
        return;
    Lesson *closing = m_lesson;
    m_lesson = nullptr;
    closing->card()->hide();
    closing->deleteLater(); // Close's click may still be on the stack
}

} // namespace attnscope
