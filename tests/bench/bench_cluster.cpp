// Part 5: cluster restarts on a real etcd, through a real HAProxy, on 127.0.0.1.
//
//   bench_cluster --nodes 4 --shards 8 --clients 4 --strategies rolling,lockstep,lockstep_drain2s
//                 --idle-restarts 5 --takeover 1 --scale-nodes 16 --scale-shards 2
//
// Under load: closed-loop echo clients through HAProxy; each strategy's restart window
// is compared with the window just before it (same run): failed requests and added p99.
// Idle: end to end of a restart on idle nodes, from the journal's own clock (created to
// last write). Takeover: the coordinator is killed with SIGKILL mid-restart; the time until
// another node coordinates. Scale: etcd operations per second at rest and the status
// document's size, at the base size and at --scale-nodes.
#include "tests/bench/BenchCommon.h"
#include "tests/bench/cluster/ClusterLoad.h"
#include "tests/cluster/ClusterTestSupport.h"
#include "tests/support/HaproxyProcess.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <csignal>
#include <fstream>
#include <thread>

using namespace shardscope;
using namespace shardscope::bench;
using namespace shardscope::test;
using namespace std::chrono_literals;

namespace {

using Nodes = std::vector<std::unique_ptr<ClusterNodeProcess>>;

[[noreturn]] void die(const QString &why)
{
    std::fprintf(stderr, "bench_cluster: %s\n", qPrintable(why));
    std::exit(1);
}

template<typename F>
bool waitFor(F done, std::chrono::milliseconds limit, std::chrono::milliseconds step = 20ms)
{
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        if (done())
            return true;
        std::this_thread::sleep_for(step);
    }
    return done();
}

Nodes startNodes(const EtcdProcess &etcd, const QString &cluster, int count, int shards, int ttl)
{
    Nodes nodes;
    for (int i = 0; i < count; ++i) {
        nodes.push_back(startNode(etcd.urlText(), QStringLiteral("n%1").arg(i), shards, ttl, cluster));
        if (!nodes.back()->port)
            die(QStringLiteral("node n%1 did not start: %2").arg(i).arg(QString::fromUtf8(nodes.back()->startOutput)));
    }
    const bool formed = waitFor([&] { return seesFormed(*nodes.front(), count); }, 20s);
    if (!formed)
        die(QStringLiteral("%1 nodes did not form a cluster within 20 s").arg(count));
    return nodes;
}

struct Started {
    int status = 0;
    QString id, error;
};

Started postRestart(const ClusterNodeProcess &node, const QByteArray &body)
{
    HttpTestClient http("127.0.0.1", node.port, 5000);
    const auto r = http.post("/v1/cluster/restart", body);
    Started s{r.status, {}, {}};
    const QJsonObject o = r.json();
    s.id = o.value(QStringLiteral("restart_id")).toVariant().toString();
    s.error = o.value(QStringLiteral("error")).toString();
    if (s.error.isEmpty() && r.status != 202)
        s.error = QString::fromUtf8(r.body.left(300));
    return s;
}

// The finished journal of restart `id` as `node` reports it (empty while it runs).
QJsonObject finished(const ClusterNodeProcess &node, const QString &id)
{
    const QJsonObject last = node.clusterStatus().value(QStringLiteral("last_restart")).toObject();
    return last.value(QStringLiteral("id")).toVariant().toString() == id ? last : QJsonObject();
}

QJsonObject waitFinished(const ClusterNodeProcess &node, const QString &id, std::chrono::milliseconds limit)
{
    QJsonObject done;
    waitFor([&] { return !(done = finished(node, id)).isEmpty(); }, limit);
    return done;
}

// End to end by the journal's clock: created (the id is its creation time) to last write.
double journalMs(const QJsonObject &j)
{
    return j.value(QStringLiteral("updated_ms")).toDouble() - j.value(QStringLiteral("created_ms")).toDouble();
}

// lockstep_drain2s: a lockstep restart whose drain a 2 s query holds open on every node,
// so the gates stay closed for seconds with HAProxy in front (issue 21, defect 2).
constexpr auto kHeldDrain = "lockstep_drain2s";
constexpr int kHeldDrainMs = 2000;

