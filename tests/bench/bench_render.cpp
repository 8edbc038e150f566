// attnscope-bench-render: `render --bare` at 4096 × 4096 cells and pixels, step by step — the
// colour lookup into a QImage, PNG encoding at several zlib levels and pixel formats, and the
// whole write to a file (QSaveFile: temporary file, fsync, rename). The target is the whole
// command under 1 s. Two matrices: "attention", softmax rows of N(0, 3²) logits over 4096 keys
// (most cells near 0, so most pixels take the lowest colour and compress well), and "noise",
// uniform values that use every colour index at random — the worst case for PNG. Runs
// offscreen; not a CTest test. Report medians:
//   attnscope-bench-render --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImageWriter>

#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "heatmap_export.h"

using namespace attnscope;

namespace {

enum Kind : int { kAttention = 0, kNoise = 1 };

const Mat<double> &matrix(Eigen::Index n, int kind)
{
    static Mat<double> cache[2];
    Mat<double> &m = cache[kind];
    if (m.rows() != n) {
        std::mt19937_64 rng(42);
        std::normal_distribution<double> logit(0.0, 3.0);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        m.resize(n, n);
        for (Eigen::Index i = 0; i < n; ++i) {
            auto row = m.row(i);
            for (Eigen::Index j = 0; j < n; ++j)
                row(j) = kind == kNoise ? uniform(rng) : logit(rng);
            if (kind == kAttention) {
                row = (row.array() - row.maxCoeff()).exp().matrix();
                row /= row.sum();
            }
        }
    }
    return m;
}

const char *kindName(int kind) { return kind == kNoise ? "noise" : "attention"; }

void BM_RenderBare(benchmark::State &state)
{
    const Eigen::Index n = state.range(0);
    const int pixels = int(state.range(1));
    const Mat<double> &m = matrix(n, kAttention);
    for (auto _ : state) {
        QImage img = renderBare(m, pixels, pixels, ColormapId::Viridis, ColorNormalization::Global);
        benchmark::DoNotOptimize(img.constBits());
    }
}

/// Qt's PNG writer: quality q means zlib level (100 − q)·9/91; -1 is libpng's default (6).
void BM_EncodePng(benchmark::State &state)
{
    const int kind = int(state.range(0));
    const bool rgb = state.range(1) != 0;
    const int quality = int(state.range(2));
    QImage img = renderBare(matrix(4096, kind), 4096, 4096, ColormapId::Viridis, ColorNormalization::Global);
    if (rgb)
        img = img.convertToFormat(QImage::Format_RGB32);
    qint64 bytes = 0;
    for (auto _ : state) {
        QByteArray out;
        QBuffer buffer(&out);
        buffer.open(QIODevice::WriteOnly);
        QImageWriter writer(&buffer, "png");
        writer.setQuality(quality);
        if (!writer.write(img))
            state.SkipWithError("PNG write failed");
        bytes = out.size();
    }
    state.counters["MB"] = double(bytes) / 1e6;
    state.SetLabel(std::string(kindName(kind)) + (rgb ? ", RGB32" : ", Indexed8"));
}

/// What `render --bare` does after reading the matrix: renderBare + writeImage (atomic write).
void BM_BareToFile(benchmark::State &state)
{
    const int kind = int(state.range(0));
    const Mat<double> &m = matrix(4096, kind);
    const QString path = QDir::temp().filePath(QStringLiteral("attnscope-bench-render.png"));
    for (auto _ : state) {
        const QImage img = renderBare(m, 4096, 4096, ColormapId::Viridis, ColorNormalization::Global);
        if (auto st = writeImage(img, path); !st)
            state.SkipWithError(st.error().message.c_str());
    }
    state.counters["MB"] = double(QFileInfo(path).size()) / 1e6;
    state.SetLabel(kindName(kind));
    QFile::remove(path);
}

} // namespace

BENCHMARK(BM_RenderBare)->Args({4096, 4096})->Args({4096, 1024})->Args({1024, 4096})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodePng)
    ->Args({kAttention, 0, -1})->Args({kAttention, 0, 50})->Args({kAttention, 0, 85})->Args({kAttention, 0, 100})
    ->Args({kAttention, 1, -1})->Args({kAttention, 1, 85})
    ->Args({kNoise, 0, -1})->Args({kNoise, 0, 50})->Args({kNoise, 0, 85})->Args({kNoise, 0, 100})
    ->Args({kNoise, 1, -1})->Args({kNoise, 1, 85})
    ->ArgNames({"noise", "rgb", "quality"})->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_BareToFile)->Arg(kAttention)->Arg(kNoise)->ArgName("noise")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

int main(int argc, char **argv)
{
    if (qgetenv("QT_QPA_PLATFORM").isEmpty())
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
