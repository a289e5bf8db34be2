#include "backend/Shard.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace shardscope {

Shard::Shard(ShardId id, ActorFactory factory, StateListener onStateChange)
    : m_id(id)
    , m_factory(std::move(factory))
    , m_onStateChange(std::move(onStateChange))
    , m_thread([this] { run(); })
{
}

Shard::~Shard()
{
    stop(QStringLiteral("service is shutting down"));
}

PushResult Shard::post(Envelope envelope, Lane lane)
{
    auto refuse = envelope.refuse;
    const PushResult result = m_mailbox.push(std::move(envelope), lane);
    if (result == PushResult::Closed && refuse)
        refuse(QStringLiteral("shard %1 is shut down").arg(m_id));
    return result;
}

void Shard::submit(QueryRequest request, Generation routedGeneration, ReplyFn reply)
{
    m_inFlight.fetch_add(1, std::memory_order_acq_rel);
    const auto admitted = Clock::now();
    // Both paths own a copy of the reply; exactly one of them runs.
    auto shared = std::make_shared<ReplyFn>(std::move(reply));
    Envelope envelope;
    envelope.run = [this, request = std::move(request), routedGeneration, shared, admitted] {
        handleQuery(request, routedGeneration, *shared, admitted);
    };
    envelope.refuse = [this, shared, admitted](const QString &reason) {
        finish(*shared, QueryReply::failure(QueryStatus::Unavailable, reason, m_id), admitted);
    };
    post(std::move(envelope), Lane::Normal);
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
    s.processed = m_processed.load(std::memory_order_relaxed);
    s.failed = m_failed.load(std::memory_order_relaxed);
    s.latencyP50Us = m_latency.p50();
    s.latencyP99Us = m_latency.p99();
    return s;
}

void Shard::stop(const QString &reason)
{
    if (!m_thread.joinable())
        return;
    for (Envelope &e : m_mailbox.close()) {
        if (e.refuse)
            e.refuse(reason);
    }
    m_thread.join();
}

void Shard::run()
{
    for (;;) {
        std::optional<Clock::time_point> deadline;
        if (!m_deferred.empty())
            deadline = m_deferred.begin()->first;
        Envelope envelope;
        const auto result = m_mailbox.pop(envelope, deadline);
        if (result == Mailbox::PopResult::Closed)
            break;
        if (result == Mailbox::PopResult::Message && envelope.run)
            envelope.run();
        fireDueDeferred();
    }
    refuseDeferred(QStringLiteral("service is shutting down"));
    m_actor.reset();
}

void Shard::handleQuery(const QueryRequest &request, Generation routed, ReplyFn &reply, Clock::time_point admitted)
{
    if (!m_actor || m_actor->generation() != routed) {
        finish(reply, QueryReply::failure(QueryStatus::Unavailable, unavailableReason(), m_id), admitted);
        return;
    }
    ProcedureOutcome outcome;
    try {
        outcome = m_actor->handle(request);
    } catch (const std::exception &e) {
        outcome.kind = ProcedureOutcome::Kind::Error;
        outcome.status = QueryStatus::Internal;
        outcome.error = QStringLiteral("procedure '%1' failed on shard %2: %3")
                            .arg(request.procedure).arg(m_id).arg(QString::fromUtf8(e.what()));
    }
    QueryReply answer;
    answer.shard = m_id;
    answer.version = m_actor->version();
    switch (outcome.kind) {
    case ProcedureOutcome::Kind::Done:
        answer.result = outcome.value;
        break;
    case ProcedureOutcome::Kind::Error:
        answer.status = outcome.status;
        answer.error = outcome.error;
        break;
    case ProcedureOutcome::Kind::Defer:
        answer.result = outcome.value;
        m_deferred.emplace(Clock::now() + std::chrono::milliseconds(outcome.deferMs),
                           Deferred{std::move(reply), std::move(answer), admitted, routed});
        return;
    }
    finish(reply, std::move(answer), admitted);
}

void Shard::finish(ReplyFn &reply, QueryReply answer, Clock::time_point admitted)
{
    const auto now = Clock::now();
    if (answer.ok()) {
        m_processed.fetch_add(1, std::memory_order_relaxed);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - admitted).count();
        // Only the shard thread produces successful answers, so only it touches the window.
        m_latency.record(static_cast<std::uint32_t>(std::min<long long>(us, UINT32_MAX)), now);
    } else {
        m_failed.fetch_add(1, std::memory_order_relaxed);
    }
    if (answer.shard < 0)
        answer.shard = m_id;
    if (reply)
        reply(std::move(answer));
    m_inFlight.fetch_sub(1, std::memory_order_acq_rel);
}

void Shard::fireDueDeferred()
{
    const auto now = Clock::now();
    while (!m_deferred.empty() && m_deferred.begin()->first <= now) {
        auto node = m_deferred.extract(m_deferred.begin());
        Deferred &d = node.mapped();
        finish(d.reply, std::move(d.answer), d.admitted);
    }
}

void Shard::refuseDeferred(const QString &reason)
{
    auto pending = std::move(m_deferred);
    m_deferred.clear();
    for (auto &[due, d] : pending)
        finish(d.reply, QueryReply::failure(QueryStatus::Unavailable, reason, m_id), d.admitted);
}

QString Shard::unavailableReason() const
{
    switch (state()) {
    case ShardState::Stopped:
        return QStringLiteral("query service is stopped");
    case ShardState::Failed:
        return QStringLiteral("shard %1 has no live actor: its creation failed").arg(m_id);
    default:
        return QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size()));
    }
}

bool Shard::replaceActor(const ActorSpec &spec, ShardState stateAfter, QString *error)
{
    cancelActor(ShardState::Restarting, QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size())));
    std::unique_ptr<QueryActor> actor;
    try {
        actor = m_factory(spec, error);
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
    }
    if (!actor) {
        setState(ShardState::Failed);
        return false;
    }
    m_actor = std::move(actor);
    m_version.store(spec.version, std::memory_order_release);
    m_generation.store(spec.generation, std::memory_order_release);
    setState(stateAfter);
    return true;
}

void Shard::cancelActor(ShardState stateAfter, const QString &reason)
{
    if (m_actor) {
        refuseDeferred(reason);
        m_actor.reset();
    }
    setState(stateAfter);
}

void Shard::setState(ShardState state)
{
    if (m_state.exchange(state, std::memory_order_acq_rel) != state && m_onStateChange)
        m_onStateChange(m_id, state, version());
}

void Shard::setStateIfLive(ShardState state)
{
    if (m_actor)
        setState(state);
}

void Shard::refuseQueuedQueries(const QString &reason)
{
    for (Envelope &e : m_mailbox.takeNormal()) {
        if (e.refuse)
            e.refuse(reason);
    }
    refuseDeferred(reason);
}

} // namespace shardscope