QByteArray bodyFor(const std::string &strategy)
{
    if (strategy == kHeldDrain)
        return R"({"strategy":"lockstep","drain_timeout_ms":5000})";
    // rolling: admission reject, so a request HAProxy still sent to a restarting node
    // would show as a failure; lockstep holds requests at every node's gate until commit.
    if (strategy == "rolling")
        return R"({"strategy":"rolling","grace_ms":400,"settle_ms":200,"admission":"reject"})";
    return QByteArray(R"({"strategy":")") + strategy.c_str() + R"("})";
}

std::string underLoad(const Nodes &nodes, quint16 lbPort, int clients, const std::string &strategy, double baselineMs)
{
    ClusterLoad load(lbPort, clients);
    if (!waitFor([&] { return load.answered() > 200; }, 10s))
        die(QStringLiteral("no answers through HAProxy"));
    const std::int64_t baseFrom = nowNs();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::int64_t(baselineMs)));
    std::vector<std::thread> sleepers; // each holds its node's drain open
    if (strategy == kHeldDrain) {
        for (const auto &n : nodes) {
            sleepers.emplace_back([port = n->port] {
                HttpTestClient http("127.0.0.1", port, kHeldDrainMs + 10000);
                http.post("/v1/query", QStringLiteral(R"({"procedure":"sleep","args":{"ms":%1}})").arg(kHeldDrainMs).toUtf8());
            });
        }
        const bool held = waitFor([&] {
            for (const auto &n : nodes) {
                HttpTestClient http("127.0.0.1", n->port, 2000);
                const QJsonObject ledger = http.get("/v1/service/status").json().value(QStringLiteral("ledger")).toObject();
                if (ledger.value(QStringLiteral("in_flight")).toInt() < 1)
                    return false;
            }
            return true;
        }, 5s);
        if (!held)
            die(QStringLiteral("the 2 s sleep queries were not in flight on every node"));
    }
    const auto joinSleepers = [&] {
        for (auto &t : sleepers)
            t.join();
        sleepers.clear();
    };
    const std::int64_t restartFrom = nowNs();
    const Started s = postRestart(*nodes.back(), bodyFor(strategy));
    if (s.status != 202) {
        load.stop();
        joinSleepers();
        std::printf("  %-8s under load: not run (%d %s)\n", strategy.c_str(), s.status, qPrintable(s.error));
        return "\"" + strategy + "\":{\"run\":false,\"status\":" + std::to_string(s.status) + "}";
    }
    const QJsonObject done = waitFinished(*nodes.front(), s.id, 120s);
    const std::int64_t restartTo = nowNs();
    load.stop();
    joinSleepers();
    const WindowFigures base = load.window(baseFrom, restartFrom);
    const WindowFigures during = load.window(restartFrom, restartTo);
    const QString state = done.value(QStringLiteral("state")).toString();
    std::printf("  %-8s under load: %s in %.0f ms; %zu requests, %zu failed; p99 %.2f ms before, %.2f ms during "
                "(added %.2f ms); p50 %.2f / %.2f ms\n",
                strategy.c_str(), qPrintable(state.isEmpty() ? QStringLiteral("not finished") : state), journalMs(done),
                during.requests, during.failed, base.p99Ms, during.p99Ms, during.p99Ms - base.p99Ms, base.p50Ms, during.p50Ms);
    if (!during.firstFailure.isEmpty())
        std::printf("           first failure: %s\n", during.firstFailure.constData());
    return "\"" + strategy + "\":{\"run\":true,\"state\":\"" + state.toStdString() + "\",\"e2e_ms\":" + num(journalMs(done), 1)
           + ",\"requests\":" + std::to_string(during.requests) + ",\"failed\":" + std::to_string(during.failed)
           + ",\"baseline_p99_ms\":" + num(base.p99Ms, 2) + ",\"during_p99_ms\":" + num(during.p99Ms, 2)
           + ",\"added_p99_ms\":" + num(during.p99Ms - base.p99Ms, 2) + "}";
}

std::string idle(const Nodes &nodes, const std::string &strategy, int repeats)
{
    std::vector<double> ms;
    std::string state = "completed";
    for (int i = 0; i < repeats; ++i) {
        const Started s = postRestart(*nodes.front(), strategy == "rolling"
                                                           ? QByteArray(R"({"strategy":"rolling","grace_ms":0,"settle_ms":0})")
                                                           : bodyFor(strategy));
        if (s.status != 202) {
            std::printf("  %-8s idle: not run (%d %s)\n", strategy.c_str(), s.status, qPrintable(s.error));
            return "\"" + strategy + "\":{\"run\":false}";
        }
        const QJsonObject done = waitFinished(*nodes.front(), s.id, 60s);
        if (done.value(QStringLiteral("state")).toString() != QLatin1String("completed"))
            state = done.value(QStringLiteral("state")).toString().toStdString();
        ms.push_back(journalMs(done));
    }
    const Summary s = summarize(ms);
    std::printf("  %-8s idle, %zu nodes: end to end p50 %.1f ms, max %.1f ms (%d restarts, %s)\n", strategy.c_str(),
                nodes.size(), s.p50, s.max, repeats, state.c_str());
    return "\"" + strategy + "\":{\"run\":true,\"state\":\"" + state + "\",\"p50_ms\":" + num(s.p50, 1) + ",\"max_ms\":"
           + num(s.max, 1) + "}";
}

