// attnscope-bench: time and GFLOP/s of each attention stage, of the whole pipeline, and of a
// 2048³ single-precision Eigen product (the practical ceiling of one core in this build).
//
// Conventions (one thread, float32, Tq = Tk = T, d = dv = 64):
//   scores   Q·Kᵀ                     2·T²·d flops
//   scale    scores *= 1/√d            T² flops
//   softmax  max, subtract, exp, sum, normalise: 5·T² flops (exp counted as one)
//   weighted A·V                       2·T²·d flops
//   pipeline computeAttention(KeepWeights, one head): 4·T²·d flops (the two products only)
//   ceiling  C = A·B, 2048³           2·n³ flops
//   pipeline_threads  the pipeline on N threads (second argument)
//   overview computeOverview of one head, no V, bins of min(T, 2048)² pixels, column sums and
//            entropies, on N threads: 2·T²·d flops (the scores; the rest counted as free)
// The stages are measured one at a time on whole T×T matrices (the unfused breakdown); the
// pipeline runs the engine's blocked, fused kernel. GFLOP/s counters are per wall-clock second.
#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "attention.h"
#include "attention_overview.h"
#include "parallel.h"

using attnscope::Mat;

namespace {

constexpr std::int64_t kHeadDim = 64;

Mat<float> randomMat(std::int64_t rows, std::int64_t cols, unsigned seed)
{
    std::srand(seed);
    return Mat<float>::Random(rows, cols);
}

void setGflops(benchmark::State &state, double flops)
{
    state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["T"] = double(state.range(0));
}

float scaleFactor() { return float(1.0 / std::sqrt(double(kHeadDim))); }

void BM_Ceiling(benchmark::State &state)
{
    const std::int64_t n = state.range(0);
    const Mat<float> a = randomMat(n, n, 1), b = randomMat(n, n, 2);
    Mat<float> c = Mat<float>::Zero(n, n); // touched here, so page faults stay out of the timing
    c.noalias() = a * b;                    // one untimed warm-up run in every benchmark
    for (auto _ : state) {
        c.noalias() = a * b;
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    state.counters["GFLOP/s"] =
        benchmark::Counter(2.0 * double(n) * double(n) * double(n) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["T"] = double(n);
}

void BM_Scores(benchmark::State &state)
{
    const std::int64_t t = state.range(0);
    const Mat<float> q = randomMat(t, kHeadDim, 1), k = randomMat(t, kHeadDim, 2);
    Mat<float> s = Mat<float>::Zero(t, t);
    s.noalias() = q * k.transpose();
    for (auto _ : state) {
        s.noalias() = q * k.transpose();
        benchmark::DoNotOptimize(s.data());
        benchmark::ClobberMemory();
    }
    setGflops(state, 2.0 * double(t) * double(t) * double(kHeadDim));
}

void BM_Scale(benchmark::State &state)
{
    const std::int64_t t = state.range(0);
    Mat<float> s = randomMat(t, t, 3);
    // Alternate between the factor and its inverse (powers of two for d = 64) so that repeated
    // scaling never drifts into denormals.
    const float f[2] = {scaleFactor(), 1.0f / scaleFactor()};
    s *= f[0];
    s *= f[1];
    int i = 0;
    for (auto _ : state) {
        s *= f[i];
        i ^= 1;
        benchmark::DoNotOptimize(s.data());
        benchmark::ClobberMemory();
    }
    setGflops(state, double(t) * double(t));
}

void BM_Softmax(benchmark::State &state)
{
    const std::int64_t t = state.range(0);
    Mat<float> s = randomMat(t, t, 4) * 8.0f;
    std::vector<std::int64_t> fullyMasked;
    attnscope::softmaxRowsInPlace<float>(s, fullyMasked, 0);
    for (auto _ : state) {
        attnscope::softmaxRowsInPlace<float>(s, fullyMasked, 0);
        benchmark::DoNotOptimize(s.data());
        benchmark::ClobberMemory();
    }
    setGflops(state, 5.0 * double(t) * double(t));
}

void BM_Weighted(benchmark::State &state)
{
    const std::int64_t t = state.range(0);
    Mat<float> a = (randomMat(t, t, 5).array() + 1.0f).matrix() / float(t);
    const Mat<float> v = randomMat(t, kHeadDim, 6);
    Mat<float> o = Mat<float>::Zero(t, kHeadDim);
    o.noalias() = a * v;
    for (auto _ : state) {
        o.noalias() = a * v;
        benchmark::DoNotOptimize(o.data());
        benchmark::ClobberMemory();
    }
    setGflops(state, 2.0 * double(t) * double(t) * double(kHeadDim));
}

void BM_Pipeline(benchmark::State &state)
{
    const std::int64_t t = state.range(0);
    attnscope::AttentionInputs<float> in;
    in.q.push_back(randomMat(t, kHeadDim, 7));
    in.k.push_back(randomMat(t, kHeadDim, 8));
    in.v.push_back(randomMat(t, kHeadDim, 9));
    attnscope::AttentionOptions opt;
    opt.keep = attnscope::KeepWeights;
    if (!attnscope::computeAttention(in, opt)) {
        state.SkipWithError("computeAttention failed");
        return;
    }
    for (auto _ : state) {
        auto r = attnscope::computeAttention(in, opt);
        if (!r) {
            state.SkipWithError("computeAttention failed");
            break;
        }
        benchmark::DoNotOptimize(r->heads[0].output.data());
        benchmark::ClobberMemory();
    }
    setGflops(state, 4.0 * double(t) * double(t) * double(kHeadDim));
}

void BM_PipelineThreads(benchmark::State &state)
{
    attnscope::setThreadCount(int(state.range(1)));
    BM_Pipeline(state);
    attnscope::setThreadCount(1);
}

void BM_Overview(benchmark::State &state)
{
    const std::int64_t t = state.range(0);
    attnscope::setThreadCount(int(state.range(1)));
    attnscope::AttentionInputs<float> in;
    in.q.push_back(randomMat(t, kHeadDim, 7));
    in.k.push_back(randomMat(t, kHeadDim, 8));
    attnscope::OverviewOptions opt;
    opt.width = opt.height = int(std::min<std::int64_t>(t, 2048));
    opt.columnSums = opt.entropy = true;
    for (auto _ : state) {
        auto r = attnscope::computeOverview(in, opt);
        if (!r) {
            state.SkipWithError(r.error().message.c_str());
            break;
        }
        benchmark::DoNotOptimize(r->heads[0].binMax.data());
        benchmark::ClobberMemory();
    }
    setGflops(state, 2.0 * double(t) * double(t) * double(kHeadDim));
    attnscope::setThreadCount(1);
}

void sizes(benchmark::internal::Benchmark *b)
{
    b->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();
}

} // namespace

BENCHMARK(BM_Ceiling)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scores)->Apply(sizes);
BENCHMARK(BM_Scale)->Apply(sizes);
BENCHMARK(BM_Softmax)->Apply(sizes);
BENCHMARK(BM_Weighted)->Apply(sizes);
BENCHMARK(BM_Pipeline)->Apply(sizes);
BENCHMARK(BM_PipelineThreads)->Args({4096, 1})->Args({4096, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Overview)
    ->Args({4096, 1})
    ->Args({4096, 2})
    ->Args({32768, 1})
    ->Args({32768, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

int main(int argc, char **argv)
{
    Eigen::setNbThreads(1);
    attnscope::setThreadCount(1); // one thread unless a benchmark's argument says otherwise
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::AddCustomContext("eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) +
                                             "." + std::to_string(EIGEN_MINOR_VERSION) + " " +
                                             Eigen::SimdInstructionSetsInUse());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
