// Part 7: the cluster console following a fleet (issue 24), on a real etcd and real nodes.
//
//   bench_fleet --nodes 16,32,64 --shards 64 --rest-seconds 5 --restart-seconds 20 --modes summary,full
//
// One cluster grows to each node count in turn (nodes n0.. of --shards shards each, as
// `shardscope --headless --etcd --cluster` runs them). Per count: the nodes' own CPU with
// no console attached, then per mode the console's model as the cluster window drives it
// (ClusterClient + ClusterModel, in this process's main thread, no window) at rest and
// during a rolling restart of every node (its first --restart-seconds at most). Modes: `full` follows every node's full snapshot
// stream (every shard, 10 times a second: the console before issue 24); `summary` follows
// every node's summary stream and one node (n0, the one in view) in full.
//
// Figures: main (GUI) thread CPU and the whole process's, as % of one core; the process's
// peak RSS (VmHWM, reset before each mode); per node, the CPU that serving the console
// adds (the node's CPU in the window minus its CPU with no console) and the stream bytes
// per second the console reads from it.
#include "tests/bench/BenchCommon.h"
#include "tests/bench/console/EventLoopWait.h"
#include "tests/cluster/ClusterTestSupport.h"
#include "tests/support/ChildProcess.h"

#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterModel.h"
#include "model/shards/ShardTableModel.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace shardscope;
using namespace shardscope::bench;
using namespace shardscope::test;
using namespace std::chrono_literals;

namespace {

using Nodes = std::vector<std::unique_ptr<ClusterNodeProcess>>;

[[noreturn]] void die(const QString &why)
{
    std::fprintf(stderr, "bench_fleet: %s\n", qPrintable(why));
    std::exit(1);
}

std::int64_t threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
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

double statusMb(const char *key)
{
    std::ifstream in("/proc/self/status");
    std::string k;
    while (in >> k) {
        if (k == key) {
            double kb = 0;
            in >> kb;
            return kb / 1024.0;
        }
    }
    return 0;
}

void resetPeakRss()
{
    std::ofstream("/proc/self/clear_refs") << "5"; // VmHWM starts again from VmRSS
}

double nodesCpuSeconds(const Nodes &nodes)
{
    double sum = 0;
    for (const auto &n : nodes)
        sum += processCpuSeconds(n->process->processId());
    return sum;
}

// What one window cost: the console's threads, the nodes, the wire.
struct Window {
    double seconds = 0, guiPct = 0, processPct = 0, nodePct = 0, bytesPerNodePerS = 0;
    double bytesInViewPerS = 0, bytesOthersPerS = 0; // from n0 (in view), and from each other node
};

template<typename Run>
Window measure(const Nodes &nodes, const ClusterModel *model, Run run)
{
    const std::int64_t t0 = nowNs(), gui0 = threadCpuNs();
    const double proc0 = processCpuSeconds(0), nodes0 = nodesCpuSeconds(nodes);
    const quint64 bytes0 = model ? model->bytesReceived() : 0;
    const quint64 view0 = model ? model->bytesReceivedFrom(nodes.front()->id) : 0;
    run();
    Window w;
    w.seconds = double(nowNs() - t0) / 1e9;
    w.guiPct = 100.0 * double(threadCpuNs() - gui0) / 1e9 / w.seconds;
    w.processPct = 100.0 * (processCpuSeconds(0) - proc0) / w.seconds;
    w.nodePct = 100.0 * (nodesCpuSeconds(nodes) - nodes0) / double(nodes.size()) / w.seconds;
    if (model) {
        const double all = double(model->bytesReceived() - bytes0), view = double(model->bytesReceivedFrom(nodes.front()->id) - view0);
        w.bytesPerNodePerS = all / double(nodes.size()) / w.seconds;
        w.bytesInViewPerS = view / w.seconds;
        w.bytesOthersPerS = nodes.size() > 1 ? (all - view) / double(nodes.size() - 1) / w.seconds : 0;
    }
    return w;
}

struct ModeResult {
    std::string mode;
    double connectS = 0, restartS = 0, hwmMb = 0;
    int followed = 0; // nodes followed when the windows began
    // A node's restart (its last shard back to serving, by its clock) to the model showing
    // it: nodes not in view (n1..), and n0.
    Summary seenOthers, seenInView;
    QString restartState;
    Window rest, restart;
};

bool followed(const ClusterModel &model, const QString &id, int shards)
{
    const ShardTableModel *t = model.shardsOf(id);
    return t && t->rowCount() == shards && model.followingLive(id);
}

int followedCount(const ClusterModel &model, const Nodes &nodes, int shards)
{
    return int(std::count_if(nodes.begin(), nodes.end(), [&](const auto &n) { return followed(model, n->id, shards); }));
}

bool everyNodeFollowed(const ClusterModel &model, const Nodes &nodes, int shards)
{
    return followedCount(model, nodes, shards) == int(nodes.size());
}

void reportUnfollowed(const ClusterModel &model, const Nodes &nodes, int shards, const std::string &mode)
{
    std::printf("  %s: only %d of %zu nodes followed after 60 s:", mode.c_str(), followedCount(model, nodes, shards), nodes.size());
    for (const auto &n : nodes) {
        if (followed(model, n->id, shards))
            continue;
        const ShardTableModel *t = model.shardsOf(n->id);
        const ClusterNodeRow *row = model.node(n->id);
        std::printf(" %s (%d rows, %s, etcd says %s, process %s)", qPrintable(n->id), t ? t->rowCount() : -1,
                    model.followingLive(n->id) ? "live" : "not live", row ? qPrintable(row->state) : "nothing",
                    n->process->state() == QProcess::Running ? "running" : "gone");
    }
    std::printf("\n");
}

// When the model first showed each node with every shard serving a newer version than
// before the restart (checked on the node's frames: row 0 first, so most checks are one read).
class RestartSeen
{
public:
    RestartSeen(ClusterModel &model, const Nodes &nodes) : m_model(model)
    {
        for (const auto &n : nodes)
            m_before[n->id] = version(n->id, 0);
        m_connection = QObject::connect(&model, &ClusterModel::nodeFrame, &model, [this](const QString &id) { check(id); });
    }
    ~RestartSeen() { QObject::disconnect(m_connection); }
    const std::map<QString, std::int64_t> &seenMs() const { return m_seen; }
    quint64 before(const QString &id) const { return m_before.at(id); }

private:
    quint64 version(const QString &id, int row) const
    {
        const ShardTableModel *t = m_model.shardsOf(id);
        return t && row < t->rowCount() ? t->data(t->index(row), ShardTableModel::VersionRole).toULongLong() : 0;
    }
    void check(const QString &id)
    {
        if (m_seen.count(id) || !m_before.count(id) || version(id, 0) <= m_before[id])
            return;
        const ShardTableModel *t = m_model.shardsOf(id);
        for (int r = 0; r < t->rowCount(); ++r) {
            if (version(id, r) <= m_before[id] || t->data(t->index(r), ShardTableModel::StateRole).toInt() != 0)
                return;
        }
        m_seen[id] = QDateTime::currentMSecsSinceEpoch();
    }

