#include "backend/runtime/Shard.h"

#include "backend/runtime/DrainSignal.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace shardscope {

Shard::Shard(ShardId id, ActorFactory factory, ShardHooks hooks)
    : m_id(id)
    , m_factory(std::move(factory))
    , m_hooks(std::move(hooks))
{
    if (m_hooks.pool)
        m_mailbox.attach(m_hooks.pool, this);
    else
        m_thread = std::thread([this] { run(); });
}

Shard::~Shard()
{
    stop(QStringLiteral("service is shutting down"));
}

// A query on its way through the mailbox: the request, its reply and when it was admitted,
// in one allocation shared by the run and refuse paths (exactly one of them is taken).
class Shard::QueryMessage final : public Message
{
public:
    QueryMessage(Shard &shard, QueryRequest request, Generation routed, ReplyFn reply)
        : m_shard(shard)
        , m_request(std::move(request))
        , m_routed(routed)
        , m_reply(std::move(reply))
        , m_admitted(Clock::now())
    {
    }
    void run() override { m_shard.handleQuery(m_request, m_routed, m_reply, m_admitted); }
    void refuse(const QString &reason) override
    {
        m_shard.finish(m_reply, QueryReply::failure(QueryStatus::Unavailable, reason, m_shard.m_id), m_admitted);
    }
    std::int64_t admittedNs() const override { return m_admitted.time_since_epoch().count(); }
    bool abandoned() const override { return m_request.clientHasGone(); }
    // Refused at the door of a full mailbox: the client may retry in a second.
    void refuseFull()
    {
        QueryReply answer = QueryReply::failure(
            QueryStatus::Unavailable,
            QStringLiteral("shard %1's queue is full (limit %2); retry later").arg(m_shard.m_id).arg(m_shard.m_hooks.queueLimit),
            m_shard.m_id);
        answer.retryAfterSeconds = 1;
        m_shard.finish(m_reply, std::move(answer), m_admitted);
    }

private:
    Shard &m_shard;
    QueryRequest m_request;
    Generation m_routed;
    ReplyFn m_reply;
    Clock::time_point m_admitted;
};

PushResult Shard::post(MessagePtr message, Lane lane)
{
    const PushResult result = m_mailbox.push(message, lane);
    if (result == PushResult::Closed)
        message->refuse(QStringLiteral("shard %1 is shut down").arg(m_id));
    return result;
}

void Shard::submit(QueryRequest request, Generation routedGeneration, ReplyFn reply)
{
    m_inFlight.fetch_add(1, std::memory_order_acq_rel);
    auto query = std::make_unique<QueryMessage>(*this, std::move(request), routedGeneration, std::move(reply));
    QueryMessage &refusable = *query;
    MessagePtr message = std::move(query);
    switch (m_mailbox.push(message, Lane::Normal, m_hooks.queueLimit)) {
    case PushResult::Closed:
        message->refuse(QStringLiteral("shard %1 is shut down").arg(m_id));
        break;
    case PushResult::Full:
        refusable.refuseFull();
        break;
    case PushResult::Pushed:
    case PushResult::WokeReader:
        break;
    }
}

ShardSnapshot Shard::snapshot() const
{
    ShardSnapshot s;
    s.id = m_id;
    s.state = state();
    s.version = version();
    s.generation = generation();
    s.queueDepth = m_mailbox.size();
    s.inFlight = inFlight();
    s.oldestInFlightMs = s.inFlight > 0 ? oldestInFlightMs() : 0;
    s.processed = m_processed.load(std::memory_order_relaxed);
    s.failed = m_failed.load(std::memory_order_relaxed);
    s.latencyP50Us = m_latency.p50();
    s.latencyP99Us = m_latency.p99();
    m_procedureLatency.fill(s);
    return s;
}

