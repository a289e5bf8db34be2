// ShardService in-process (no HTTP): phased and legacy restarts, drain timeouts, rollback
// through the ActorFactory and GraphLoader seams, the restart lock, stop/start, shutdown.
// Every scenario also checks that each ReplyFn was called exactly once.
#include "backend/Graph.h"
#include "backend/ShardService.h"

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
char *toString(const shardscope::QueryStatus &s)
{
    static const char *names[] = {"Ok", "BadRequest", "NotFound", "Unavailable", "Internal"};
    return qstrdup(names[int(s)]);
}
} // namespace QTest

namespace {

// QCOMPARE cannot print these enums: ADL finds shardscope::toString(), which returns a
// string_view. Compare their names instead, which also reads better on failure.
template <typename E>
QByteArray named(E e)
{
    const std::string_view sv = shardscope::toString(e);
    return QByteArray(sv.data(), qsizetype(sv.size()));
}
#define COMPARE_NAMED(actual, expected) QCOMPARE(named(actual), named(expected))

using Clock = std::chrono::steady_clock;

QString canceledMessage()
{
    return QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size()));
}

// One small graph for every version: starting a service takes milliseconds.
std::shared_ptr<const Graph> smallGraph()
{
    static const std::shared_ptr<const Graph> graph = Graph::generate(1000);
    return graph;
}

GraphLoader smallGraphs()
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

QueryRequest query(const QString &procedure, QJsonObject args = {}, ShardId pinned = -1)
{
    QueryRequest r;
    r.procedure = procedure;
    r.args = std::move(args);
    r.pinnedShard = pinned;
    return r;
}

QueryRequest sleepOn(ShardId shard, int ms) { return query(QStringLiteral("sleep"), {{QStringLiteral("ms"), ms}}, shard); }
QueryRequest spinOn(ShardId shard, int ms) { return query(QStringLiteral("spin"), {{QStringLiteral("ms"), ms}}, shard); }
QueryRequest echoOn(ShardId shard) { return query(QStringLiteral("echo"), {{QStringLiteral("hello"), 1}}, shard); }

// Fast defaults: a test that hits a timeout hits a short one.
RestartOptions fastOptions()
{
    RestartOptions o;
    o.prepareTimeoutMs = 1000;
    o.drainTimeoutMs = 3000;
    o.restartTimeoutPerShardMs = 2000;
    o.verifyTimeoutMs = 2000;
    return o;
}

ServiceConfig smallConfig(int shards)
{
    ServiceConfig c;
    c.shards = shards;
    c.graphLoader = smallGraphs();
    c.restartDefaults = fastOptions();
    return c;
}

std::unique_ptr<ShardService> startService(ServiceConfig config)
{
    auto service = std::make_unique<ShardService>(std::move(config));
    QString error;
    if (!service->start(&error))
        qWarning("service did not start: %s", qPrintable(error));
    return service;
}

std::vector<ServiceEvent> allEvents(ShardService &s) { return s.events().since(0, 1'000'000); }

// The event of `kind` for command `id`, if it has been logged.
std::optional<ServiceEvent> eventOf(ShardService &s, EventKind kind, std::uint64_t id)
{
    for (const ServiceEvent &e : allEvents(s)) {
        if (e.kind == kind && e.restartId == id)
            return e;
    }
    return std::nullopt;
}

int countEvents(ShardService &s, EventKind kind)
{
    int n = 0;
    for (const ServiceEvent &e : allEvents(s))
        n += e.kind == kind;
    return n;
}

std::optional<ServiceEvent> phaseEnded(ShardService &s, std::uint64_t id, ServicePhase phase)
{
    for (const ServiceEvent &e : allEvents(s)) {
        if (e.kind == EventKind::PhaseEnded && e.restartId == id && e.phase == phase)
            return e;
    }
    return std::nullopt;
}

// Waits (bounded) for the command to log its final event and release the lock.
std::optional<ServiceEvent> waitFinished(ShardService &s, const CommandTicket &t, EventKind kind = EventKind::RestartFinished,
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
bool allShards(const ServiceSnapshot &snap, ShardState state, Version version, QByteArray *why = nullptr)
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
bool waitUntilDequeued(ShardService &s, ShardId shard, std::uint32_t inFlight)
{
    return QTest::qWaitFor([&] {
        const ShardSnapshot sh = s.snapshot().shards[std::size_t(shard)];
        return sh.queueDepth == 0 && sh.inFlight == inFlight;
    }, 5000);
}

// Fails creation on `shard` for every version >= 2, by returning null or by throwing.
ActorFactory failingOn(ShardId shard, bool throws, std::shared_ptr<std::atomic<int>> attempts = {})
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

} // namespace

class ServiceRestartTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aStartedServiceServesEveryShardOnVersionOne();
    void aPhasedRestartMovesEveryShardToTheNextVersion();

    void aDrainTimeoutEndsAsItsPolicySays_data();
    void aDrainTimeoutEndsAsItsPolicySays();
    void anOperatorAbortDuringDrainReopensOnTheOldVersion();
    void aShardTooBusyToAnswerPrepareAbortsTheRestart();

    void actorCreationFailingOnOneShardRollsEveryShardBack_data();
    void actorCreationFailingOnOneShardRollsEveryShardBack();
    void aFailedVerifyProbeRollsEveryShardBack_data();
    void aFailedVerifyProbeRollsEveryShardBack();

    void aSecondRestartWhileOneRunsGets409_data();
    void aSecondRestartWhileOneRunsGets409();

    void aRequestArrivingDuringASlowDrainIsTreatedAsItsPolicySays_data();
    void aRequestArrivingDuringASlowDrainIsTreatedAsItsPolicySays();

    void aHeldRequestIsRefusedAtItsDeadlineEvenAfterTheDrain();
    void aVerifyTimeoutRollsBackAndNamesTheSilentShard();
    void shutdownDuringARestartAnswersHeldAndInFlightRequestsOnce();

    void aBadGraphAtTheNextRestartRollsBack();

    void aLegacyRestartLeavesShardsOneToThreeCanceledAndPhasedHealsIt();

    void aPhasedRestartUnderLoadLosesNoRequest_data();
    void aPhasedRestartUnderLoadLosesNoRequest();

    void aStoppedServiceRefusesQueriesUntilStartedAgain();
    void startingAServiceThatAlreadyServesIsRefusedAndLeavesItsRequestsAlone();

    void shutdownWithQueriesInFlightAnswersEachOnceInBoundedTime_data();
    void shutdownWithQueriesInFlightAnswersEachOnceInBoundedTime();
    void destroyingAServiceWithQueuedQueriesAnswersEachOnce();
};

void ServiceRestartTest::aStartedServiceServesEveryShardOnVersionOne()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(3));
    const ServiceSnapshot snap = service->snapshot();
    QByteArray why;
    QVERIFY2(allShards(snap, ShardState::Serving, 1, &why), why.constData());
    QVERIFY(snap.ready());
    QCOMPARE(snap.version, Version(1));

    for (int i = 0; i < 3; ++i) {
        auto [index, fn] = ledger.make();
        service->submitQuery(echoOn(i), fn);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (int i = 0; i < 3; ++i) {
        const auto e = ledger.entry(i);
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.shard, i);
        QCOMPARE(e.reply.version, Version(1));
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceRestartTest::aPhasedRestartMovesEveryShardToTheNextVersion()
{
    auto service = startService(smallConfig(4));
    const CommandTicket t = service->requestRestart(fastOptions());
    QCOMPARE(t.httpStatus, 202);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QCOMPARE(finished->version, Version(2));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
    QVERIFY(service->snapshot().ready());
    COMPARE_NAMED(service->snapshot().phase, ServicePhase::Serving);
    for (ServicePhase p : {ServicePhase::Preparing, ServicePhase::Draining, ServicePhase::Restarting,
                           ServicePhase::Verifying, ServicePhase::Resuming}) {
        const auto ended = phaseEnded(*service, t.restartId, p);
        QVERIFY2(ended, toString(p).data());
        QCOMPARE(ended->outcome, QStringLiteral("ok"));
    }
    // Every shard went through the five states in order, each one an event; sequence
    // numbers grow by one.
    std::map<ShardId, QByteArrayList> states;
    std::uint64_t lastSeq = 0;
    for (const ServiceEvent &e : allEvents(*service)) {
        QCOMPARE(e.seq, lastSeq + 1);
        lastSeq = e.seq;
        if (e.kind == EventKind::ShardStateChanged && e.restartId == t.restartId)
            states[e.shard] << named(e.state);
    }
    QCOMPARE(int(states.size()), 4);
    for (const auto &[shard, list] : states)
        QCOMPARE(list.join(' '), QByteArray("gated draining restarting verifying serving"));
}

// a. Drain timeout with a long sleep in flight.
void ServiceRestartTest::aDrainTimeoutEndsAsItsPolicySays_data()
{
    QTest::addColumn<DrainTimeoutPolicy>("policy");
    QTest::newRow("policy abort reopens every shard on the old version") << DrainTimeoutPolicy::Abort;
    QTest::newRow("policy force cancels the stuck request and moves to the next version") << DrainTimeoutPolicy::Force;
}

void ServiceRestartTest::aDrainTimeoutEndsAsItsPolicySays()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(DrainTimeoutPolicy, policy);
    constexpr int kSleepMs = 2000;
    constexpr int kDrainMs = 200;

    auto service = startService(smallConfig(4));
    auto [stuck, fn] = ledger.make();
    service->submitQuery(sleepOn(1, kSleepMs), fn);
    QVERIFY(waitUntilDequeued(*service, 1, 1));

    RestartOptions options = fastOptions();
    options.drainTimeoutMs = kDrainMs;
    options.drainPolicy = policy;
    const auto requestedAt = Clock::now();
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(t.httpStatus, 202);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const auto drainEnded = phaseEnded(*service, t.restartId, ServicePhase::Draining);
    QVERIFY(drainEnded);
    QByteArray why;

    if (policy == DrainTimeoutPolicy::Abort) {
        QCOMPARE(finished->outcome, QStringLiteral("aborted"));
        QCOMPARE(finished->version, Version(1));
        QCOMPARE(drainEnded->outcome, QStringLiteral("timeout"));
        QVERIFY2(finished->message.contains(QLatin1String("drain timed out")), qPrintable(finished->message));
        QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
        QCOMPARE(service->snapshot().version, Version(1));
        // The stuck request was left alone: it is answered OK by v1 when its sleep ends.
        QVERIFY(!ledger.answered(stuck));
        QVERIFY(ledger.waitAllAnswered(std::chrono::milliseconds(kSleepMs + 5000)));
        const auto e = ledger.entry(stuck);
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(1));
        QCOMPARE(e.reply.shard, 1);
    } else {
        QCOMPARE(finished->outcome, QStringLiteral("completed"));
        QCOMPARE(finished->version, Version(2));
        QCOMPARE(drainEnded->outcome, QStringLiteral("forced"));
        QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
        QCOMPARE(service->snapshot().version, Version(2));
        QVERIFY(ledger.waitAllAnswered(5s));
        const auto e = ledger.entry(stuck);
        QCOMPARE(e.reply.status, QueryStatus::Unavailable);
        QVERIFY2(e.reply.error.contains(QLatin1String("forced its drain")), qPrintable(e.reply.error));
        QCOMPARE(e.reply.shard, 1);
        // Answered when the drain was forced, not when the sleep would have ended.
        QVERIFY(e.repliedAt - requestedAt < std::chrono::milliseconds(kSleepMs));
    }
    // Queries still succeed, on the version the restart ended on.
    const Version expected = policy == DrainTimeoutPolicy::Abort ? 1 : 2;
    std::vector<int> after;
    for (int i = 0; i < 4; ++i) {
        auto [index, f] = ledger.make();
        after.push_back(index);
        service->submitQuery(echoOn(i), f);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (int index : after) {
        const auto e = ledger.entry(index);
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, expected);
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceRestartTest::anOperatorAbortDuringDrainReopensOnTheOldVersion()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(2));
    auto [stuck, fn] = ledger.make();
    service->submitQuery(sleepOn(0, 1000), fn);
    QVERIFY(waitUntilDequeued(*service, 0, 1));
    RestartOptions options = fastOptions();
    options.drainTimeoutMs = 10000;
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(t.httpStatus, 202);
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().phase == ServicePhase::Draining; }, 5000));
    QVERIFY(service->requestAbort());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("aborted"));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    QVERIFY(!service->requestAbort()); // nothing runs any more
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY(ledger.entry(stuck).reply.ok());
    QCOMPARE(ledger.entry(stuck).reply.version, Version(1));
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceRestartTest::aShardTooBusyToAnswerPrepareAbortsTheRestart()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(3));
    auto [busy, fn] = ledger.make();
    service->submitQuery(spinOn(2, 800), fn); // occupies shard 2's thread
    QVERIFY(waitUntilDequeued(*service, 2, 1));

    RestartOptions options = fastOptions();
    options.prepareTimeoutMs = 100;
    const CommandTicket t = service->requestRestart(options);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("aborted"));
    QCOMPARE(finished->version, Version(1));
    QVERIFY2(finished->message.contains(QLatin1String("prepare")), qPrintable(finished->message));
    QVERIFY2(finished->message.contains(QLatin1String("shard 2")), qPrintable(finished->message));
    QByteArray why;
    QVERIFY(QTest::qWaitFor([&] { return allShards(service->snapshot(), ShardState::Serving, 1, &why); }, 5000));
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(busy).reply.ok(), qPrintable(ledger.entry(busy).reply.error));
    QCOMPARE(ledger.entry(busy).reply.version, Version(1));

    // The gate is open again: new queries are served on v1 at once.
    service->submitQuery(echoOn(-1), ledger.make().second);
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY(ledger.entries().back().reply.ok());
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

