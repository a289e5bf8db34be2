// Part 1 of issue 5: restart under load. For each shard count N, closed-loop HTTP clients
// (one thread and one keep-alive HttpTestClient each, on 127.0.0.1) send short queries
// (echo and degree, alternately) as fast as they are answered while the benchmark:
//   1. measures a no-restart baseline window,
//   2. runs K phased restarts (policy hold), one after the other with a gap between them,
//   3. runs L legacy restarts (the seed's bug) with a gap of traffic after each.
// Then, without load, 64 (or each --idle-shards count of) idle shards are restarted K times end to end.
//
//   bench_restart [--shards 4,16,64] [--clients 4] [--restarts 20] [--legacy-restarts 5]
//                 [--baseline-ms 2000] [--gap-ms 150] [--idle-shards 64,1024] [--idle-restarts 20]
//                 [--max-seconds 60]
//
// Prints a table and one line "JSON {...}". Bounded: each client stops after
// --max-requests-per-client requests, and the whole program after --max-seconds.
#include "tests/bench/BenchCommon.h"

#include "backend/actors/Graph.h"
#include "backend/http/HttpServerHost.h"
#include "backend/record/EventLog.h"
#include "backend/ShardService.h"
#include "tests/support/HttpTestClient.h"

#include <QCoreApplication>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <thread>

using namespace shardscope;
using namespace shardscope::bench;
using shardscope::test::HttpTestClient;

namespace {

struct Sample {
    std::int64_t sentNs;
    std::uint32_t latencyUs;
    std::uint16_t status;
};

// Watches the service's event stream by polling EventLog::since() from the benchmark's
// main thread (the service's own listener, which feeds audit and metrics, stays as it
// is): phase durations and the moment each restart is seen to end (polled every 100 us).
class RestartWatcher
{
public:
    explicit RestartWatcher(ShardService &service)
        : m_service(service)
        , m_seq(service.events().lastSeq())
    {
    }
    struct Finished {
        std::int64_t atNs = 0;
        std::int64_t durationMs = 0;
        std::string outcome;
    };
    bool waitFinished(std::uint64_t id, Finished *out, std::chrono::milliseconds timeout)
    {
        const std::int64_t deadline = nowNs() + std::int64_t(timeout.count()) * 1'000'000;
        for (;;) {
            poll();
            auto it = m_finished.find(id);
            if (it != m_finished.end()) {
                *out = it->second;
                return true;
            }
            if (nowNs() > deadline)
                return false;
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
    }
    std::vector<std::pair<std::string, std::int64_t>> phases(std::uint64_t id)
    {
        poll();
        return m_phases[id];
    }

private:
    void poll()
    {
        for (const ServiceEvent &e : m_service.events().since(m_seq, 10000)) {
            m_seq = e.seq;
            if (e.kind == EventKind::PhaseEnded)
                m_phases[e.restartId].push_back({std::string(toString(e.phase)), e.durationUs});
            else if (e.kind == EventKind::RestartFinished)
                m_finished[e.restartId] = {nowNs(), e.durationMs, e.outcome.toStdString()};
        }
    }

    ShardService &m_service;
    std::uint64_t m_seq;
    std::map<std::uint64_t, std::vector<std::pair<std::string, std::int64_t>>> m_phases;
    std::map<std::uint64_t, Finished> m_finished;
};

struct Window {
    std::int64_t fromNs;
    std::int64_t toNs;
};

bool inAny(const std::vector<Window> &ws, std::int64_t t)
{
    for (const Window &w : ws) {
        if (t >= w.fromNs && t <= w.toNs)
            return true;
    }
    return false;
}

ServiceConfig smallConfig(int shards)
{
    ServiceConfig config;
    config.shards = shards;
    config.graphLoader = [](Version, QString *) { return Graph::generate(1000, 7); };
    return config;
}

struct Options {
    int clients = 4;
    int restarts = 20;
    int legacyRestarts = 5;
    int baselineMs = 2000;
    int gapMs = 150;
    std::size_t maxRequestsPerClient = 2'000'000;
    std::int64_t hardDeadlineNs = 0;
};

// Phase durations arrive in microseconds (PhaseEnded duration_us); reported in ms.
std::string phasesJson(const std::map<std::string, std::vector<std::int64_t>> &byPhaseUs, std::string *table)
{
    std::string json = "{";
    for (const auto &[name, us] : byPhaseUs) {
        const Summary s = summarize(us);
        if (json.size() > 1)
            json += ",";
        json += "\"" + name + "\":{\"mean_ms\":" + num(s.mean / 1e3, 3) + ",\"max_ms\":" + num(s.max / 1e3, 3) + "}";
        if (table)
            *table += "    " + name + std::string(12 - std::min<std::size_t>(11, name.size()), ' ') + "mean " + num(s.mean / 1e3, 3)
                + " ms, max " + num(s.max / 1e3, 3) + " ms\n";
    }
    return json + "}";
}

// One shard count under load: baseline, K phased restarts, L legacy restarts.
std::string runUnderLoad(int shards, const Options &opt, bool *phasedOk, double *worstAddedP99)
{
    ShardService service(smallConfig(shards));
    QString error;
    if (!service.start(&error)) {
        std::fprintf(stderr, "service did not start: %s\n", qPrintable(error));
        std::exit(1);
    }
    RestartWatcher watcher(service);
    HttpServerHost host(service);
    const quint16 port = host.start(QHostAddress(QHostAddress::LocalHost), 0, &error);
    if (!port) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        std::exit(1);
    }

