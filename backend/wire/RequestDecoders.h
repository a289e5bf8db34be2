#pragma once

#include "backend/types/Query.h"
#include "backend/types/RestartOptions.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <cstdint>
#include <optional>

namespace shardscope {

// Client bytes to typed requests, apart from HTTP so that they are tested (and fuzzed)
// without a server. Each returns false and sets *error to the message of the 400 the
// client gets; on false *out is unspecified. Pure functions: callable from any thread.

// A /v1/query body: {"procedure": "echo", "args": {...}, "shard": 2, "deadline_ms": 500};
// shard and deadline_ms are optional (deadline_ms in [kMinQueryDeadlineMs, kMaxQueryDeadlineMs]).
bool parseQueryRequest(const QByteArray &body, int shardCount, QueryRequest *out, QString *error);

// A /v1/service/restart body: empty means `defaults`; otherwise a JSON object whose
// fields override them (RestartOptions::applyJson).
bool parseRestartBody(const QByteArray &body, const RestartOptions &defaults, RestartOptions *out, QString *error);

// A POST /v1/faults body: a JSON object, checked further by the fault injector.
bool parseFaultBody(const QByteArray &body, QJsonObject *out, QString *error);

// GET /v1/service/events?since=N&limit=M.
struct EventsQuery {
    std::uint64_t since = 0;   // events after this sequence number
    std::uint64_t limit = 1000; // in [1, 10000]
};
bool parseEventsQuery(const QUrlQuery &query, EventsQuery *out, QString *error);

// GET /v1/stream?since=N&snapshots=0&view=full|summary.
enum class StreamView : std::uint8_t { Full, Summary };
struct StreamQuery {
    std::optional<std::uint64_t> since; // none: from the newest event on
    bool withSnapshots = true;          // anything but snapshots=0
    StreamView view = StreamView::Full; // summary: node summaries only, no events
};
bool parseStreamQuery(const QUrlQuery &query, StreamQuery *out, QString *error);

} // namespace shardscope
