#pragma once

#include "backend/actors/Graph.h"
#include "backend/types/Query.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>

namespace shardscope {

// Per-shard buffers a procedure may reuse between queries; owned by the shard's thread.
struct ProcedureScratch {
    KhopScratch khop;
    // The running query's deadline (none when default): long procedures stop there.
    std::chrono::steady_clock::time_point deadline{};
};

// What running a procedure produced; the shard turns it into a QueryReply.
struct ProcedureOutcome {
    using Clock = std::chrono::steady_clock;
    // Runs the next slice of a long procedure, returning by `sliceEnd` (give or take one
    // step): Continue to be called again, or the final outcome.
    using Resume = std::function<ProcedureOutcome(Clock::time_point sliceEnd)>;

    enum class Kind { Done, Error, Defer, Continue };
    Kind kind = Kind::Done;
    QJsonValue value;                     // Done: the result. Defer: the result to send after deferMs
    QueryStatus status = QueryStatus::Ok; // Error: BadRequest (bad args) or NotFound (unknown procedure)
    QString error;                        // Error: a message fit to show a client
    int deferMs = 0;                      // Defer: answer after this long, without occupying the thread
    // Continue: long work cut in slices, so that the shard's worker serves other shards in
    // between (Seastar's task quota). Empty: call the previous resume again.
    Resume resume;

    static ProcedureOutcome done(QJsonValue value);
    static ProcedureOutcome failure(QueryStatus status, QString message);
    static ProcedureOutcome defer(int ms, QJsonValue value);
    static ProcedureOutcome continueWith(Resume resume);
    static ProcedureOutcome again(); // Continue with the same resume
};

// Runs one procedure on the calling thread. A pure function of its inputs (spin aside,
// which burns CPU for the time asked): no threads, no event loop, no shared mutable state,
// so every shard may call it concurrently with its own scratch.
//   echo {...}           -> args as given
//   spin {ms 0..10000}   -> Continue: a busy loop run in slices; {"spun_ms": ms}
//   sleep {ms 0..60000}  -> Defer(ms); {"slept_ms": ms}
//   degree {v}           -> {"vertex": v, "degree": d}
//   neighbors {v}        -> {"vertex": v, "neighbors": [...]} (at most 1000, then "truncated": true)
//   khop {v, k 1..4 = 2} -> {"vertex": v, "k": k, "count": n}
// Integer arguments must be JSON numbers with an exact integer value in range; anything
// else is BadRequest naming the argument and its range. An unknown name is NotFound;
// an empty name is BadRequest.
ProcedureOutcome runProcedure(const QString &name, const QJsonObject &args, const Graph &graph,
                              ProcedureScratch &scratch);

// Known procedure names, in a fixed order (for error messages and the console's workload panel).
QStringList procedureNames();

// Limits the procedures enforce, for callers that build workloads or document the API.
inline constexpr int kSpinMaxMs = 10000;
inline constexpr int kSleepMaxMs = 60000;
inline constexpr int kKhopMaxK = 4;
inline constexpr int kKhopDefaultK = 2;
inline constexpr int kNeighborsMaxListed = 1000;

} // namespace shardscope
