#pragma once

// Shared by the in-process service tests: a reply ledger that checks every ReplyFn is
// called exactly once, small graphs and fast options, event look-ups, and actor seams.
#include "backend/actors/Graph.h"
#include "backend/ShardService.h"
#include "tests/support/TestPrinters.h"

#include <QTest>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>


using namespace shardscope;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(shardscope::DrainTimeoutPolicy)
Q_DECLARE_METATYPE(shardscope::AdmissionPolicy)

namespace QTest {
template <>
inline char *toString(const shardscope::QueryStatus &s)
{
    static const char *names[] = {"Ok", "BadRequest", "NotFound", "Unavailable", "Internal", "DeadlineExceeded"};
    return qstrdup(names[int(s)]);
}
} // namespace QTest

namespace shardscope::servicetest {

// QCOMPARE cannot print these enums: ADL finds shardscope::toString(), which returns a
// string_view. Compare their names instead, which also reads better on failure.
template <typename E>
inline QByteArray named(E e)
{
    const std::string_view sv = shardscope::toString(e);
    return QByteArray(sv.data(), qsizetype(sv.size()));
}
#define COMPARE_NAMED(actual, expected) QCOMPARE(named(actual), named(expected))

using Clock = std::chrono::steady_clock;

inline QString canceledMessage()
{
    return QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size()));
}

// One small graph for every version: starting a service takes milliseconds.
inline std::shared_ptr<const Graph> smallGraph()
{
    static const std::shared_ptr<const Graph> graph = Graph::generate(1000);
    return graph;
}

inline GraphLoader smallGraphs()
{
    return [](Version, QString *) { return smallGraph(); };
}

// Counts every ReplyFn it hands out and every call of each; keeps the replies.
class ReplyLedger
{
public:
    struct Entry {
        int calls = 0;
        QueryReply reply;
        Clock::time_point sentAt;
        Clock::time_point repliedAt;
    };

    // Returns the index of the request and the ReplyFn to pass with it.
    std::pair<int, ReplyFn> make()
    {
        std::lock_guard lock(m_mutex);
        const int index = int(m_entries.size());
        m_entries.push_back(Entry{0, {}, Clock::now(), {}});
        ++m_sent;
        return {index, [this, index](QueryReply r) {
                    // All under the lock, so a test that saw the last reply may destroy the ledger.
                    std::lock_guard lock(m_mutex);
                    Entry &e = m_entries[std::size_t(index)];
                    if (++e.calls == 1) {
                        e.reply = std::move(r);
                        e.repliedAt = Clock::now();
                    }
                    ++m_replied;
                    m_changed.notify_all();
                }};
    }

    int sent() const { return m_sent.load(); }
    int replied() const { return m_replied.load(); }

    bool answered(int index) const
    {
        std::lock_guard lock(m_mutex);
        return m_entries[std::size_t(index)].calls > 0;
    }
    Entry entry(int index) const
    {
        std::lock_guard lock(m_mutex);
        return m_entries[std::size_t(index)];
    }
    // Number of requests whose ReplyFn was called a number of times other than once.
    int notExactlyOnce() const
    {
        std::lock_guard lock(m_mutex);
        int bad = 0;
        for (const Entry &e : m_entries)
            bad += e.calls != 1;
        return bad;
    }
    bool waitAllAnswered(std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [this] { return m_replied.load() >= m_sent.load(); });
    }
    std::vector<Entry> entries() const
    {
        std::lock_guard lock(m_mutex);
        return m_entries;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Entry> m_entries;
    std::atomic<int> m_sent{0};
    std::atomic<int> m_replied{0};
};

inline QueryRequest query(const QString &procedure, QJsonObject args = {}, ShardId pinned = -1)
{
    QueryRequest r;
    r.procedure = procedure;
    r.args = std::move(args);
    r.pinnedShard = pinned;
    return r;
}

inline QueryRequest sleepOn(ShardId shard, int ms) { return query(QStringLiteral("sleep"), {{QStringLiteral("ms"), ms}}, shard); }
inline QueryRequest spinOn(ShardId shard, int ms) { return query(QStringLiteral("spin"), {{QStringLiteral("ms"), ms}}, shard); }
inline QueryRequest echoOn(ShardId shard) { return query(QStringLiteral("echo"), {{QStringLiteral("hello"), 1}}, shard); }

// Fast defaults: a test that hits a timeout hits a short one.
inline RestartOptions fastOptions()
{
    RestartOptions o;
    o.prepareTimeoutMs = 1000;
    o.drainTimeoutMs = 3000;
    o.restartTimeoutPerShardMs = 2000;
    o.verifyTimeoutMs = 2000;
    return o;
}

