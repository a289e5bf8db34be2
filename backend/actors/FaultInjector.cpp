#include "backend/actors/FaultInjector.h"

#include "backend/types/Query.h"

#include <QJsonArray>
#include <QJsonValue>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace shardscope {
namespace {

constexpr int kStuckMs = 3600 * 1000; // "forever" for an operator: until a forced drain or shutdown

// The actor a shard really runs when faults are enabled: consults the injector first.
class FaultyActor : public QueryActor
{
public:
    FaultyActor(std::unique_ptr<QueryActor> inner, FaultInjector &faults)
        : QueryActor(inner->spec())
        , m_inner(std::move(inner))
        , m_faults(faults)
    {
    }

    ProcedureOutcome handle(const QueryRequest &request) override
    {
        const FaultInjector::Verdict drill = request.restartProbe ? FaultInjector::Verdict{}
                                                                  : m_faults.badVersionVerdict(spec().version);
        if (drill.fail)
            return ProcedureOutcome::failure(QueryStatus::Internal,
                                             QStringLiteral("drill: version %1 fails this query").arg(spec().version));
        ProcedureOutcome outcome = handleFaults(request);
        return drill.delayMs ? delayed(std::move(outcome), drill.delayMs) : outcome;
    }

private:
    ProcedureOutcome handleFaults(const QueryRequest &request)
    {
        const ShardId shard = spec().shard;
        if (m_faults.takeCrash(shard))
            throw std::runtime_error("injected crash inside the query handler");
        const int ms = m_faults.slowMs(shard);
        if (ms <= 0)
            return afterDelay(request);
        // Busy, in slices like spin: the shard is slow, its worker still serves the others.
        // The shard drops this continuation before it drops the actor.
        using Clock = std::chrono::steady_clock;
        const auto until = Clock::now() + std::chrono::milliseconds(ms);
        return ProcedureOutcome::continueWith([this, request, until](Clock::time_point sliceEnd) {
            const auto end = std::min(until, sliceEnd);
            while (Clock::now() < end) {
            }
            return Clock::now() < until ? ProcedureOutcome::again() : afterDelay(request);
        });
    }

    // The bad-version drill's delay: the answer is deferred (the shard's worker serves
    // others meanwhile, and the query stays in flight, so drains wait for it as they would
    // for a slow version). Client errors are answered at once.
    static ProcedureOutcome delayed(ProcedureOutcome outcome, int ms)
    {
        switch (outcome.kind) {
        case ProcedureOutcome::Kind::Done:
            return ProcedureOutcome::defer(ms, std::move(outcome.value));
        case ProcedureOutcome::Kind::Defer:
            outcome.deferMs += ms;
            return outcome;
        case ProcedureOutcome::Kind::Continue:
            return ProcedureOutcome::continueWith(
                [resume = std::move(outcome.resume), ms](ProcedureOutcome::Clock::time_point sliceEnd) {
                    ProcedureOutcome next = resume(sliceEnd);
                    if (next.kind == ProcedureOutcome::Kind::Continue && !next.resume)
                        return next; // again: the shard calls this wrapper, which calls `resume`
                    return delayed(std::move(next), ms);
                });
        case ProcedureOutcome::Kind::Error:
            break;
        }
        return outcome;
    }

    ProcedureOutcome afterDelay(const QueryRequest &request)
    {
        if (m_faults.takeStuck(spec().shard))
            return ProcedureOutcome::defer(kStuckMs, QJsonObject{{QStringLiteral("stuck"), true}});
        return m_inner->handle(request);
    }

    std::unique_ptr<QueryActor> m_inner;
    FaultInjector &m_faults;
};

// The "ms" of a drill: an integer in [0, 10000], or -1 and *error.
int millisecondsIn(const QJsonObject &request, QString *error)
{
    const QJsonValue ms = request.value(QStringLiteral("ms"));
    const double d = ms.toDouble(-1);
    if (!ms.isDouble() || d < 0 || d > 10000 || std::floor(d) != d) {
        *error = QStringLiteral("\"ms\" must be an integer in [0, 10000]");
        return -1;
    }
    return int(d);
}

// An integer field in [low, high]; `fallback` when absent. False and *error otherwise.
bool integerIn(const QJsonObject &request, const QString &key, double low, double high, double fallback, double *out,
               QString *error)
{
    const QJsonValue value = request.value(key);
    const double d = value.isUndefined() ? fallback : value.toDouble(-1);
    if ((!value.isUndefined() && !value.isDouble()) || d < low || d > high || std::floor(d) != d) {
        *error = QStringLiteral("\"%1\" must be an integer in [%2, %3]").arg(key).arg(low).arg(high, 0, 'f', 0);
        return false;
    }
    *out = d;
    return true;
}

} // namespace