int indexOf(const Nodes &nodes, const QString &id)
{
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i]->id == id)
            return int(i);
    }
    return -1;
}

std::string takeover(const Nodes &nodes, int ttl)
{
    const Started s = postRestart(*nodes.front(), R"({"strategy":"rolling","grace_ms":1500,"settle_ms":200})");
    if (s.status != 202)
        die(QStringLiteral("takeover: restart refused: %1").arg(s.error));
    QString coordinator;
    waitFor([&] {
        const QJsonObject r = nodes.front()->clusterStatus().value(QStringLiteral("restart")).toObject();
        coordinator = r.value(QStringLiteral("coordinator")).toString();
        return !coordinator.isEmpty();
    }, 5s);
    const int victim = indexOf(nodes, coordinator);
    if (victim < 0)
        die(QStringLiteral("takeover: no coordinator in the running restart"));
    const auto &observer = nodes[std::size_t(victim == 0 ? 1 : 0)];
    const std::int64_t killed = nowNs();
    nodes[std::size_t(victim)]->signal(SIGKILL);
    QString successor;
    const bool took = waitFor([&] {
        successor = observer->clusterStatus().value(QStringLiteral("coordinator")).toString();
        return !successor.isEmpty() && successor != coordinator;
    }, std::chrono::seconds(ttl + 10), 5ms);
    const double takeoverMs = double(nowNs() - killed) / 1e6;
    const QJsonObject done = waitFinished(*observer, s.id, 60s);
    const QString state = done.value(QStringLiteral("state")).toString();
    std::printf("  takeover: coordinator %s killed (SIGKILL) mid-restart; %s coordinates after %.0f ms (lease TTL %d s); "
                "the restart ended %s: %s\n",
                qPrintable(coordinator), took ? qPrintable(successor) : "nobody", takeoverMs, ttl,
                qPrintable(state.isEmpty() ? QStringLiteral("not finished") : state),
                qPrintable(done.value(QStringLiteral("reason")).toString()));
    return "\"takeover\":{\"ttl_s\":" + std::to_string(ttl) + ",\"takeover_ms\":" + num(took ? takeoverMs : -1, 0)
           + ",\"state\":\"" + state.toStdString() + "\"}";
}

// etcd's own counters of key-value operations (etcd 3.4 /metrics).
std::map<std::string, double> etcdOps(const EtcdProcess &etcd)
{
    QProcess curl; // etcd sends /metrics chunked, which the test client does not read
    curl.start(QStringLiteral("curl"), {QStringLiteral("-sf"), QStringLiteral("--max-time"), QStringLiteral("5"), etcd.urlText() + QStringLiteral("/metrics")});
    curl.waitForFinished(8000);
    const QByteArray text = curl.readAllStandardOutput();
    std::map<std::string, double> out;
    for (const QByteArray &line : text.split('\n')) {
        for (const char *name : {"etcd_mvcc_put_total", "etcd_mvcc_txn_total", "etcd_mvcc_range_total", "etcd_mvcc_delete_total",
                                 "etcd_server_proposals_committed_total"}) {
            if (line.startsWith(QByteArray(QByteArray(name) + ' ')))
                out[name] = line.mid(int(std::strlen(name)) + 1).toDouble();
        }
    }
    return out;
}

double rssMb(qint64 pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            double kb = 0;
            in >> kb;
            return kb / 1024.0;
        }
    }
    return 0;
}