// b. Actor creation failing on shard k.
void ServiceRestartTest::actorCreationFailingOnOneShardRollsEveryShardBack_data()
{
    QTest::addColumn<int>("failingShard");
    QTest::addColumn<bool>("throws");
    for (int k = 0; k < 4; ++k) {
        QTest::addRow("creation returns null on shard %d", k) << k << false;
        QTest::addRow("creation throws on shard %d", k) << k << true;
    }
}

void ServiceRestartTest::actorCreationFailingOnOneShardRollsEveryShardBack()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, failingShard);
    QFETCH(bool, throws);

    ServiceConfig config = smallConfig(4);
    config.actorFactory = failingOn(failingShard, throws);
    auto service = startService(std::move(config));
    QVERIFY(service->snapshot().ready());

    const CommandTicket t = service->requestRestart(fastOptions());
    QCOMPARE(t.httpStatus, 202);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
    QCOMPARE(finished->version, Version(1));
    const QString shardName = QStringLiteral("shard %1").arg(failingShard);
    QVERIFY2(finished->message.contains(shardName), qPrintable(finished->message));
    const QString cause = throws ? QStringLiteral("injected exception from the actor factory")
                                 : QStringLiteral("injected creation failure");
    QVERIFY2(finished->message.contains(cause), qPrintable(finished->message));
    // No other shard is blamed.
    for (int other = 0; other < 4; ++other) {
        if (other != failingShard)
            QVERIFY2(!finished->message.contains(QStringLiteral("failed on shard %1").arg(other)), qPrintable(finished->message));
    }

    const ServiceSnapshot snap = service->snapshot();
    QByteArray why;
    QVERIFY2(allShards(snap, ShardState::Serving, 1, &why), why.constData());
    QCOMPARE(snap.version, Version(1));
    QVERIFY(snap.ready());
    COMPARE_NAMED(snap.phase, ServicePhase::Serving);

    // Queries still succeed afterwards, on v1, on every shard and round-robin.
    for (int i = 0; i < 4; ++i) {
        service->submitQuery(echoOn(i), ledger.make().second);
        service->submitQuery(query(QStringLiteral("degree"), {{QStringLiteral("v"), 7}}), ledger.make().second);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (const auto &e : ledger.entries()) {
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(1));
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceRestartTest::aFailedVerifyProbeRollsEveryShardBack_data()
{
    QTest::addColumn<int>("brokenShard");
    QTest::newRow("the first shard's new actor is broken") << 0;
    QTest::newRow("the last shard's new actor is broken") << 3;
}

void ServiceRestartTest::aFailedVerifyProbeRollsEveryShardBack()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, brokenShard);
    ServiceConfig config = smallConfig(4);
    ActorFactory base = defaultActorFactory();
    config.actorFactory = [base, brokenShard](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (spec.shard == brokenShard && spec.version >= 2)
            return std::make_unique<BrokenActor>(spec);
        return base(spec, error);
    };
    auto service = startService(std::move(config));
    const CommandTicket t = service->requestRestart(fastOptions());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
    QVERIFY2(finished->message.contains(QLatin1String("verify")), qPrintable(finished->message));
    QVERIFY2(finished->message.contains(QStringLiteral("shard %1").arg(brokenShard)), qPrintable(finished->message));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    service->submitQuery(echoOn(brokenShard), ledger.make().second);
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(0).reply.ok(), qPrintable(ledger.entry(0).reply.error));
    QCOMPARE(ledger.entry(0).reply.version, Version(1));
}