FaultInjector::FaultInjector(int shards)
    : m_shards(std::make_unique<PerShard[]>(std::size_t(shards)))
    , m_count(shards)
{
}

bool FaultInjector::apply(const QJsonObject &request, int shardCount, QString *description, QString *error)
{
    static const QStringList kinds = {QStringLiteral("crash"), QStringLiteral("slow"), QStringLiteral("stuck"),
                                      QStringLiteral("fail_next_create"), QStringLiteral("bad_graph"),
                                      QStringLiteral("slow_graph"), QStringLiteral("slow_create"),
                                      QStringLiteral("bad_version"), QStringLiteral("clear")};
    const QString kindText = request.value(QStringLiteral("fault")).toString();
    const int kind = int(kinds.indexOf(kindText));
    if (kind < 0) {
        *error = QStringLiteral("\"fault\" must be one of: %1").arg(kinds.join(QStringLiteral(", ")));
        return false;
    }
    const auto fault = FaultKind(kind);
    const bool needsShard = fault == FaultKind::Crash || fault == FaultKind::Slow || fault == FaultKind::Stuck
        || fault == FaultKind::FailNextCreate;
    const QJsonValue shardValue = request.value(QStringLiteral("shard"));
    const double shardNumber = shardValue.toDouble(-1);
    if (needsShard && (!shardValue.isDouble() || shardNumber < 0 || shardNumber >= shardCount || std::floor(shardNumber) != shardNumber)) {
        *error = QStringLiteral("\"shard\" must be an integer in [0, %1]").arg(shardCount - 1);
        return false;
    }
    const int shard = needsShard ? int(shardNumber) : -1; // checked above only when it matters
    switch (fault) {
    case FaultKind::Crash:
        m_shards[shard].crash = true;
        *description = QStringLiteral("the next query on shard %1 crashes its actor").arg(shard);
        break;
    case FaultKind::Stuck:
        m_shards[shard].stuck = true;
        *description = QStringLiteral("the next query on shard %1 never finishes by itself").arg(shard);
        break;
    case FaultKind::Slow: {
        const int ms = millisecondsIn(request, error);
        if (ms < 0)
            return false;
        m_shards[shard].slowMs = ms;
        *description = QStringLiteral("shard %1 adds %2 ms to every query").arg(shard).arg(ms);
        break;
    }
    case FaultKind::FailNextCreate:
        m_shards[shard].failNextCreate = true;
        *description = QStringLiteral("the next actor creation on shard %1 fails").arg(shard);
        break;
    case FaultKind::BadGraph:
        m_badGraph = true;
        *description = QStringLiteral("the next restart loads a bad graph file");
        break;
    case FaultKind::SlowGraph:
    case FaultKind::SlowCreate: {
        const int ms = millisecondsIn(request, error);
        if (ms < 0)
            return false;
        const bool graph = fault == FaultKind::SlowGraph;
        (graph ? m_slowGraphMs : m_slowCreateMs) = ms;
        *description = graph ? QStringLiteral("the next graph load takes %1 ms longer").arg(ms)
                             : QStringLiteral("the next actor creation takes %1 ms longer").arg(ms);
        break;
    }
    case FaultKind::BadVersion:
        return armBadVersion(request, description, error);
    case FaultKind::Clear:
        for (int i = 0; i < m_count; ++i) {
            m_shards[i].crash = false;
            m_shards[i].stuck = false;
            m_shards[i].slowMs = 0;
            m_shards[i].failNextCreate = false;
        }
        m_badGraph = false;
        m_slowGraphMs = 0;
        m_slowCreateMs = 0;
        {
            std::lock_guard lock(m_badVersionMutex);
            m_badVersion = BadVersion{};
            m_badVersionArmed = 0;
        }
        *description = QStringLiteral("every pending fault cleared");
        break;
    }
    return true;
}