    std::atomic<bool> stop{false};
    std::vector<std::vector<Sample>> samples(std::size_t(opt.clients));
    struct Failure {
        std::int64_t sentNs, doneNs;
        std::string body;
    };
    std::vector<std::vector<Failure>> failures(std::size_t(opt.clients));
    std::vector<std::thread> threads;
    for (int c = 0; c < opt.clients; ++c) {
        threads.emplace_back([&, c] {
            HttpTestClient client("127.0.0.1", port, 15000);
            auto &mine = samples[std::size_t(c)];
            mine.reserve(std::min<std::size_t>(opt.maxRequestsPerClient, 400000));
            const QByteArray bodies[] = {R"({"procedure":"echo","args":{"x":1}})",
                                         R"({"procedure":"degree","args":{"v":7}})"};
            std::size_t i = 0;
            while (!stop.load(std::memory_order_relaxed) && mine.size() < opt.maxRequestsPerClient
                   && nowNs() < opt.hardDeadlineNs) {
                const std::int64_t t0 = nowNs();
                const auto r = client.post("/v1/query", bodies[i++ % 2]);
                const std::int64_t t1 = nowNs();
                mine.push_back({t0, std::uint32_t(std::min<std::int64_t>((t1 - t0) / 1000, UINT32_MAX)),
                                std::uint16_t(r.status)});
                if (r.status != 200 && failures[std::size_t(c)].size() < 20)
                    failures[std::size_t(c)].push_back({t0, t1, r.body.toStdString()});
            }
        });
    }

    auto sleepMs = [&](int ms) {
        const std::int64_t until = nowNs() + std::int64_t(ms) * 1'000'000;
        while (nowNs() < until && nowNs() < opt.hardDeadlineNs)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    };
    sleepMs(300); // warm-up, not counted
    const Window baseline{nowNs(), 0};
    sleepMs(opt.baselineMs);
    const std::int64_t baselineEnd = nowNs();

    std::vector<Window> phasedWindows;
    std::map<std::string, std::vector<std::int64_t>> phaseUs;
    std::vector<std::int64_t> e2eUs, reportedMs;
    int restartFailures = 0;
    RestartOptions phased;
    phased.mode = RestartMode::Phased;
    for (int k = 0; k < opt.restarts && nowNs() < opt.hardDeadlineNs; ++k) {
        const std::int64_t t0 = nowNs();
        const CommandTicket t = service.requestRestart(phased);
        RestartWatcher::Finished f;
        if (!t.accepted() || !watcher.waitFinished(t.restartId, &f, std::chrono::seconds(20))) {
            ++restartFailures;
            continue;
        }
        phasedWindows.push_back({t0, f.atNs});
        e2eUs.push_back((f.atNs - t0) / 1000);
        reportedMs.push_back(f.durationMs);
        if (f.outcome != "completed")
            ++restartFailures;
        for (const auto &[name, us] : watcher.phases(t.restartId))
            phaseUs[name].push_back(us);
        sleepMs(opt.gapMs);
    }
    const std::int64_t phasedEnd = nowNs();

