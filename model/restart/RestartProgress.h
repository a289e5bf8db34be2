#pragma once

#include <QString>
#include <QtGlobal>

#include <array>
#include <vector>

namespace shardscope {

// Steps of a restart as the phase stepper shows them (DESIGN.md, "Restart"); rollback
// only appears when a restart step failed.
enum class RestartStep : int { Prepare, Drain, Restart, Verify, Resume, Rollback };
inline constexpr int kRestartStepCount = 6;
inline constexpr int kMainRestartSteps = 5; // without rollback
QString restartStepName(int step);
// A restart outcome in words: "rolled back" for the service's "rolled_back".
QString restartOutcomeWords(const QString &outcome);

enum class StepStatus : int { Pending, Running, Done, Failed };

// Where the current (or last) restart is: plain values for the restart panel.
struct RestartProgress {
    bool seen = false;   // a restart has been observed since the console started
    bool active = false; // one is running now
    quint64 restartId = 0;
    QString mode;        // "phased" or "legacy" when the console asked for it
    int currentStep = -1;
    qint64 startMs = 0;
    qint64 elapsedMs = 0;            // whole restart, up to now or to its end
    qint64 currentStepElapsedMs = 0;
    std::array<StepStatus, kRestartStepCount> status{};
    std::array<qint64, kRestartStepCount> durationMs{-1, -1, -1, -1, -1, -1};
    QString outcome;                 // the service's word once finished: "completed", "failed", ...
    QString outcomeMessage;          // the service's reason, e.g. "7 of 8 shards canceled after ..."
    std::vector<int> startedSteps;   // steps in the order they ran (rollback before resume)
    // Failed requests because of the restart: from its start until the service is whole
    // again (every shard serving one version), which after a failed restart is later
    // than its end.
    quint64 serviceFailedDuring = 0; // failed counters of all shards
    quint64 clientFailedDuring = 0;  // failed replies the built-in workload saw
    bool countingFailures = false;   // ended, but the service is not whole yet

    bool succeeded() const { return outcome == QStringLiteral("completed") || outcome == QStringLiteral("ok"); }
    // "completed", or the outcome in words with its reason: "rolled back: creating the
    // actor on shard 40 failed (...)". Never the raw identifier.
    QString outcomeHeadline() const;
    // Why it did not complete (the service's reason), or empty.
    QString outcomeReason() const;
    // The steps to draw: those that ran, in the order they ran; while running, then those
    // still to come (verify is skipped once a rollback started).
    std::vector<int> displayOrder() const;
    QString summaryText() const;
};

// A phase's span on the time axis, for shading charts; endMs == -1 while it runs.
struct PhaseInterval {
    int step = 0;
    qint64 startMs = 0;
    qint64 endMs = -1;
};

} // namespace shardscope
