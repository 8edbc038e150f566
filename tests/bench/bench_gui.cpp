// attnscope-bench-gui: one heatmap update of the explorer window, as a user's control change
// causes it: compute one head's stages (T × T, d_k = 16, float64, every stage kept) and show the
// weights in a HeatmapView (reduction to screen pixels, colour map fill, replot). The target is
// one frame at 60 Hz (16 ms) at T ≤ 512. Runs offscreen; not a CTest test.
#include <QApplication>
#include <QEventLoop>

#include <benchmark/benchmark.h>

#include <memory>

#include "explorer.h"
#include "explorer_session.h"
#include "heatmap_view.h"

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

} // namespace

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
