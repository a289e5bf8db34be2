#pragma once

#include <QString>
#include <QtGlobal>

#include <array>

namespace shardscope {

// Steps of a restart as the phase stepper shows them (DESIGN.md, "Restart"); rollback
// only appears when a restart step failed.
enum class RestartStep : int { Prepare, Drain, Restart, Verify, Resume, Rollback };
inline constexpr int kRestartStepCount = 6;
inline constexpr int kMainRestartSteps = 5; // without rollback
QString restartStepName(int step);

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
    QString outcome;                 // "ok", "aborted", "rolled_back", ... once finished
    quint64 serviceFailedDuring = 0; // failed counters of all shards, start to end
    quint64 clientFailedDuring = 0;  // failed replies the built-in workload saw

    QString summaryText() const;
};

// A phase's span on the time axis, for shading charts; endMs == -1 while it runs.
struct PhaseInterval {
    int step = 0;
    qint64 startMs = 0;
    qint64 endMs = -1;
};

} // namespace shardscope
