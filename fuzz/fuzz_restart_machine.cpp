// libFuzzer target: the restart state machine of an in-process ShardService (4 shards, a
// 50-vertex graph, faults enabled, short timeouts), driven by an operation sequence that
// the input bytes encode. One service per input; at most kMaxOps operations per input.
//
// Encoding: each operation is an opcode byte followed by two argument bytes (missing
// bytes read as 0). opcode % kOpCount selects:
//    0 echo query            a: pin (bit0 set: shard (a>>1)%4, else router's choice)
//    1 sleep query           a: pin, b: ms = b % 21
//    2 spin query            a: pin, b: ms = b % 3
//    3 phased restart        a: bit0 reject, bit1 force, bits2-4 drain timeout {0,5,20,50,...}
//                            b: hold capacity {0,1,8,10000}[b%4], hold deadline {0,10,100,30000}[(b>>2)%4]
//    4 legacy restart
//    5 abort
//    6 stop
//    7 start
//    8 fault crash           a: shard
//    9 fault slow            a: shard, b: ms = b % 6
//   10 fault fail_next_create a: shard
//   11 fault bad_graph
//   12 fault clear
//   13 fault stuck          a: shard (the settle step then forces a drain)
//   14 pause                a: ms = a % 11
//   15 wait until idle      (bounded: 5 s)
//   16 burst of echo        a: count = a % 16
//
// After the sequence the harness settles the service (clears faults, waits until no
// restart runs, forces a drain if a stuck query may exist) and checks:
//   - no deadlock: every bounded wait succeeds;
//   - no lost request: every submitted query got exactly one reply, a failure with a message;
//   - the ledger balances: accepted == submitted == answered + refused, no duplicate reply;
//   - one version: if the last operation was a phased restart that completed, aborted or
//     rolled back, every shard with a live actor serves its final version;
//   - no phase outlived its timeout (PhaseEnded duration) by more than kMarginMs.
// A violation prints the operation log, the snapshot and the events, then aborts.
#include "backend/actors/Graph.h"
#include "backend/ShardService.h"

#include <QJsonObject>

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace shardscope;
using namespace std::chrono_literals;

namespace {

constexpr int kShards = 4;
constexpr int kMaxOps = 100;
constexpr int kOpCount = 17;
constexpr auto kBound = 5s; // every wait of the harness
// Timing slack for the phase-duration check: scheduling on a loaded 2-core machine under
// ASan. Override with FUZZ_PHASE_MARGIN_MS.
int marginMs()
{
    static const int m = [] {
        const char *env = std::getenv("FUZZ_PHASE_MARGIN_MS");
        return env ? std::atoi(env) : 250;
    }();
    return m;
}

struct Replies {
    std::mutex mutex;
    std::condition_variable changed;
    int submitted = 0;
    int received = 0;
    std::vector<std::string> problems;
};

class Harness
{
public:
    Harness()
    {
        ServiceConfig config;
        config.shards = kShards;
        config.enableFaults = true;
        config.graphLoader = [](Version, QString *) { return Graph::generate(50, 7); };
        config.supervision.initialBackoff = 1ms;
        config.supervision.maxBackoff = 20ms;
        config.restartDefaults = baseOptions();
        m_service = std::make_unique<ShardService>(config);
        QString error;
        if (!m_service->start(&error))
            fail("the service did not start: " + error.toStdString());
    }

    ~Harness() { m_service->shutdown(0ms); }

    static RestartOptions baseOptions()
    {
        RestartOptions o;
        o.prepareTimeoutMs = 500;
        o.drainTimeoutMs = 50;
        o.restartTimeoutPerShardMs = 500;
        o.verifyTimeoutMs = 500;
        o.holdDeadlineMs = 1000;
        o.holdCapacity = 10000;
        return o;
    }

    void run(const std::uint8_t *data, std::size_t size)
    {
        std::size_t pos = 0;
        auto next = [&]() -> std::uint8_t { return pos < size ? data[pos++] : 0; };
        for (int n = 0; n < kMaxOps && pos < size; ++n) {
            const int op = next() % kOpCount;
            const std::uint8_t a = next();
            const std::uint8_t b = next();
            apply(op, a, b);
        }
        settle();
        check();
    }

private:
    static int pin(std::uint8_t a) { return (a & 1) ? (a >> 1) % kShards : -1; }

    void log(std::string line) { m_log.push_back(std::move(line)); }