std::uint32_t Shard::oldestInFlightMs() const
{
    const std::int64_t oldest = std::min({m_mailbox.oldestAdmittedNs(), m_oldestDeferredNs.load(std::memory_order_acquire),
                                          m_runningAdmittedNs.load(std::memory_order_acquire)});
    if (oldest == Message::kNotARequest)
        return 0;
    const std::int64_t ageNs = Clock::now().time_since_epoch().count() - oldest;
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(ageNs / 1'000'000, 0, UINT32_MAX));
}

void Shard::stop(const QString &reason)
{
    if (m_stopped.exchange(true))
        return;
    for (MessagePtr &m : m_mailbox.close())
        m->refuse(reason);
    if (m_thread.joinable()) {
        m_thread.join();
        return;
    }
    // A pool strand: once no turn runs or is queued, nothing runs it again, and the
    // mailbox's lock orders its last turn before what follows here.
    m_mailbox.waitUnscheduled();
    m_hooks.pool->disarm(this);
    end();
}

void Shard::run()
{
    for (;;) {
        if (m_running) {
            // Between slices: control messages (a forced drain, a dropAbandoned) only.
            MessagePtr message;
            const auto result = m_mailbox.tryPop(message, true);
            if (result == Mailbox::PopResult::Closed)
                break;
            if (result == Mailbox::PopResult::Message) {
                message->run();
                m_mailbox.releaseInHand();
            } else {
                runSlice();
            }
            fireDueTimers();
            continue;
        }
        std::optional<Clock::time_point> deadline;
        if (!m_deferred.empty())
            deadline = m_deferred.begin()->first;
        if (!m_timers.empty() && (!deadline || m_timers.begin()->first < *deadline))
            deadline = m_timers.begin()->first;
        MessagePtr message;
        const auto result = m_mailbox.pop(message, deadline);
        if (result == Mailbox::PopResult::Closed)
            break;
        if (result == Mailbox::PopResult::Message) {
            message->run();
            // After run(): a deferred request is already counted by m_oldestDeferredNs.
            m_mailbox.releaseInHand();
        }
        fireDueTimers();
    }
    end();
}

void Shard::end()
{
    refuseRunning(QueryStatus::Unavailable, QStringLiteral("service is shutting down"));
    refuseDeferred(QStringLiteral("service is shutting down"));
    m_actor.reset();
    setLive(false);
}

TurnEnd Shard::runTurn()
{
    bool yielded = false;
    for (int i = 0; i < ShardPool::kBatch; ++i) {
        MessagePtr message;
        // While a query runs in slices, only control messages overtake it: the shard's
        // queries still run one at a time, in order.
        const auto result = m_mailbox.tryPop(message, m_running.has_value());
        if (result == Mailbox::PopResult::Closed)
            return m_mailbox.endTurn() ? TurnEnd::Again : TurnEnd::Idle; // stop() ends the shard
        if (result == Mailbox::PopResult::Message) {
            message->run();
            m_mailbox.releaseInHand();
            continue;
        }
        // Nothing queued, or a slice ran and the query goes on: the worker moves on.
        if (!m_running)
            break;
        if (runSlice()) {
            yielded = true;
            break;
        }
    }
    if (!m_deferred.empty() || !m_timers.empty()) {
        fireDueTimers();
        armNextDue();
    }
    if (!m_mailbox.endTurn(m_running.has_value()))
        return TurnEnd::Idle;
    return yielded ? TurnEnd::Yielded : TurnEnd::Again;
}

void Shard::armNextDue()
{
    std::optional<Clock::time_point> next;
    if (!m_deferred.empty())
        next = m_deferred.begin()->first;
    if (!m_timers.empty() && (!next || m_timers.begin()->first < *next))
        next = m_timers.begin()->first;
    if (!next)
        return; // an earlier arm may still wake the strand once: a turn with nothing to do
    // The pool holds m_armedDue until it fires (then it is in the past): arm again only
    // for an earlier entry or once that one has fired.
    if (m_armedDue && *m_armedDue <= *next && *m_armedDue > Clock::now())
        return;
    m_armedDue = next;
    m_hooks.pool->arm(this, *next);
}

