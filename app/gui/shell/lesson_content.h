#pragma once
// The guided lesson's content (resources/lessons/attention.json, embedded as
// :/lessons/attention.json): its steps, each with a bilingual card and a declarative setup of the
// window, read and checked here so that a typo in the file is an error naming the step and the
// key, not a step that silently does something else. docs/lesson-format.md describes the file.

#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <optional>

#include "attention.h"
#include "explorer_setup.h"
#include "stages.h"

namespace attnscope {

/// The languages every step is written in ("en", "zh_CN"): each must be present and non-empty.
QStringList lessonLanguages();

/// What a step shows in one language: the sentence (or prompt) and the tokens selected.
struct LessonInput {
    QString text;   ///< Explorer: the sentence typed when the story is not available
    QString story;  ///< Explorer: the built-in story ("en", "zh_CN") meant, or empty
    QString query;  ///< Explorer: the selected query token (first token equal to it, else one it starts with)
    QString key;    ///< Explorer: the selected cell's key token (query × key stages only), or empty
    QString prompt; ///< Image page, prompt mode: the prompt
    QString token;  ///< Image page, prompt mode: the token whose map is shown
};

/// How a step sets the window. Explorer steps: the input, stage, scaling, mask, heads and head;
/// image steps: a built-in example image, the mode, and the patch under `point` or a prompt.
struct LessonSetup {
    enum class Page { Explorer, Image };
    enum class ImageMode { Patches, Prompt };
    Page page = Page::Explorer;
    QHash<QString, LessonInput> input; ///< by language (lessonLanguages()); may be empty for image patches
    Stage stage = Stage::Weights;
    ScaleSpec::Mode scale = ScaleSpec::Mode::Sqrt;
    ExplorerParams::Mask mask = ExplorerParams::Mask::None;
    int heads = 2;                     ///< 1 … 16
    int head = 0;                      ///< 0 … heads − 1
    bool fixedScale = false;           ///< weights on a fixed 0–1 colour scale
    bool comparison = false;           ///< the 1/√d_k, 1/d_k, none comparison view
    QString image;                     ///< a file name of resources/examples, e.g. "shapes.png"
    ImageMode imageMode = ImageMode::Patches;
    QPointF point{0.5, 0.5};           ///< patches mode: the selected patch's place, 0–1 of width and height
};

/// One step: its card's title and body by language, and its setup.
struct LessonStep {
    QHash<QString, QString> title, body;
    LessonSetup setup;
};

struct LessonContent {
    QList<LessonStep> steps;
};

/// Reads a lesson file's bytes; `what` names it in messages. nullopt with a message in `error`
/// ("attention.json: step 3: stage: 'score' is not …") when it is not JSON, not a lesson, a step
/// lacks a language, or a key is unknown, of the wrong type or out of range.
std::optional<LessonContent> parseLesson(const QByteArray &json, const QString &what, QString *error);

/// The built-in lesson (:/lessons/attention.json), read once; nullopt with a message if broken.
const LessonContent *builtInLesson(QString *error = nullptr);

/// The path of a built-in example image (":/lessons/examples/shapes.png"), or empty.
QString lessonImagePath(const QString &name);

} // namespace attnscope
