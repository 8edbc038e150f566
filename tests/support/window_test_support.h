#pragma once
// What the window suites share: reference computations, files written with numpy, and driving
// dialogs and drops as a person would. Header-only; every function is inline.
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QMimeData>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QWidget>

#include "attention_page.h"
#include "explorer_page.h"
#include "image_page.h"
#include "controls_panel.h"
#include "explorer.h"
#include "main_window.h"
#include "test_files.h"
#include "text.h"

#include <memory>

namespace attnscope::testsupport {

using test::fileBytes;
using test::writeBytes;

/// The application identity the window suites run with, their settings and data (recent files,
/// autosaves) kept apart from a user's (QStandardPaths test mode) and from each other's: CTest
/// runs the suites in parallel, and one suite's recent files must not show up in another's.
inline void useTestIdentity()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("AttnScopeTest");
    QCoreApplication::setApplicationName("AttnScopeTest-" + QFileInfo(QCoreApplication::applicationFilePath()).baseName());
}

/// The window's tabs, in the order pages.cpp registers them.
constexpr int kExplorerTab = 0, kAttentionTab = 1, kImageTab = 2;

/// The pages of a window (the tests reach into them as a user reaches into a tab).
inline ExplorerPage *explorerOf(const MainWindow &w) { return w.page<ExplorerPage>(); }
inline ExplorerPage *explorerOf(const MainWindow *w) { return w->page<ExplorerPage>(); }
inline ExplorerPage *explorerOf(const std::unique_ptr<MainWindow> &w) { return w->page<ExplorerPage>(); }
inline AttentionPage *attentionOf(const MainWindow &w) { return w.page<AttentionPage>(); }
inline AttentionPage *attentionOf(const MainWindow *w) { return w->page<AttentionPage>(); }
inline AttentionPage *attentionOf(const std::unique_ptr<MainWindow> &w) { return w->page<AttentionPage>(); }
inline ImagePage *imageOf(const MainWindow &w) { return w.page<ImagePage>(); }
inline ImagePage *imageOf(const MainWindow *w) { return w->page<ImagePage>(); }
inline ImagePage *imageOf(const std::unique_ptr<MainWindow> &w) { return w->page<ImagePage>(); }

/// A main window on cleared settings, shown at 1400 × 900.
inline std::unique_ptr<MainWindow> freshWindow()
{
    QSettings().clear();
    auto window = std::make_unique<MainWindow>();
    window->resize(1400, 900);
    window->show();
    return window;
}

/// Waits up to 5 s for the window to show a new computation.
inline bool waitForState(MainWindow &window)
{
    QSignalSpy spy(&window, &MainWindow::shown);
    return spy.wait(5000);
}


/// The window's default parameters computed directly by the engine, for comparison.
inline ExplorerResult reference(const QString &sentence, const ExplorerParams &v, Stage, ExplorerSetup *setupOut = nullptr)
{
    TextScenario s;
    s.tokens = tokenizeSentence(sentence);
    s.dModel = v.dModel;
    s.dHead = v.dHead;
    s.heads = v.heads;
    s.seed = v.seed;
    s.causal = v.mask == ExplorerParams::Mask::Causal;
    auto setup = buildTextSetup(s);
    auto r = computeExplorerHead(*setup, v.head, ScaleSpec{}, v.temperature);
    if (setupOut)
        *setupOut = *setup;
    return r.value();
}

/// How many different colours a picture has: a drawn picture has many, an empty one a few.
inline int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

/// Runs a Python snippet (with numpy) given `args` as sys.argv[1:]; true when it succeeded.
inline bool runPython(const char *script, const QStringList &args)
{
    QProcess py;
    py.start("/usr/bin/python3", QStringList{"-c", QString::fromUtf8(script)} + args);
    return py.waitForFinished(30000) && py.exitStatus() == QProcess::NormalExit && py.exitCode() == 0;
}

/// The demo bundle as `<dir>/a/attn.npz`, and the same with other weights as `<dir>/b/attn.npz`.
inline bool writeTwoBundlesNamedAlike(const QString &dir)
{
    return runPython("import numpy as np, os, sys\n"
                     "d = dict(np.load(sys.argv[1]))\n"
                     "for sub in 'ab': os.makedirs(sys.argv[2] + '/' + sub)\n"
                     "np.savez(sys.argv[2] + '/a/attn.npz', **d)\n"
                     "a = d['attentions'][:, :, :, ::-1]\n"
                     "d['attentions'] = np.ascontiguousarray(a)\n"
                     "np.savez(sys.argv[2] + '/b/attn.npz', **d)\n",
                     {QStringLiteral(ATTNSCOPE_SOURCE_DIR "/resources/examples/demo_bundle.npz"), dir});
}

/// Writes the two bundles (writeTwoBundlesNamedAlike) into `dir` and opens them in `window`:
/// a/attn.npz as the input, b/attn.npz as the second input of the difference.
inline bool openDifference(MainWindow &window, const QString &dir, QString *error)
{
    return writeTwoBundlesNamedAlike(dir) && window.openFile(dir + "/a/attn.npz", error) &&
           window.page<AttentionPage>()->openSecondBundle(dir + "/b/attn.npz", error);
}

/// Drags the local file `path` onto `target` and drops it there, as from a file manager; whether
/// `target` took both the drag and the drop.
inline bool dropFile(QWidget *target, const QString &path)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}


} // namespace attnscope::testsupport
