#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace shardscope {

class ShardPool;

// How a turn ended: the strand is idle, has more to do (messages queued, a timer due), or
// yielded in the middle of long work (a query run in slices) and goes on after others.
enum class TurnEnd { Idle, Again, Yielded };

// Something a pool runs in turns: a shard's mailbox, as a strand. Only one worker runs a
// strand at a time (the strand's owner guarantees it: it is queued at most once, by
// whoever made it runnable), so what the strand touches in its turns needs no lock.
class Strand
{
public:
    virtual ~Strand() = default;

private:
    friend class ShardPool;
    // A pool worker: runs at most ShardPool::kBatch messages (or one kTaskQuota slice of a
    // long query) and the timers that are due. Again or Yielded: the pool queues the strand
    // again, at the back of the ready or the yielded queue: a busy strand yields after one
    // batch, a long query after one slice.
    virtual TurnEnd runTurn() = 0;
    // The pool's timer thread, under its timer lock: the time armed with arm() has come.
    // True: the strand was idle and is now marked runnable; the pool queues it.
    virtual bool timerDue() = 0;

    // Guarded by the pool's timer lock.
    bool m_armed = false;
    std::multimap<std::chrono::steady_clock::time_point, Strand *>::iterator m_timerEntry;
};

// Runs strands on a fixed set of worker threads: shared FIFO run queues, a timer thread
// for the strands' deferred work (sleeping queries, respawn backoffs), and a watch that
// lends a spare worker while a turn occupies a worker for long (a spinning query).
//
// Why one shared run queue and not per-core queues or work stealing: the pool is sized to
// the cores (2 on the machines this runs on, rarely more than 16), a worker takes the lock
// once per turn (up to kBatch messages), not per message, and a shared queue balances
// perfectly: a strand that becomes runnable goes to whichever worker frees up first, so
// one worker held by a long query never leaves the strands queued behind it waiting
// (with per-core queues they would wait unless another worker stole them). Work
// stealing, CAF's choice, needs idle workers to poll other queues, which costs wake-ups
// at rest; here an idle pool sleeps on one condition variable and costs nothing.
//
// Long work: a query that computes for long (`spin`) runs in slices of kTaskQuota, and
// its strand then waits in a second queue, `yielded`, while the strands that became
// runnable (a message, a due timer) go first: a worker takes from the yielded queue only
// when nothing else waits, or after kReadyBurst ready turns in a row, so long work cannot
// starve either. A short query on an idle shard thus waits for about one slice, however
// many long ones run (Seastar's task quota and its scheduling of fresh tasks).
//
// Turns that do not yield: a message that runs long without slices (a long computation
// of a custom actor) holds its worker. While every worker is in a turn, strands are
// waiting and some turn is older than kStallAfter, the timer thread marks that worker
// stalled and wakes (or starts, up to kMaxSpareWorkers) a spare worker, which serves the
// queues until no worker is stalled any more and then parks. The thread count stays
// bounded (workers + 1 + kMaxSpareWorkers).
//
// Thread contract: schedule() from any thread; arm() from inside the strand's own turn;
// disarm() from any thread once the strand can no longer run (closed and not scheduled).
class ShardPool
{
public:
    using Clock = std::chrono::steady_clock;

    static constexpr int kBatch = 64;
    // How long a query runs before it yields its worker (Seastar's task quota): long work
    // runs in slices of this, and its strand goes to the back of the run queue in between.
    static constexpr std::chrono::microseconds kTaskQuota{500};
    // Ready turns a worker runs in a row while yielded strands wait.
    static constexpr int kReadyBurst = 8;
    static constexpr std::chrono::microseconds kStallAfter{2000};
    static constexpr int kMaxSpareWorkers = 4;
    static constexpr int kMaxWorkers = 256;

    // `maxSpareWorkers` below kMaxSpareWorkers only for tests that need every worker held.
    explicit ShardPool(int workers, int maxSpareWorkers = kMaxSpareWorkers);
    // Stops and joins every thread. Every strand must be stopped first (none queued or armed).
    ~ShardPool();
    ShardPool(const ShardPool &) = delete;
    ShardPool &operator=(const ShardPool &) = delete;

    // Any thread: `strand` was idle and its owner has just marked it runnable.
    void schedule(Strand *strand);
    // The strand's own turn: call timerDue() at `due` (replaces the strand's earlier arm).
    void arm(Strand *strand, Clock::time_point due);
    // Any thread: forget the strand's armed time, waiting out a timerDue() under way.
    void disarm(Strand *strand);

    int workerCount() const { return m_baseWorkers; }
    // Spare workers started so far (they park when not needed); for tests and diagnostics.
    int spareWorkersStarted() const;

private:
    struct Worker {
        bool spare = false;
        bool parked = false; // a spare waiting on m_spare; guarded by m_mutex
        bool called = false; // a parked spare was asked to work; guarded by m_mutex
        // 0 outside a turn; else (turn start in steady ns) * 4 + 2, | 1 once marked stalled.
        std::atomic<std::int64_t> turn{0};
        int readyInARow = 0; // ready turns taken while yielded strands waited; m_mutex
        std::thread thread;
    };

    void workerLoop(Worker &worker, int index);
    void timerLoop();
    // Timer thread, m_timerMutex held: takes m_mutex. True while it should look again in
    // kStallAfter (strands wait and every worker is in a turn).
    bool watchStalls(Clock::time_point now);
    void startWorker(bool spare); // m_mutex held
    bool strandsWaiting() const { return !m_queue.empty() || !m_yielded.empty(); } // m_mutex held
    Strand *takeNext(Worker &worker); // m_mutex held, strandsWaiting()

    const int m_baseWorkers;
    const int m_maxSpares;

    // The run queue and the workers.
    mutable std::mutex m_mutex;
    std::condition_variable m_work;  // workers with an empty queue wait here
    std::condition_variable m_spare; // spares not needed wait here
    std::deque<Strand *> m_queue;   // ready: scheduled by a message or a due timer
    std::deque<Strand *> m_yielded; // in the middle of long work
    std::vector<std::unique_ptr<Worker>> m_workers;
    int m_idle = 0;       // workers waiting on m_work
    int m_notified = 0;   // of those, already notified and not yet awake
    int m_spareIdle = 0;  // spares waiting on m_spare
    int m_spares = 0;
    bool m_watching = false; // the timer thread checks for stalls every kStallAfter
    bool m_stopping = false;
    std::atomic<int> m_stalled{0}; // workers whose current turn is marked stalled

    // The timers (lock order: m_timerMutex before a mailbox's lock before m_mutex).
    std::mutex m_timerMutex;
    std::condition_variable m_timerWake;
    std::multimap<Clock::time_point, Strand *> m_timers;
    bool m_timerKick = false;
    bool m_timerStop = false;
    std::thread m_timerThread; // last: starts once everything above exists
};

} // namespace shardscope