// c. The restart lock.
void ServiceRestartTest::aSecondRestartWhileOneRunsGets409_data()
{
    QTest::addColumn<int>("competitors");
    QTest::newRow("one more restart while the first drains") << 1;
    QTest::newRow("eight threads ask for a restart while the first drains") << 8;
}

void ServiceRestartTest::aSecondRestartWhileOneRunsGets409()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, competitors);
    auto service = startService(smallConfig(2));
    auto [slow, fn] = ledger.make();
    // Holds the drain open long enough for every competitor to start, even on a slow
    // sanitizer build (at 600 ms the first restart sometimes ended before they ran).
    service->submitQuery(sleepOn(0, 3000), fn);
    QVERIFY(waitUntilDequeued(*service, 0, 1));

    RestartOptions options = fastOptions();
    options.drainTimeoutMs = 10000;
    const CommandTicket first = service->requestRestart(options);
    QCOMPARE(first.httpStatus, 202);
    QVERIFY(service->restartRunning());

    std::atomic<int> accepted{0};
    std::atomic<int> conflicts{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < competitors; ++i) {
        threads.emplace_back([&, i] {
            while (!go.load()) {
            }
            const CommandTicket t = i % 3 == 1 ? service->requestStop()
                                  : i % 3 == 2 ? service->requestStart()
                                               : service->requestRestart(options);
            if (t.httpStatus == 202)
                ++accepted;
            else if (t.httpStatus == 409 && t.restartId == first.restartId && !t.error.isEmpty())
                ++conflicts;
        });
    }
    go = true;
    for (auto &th : threads)
        th.join();
    QCOMPARE(accepted.load(), 0);
    QCOMPARE(conflicts.load(), competitors);

    const auto finished = waitFinished(*service, first);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QCOMPARE(countEvents(*service, EventKind::RestartRequested), 1);
    QCOMPARE(countEvents(*service, EventKind::RestartFinished), 1);
    QCOMPARE(countEvents(*service, EventKind::ServiceStopped), 0);
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
    // The drained request was served by the old version, not canceled.
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(slow).reply.ok(), qPrintable(ledger.entry(slow).reply.error));
    QCOMPARE(ledger.entry(slow).reply.version, Version(1));
    QCOMPARE(ledger.notExactlyOnce(), 0);

    // The lock is released: the next restart is accepted.
    const CommandTicket next = service->requestRestart(fastOptions());
    QCOMPARE(next.httpStatus, 202);
    QVERIFY(next.restartId != first.restartId);
    const auto nextFinished = waitFinished(*service, next);
    QVERIFY(nextFinished);
    QCOMPARE(nextFinished->version, Version(3));
}

// Admission while the gate is closed: hold (released to v+1, or refused past the hold
// deadline) or reject (refused at once with Retry-After).
void ServiceRestartTest::aRequestArrivingDuringASlowDrainIsTreatedAsItsPolicySays_data()
{
    QTest::addColumn<AdmissionPolicy>("admission");
    QTest::addColumn<int>("holdDeadlineMs");
    QTest::addColumn<bool>("expectOk");
    QTest::addColumn<QString>("expectedError");
    QTest::newRow("hold: the request is released to the new version") << AdmissionPolicy::Hold << 30000 << true << QString();
    QTest::newRow("hold past the hold deadline: refused with Retry-After")
        << AdmissionPolicy::Hold << 100 << false << QStringLiteral("hold deadline");
    QTest::newRow("reject: refused at once with Retry-After") << AdmissionPolicy::Reject << 30000 << false
                                                              << QStringLiteral("restarting");
}

