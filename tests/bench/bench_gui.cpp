// attnscope-bench-gui: one heatmap update of the explorer window, as a user's control change
// causes it: compute one head's stages (T × T, d_k = 16, float64, every stage kept) and show the
// weights in a HeatmapView (reduction to screen pixels, colour map fill, replot). The target is
// one frame at 60 Hz (16 ms) at T ≤ 512. Runs offscreen; not a CTest test.
#include <QApplication>
#include <QEventLoop>
#include <QLineEdit>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <memory>

#include "explorer.h"
#include "explorer_session.h"
#include "controls_panel.h"
#include "explorer_page.h"
#include "file_io.h"
#include "heatmap_view.h"
#include "long_page.h"
#include "main_window.h"
#include "npy.h"
#include "parallel.h"

using namespace attnscope;

namespace {

std::vector<std::string> words(int n)
{
    static const char *pool[] = {"the", "cat", "sat", "on", "mat", "and", "dog", "ran", "far", "away", "."};
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
        out.push_back(pool[i % 11]);
    return out;
}

ExplorerSetup setupFor(int t)
{
    TextScenario s;
    s.tokens = words(t);
    s.dModel = 64;
    s.dHead = 16;
    s.heads = 2;
    return buildTextSetup(s).value();
}

void BM_Compute(benchmark::State &state)
{
    const ExplorerSetup setup = setupFor(int(state.range(0)));
    for (auto _ : state) {
        auto r = computeExplorerHead(setup, 0, ScaleSpec{}, 1.0);
        benchmark::DoNotOptimize(r);
    }
}

void BM_Redraw(benchmark::State &state)
{
    const ExplorerSetup setup = setupFor(int(state.range(0)));
    auto r = computeExplorerHead(setup, 0, ScaleSpec{}, 1.0);
    HeatmapView view;
    view.resize(900, 700);
    view.show();
    QApplication::processEvents();
    HeatmapView::Content c;
    c.values = std::make_shared<const Mat<double>>(r->stages.weights);
    for (auto _ : state) {
        view.setContent(c); // reduce, fill the colour map, replot
        QApplication::processEvents();
    }
}

void BM_ComputeAndRedraw(benchmark::State &state)
{
    const ExplorerSetup setup = setupFor(int(state.range(0)));
    HeatmapView view;
    view.resize(900, 700);
    view.show();
    QApplication::processEvents();
    double temperature = 1.0;
    for (auto _ : state) {
        temperature = temperature == 1.0 ? 0.9 : 1.0; // a control change
        auto r = computeExplorerHead(setup, 0, ScaleSpec{}, temperature);
        HeatmapView::Content c;
        c.values = std::make_shared<const Mat<double>>(std::move(r->stages.weights));
        view.setContent(c);
        QApplication::processEvents();
    }
}

/// The window's own path: a request to the session (computed on a worker thread), the result
/// delivered by signal, the heatmap updated.
void BM_WindowUpdate(benchmark::State &state)
{
    auto setup = std::make_shared<const ExplorerSetup>(setupFor(int(state.range(0))));
    ExplorerSession session;
    HeatmapView view;
    view.resize(900, 700);
    view.show();
    QApplication::processEvents();
    QEventLoop loop;
    QObject::connect(&session, &ExplorerSession::ready, &view, [&](std::shared_ptr<const ExplorerState> s) {
        HeatmapView::Content c;
        c.values = std::shared_ptr<const Mat<double>>(s, &s->result.stages.weights);
        view.setContent(c);
        loop.quit();
    });
    double temperature = 1.0;
    for (auto _ : state) {
        ExplorerRequest r;
        r.fixedSetup = setup;
        r.temperature = temperature = temperature == 1.0 ? 0.9 : 1.0;
        session.request(r);
        loop.exec();
        QApplication::processEvents();
    }
}

/// A typed change with a model loaded, as the user sees it: the sentence box edited, the model run
/// on a worker thread (tokenizer, every layer, attention kept), every page given the result, and
/// the Explorer's stages of the layer shown. The model folder is $ATTNSCOPE_BENCH_MODEL (e.g. the
/// GPT-2-small-shaped folder of tools/bench_torch_model.py --write, with a tokenizer.json copied
/// in); the sentence is `state.range(0)` tokens of that tokenizer's test sentence.
void BM_ModelTyping(benchmark::State &state)
{
    const QString dir = qEnvironmentVariable("ATTNSCOPE_BENCH_MODEL");
    if (dir.isEmpty()) {
        state.SkipWithError("set ATTNSCOPE_BENCH_MODEL to a model folder");
        return;
    }
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QString error;
    if (!window.openModel(dir, &error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    auto *explorer = window.page<ExplorerPage>();
    QLineEdit *edit = explorer->controls()->textEdit();
    QEventLoop loop;
    QObject::connect(explorer, &Page::shown, &loop, &QEventLoop::quit);
    const QString base = QStringLiteral("The animal didn't cross the street because it was too tired. ");
    int n = 0;
    for (auto _ : state) {
        // Distinct sentences of the same length: `range` tokens, the last one changing.
        edit->setText(base.repeated(4).left(int(state.range(0)) * 4) + (n++ % 2 ? "x" : "y"));
        loop.exec();
    }
    state.counters["tokens"] = double(window.page<ExplorerPage>()->state()->setup->queryTokens.size());
}

/// q.npy and k.npy of one head of `t` tokens (d = 64, float32, uniform in [−1, 1]) into `dir`.
bool writeLongInputs(const QTemporaryDir &dir, Eigen::Index t, benchmark::State &state)
{
    for (const char *name : {"q.npy", "k.npy"})
        if (!writeFileAtomically(dir.filePath(name).toStdString(), encodeNpy(Tensor::fromMatrix(Mat<float>(Mat<float>::Random(t, 64)))))) {
            state.SkipWithError("cannot write the inputs");
            return false;
        }
    return true;
}

/// `page` opening the files of writeLongInputs; false with the reason in `state`.
bool openLongInputs(LongPage &page, const QTemporaryDir &dir, benchmark::State &state)
{
    PageInput input;
    input.kind = SessionState::InputKind::Files;
    input.paths = {dir.filePath("q.npy"), dir.filePath("k.npy")};
    QString error;
    if (!page.openInput(input, &error)) {
        state.SkipWithError(qPrintable(error));
        return false;
    }
    return true;
}

/// The Long input tab's first picture (issue 16): q.npy and k.npy of one head of `range(0)`
/// tokens opened in the tab — the files read, Q and K prepared, the streamed overview of the whole
/// head on `range(1)` threads (2,048² bins, column sums, entropies) and the picture shown.
/// Target: within 5 s at T = 32,768 on this 2-core machine.
void BM_LongFirstPicture(benchmark::State &state)
{
    setThreadCount(int(state.range(1)));
    QTemporaryDir dir;
    if (!writeLongInputs(dir, Eigen::Index(state.range(0)), state))
        return;
    LongPage page;
    page.resize(1100, 800);
    page.show();
    QEventLoop loop;
    QObject::connect(&page, &Page::shown, &loop, &QEventLoop::quit);
    for (auto _ : state) {
        if (!openLongInputs(page, dir, state))
            break;
        loop.exec();
    }
    setThreadCount(0);
}

/// One wheel step in the Long input tab at T = 32,768 (d = 64), as the user feels it: the view
/// zoomed about its centre, the picture for the new view made from the overview's bins (zoomed
/// out) or the last picture and the overview stretched (zoomed in, while the region is computed
/// after a pause), and the widget repainted. `range(0)` = 0: between the whole head and a quarter
/// of it; 1: between 2,048 and 1,024 cells a side (past the overview's bins). Target: one frame.
void BM_LongZoomStep(benchmark::State &state)
{
    QTemporaryDir dir;
    LongPage page;
    page.resize(1100, 800);
    page.show();
    QEventLoop loop;
    QObject::connect(&page, &Page::shown, &loop, &QEventLoop::quit);
    if (!writeLongInputs(dir, 32768, state) || !openLongInputs(page, dir, state))
        return;
    loop.exec();
    OverviewView *view = page.view();
    const double side = state.range(0) == 0 ? 32768 : 2048;
    view->setViewport(OverviewView::Viewport{16384 - side / 2, 16384 + side / 2, 16384 - side / 2, 16384 + side / 2});
    QApplication::processEvents();
    bool in = true;
    for (auto _ : state) {
        view->zoomBy(in ? 0.5 : 2.0);
        in = !in;
        view->repaint();
    }
}

} // namespace

BENCHMARK(BM_LongZoomStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LongFirstPicture)->Args({16384, 2})->Args({32768, 1})->Args({32768, 2})->Unit(benchmark::kMillisecond)
    ->UseRealTime()->Iterations(3);
BENCHMARK(BM_ModelTyping)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WindowUpdate)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Compute)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Redraw)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ComputeAndRedraw)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    // As the window does (app/gui/main.cpp); ATTNSCOPE_DEFAULT_MALLOC=1 measures without it.
    if (!qEnvironmentVariableIsSet("ATTNSCOPE_DEFAULT_MALLOC"))
        configureAllocatorForInteractiveUse();
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
