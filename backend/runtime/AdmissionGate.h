#pragma once

#include "backend/record/StripedCounters.h"
#include "backend/types/Query.h"
#include "backend/types/ShardTypes.h"

#include <atomic>
#include <condition_variable>
#include <thread>
#include <chrono>
#include <deque>
#include <mutex>

namespace shardscope {

struct HoldSettings {
    std::size_t capacity = 10000;
    std::chrono::milliseconds deadline{30000};
    int retryAfterSeconds = 1;
};

// The door every query passes before the router. Open: a lock-free fast path. Closed for
// a restart: requests are held in arrival order (bounded, with a deadline) or refused.
class AdmissionGate
{
public:
    using Clock = std::chrono::steady_clock;
    using RouteFn = std::function<void(QueryRequest, ReplyFn)>;

    enum class Mode { Open, Hold, Reject, Stopped, ShuttingDown };

    explicit AdmissionGate(RouteFn route);
    ~AdmissionGate();
    AdmissionGate(const AdmissionGate &) = delete;
    AdmissionGate &operator=(const AdmissionGate &) = delete;

    // --- any thread ---
    void admit(QueryRequest request, ReplyFn reply);
    Mode mode() const;
    std::uint32_t heldCount() const { return m_heldCount.load(std::memory_order_relaxed); }
    std::uint64_t refusedCount() const { return m_refused.load(std::memory_order_relaxed); }
    // The running hold's capacity; 0 unless the gate holds.
    std::size_t holdCapacity() const;
    // Refuses held requests older than the hold deadline; returns how many. The gate's
    // reaper thread calls it whenever a held request comes due, whatever the restart does.
    std::size_t expireHeld(Clock::time_point now);
    // Refuses every held request with `reason` (the gate stays as it is).
    std::size_t refuseHeld(const QString &reason);
    // Refuses the held requests whose client has gone; returns how many.
    std::size_t refuseAbandoned();

    // --- one controller at a time: the coordinator thread, or shutdown once it joined ---
    // Closes the gate; afterwards no request reaches the router until open().
    void close(Mode mode, HoldSettings settings = {});
    // True once no admission is half-way through the fast path (call after close()).
    bool waitQuiescent(Clock::time_point deadline) const;
    // Routes held requests in arrival order, then opens.
    void open();

private:
    struct Held {
        QueryRequest request;
        ReplyFn reply;
        Clock::time_point since;
    };
    void admitSlow(QueryRequest request, ReplyFn reply);
    void reap();
    void refuse(ReplyFn &reply, QString message, int retryAfterSeconds);

    RouteFn m_route;
    std::atomic<bool> m_open{false};
    // Admissions half-way through the fast path, striped so that concurrent admitters
    // do not share a cache line; each one adds and subtracts on its own stripe.
    StripedCounters<1> m_entering;
    mutable std::mutex m_mutex;
    Mode m_mode = Mode::Stopped;
    HoldSettings m_hold;
    std::deque<Held> m_held;
    std::atomic<std::uint32_t> m_heldCount{0};
    std::atomic<std::uint64_t> m_refused{0};
    std::condition_variable m_reaperWake;
    bool m_reaperStop = false;
    std::thread m_reaper; // last: starts once everything above exists
};

} // namespace shardscope