void ServiceRestartTest::aRequestArrivingDuringASlowDrainIsTreatedAsItsPolicySays()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(AdmissionPolicy, admission);
    QFETCH(int, holdDeadlineMs);
    QFETCH(bool, expectOk);
    QFETCH(QString, expectedError);

    auto service = startService(smallConfig(2));
    auto [slow, slowFn] = ledger.make();
    service->submitQuery(sleepOn(0, 700), slowFn);
    QVERIFY(waitUntilDequeued(*service, 0, 1));

    RestartOptions options = fastOptions();
    options.drainTimeoutMs = 5000;
    options.admission = admission;
    options.holdDeadlineMs = holdDeadlineMs;
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(t.httpStatus, 202);
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().phase == ServicePhase::Draining; }, 5000));
    auto [late, lateFn] = ledger.make();
    service->submitQuery(echoOn(-1), lateFn);
    if (!expectOk) {
        // Refused while the drain still waits for the sleep, not when the restart ends.
        QVERIFY(QTest::qWaitFor([&] { return ledger.answered(late); }, 5000));
        QVERIFY(!ledger.answered(slow));
    }
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QVERIFY(ledger.waitAllAnswered(5s));

    const QueryReply r = ledger.entry(late).reply;
    if (expectOk) {
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.version, Version(2));
    } else {
        QCOMPARE(r.status, QueryStatus::Unavailable);
        QVERIFY2(r.error.contains(expectedError), qPrintable(r.error));
        QCOMPARE(r.retryAfterSeconds, 5); // ceil(drain timeout / 1 s)
    }
    QVERIFY(ledger.entry(slow).reply.ok());
    QCOMPARE(ledger.entry(slow).reply.version, Version(1));
    QCOMPARE(ledger.notExactlyOnce(), 0);
    QCOMPARE(service->snapshot().heldRequests, 0u);
}

// RestartOptions: "a held request older than hold_deadline_ms is refused with 503".
// Here the restart phase (graph loading) outlasts the deadline; the drain was instant.
void ServiceRestartTest::aHeldRequestIsRefusedAtItsDeadlineEvenAfterTheDrain()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto latch = std::make_shared<Latch>();
    ServiceConfig config = smallConfig(2);
    config.graphLoader = [latch](Version v, QString *) {
        if (v >= 2)
            latch->enterAndWait(10s); // a slow graph file
        return smallGraph();
    };
    auto service = startService(std::move(config));
    RestartOptions options = fastOptions();
    options.holdDeadlineMs = 100;
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(t.httpStatus, 202);
    QVERIFY(QTest::qWaitFor([&] { return latch->hasEntered(); }, 5000));

    auto [held, fn] = ledger.make();
    service->submitQuery(echoOn(-1), fn);
    // 100 ms deadline; allow ten times that before calling it held too long.
    const bool refusedInTime = QTest::qWaitFor([&] { return ledger.answered(held); }, 1000);
    const QueryReply early = refusedInTime ? ledger.entry(held).reply : QueryReply{};
    latch->release();
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QVERIFY(ledger.waitAllAnswered(5s));
    QCOMPARE(ledger.notExactlyOnce(), 0);

    QVERIFY2(refusedInTime, "the held request was still waiting 1 s after its 100 ms hold deadline");
    if (refusedInTime) {
        QCOMPARE(early.status, QueryStatus::Unavailable);
        QVERIFY2(early.error.contains(QLatin1String("hold deadline")), qPrintable(early.error));
    }
}

void ServiceRestartTest::aVerifyTimeoutRollsBackAndNamesTheSilentShard()
{
    ReplyLedger ledger; // before the service: destroyed after it
    constexpr int kSilent = 2;
    ServiceConfig config = smallConfig(4);
    ActorFactory base = defaultActorFactory();
    config.actorFactory = [base](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (spec.shard == kSilent && spec.version >= 2)
            return std::make_unique<SilentActor>(spec);
        return base(spec, error);
    };
    auto service = startService(std::move(config));
    RestartOptions options = fastOptions();
    options.verifyTimeoutMs = 200;
    const CommandTicket t = service->requestRestart(options);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
    QVERIFY2(finished->message.contains(QLatin1String("verify")), qPrintable(finished->message));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    service->submitQuery(echoOn(kSilent), ledger.make().second);
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(0).reply.ok(), qPrintable(ledger.entry(0).reply.error));
    QCOMPARE(ledger.entry(0).reply.version, Version(1));

    QVERIFY2(finished->message.contains(QStringLiteral("shard %1").arg(kSilent)), qPrintable(finished->message));
}

void ServiceRestartTest::shutdownDuringARestartAnswersHeldAndInFlightRequestsOnce()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(2));
    service->submitQuery(sleepOn(0, 5000), ledger.make().second); // keeps the drain open
    QVERIFY(waitUntilDequeued(*service, 0, 1));
    RestartOptions options = fastOptions();
    options.drainTimeoutMs = 20000;
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(t.httpStatus, 202);
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().phase == ServicePhase::Draining; }, 5000));
    for (int i = 0; i < 6; ++i)
        service->submitQuery(echoOn(-1), ledger.make().second); // held
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().heldRequests == 6; }, 5000));

    const auto before = Clock::now();
    service->shutdown(300ms);
    QVERIFY2(Clock::now() - before < 3s, "shutdown waited for the restart's 20 s drain");
    QCOMPARE(ledger.replied(), ledger.sent());
    QCOMPARE(ledger.notExactlyOnce(), 0);
    const auto finished = eventOf(*service, EventKind::RestartFinished, t.restartId);
    QVERIFY(finished);
    QVERIFY(finished->outcome != QLatin1String("completed"));
    // The held requests were answered (served on v1 or refused), the sleep refused.
    const auto entries = ledger.entries();
    QCOMPARE(entries[0].reply.status, QueryStatus::Unavailable);
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].reply.ok())
            QCOMPARE(entries[i].reply.version, Version(1));
    }
}

