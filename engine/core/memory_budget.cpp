#include "memory_budget.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

// Under AddressSanitizer, malloc is the sanitizer's allocator and glibc's mallinfo2() sees none of
// it: the budget would count nothing in use. Ask the sanitizer's allocator instead.
#if defined(__SANITIZE_ADDRESS__)
#define ATTNSCOPE_ASAN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATTNSCOPE_ASAN_ALLOCATOR 1
#endif
#endif
#ifdef ATTNSCOPE_ASAN_ALLOCATOR
// From <sanitizer/allocator_interface.h>, which GCC 12 on Debian does not install.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace attnscope {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t(1) << 20;

/// The first line of a small kernel file, or "" when it cannot be read.
std::string firstLine(const std::string &path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

/// A cgroup limit file's value: bytes, or nothing for "max" / the v1 "unlimited" 2^63 − page.
std::optional<std::uint64_t> limitValue(const std::string &path)
{
    const std::string text = firstLine(path);
    std::uint64_t v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc() || v >= (std::uint64_t(1) << 62))
        return std::nullopt;
    return v;
}

/// The tightest limit in `file` along `path` (each ancestor, up to the mount's root).
std::optional<std::uint64_t> tightestOnPath(const std::string &mount, std::string path, const char *file)
{
    std::optional<std::uint64_t> best;
    auto consider = [&](const std::string &dir) {
        if (auto v = limitValue(mount + dir + "/" + file); v && (!best || *v < *best))
            best = v;
    };
    while (!path.empty() && path != "/") {
        consider(path);
        path.erase(path.find_last_of('/'));
    }
    consider("");
    return best;
}

/// The cgroup limit from /proc/self/cgroup: v2 ("0::/path") or v1 (the "memory" controller).
/// Inside a cgroup namespace the path is "/" and the mount shows our own cgroup as its root.
std::optional<std::uint64_t> cgroupLimit(const std::string &procRoot, const std::string &cgroupRoot)
{
    std::ifstream in(procRoot + "/self/cgroup");
    std::optional<std::uint64_t> best;
    auto take = [&](std::optional<std::uint64_t> v) {
        if (v && (!best || *v < *best))
            best = v;
    };
    std::string line;
    while (std::getline(in, line)) {
        const auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos)
            continue;
        std::string controllers(1, ',');
        controllers.append(line, a + 1, b - a - 1).push_back(',');
        const std::string path = line.substr(b + 1);
        if (line.compare(0, a, "0") == 0 && controllers == ",,") {
            take(tightestOnPath(cgroupRoot, path, "memory.max"));
            take(tightestOnPath(cgroupRoot + "/unified", path, "memory.max"));
        } else if (controllers.find(",memory,") != std::string::npos) {
            take(tightestOnPath(cgroupRoot + "/memory", path, "memory.limit_in_bytes"));
        }
    }
    return best;
}

/// VmSize of this process in bytes (from /proc/self/status), or 0.
std::uint64_t addressSpaceInUse(const std::string &procRoot)
{
    std::ifstream in(procRoot + "/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmSize:", 0) == 0) {
            std::istringstream fields(line.substr(7));
            std::uint64_t kb = 0;
            fields >> kb;
            return kb * 1024;
        }
    return 0;
}

std::atomic<std::uint64_t> g_budget{0};

} // namespace

std::uint64_t satMul(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? std::numeric_limits<std::uint64_t>::max() : r;
}

std::uint64_t satAdd(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t r;
    return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<std::uint64_t>::max() : r;
}

MemoryLimits readMemoryLimits(const std::string &procRoot, const std::string &cgroupRoot)
{
    MemoryLimits m;
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    m.physical = (pages > 0 && pageSize > 0) ? std::uint64_t(pages) * std::uint64_t(pageSize) : std::uint64_t(8) << 30;
    m.cgroup = cgroupLimit(procRoot, cgroupRoot);
    rlimit as{};
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
        m.addressSpace = std::uint64_t(as.rlim_cur);
    m.addressSpaceUsed = addressSpaceInUse(procRoot);
    return m;
}

