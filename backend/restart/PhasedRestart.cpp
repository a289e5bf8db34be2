#include "backend/restart/PhasedRestart.h"

#include "backend/runtime/ActorReplacement.h"
#include "backend/runtime/ShardCall.h"

#include <algorithm>
#include <array>
#include <condition_variable>

namespace shardscope {
namespace {

// Set from the coordinator, not queued on each shard: a shard whose thread is held by a
// long request says what it does now, and no queued change can land after the restart.
void setLiveShards(ServiceCore &core, ShardState s)
{
    for (const auto &shard : core.shards())
        shard->setStateIfLive(s);
}

// "10 s", "1.5 s", "800 ms".
QString duration(int ms)
{
    return ms < 1000 ? QStringLiteral("%1 ms").arg(ms) : QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'g', 3);
}

// An age as an operator reads it: "800 ms", "10.2 s".
QString age(std::uint32_t ms)
{
    return ms < 1000 ? QStringLiteral("%1 ms").arg(ms) : QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

struct Blocker {
    ShardId id;
    std::uint32_t inFlight;
    std::uint32_t oldestMs;
};

// "shard 37 (2 requests in flight, oldest 10.2 s)" or, for shards holding as many,
// "shards 37, 300 (1 request each, oldest 10.2 s)".
QString blockerGroup(const std::vector<Blocker> &group)
{
    const std::uint32_t n = group.front().inFlight;
    std::uint32_t oldest = 0;
    QStringList ids;
    for (const Blocker &b : group) {
        oldest = std::max(oldest, b.oldestMs);
        ids << QString::number(b.id);
    }
    const QString requests = n == 1 ? QStringLiteral("1 request") : QStringLiteral("%1 requests").arg(n);
    if (group.size() == 1)
        return QStringLiteral("shard %1 (%2 in flight, oldest %3)").arg(ids.front(), requests, age(oldest));
    return QStringLiteral("shards %1 (%2 each, oldest %3)").arg(ids.join(QStringLiteral(", ")), requests, age(oldest));
}

// What held a drain, as an operator looks for it: the shards still waited on, most
// requests first, grouped by count, the first eight and "+k more".
QString drainBlockers(const std::vector<std::unique_ptr<Shard>> &shards)
{
    std::vector<Blocker> blocking;
    for (const auto &shard : shards) {
        if (const std::uint32_t n = shard->inFlight(); n > 0)
            blocking.push_back({shard->id(), n, shard->oldestInFlightMs()});
    }
    if (blocking.empty())
        return QStringLiteral("no shard (the last request finished at the deadline)");
    std::sort(blocking.begin(), blocking.end(), [](const Blocker &a, const Blocker &b) {
        return a.inFlight != b.inFlight ? a.inFlight > b.inFlight : a.id < b.id;
    });
    constexpr std::size_t kNamed = 8;
    QStringList parts;
    std::vector<Blocker> group;
    for (std::size_t i = 0; i < blocking.size() && i < kNamed; ++i) {
        if (!group.empty() && group.front().inFlight != blocking[i].inFlight) {
            parts << blockerGroup(group);
            group.clear();
        }
        group.push_back(blocking[i]);
    }
    parts << blockerGroup(group);
    if (blocking.size() > kNamed)
        parts << QStringLiteral("+%1 more").arg(blocking.size() - kNamed);
    return parts.join(QStringLiteral(", "));
}

QString requestCount(std::uint32_t n)
{
    return n == 1 ? QStringLiteral("1 request") : QStringLiteral("%1 requests").arg(n);
}

} // namespace

QString PhasedRestart::forcedSummary(const Shard::Refused &refused, std::uint32_t inFlightAtTimeout,
                                     const std::vector<ShardFailure> &silent, bool drainedAfter) const
{
    const std::uint32_t total = refused.queued + refused.waiting + refused.running;
    QString text = QStringLiteral("%1 in flight at the timeout; canceled %2 with 503 (%3 running, %4 queued, %5 waiting); policy force")
                       .arg(inFlightAtTimeout).arg(requestCount(total)).arg(refused.running).arg(refused.queued).arg(refused.waiting);
    if (!silent.empty()) {
        constexpr std::size_t kNamed = 8; // 1024 silent shards would make one unreadable line
        QStringList ids;
        for (std::size_t i = 0; i < silent.size() && i < kNamed; ++i)
            ids << QString::number(silent[i].shard);
        if (silent.size() > kNamed)
            ids << QStringLiteral("+%1 more").arg(silent.size() - kNamed);
        text += QStringLiteral("; %1 %2 did not take the cancel within %3 ms")
                    .arg(ids.size() == 1 ? QStringLiteral("shard") : QStringLiteral("shards"), ids.join(QStringLiteral(", ")))
                    .arg(m_options.restartTimeoutPerShardMs);
    }
    if (!drainedAfter)
        text += QStringLiteral("; %1 still in flight").arg(requestCount(m_core.totalInFlight()));
    return text;
}

PhasedRestart::PhasedRestart(ServiceCore &core, const RestartOptions &options, std::uint64_t restartId,
                             const std::atomic<bool> &abortRequested, const std::atomic<bool> &shuttingDown,
                             CommitPoint *commitPoint)
    : m_core(core)
    , m_options(options)
    , m_id(restartId)
    , m_abort(abortRequested)
    , m_shuttingDown(shuttingDown)
    , m_commitPoint(commitPoint)
    , m_oldVersion(core.version())
    , m_newVersion(options.targetVersion > 0 ? Version(options.targetVersion) : core.version() + 1)
{
}

PhasedRestart::~PhasedRestart()
{
    if (m_commitPoint)
        m_commitPoint->disarm(); // a late word must not wake a drain of the next restart
}

RestartResult PhasedRestart::run()
{
    QString why;
    if (!prepare(&why)) {
        reopen(ServicePhase::Resuming);
        return {CommandOutcome::Aborted, why, m_oldVersion};
    }
    switch (drain()) {
    case Drain::Drained:
    case Drain::Forced:
        break;
    case Drain::Aborted:
        reopen(ServicePhase::Resuming);
        return {CommandOutcome::Aborted, abortReason() + QStringLiteral(" during drain"), m_oldVersion};
    case Drain::TimedOut:
        reopen(ServicePhase::Resuming);
        return {CommandOutcome::Aborted,
                QStringLiteral("aborted: drain timed out after %1 waiting on %2; reopened on v%3")
                    .arg(duration(m_options.drainTimeoutMs), m_drainBlockers).arg(m_oldVersion),
                m_oldVersion};
    }
    int lastTouched = -1;
    if (!restartShards(&lastTouched, &why) || !verify(&why) || !awaitCommit(&why)) {
        QString rollbackWhy;
        const bool rolledBack = rollback(lastTouched, &rollbackWhy);
        // Voted and leaving: the cluster may have committed, so a held request must not
        // be answered on the old version.
        if (m_commitPoint && m_commitPoint->voted() && m_shuttingDown.load())
            m_core.gate().refuseHeld(QStringLiteral("the node is shutting down before it learned its cluster restart's outcome"));
        reopen(ServicePhase::Resuming);
        if (!rolledBack)
            return {CommandOutcome::RollbackFailed, why + QStringLiteral("; rollback failed: ") + rollbackWhy, m_oldVersion};
        return {CommandOutcome::RolledBack, why + QStringLiteral("; every shard rolled back to v%1").arg(m_oldVersion),
                m_oldVersion};
    }
    m_core.setVersion(m_newVersion);
    m_core.setGraph(m_newGraph);
    reopen(ServicePhase::Resuming);
    return {CommandOutcome::Completed, QStringLiteral("every shard serves v%1").arg(m_newVersion), m_newVersion};
}

bool PhasedRestart::prepare(QString *why)
{
    const auto started = Clock::now();
    m_core.phaseStarted(ServicePhase::Preparing, m_id,
                        QStringLiteral("loading v%1's graph, then closing the admission gate (policy %2)")
                            .arg(m_newVersion).arg(QLatin1String(toString(m_options.admission))));
    // Read before the gate closes: held clients never wait for a file, and a bad one
    // aborts the restart with nothing changed.
    if (m_newVersion == m_oldVersion || (m_newVersion < m_oldVersion && !m_options.rollback)) {
        *why = QStringLiteral("the target v%1 is not above the running v%2").arg(m_newVersion).arg(m_oldVersion);
        endPhase(ServicePhase::Preparing, started, QStringLiteral("failed"), *why);
        return false;
    }
    QString loadError;
    m_newGraph = m_core.loadGraph(m_newVersion, &loadError);
    if (!m_newGraph) {
        *why = QStringLiteral("loading the graph for v%1 failed: %2").arg(m_newVersion).arg(loadError);
        endPhase(ServicePhase::Preparing, started, QStringLiteral("failed"), *why);
        return false;
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(m_options.prepareTimeoutMs);
    if (m_commitPoint)
        m_commitPoint->armed([&core = m_core] { core.wakeDrainWaiters(); });
    HoldSettings hold;
    hold.capacity = m_options.holdCapacity;
    hold.deadline = std::chrono::milliseconds(m_options.holdDeadlineMs);
    hold.retryAfterSeconds = std::max(1, (m_options.drainTimeoutMs + 999) / 1000);
    m_core.gate().close(m_options.admission == AdmissionPolicy::Hold ? AdmissionGate::Mode::Hold
                                                                     : AdmissionGate::Mode::Reject, hold);
    if (!m_core.gate().waitQuiescent(deadline)) {
        *why = QStringLiteral("prepare timed out: admissions still in progress after %1 ms").arg(m_options.prepareTimeoutMs);
        endPhase(ServicePhase::Preparing, started, QStringLiteral("timeout"), *why);
        return false;
    }
    setLiveShards(m_core, ShardState::Gated);
    endPhase(ServicePhase::Preparing, started, QStringLiteral("ok"));
    return true;
}

PhasedRestart::Drain PhasedRestart::drain()
{
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::milliseconds(m_options.drainTimeoutMs);
    m_core.phaseStarted(ServicePhase::Draining, m_id,
                        QStringLiteral("waiting for %1 in-flight requests").arg(m_core.totalInFlight()));
    setLiveShards(m_core, ShardState::Draining);
    const bool drained = waitDrained(deadline);
    if (drained) {
        endPhase(ServicePhase::Draining, started, QStringLiteral("ok"));
        return Drain::Drained;
    }
    if (stopRequested()) {
        endPhase(ServicePhase::Draining, started, QStringLiteral("aborted"), abortReason());
        return Drain::Aborted;
    }
    const std::uint32_t left = m_core.totalInFlight();
    m_drainBlockers = drainBlockers(m_core.shards());
    if (m_options.drainPolicy == DrainTimeoutPolicy::Abort) {
        endPhase(ServicePhase::Draining, started, QStringLiteral("timeout"),
                 QStringLiteral("%1 requests still in flight; policy abort").arg(left));
        return Drain::TimedOut;
    }
    const QString reason = QStringLiteral("request canceled: the restart forced its drain after %1 ms").arg(m_options.drainTimeoutMs);
    const auto forceDeadline = Clock::now() + std::chrono::milliseconds(m_options.restartTimeoutPerShardMs);
    // Each shard counts what it really refused: the in-flight count read above may have
    // changed since, and running work is canceled between its slices.
    auto tally = std::make_shared<std::array<std::atomic<std::uint32_t>, 3>>();
    const std::vector<ShardFailure> silent = callAllShards(m_core.shards(), [reason, tally](Shard &shard, QString *) {
        const Shard::Refused r = shard.refuseQueuedQueries(reason);
        (*tally)[0] += r.queued;
        (*tally)[1] += r.waiting;
        (*tally)[2] += r.running;
        return true;
    }, forceDeadline);
    const bool drainedAfter = waitDrained(forceDeadline);
    endPhase(ServicePhase::Draining, started, QStringLiteral("forced"),
             forcedSummary({(*tally)[0].load(), (*tally)[1].load(), (*tally)[2].load()}, left, silent, drainedAfter));
    return Drain::Forced;
}

bool PhasedRestart::restartShards(int *lastTouched, QString *why)
{
    const auto started = Clock::now();
    m_core.phaseStarted(ServicePhase::Restarting, m_id,
                        QStringLiteral("re-creating every shard's actor on v%1").arg(m_newVersion));
    if (stopRequested()) {
        *why = abortReason() + QStringLiteral(" during restart");
        endPhase(ServicePhase::Restarting, started, QStringLiteral("aborted"), *why);
        return false;
    }
    // Posted in shard order, all before the first wait: the shards re-create their actors
    // side by side instead of one round trip after another (1024 shards: ~20 ms -> a few).
    // Any posted shard may have been re-created, so a failure rolls every shard back.
    std::vector<ActorReplacement::Posted> posted;
    posted.reserve(m_core.shards().size());
    for (const auto &shard : m_core.shards()) {
        const ActorSpec spec{shard->id(), m_newVersion, shard->generation() + 1, m_newGraph};
        posted.push_back(ActorReplacement::post(*shard, m_core.router(), spec, ShardState::Restarting));
    }
    *lastTouched = int(posted.size()) - 1;
    const auto deadline = Clock::now() + std::chrono::milliseconds(m_options.restartTimeoutPerShardMs);
    QStringList failures;
    for (std::size_t i = 0; i < posted.size(); ++i) {
        const ActorReplacement replacement = ActorReplacement::wait(posted[i], deadline);
        if (replacement.replaced())
            continue;
        const QString failure = replacement.outcome == ReplaceOutcome::NoAnswer
            ? QStringLiteral("shard %1 did not re-create its actor within %2 ms").arg(i).arg(m_options.restartTimeoutPerShardMs)
            : QStringLiteral("actor creation failed on shard %1: %2").arg(i).arg(replacement.error);
        m_core.warn(m_id, ShardId(i), failure);
        failures << failure;
    }
    if (failures.isEmpty() && stopRequested())
        failures << abortReason() + QStringLiteral(" during restart");
    if (!failures.isEmpty()) {
        constexpr int kNamed = 5; // 1024 timed-out shards would make one unreadable line
        *why = failures.mid(0, kNamed).join(QStringLiteral("; "))
            + (failures.size() > kNamed ? QStringLiteral("; and %1 more shards").arg(failures.size() - kNamed) : QString());
        endPhase(ServicePhase::Restarting, started, stopRequested() ? QStringLiteral("aborted") : QStringLiteral("failed"), *why);
        return false;
    }
    endPhase(ServicePhase::Restarting, started, QStringLiteral("ok"));
    return true;
}

bool PhasedRestart::verify(QString *why)
{
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::milliseconds(m_options.verifyTimeoutMs);
    m_core.phaseStarted(ServicePhase::Verifying, m_id, QStringLiteral("probing every shard through the router"));
    setLiveShards(m_core, ShardState::Verifying);

    struct Probes {
        std::mutex mutex;
        std::condition_variable done;
        int answered = 0;
        std::vector<bool> answeredBy;
        QStringList problems;
    };
    auto probes = std::make_shared<Probes>();
    const int count = m_core.shardCount();
    probes->answeredBy.assign(std::size_t(count), false);
    const Version expected = m_newVersion;
    for (int i = 0; i < count; ++i) {
        QueryRequest probe;
        probe.procedure = QStringLiteral("echo");
        probe.args = QJsonObject{{QStringLiteral("probe"), double(m_id)}};
        probe.pinnedShard = i;
        probe.restartProbe = true;
        // Straight to the router: the gate is still closed to clients.
        m_core.router().route(std::move(probe), [probes, i, expected](QueryReply reply) {
            std::lock_guard lock(probes->mutex);
            if (!reply.ok())
                probes->problems << QStringLiteral("shard %1 probe failed: %2").arg(i).arg(reply.error);
            else if (reply.version != expected || reply.shard != i)
                probes->problems << QStringLiteral("shard %1 probe answered by shard %2 on v%3, expected v%4")
                                        .arg(i).arg(reply.shard).arg(reply.version).arg(expected);
            ++probes->answered;
            probes->answeredBy[std::size_t(i)] = true;
            probes->done.notify_all();
        });
    }
    std::unique_lock lock(probes->mutex);
    const bool allAnswered = probes->done.wait_until(lock, deadline, [&] { return probes->answered == count; });
    if (!allAnswered) {
        QStringList silent;
        for (int i = 0; i < count; ++i) {
            if (!probes->answeredBy[std::size_t(i)])
                silent << QString::number(i);
        }
        probes->problems << QStringLiteral("shard %1 probe unanswered after %2 ms")
                                .arg(silent.join(QStringLiteral(", ")), QString::number(m_options.verifyTimeoutMs));
    }
    if (!probes->problems.isEmpty()) {
        *why = QStringLiteral("verify failed: ") + probes->problems.join(QStringLiteral("; "));
        lock.unlock();
        endPhase(ServicePhase::Verifying, started, QStringLiteral("failed"), *why);
        return false;
    }
    lock.unlock();
    endPhase(ServicePhase::Verifying, started, QStringLiteral("ok"));
    return true;
}

bool PhasedRestart::rollback(int lastTouched, QString *why)
{
    const auto started = Clock::now();
    m_core.phaseStarted(ServicePhase::RollingBack, m_id,
                        QStringLiteral("rolling shards 0..%1 back to v%2").arg(lastTouched).arg(m_oldVersion));
    QStringList problems;
    for (int i = 0; i <= lastTouched; ++i) {
        Shard &shard = *m_core.shards()[std::size_t(i)];
        const ActorSpec spec{i, m_oldVersion, shard.generation() + 1, m_core.graph()};
        // Left to finish late: nothing follows a rollback, and abandoning it would leave the
        // shard on v+1 if its forward replacement ran after all.
        const ActorReplacement replacement = ActorReplacement::run(
            shard, m_core.router(), spec, ShardState::Restarting,
            Clock::now() + std::chrono::milliseconds(m_options.restartTimeoutPerShardMs), IfLate::Finish);
        if (replacement.outcome == ReplaceOutcome::NoAnswer)
            problems << QStringLiteral("shard %1 did not answer within %2 ms (its rollback runs when the shard is free)")
                            .arg(i).arg(m_options.restartTimeoutPerShardMs);
        else if (replacement.outcome == ReplaceOutcome::Failed)
            problems << QStringLiteral("shard %1: %2").arg(i).arg(replacement.error);
    }
    *why = problems.join(QStringLiteral("; "));
    endPhase(ServicePhase::RollingBack, started, problems.isEmpty() ? QStringLiteral("ok") : QStringLiteral("failed"), *why);
    return problems.isEmpty();
}

void PhasedRestart::reopen(ServicePhase phase)
{
    const auto started = Clock::now();
    m_core.phaseStarted(phase, m_id, QStringLiteral("opening the gate; releasing %1 held requests in arrival order")
                                         .arg(m_core.gate().heldCount()));
    // Every shard with a live actor serves before the first held request is released; a
    // shard still re-creating its actor (its replacement outran the timeout) is left to
    // say serving itself when it is done (ActorReplacement).
    setLiveShards(m_core, ShardState::Serving);
    m_core.gate().open();
    endPhase(phase, started, QStringLiteral("ok"));
}

bool PhasedRestart::waitDrained(Clock::time_point deadline)
{
    // Woken by the last answer and by an abort (RestartCoordinator::requestAbort), so a
    // drain ends as soon as it can, while held clients wait.
    return m_core.waitNoneInFlight(deadline, [this] { return stopRequested(); });
}

bool PhasedRestart::stopRequested() const
{
    return m_abort.load() || (m_commitPoint && m_commitPoint->word() == CommitPoint::Word::RollBack);
}

bool PhasedRestart::awaitCommit(QString *why)
{
    if (!m_commitPoint)
        return true;
    const auto started = Clock::now();
    m_core.phaseStarted(ServicePhase::Verifying, m_id,
                        QStringLiteral("every shard verified v%1; the gate stays closed until the cluster commits").arg(m_newVersion));
    if (m_commitPoint->await() == CommitPoint::Word::Commit) {
        endPhase(ServicePhase::Verifying, started, QStringLiteral("ok"), QStringLiteral("committed"));
        return true;
    }
    *why = abortReason() + QStringLiteral(" after every shard verified v%1").arg(m_newVersion);
    endPhase(ServicePhase::Verifying, started, QStringLiteral("aborted"), *why);
    return false;
}

QString PhasedRestart::abortReason() const
{
    if (m_commitPoint && m_commitPoint->word() == CommitPoint::Word::RollBack && !m_abort.load())
        return m_commitPoint->reason();
    return m_shuttingDown.load() ? QStringLiteral("aborted: the service is shutting down")
                                 : QStringLiteral("aborted by operator");
}

std::int64_t PhasedRestart::usSince(Clock::time_point t) const
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count();
}

void PhasedRestart::endPhase(ServicePhase p, Clock::time_point started, const QString &outcome, QString message)
{
    m_core.phaseEnded(p, m_id, outcome, usSince(started), std::move(message));
}

} // namespace shardscope