std::string scale(const EtcdProcess &etcd, const Nodes &nodes, double seconds)
{
    const auto a = etcdOps(etcd);
    const std::int64_t t0 = nowNs();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::int64_t(seconds * 1000)));
    const auto b = etcdOps(etcd);
    const double s = double(nowNs() - t0) / 1e9;
    auto rate = [&](const char *k) { return a.count(k) && b.count(k) ? (b.at(k) - a.at(k)) / s : -1.0; };
    HttpTestClient http("127.0.0.1", nodes.front()->port, 5000);
    const QJsonObject status = http.get("/v1/cluster/status").json();
    const std::size_t statusBytes = std::size_t(QJsonDocument(status).toJson(QJsonDocument::Compact).size());
    const std::size_t perNode = std::size_t(QJsonDocument(status.value(QStringLiteral("nodes")).toArray()).toJson(QJsonDocument::Compact).size())
                                / nodes.size();
    const std::size_t serviceBytes = std::size_t(http.get("/v1/service/status").body.size());
    double rss = 0;
    for (const auto &n : nodes)
        rss += rssMb(n->process->processId());
    rss /= double(nodes.size());
    const double writes = rate("etcd_mvcc_put_total") + rate("etcd_mvcc_txn_total") + rate("etcd_mvcc_delete_total");
    std::printf("  %2zu nodes at rest: etcd %.1f writes/s (put+txn+delete), %.1f reads/s, %.1f proposals/s; "
                "cluster status %zu bytes (%zu per node), a node's /v1/service/status %zu bytes; node RSS %.1f MB each\n",
                nodes.size(), writes, rate("etcd_mvcc_range_total"), rate("etcd_server_proposals_committed_total"),
                statusBytes, perNode, serviceBytes, rss);
    return "{\"nodes\":" + std::to_string(nodes.size()) + ",\"etcd_writes_per_s\":" + num(writes, 1)
           + ",\"etcd_reads_per_s\":" + num(rate("etcd_mvcc_range_total"), 1) + ",\"cluster_status_bytes\":"
           + std::to_string(statusBytes) + ",\"status_bytes_per_node\":" + std::to_string(perNode) + ",\"service_status_bytes\":" + std::to_string(serviceBytes)
           + ",\"node_rss_mb\":" + num(rss, 1) + "}";
}

std::vector<std::string> split(const std::string &s)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        const std::size_t comma = s.find(',', pos);
        out.push_back(s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
        if (comma == std::string::npos)
            break;
        pos = comma + 1;
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Args args(argc, argv);
    const int nodeCount = int(args.num("nodes", 4)), shards = int(args.num("shards", 8)), clients = int(args.num("clients", 4));
    const int ttl = int(args.num("lease-ttl", 2)), scaleNodes = int(args.num("scale-nodes", 0));
    const auto strategies = split(args.str("strategies", "rolling,lockstep"));
    const int maxSeconds = int(args.num("max-seconds", 300));
    std::thread([maxSeconds] { // a bound on the whole run, whatever hangs
        std::this_thread::sleep_for(std::chrono::seconds(maxSeconds));
        std::fprintf(stderr, "bench_cluster: over --max-seconds %d, giving up\n", maxSeconds);
        std::_Exit(3);
    }).detach();

    EtcdProcess etcd;
    QString error;
    if (!etcd.start(&error))
        die(QStringLiteral("etcd: %1").arg(error));
    std::printf("Cluster on 127.0.0.1: etcd %s, %d nodes x %d shards behind HAProxy, %d closed-loop clients, lease TTL %d s\n",
                qPrintable(etcd.urlText()), nodeCount, shards, clients, ttl);
    std::string takeoverJson;
    std::string json = "{\"bench\":\"cluster\",\"nodes\":" + std::to_string(nodeCount) + ",\"shards\":" + std::to_string(shards);
    {
        const Nodes nodes = startNodes(etcd, QStringLiteral("bench"), nodeCount, shards, ttl);
        HaproxyProcess haproxy;
        QList<quint16> ports;
        for (const auto &n : nodes)
            ports << n->port;
        if (!haproxy.start(ports, &error))
            die(QStringLiteral("haproxy: %1").arg(error));
        json += ",\"load\":{";
        for (std::size_t i = 0; i < strategies.size(); ++i)
            json += (i ? "," : "") + underLoad(nodes, haproxy.port(), clients, strategies[i], args.num("baseline-ms", 2000));
        json += "},\"idle\":{";
        bool first = true;
        for (const std::string &strategy : strategies) {
            if (strategy != kHeldDrain) // a held drain is a load case only
                json += (std::exchange(first, false) ? "" : ",") + idle(nodes, strategy, int(args.num("idle-restarts", 5)));
        }
        json += "},\"scale\":[" + scale(etcd, nodes, args.num("rest-seconds", 3));
        if (args.num("takeover", 1) > 0)
            takeoverJson = takeover(nodes, ttl);
    } // the base cluster is gone before the larger one is measured
    if (scaleNodes > 0) {
        const Nodes many = startNodes(etcd, QStringLiteral("bench-scale"), scaleNodes, int(args.num("scale-shards", 2)), ttl);
        json += "," + scale(etcd, many, args.num("rest-seconds", 3));
        json += "],\"scale_rolling\":{" + idle(many, "rolling", 1) + "}";
    } else {
        json += "]";
    }
    if (!takeoverJson.empty())
        json += "," + takeoverJson;
    json += "}";
    std::printf("JSON %s\n", json.c_str());
    return 0;
}