    ClusterModel &m_model;
    std::map<QString, quint64> m_before;
    std::map<QString, std::int64_t> m_seen;
    QMetaObject::Connection m_connection;
};

// The node's own clock of the same moment: its last shard_state event to serving on a
// version newer than `before` (0 when it has none).
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

// Node restarted (its clock) to the model showing it so, per node restarted in the window.
Summary restartLatency(const RestartSeen &seen, const Nodes &nodes, const QString &skip)
{
    std::vector<double> ms;
    for (const auto &n : nodes) {
        auto it = seen.seenMs().find(n->id);
        if (n->id == skip || it == seen.seenMs().end())
            continue;
        const std::int64_t at = servingAgainMs(*n, seen.before(n->id));
        if (at > 0)
            ms.push_back(double(it->second - at));
    }
    return summarize(ms);
}

// A busy etcd may refuse a moment (503): asked again for up to 30 s.
QString postRollingRestart(const ClusterNodeProcess &node)
{
    HttpTestClient http("127.0.0.1", node.port, 10000);
    HttpTestClient::Response r;
    waitUntil([&] {
        r = http.post("/v1/cluster/restart", R"({"strategy":"rolling","grace_ms":0,"settle_ms":0})");
        return r.status != 503;
    }, 30000, 1000);
    if (r.status != 202)
        die(QStringLiteral("rolling restart refused: %1 %2").arg(r.status).arg(QString::fromUtf8(r.body.left(300))));
    return r.json().value(QStringLiteral("restart_id")).toVariant().toString();
}

ModeResult runMode(const Nodes &nodes, const EtcdProcess &etcd, const QString &cluster, const std::string &mode,
                   int shards, double restSeconds, double restartSeconds)
{
    ModeResult out;
    out.mode = mode;
    resetPeakRss();
    {
        ClusterClient client(etcd.url(), cluster, {});
        ClusterModel model(client);
        QStringList detail;
        for (const auto &n : nodes) {
            if (mode == "full" || detail.isEmpty())
                detail << n->id;
        }
        model.setDetailNodes(detail);
        const std::int64_t t0 = nowNs();
        model.start();
        if (!waitUntil([&] { return everyNodeFollowed(model, nodes, shards); }, 60000))
            reportUnfollowed(model, nodes, shards, mode); // measured anyway, and said so
        out.followed = followedCount(model, nodes, shards);
        out.connectS = double(nowNs() - t0) / 1e9;
        runFor(1000); // settle: the first frames are behind
        out.rest = measure(nodes, &model, [&] { runFor(int(restSeconds * 1000)); });
        // The window is the restart, or its first --restart-seconds on a slow machine; a
        // restart still running then is aborted, so that the next window starts at rest.
        QString id;
        const auto over = [&] { return model.restart() && model.restart()->id == id && !model.restartRunning(); };
        RestartSeen seen(model, nodes);
        out.restart = measure(nodes, &model, [&] {
            id = postRollingRestart(*nodes.back());
            const std::int64_t r0 = nowNs();
            waitUntil(over, int(restartSeconds * 1000));
            out.restartS = double(nowNs() - r0) / 1e9;
        });
        out.restartState = model.restart() && model.restart()->id == id ? model.restart()->state : QStringLiteral("not seen");
        out.seenOthers = restartLatency(seen, nodes, nodes.front()->id);
        out.seenInView = restartLatency(seen, {}, {});
        if (seen.seenMs().count(nodes.front()->id)) {
            const std::int64_t at = servingAgainMs(*nodes.front(), seen.before(nodes.front()->id));
            if (at > 0)
                out.seenInView = summarize(std::vector<double>{double(seen.seenMs().at(nodes.front()->id) - at)});
        }
        if (!over()) {
            out.restartState += QStringLiteral(", aborted after the window");
            HttpTestClient(QByteArray("127.0.0.1"), nodes.back()->port, 10000).post("/v1/cluster/restart/abort");
            if (!waitUntil(over, 120000))
                die(QStringLiteral("the aborted restart did not end within 120 s"));
        }
        out.hwmMb = statusMb("VmHWM:");
    }
    runFor(1500); // the nodes notice the closed streams before the next window
    return out;
}

void progress(const char *what, int count)
{
    static const std::int64_t t0 = nowNs();
    std::fprintf(stderr, "bench_fleet: %6.1f s: %s (%d nodes)\n", double(nowNs() - t0) / 1e9, what, count);
}

// Starts the new nodes all at once (one at a time takes minutes at 64), then waits for
// each to listen and for the cluster to form.
void growTo(Nodes &nodes, const EtcdProcess &etcd, const QString &cluster, int count, int shards, int ttl)
{
    const std::size_t first = nodes.size();
    for (int i = int(first); i < count; ++i) {
        auto node = std::make_unique<ClusterNodeProcess>();
        node->id = QStringLiteral("n%1").arg(i);
        dieWithTest(*node->process);
        node->process->start(qEnvironmentVariable("SHARDSCOPE_TEST_BINARY", QStringLiteral(SHARDSCOPE_BINARY)),
                             {QStringLiteral("--headless"), QStringLiteral("--shards"), QString::number(shards),
                              QStringLiteral("--audit-file"), QString(), QStringLiteral("--etcd"), etcd.urlText(),
                              QStringLiteral("--cluster"), cluster, QStringLiteral("--node-id"), node->id,
                              QStringLiteral("--lease-ttl"), QString::number(ttl), QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:0")});
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
    const bool formed = waitUntil([&] {
        const QJsonObject s = nodes.front()->clusterStatus();
        int up = 0;
        for (const QJsonValue &v : s.value(QStringLiteral("nodes")).toArray())
            up += v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("up") && v.toObject().value(QStringLiteral("ready")).toBool();
        return up == count && !s.value(QStringLiteral("coordinator")).toString().isEmpty();
    }, 120000, 250);
    if (!formed)
        die(QStringLiteral("%1 nodes did not form a cluster within 120 s").arg(count));
    progress("formed", count);
}

std::string windowJson(const Window &w)
{
    return "{\"seconds\":" + num(w.seconds, 2) + ",\"gui_cpu_pct\":" + num(w.guiPct, 2) + ",\"process_cpu_pct\":"
           + num(w.processPct, 2) + ",\"node_cpu_pct\":" + num(w.nodePct, 3) + ",\"bytes_per_node_per_s\":"
           + num(w.bytesPerNodePerS, 0) + ",\"bytes_in_view_per_s\":" + num(w.bytesInViewPerS, 0)
           + ",\"bytes_other_node_per_s\":" + num(w.bytesOthersPerS, 0) + "}";
}

void print(int count, const ModeResult &m, double idlePct)
{
    std::printf("  %2d nodes, %-7s: at rest GUI thread %5.2f%% (process %5.2f%%), per node %+.3f%% CPU serving the console, "
                "%.0f B/s to it (n0, in view: %.0f B/s; each other node: %.0f B/s)\n", count, m.mode.c_str(), m.rest.guiPct,
                m.rest.processPct, m.rest.nodePct - idlePct, m.rest.bytesPerNodePerS, m.rest.bytesInViewPerS, m.rest.bytesOthersPerS);
    std::printf("  %2d nodes, %-7s: rolling restart (%s, %.1f s) GUI thread %5.2f%% (process %5.2f%%), per node %8.0f B/s; "
                "peak RSS %.1f MB; %d of %d nodes followed after %.1f s\n", count, m.mode.c_str(), qPrintable(m.restartState),
                m.restartS, m.restart.guiPct, m.restart.processPct, m.restart.bytesPerNodePerS, m.hwmMb, m.followed, count,
                m.connectS);
    std::printf("  %2d nodes, %-7s: a node restarted to the model showing it: nodes not in view p50 %.0f ms, p99 %.0f ms, "
                "max %.0f ms (%zu nodes); n0 %.0f ms\n", count, m.mode.c_str(), m.seenOthers.p50, m.seenOthers.p99,
                m.seenOthers.max, m.seenOthers.count, m.seenInView.max);
}

std::vector<std::string> split(const std::string &s)
{
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string part; std::getline(in, part, ',');)
        out.push_back(part);
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // a run cut short by its bound keeps its lines
    const Args args(argc, argv);
    const std::vector<int> counts = args.ints("nodes", "16,32,64");
    const int shards = int(args.num("shards", 64));
    const double restSeconds = args.num("rest-seconds", 6);
    const auto modes = split(args.str("modes", "summary,full"));
    const int maxSeconds = int(args.num("max-seconds", 340));
    std::thread([maxSeconds] { // a bound on the whole run, whatever hangs
        std::this_thread::sleep_for(std::chrono::seconds(maxSeconds));
        std::fprintf(stderr, "bench_fleet: over --max-seconds %d, giving up\n", maxSeconds);
        std::_Exit(3);
    }).detach();

    EtcdProcess etcd;
    QString error;
    if (!etcd.start(&error))
        die(QStringLiteral("etcd: %1").arg(error));
    progress("etcd up", 0);
    std::printf("Fleet console on 127.0.0.1: etcd %s, nodes of %d shards, %.0f s at rest per window, modes %s; "
                "%ld cores\n", qPrintable(etcd.urlText()), shards, restSeconds, args.str("modes", "summary,full").c_str(),
                sysconf(_SC_NPROCESSORS_ONLN));
    const QString cluster = QStringLiteral("fleet");
    Nodes nodes;
    std::string json = "{\"bench\":\"fleet\",\"shards\":" + std::to_string(shards) + ",\"rows\":[";
    for (std::size_t c = 0; c < counts.size(); ++c) {
        growTo(nodes, etcd, cluster, counts[c], shards, int(args.num("lease-ttl", 5)));
        runFor(1000);
        const Window idle = measure(nodes, nullptr, [&] { runFor(int(restSeconds * 1000)); });
        std::printf("  %2d nodes, no console: %.3f%% CPU per node\n", counts[c], idle.nodePct);
        json += std::string(c ? "," : "") + "{\"nodes\":" + std::to_string(counts[c]) + ",\"node_idle_cpu_pct\":" + num(idle.nodePct, 3)
                + ",\"modes\":{";
        for (std::size_t m = 0; m < modes.size(); ++m) {
            const ModeResult r = runMode(nodes, etcd, cluster, modes[m], shards, restSeconds, args.num("restart-seconds", 20));
            progress(modes[m].c_str(), counts[c]);
            print(counts[c], r, idle.nodePct);
            json += std::string(m ? "," : "") + "\"" + r.mode + "\":{\"followed\":" + std::to_string(r.followed) + ",\"connect_s\":" + num(r.connectS, 2) + ",\"rss_peak_mb\":"
                    + num(r.hwmMb, 1) + ",\"node_serving_cpu_pct\":" + num(r.rest.nodePct - idle.nodePct, 3)
                    + ",\"restart_state\":\"" + r.restartState.toStdString() + "\",\"restart_s\":" + num(r.restartS, 2)
                    + ",\"seen_p50_ms\":" + num(r.seenOthers.p50, 0) + ",\"seen_p99_ms\":" + num(r.seenOthers.p99, 0)
                    + ",\"seen_max_ms\":" + num(r.seenOthers.max, 0) + ",\"seen_nodes\":" + std::to_string(r.seenOthers.count)
                    + ",\"seen_in_view_ms\":" + num(r.seenInView.max, 0) + ",\"rest\":" + windowJson(r.rest) + ",\"restart\":" + windowJson(r.restart) + "}";
        }
        json += "}}";
    }
    json += "]}";
    std::printf("JSON %s\n", json.c_str());
    return 0;
}
