// The queries a shard has begun and not yet answered: long work run in slices, and the
// cancellation of work whose client has gone or that a forced drain refuses.
#include "backend/runtime/Shard.h"

#include <chrono>
#include <exception>

namespace shardscope {

void Shard::conclude(Work work, ProcedureOutcome outcome)
{
    QueryReply &answer = work.answer;
    switch (outcome.kind) {
    case ProcedureOutcome::Kind::Done:
    case ProcedureOutcome::Kind::Error:
        settle(answer, outcome);
        break;
    case ProcedureOutcome::Kind::Defer: {
        answer.result = outcome.value;
        // A sleep (or a stuck query) waits at most until its deadline.
        auto due = Clock::now() + std::chrono::milliseconds(outcome.deferMs);
        const bool cut = work.deadline != Clock::time_point{} && work.deadline < due;
        deferAnswer(cut ? work.deadline : due, Deferred{std::move(work), cut});
        return;
    }
    case ProcedureOutcome::Kind::Continue:
        m_runningAdmittedNs.store(work.admitted.time_since_epoch().count(), std::memory_order_release);
        m_running = Running{std::move(work), std::move(outcome.resume)};
        return;
    }
    finish(work.reply, std::move(answer), work.admitted);
}

bool Shard::runSlice()
{
    Running running = std::move(*m_running);
    m_running.reset(); // out while it runs: a crash below must not refuse it twice
    m_runningAdmittedNs.store(Message::kNotARequest, std::memory_order_release);
    Work &work = running.work;
    const auto now = Clock::now();
    if (work.clientHasGone()) {
        finish(work.reply, QueryReply::failure(QueryStatus::Unavailable,
                                               QStringLiteral("canceled: the client went away while shard %1 ran its query").arg(m_id), m_id),
               work.admitted);
        return false;
    }
    if (work.deadline != Clock::time_point{} && now >= work.deadline) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - work.admitted).count();
        finish(work.reply, QueryReply::failure(QueryStatus::DeadlineExceeded,
                                               QStringLiteral("deadline exceeded after %1 ms: the query had not finished on shard %2")
                                                   .arg(ms).arg(m_id), m_id),
               work.admitted);
        return false;
    }
    ProcedureOutcome outcome;
    try {
        outcome = running.resume(now + ShardPool::kTaskQuota);
    } catch (const std::exception &e) {
        const QString why = QStringLiteral("shard %1's actor crashed running '%2': %3")
                                .arg(m_id).arg(work.procedure, QString::fromUtf8(e.what()));
        crash(why);
        finish(work.reply, QueryReply::failure(QueryStatus::Unavailable, why, m_id), work.admitted);
        return false;
    }
    if (outcome.kind == ProcedureOutcome::Kind::Continue && !outcome.resume)
        outcome.resume = std::move(running.resume);
    conclude(std::move(work), std::move(outcome));
    return m_running.has_value();
}

bool Shard::refuseRunning(QueryStatus status, const QString &reason)
{
    if (!m_running)
        return false;
    Work work = std::move(m_running->work);
    m_running.reset(); // its continuation goes before the actor it may point into
    m_runningAdmittedNs.store(Message::kNotARequest, std::memory_order_release);
    finish(work.reply, QueryReply::failure(status, reason, m_id), work.admitted);
    return true;
}

void Shard::dropAbandoned()
{
    if (m_dropPosted.exchange(true, std::memory_order_acq_rel))
        return;
    post(Envelope{[this] {
                      m_dropPosted.store(false, std::memory_order_release); // later requests post again
                      refuseAbandoned();
                  },
                  {}},
         Lane::Control);
}

void Shard::refuseAbandoned()
{
    for (MessagePtr &m : m_mailbox.takeAbandoned())
        m->refuse(QStringLiteral("discarded: the client went away before shard %1 ran the query").arg(m_id));
    for (auto it = m_deferred.begin(); it != m_deferred.end();) {
        if (!it->second.work.clientHasGone()) {
            ++it;
            continue;
        }
        Work work = std::move(it->second.work);
        m_deferredAdmitted.erase(m_deferredAdmitted.find(work.admitted));
        it = m_deferred.erase(it);
        finish(work.reply, QueryReply::failure(QueryStatus::Unavailable,
                                               QStringLiteral("canceled: the client went away while its query waited on shard %1").arg(m_id), m_id),
               work.admitted);
    }
    publishOldestDeferred();
    if (m_running && m_running->work.clientHasGone())
        refuseRunning(QueryStatus::Unavailable, QStringLiteral("canceled: the client went away while shard %1 ran its query").arg(m_id));
}

Shard::Refused Shard::refuseQueuedQueries(const QString &reason)
{
    Refused refused;
    // The running query first: it is the oldest of the three.
    refused.running = refuseRunning(QueryStatus::Unavailable, reason) ? 1 : 0;
    for (MessagePtr &m : m_mailbox.takeNormal()) {
        m->refuse(reason);
        ++refused.queued;
    }
    refused.waiting = refuseDeferred(reason);
    return refused;
}

} // namespace shardscope