inline ServiceConfig smallConfig(int shards)
{
    ServiceConfig c;
    c.shards = shards;
    c.graphLoader = smallGraphs();
    c.restartDefaults = fastOptions();
    return c;
}

inline std::unique_ptr<ShardService> startService(ServiceConfig config)
{
    auto service = std::make_unique<ShardService>(std::move(config));
    QString error;
    if (!service->start(&error))
        qWarning("service did not start: %s", qPrintable(error));
    return service;
}

std::vector<ServiceEvent> allEvents(ShardService &s) { return s.events().since(0, 1'000'000); }

// The event of `kind` for command `id`, if it has been logged.
inline std::optional<ServiceEvent> eventOf(ShardService &s, EventKind kind, std::uint64_t id)
{
    for (const ServiceEvent &e : allEvents(s)) {
        if (e.kind == kind && e.restartId == id)
            return e;
    }
    return std::nullopt;
}

inline int countEvents(ShardService &s, EventKind kind)
{
    int n = 0;
    for (const ServiceEvent &e : allEvents(s))
        n += e.kind == kind;
    return n;
}

inline std::optional<ServiceEvent> phaseEnded(ShardService &s, std::uint64_t id, ServicePhase phase)
{
    for (const ServiceEvent &e : allEvents(s)) {
        if (e.kind == EventKind::PhaseEnded && e.restartId == id && e.phase == phase)
            return e;
    }
    return std::nullopt;
}

// Waits (bounded) for the command to log its final event and release the lock.
inline std::optional<ServiceEvent> waitFinished(ShardService &s, const CommandTicket &t, EventKind kind = EventKind::RestartFinished,
                                         int timeoutMs = 15000)
{
    std::optional<ServiceEvent> e;
    (void)QTest::qWaitFor([&] {
        e = eventOf(s, kind, t.restartId);
        return e.has_value() && !s.restartRunning();
    }, timeoutMs);
    return e;
}

// True when every shard is in `state` on `version`; describes the shards otherwise.
inline bool allShards(const ServiceSnapshot &snap, ShardState state, Version version, QByteArray *why = nullptr)
{
    bool ok = true;
    QByteArray text;
    for (const ShardSnapshot &sh : snap.shards) {
        text += "shard " + QByteArray::number(sh.id) + ": " + QByteArray(toString(sh.state).data()) + " v"
            + QByteArray::number(qulonglong(sh.version)) + "; ";
        ok = ok && sh.state == state && sh.version == version;
    }
    if (why)
        *why = text;
    return ok;
}

// Waits until a query that is known to be in flight on `shard` has left the mailbox
// (it is running or deferred), bounded.
inline bool waitUntilDequeued(ShardService &s, ShardId shard, std::uint32_t inFlight)
{
    return QTest::qWaitFor([&] {
        const ShardSnapshot sh = s.snapshot().shards[std::size_t(shard)];
        return sh.queueDepth == 0 && sh.inFlight == inFlight;
    }, 5000);
}

// Fails creation on `shard` for every version >= 2, by returning null or by throwing.
inline ActorFactory failingOn(ShardId shard, bool throws, std::shared_ptr<std::atomic<int>> attempts = {})
{
    ActorFactory base = defaultActorFactory();
    return [=](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (attempts && spec.shard == shard)
            ++*attempts;
        if (spec.shard == shard && spec.version >= 2) {
            if (throws)
                throw std::runtime_error("injected exception from the actor factory");
            *error = QStringLiteral("injected creation failure");
            return nullptr;
        }
        return base(spec, error);
    };
}

// An actor that throws on every query: its probe fails verification.
class BrokenActor : public QueryActor
{
public:
    using QueryActor::QueryActor;
    ProcedureOutcome handle(const QueryRequest &) override { throw std::runtime_error("broken actor"); }
};

// A gate the test opens: lets a seam block the coordinator for as long as a test needs,
// without sleeping.
struct Latch {
    std::mutex m;
    std::condition_variable cv;
    bool entered = false;
    bool released = false;
    void enterAndWait(std::chrono::milliseconds bound)
    {
        std::unique_lock lock(m);
        entered = true;
        cv.wait_for(lock, bound, [this] { return released; });
    }
    bool hasEntered()
    {
        std::lock_guard lock(m);
        return entered;
    }
    void release()
    {
        std::lock_guard lock(m);
        released = true;
        cv.notify_all();
    }
};

// An actor that never answers an echo (its probe) within any verify timeout.
class SilentActor : public QueryActor
{
public:
    using QueryActor::QueryActor;
    ProcedureOutcome handle(const QueryRequest &request) override
    {
        if (request.procedure == QLatin1String("echo"))
            return ProcedureOutcome::defer(30000, QJsonObject{});
        return QueryActor::handle(request);
    }
};

} // namespace shardscope::servicetest

