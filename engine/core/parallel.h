#pragma once
// The engine's threads: one persistent pool shared by its parallel loops (the attention kernel,
// the streamed overview, the model's forward pass). How many threads a loop uses is one
// process-wide setting — the command line's --threads N, the window's preference — by default
// every core the process may run on.
//
// Results never depend on it: loops hand out work items whose boundaries are fixed by the data
// alone, and anything summed across items is summed in item order afterwards.

#include <cstdint>
#include <functional>

namespace attnscope {

/// The cores this process may run on (its CPU affinity), at least 1.
int hardwareThreads();
/// The threads a parallel loop uses, at least 1.
int threadCount();
/// n <= 0: every core (hardwareThreads()); otherwise n, at most 256.
void setThreadCount(int n);

/// Calls body(i) once for every i in [0, n) on up to threadCount() threads, the calling thread
/// being one of them; a free thread takes the next item in increasing order. Returns when every
/// call has returned. A loop started while another runs (from another thread, or from inside a
/// body) runs on its calling thread alone. An exception thrown by a body is rethrown here once
/// every other item has finished.
void parallelFor(std::int64_t n, const std::function<void(std::int64_t)> &body);

} // namespace attnscope
