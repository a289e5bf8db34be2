#pragma once

#include "backend/cluster/GateFigures.h"
#include "backend/cluster/GateOptions.h"

#include <QString>

#include <optional>
#include <vector>

namespace shardscope {

enum class GateVerdict { Passed, Failed, Inconclusive };
QString toString(GateVerdict v); // "passed", "failed", "inconclusive"
std::optional<GateVerdict> gateVerdictFrom(const QString &text);

// One window's judgement: the check that decided it ("requests", "success_rate", "p99_max",
// "p99_ratio", or "procedure NAME: ..." for a procedure's) and the figures in words.
struct WindowJudgement {
    GateVerdict verdict = GateVerdict::Inconclusive;
    QString check;
    QString reason;
};

// Pure. `after`: the restarted node's window once it settled; `before`: its own figures
// for the same length before it turned unready; `baseline`: the nodes not yet restarted
// over the same window, summed (none when every node is restarted). Fewer than
// min_requests is inconclusive, never a pass. p99 is compared with the baseline when it
// has min_requests, else with `before` when that has them, else not at all (said so).
WindowJudgement judgeWindow(const QString &node, const GateFigures &after, const std::optional<GateFigures> &before,
                            const std::optional<GateFigures> &baseline, const GateOptions &options);

// A gate of `checks` windows: failed once more than failed_checks_allowed windows failed;
// with "inconclusive": "stop", inconclusive as soon as failed and inconclusive windows
// together are more than allowed; with "proceed", inconclusive windows fail nothing, but a
// gate with no passed window, or too many inconclusive ones, ends inconclusive, not passed.
struct GateJudgement {
    bool decided = false;
    GateVerdict verdict = GateVerdict::Inconclusive;
    QString reason;
};
GateJudgement judgeGate(const std::vector<WindowJudgement> &windows, const GateOptions &options);

} // namespace shardscope