// d. A bad graph at the next restart.
void ServiceRestartTest::aBadGraphAtTheNextRestartRollsBack()
{
    ReplyLedger ledger; // before the service: destroyed after it
    const QString loadError = QStringLiteral("edges.txt:7: expected two vertex ids");
    ServiceConfig config = smallConfig(4);
    auto loads = std::make_shared<std::atomic<int>>(0);
    config.graphLoader = [loadError, loads](Version v, QString *error) -> std::shared_ptr<const Graph> {
        ++*loads;
        if (v >= 2) {
            *error = loadError;
            return nullptr;
        }
        return smallGraph();
    };
    auto service = startService(std::move(config));
    QVERIFY(service->snapshot().ready());

    const CommandTicket t = service->requestRestart(fastOptions());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
    QCOMPARE(finished->version, Version(1));
    QVERIFY2(finished->message.contains(loadError), qPrintable(finished->message));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    QCOMPARE(service->snapshot().version, Version(1));

    for (int i = 0; i < 4; ++i)
        service->submitQuery(query(QStringLiteral("khop"), {{QStringLiteral("v"), i}, {QStringLiteral("k"), 2}}, i),
                             ledger.make().second);
    QVERIFY(ledger.waitAllAnswered(5s));
    for (const auto &e : ledger.entries()) {
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(1));
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

// e. The seed's bug, kept on purpose, and its cure.
void ServiceRestartTest::aLegacyRestartLeavesShardsOneToThreeCanceledAndPhasedHealsIt()
{
    ReplyLedger pinned;
    ReplyLedger afterHeal;
    auto service = startService(smallConfig(4));
    RestartOptions legacy = fastOptions();
    legacy.mode = RestartMode::Legacy;
    const CommandTicket t = service->requestRestart(legacy);
    QCOMPARE(t.httpStatus, 202);
    QVERIFY(waitFinished(*service, t));

    ServiceSnapshot snap = service->snapshot();
    COMPARE_NAMED(snap.shards[0].state, ShardState::Serving);
    QCOMPARE(snap.shards[0].version, Version(2));
    for (int i = 1; i < 4; ++i)
        COMPARE_NAMED(snap.shards[std::size_t(i)].state, ShardState::Canceled);
    QVERIFY(!snap.ready());

    std::vector<int> idx;
    for (int i = 0; i < 4; ++i) {
        auto [index, fn] = pinned.make();
        idx.push_back(index);
        service->submitQuery(echoOn(i), fn);
    }
    QVERIFY(pinned.waitAllAnswered(5s));
    const auto zero = pinned.entry(idx[0]);
    QVERIFY2(zero.reply.ok(), qPrintable(zero.reply.error));
    QCOMPARE(zero.reply.version, Version(2));
    for (int i = 1; i < 4; ++i) {
        const auto e = pinned.entry(idx[std::size_t(i)]);
        QCOMPARE(e.reply.status, QueryStatus::Unavailable);
        QCOMPARE(e.reply.error, canceledMessage());
        QCOMPARE(e.reply.shard, i);
    }
    QCOMPARE(pinned.notExactlyOnce(), 0);

    // A phased restart heals it: every shard serves v3.
    const CommandTicket heal = service->requestRestart(fastOptions());
    QCOMPARE(heal.httpStatus, 202);
    const auto healed = waitFinished(*service, heal);
    QVERIFY(healed);
    QCOMPARE(healed->outcome, QStringLiteral("completed"));
    snap = service->snapshot();
    QByteArray why;
    QVERIFY2(allShards(snap, ShardState::Serving, 3, &why), why.constData());
    QVERIFY(snap.ready());
    for (int i = 0; i < 4; ++i)
        service->submitQuery(echoOn(i), afterHeal.make().second);
    QVERIFY(afterHeal.waitAllAnswered(5s));
    for (const auto &e : afterHeal.entries()) {
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(3));
    }
    QCOMPARE(afterHeal.notExactlyOnce(), 0);
}

// f. A phased restart while clients send the whole time.
void ServiceRestartTest::aPhasedRestartUnderLoadLosesNoRequest_data()
{
    QTest::addColumn<int>("clients");
    QTest::addColumn<int>("window"); // requests each client keeps in flight
    QTest::newRow("four clients, one request at a time") << 4 << 1;
    QTest::newRow("four clients, eight requests in flight each") << 4 << 8;
}

