#include "model/restart/RestartTracker.h"

#include "backend/types/ServiceEvent.h"
#include "backend/types/ServiceSnapshot.h"

#include <algorithm>

namespace shardscope {

namespace {
constexpr std::size_t kMaxIntervals = 256;

// Phases end "ok"; a whole restart ends "completed" (or "aborted", "rolled_back", ...).
bool isSuccess(const QString &outcome)
{
    return outcome.isEmpty() || outcome == QStringLiteral("ok") || outcome == QStringLiteral("completed");
}
} // namespace

QString restartStepName(int step)
{
    static const char *const names[] = {"prepare", "drain", "restart", "verify", "resume", "rollback"};
    return step >= 0 && step < kRestartStepCount ? QString::fromLatin1(names[step]) : QString();
}

QString restartOutcomeWords(const QString &outcome)
{
    if (outcome == QStringLiteral("rolled_back"))
        return QStringLiteral("rolled back");
    if (outcome == QStringLiteral("rollback_failed"))
        return QStringLiteral("rollback failed");
    return outcome.isEmpty() ? QStringLiteral("finished") : outcome;
}

QString RestartProgress::outcomeReason() const
{
    if (succeeded())
        return {};
    const QString words = restartOutcomeWords(outcome);
    // "aborted by operator during drain" already starts with how it ended.
    if (outcomeMessage.startsWith(words + u' ') || outcomeMessage.startsWith(words + u':'))
        return outcomeMessage.mid(words.size() + 1).trimmed();
    return outcomeMessage;
}

QString RestartProgress::outcomeHeadline() const
{
    const QString reason = outcomeReason();
    const QString words = restartOutcomeWords(outcome);
    return reason.isEmpty() ? words : words + QStringLiteral(": ") + reason;
}

std::vector<int> RestartProgress::displayOrder() const
{
    std::vector<int> order = startedSteps;
    if (!active && !order.empty())
        return order;
    auto ran = [&](int step) { return std::find(order.begin(), order.end(), step) != order.end(); };
    const bool rollingBack = ran(int(RestartStep::Rollback));
    for (int step = 0; step < kMainRestartSteps; ++step) {
        if (!ran(step) && !(rollingBack && step == int(RestartStep::Verify)))
            order.push_back(step);
    }
    return order;
}

QString RestartProgress::summaryText() const
{
    if (!seen)
        return {};
    QString text = QStringLiteral("Restart %1").arg(restartId);
    if (!mode.isEmpty())
        text += QStringLiteral(" (%1)").arg(mode);
    if (active)
        return text + QStringLiteral(": running, %1 s").arg(elapsedMs / 1000.0, 0, 'f', 1);
    text += QStringLiteral(": %1 in %2 s.").arg(restartOutcomeWords(outcome)).arg(elapsedMs / 1000.0, 0, 'f', 2);
    QStringList parts;
    for (int i = 0; i < kRestartStepCount; ++i)
        if (durationMs[std::size_t(i)] >= 0)
            parts << QStringLiteral("%1 %2 ms").arg(restartStepName(i)).arg(durationMs[std::size_t(i)]);
    if (!parts.isEmpty())
        text += QStringLiteral(" Phases: ") + parts.join(QStringLiteral(", ")) + u'.';
    text += QStringLiteral(" Failed requests because of the restart: %1 (service counters), %2 (built-in workload)")
                .arg(serviceFailedDuring)
                .arg(clientFailedDuring);
    text += countingFailures ? QStringLiteral(", still counting: the service is not whole again.") : QStringLiteral(".");
    return text;
}

RestartTracker::RestartTracker(QObject *parent)
    : QObject(parent)
{
}

int RestartTracker::stepOf(int phase)
{
    switch (ServicePhase(phase)) {
    case ServicePhase::Preparing: return int(RestartStep::Prepare);
    case ServicePhase::Draining: return int(RestartStep::Drain);
    case ServicePhase::Restarting: return int(RestartStep::Restart);
    case ServicePhase::Verifying: return int(RestartStep::Verify);
    case ServicePhase::Resuming: return int(RestartStep::Resume);
    case ServicePhase::RollingBack: return int(RestartStep::Rollback);
    default: return -1;
    }
}

void RestartTracker::applyEvents(const std::vector<ServiceEvent> &events)
{
    bool changed = false;
    for (const ServiceEvent &e : events) {
        switch (e.kind) {
        case EventKind::RestartRequested:
            // The coordinator announces stop and start with the same kind; a restart
            // names its mode ("phased", "legacy") in the outcome field.
            if (e.outcome.isEmpty() && (e.message.startsWith(QStringLiteral("stop")) || e.message.startsWith(QStringLiteral("start"))))
                break;
            begin(e.restartId, e.timeMs);
            if (!e.outcome.isEmpty())
                m_progress.mode = e.outcome;
            changed = true;
            break;
        case EventKind::PhaseStarted: {
            const int step = stepOf(int(e.phase));
            if (step < 0)
                break;
            if (!m_progress.active || (e.restartId != 0 && e.restartId != m_progress.restartId))
                begin(e.restartId, e.timeMs); // the console opened mid-restart
            if (m_progress.currentStep >= 0 && m_progress.status[std::size_t(m_progress.currentStep)] == StepStatus::Running)
                endStep(m_progress.currentStep, e.timeMs, -1, true);
            m_progress.currentStep = step;
            m_progress.status[std::size_t(step)] = StepStatus::Running;
            if (std::find(m_progress.startedSteps.begin(), m_progress.startedSteps.end(), step) == m_progress.startedSteps.end())
                m_progress.startedSteps.push_back(step);
            m_stepStartMs = e.timeMs;
            m_intervals.push_back({step, e.timeMs, -1});
            if (m_intervals.size() > kMaxIntervals)
                m_intervals.erase(m_intervals.begin());
            changed = true;
            break;
        }
        case EventKind::PhaseEnded: {
            const int step = stepOf(int(e.phase));
            if (step < 0 || !m_progress.active)
                break;
            endStep(step, e.timeMs, e.durationMs, isSuccess(e.outcome));
            changed = true;
            break;
        }
        case EventKind::RestartFinished:
            if (!m_progress.active)
                begin(e.restartId, e.timeMs - std::max<qint64>(0, e.durationMs));
            finish(e.outcome, e.timeMs, e.durationMs);
            m_progress.outcomeMessage = e.message;
            changed = true;
            break;
        default:
            break;
        }
        m_nowMs = std::max<qint64>(m_nowMs, e.timeMs);
    }
    if (changed)
        Q_EMIT progressChanged();
}

void RestartTracker::applySnapshot(const ServiceSnapshot &snapshot)
{
    quint64 failed = 0;
    for (const ShardSnapshot &s : snapshot.shards)
        failed += s.failed;
    m_serviceFailedTotal = failed;
    m_nowMs = std::max<qint64>(m_nowMs, snapshot.takenAtMs);
    if (!m_progress.active && m_progress.countingFailures) {
        const quint64 service = m_progress.serviceFailedDuring;
        const quint64 client = m_progress.clientFailedDuring;
        countFailures();
        m_progress.countingFailures = !snapshot.ready();
        // Once per change, not once per frame: a broken service may stay broken for long.
        if (service != m_progress.serviceFailedDuring || client != m_progress.clientFailedDuring
            || !m_progress.countingFailures)
            Q_EMIT progressChanged();
    }
    if (!m_progress.active)
        return;
    m_progress.elapsedMs = m_nowMs - m_progress.startMs;
    m_progress.currentStepElapsedMs = m_progress.currentStep >= 0 ? m_nowMs - m_stepStartMs : 0;
    countFailures();
    Q_EMIT progressChanged();
}

void RestartTracker::countFailures()
{
    m_progress.serviceFailedDuring = m_serviceFailedTotal - std::min(m_serviceFailedTotal, m_serviceFailedAtStart);
    m_progress.clientFailedDuring = m_clientFailedTotal - std::min(m_clientFailedTotal, m_clientFailedAtStart);
}

void RestartTracker::instanceReplaced(qint64 timeMs)
{
    if (!m_progress.active)
        return;
    finish(QStringLiteral("interrupted"), std::max(timeMs, m_progress.startMs), -1);
    m_progress.outcomeMessage = QStringLiteral("the service instance it ran on stopped before it ended; the new instance "
                                               "serves the version its frames show");
    Q_EMIT progressChanged();
}

void RestartTracker::begin(quint64 restartId, qint64 timeMs)
{
    if (m_progress.active)
        finish(QStringLiteral("superseded"), timeMs, -1);
    m_progress = RestartProgress{};
    m_progress.seen = true;
    m_progress.active = true;
    m_progress.restartId = restartId;
    m_progress.mode = m_requestedMode;
    m_progress.startMs = timeMs;
    m_serviceFailedAtStart = m_serviceFailedTotal;
    m_clientFailedAtStart = m_clientFailedTotal;
}

void RestartTracker::endStep(int step, qint64 timeMs, qint64 durationMs, bool ok)
{
    const auto i = std::size_t(step);
    m_progress.status[i] = ok ? StepStatus::Done : StepStatus::Failed;
    m_progress.durationMs[i] = durationMs >= 0 ? durationMs : timeMs - m_stepStartMs;
    for (auto it = m_intervals.rbegin(); it != m_intervals.rend(); ++it) {
        if (it->step == step && it->endMs < 0) {
            it->endMs = timeMs;
            break;
        }
    }
    if (m_progress.currentStep == step)
        m_progress.currentStepElapsedMs = m_progress.durationMs[i];
}

void RestartTracker::finish(const QString &outcome, qint64 timeMs, qint64 durationMs)
{
    const int step = m_progress.currentStep;
    if (step >= 0 && m_progress.status[std::size_t(step)] == StepStatus::Running)
        endStep(step, timeMs, -1, isSuccess(outcome));
    m_progress.active = false;
    m_progress.currentStep = -1;
    m_progress.outcome = outcome.isEmpty() ? QStringLiteral("ok") : outcome;
    m_progress.elapsedMs = durationMs >= 0 ? durationMs : timeMs - m_progress.startMs;
    countFailures();
    // The end event may come before a frame shows the end state: count on until a
    // snapshot says every shard serves one version.
    m_progress.countingFailures = !m_progress.succeeded() && outcome != QStringLiteral("superseded");
    // No green tick on a restart that failed: when every step said "ok" (a legacy restart
    // judged by the shards it left canceled), the last step carries the failure.
    const bool anyStepFailed = std::any_of(m_progress.status.begin(), m_progress.status.end(),
                                           [](StepStatus s) { return s == StepStatus::Failed; });
    if (!m_progress.succeeded() && !anyStepFailed && !m_progress.startedSteps.empty()
        && outcome != QStringLiteral("superseded"))
        m_progress.status[std::size_t(m_progress.startedSteps.back())] = StepStatus::Failed;
    Q_EMIT restartFinished(m_progress.outcome);
}

} // namespace shardscope
