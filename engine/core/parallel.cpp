#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace attnscope {
namespace {

constexpr int kMaxThreads = 256;
std::atomic<int> g_threads{0}; // 0: every core

/// One parallel loop: items are claimed with `next`; the first exception is kept.
struct Job {
    std::int64_t n = 0;
    const std::function<void(std::int64_t)> *body = nullptr;
    std::atomic<std::int64_t> next{0};
    std::mutex errorMutex;
    std::exception_ptr error;

    void drain()
    {
        for (std::int64_t i = next++; i < n; i = next++) {
            try {
                (*body)(i);
            } catch (...) {
                const std::lock_guard lock(errorMutex);
                if (!error)
                    error = std::current_exception();
            }
        }
    }
};

/// Workers started on first use and kept until exit; a loop wakes as many as it wants and waits
/// until each of them has finished with the job, so that the job never outlives its loop.
class Pool {
public:
    static Pool &get()
    {
        static Pool pool;
        return pool;
    }

    /// false when another loop holds the pool (the caller then runs its loop alone).
    bool run(Job &job, int helpers)
    {
        std::unique_lock running(m_running, std::try_to_lock);
        if (!running.owns_lock())
            return false;
        {
            std::unique_lock lock(m_mutex);
            while (int(m_workers.size()) < helpers) {
                const int index = int(m_workers.size());
                m_workers.emplace_back([this, index] { work(index); });
            }
            m_job = &job;
            m_wanted = helpers;
            m_arrived = 0;
            m_busy = 0;
            ++m_generation;
        }
        m_wake.notify_all();
        job.drain();
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [&] { return m_arrived == m_wanted && m_busy == 0; });
        m_job = nullptr;
        return true;
    }

    ~Pool()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        for (auto &t : m_workers)
            t.join();
    }

private:
    Pool() = default;

    void work(int index)
    {
        insideLoop() = true;
        std::uint64_t seen = 0;
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop)
                return;
            seen = m_generation;
            if (index >= m_wanted)
                continue;
            Job *job = m_job;
            ++m_arrived;
            ++m_busy;
            lock.unlock();
            job->drain();
            lock.lock();
            --m_busy;
            if (m_arrived == m_wanted && m_busy == 0)
                m_done.notify_all();
        }
    }

public:
    static bool &insideLoop()
    {
        static thread_local bool inside = false;
        return inside;
    }

private:
    std::mutex m_running; // one loop at a time
    std::mutex m_mutex;
    std::condition_variable m_wake, m_done;
    std::vector<std::thread> m_workers;
    Job *m_job = nullptr;
    std::uint64_t m_generation = 0;
    int m_wanted = 0, m_arrived = 0, m_busy = 0;
    bool m_stop = false;
};

} // namespace

int hardwareThreads()
{
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return std::max(1, CPU_COUNT(&set));
#endif
    return std::max(1, int(std::thread::hardware_concurrency()));
}

int threadCount()
{
    const int n = g_threads.load(std::memory_order_relaxed);
    return n > 0 ? n : hardwareThreads();
}

void setThreadCount(int n)
{
    g_threads.store(n <= 0 ? 0 : std::min(n, kMaxThreads), std::memory_order_relaxed);
}

void parallelFor(std::int64_t n, const std::function<void(std::int64_t)> &body)
{
    if (n <= 0)
        return;
    Job job;
    job.n = n;
    job.body = &body;
    const int helpers = int(std::min<std::int64_t>(threadCount(), n)) - 1;
    if (helpers <= 0 || Pool::insideLoop() || !Pool::get().run(job, helpers))
        job.drain();
    if (job.error)
        std::rethrow_exception(job.error);
}

} // namespace attnscope
