#include "FleetNodes.h"

#include "tests/bench/BenchCommon.h"
#include "tests/bench/console/EventLoopWait.h"
#include "tests/support/ChildProcess.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace shardscope::bench {

using namespace shardscope::test;

[[noreturn]] void die(const QString &why)
{
    std::fprintf(stderr, "bench_fleet: %s\n", qPrintable(why));
    std::fflush(stdout);
    std::_Exit(1); // a window and its models are not torn down from here; the nodes die with this process
}

// utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15).
double processCpuSeconds(qint64 pid)
{
    std::ifstream in("/proc/" + (pid ? std::to_string(pid) : std::string("self")) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t close = text.rfind(')'); // the command may hold spaces
    if (close == std::string::npos)
        return 0;
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::atof(field.c_str());
        if (i == 15)
            stime = std::atof(field.c_str());
    }
    return (utime + stime) / double(sysconf(_SC_CLK_TCK));
}

double nodesCpuSeconds(const Nodes &nodes)
{
    double sum = 0;
    for (const auto &n : nodes)
        sum += processCpuSeconds(n->process->processId());
    return sum;
}

std::int64_t servingAgainMs(const ClusterNodeProcess &node, quint64 before)
{
    HttpTestClient http("127.0.0.1", node.port, 10000);
    const QJsonArray events = http.get("/v1/service/events?since=0&limit=10000").json().value(QStringLiteral("events")).toArray();
    std::int64_t last = 0;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("kind")).toString() == QLatin1String("shard_state") && e.value(QStringLiteral("state")).toString() == QLatin1String("serving")
            && quint64(e.value(QStringLiteral("version")).toDouble()) > before)
            last = std::max(last, std::int64_t(e.value(QStringLiteral("time_ms")).toDouble()));
    }
    return last;
}

QString postRestart(const ClusterNodeProcess &node, const QString &strategy, QString *refusal)
{
    HttpTestClient http("127.0.0.1", node.port, 10000);
    const QByteArray body = QStringLiteral(R"({"strategy":"%1","grace_ms":0,"settle_ms":0})").arg(strategy).toUtf8();
    HttpTestClient::Response r;
    waitUntil([&] {
        r = http.post("/v1/cluster/restart", body);
        return r.status != 503;
    }, 30000, 1000);
    if (r.status == 400 && refusal) { // the cluster will not take it (its size, etcd's limits): said, not fatal
        *refusal = r.json().value(QStringLiteral("message")).toString();
        return {};
    }
    if (r.status != 202)
        die(QStringLiteral("%1 restart refused: %2 %3").arg(strategy).arg(r.status).arg(QString::fromUtf8(r.body.left(300))));
    return r.json().value(QStringLiteral("restart_id")).toVariant().toString();
}

void progress(const char *what, int count)
{
    static const std::int64_t t0 = nowNs();
    std::fprintf(stderr, "bench_fleet: %6.1f s: %s (%d nodes)\n", double(nowNs() - t0) / 1e9, what, count);
}

void growTo(Nodes &nodes, const EtcdProcess &etcd, const QString &cluster, int count, int shards, int ttl, const QStringList &extra)
{
    const std::size_t first = nodes.size();
    for (int i = int(first); i < count; ++i) {
        auto node = std::make_unique<ClusterNodeProcess>();
        node->id = QStringLiteral("n%1").arg(i);
        dieWithTest(*node->process);
        node->process->start(qEnvironmentVariable("SHARDSCOPE_TEST_BINARY", QStringLiteral(SHARDSCOPE_BINARY)),
                             QStringList{QStringLiteral("--headless"), QStringLiteral("--shards"), QString::number(shards),
                              QStringLiteral("--audit-file"), QString(), QStringLiteral("--etcd"), etcd.urlText(),
                              QStringLiteral("--cluster"), cluster, QStringLiteral("--node-id"), node->id,
                              QStringLiteral("--lease-ttl"), QString::number(ttl), QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:0")} + extra);
        nodes.push_back(std::move(node));
    }
    const QRegularExpression re(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    const bool listening = waitUntil([&] {
        bool all = true;
        for (std::size_t i = first; i < nodes.size(); ++i) {
            ClusterNodeProcess &n = *nodes[i];
            if (n.port)
                continue;
            n.startOutput += n.process->readAllStandardOutput();
            const auto m = re.match(QString::fromUtf8(n.startOutput));
            if (m.hasMatch())
                n.port = quint16(m.captured(1).toUInt());
            else if (n.process->state() == QProcess::NotRunning)
                die(QStringLiteral("node %1 did not start: %2").arg(n.id, QString::fromUtf8(n.startOutput.right(400))));
            all = all && n.port;
        }
        return all;
    }, 120000, 50);
    if (!listening)
        die(QStringLiteral("not every node listened within 120 s"));
    progress("listening", count);
    const bool formed = waitUntil([&] { return seesFormed(*nodes.front(), count); }, 120000, 250);
    if (!formed)
        die(QStringLiteral("%1 nodes did not form a cluster within 120 s").arg(count));
    progress("formed", count);
}

bool restartedPast(const ClusterNodeProcess &node, quint64 before)
{
    const QJsonObject ready = HttpTestClient("127.0.0.1", node.port, 10000).get("/v1/service/ready").json();
    return ready.value(QStringLiteral("distinct_versions")).toInt() == 1
           && quint64(ready.value(QStringLiteral("version")).toDouble()) > before;
}

} // namespace shardscope::bench
