#include "backend/runtime/AdmissionGate.h"

#include <algorithm>
#include <iterator>
#include <thread>

namespace shardscope {

AdmissionGate::AdmissionGate(RouteFn route)
    : m_route(std::move(route))
    , m_reaper([this] { reap(); })
{
}

AdmissionGate::~AdmissionGate()
{
    {
        std::lock_guard lock(m_mutex);
        m_reaperStop = true;
    }
    m_reaperWake.notify_all();
    m_reaper.join();
}

void AdmissionGate::reap()
{
    std::unique_lock lock(m_mutex);
    while (!m_reaperStop) {
        if (m_held.empty()) {
            m_reaperWake.wait(lock);
            continue;
        }
        const auto due = m_held.front().since + m_hold.deadline;
        if (Clock::now() < due) {
            m_reaperWake.wait_until(lock, due);
            continue;
        }
        lock.unlock();
        expireHeld(Clock::now());
        lock.lock();
    }
}

void AdmissionGate::admit(QueryRequest request, ReplyFn reply)
{
    // Fast path: close() waits for m_entering to reach zero, so a request that saw the
    // gate open is routed (and counted in flight) before a drain can begin.
    m_entering.add(0, 1, std::memory_order_seq_cst);
    if (m_open.load(std::memory_order_seq_cst)) {
        m_route(std::move(request), std::move(reply));
        m_entering.sub(0, 1, std::memory_order_seq_cst);
        return;
    }
    m_entering.sub(0, 1, std::memory_order_seq_cst);
    admitSlow(std::move(request), std::move(reply));
}

void AdmissionGate::admitSlow(QueryRequest request, ReplyFn reply)
{
    std::unique_lock lock(m_mutex);
    switch (m_mode) {
    case Mode::Open:
        // Counted as entering before the lock is released: close() then waits for it, so
        // it is in flight before a drain begins. Routed outside the lock, because a reply
        // may come back synchronously and admit again.
        m_entering.add(0, 1, std::memory_order_seq_cst);
        lock.unlock();
        m_route(std::move(request), std::move(reply));
        m_entering.sub(0, 1, std::memory_order_seq_cst);
        return;
    case Mode::Hold:
        if (m_held.size() >= m_hold.capacity) {
            lock.unlock();
            refuse(reply, QStringLiteral("service is restarting and its admission queue is full (%1 held)")
                              .arg(m_hold.capacity), m_hold.retryAfterSeconds);
            return;
        }
        m_held.push_back(Held{std::move(request), std::move(reply), Clock::now()});
        m_heldCount.store(static_cast<std::uint32_t>(m_held.size()), std::memory_order_relaxed);
        if (m_held.size() == 1)
            m_reaperWake.notify_all();
        return;
    case Mode::Reject: {
        const int retry = m_hold.retryAfterSeconds;
        lock.unlock();
        refuse(reply, QStringLiteral("service is restarting; retry shortly"), retry);
        return;
    }
    case Mode::Stopped:
        lock.unlock();
        refuse(reply, QStringLiteral("query service is stopped"), 0);
        return;
    case Mode::ShuttingDown:
        lock.unlock();
        refuse(reply, QStringLiteral("service is shutting down"), 0);
        return;
    }
}

void AdmissionGate::refuse(ReplyFn &reply, QString message, int retryAfterSeconds)
{
    m_refused.fetch_add(1, std::memory_order_relaxed);
    QueryReply answer = QueryReply::failure(QueryStatus::Unavailable, std::move(message));
    answer.retryAfterSeconds = retryAfterSeconds;
    if (reply)
        reply(std::move(answer));
}

std::size_t AdmissionGate::holdCapacity() const
{
    std::lock_guard lock(m_mutex);
    return m_mode == Mode::Hold ? m_hold.capacity : 0;
}

void AdmissionGate::close(Mode mode, HoldSettings settings)
{
    std::lock_guard lock(m_mutex);
    m_open.store(false, std::memory_order_seq_cst);
    m_mode = mode;
    m_hold = settings;
}

bool AdmissionGate::waitQuiescent(Clock::time_point deadline) const
{
    while (m_entering.sum(0, std::memory_order_seq_cst) != 0) {
        if (Clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    return true;
}

void AdmissionGate::open()
{
    // Release in batches outside the lock (a reply may admit again); arrivals meanwhile
    // queue behind the batch, so arrival order holds. Open once nothing is left.
    for (;;) {
        std::deque<Held> batch;
        {
            std::lock_guard lock(m_mutex);
            if (m_held.empty()) {
                m_heldCount.store(0, std::memory_order_relaxed);
                m_mode = Mode::Open;
                m_open.store(true, std::memory_order_seq_cst);
                return;
            }
            batch.swap(m_held);
        }
        for (Held &h : batch)
            m_route(std::move(h.request), std::move(h.reply));
    }
}

std::size_t AdmissionGate::expireHeld(Clock::time_point now)
{
    std::deque<Held> expired;
    int retry = 0;
    {
        std::lock_guard lock(m_mutex);
        while (!m_held.empty() && now - m_held.front().since >= m_hold.deadline) {
            expired.push_back(std::move(m_held.front()));
            m_held.pop_front();
        }
        m_heldCount.store(static_cast<std::uint32_t>(m_held.size()), std::memory_order_relaxed);
        retry = m_hold.retryAfterSeconds;
    }
    for (Held &h : expired)
        refuse(h.reply, QStringLiteral("held at the admission gate longer than the hold deadline during a restart"), retry);
    return expired.size();
}

std::size_t AdmissionGate::refuseHeld(const QString &reason)
{
    std::deque<Held> held;
    {
        std::lock_guard lock(m_mutex);
        held.swap(m_held);
        m_heldCount.store(0, std::memory_order_relaxed);
    }
    for (Held &h : held)
        refuse(h.reply, reason, 0);
    return held.size();
}

std::size_t AdmissionGate::refuseAbandoned()
{
    std::deque<Held> gone;
    {
        std::lock_guard lock(m_mutex);
        const auto kept = std::stable_partition(m_held.begin(), m_held.end(), [](const Held &h) { return !h.request.clientHasGone(); });
        gone.insert(gone.end(), std::make_move_iterator(kept), std::make_move_iterator(m_held.end()));
        m_held.erase(kept, m_held.end());
        m_heldCount.store(std::uint32_t(m_held.size()), std::memory_order_relaxed);
    }
    for (Held &h : gone)
        refuse(h.reply, QStringLiteral("canceled: the client went away while its query was held during a restart"), 0);
    return gone.size();
}

AdmissionGate::Mode AdmissionGate::mode() const
{
    std::lock_guard lock(m_mutex);
    return m_mode;
}

} // namespace shardscope
