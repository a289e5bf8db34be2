// Part 2 of issue 5: in-process request-reply through ShardService::submitQuery (echo)
// over 1..N shards, against CAF 0.17 doing the same work (N echo actors, the same number
// of senders with the same bounded window of outstanding requests) in the same run, and
// against PlainShards: one bare thread per shard, the least that design pays.
// The order of the sides rotates from run to run so that machine noise hits all of them.
//
//   bench_actor [--shards 1,2,4,8,16,64] [--seconds 2] [--repeats 2] [--senders 2]
//               [--window 16] [--max-requests 5000000] [--caf-threads 0]
//               [--only shardscope|caf|plain]   (one side alone, for profiling)
//
// Prints a table and one line "JSON {...}". Bounded: every run stops after --seconds or
// --max-requests, whichever comes first. No network traffic at all.
#include "tests/bench/BenchCommon.h"
#include "tests/bench/EchoBench.h"
#include "tests/bench/PlainShards.h"

#include "backend/actors/Graph.h"
#include "backend/ShardService.h"

#include <QCoreApplication>
#include <QJsonObject>

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include <sys/resource.h>

using namespace shardscope;
using namespace shardscope::bench;

#ifndef SHARDSCOPE_HAVE_CAF
namespace shardscope::bench {
bool cafAvailable() { return false; }
EchoRun runCafEcho(const EchoParams &)
{
    EchoRun r;
    r.error = "built without CAF (libcaf-dev not found)";
    return r;
}
} // namespace shardscope::bench
#endif

Usage shardscope::bench::processUsage()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    Usage u;
    u.cpuSeconds = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    u.contextSwitches = double(ru.ru_nvcsw + ru.ru_nivcsw);
    return u;
}

