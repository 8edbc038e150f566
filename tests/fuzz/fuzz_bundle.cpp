// libFuzzer target: attention bundles (.npz or .safetensors with attentions, tokens, q/k/v and
// image_grid) through readAttentionBundle(), the reader the window and the CLI use.
//
// The input stays in memory, in an anonymous memory file (memfd) that the reader opens as
// /proc/self/fd/N: so the fuzzer runs exactly the code a user's file goes through (format
// detection, TensorFile, the bundle's checks), without a second, in-memory copy of the format
// glue in tensor_file.cpp and without writing to the disk.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include "bundle.h"
#include "memory_budget.h"

namespace {

int memoryFile()
{
    static const int fd = [] {
        int f = memfd_create("fuzz_bundle", 0);
        if (f < 0) {
            std::FILE *tmp = std::tmpfile(); // without memfd: an unlinked temporary file
            f = tmp ? fileno(tmp) : -1;
        }
        if (f < 0) {
            std::perror("fuzz_bundle: no memory file");
            std::abort();
        }
        return f;
    }();
    return fd;
}

bool replaceContent(int fd, const std::uint8_t *data, std::size_t size)
{
    if (ftruncate(fd, 0) != 0)
        return false;
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = pwrite(fd, data + done, size - done, off_t(done));
        if (n <= 0)
            return false;
        done += std::size_t(n);
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // The npz target's cap: a member may claim no more than this, whatever the machine has.
    attnscope::setMemoryBudget(std::uint64_t(64) << 20);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const int fd = memoryFile();
    if (!replaceContent(fd, data, size)) {
        std::perror("fuzz_bundle: cannot write the memory file");
        std::abort();
    }
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    auto bundle = attnscope::readAttentionBundle(path);
    if (bundle && bundle->attentions.numel() > 0)
        (void)bundle->attentions.at(bundle->attentions.numel() - 1);
    (void)attnscope::readAttentionBundle(path + ":q"); // a named array as the attention
    return 0;
}