DefaultBudget defaultBudgetFor(const MemoryLimits &limits)
{
    DefaultBudget b{limits.physical / 2, "half of the physical memory"};
    if (limits.cgroup) {
        // Code, libraries, thread stacks and the page cache count against a cgroup too.
        const std::uint64_t headroom = std::max(128 * kMiB, *limits.cgroup / 8);
        const std::uint64_t v = *limits.cgroup > headroom ? *limits.cgroup - headroom : 0;
        if (v < b.bytes)
            b = {v, "the cgroup's memory limit less headroom"};
    }
    if (limits.addressSpace) {
        // Every thread's malloc arena and stack reserves address space that the heap count misses.
        const std::uint64_t free = *limits.addressSpace > limits.addressSpaceUsed ? *limits.addressSpace - limits.addressSpaceUsed : 0;
        const std::uint64_t headroom = std::max(256 * kMiB, free / 4);
        const std::uint64_t v = free > headroom ? free - headroom : 0;
        if (v < b.bytes)
            b = {v, "the address-space limit (ulimit -v) less headroom"};
    }
    return b;
}

namespace {
const DefaultBudget &processDefault()
{
    static const DefaultBudget b = defaultBudgetFor(readMemoryLimits());
    return b;
}
} // namespace

std::uint64_t defaultMemoryBudget()
{
    return processDefault().bytes;
}

std::uint64_t memoryBudget()
{
    const std::uint64_t set = g_budget.load(std::memory_order_relaxed);
    return set ? set : defaultMemoryBudget();
}

void setMemoryBudget(std::uint64_t bytes)
{
    g_budget.store(bytes, std::memory_order_relaxed);
}

std::uint64_t heapInUse()
{
#ifdef ATTNSCOPE_ASAN_ALLOCATOR
    return std::uint64_t(__sanitizer_get_current_allocated_bytes());
#else
    const struct mallinfo2 mi = mallinfo2();
    return std::uint64_t(mi.uordblks) + std::uint64_t(mi.hblkhd);
#endif
}

std::uint64_t memoryLeft(std::uint64_t budget)
{
    if (budget == 0)
        budget = memoryBudget();
    const std::uint64_t used = heapInUse();
    return budget > used ? budget - used : 0;
}

Error overBudgetError(std::uint64_t bytes, const std::string &what, std::uint64_t budget)
{
    if (budget == 0)
        budget = memoryBudget();
    const std::uint64_t left = memoryLeft(budget);
    std::string message = what + " needs " + formatBytes(bytes) + ", more than ";
    if (budget - left >= budget / 16) // say what is taken only when it matters
        message += "the " + formatBytes(left) + " left of ";
    message += "the memory budget of " + formatBytes(budget);
    if (g_budget.load(std::memory_order_relaxed) == 0 && budget == defaultMemoryBudget())
        message += ", which is " + processDefault().source;
    return makeError(Error::Code::OverBudget, message);
}

Status reserveMemory(std::uint64_t bytes, const std::string &what, std::uint64_t budget)
{
    if (bytes <= memoryLeft(budget))
        return okStatus();
    return overBudgetError(bytes, what, budget);
}

Status reserveMemory(std::uint64_t bytes, const std::string &what)
{
    return reserveMemory(bytes, what, 0);
}

std::string formatBytes(std::uint64_t bytes)
{
    const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024 && u < 6) {
        v /= 1024;
        ++u;
    }
    char buf[64];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

Result<std::uint64_t> parseByteSize(const std::string &text)
{
    double v = 0;
    const char *begin = text.data(), *end = text.data() + text.size();
    const auto r = std::from_chars(begin, end, v);
    std::string unit(r.ptr, end);
    for (auto &c : unit)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    double mult = 0;
    if (unit.empty() || unit == "B") mult = 1;
    else if (unit == "K" || unit == "KB" || unit == "KIB") mult = 1024.0;
    else if (unit == "M" || unit == "MB" || unit == "MIB") mult = 1024.0 * 1024;
    else if (unit == "G" || unit == "GB" || unit == "GIB") mult = 1024.0 * 1024 * 1024;
    else if (unit == "T" || unit == "TB" || unit == "TIB") mult = 1024.0 * 1024 * 1024 * 1024;
    if (text.empty() || r.ec != std::errc() || mult == 0 || !(v > 0) || v * mult > 1.8e19)
        return makeError(Error::Code::BadArgument, "'" + text + "' is not a size such as 512M or 2G");
    return std::uint64_t(v * mult);
}

} // namespace attnscope