bool FaultInjector::armBadVersion(const QJsonObject &request, QString *description, QString *error)
{
    double version = 0, ms = 0, percent = 0;
    if (!integerIn(request, QStringLiteral("version"), 1, 9007199254740991.0, 0, &version, error)
        || !integerIn(request, QStringLiteral("ms"), 0, 10000, 0, &ms, error)
        || !integerIn(request, QStringLiteral("fail_percent"), 0, 100, 0, &percent, error))
        return false;
    if (ms == 0 && percent == 0) {
        *error = QStringLiteral("bad_version needs \"ms\" or \"fail_percent\" above 0: it would change nothing");
        return false;
    }
    std::lock_guard lock(m_badVersionMutex);
    m_badVersion = BadVersion{Version(version), int(ms), int(percent)};
    m_badVersionArmed = Version(version);
    *description = QStringLiteral("while this node serves version %1, every query waits %2 ms more and %3% fail (drill)")
                       .arg(Version(version)).arg(int(ms)).arg(int(percent));
    return true;
}

FaultInjector::Verdict FaultInjector::badVersionVerdict(Version version)
{
    if (m_badVersionArmed.load(std::memory_order_relaxed) != version)
        return {};
    std::lock_guard lock(m_badVersionMutex);
    if (m_badVersion.version != version)
        return {};
    const bool fail = int(m_badVersion.seen++ % 100) < m_badVersion.failPercent;
    m_badVersion.failed += fail;
    return {m_badVersion.delayMs, fail};
}

QJsonObject FaultInjector::describe() const
{
    QJsonArray shards;
    for (int i = 0; i < m_count; ++i) {
        const PerShard &s = m_shards[i];
        if (!s.crash && !s.stuck && !s.slowMs && !s.failNextCreate)
            continue;
        shards.append(QJsonObject{{QStringLiteral("shard"), i}, {QStringLiteral("crash_next"), s.crash.load()},
                                  {QStringLiteral("stuck_next"), s.stuck.load()}, {QStringLiteral("slow_ms"), s.slowMs.load()},
                                  {QStringLiteral("fail_next_create"), s.failNextCreate.load()}});
    }
    QJsonValue badVersion = QJsonValue::Null;
    {
        std::lock_guard lock(m_badVersionMutex);
        const BadVersion &b = m_badVersion;
        if (b.version)
            badVersion = QJsonObject{{QStringLiteral("version"), double(b.version)}, {QStringLiteral("ms"), b.delayMs},
                                     {QStringLiteral("fail_percent"), b.failPercent},
                                     {QStringLiteral("queries_seen"), double(b.seen)}, {QStringLiteral("failed"), double(b.failed)}};
    }
    return QJsonObject{{QStringLiteral("bad_graph_next"), m_badGraph.load()}, {QStringLiteral("slow_graph_ms"), m_slowGraphMs.load()},
                       {QStringLiteral("slow_create_ms"), m_slowCreateMs.load()}, {QStringLiteral("bad_version"), badVersion},
                       {QStringLiteral("shards"), shards}};
}

bool FaultInjector::takeCrash(ShardId shard) { return m_shards[shard].crash.exchange(false); }
bool FaultInjector::takeStuck(ShardId shard) { return m_shards[shard].stuck.exchange(false); }
int FaultInjector::slowMs(ShardId shard) const { return m_shards[shard].slowMs.load(std::memory_order_relaxed); }
bool FaultInjector::takeFailNextCreate(ShardId shard) { return m_shards[shard].failNextCreate.exchange(false); }
bool FaultInjector::takeBadGraph() { return m_badGraph.exchange(false); }
int FaultInjector::takeSlowGraphMs() { return m_slowGraphMs.exchange(0); }
int FaultInjector::takeSlowCreateMs() { return m_slowCreateMs.exchange(0); }

ActorFactory FaultInjector::wrap(ActorFactory inner)
{
    return [this, inner = std::move(inner)](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (takeFailNextCreate(spec.shard)) {
            *error = QStringLiteral("injected failure creating shard %1's actor").arg(spec.shard);
            return nullptr;
        }
        if (const int ms = takeSlowCreateMs())
            std::this_thread::sleep_for(std::chrono::milliseconds(ms)); // a slow start, not busy work
        auto actor = inner(spec, error);
        if (!actor)
            return nullptr;
        return std::make_unique<FaultyActor>(std::move(actor), *this);
    };
}

GraphLoader FaultInjector::wrap(GraphLoader inner)
{
    return [this, inner = std::move(inner)](Version v, QString *error) -> std::shared_ptr<const Graph> {
        if (takeBadGraph()) {
            *error = QStringLiteral("injected bad graph file for v%1").arg(v);
            return nullptr;
        }
        if (const int ms = takeSlowGraphMs())
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return inner(v, error);
    };
}

} // namespace shardscope
