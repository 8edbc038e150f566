#pragma once

#include <QObject>

#include <atomic>
#include <memory>

#include "explorer.h"
#include "what_if.h"

namespace attnscope {

/// What the window asks for: a setup (fixed, from files) or a text scenario to build one from,
/// and how to compute the shown head.
struct ExplorerRequest {
    std::shared_ptr<const ExplorerSetup> fixedSetup; ///< set: tensors from files; else `scenario`
    TextScenario scenario;
    int head = 0;
    ScaleSpec scale;
    double temperature = 1.0;
    std::vector<VectorOverride> overrides; ///< "what if" rows of Q or K, applied before the scores
};

/// A computed state, handed to the views as a whole; never changed after it is made.
struct ExplorerState {
    quint64 generation = 0;
    std::shared_ptr<const ExplorerSetup> setup; ///< with the request's overrides applied
    ExplorerResult result;
    ScaleSpec scale;
    double temperature = 1.0;
    double computeMs = 0;
};

/// Keeps freed matrices in the heap for the next computation instead of returning them to the
/// system: on the virtual machines we measured, touching fresh pages cost 20× the computation
/// itself (T = 512: 31 ms against 1.3 ms, tests/bench/bench_gui.cpp). Call once at start-up.
void configureAllocatorForInteractiveUse();

/// Runs the engine off the GUI thread. A newer request cancels an older one; only the newest
/// result is delivered.
class ExplorerSession : public QObject {
    Q_OBJECT
public:
    explicit ExplorerSession(QObject *parent = nullptr);
    ~ExplorerSession() override;

    void request(const ExplorerRequest &r);
    /// Stops the computation in flight, if any: its result is never delivered and `cancelled`
    /// is emitted once it has stopped. The last delivered state stays current.
    void cancel();
    bool busy() const { return m_running > 0; }
    std::shared_ptr<const ExplorerState> current() const { return m_current; }

signals:
    void ready(std::shared_ptr<const attnscope::ExplorerState> state);
    /// The computation failed: a bad input, or memory ran out (std::bad_alloc, caught).
    void failed(const QString &message);
    /// cancel() stopped the computation in flight.
    void cancelled();
    void busyChanged(bool busy);

private:
    quint64 m_generation = 0;
    int m_running = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_cancelledGeneration = 0; ///< the request cancel() stopped
    std::shared_ptr<const ExplorerState> m_current;
    // The last built text setup, reused while only the head, scale or temperature change.
    TextScenario m_cachedScenario;
    std::shared_ptr<const ExplorerSetup> m_cachedSetup;
};

} // namespace attnscope
