#pragma once
// bench_console's output: the tables and the one-line JSON record.

#include "ConsoleBench.h"

#include <QJsonArray>

namespace shardscope::bench {

// Targets of issue 5 part 4, checked at the largest shard count run.
struct ConsoleTargets {
    double guiCpuPct = 15;          // GUI thread, % of one core
    double stateToPixelP99Ms = 100; // and no transition missed
    double rssMb = 200;             // peak resident (VmHWM)
};

void printReport(const ConsoleBenchOptions &options, const QJsonArray &rows);

} // namespace shardscope::bench