    void query(const char *procedure, int pinned, int ms = -1)
    {
        QueryRequest request;
        request.procedure = QLatin1String(procedure);
        if (ms >= 0)
            request.args.insert(QStringLiteral("ms"), ms);
        request.pinnedShard = pinned;
        {
            std::lock_guard lock(m_replies->mutex);
            ++m_replies->submitted;
        }
        auto replies = m_replies;
        auto called = std::make_shared<std::atomic<int>>(0);
        m_service->submitQuery(std::move(request), [replies, called](QueryReply reply) {
            std::lock_guard lock(replies->mutex);
            if (called->fetch_add(1) != 0)
                replies->problems.push_back("a query was answered twice");
            if (!reply.ok() && reply.error.isEmpty())
                replies->problems.push_back("a failed reply without a message (status " + std::to_string(int(reply.status)) + ")");
            ++replies->received;
            replies->changed.notify_all();
        });
    }

    void fault(const char *kind, int shard = -1, int ms = -1)
    {
        QJsonObject request{{QStringLiteral("fault"), QLatin1String(kind)}};
        if (shard >= 0)
            request.insert(QStringLiteral("shard"), shard);
        if (ms >= 0)
            request.insert(QStringLiteral("ms"), ms);
        QString description;
        const CommandTicket t = m_service->injectFault(request, &description);
        if (!t.accepted())
            fail("a valid fault was refused: " + t.error.toStdString());
    }

    void restart(const RestartOptions &options, const char *what)
    {
        const CommandTicket t = m_service->requestRestart(options);
        log(std::string(what) + " -> " + std::string(toString(t.refusal)) + " id " + std::to_string(t.restartId));
        if (t.accepted()) {
            m_ops[t.restartId] = {options.mode == RestartMode::Phased ? Op::Phased : Op::Legacy, options};
            m_lastOp = t.restartId;
        } else if (!conflictsWithState(t.refusal)) {
            fail("restart refused (" + std::string(toString(t.refusal)) + "): " + t.error.toStdString());
        }
    }

    // The refusals a random sequence of commands may meet: the service is busy, stopped
    // or already running. Anything else is a bug.
    static bool conflictsWithState(Refusal r)
    {
        return r == Refusal::Busy || r == Refusal::ServiceStopped || r == Refusal::AlreadyRunning;
    }

    void command(CommandTicket t, const char *what, bool isStop)
    {
        log(std::string(what) + " -> " + std::string(toString(t.refusal)) + " id " + std::to_string(t.restartId));
        if (t.accepted()) {
            m_ops[t.restartId] = {isStop ? Op::Stop : Op::Start, {}};
            m_lastOp = t.restartId;
        } else if (!conflictsWithState(t.refusal)) {
            fail(std::string(what) + " refused (" + std::string(toString(t.refusal)) + "): " + t.error.toStdString());
        }
    }

    void apply(int op, std::uint8_t a, std::uint8_t b)
    {
        switch (op) {
        case 0:
            log("echo pin " + std::to_string(pin(a)));
            query("echo", pin(a));
            break;
        case 1:
            log("sleep " + std::to_string(b % 21) + " pin " + std::to_string(pin(a)));
            query("sleep", pin(a), b % 21);
            break;
        case 2:
            log("spin " + std::to_string(b % 3) + " pin " + std::to_string(pin(a)));
            query("spin", pin(a), b % 3);
            break;
        case 3: {
            static constexpr int kDrain[] = {0, 5, 20, 50, 50, 50, 50, 50};
            static constexpr std::size_t kCapacity[] = {0, 1, 8, 10000};
            static constexpr int kDeadline[] = {0, 10, 100, 30000};
            RestartOptions o = baseOptions();
            o.admission = (a & 1) ? AdmissionPolicy::Reject : AdmissionPolicy::Hold;
            o.drainPolicy = (a & 2) ? DrainTimeoutPolicy::Force : DrainTimeoutPolicy::Abort;
            o.drainTimeoutMs = kDrain[(a >> 2) % 8];
            o.holdCapacity = kCapacity[b % 4];
            o.holdDeadlineMs = kDeadline[(b >> 2) % 4];
            restart(o, ("phased " + std::string(toString(o.admission)) + "/" + std::string(toString(o.drainPolicy))
                        + " drain " + std::to_string(o.drainTimeoutMs) + " cap " + std::to_string(o.holdCapacity)
                        + " hold " + std::to_string(o.holdDeadlineMs)).c_str());
            break;
        }
        case 4: {
            RestartOptions o = baseOptions();
            o.mode = RestartMode::Legacy;
            restart(o, "legacy");
            break;
        }
        case 5:
            log(std::string("abort -> ") + (m_service->requestAbort().accepted() ? "true" : "false"));
            break;
        case 6:
            command(m_service->requestStop(), "stop", true);
            break;
        case 7:
            command(m_service->requestStart(), "start", false);
            break;
        case 8:
            log("crash " + std::to_string(a % kShards));
            fault("crash", a % kShards);
            break;
        case 9:
            log("slow " + std::to_string(a % kShards) + " " + std::to_string(b % 6));
            fault("slow", a % kShards, b % 6);
            break;
        case 10:
            log("fail_next_create " + std::to_string(a % kShards));
            fault("fail_next_create", a % kShards);
            break;
        case 11:
            log("bad_graph");
            fault("bad_graph");
            break;
        case 12:
            log("clear");
            fault("clear");
            break;
        case 13:
            log("stuck " + std::to_string(a % kShards));
            fault("stuck", a % kShards);
            m_stuckUsed = true;
            break;
        case 14:
            log("pause " + std::to_string(a % 11));
            std::this_thread::sleep_for(std::chrono::milliseconds(a % 11));
            break;
        case 15:
            log("wait idle");
            waitIdle("wait idle op");
            break;
        case 16:
            log("burst " + std::to_string(a % 16));
            for (int i = 0; i < a % 16; ++i)
                query("echo", -1);
            break;
        }
    }