bool Shard::timerDue()
{
    return m_mailbox.poke();
}

std::optional<QueryReply> Shard::refusalBeforeRun(const QueryRequest &request, Clock::time_point admitted) const
{
    if (request.clientHasGone())
        return QueryReply::failure(QueryStatus::Unavailable,
                                   QStringLiteral("discarded: the client went away before shard %1 ran the query").arg(m_id), m_id);
    const auto now = Clock::now();
    if (request.deadline != Clock::time_point{} && now >= request.deadline) {
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - admitted).count();
        return QueryReply::failure(QueryStatus::DeadlineExceeded,
                                   QStringLiteral("deadline exceeded: the query waited %1 ms for shard %2 and was not run")
                                       .arg(waited).arg(m_id), m_id);
    }
    return std::nullopt;
}

void Shard::handleQuery(const QueryRequest &request, Generation routed, ReplyFn &reply, Clock::time_point admitted)
{
    if (auto refusal = refusalBeforeRun(request, admitted)) {
        finish(reply, std::move(*refusal), admitted);
        return;
    }
    if (!m_actor || m_actor->generation() != routed) {
        finish(reply, QueryReply::failure(QueryStatus::Unavailable, unavailableReason(), m_id), admitted);
        return;
    }
    ProcedureOutcome outcome;
    try {
        outcome = m_actor->handle(request);
    } catch (const std::exception &e) {
        const QString why = QStringLiteral("shard %1's actor crashed running '%2': %3")
                                .arg(m_id).arg(request.procedure, QString::fromUtf8(e.what()));
        crash(why); // first, so that a client reading the reply already sees the shard Failed
        finish(reply, QueryReply::failure(QueryStatus::Unavailable, why, m_id), admitted);
        return;
    }
    QueryReply answer;
    answer.shard = m_id;
    answer.version = m_actor->version();
    answer.procedureSlot = std::int8_t(latencyProcedureSlot(request.procedure)); // per-procedure latency
    if (outcome.kind == ProcedureOutcome::Kind::Done || outcome.kind == ProcedureOutcome::Kind::Error) {
        // Most queries: answered here, without the bookkeeping of begun work.
        settle(answer, outcome);
        finish(reply, std::move(answer), admitted);
        return;
    }
    conclude(Work{std::move(reply), std::move(answer), admitted, routed, request.clientGone, request.deadline, request.procedure},
             std::move(outcome));
}

void Shard::settle(QueryReply &answer, const ProcedureOutcome &outcome)
{
    if (outcome.kind == ProcedureOutcome::Kind::Error) {
        answer.status = outcome.status;
        answer.error = outcome.error;
    } else {
        answer.result = outcome.value;
    }
}

void Shard::finish(ReplyFn &reply, QueryReply answer, Clock::time_point admitted)
{
    const auto now = Clock::now();
    if (answer.ok()) {
        m_processed.fetch_add(1, std::memory_order_relaxed);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - admitted).count();
        // Only the shard thread produces successful answers, so only it touches the window.
        m_latency.record(static_cast<std::uint32_t>(std::min<long long>(us, UINT32_MAX)), now);
        m_procedureLatency.record(answer.procedureSlot, static_cast<std::uint32_t>(std::min<long long>(us, UINT32_MAX)), now);
    } else {
        m_failed.fetch_add(1, std::memory_order_relaxed);
    }
    if (answer.shard < 0)
        answer.shard = m_id;
    if (reply)
        reply(std::move(answer));
    // seq_cst, then the drain's waiter count: see DrainSignal::shardIdle.
    if (m_inFlight.fetch_sub(1, std::memory_order_seq_cst) == 1 && m_hooks.drain)
        m_hooks.drain->shardIdle();
}

