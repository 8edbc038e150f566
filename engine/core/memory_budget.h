#pragma once
// One memory budget for the whole process. Everything that allocates in proportion to its input
// (a file's arrays, an inflated zip member, a decoded image, tokens, the stages of attention)
// asks reserveMemory() first, so that work which would not fit is refused with the amount it
// needs instead of being killed by the kernel half-way.
//
// The budget is the smallest of
//   - half of the physical memory,
//   - the cgroup's limit (v2 memory.max, v1 memory.limit_in_bytes; the tightest along the
//     cgroup's path) less headroom for code, libraries and the kernel's own use,
//   - the address-space limit (RLIMIT_AS) less what is mapped already, less headroom,
// unless set explicitly (attnscope-cli --memory-budget, the window's preferences).
// A request fits when the heap in use now (malloc's own count: the inputs already read, the
// results already kept) plus the request is within the budget.

#include <cstdint>
#include <optional>
#include <string>

#include "result.h"

namespace attnscope {

/// What the operating system says about the memory this process may use.
struct MemoryLimits {
    std::uint64_t physical = 0;                 ///< bytes of RAM
    std::optional<std::uint64_t> cgroup;        ///< tightest cgroup limit on the path, if any
    std::optional<std::uint64_t> addressSpace;  ///< RLIMIT_AS soft limit, if any
    std::uint64_t addressSpaceUsed = 0;         ///< VmSize of this process when read
};

/// Reads the limits. `procRoot` and `cgroupRoot` are "/proc" and "/sys/fs/cgroup" except in tests.
MemoryLimits readMemoryLimits(const std::string &procRoot = "/proc", const std::string &cgroupRoot = "/sys/fs/cgroup");

/// The default budget for `limits` (see the top of this file), and what bounds it:
/// "half of the physical memory", "the cgroup's memory limit less headroom", "the address-space
/// limit (ulimit -v) less headroom".
struct DefaultBudget {
    std::uint64_t bytes = 0;
    std::string source;
};
DefaultBudget defaultBudgetFor(const MemoryLimits &limits);

/// defaultBudgetFor(readMemoryLimits()), read once per process.
std::uint64_t defaultMemoryBudget();

/// The process-wide budget: the default until set. Thread-safe.
std::uint64_t memoryBudget();
/// Sets the process-wide budget; 0 returns to the default.
void setMemoryBudget(std::uint64_t bytes);

/// Bytes malloc has handed out and not taken back (mallinfo2: arenas plus mmapped blocks).
std::uint64_t heapInUse();

/// What is left of `budget` (0 = memoryBudget()) now: the budget less heapInUse(), or 0.
std::uint64_t memoryLeft(std::uint64_t budget = 0);
/// The OverBudget error reserveMemory() returns for `bytes` that did not fit.
Error overBudgetError(std::uint64_t bytes, const std::string &what, std::uint64_t budget = 0);

/// OverBudget unless `bytes` more fit the budget now. `what` starts the message, e.g.
/// "data.npz: member 'x'" → "data.npz: member 'x' needs 1.0 GiB, more than the 512.0 MiB left of
/// the memory budget of 1.0 GiB".
Status reserveMemory(std::uint64_t bytes, const std::string &what);
/// The same against an explicit budget (0 = memoryBudget()).
Status reserveMemory(std::uint64_t bytes, const std::string &what, std::uint64_t budget);

/// "1.5 GiB"
std::string formatBytes(std::uint64_t bytes);
/// Parses "512M", "2G", "1.5GiB", "1000000" (bytes).
Result<std::uint64_t> parseByteSize(const std::string &text);

/// a·b and a+b, saturating at the largest value instead of wrapping.
std::uint64_t satMul(std::uint64_t a, std::uint64_t b);
std::uint64_t satAdd(std::uint64_t a, std::uint64_t b);

} // namespace attnscope
