#include "backend/runtime/ShardPool.h"

#include <pthread.h>

#include <algorithm>
#include <optional>
#include <string>

namespace shardscope {

namespace {

std::int64_t steadyNs(ShardPool::Clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

void nameThisThread(const std::string &name)
{
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

} // namespace

ShardPool::ShardPool(int workers, int maxSpareWorkers)
    : m_baseWorkers(std::clamp(workers, 1, kMaxWorkers))
    , m_maxSpares(std::clamp(maxSpareWorkers, 0, kMaxSpareWorkers))
{
    {
        std::lock_guard lock(m_mutex);
        for (int i = 0; i < m_baseWorkers; ++i)
            startWorker(false);
    }
    m_timerThread = std::thread([this] { timerLoop(); });
}

ShardPool::~ShardPool()
{
    {
        std::lock_guard lock(m_timerMutex);
        m_timerStop = true;
    }
    m_timerWake.notify_all();
    m_timerThread.join(); // no spare is started after this
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_work.notify_all();
    m_spare.notify_all();
    for (auto &worker : m_workers)
        worker->thread.join();
}

int ShardPool::spareWorkersStarted() const
{
    std::lock_guard lock(m_mutex);
    return m_spares;
}

void ShardPool::startWorker(bool spare)
{
    auto worker = std::make_unique<Worker>();
    worker->spare = spare;
    Worker &w = *worker;
    const int index = spare ? m_spares++ : int(m_workers.size());
    m_workers.push_back(std::move(worker));
    w.thread = std::thread([this, &w, index] { workerLoop(w, index); });
}

void ShardPool::schedule(Strand *strand)
{
    bool kick = false;
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(strand);
        if (m_idle > m_notified) {
            ++m_notified; // counted under the lock, so the wake-up below cannot be lost
            wake = true;
        } else if (!m_watching) {
            // Every worker is in a turn: the timer thread looks for a stalled one.
            m_watching = true;
            kick = true;
        }
    }
    // After the unlock: a worker woken under the lock would only block on it.
    if (wake)
        m_work.notify_one();
    if (kick) {
        {
            std::lock_guard lock(m_timerMutex);
            m_timerKick = true;
        }
        m_timerWake.notify_one();
    }
}

void ShardPool::workerLoop(Worker &w, int index)
{
    nameThisThread((w.spare ? "pool-spare-" : "pool-worker-") + std::to_string(index));
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (w.spare && !m_stopping && m_stalled.load(std::memory_order_acquire) <= 0) {
            // Not needed: no worker is held by a long turn. A wake-up meant for the queue
            // that came to this spare goes on to a worker that takes work.
            if (strandsWaiting() && m_idle > m_notified) {
                ++m_notified;
                m_work.notify_one();
            }
            w.parked = true;
            ++m_spareIdle;
            m_spare.wait(lock, [&] { return m_stopping || w.called; });
            --m_spareIdle;
            w.parked = false;
            w.called = false;
            continue;
        }
        if (!strandsWaiting()) {
            if (m_stopping)
                return;
            ++m_idle;
            m_work.wait(lock);
            --m_idle;
            if (m_notified > 0)
                --m_notified;
            continue;
        }
        Strand *strand = takeNext(w);
        lock.unlock();
        w.turn.store(steadyNs(Clock::now()) * 4 + 2, std::memory_order_relaxed);
        const TurnEnd end = strand->runTurn();
        if (w.turn.exchange(0, std::memory_order_acq_rel) & 1)
            m_stalled.fetch_sub(1, std::memory_order_acq_rel);
        lock.lock();
        // This worker loops back to the queues: nobody to wake.
        if (end == TurnEnd::Again)
            m_queue.push_back(strand);
        else if (end == TurnEnd::Yielded)
            m_yielded.push_back(strand);
    }
}

Strand *ShardPool::takeNext(Worker &w)
{
    const bool ready = !m_queue.empty() && (m_yielded.empty() || w.readyInARow < kReadyBurst);
    std::deque<Strand *> &from = ready ? m_queue : m_yielded;
    w.readyInARow = ready && !m_yielded.empty() ? w.readyInARow + 1 : 0;
    Strand *strand = from.front();
    from.pop_front();
    return strand;
}

void ShardPool::arm(Strand *strand, Clock::time_point due)
{
    bool earliest = false;
    {
        std::lock_guard lock(m_timerMutex);
        if (strand->m_armed)
            m_timers.erase(strand->m_timerEntry);
        strand->m_timerEntry = m_timers.emplace(due, strand);
        strand->m_armed = true;
        earliest = strand->m_timerEntry == m_timers.begin();
        if (earliest)
            m_timerKick = true;
    }
    if (earliest)
        m_timerWake.notify_one();
}

void ShardPool::disarm(Strand *strand)
{
    std::lock_guard lock(m_timerMutex);
    if (strand->m_armed)
        m_timers.erase(strand->m_timerEntry);
    strand->m_armed = false;
}

void ShardPool::timerLoop()
{
    nameThisThread("pool-timer");
    std::unique_lock lock(m_timerMutex);
    while (!m_timerStop) {
        const auto now = Clock::now();
        while (!m_timers.empty() && m_timers.begin()->first <= now) {
            Strand *strand = m_timers.begin()->second;
            m_timers.erase(m_timers.begin());
            strand->m_armed = false;
            // Under the timer lock, so that disarm() (a stopping shard) waits this out.
            if (strand->timerDue()) {
                std::lock_guard queueLock(m_mutex);
                m_queue.push_back(strand);
                if (m_idle > m_notified) {
                    ++m_notified;
                    m_work.notify_one();
                } else {
                    m_watching = true;
                }
            }
        }
        m_timerKick = false;
        const bool watching = watchStalls(now);
        std::optional<Clock::time_point> until;
        if (!m_timers.empty())
            until = m_timers.begin()->first;
        if (watching && (!until || now + kStallAfter < *until))
            until = now + kStallAfter;
        const auto ready = [this] { return m_timerStop || m_timerKick; };
        if (until)
            m_timerWake.wait_until(lock, *until, ready);
        else
            m_timerWake.wait(lock, ready);
    }
}

bool ShardPool::watchStalls(Clock::time_point now)
{
    std::lock_guard lock(m_mutex);
    if (!m_watching)
        return false;
    if (!strandsWaiting() || m_idle > m_notified) {
        m_watching = false; // nobody waits for a worker
        return false;
    }
    const std::int64_t startedBefore = steadyNs(now - kStallAfter);
    for (auto &w : m_workers) {
        std::int64_t turn = w->turn.load(std::memory_order_relaxed);
        if (turn != 0 && !(turn & 1) && (turn >> 2) < startedBefore
            && w->turn.compare_exchange_strong(turn, turn | 1, std::memory_order_acq_rel))
            m_stalled.fetch_add(1, std::memory_order_acq_rel);
    }
    const int stalled = m_stalled.load(std::memory_order_acquire);
    const int activeSpares = m_spares - m_spareIdle;
    if (stalled > activeSpares) {
        auto parked = std::find_if(m_workers.begin(), m_workers.end(),
                                   [](const auto &w) { return w->spare && w->parked && !w->called; });
        if (parked != m_workers.end()) {
            (*parked)->called = true;
            m_spare.notify_all();
        } else if (m_spares < m_maxSpares) {
            startWorker(true);
        }
    }
    return true;
}

} // namespace shardscope