void Shard::fireDueTimers()
{
    const auto now = Clock::now();
    while (!m_deferred.empty() && m_deferred.begin()->first <= now) {
        Deferred d = takeFirstDeferred();
        Work &w = d.work;
        if (d.cutByDeadline) {
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - w.admitted).count();
            w.answer = QueryReply::failure(QueryStatus::DeadlineExceeded,
                                           QStringLiteral("deadline exceeded after %1 ms: the query had not finished on shard %2")
                                               .arg(ms).arg(m_id), m_id);
        }
        finish(w.reply, std::move(w.answer), w.admitted);
    }
    while (!m_timers.empty() && m_timers.begin()->first <= now) {
        auto node = m_timers.extract(m_timers.begin());
        node.mapped()();
    }
}

void Shard::warn(const QString &message)
{
    if (m_hooks.onWarning)
        m_hooks.onWarning(m_id, message);
}

void Shard::deferAnswer(Clock::time_point due, Deferred deferred)
{
    m_deferredAdmitted.insert(deferred.work.admitted);
    m_deferred.emplace(due, std::move(deferred));
    publishOldestDeferred();
}

Shard::Deferred Shard::takeFirstDeferred()
{
    auto node = m_deferred.extract(m_deferred.begin());
    m_deferredAdmitted.erase(m_deferredAdmitted.find(node.mapped().work.admitted));
    publishOldestDeferred();
    return std::move(node.mapped());
}

void Shard::publishOldestDeferred()
{
    m_oldestDeferredNs.store(m_deferredAdmitted.empty() ? Message::kNotARequest
                                                        : m_deferredAdmitted.begin()->time_since_epoch().count(),
                             std::memory_order_release);
}

std::uint32_t Shard::refuseDeferred(const QString &reason)
{
    auto pending = std::move(m_deferred);
    m_deferred.clear();
    m_deferredAdmitted.clear();
    publishOldestDeferred();
    for (auto &[due, d] : pending)
        finish(d.work.reply, QueryReply::failure(QueryStatus::Unavailable, reason, m_id), d.work.admitted);
    return std::uint32_t(pending.size());
}

QString Shard::unavailableReason() const
{
    switch (state()) {
    case ShardState::Stopped:
        return QStringLiteral("query service is stopped");
    case ShardState::Failed:
        return QStringLiteral("shard %1 has no live actor: it failed and waits to be re-created").arg(m_id);
    default:
        return QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size()));
    }
}

bool Shard::replaceActor(const ActorSpec &spec, ShardState stateAfter, QString *error)
{
    m_recentCrashes.clear();
    cancelActor(ShardState::Restarting, QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size())));
    if (!installActor(spec, error)) {
        setState(ShardState::Failed);
        return false;
    }
    setState(stateAfter);
    return true;
}

bool Shard::installActor(const ActorSpec &spec, QString *error)
{
    std::unique_ptr<QueryActor> actor;
    try {
        actor = m_factory(spec, error);
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
    }
    if (!actor)
        return false;
    m_actor = std::move(actor);
    setLive(true);
    m_version.store(spec.version, std::memory_order_release);
    m_generation.store(spec.generation, std::memory_order_release);
    return true;
}

void Shard::cancelActor(ShardState stateAfter, const QString &reason)
{
    ++m_respawnEpoch;
    if (m_actor) {
        refuseRunning(QueryStatus::Unavailable, reason);
        refuseDeferred(reason);
        m_actor.reset();
    }
    setLive(false, stateAfter);
}

void Shard::setState(ShardState state)
{
    std::lock_guard lock(m_stateMutex);
    changeStateLocked(state);
}

void Shard::setStateIfLive(ShardState state)
{
    std::lock_guard lock(m_stateMutex);
    if (m_live)
        changeStateLocked(state);
}

void Shard::setLive(bool live, std::optional<ShardState> state)
{
    std::lock_guard lock(m_stateMutex);
    m_live = live;
    if (state)
        changeStateLocked(*state);
}

void Shard::changeStateLocked(ShardState state)
{
    if (m_state.exchange(state, std::memory_order_acq_rel) != state && m_hooks.onStateChange)
        m_hooks.onStateChange(m_id, state, version());
}

} // namespace shardscope
