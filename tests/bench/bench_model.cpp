// attnscope-bench-model: the forward pass of real-shaped models with the attention kept (weights,
// q/k/v and the layers' inputs, as the window asks), one thread, float32. The model folders are
// written by tools/bench_torch_model.py --write DIR (random weights, same files torch times):
//   gpt2   GPT-2 small: 12 layers, d 768, 12 heads, MLP 3072 (vocabulary 1024)
//   llama  LLaMA-shaped with grouped-query attention: 12 layers, d 768, 12 heads over 4
//          key/value heads of 64, SwiGLU 2048 (vocabulary 1024)
// at T = 256 and 1024. Usage: attnscope-bench-model --models DIR [benchmark flags]. Input ids
// are (7919·i + 13) mod vocabulary, as in the torch script.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "model.h"

using namespace attnscope;

namespace {

std::vector<std::int64_t> benchIds(std::int64_t T, std::int64_t vocab)
{
    std::vector<std::int64_t> ids(std::size_t(T), 0);
    for (std::int64_t i = 0; i < T; ++i)
        ids[std::size_t(i)] = (7919 * i + 13) % vocab;
    return ids;
}

void forward(benchmark::State &state, std::shared_ptr<const TransformerModel> model)
{
    const std::int64_t T = state.range(0);
    const auto ids = benchIds(T, 1024);
    ModelRunOptions o;
    o.threads = 1;
    { // one untimed warm-up run: page faults of the first allocations stay out of the timing
        auto r = model->runTokens(ids, o);
        if (!r) {
            state.SkipWithError(r.error().message.c_str());
            return;
        }
    }
    for (auto _ : state) {
        auto r = model->runTokens(ids, o);
        benchmark::DoNotOptimize(r.value().attentions.bytes.data());
    }
    state.counters["T"] = double(T);
}

} // namespace

int main(int argc, char **argv)
{
    std::string dir;
    std::vector<char *> rest;
    for (int i = 0; i < argc; ++i) {
        if (std::strcmp(argv[i], "--models") == 0 && i + 1 < argc)
            dir = argv[++i];
        else
            rest.push_back(argv[i]);
    }
    if (dir.empty()) {
        std::fprintf(stderr, "attnscope-bench-model: --models DIR is required (tools/bench_torch_model.py --write DIR)\n");
        return 2;
    }
    for (const char *name : {"gpt2", "llama"}) {
        auto model = TransformerModel::load(dir + "/" + name);
        if (!model) {
            std::fprintf(stderr, "attnscope-bench-model: %s\n", model.error().message.c_str());
            return 2;
        }
        benchmark::RegisterBenchmark((std::string("BM_Model_") + name).c_str(), forward, *model)
            ->Arg(256)
            ->Arg(1024)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    }
    int n = int(rest.size());
    benchmark::Initialize(&n, rest.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