namespace {

// Sends and counts for one side; `submit` is the side's way to a shard.
struct EchoLoop {
    using Submit = std::function<void(const QueryRequest &, ReplyFn)>;
    EchoLoop(Submit submitFn, const EchoParams &p)
        : submit(std::move(submitFn))
        , maxRequests(p.maxRequests)
        , slotsLeft(p.senders * p.window)
        , latency(2'000'000)
    {
        request.procedure = QStringLiteral("echo");
        request.args = QJsonObject{{QStringLiteral("x"), 1}, {QStringLiteral("s"), QStringLiteral("hello")}};
    }
    Submit submit;
    QueryRequest request;
    const std::uint64_t maxRequests;
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> issued{0};
    std::atomic<std::uint64_t> replies{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::int64_t> lastReplyNs{0};
    std::mutex mutex;
    std::condition_variable done;
    int slotsLeft;
    LatencyRecorder latency;

    void slotDone()
    {
        std::lock_guard lock(mutex);
        --slotsLeft;
        done.notify_all();
    }

    // One outstanding request of a sender's window: when its reply comes back (on the
    // shard thread) the next one is sent, until the run stops.
    void issue()
    {
        if (stop.load(std::memory_order_relaxed) || issued.fetch_add(1, std::memory_order_relaxed) >= maxRequests) {
            slotDone();
            return;
        }
        const std::int64_t t0 = nowNs();
        submit(request, [this, t0](QueryReply reply) {
            const std::int64_t t1 = nowNs();
            if (!reply.ok()) {
                errors.fetch_add(1, std::memory_order_relaxed);
                slotDone(); // a broken service must not spin
                return;
            }
            latency.record(t1 - t0);
            replies.fetch_add(1, std::memory_order_relaxed);
            lastReplyNs.store(t1, std::memory_order_relaxed);
            issue();
        });
    }
};

EchoRun runEchoLoop(EchoLoop::Submit submit, const EchoParams &p, const char *side)
{
    EchoRun run;
    EchoLoop state(std::move(submit), p);
    const Usage u0 = processUsage();
    const std::int64_t start = nowNs();
    // Every sender's window is filled up front; afterwards replies drive the sends.
    for (int i = 0; i < p.senders * p.window; ++i)
        state.issue();
    finishEchoRun(run, state, [&] { return state.slotsLeft == 0; }, p, u0, start, side);
    return run;
}

EchoRun runServiceEcho(ShardService &service, const EchoParams &p)
{
    return runEchoLoop([&service](const QueryRequest &r, ReplyFn reply) { service.submitQuery(r, std::move(reply)); },
                       p, "ShardService");
}

// The echo actor's work (copy the arguments into the reply) on bare shard threads,
// round-robin like the service's router.
EchoRun runPlainEcho(const EchoParams &p)
{
    PlainShards shards(p.servers);
    std::atomic<unsigned> next{0};
    return runEchoLoop([&](const QueryRequest &r, ReplyFn reply) {
        const int shard = int(next.fetch_add(1, std::memory_order_relaxed) % unsigned(shards.size()));
        shards.post(shard, [args = r.args, shard, reply = std::move(reply)] {
            QueryReply answer;
            answer.result = args;
            answer.shard = shard;
            answer.version = 1;
            reply(std::move(answer));
        });
    }, p, "PlainShards");
}

struct Totals {
    double seconds = 0;
    std::uint64_t replies = 0;
    std::uint64_t errors = 0;
    std::vector<std::uint32_t> latency;
    std::string error;
    double cpuSeconds = 0;
    double contextSwitches = 0;
    void add(EchoRun &r)
    {
        cpuSeconds += r.cpuSeconds;
        contextSwitches += r.contextSwitches;
        seconds += r.seconds;
        replies += r.replies;
        errors += r.errors;
        latency.insert(latency.end(), r.latencyNs.begin(), r.latencyNs.end());
        if (!r.error.empty())
            error = r.error;
    }
    double throughput() const { return seconds > 0 ? double(replies) / seconds : 0; }
    double cpuUsPerReply() const { return replies ? cpuSeconds * 1e6 / double(replies) : 0; }
    double switchesPerReply() const { return replies ? contextSwitches / double(replies) : 0; }
};

std::string sideJson(const Totals &t)
{
    const Summary s = summarize(t.latency);
    return std::string("{\"throughput_rps\":") + num(t.throughput(), 0) + ",\"replies\":" + std::to_string(t.replies)
        + ",\"errors\":" + std::to_string(t.errors) + ",\"seconds\":" + num(t.seconds)
        + ",\"cpu_us_per_reply\":" + num(t.cpuUsPerReply(), 2) + ",\"context_switches_per_reply\":" + num(t.switchesPerReply(), 3)
        + ",\"latency_us\":{\"p50\":"
        + num(s.p50 / 1e3, 1) + ",\"p99\":" + num(s.p99 / 1e3, 1) + ",\"max\":" + num(s.max / 1e3, 1) + "}"
        + (t.error.empty() ? std::string() : ",\"error\":\"" + t.error + "\"") + "}";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    spdlog::set_level(spdlog::level::warn);
    const Args args(argc, argv);
    const std::vector<int> shardCounts = args.ints("shards", "1,2,4,8,16,64");
    const int repeats = std::max(1, int(args.num("repeats", 2)));
    EchoParams base;
    base.senders = int(args.num("senders", 2));
    base.window = int(args.num("window", 16));
    base.seconds = args.num("seconds", 2.0);
    base.maxRequests = std::uint64_t(args.num("max-requests", 5e6));
    base.workerThreads = int(args.num("caf-threads", 0));
    const std::string only = args.str("only", "");
    const bool withService = only.empty() || only == "shardscope";
    const bool withCaf = cafAvailable() && !args.has("no-caf") && (only.empty() || only == "caf");
    const bool withPlain = only.empty() || only == "plain";

    std::printf("Actor request-reply (echo), %d senders x %d outstanding each, %.2f s per run, %d run(s) per side%s\n",
                base.senders, base.window, base.seconds, repeats, withCaf ? ", against CAF 0.17" : ", CAF not available");
    std::printf("cpu us/r: process CPU time per reply; csw/r: context switches per reply (getrusage)\n");
    std::printf("plain: one bare thread per shard with a condition-variable queue (PlainShards), the reference\n");
    std::printf("%6s | %13s %7s %8s %8s %6s | %13s %7s %8s %8s %6s | %7s | %12s %8s %6s | %7s\n", "shards", "shardscope r/s",
                "p50 us", "p99 us", "cpu us/r", "csw/r", "caf r/s", "p50 us", "p99 us", "cpu us/r", "csw/r", "ratio",
                "plain r/s", "cpu us/r", "csw/r", "pl/caf");
    std::string rows;
    double minRatio = -1;
    double minPlainRatio = -1;
    for (int n : shardCounts) {
        ServiceConfig config;
        config.shards = n;
        config.graphLoader = [](Version, QString *) { return Graph::generate(1000, 7); };
        ShardService service(config);
        QString error;
        if (!service.start(&error)) {
            std::fprintf(stderr, "service with %d shards did not start: %s\n", n, qPrintable(error));
            return 1;
        }
        EchoParams p = base;
        p.servers = n;
        EchoParams warm = p;
        warm.seconds = std::min(0.2, p.seconds);
        runServiceEcho(service, warm); // warm-up, not counted
        Totals svc, caf, plain;
        for (int r = 0; r < repeats; ++r) {
            for (int k = 0; k < 3; ++k) {
                switch ((r + k) % 3) {
                case 0: if (withService) { EchoRun run = runServiceEcho(service, p); svc.add(run); } break;
                case 1: if (withCaf) { EchoRun run = runCafEcho(p); caf.add(run); } break;
                default: if (withPlain) { EchoRun run = runPlainEcho(p); plain.add(run); } break;
                }
            }
        }
        service.shutdown(std::chrono::seconds(2));
        const Summary ss = summarize(svc.latency);
        const Summary cs = summarize(caf.latency);
        const double cafRps = withCaf ? caf.throughput() : 0;
        const double ratio = cafRps > 0 ? svc.throughput() / cafRps : 0;
        const double plainRatio = cafRps > 0 ? plain.throughput() / cafRps : 0;
        if (withCaf && (minRatio < 0 || ratio < minRatio))
            minRatio = ratio;
        if (withCaf && (minPlainRatio < 0 || plainRatio < minPlainRatio))
            minPlainRatio = plainRatio;
        std::printf("%6d | %13.0f %7.1f %8.1f %8.2f %6.3f | %13.0f %7.1f %8.1f %8.2f %6.3f | %6.2fx | %12.0f %8.2f %6.3f | %6.2fx\n",
                    n, svc.throughput(), ss.p50 / 1e3, ss.p99 / 1e3, svc.cpuUsPerReply(), svc.switchesPerReply(), caf.throughput(),
                    cs.p50 / 1e3, cs.p99 / 1e3, caf.cpuUsPerReply(), caf.switchesPerReply(), ratio, plain.throughput(),
                    plain.cpuUsPerReply(), plain.switchesPerReply(), plainRatio);
        std::fflush(stdout);
        if (!rows.empty())
            rows += ",";
        rows += "{\"shards\":" + std::to_string(n) + ",\"shardscope\":" + sideJson(svc) + ",\"plain\":" + sideJson(plain)
            + (withCaf ? ",\"caf\":" + sideJson(caf) + ",\"ratio\":" + num(ratio) + ",\"plain_ratio\":" + num(plainRatio)
                       : std::string())
            + "}";
    }
    if (withCaf)
        std::printf("lowest ratio shardscope/caf: %.2fx (target >= 1.0x); plain thread per shard/caf: %.2fx\n", minRatio,
                    minPlainRatio);
    std::printf("JSON {\"bench\":\"actor\",\"senders\":%d,\"window\":%d,\"seconds_per_run\":%s,\"repeats\":%d,"
                "\"caf\":%s,\"min_ratio\":%s,\"min_plain_ratio\":%s,\"target_ratio\":1.0,\"rows\":[%s]}\n",
                base.senders, base.window, num(base.seconds).c_str(), repeats, withCaf ? "true" : "false",
                withCaf ? num(minRatio).c_str() : "null", withCaf ? num(minPlainRatio).c_str() : "null", rows.c_str());
    return 0;
}
