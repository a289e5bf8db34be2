// Fairness under long queries (issue 22): echo latency on idle shards of a headless
// service while N `spin` queries run, each pinned to a shard of its own, over real HTTP
// on 127.0.0.1. SHARDSCOPE_TEST_BINARY picks the binary (e.g. a build from before a
// change), as for the tests.
//
//   bench_fairness --spins 2,6,32 --idle-shards 8 --seconds 3
//
// Per N: a fresh `shardscope --headless --shards max(16, N + idle)`, N connections each
// sending one spin of --spin-ms (with a deadline of the sampling window plus 5 s, so that
// every spin ends by itself), then one keep-alive client sends echo queries round-robin
// to the idle shards, one after another, for --seconds. Prints a table and one JSON line.
#include "tests/bench/BenchCommon.h"
#include "tests/support/HeadlessProcess.h"
#include "tests/support/HttpTestClient.h"
#include "tests/support/RawHttp.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QProcess>
#include <QThread>
#include <QTest>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace shardscope;
using namespace shardscope::bench;

namespace {

struct Row {
    int spins = 0;
    int shards = 0;
    bool allSpinsAdmitted = false;
    Summary echoMs;
    std::size_t failed = 0;
};

QByteArray post(const QByteArray &body)
{
    return "POST /v1/query HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

std::uint64_t inFlight(test::HttpTestClient &client)
{
    const auto status = client.get("/v1/service/status");
    return std::uint64_t(status.json().value(QStringLiteral("ledger")).toObject().value(QStringLiteral("in_flight")).toDouble());
}

Row measure(int spins, int idleShards, int spinMs, double seconds)
{
    Row row;
    row.spins = spins;
    row.shards = std::max(16, spins + idleShards);
    QProcess process;
    const quint16 port = test::startHeadless(process, {QStringLiteral("--shards"), QString::number(row.shards),
                                                       QStringLiteral("--log-level"), QStringLiteral("warn")});
    if (port == 0) {
        std::fprintf(stderr, "the service did not start: %s\n", process.readAllStandardError().constData());
        return row;
    }
    const int deadlineMs = int(seconds * 1000) + 5000;
    std::vector<std::unique_ptr<test::RawConnection>> spinning;
    for (int s = 0; s < spins; ++s) {
        spinning.push_back(std::make_unique<test::RawConnection>(port));
        spinning.back()->send(post(QByteArray(R"({"procedure":"spin","args":{"ms":)") + QByteArray::number(spinMs)
                                   + R"(},"shard":)" + QByteArray::number(s) + R"(,"deadline_ms":)"
                                   + QByteArray::number(deadlineMs) + '}'));
    }
    test::HttpTestClient client("127.0.0.1", port, 30000);
    row.allSpinsAdmitted = QTest::qWaitFor([&] { return inFlight(client) >= std::uint64_t(spins); }, 5000);
    std::vector<double> ms;
    const auto until = Clock::now() + std::chrono::milliseconds(std::int64_t(seconds * 1000));
    for (int i = 0; Clock::now() < until; ++i) {
        const int shard = spins + i % (row.shards - spins);
        const auto sent = Clock::now();
        const auto reply = client.post("/v1/query", QByteArray(R"({"procedure":"echo","args":{},"shard":)") + QByteArray::number(shard) + '}');
        const double took = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        if (reply.status == 200)
            ms.push_back(took);
        else
            ++row.failed;
    }
    row.echoMs = summarize(ms);
    process.kill(); // the spins need not run out
    process.waitForFinished(5000);
    return row;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Args args(argc, argv);
    const std::vector<int> spinCounts = args.ints("spins", "2,6,32");
    const int idleShards = int(args.num("idle-shards", 8));
    const int spinMs = int(args.num("spin-ms", 10000));
    const double seconds = args.num("seconds", 3);
    const std::string binary = qEnvironmentVariable("SHARDSCOPE_TEST_BINARY", QStringLiteral(SHARDSCOPE_BINARY)).toStdString();

    std::printf("binary %s, %d cores; echo on idle shards while N spins of %d ms run (%g s per N)\n", binary.c_str(),
                std::max(1, QThread::idealThreadCount()), spinMs, seconds);
    std::printf("%6s %7s %8s %9s %9s %9s %7s\n", "spins", "shards", "echoes", "p50 ms", "p99 ms", "max ms", "failed");
    std::string json = "{\"bench\":\"fairness\",\"binary\":\"" + binary + "\",\"spin_ms\":" + std::to_string(spinMs) + ",\"rows\":[";
    for (std::size_t i = 0; i < spinCounts.size(); ++i) {
        const Row r = measure(spinCounts[i], idleShards, spinMs, seconds);
        std::printf("%6d %7d %8zu %9s %9s %9s %7zu%s\n", r.spins, r.shards, r.echoMs.count, num(r.echoMs.p50, 2).c_str(),
                    num(r.echoMs.p99, 2).c_str(), num(r.echoMs.max, 2).c_str(), r.failed,
                    r.allSpinsAdmitted ? "" : "  (not every spin was admitted in 5 s)");
        std::fflush(stdout);
        json += std::string(i ? "," : "") + "{\"spins\":" + std::to_string(r.spins) + ",\"shards\":" + std::to_string(r.shards)
            + ",\"echoes\":" + std::to_string(r.echoMs.count) + ",\"failed\":" + std::to_string(r.failed)
            + ",\"p50_ms\":" + num(r.echoMs.p50, 2) + ",\"p99_ms\":" + num(r.echoMs.p99, 2) + ",\"max_ms\":" + num(r.echoMs.max, 2) + "}";
    }
    json += "]}";
    std::printf("JSON %s\n", json.c_str());
    return 0;
}