    std::vector<Window> legacyWindows;
    RestartOptions legacy;
    legacy.mode = RestartMode::Legacy;
    for (int k = 0; k < opt.legacyRestarts && nowNs() < opt.hardDeadlineNs; ++k) {
        const std::int64_t t0 = nowNs();
        const CommandTicket t = service.requestRestart(legacy);
        RestartWatcher::Finished f;
        if (t.accepted())
            watcher.waitFinished(t.restartId, &f, std::chrono::seconds(20));
        sleepMs(opt.gapMs);
        legacyWindows.push_back({t0, nowNs()});
    }
    stop.store(true);
    for (auto &t : threads)
        t.join();
    service.shutdown(std::chrono::seconds(2));
    host.stop();

    // Classify every request by the moment it was sent.
    std::vector<std::uint32_t> baseLat, restartLat;
    std::uint64_t phasedTotal = 0, phasedFailed = 0, legacyTotal = 0, legacyFailed = 0, duringRestart = 0;
    std::map<int, std::uint64_t> phasedStatuses;
    for (const auto &mine : samples) {
        for (const Sample &s : mine) {
            const std::int64_t doneNs = s.sentNs + std::int64_t(s.latencyUs) * 1000;
            if (s.sentNs >= baseline.fromNs && s.sentNs < phasedEnd) {
                if (doneNs >= phasedEnd)
                    continue; // answered after the legacy section began: it belongs to neither

                ++phasedTotal;
                if (s.status != 200) {
                    ++phasedFailed;
                    ++phasedStatuses[s.status];
                }
                if (s.sentNs < baselineEnd)
                    baseLat.push_back(s.latencyUs);
                else if (inAny(phasedWindows, s.sentNs)) {
                    restartLat.push_back(s.latencyUs);
                    ++duringRestart;
                }
            } else if (!legacyWindows.empty() && s.sentNs >= legacyWindows.front().fromNs) {
                ++legacyTotal;
                if (s.status != 200)
                    ++legacyFailed;
            }
        }
    }
    const Summary b = summarize(baseLat);
    const Summary r = summarize(restartLat);
    const Summary e2e = summarize(e2eUs);
    const double baseSeconds = double(baselineEnd - baseline.fromNs) / 1e9;
    const double legacyRate = legacyTotal ? double(legacyFailed) / double(legacyTotal) : 0;
    const double addP50 = (r.p50 - b.p50) / 1e3, addP99 = (r.p99 - b.p99) / 1e3, addMax = (r.max - b.max) / 1e3;
    if (phasedFailed != 0 || restartFailures != 0)
        *phasedOk = false;
    *worstAddedP99 = std::max(*worstAddedP99, addP99);

    std::string table;
    std::printf("\n%d shards, %d clients: baseline %.0f req/s over %.1f s\n", shards, opt.clients, double(baseLat.size()) / baseSeconds,
                baseSeconds);
    std::printf("  phased: %zu restarts (%d not completed), %llu requests, %llu failed", phasedWindows.size(), restartFailures,
                (unsigned long long)phasedTotal, (unsigned long long)phasedFailed);
    for (const auto &[st, n] : phasedStatuses)
        std::printf(" [status %d: %llu]", st, (unsigned long long)n);
    std::printf("\n");
    // The first failures of the phased section, if any, with their answers: the evidence.
    int shown = 0;
    for (const auto &mine : failures) {
        for (const Failure &f : mine) {
            if (f.sentNs >= baseline.fromNs && f.sentNs < phasedEnd && f.doneNs < phasedEnd && shown++ < 5)
                std::printf("    failed at +%.1f ms: %s\n", double(f.sentNs - baseline.fromNs) / 1e6, f.body.c_str());
        }
    }
    std::printf("  latency ms          %8s %8s %8s\n", "p50", "p99", "max");
    std::printf("    baseline          %8.2f %8.2f %8.2f   (%zu requests)\n", b.p50 / 1e3, b.p99 / 1e3, b.max / 1e3, b.count);
    std::printf("    during restart    %8.2f %8.2f %8.2f   (%zu requests)\n", r.p50 / 1e3, r.p99 / 1e3, r.max / 1e3, r.count);
    std::printf("    added             %8.2f %8.2f %8.2f\n", addP50, addP99, addMax);
    const auto slow = std::count_if(e2eUs.begin(), e2eUs.end(), [](std::int64_t us) { return us > 20000; });
    std::printf("  restart end to end under load: p50 %.2f ms, p90 %.2f ms, max %.2f ms; %lld of %zu over 20 ms "
                "(service-reported mean %.1f ms)\n",
                e2e.p50 / 1e3, e2e.p90 / 1e3, e2e.max / 1e3, (long long)slow, e2eUs.size(), summarize(reportedMs).mean);
    const std::string phases = phasesJson(phaseUs, &table);
    std::printf("  phase durations (PhaseEnded duration_us):\n%s", table.c_str());
    std::printf("  legacy: %zu restarts, %llu requests after the first, %llu failed (%.1f%%; the seed's (N-1)/N = %.1f%%)\n",
                legacyWindows.size(), (unsigned long long)legacyTotal, (unsigned long long)legacyFailed, 100 * legacyRate,
                100.0 * (shards - 1) / shards);
    std::fflush(stdout);

