// libFuzzer target: everything that turns client bytes into a decision.
//   The request decoders of backend/wire (a /v1/query, restart or faults body, the
//   events and stream query strings), RestartOptions::applyJson (a restart body),
//   FaultInjector::apply (a /v1/faults body) and runProcedure's argument handling on a
//   tiny generated graph. The input is the body itself (seed corpus: readable JSON);
//   the shard count is 1 + size % 8 so that the fuzzer varies it too.
// Invariants: never crash (ASan/UBSan watch); every "false" comes with a non-empty error;
// every "true" leaves values in their documented ranges; a failed applyJson changes nothing.
#include "backend/actors/FaultInjector.h"
#include "backend/actors/Graph.h"
#include "backend/actors/Procedures.h"
#include "backend/types/RestartOptions.h"
#include "backend/wire/RequestDecoders.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace shardscope;

namespace {

[[noreturn]] void fail(const char *what, const QByteArray &body)
{
    std::fprintf(stderr, "fuzz_request_parsing invariant violated: %s\ninput: %s\n", what, body.left(500).constData());
    std::abort();
}

#define CHECK(cond, body) \
    do { \
        if (!(cond)) \
            fail(#cond, body); \
    } while (0)

void checkQueryRequest(const QByteArray &body, int shards)
{
    QueryRequest request;
    QString error;
    if (parseQueryRequest(body, shards, &request, &error)) {
        CHECK(!request.procedure.isEmpty(), body);
        CHECK(request.pinnedShard >= -1 && request.pinnedShard < shards, body);
    } else {
        CHECK(!error.isEmpty(), body);
    }
}

// The other decoders, on the same bytes as a body and as a query string.
void checkDecoders(const QByteArray &body)
{
    QString error;
    RestartOptions options;
    if (!parseRestartBody(body, RestartOptions{}, &options, &error))
        CHECK(!error.isEmpty(), body);
    error.clear();
    QJsonObject fault;
    if (!parseFaultBody(body, &fault, &error))
        CHECK(!error.isEmpty(), body);
    const QUrlQuery query(QString::fromUtf8(body));
    error.clear();
    EventsQuery events;
    if (parseEventsQuery(query, &events, &error))
        CHECK(events.limit >= 1 && events.limit <= 10000, body);
    else
        CHECK(!error.isEmpty(), body);
    error.clear();
    StreamQuery stream;
    if (!parseStreamQuery(query, &stream, &error))
        CHECK(!error.isEmpty(), body);
}

void checkRestartOptions(const QJsonObject &json, const QByteArray &body)
{
    RestartOptions options;
    const QJsonObject before = options.toJson();
    QString error;
    if (options.applyJson(json, &error)) {
        CHECK(options.prepareTimeoutMs >= 0 && options.prepareTimeoutMs <= 60000, body);
        CHECK(options.drainTimeoutMs >= 0 && options.drainTimeoutMs <= 600000, body);
        CHECK(options.restartTimeoutPerShardMs >= 0 && options.restartTimeoutPerShardMs <= 60000, body);
        CHECK(options.verifyTimeoutMs >= 0 && options.verifyTimeoutMs <= 60000, body);
        CHECK(options.holdDeadlineMs >= 0 && options.holdDeadlineMs <= 600000, body);
        CHECK(options.holdCapacity <= 1000000, body);
        // What toJson() writes, applyJson() reads back unchanged.
        RestartOptions again;
        QString againError;
        CHECK(again.applyJson(options.toJson(), &againError), body);
        CHECK(again.toJson() == options.toJson(), body);
    } else {
        CHECK(!error.isEmpty(), body);
        CHECK(options.toJson() == before, body); // a rejected body changes nothing
    }
}

void checkFault(const QJsonObject &json, int shards, const QByteArray &body)
{
    FaultInjector faults(shards);
    QString description, error;
    if (faults.apply(json, shards, &description, &error)) {
        CHECK(!description.isEmpty(), body);
    } else {
        CHECK(!error.isEmpty(), body);
    }
    (void)faults.describe();
    for (int i = 0; i < shards; ++i) {
        (void)faults.takeCrash(i);
        (void)faults.takeStuck(i);
        CHECK(faults.slowMs(i) >= 0 && faults.slowMs(i) <= 10000, body);
        (void)faults.takeFailNextCreate(i);
    }
    (void)faults.takeBadGraph();
}

void checkProcedure(const QString &name, QJsonObject args, const QByteArray &body)
{
    static const auto graph = Graph::generate(50, 7);
    static ProcedureScratch scratch;
    // Never let the fuzzer burn CPU: a valid spin is cut to 0 ms (invalid ones still go
    // through unchanged, so the range checks are fuzzed). sleep only returns Defer.
    const QJsonValue ms = args.value(QStringLiteral("ms"));
    if (name == QLatin1String("spin") && ms.isDouble() && ms.toDouble() > 0 && ms.toDouble() <= kSpinMaxMs)
        args.insert(QStringLiteral("ms"), 0);
    const ProcedureOutcome outcome = runProcedure(name, args, *graph, scratch);
    switch (outcome.kind) {
    case ProcedureOutcome::Kind::Done:
        CHECK(!outcome.value.isUndefined(), body);
        break;
    case ProcedureOutcome::Kind::Error:
        CHECK(!outcome.error.isEmpty(), body);
        CHECK(outcome.status == QueryStatus::BadRequest || outcome.status == QueryStatus::NotFound, body);
        break;
    case ProcedureOutcome::Kind::Defer:
        CHECK(outcome.deferMs >= 0 && outcome.deferMs <= kSleepMaxMs, body);
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const int shards = 1 + int(size % 8);
    checkQueryRequest(body, shards);
    checkDecoders(body);

    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return 0;
    const QJsonObject o = doc.object();
    checkRestartOptions(o, body);
    checkFault(o, shards, body);
    // The procedure as the router would see it, but also malformed ones (empty, non-string).
    checkProcedure(o.value(QStringLiteral("procedure")).toString(), o.value(QStringLiteral("args")).toObject(), body);
    if (o.value(QStringLiteral("args")).isObject())
        checkRestartOptions(o.value(QStringLiteral("args")).toObject(), body);
    return 0;
}