    void waitIdle(const char *where)
    {
        const auto deadline = std::chrono::steady_clock::now() + kBound;
        while (m_service->restartRunning()) {
            if (std::chrono::steady_clock::now() >= deadline)
                fail(std::string("deadlock? a restart/stop/start still runs after 5 s (") + where + ")");
            std::this_thread::sleep_for(1ms);
        }
    }

    void settle()
    {
        waitIdle("settle");
        fault("clear");
        // A stuck query never finishes by itself: only a forced drain (or a stop) ends it.
        if (m_stuckUsed && m_service->snapshot().phase != ServicePhase::Stopped) {
            RestartOptions o = baseOptions();
            o.drainPolicy = DrainTimeoutPolicy::Force;
            restart(o, "settle: phased/force to end stuck queries");
            waitIdle("settle forced drain");
        }
        std::unique_lock lock(m_replies->mutex);
        if (!m_replies->changed.wait_for(lock, kBound, [&] { return m_replies->received == m_replies->submitted; }))
            fail("lost requests: " + std::to_string(m_replies->submitted - m_replies->received) + " of "
                 + std::to_string(m_replies->submitted) + " got no reply within 5 s");
    }

    const ServiceEvent *finished(std::uint64_t id, const std::vector<ServiceEvent> &events) const
    {
        for (const ServiceEvent &e : events) {
            if (e.restartId == id
                && (e.kind == EventKind::RestartFinished || e.kind == EventKind::ServiceStopped
                    || (e.kind == EventKind::ServiceStarted && e.restartId != 0)))
                return &e;
        }
        return nullptr;
    }

