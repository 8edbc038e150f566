#include "explorer_session.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <new>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace attnscope {
namespace {

bool sameScenario(const TextScenario &a, const TextScenario &b)
{
    return a.tokens == b.tokens && a.contextTokens == b.contextTokens && a.dModel == b.dModel && a.dHead == b.dHead &&
           a.heads == b.heads && a.seed == b.seed && a.causal == b.causal && a.paddedKeys == b.paddedKeys;
}

struct Outcome {
    std::shared_ptr<ExplorerState> state;
    std::shared_ptr<const ExplorerSetup> builtSetup; ///< a newly built text setup, for the cache
    TextScenario scenario;
    QString error;
    bool cancelled = false;
};

/// One request, run on a worker thread.
Outcome compute(const ExplorerRequest &r, std::shared_ptr<const ExplorerSetup> setup,
                const std::shared_ptr<std::atomic<bool>> &cancel);

} // namespace

void configureAllocatorForInteractiveUse()
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 256 << 20); // matrices below 256 MiB come from the heap and are reused
    mallopt(M_TRIM_THRESHOLD, 512 << 20); // and the heap keeps up to 512 MiB of free space
#endif
}

ExplorerSession::ExplorerSession(QObject *parent) : QObject(parent) {}

ExplorerSession::~ExplorerSession()
{
    if (m_cancel)
        m_cancel->store(true);
}

void ExplorerSession::request(const ExplorerRequest &r)
{
    if (m_cancel)
        m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = ++m_generation;
    std::shared_ptr<const ExplorerSetup> setup = r.fixedSetup;
    if (!setup && m_cachedSetup && sameScenario(m_cachedScenario, r.scenario))
        setup = m_cachedSetup;

    auto cancel = m_cancel;
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation] {
        const Outcome out = watcher->result();
        watcher->deleteLater();
        if (--m_running == 0)
            emit busyChanged(false);
        if (out.builtSetup) {
            m_cachedScenario = out.scenario;
            m_cachedSetup = out.builtSetup;
        }
        if (generation == m_cancelledGeneration && generation == m_generation) {
            emit cancelled();
            return;
        }
        if (generation != m_generation || out.cancelled)
            return; // a newer request supersedes this one
        if (!out.error.isEmpty()) {
            emit failed(out.error);
            return;
        }
        out.state->generation = generation;
        m_current = out.state;
        emit ready(m_current);
    });
    if (m_running++ == 0)
        emit busyChanged(true);
    watcher->setFuture(QtConcurrent::run([r, setup, cancel]() -> Outcome {
        try {
            return compute(r, setup, cancel);
        } catch (const std::bad_alloc &) {
            // The estimate checked before the request cannot see every other allocation; an
            // exception must not escape the worker (it would abort the process).
            Outcome out;
            out.error = tr("Not enough memory to compute attention for %1 tokens; the previous result stays shown.")
                            .arg(setup ? setup->queryTokens.size() : r.scenario.tokens.size());
            return out;
        }
    }));
}

void ExplorerSession::cancel()
{
    if (m_running == 0 || !m_cancel)
        return;
    m_cancel->store(true);
    m_cancelledGeneration = m_generation;
}

namespace {

Outcome compute(const ExplorerRequest &r, std::shared_ptr<const ExplorerSetup> setup,
                const std::shared_ptr<std::atomic<bool>> &cancel)
{
    Outcome out;
    QElapsedTimer clock;
    clock.start();
    std::shared_ptr<const ExplorerSetup> s = setup;
    if (!s) {
        auto built = buildTextSetup(r.scenario);
        if (!built) {
            out.error = QString::fromStdString(built.error().message);
            return out;
        }
        s = std::make_shared<const ExplorerSetup>(std::move(built.value()));
        out.builtSetup = s;
        out.scenario = r.scenario;
    }
    if (!r.overrides.empty()) { // the cached setup stays as built; the state shows the edited copy
        auto edited = applyOverrides(*s, r.overrides);
        if (!edited) {
            out.error = QString::fromStdString(edited.error().message);
            return out;
        }
        s = std::make_shared<const ExplorerSetup>(std::move(edited.value()));
    }
    if (cancel->load()) {
        out.cancelled = true;
        return out;
    }
    const int head = std::clamp(r.head, 0, int(s->inputs.q.size()) - 1);
    auto result = computeExplorerHead(*s, head, r.scale, r.temperature, cancel.get());
    if (!result) {
        out.cancelled = result.error().code == Error::Code::Cancelled;
        out.error = QString::fromStdString(result.error().message);
        return out;
    }
    out.state = std::make_shared<ExplorerState>();
    out.state->setup = s;
    out.state->result = std::move(result.value());
    out.state->scale = r.scale;
    out.state->temperature = r.temperature;
    out.state->computeMs = double(clock.nsecsElapsed()) / 1e6;
    return out;
}

} // namespace

} // namespace attnscope
