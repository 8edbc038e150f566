// libFuzzer target: tokenizer.json through HfTokenizer::load() and encode(), the code a model
// folder's tokenizer goes through (JSON, every component's options, merges, added tokens).
//
// The input is written to a file in a private temporary folder (the loader takes a path and
// checks the file's size against the memory budget before reading it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "hf_tokenizer.h"
#include "memory_budget.h"

namespace {

const std::string &tokenizerPath()
{
    static const std::string path = [] {
        char dir[] = "/tmp/fuzz_tokenizer.XXXXXX";
        if (!mkdtemp(dir)) {
            std::perror("fuzz_tokenizer: no temporary folder");
            std::abort();
        }
        return std::string(dir) + "/tokenizer.json";
    }();
    return path;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    attnscope::setMemoryBudget(std::uint64_t(64) << 20);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::FILE *f = std::fopen(tokenizerPath().c_str(), "wb");
    if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0)
        std::abort();
    const auto tokenizer = attnscope::HfTokenizer::load(tokenizerPath());
    if (!tokenizer)
        return 0;
    // Mixed text: English, Chinese, emoji, accents, digits, spaces and newlines, special tokens.
    const std::string text = "Hello, world!  它很累 🤗👍🏽 café 12345\n\n\t<s>[CLS]<|endoftext|> x";
    for (const bool special : {true, false})
        if (const auto e = (*tokenizer)->encode(text, special))
            (void)(*tokenizer)->displayTokens(e->tokens);
    return 0;
}
