#pragma once

#include "model/workload/WorkloadScenario.h"

#include <QString>
#include <QtGlobal>

#include <array>

namespace shardscope {

// The built-in load generator's settings: how fast, how many concurrent clients, and the
// mix of procedures, and the scenario that makes some shards differ. The sleep queries
// are what make a drain take visible time; short enough not to read as a stall.
struct WorkloadConfig {
    enum Procedure { Echo, Degree, Neighbors, Khop, Spin, Sleep, ProcedureCount };

    int ratePerSecond = 150;
    int clients = 32; // requests in flight at most
    std::array<int, ProcedureCount> weights{33, 25, 10, 10, 15, 7};
    int spinMs = 5;
    int sleepMs = 800; // long enough that a drain is visible on the grid, under the stall threshold
    WorkloadScenario scenario = WorkloadScenario::HotAndSlow;
    int shardCount = 0; // the service's, kept up to date by the console: where pinned shards wrap
    int vertexCount = 100000; // the service's default graph

    static QString procedureName(int procedure);
    friend bool operator==(const WorkloadConfig &, const WorkloadConfig &) = default;
};

// Counters of the built-in workload, read once per frame.
struct WorkloadStats {
    bool running = false;
    quint64 sent = 0;
    quint64 ok = 0;
    quint64 inFlight = 0;
    // Failures by HTTP code: 400, 404, 500, 503 and anything else.
    quint64 failed400 = 0;
    quint64 failed404 = 0;
    quint64 failed500 = 0;
    quint64 failed503 = 0;
    quint64 failedOther = 0;

    quint64 failed() const { return failed400 + failed404 + failed500 + failed503 + failedOther; }
};

} // namespace shardscope
