#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include "lesson_card.h"
#include "lesson_content.h"

class QWidget;

namespace attnscope {

class MainWindow;

/// The language a new lesson's card speaks: the interface's (uiLanguage(): "en" or "zh_CN").
QString lessonUiLanguage();

/// A guided lesson open in a window: its steps (LessonContent), the step shown, and its card
/// (LessonCard) floating over the window's central area. Going to a step sets the window through
/// its public interface (the page, the Explorer's sentence, parameters, stage and selection, or
/// the image page's example image, mode and selection) and shows the step's card in the lesson's
/// language. The window owns it (MainWindow::openLesson, closeLesson).
class Lesson : public QObject {
    Q_OBJECT
public:
    /// A lesson over `window` with its card on `cardParent` (the window's central area), not yet
    /// at any step: call goTo.
    Lesson(MainWindow *window, const LessonContent &content, QWidget *cardParent);
    ~Lesson() override;

    /// The step shown, 1-based (0 before the first goTo), and how many there are.
    int step() const { return m_step; }
    int count() const { return int(m_content.steps.size()); }
    const LessonStep &currentStep() const { return m_content.steps[m_step - 1]; }
    /// Shows step `step` (1-based) and sets the window for it; false, changing nothing, when it
    /// is not within 1 … count().
    bool goTo(int step);
    /// The next and the previous step; false at the last (first) one.
    bool next();
    bool back();

    /// "en" or "zh_CN": the card's texts and the step's input (its sentence, selected tokens).
    QString language() const { return m_language; }
    /// Changes the language and shows the step again in it (false, unchanged, for another value).
    bool setLanguage(const QString &language);
    LessonCard *card() const { return m_card; }

signals:
    /// Another step is shown (the window remembers it).
    void stepChanged(int step);
    /// The step's computation is shown with its selection (--screenshot waits for it).
    void stepShown(int step);
    /// The step's example image could not be opened (a broken build).
    void failed(const QString &message);
    /// The card's Close was pressed.
    void closeRequested();

private:
    void apply();
    void applyExplorer(const LessonSetup &setup, const LessonInput &input);
    void applyImage(const LessonSetup &setup, const LessonInput &input);
    void showCard();

    MainWindow *m_window = nullptr;
    LessonContent m_content;
    QPointer<LessonCard> m_card;
    QString m_language;
    int m_step = 0;
    qint64 m_imageKey = 0; ///< the image page's image as this lesson opened it (QImage::cacheKey)
    QMetaObject::Connection m_waiting; ///< the one-shot wait for the step's computation
};

} // namespace attnscope
