#pragma once

#include "backend/types/ShardTypes.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace shardscope {

// What a client asks a shard to run.
struct QueryRequest {
    QString procedure;
    QJsonObject args;
    ShardId pinnedShard = -1; // -1: the router picks (round-robin)
    // Raised by the HTTP edge when the connection that sent the query closes: work not
    // yet started is discarded (the ledger counts it refused, not lost). Null in-process.
    std::shared_ptr<const std::atomic<bool>> clientGone = {};
    // How long the client lets the service work on it, from admission: 0 asks for the
    // service's default. The front door turns it into `deadline`.
    int deadlineMs = 0;
    std::chrono::steady_clock::time_point deadline{}; // none when default-constructed
    // A restart's verify probe, not a client's query: the bad-version drill leaves it alone,
    // so a drilled version restarts fine and only then serves worse.
    bool restartProbe = false;

    bool clientHasGone() const { return clientGone && clientGone->load(std::memory_order_acquire); }
};

// The bounds of a per-request deadline_ms (POST /v1/query) and the service default.
inline constexpr int kMinQueryDeadlineMs = 1;
inline constexpr int kMaxQueryDeadlineMs = 300000;
inline constexpr int kDefaultQueryDeadlineMs = 30000;

enum class QueryStatus : std::uint8_t {
    Ok,
    BadRequest,  // 400: wrong argument types or values
    NotFound,    // 404: unknown procedure
    Unavailable, // 503: cancelled actor, closed gate, stopped service, forced drain
    Internal,    // 500: a handler threw
    DeadlineExceeded, // 504: the query's deadline passed before it could be answered
};

struct QueryReply {
    QueryStatus status = QueryStatus::Ok;
    QJsonValue result;
    ShardId shard = -1;       // the shard that served (or refused) it
    Version version = 0;      // the version of the actor that served it
    QString error;            // human-readable, set when status != Ok
    int retryAfterSeconds = 0; // > 0: the client may retry after this many seconds
    std::uint64_t requestId = 0;
    std::int8_t procedureSlot = -1; // kLatencyProcedures slot of what ran, for the shard's latency

    bool ok() const { return status == QueryStatus::Ok; }
    static QueryReply failure(QueryStatus status, QString message, ShardId shard = -1)
    {
        QueryReply r;
        r.status = status;
        r.error = std::move(message);
        r.shard = shard;
        return r;
    }
};

// Called exactly once per request, on whichever thread finished it.
using ReplyFn = std::function<void(QueryReply)>;

} // namespace shardscope