    return "{\"shards\":" + std::to_string(shards) + ",\"clients\":" + std::to_string(opt.clients)
        + ",\"baseline_rps\":" + num(double(baseLat.size()) / baseSeconds, 0)
        + ",\"phased\":{\"restarts\":" + std::to_string(phasedWindows.size()) + ",\"not_completed\":" + std::to_string(restartFailures)
        + ",\"requests\":" + std::to_string(phasedTotal) + ",\"failed\":" + std::to_string(phasedFailed)
        + ",\"requests_during_restart\":" + std::to_string(duringRestart)
        + ",\"baseline_ms\":{\"p50\":" + num(b.p50 / 1e3) + ",\"p99\":" + num(b.p99 / 1e3) + ",\"max\":" + num(b.max / 1e3) + "}"
        + ",\"during_restart_ms\":{\"p50\":" + num(r.p50 / 1e3) + ",\"p99\":" + num(r.p99 / 1e3) + ",\"max\":" + num(r.max / 1e3) + "}"
        + ",\"added_ms\":{\"p50\":" + num(addP50) + ",\"p99\":" + num(addP99) + ",\"max\":" + num(addMax) + "}"
        + ",\"restart_e2e_ms\":{\"p50\":" + num(e2e.p50 / 1e3) + ",\"p90\":" + num(e2e.p90 / 1e3) + ",\"max\":" + num(e2e.max / 1e3)
        + ",\"over_20ms\":" + std::to_string(slow) + "}"
        + ",\"phase_ms\":" + phases + "}"
        + ",\"legacy\":{\"restarts\":" + std::to_string(legacyWindows.size()) + ",\"requests\":" + std::to_string(legacyTotal)
        + ",\"failed\":" + std::to_string(legacyFailed) + ",\"failure_rate\":" + num(legacyRate, 4) + "}}";
}

// Idle shards (no load), restarted end to end: from requestRestart() to the
// RestartFinished event, measured here, and the service's own duration_ms.
std::string runIdle(int shards, int restarts, std::int64_t hardDeadlineNs, double *p50Ms, double *maxMs)
{
    ShardService service(smallConfig(shards));
    QString error;
    if (!service.start(&error)) {
        std::fprintf(stderr, "service did not start: %s\n", qPrintable(error));
        std::exit(1);
    }
    RestartWatcher watcher(service);
    std::vector<std::int64_t> e2eUs, reportedMs;
    std::map<std::string, std::vector<std::int64_t>> phaseUs;
    int notCompleted = 0;
    for (int k = 0; k < restarts && nowNs() < hardDeadlineNs; ++k) {
        const std::int64_t t0 = nowNs();
        const CommandTicket t = service.requestRestart(RestartOptions{});
        RestartWatcher::Finished f;
        if (!t.accepted() || !watcher.waitFinished(t.restartId, &f, std::chrono::seconds(20)) || f.outcome != "completed") {
            ++notCompleted;
            continue;
        }
        e2eUs.push_back((f.atNs - t0) / 1000);
        reportedMs.push_back(f.durationMs);
        for (const auto &[name, us] : watcher.phases(t.restartId))
            phaseUs[name].push_back(us);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    service.shutdown(std::chrono::seconds(2));
    const Summary e = summarize(e2eUs);
    const Summary rep = summarize(reportedMs);
    *p50Ms = e.p50 / 1e3;
    *maxMs = e.max / 1e3;
    std::string table;
    const std::string phases = phasesJson(phaseUs, &table);
    std::printf("\n%d idle shards, %zu phased restarts end to end:\n", shards, e2eUs.size());
    std::printf("  measured p50 %.2f ms, p99 %.2f ms, max %.2f ms; service-reported p50 %.0f ms, max %.0f ms; %d not completed\n",
                e.p50 / 1e3, e.p99 / 1e3, e.max / 1e3, rep.p50, rep.max, notCompleted);
    std::printf("  phase durations (PhaseEnded duration_us):\n%s", table.c_str());
    std::fflush(stdout);
    return "{\"shards\":" + std::to_string(shards) + ",\"restarts\":" + std::to_string(e2eUs.size())
        + ",\"not_completed\":" + std::to_string(notCompleted) + ",\"e2e_ms\":{\"p50\":" + num(e.p50 / 1e3) + ",\"p99\":"
        + num(e.p99 / 1e3) + ",\"max\":" + num(e.max / 1e3) + "},\"reported_ms\":{\"p50\":" + num(rep.p50, 0) + ",\"max\":"
        + num(rep.max, 0) + "},\"phase_ms\":" + phases + "}";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    spdlog::set_level(spdlog::level::warn);
    const Args args(argc, argv);
    const std::vector<int> shardCounts = args.ints("shards", "4,16,64");
    Options opt;
    opt.clients = int(args.num("clients", 4));
    opt.restarts = int(args.num("restarts", 20));
    opt.legacyRestarts = int(args.num("legacy-restarts", 5));
    opt.baselineMs = int(args.num("baseline-ms", 2000));
    opt.gapMs = int(args.num("gap-ms", 150));
    opt.maxRequestsPerClient = std::size_t(args.num("max-requests-per-client", 2e6));
    opt.hardDeadlineNs = nowNs() + std::int64_t(args.num("max-seconds", 120) * 1e9);
    const std::vector<int> idleShards = args.ints("idle-shards", "64");
    const int idleRestarts = int(args.num("idle-restarts", 20));

    std::printf("Restart under load: closed-loop HTTP clients on 127.0.0.1 (echo/degree), %d phased then %d legacy "
                "restarts per shard count, %d ms baseline, %d ms between restarts\n",
                opt.restarts, opt.legacyRestarts, opt.baselineMs, opt.gapMs);
    bool phasedOk = true;
    double worstAddedP99 = 0;
    std::string rows;
    for (int n : shardCounts) {
        if (!rows.empty())
            rows += ",";
        rows += runUnderLoad(n, opt, &phasedOk, &worstAddedP99);
    }
    // "idle" is the first idle shard count; "idle_rows" all of them.
    std::string idle, idleRows, idleSummary;
    for (int n : idleShards) {
        double p50 = 0, max = 0;
        const std::string row = runIdle(n, idleRestarts, opt.hardDeadlineNs + std::int64_t(30e9), &p50, &max);
        idle = idle.empty() ? row : idle;
        idleRows += (idleRows.empty() ? "" : ",") + row;
        char line[96];
        std::snprintf(line, sizeof line, "; %d idle shards p50 %.2f ms max %.2f ms", n, p50, max);
        idleSummary += line;
    }
    std::printf("\nsummary: phased failures %s; worst added p99 %.2f ms%s\n", phasedOk ? "none" : "SOME", worstAddedP99,
                idleSummary.c_str());
    std::printf("JSON {\"bench\":\"restart\",\"clients\":%d,\"restarts\":%d,\"legacy_restarts\":%d,\"baseline_ms\":%d,"
                "\"gap_ms\":%d,\"phased_zero_failures\":%s,\"worst_added_p99_ms\":%s,\"rows\":[%s],\"idle\":%s,"
                "\"idle_rows\":[%s]}\n",
                opt.clients, opt.restarts, opt.legacyRestarts, opt.baselineMs, opt.gapMs, phasedOk ? "true" : "false",
                num(worstAddedP99).c_str(), rows.c_str(), idle.c_str(), idleRows.c_str());
    return 0;
}