void ServiceRestartTest::aPhasedRestartUnderLoadLosesNoRequest()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, clients);
    QFETCH(int, window);
    constexpr int kAfterFinish = 300; // requests each client sends after the restart finished
    constexpr int kHardCap = 50000;   // per client, whatever happens

    auto service = startService(smallConfig(4));
    std::atomic<bool> restartFinished{false};
    std::atomic<int> stalled{0};
    // Per client: ledger indices in submission order.
    std::vector<std::vector<int>> order(static_cast<std::size_t>(clients));
    std::vector<std::atomic<int>> sentBy(static_cast<std::size_t>(clients));

    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            // Shared with the reply callbacks, which may outlive this thread if it gives up.
            struct Window {
                std::mutex m;
                std::condition_variable cv;
                int outstanding = 0;
            };
            auto w = std::make_shared<Window>();
            int afterFinish = 0;
            for (int n = 0; n < kHardCap && afterFinish < kAfterFinish; ++n) {
                {
                    std::unique_lock lock(w->m);
                    if (!w->cv.wait_for(lock, 10s, [&] { return w->outstanding < window; })) {
                        ++stalled;
                        return;
                    }
                    ++w->outstanding;
                }
                auto [index, fn] = ledger.make();
                order[std::size_t(c)].push_back(index);
                service->submitQuery(echoOn(-1), [w, fn = std::move(fn)](QueryReply r) {
                    fn(std::move(r));
                    std::lock_guard lock(w->m);
                    --w->outstanding;
                    w->cv.notify_one();
                });
                ++sentBy[std::size_t(c)];
                if (restartFinished.load())
                    ++afterFinish;
            }
            std::unique_lock lock(w->m);
            if (!w->cv.wait_for(lock, 10s, [&] { return w->outstanding == 0; }))
                ++stalled;
        });
    }

    // Restart once every client is under way.
    QVERIFY(QTest::qWaitFor([&] {
        for (const auto &s : sentBy) {
            if (s.load() < 50)
                return false;
        }
        return true;
    }, 10000));
    // A sleep in flight keeps the drain open for a while, so clients' requests are held.
    auto [slow, slowFn] = ledger.make();
    service->submitQuery(sleepOn(0, 300), slowFn);
    const CommandTicket t = service->requestRestart(fastOptions());
    QCOMPARE(t.httpStatus, 202);
    const bool sawHeld = QTest::qWaitFor([&] { return service->snapshot().heldRequests > 0; }, 5000);
    const auto finished = waitFinished(*service, t);
    restartFinished = true;
    for (auto &th : threads)
        th.join();
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QCOMPARE(stalled.load(), 0);
    QVERIFY2(sawHeld, "no request was ever held at the gate: the hold path was not exercised");

    QVERIFY(ledger.waitAllAnswered(10s));
    QVERIFY(ledger.entry(slow).reply.ok());
    QCOMPARE(ledger.entry(slow).reply.version, Version(1));
    QCOMPARE(ledger.replied(), ledger.sent());
    QCOMPARE(ledger.notExactlyOnce(), 0);

    const std::vector<ReplyLedger::Entry> entries = ledger.entries();
    int failures = 0;
    int onOld = 0;
    int onNew = 0;
    int otherVersion = 0;
    QString firstFailure;
    for (const auto &e : entries) {
        if (!e.reply.ok()) {
            if (failures++ == 0)
                firstFailure = e.reply.error;
            continue;
        }
        if (e.reply.version == 1)
            ++onOld;
        else if (e.reply.version == 2)
            ++onNew;
        else
            ++otherVersion;
    }
    QVERIFY2(failures == 0, qPrintable(QStringLiteral("%1 failed requests; first: %2").arg(failures).arg(firstFailure)));
    QCOMPARE(otherVersion, 0);
    QVERIFY(onOld > 0);
    QVERIFY(onNew >= clients * kAfterFinish);

    // Per client, in submission order: once a request was served by v2, every later one is.
    int backwards = 0;
    for (const auto &indices : order) {
        bool seenNew = false;
        for (int index : indices) {
            const Version v = entries[std::size_t(index)].reply.version;
            if (v == 2)
                seenNew = true;
            else if (seenNew)
                ++backwards;
        }
    }
    QCOMPARE(backwards, 0);

    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
    QCOMPARE(service->snapshot().heldRequests, 0u);
}

// g. Stop, then start.
void ServiceRestartTest::aStoppedServiceRefusesQueriesUntilStartedAgain()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(3));
    auto [sleeping, fn] = ledger.make();
    service->submitQuery(sleepOn(2, 10000), fn);
    QVERIFY(waitUntilDequeued(*service, 2, 1));

    const CommandTicket stop = service->requestStop();
    QCOMPARE(stop.httpStatus, 202);
    const auto stopped = waitFinished(*service, stop, EventKind::ServiceStopped);
    QVERIFY(stopped);
    QCOMPARE(stopped->outcome, QStringLiteral("completed"));
    const ServiceSnapshot snap = service->snapshot();
    COMPARE_NAMED(snap.phase, ServicePhase::Stopped);
    for (const ShardSnapshot &sh : snap.shards)
        COMPARE_NAMED(sh.state, ShardState::Stopped);
    QVERIFY(!snap.ready());

    // The request in flight at the stop is answered at once, not after its 10 s sleep.
    QVERIFY(QTest::qWaitFor([&] { return ledger.answered(sleeping); }, 5000));
    QCOMPARE(ledger.entry(sleeping).reply.status, QueryStatus::Unavailable);
    QCOMPARE(ledger.entry(sleeping).reply.error, QStringLiteral("query service is stopped"));

    std::vector<int> whileStopped;
    for (ShardId pin : {-1, 0, 2}) {
        auto [index, f] = ledger.make();
        whileStopped.push_back(index);
        service->submitQuery(echoOn(pin), f);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (int index : whileStopped) {
        const auto e = ledger.entry(index);
        QCOMPARE(e.reply.status, QueryStatus::Unavailable);
        QCOMPARE(e.reply.error, QStringLiteral("query service is stopped"));
    }

    // A stopped service can only be started: restart and stop are refused with a reason.
    const CommandTicket restartWhileStopped = service->requestRestart(fastOptions());
    QCOMPARE(restartWhileStopped.httpStatus, 409);
    QVERIFY2(restartWhileStopped.error.contains(QLatin1String("stopped")), qPrintable(restartWhileStopped.error));
    const CommandTicket stopAgain = service->requestStop();
    QCOMPARE(stopAgain.httpStatus, 409);
    COMPARE_NAMED(service->snapshot().phase, ServicePhase::Stopped);

    const CommandTicket start = service->requestStart();
    QCOMPARE(start.httpStatus, 202);
    const auto started = waitFinished(*service, start, EventKind::ServiceStarted);
    QVERIFY(started);
    QCOMPARE(started->outcome, QStringLiteral("completed"));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    QVERIFY(service->snapshot().ready());
    COMPARE_NAMED(service->snapshot().phase, ServicePhase::Serving);

    std::vector<int> afterStart;
    for (int i = 0; i < 3; ++i) {
        auto [index, f] = ledger.make();
        afterStart.push_back(index);
        service->submitQuery(echoOn(i), f);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (int index : afterStart) {
        const auto e = ledger.entry(index);
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(1));
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceRestartTest::startingAServiceThatAlreadyServesIsRefusedAndLeavesItsRequestsAlone()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(2));
    auto [sleeping, fn] = ledger.make();
    service->submitQuery(sleepOn(1, 300), fn);
    QVERIFY(waitUntilDequeued(*service, 1, 1));

    // Re-creating the actors of a serving service would cancel what is in flight.
    const CommandTicket start = service->requestStart();
    QCOMPARE(start.httpStatus, 409);
    QVERIFY2(start.error.contains(QLatin1String("already running")), qPrintable(start.error));
    QVERIFY(!service->restartRunning());
    QCOMPARE(countEvents(*service, EventKind::RestartRequested), 0);

    QVERIFY(ledger.waitAllAnswered(5s));
    const auto e = ledger.entry(sleeping);
    QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
    QCOMPARE(e.reply.version, Version(1));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    QCOMPARE(ledger.notExactlyOnce(), 0);
    // The refusal did not take the lock: a restart is accepted right after.
    const CommandTicket restart = service->requestRestart(fastOptions());
    QCOMPARE(restart.httpStatus, 202);
    QVERIFY(waitFinished(*service, restart));
}