    void check()
    {
        {
            std::lock_guard lock(m_replies->mutex);
            if (!m_replies->problems.empty())
                fail(m_replies->problems.front());
        }
        const RequestLedger::Counts c = m_service->ledger();
        if (c.accepted != std::uint64_t(m_replies->submitted) || c.answered + c.refused != c.accepted || c.duplicateReplies)
            fail("the ledger does not balance: accepted " + std::to_string(c.accepted) + " (submitted "
                 + std::to_string(m_replies->submitted) + "), answered " + std::to_string(c.answered) + ", refused "
                 + std::to_string(c.refused) + ", duplicates " + std::to_string(c.duplicateReplies));

        const auto events = m_service->events().since(0, 1000000);
        // Every accepted command has finished.
        for (const auto &[id, op] : m_ops) {
            if (!finished(id, events))
                fail("operation " + std::to_string(id) + " has no finish event");
        }
        // No phase outlived its timeout.
        for (const ServiceEvent &e : events) {
            if (e.kind != EventKind::PhaseEnded)
                continue;
            const auto it = m_ops.find(e.restartId);
            if (it == m_ops.end() || it->second.kind != Op::Phased)
                continue;
            const RestartOptions &o = it->second.options;
            std::int64_t limit = 0;
            switch (e.phase) {
            case ServicePhase::Preparing: limit = o.prepareTimeoutMs; break;
            case ServicePhase::Draining:
                limit = o.drainTimeoutMs + (o.drainPolicy == DrainTimeoutPolicy::Force ? o.restartTimeoutPerShardMs : 0);
                break;
            case ServicePhase::Restarting:
            case ServicePhase::RollingBack: limit = std::int64_t(kShards) * o.restartTimeoutPerShardMs; break;
            case ServicePhase::Verifying: limit = o.verifyTimeoutMs; break;
            case ServicePhase::Resuming: limit = o.restartTimeoutPerShardMs; break;
            default: limit = 0; break;
            }
            if (e.durationMs > limit + marginMs())
                fail("phase " + std::string(toString(e.phase)) + " of restart " + std::to_string(e.restartId) + " took "
                     + std::to_string(e.durationMs) + " ms, timeout " + std::to_string(limit) + " ms");
        }
        // After the last phased restart settles, every live shard serves one version.
        if (m_lastOp == 0)
            return;
        const Op &last = m_ops.at(m_lastOp);
        const ServiceEvent *end = finished(m_lastOp, events);
        if (last.kind != Op::Phased)
            return;
        const QString outcome = end->outcome;
        if (outcome != QLatin1String("completed") && outcome != QLatin1String("aborted")
            && outcome != QLatin1String("rolled_back"))
            return;
        const ServiceSnapshot s = m_service->snapshot();
        if (s.version != end->version)
            fail("service version " + std::to_string(s.version) + " but restart " + std::to_string(m_lastOp) + " "
                 + outcome.toStdString() + " on v" + std::to_string(end->version));
        for (const ShardSnapshot &shard : s.shards) {
            const bool live = shard.state != ShardState::Canceled && shard.state != ShardState::Stopped
                && shard.state != ShardState::Failed;
            if (live && shard.version != end->version)
                fail("shard " + std::to_string(shard.id) + " (" + std::string(toString(shard.state)) + ") serves v"
                     + std::to_string(shard.version) + " after restart " + std::to_string(m_lastOp) + " "
                     + outcome.toStdString() + " on v" + std::to_string(end->version));
            if (live && shard.state != ShardState::Serving)
                fail("shard " + std::to_string(shard.id) + " is " + std::string(toString(shard.state))
                     + " although no restart runs");
        }
    }

    [[noreturn]] void fail(const std::string &why)
    {
        std::fprintf(stderr, "\n=== fuzz_restart_machine invariant violated: %s\n--- operations:\n", why.c_str());
        for (const std::string &line : m_log)
            std::fprintf(stderr, "  %s\n", line.c_str());
        if (m_service) {
            const ServiceSnapshot s = m_service->snapshot();
            std::fprintf(stderr, "--- snapshot: phase %s v%llu restart %llu ledger %llu/%llu/%llu\n",
                         std::string(toString(s.phase)).c_str(), (unsigned long long)s.version,
                         (unsigned long long)s.restartId, (unsigned long long)s.accepted,
                         (unsigned long long)s.answered, (unsigned long long)s.refused);
            for (const ShardSnapshot &sh : s.shards)
                std::fprintf(stderr, "  shard %d %s v%llu gen %llu in_flight %u\n", sh.id,
                             std::string(toString(sh.state)).c_str(), (unsigned long long)sh.version,
                             (unsigned long long)sh.generation, sh.inFlight);
            std::fprintf(stderr, "--- events:\n");
            for (const ServiceEvent &e : m_service->events().since(0, 1000000)) {
                if (e.kind == EventKind::ShardStateChanged)
                    continue;
                std::fprintf(stderr, "  #%llu r%llu %s %s shard %d v%llu %s %lld ms %s\n", (unsigned long long)e.seq,
                             (unsigned long long)e.restartId, std::string(toString(e.kind)).c_str(),
                             std::string(toString(e.phase)).c_str(), e.shard, (unsigned long long)e.version,
                             e.outcome.toStdString().c_str(), (long long)e.durationMs, e.message.toStdString().c_str());
            }
        }
        std::fflush(stderr);
        std::abort();
    }

    struct Op {
        enum K { Phased, Legacy, Stop, Start } kind;
        RestartOptions options;
    };

    std::unique_ptr<ShardService> m_service;
    std::shared_ptr<Replies> m_replies = std::make_shared<Replies>();
    std::map<std::uint64_t, Op> m_ops;
    std::uint64_t m_lastOp = 0;
    bool m_stuckUsed = false;
    std::vector<std::string> m_log;
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Harness harness;
    harness.run(data, size);
    return 0;
}
