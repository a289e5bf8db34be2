#pragma once

#include "backend/actors/QueryActor.h"
#include "backend/record/ProcedureLatencies.h"
#include "backend/runtime/LatencyWindow.h"
#include "backend/runtime/Mailbox.h"
#include "backend/runtime/ShardPool.h"
#include "backend/runtime/SupervisionPolicy.h"
#include "backend/types/Query.h"
#include "backend/types/ServiceSnapshot.h"

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace shardscope {

class DrainSignal;

// What a shard tells the rest of the service. Callbacks run on the shard thread.
struct ShardHooks {
    std::function<void(ShardId, ShardState, Version)> onStateChange;
    std::function<void(ShardId, Generation)> onActorRespawned; // the router must follow
    std::function<void(ShardId, const QString &)> onWarning;
    DrainSignal *drain = nullptr; // rung when the in-flight count drops to zero; outlives the shard
    SupervisionPolicy supervision;
    std::uint32_t queueLimit = 0; // queries waiting in the mailbox; 0: no limit
    // The pool the shard runs on as a strand; null: the shard has a thread of its own.
    // Outlives the shard.
    ShardPool *pool = nullptr;
};

// One shard: its mailbox, its actor and its published counters, run either on a thread of
// its own or as a strand on a ShardPool (ShardHooks::pool). Either way its messages run one
// at a time and in order (control lane first), and "the shard thread" below means
// whichever thread runs the shard's current message: its own thread, or the pool worker
// running its turn (turns of one strand never overlap, and each happens after the last).
// Other threads reach it only through post() and submit(); the counters are atomics that
// snapshots read without locks. Methods marked "shard thread only" run inside messages.
class Shard final : public Strand
{
public:
    using Clock = std::chrono::steady_clock;

    Shard(ShardId id, ActorFactory factory, ShardHooks hooks);
    ~Shard();
    Shard(const Shard &) = delete;
    Shard &operator=(const Shard &) = delete;

    // --- any thread ---
    ShardId id() const { return m_id; }
    // Asks the shard to refuse, at its next message, the requests whose client has gone:
    // queued, deferred or running. Coalesced: one control message at a time.
    void dropAbandoned();

    // Closed: the message is refused on the calling thread.
    PushResult post(MessagePtr message, Lane lane);
    PushResult post(Envelope envelope, Lane lane) { return post(toMessage(std::move(envelope)), lane); }
    // Counts the request in flight until its reply has been sent.
    void submit(QueryRequest request, Generation routedGeneration, ReplyFn reply);

    ShardSnapshot snapshot() const;
    // Age of the oldest request routed here and not yet answered, 0 when none. Takes the
    // mailbox lock once: for snapshots, not for the query path.
    std::uint32_t oldestInFlightMs() const;
    // seq_cst: a drain's waiter reads it after announcing itself (DrainSignal::shardIdle).
    std::uint32_t inFlight() const { return m_inFlight.load(std::memory_order_seq_cst); }
    ShardState state() const { return m_state.load(std::memory_order_acquire); }
    Version version() const { return m_version.load(std::memory_order_acquire); }
    Generation generation() const { return m_generation.load(std::memory_order_acquire); }

    // Any thread but the shard's own (it joins it). Closes the mailbox, refuses what is
    // queued, answers deferred work, joins the thread (on a pool: waits out the turn under
    // way, then ends the shard on the calling thread).
    void stop(const QString &reason);

    // Any thread: a restart's coordinator sets the phase states directly, so a shard
    // whose thread is busy (a long spin) still says what it does the moment a restart
    // ends; a state change queued behind the spin would land after the restart and stay.
    void setState(ShardState state);
    // Changes the state only while an actor is live (a canceled or failed shard stays so);
    // checked and changed under one lock with the actor's coming and going.
    void setStateIfLive(ShardState state);

    // --- shard thread only ---
    // Cancels the current actor (answering its deferred work) and creates one from `spec`.
    bool replaceActor(const ActorSpec &spec, ShardState stateAfter, QString *error);
    void cancelActor(ShardState stateAfter, const QString &reason);
    // Forced drain: refuses queued queries, deferred work and the query running in
    // slices with `reason`; says how many of each.
    struct Refused {
        std::uint32_t queued = 0;
        std::uint32_t waiting = 0; // deferred: sleeping or stuck
        std::uint32_t running = 0;
    };
    Refused refuseQueuedQueries(const QString &reason);
    // After replaceActor() failed outside a restart (a start): the supervisor retries
    // creating `spec`'s actor with its backoff, as after a crash.
    void superviseFailedCreate(const ActorSpec &spec);

private:
    class QueryMessage;
    // A query the actor has begun: what its answer needs once the work ends.
    struct Work {
        ReplyFn reply;
        QueryReply answer; // shard and version set
        Clock::time_point admitted;
        Generation generation;
        std::shared_ptr<const std::atomic<bool>> clientGone;
        Clock::time_point deadline; // none when default-constructed
        QString procedure;
        bool clientHasGone() const { return clientGone && clientGone->load(std::memory_order_acquire); }
    };
    struct Deferred {
        Work work;
        bool cutByDeadline = false; // due at the query's deadline, before its own end
    };
    // Long work run in slices (ProcedureOutcome::Continue); the shard's next query waits.
    struct Running {
        Work work;
        ProcedureOutcome::Resume resume;
    };

    // Shard thread only, except finish().
    void run();
    // Strand (pool mode): a pool worker runs one turn; the pool's timer thread says a
    // deferred answer or timer is due.
    TurnEnd runTurn() override;
    bool timerDue() override;
    // Pool mode, end of a turn: asks the pool to wake the strand for its next due entry.
    void armNextDue();
    // The end of the shard: deferred work refused, actor gone, not live.
    void end();
    void handleQuery(const QueryRequest &request, Generation routed, ReplyFn &reply, Clock::time_point admitted);
    // A Done or Error outcome into its answer.
    static void settle(QueryReply &answer, const ProcedureOutcome &outcome);
    // Turns what the actor produced into an answer, a deferred answer or running work.
    void conclude(Work work, ProcedureOutcome outcome);
    // Runs one slice (ShardPool::kTaskQuota) of the running query; true while it runs on.
    bool runSlice();
    // Answers the running query with a failure; false when none runs.
    bool refuseRunning(QueryStatus status, const QString &reason);
    // Shard thread: refuses what dropAbandoned() asked for.
    void refuseAbandoned();
    // Why a query must not run now (its client left, its deadline passed), or nothing.
    std::optional<QueryReply> refusalBeforeRun(const QueryRequest &request, Clock::time_point admitted) const;
    // Any thread: a query refused outside the shard thread (closed mailbox) ends here too.
    // Only the shard thread finishes successful ones.
    void finish(ReplyFn &reply, QueryReply answer, Clock::time_point admitted);
    void fireDueTimers();
    void crash(const QString &why);
    void scheduleRespawn(ActorSpec spec);
    void respawn(ActorSpec spec, std::uint64_t epoch);
    // With no actor live: creates `spec`'s and makes it the shard's, publishing its version
    // and generation. False with *error when the factory fails or throws.
    bool installActor(const ActorSpec &spec, QString *error);
    void warn(const QString &message);
    // Shard thread only: records whether an actor is live, with the state that says so.
    void setLive(bool live, std::optional<ShardState> state = std::nullopt);
    void changeStateLocked(ShardState state); // m_stateMutex held
    // Returns how many it refused.
    std::uint32_t refuseDeferred(const QString &reason);
    void deferAnswer(Clock::time_point due, Deferred deferred);
    // Takes the first due entry out of m_deferred (which must not be empty).
    Deferred takeFirstDeferred();
    void publishOldestDeferred();
    QString unavailableReason() const;

    const ShardId m_id;
    ActorFactory m_factory; // shard thread only
    const ShardHooks m_hooks; // its callbacks run on the shard thread; `drain` wherever finish() runs

    // Any thread: the mailbox and the published counters.
    Mailbox m_mailbox;

    // Writers take m_stateMutex (state changes are rare), so "live" and the state move
    // together and state events leave in the order the states were set; readers load.
    std::mutex m_stateMutex;
    bool m_live = false; // an actor is installed; guarded by m_stateMutex
    std::atomic<ShardState> m_state{ShardState::Stopped};
    std::atomic<Version> m_version{0};
    std::atomic<Generation> m_generation{0};
    std::atomic<std::uint32_t> m_inFlight{0};
    std::atomic<std::uint64_t> m_processed{0};
    std::atomic<std::uint64_t> m_failed{0};
    // Admission (steady ns) of the oldest deferred request; Message::kNotARequest if none.
    std::atomic<std::int64_t> m_oldestDeferredNs{Message::kNotARequest};
    // Admission (steady ns) of the running query; Message::kNotARequest if none.
    std::atomic<std::int64_t> m_runningAdmittedNs{Message::kNotARequest};
    std::atomic<bool> m_dropPosted{false}; // a dropAbandoned() message is queued

    // Shard thread only.
    std::unique_ptr<QueryActor> m_actor;
    std::multimap<Clock::time_point, Deferred> m_deferred;
    std::optional<Running> m_running;
    std::multiset<Clock::time_point> m_deferredAdmitted; // the same entries, by admission
    std::multimap<Clock::time_point, std::function<void()>> m_timers;
    std::vector<Clock::time_point> m_recentCrashes;
    std::uint64_t m_respawnEpoch = 0; // bumped when a restart takes over the actor
    LatencyWindow m_latency;
    ProcedureLatencies m_procedureLatency; // by the procedure that ran (QueryReply::procedureSlot)
    std::optional<Clock::time_point> m_armedDue; // pool mode: what the pool was last asked

    std::atomic<bool> m_stopped{false};
    std::thread m_thread; // empty in pool mode
};

} // namespace shardscope