// h. Shutdown with queries in flight.
void ServiceRestartTest::shutdownWithQueriesInFlightAnswersEachOnceInBoundedTime_data()
{
    QTest::addColumn<int>("drainMs");
    QTest::addColumn<bool>("expectAllOk");
    QTest::newRow("a drain long enough answers every query") << 2000 << true;
    QTest::newRow("a drain too short refuses what is left") << 50 << false;
}

void ServiceRestartTest::shutdownWithQueriesInFlightAnswersEachOnceInBoundedTime()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, drainMs);
    QFETCH(bool, expectAllOk);
    constexpr int kShards = 4;

    auto service = startService(smallConfig(kShards));
    for (int i = 0; i < kShards; ++i) {
        service->submitQuery(sleepOn(i, 200), ledger.make().second);
        for (int s = 0; s < 3; ++s)
            service->submitQuery(spinOn(i, 80), ledger.make().second);
    }
    const auto started = Clock::now();
    service->shutdown(std::chrono::milliseconds(drainMs));
    const auto took = Clock::now() - started;
    QVERIFY2(took < std::chrono::milliseconds(drainMs) + 3s,
             qPrintable(QStringLiteral("shutdown took %1 ms")
                            .arg(std::chrono::duration_cast<std::chrono::milliseconds>(took).count())));

    // Every shard thread is joined: every reply has been sent by now, each exactly once.
    QCOMPARE(ledger.replied(), ledger.sent());
    QCOMPARE(ledger.notExactlyOnce(), 0);
    int ok = 0;
    int refused = 0;
    for (const auto &e : ledger.entries()) {
        if (e.reply.ok()) {
            ++ok;
        } else {
            ++refused;
            QCOMPARE(e.reply.status, QueryStatus::Unavailable);
            QVERIFY2(e.reply.error.contains(QLatin1String("shutting down")) || e.reply.error.contains(QLatin1String("shut down")),
                     qPrintable(e.reply.error));
        }
    }
    if (expectAllOk)
        QCOMPARE(refused, 0);
    else
        QVERIFY(refused > 0);

    // After shutdown: queries are refused at once, commands get 503.
    ReplyLedger late;
    service->submitQuery(echoOn(0), late.make().second);
    QCOMPARE(late.replied(), 1);
    QCOMPARE(late.entry(0).reply.status, QueryStatus::Unavailable);
    QCOMPARE(late.entry(0).reply.error, QStringLiteral("service is shutting down"));
    QCOMPARE(service->requestRestart(fastOptions()).httpStatus, 503);
    service->shutdown(); // idempotent
    QCOMPARE(ledger.replied(), ledger.sent());
}

void ServiceRestartTest::destroyingAServiceWithQueuedQueriesAnswersEachOnce()
{
    ReplyLedger ledger;
    {
        auto service = startService(smallConfig(2));
        for (int i = 0; i < 2; ++i) {
            service->submitQuery(sleepOn(i, 5000), ledger.make().second);
            for (int s = 0; s < 5; ++s)
                service->submitQuery(spinOn(i, 50), ledger.make().second);
        }
        const auto before = Clock::now();
        service.reset();
        QVERIFY(Clock::now() - before < 3s);
    }
    QCOMPARE(ledger.replied(), ledger.sent());
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

QTEST_GUILESS_MAIN(ServiceRestartTest)
#include "tst_service_restart.moc"
