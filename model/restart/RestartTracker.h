#pragma once

#include "model/restart/RestartProgress.h"

#include <QObject>

#include <vector>

namespace shardscope {

struct ServiceEvent;
struct ServiceSnapshot;

// Follows restarts through the service's event stream (requested, phase started/ended,
// finished) and keeps the progress the restart panel and the charts' shading need.
// Time comes from the events and snapshots, never from a clock, so tests are exact.
class RestartTracker : public QObject
{
    Q_OBJECT
public:
    explicit RestartTracker(QObject *parent = nullptr);

    void applyEvents(const std::vector<ServiceEvent> &events);
    // Advances elapsed times and the failed-counter baseline; call once per frame.
    void applySnapshot(const ServiceSnapshot &snapshot);
    // The service instance the console reads is a new one (the old one stopped): a restart
    // still running on the old one ends "interrupted", since its end will never be told.
    void instanceReplaced(qint64 timeMs);
    // The built-in workload's failed count so far (to count client-side failures).
    void setClientFailedTotal(quint64 failed) { m_clientFailedTotal = failed; }
    // The mode the console asked for, shown in the summary.
    void setRequestedMode(const QString &mode) { m_requestedMode = mode; }

    const RestartProgress &progress() const { return m_progress; }
    const std::vector<PhaseInterval> &intervals() const { return m_intervals; }

    static int stepOf(int servicePhaseIndex);

Q_SIGNALS:
    void progressChanged();
    void restartFinished(const QString &outcome);

private:
    void begin(quint64 restartId, qint64 timeMs);
    void finish(const QString &outcome, qint64 timeMs, qint64 durationMs);
    void endStep(int step, qint64 timeMs, qint64 durationMs, bool ok);
    void countFailures();

    RestartProgress m_progress;
    std::vector<PhaseInterval> m_intervals;
    qint64 m_stepStartMs = 0;
    qint64 m_nowMs = 0;
    quint64 m_serviceFailedTotal = 0;
    quint64 m_serviceFailedAtStart = 0;
    quint64 m_clientFailedTotal = 0;
    quint64 m_clientFailedAtStart = 0;
    QString m_requestedMode;
};

} // namespace shardscope
