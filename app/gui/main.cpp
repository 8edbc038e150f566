// attnscope: the AttnScope window.
//   attnscope [FILE] [--model DIR] [--text "SENTENCE"] [--image IMAGE] [--layer L] [--head H]
//             [--stage inputs|qkv|scores|scaled|masked|weights|output]
//             [--lang en|zh_CN] [--presenter] [--lesson N] [--memory-budget SIZE] [--threads N] [--screenshot FILE.png]
//             [--view heatmap|model|heads|neuron]
//   --presenter starts in presenter mode: full screen on the screen the window opens on.

#include <QApplication>
#include <QTabWidget>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <tuple>

#include "attention_page.h"
#include "explorer_page.h"
#include "explorer_session.h"
#include "language.h"
#include "lesson.h"
#include "lesson_content.h"
#include "main_window.h"
#include "memory_budget.h"
#include "parallel.h"
#include "stage_stepper.h"

namespace {

int fail(const QString &message)
{
    QString line = message;
    line.replace(QLatin1Char('\n'), QLatin1Char(' ')); // exactly one error: line
    std::fprintf(stderr, "error: %s\n", qPrintable(line));
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    attnscope::configureAllocatorForInteractiveUse();
    QApplication app(argc, argv);
    QApplication::setApplicationName("AttnScope");
    QApplication::setOrganizationName("AttnScope");
    QApplication::setApplicationVersion(ATTNSCOPE_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("AttnScope: see attention at work, stage by stage.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("FILE", "A text file, a tensor file (q/k/v or x/wq/wk/wv) or an attention bundle; or "
                                         "several tensor files named after their roles (q.npy k.npy …), opened together.",
                                 "FILE...");
    const QCommandLineOption text("text", "Start with this sentence.", "SENTENCE");
    const QCommandLineOption stage("stage", "Start at this stage: inputs, qkv, scores, scaled, masked, weights, output.",
                                   "STAGE");
    const QCommandLineOption screenshot("screenshot", "Render the window to FILE.png once the first computation is shown, "
                                                      "then exit (status 0; 2 on any error).", "FILE.png");
    const QCommandLineOption threads("threads", "Threads that compute (default: View → Threads…, else every core); "
                                               "results do not depend on it.", "N");
    const QCommandLineOption budget("memory-budget", "The most memory the window may use (512M, 4G, 1.5GiB); larger inputs "
                                                     "are refused. Default: the preference, else half of the memory "
                                                     "(or the cgroup or ulimit -v limit).", "SIZE");
    const QCommandLineOption layer("layer", "Show layer L (0-based; default: the last) on every tab that shows a layer.", "L");
    const QCommandLineOption head("head", "Show head H (0-based; default: 0) on every tab that shows a head.", "H");
    const QCommandLineOption model("model", "Open this Hugging Face model folder (config.json, safetensors, tokenizer) and run it "
                                            "on the sentence (--text) or, for an image model, on --image.", "DIR");
    const QCommandLineOption image("image", "An image: with --model, the image a vit model runs on; without, the same as FILE.",
                                   "IMAGE");
    const QCommandLineOption lang("lang", "The interface language for this run only, over View → Language and the "
                                          "system's: en or zh_CN. Not saved.", "LANG");
    const QCommandLineOption lesson("lesson", "Open the built-in lesson at step N (1-based); not with FILE, --model, --text "
                                              "or --stage.", "N");
    parser.addOption(lesson);
    const QCommandLineOption presenter("presenter", "Start in presenter mode: full screen on the screen the window opens "
                                                    "on, large text, high contrast (F5 or Esc leaves it).");
    parser.addOption(presenter);
    parser.addOption(model);
    parser.addOption(image);
    parser.addOption(layer);
    parser.addOption(head);
    parser.addOption(budget);
    parser.addOption(threads);
    parser.addOption(text);
    parser.addOption(stage);
    parser.addOption(screenshot);
    const QCommandLineOption view("view", "Show this view of the Imported attention tab: heatmap, model, heads or neuron.", "VIEW");
    parser.addOption(view);
    parser.addOption(lang);
    if (!parser.parse(QApplication::arguments()))
        return fail(parser.errorText());
    if (parser.isSet("help"))
        parser.showHelp(0);
    if (parser.isSet("version"))
        parser.showVersion();
    if (parser.isSet(lang) && !attnscope::isUiLanguage(parser.value(lang)))
        return fail(QStringLiteral("--lang: '%1' is not en or zh_CN").arg(parser.value(lang)));
    // Before the first widget: every widget takes its text when it is built.
    const QString language = parser.isSet(lang) ? parser.value(lang) : attnscope::startupLanguage();
    if (!attnscope::installTranslations(app, language))
        std::fprintf(stderr, "warning: the %s translation could not be loaded; the interface stays English\n",
                     qPrintable(language));
    const bool batch = parser.isSet(screenshot);
    std::optional<attnscope::Stage> startStage;
    if (parser.isSet(stage)) {
        startStage = attnscope::StageStepper::fromKey(parser.value(stage));
        if (!startStage)
            return fail(QStringLiteral("--stage: '%1' is not inputs, qkv, scores, scaled, masked, weights or output")
                            .arg(parser.value(stage)));
    }
    int layerIndex = -1, headIndex = -1;
    for (auto [option, out, name] : {std::tuple{&layer, &layerIndex, "--layer"}, {&head, &headIndex, "--head"}}) {
        if (!parser.isSet(*option))
            continue;
        bool ok = false;
        *out = parser.value(*option).toInt(&ok);
        if (!ok || *out < 0)
            return fail(QStringLiteral("%1: '%2' is not a whole number ≥ 0").arg(QLatin1String(name), parser.value(*option)));
    }
    if (parser.isSet(image) && !parser.isSet(model) && !parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("give FILE or --image, not both (--image without --model is a FILE)"));
    std::optional<std::uint64_t> budgetBytes;
    if (parser.isSet(budget)) {
        auto bytes = attnscope::parseByteSize(parser.value(budget).toStdString());
        if (!bytes || *bytes == 0)
            return fail(QStringLiteral("--memory-budget: '%1' is not a size such as 512M or 4G").arg(parser.value(budget)));
        budgetBytes = *bytes;
    }

    int lessonStep = 0;
    if (parser.isSet(lesson)) {
        if (!parser.positionalArguments().isEmpty() || parser.isSet(image) || parser.isSet(model) || parser.isSet(text) ||
            parser.isSet(stage))
            return fail(QStringLiteral("--lesson sets the input and stage itself: not with FILE, --image, --model, --text or --stage"));
        QString error;
        const attnscope::LessonContent *content = attnscope::builtInLesson(&error);
        if (!content)
            return fail(error);
        bool ok = false;
        lessonStep = parser.value(lesson).toInt(&ok);
        if (!ok || lessonStep < 1 || lessonStep > int(content->steps.size()))
            return fail(QStringLiteral("--lesson: '%1' is not a step within 1..%2").arg(parser.value(lesson)).arg(content->steps.size()));
    }

    int threadCount = 0;
    if (parser.isSet(threads)) {
        bool ok = false;
        threadCount = parser.value(threads).toInt(&ok);
        if (!ok || threadCount < 1 || threadCount > 256)
            return fail(QStringLiteral("--threads: '%1' is not a whole number within 1..256").arg(parser.value(threads)));
    }

    attnscope::MainWindow window; // sets the budget and the threads of the preferences
    if (budgetBytes)
        attnscope::setMemoryBudget(*budgetBytes);
    if (threadCount > 0)
        attnscope::setThreadCount(threadCount);
    // --screenshot ends at the first error the window shows (a file it cannot open, a computation
    // that fails, an input over the memory budget), with that message, not after the timeout.
    bool failed = false;
    if (batch)
        QObject::connect(&window, &attnscope::MainWindow::errorShown, &window, [&failed](const QString &message) {
            if (failed)
                return;
            failed = true;
            fail(message);
            QMetaObject::invokeMethod(qApp, [] { QApplication::exit(2); }, Qt::QueuedConnection);
        });
    // A model's run waits for its result in an event loop, where the first computation may
    // already be shown: --screenshot remembers it rather than waiting for a second one.
    bool shownEarly = false;
    const auto early = QObject::connect(&window, &attnscope::MainWindow::shown, &window, [&shownEarly] { shownEarly = true; });
    auto *explorer = window.page<attnscope::ExplorerPage>();
    if (parser.isSet(model)) {
        QString error;
        explorer->setSentence(parser.isSet(text) ? parser.value(text)
                                                 : QStringLiteral("The animal didn't cross the street because it was too tired."));
        if (!window.openModel(parser.value(model), batch ? &error : nullptr) ||
            (parser.isSet(image) && !window.runModel(QString(), parser.value(image), batch ? &error : nullptr))) {
            if (batch)
                return failed ? 2 : fail(error);
        }
    } else if (parser.isSet(image)) {
        QString error;
        if (!window.openFile(parser.value(image), batch ? &error : nullptr) && batch)
            return failed ? 2 : fail(error);
    } else if (parser.positionalArguments().size() > 1) { // role files: q.npy k.npy [v.npy …]
        QString error;
        if (!window.openTensorFiles(parser.positionalArguments(), batch ? &error : nullptr) && batch)
            return failed ? 2 : fail(error);
    } else if (!parser.positionalArguments().isEmpty()) {
        QString error;
        if (!window.openFile(parser.positionalArguments().first(), batch ? &error : nullptr) && batch)
            return failed ? 2 : fail(error);
    } else if (parser.isSet(text)) {
        explorer->setSentence(parser.value(text));
    } else if (batch && lessonStep == 0) {
        explorer->setSentence(QStringLiteral("The cat sat on the mat because it was tired ."));
    }
    if (failed)
        return 2;
    // After the input, which the stage, layer and head belong to.
    if (startStage)
        explorer->showStage(*startStage);
    if (layerIndex >= 0 || headIndex >= 0) {
        QString error;
        if (!window.setLayerHead(layerIndex, headIndex, batch ? &error : nullptr) && batch)
            return fail(error);
    }
    if (parser.isSet(view)) { // the tab whose widget carries the property viewKey = VIEW
        auto *page = window.findChild<attnscope::AttentionPage *>();
        QTabWidget *tabs = page ? page->viewTabs() : nullptr;
        int found = -1;
        for (int i = 0; tabs && i < tabs->count(); ++i)
            if (tabs->widget(i)->property("viewKey").toString() == parser.value(view))
                found = i;
        if (found < 0)
            return fail(QStringLiteral("--view: '%1' is not heatmap, model, heads or neuron").arg(parser.value(view)));
        tabs->setCurrentIndex(found);
    }
    window.show();
    if (parser.isSet(presenter))
        window.setPresenterMode(true);
    if (lessonStep > 0)
        window.openLesson(lessonStep); // after show(): the card is sized for the window it floats in
    if (!batch)
        window.offerRecovery();
    QObject::disconnect(early);
    if (batch) {
        const QString path = parser.value(screenshot);
        const auto grab = [&window, path] {
            // Let the layout settle and the plots replot before grabbing.
            QTimer::singleShot(300, &window, [&window, path] {
                if (!window.grab().save(path, "PNG")) {
                    std::fprintf(stderr, "error: %s: cannot write the screenshot\n", qPrintable(path));
                    QApplication::exit(2);
                    return;
                }
                QApplication::exit(0);
            });
        };
        // A lesson's step is shown once its own computation and selection are: --screenshot waits
        // for that (its signal comes later than openLesson, computations run off this thread).
        if (lessonStep > 0)
            QObject::connect(window.lesson(), &attnscope::Lesson::stepShown, &window, grab, Qt::SingleShotConnection);
        else if (shownEarly && !window.currentPage()->busy()) // the tab shown has its result
            grab();
        else { // the result of the tab shown, once it has no work left (another tab may finish first)
            // A superseded computation may end after the newest one's result was shown: then the
            // tab stops being busy without showing anything more, so either event may be the last.
            struct Wait {
                bool shown = false, done = false;
            };
            auto wait = std::make_shared<Wait>();
            const auto maybeGrab = [&window, grab, wait] {
                if (wait->done || !wait->shown || window.currentPage()->busy())
                    return;
                wait->done = true;
                grab(); // after 300 ms: a result delivered with the busy change is drawn by then
            };
            QObject::connect(&window, &attnscope::MainWindow::shown, &window, [wait, maybeGrab] {
                wait->shown = true;
                maybeGrab();
            });
            QObject::connect(window.currentPage(), &attnscope::Page::busyChanged, &window, [maybeGrab](bool busy) {
                if (!busy)
                    maybeGrab();
            });
        }
        QTimer::singleShot(30000, &window, [] {
            std::fprintf(stderr, "error: no computation was shown within 30 s\n");
            QApplication::exit(2);
        });
    }
    return app.exec();
}
