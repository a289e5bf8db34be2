// Part 7: the cluster console following a fleet (issue 24), on a real etcd and real nodes.
//
//   bench_fleet --nodes 16,32,64 --shards 64 --rest-seconds 5 --restart-seconds 20 --modes summary,full,window
//
// One cluster grows to each node count in turn (nodes n0.. of --shards shards each, as
// `shardscope --headless --etcd --cluster` runs them). Per count: the nodes' own CPU with
// no console attached, then per mode the console's model as the cluster window drives it
// (ClusterClient + ClusterModel, in this process's main thread, no window) at rest and
// during a rolling restart of every node (its first --restart-seconds at most). Modes: `full` follows every node's full snapshot
// stream (every shard, 10 times a second: the console before issue 24); `summary` follows
// every node's summary stream and one node (n0, the one in view) in full; `window` is the
// console itself: the cluster window, 1360x880, shown (offscreen unless a display is set),
// with n0 drilled into as it opens, so the GUI thread's figures include layout and paint.
// The window mode also runs a lockstep restart first (every node changes at once) and
// times each node's restart to the first painted frame of the fleet view showing it.
//
// The window mode's frames are seen through PaintTapApplication, as bench_console sees its tiles.
//
// Figures: main (GUI) thread CPU and the whole process's, as % of one core; the process's
// peak RSS (VmHWM, reset before each mode); per node, the CPU that serving the console
// adds (the node's CPU in the window minus its CPU with no console) and the stream bytes
// per second the console reads from it.
#include "tests/bench/BenchCommon.h"
#include "tests/bench/console/EventLoopWait.h"
#include "tests/bench/console/PaintTap.h"
#include "tests/bench/console/ProcStats.h"
#include "tests/bench/fleet/FleetNodes.h"
#include "tests/bench/fleet/FleetPixels.h"

#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterModel.h"
#include "model/shards/ShardTableModel.h"
#include "views/ClusterWindow.h"

#include <QDateTime>
#include <QStandardPaths>

#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace shardscope;
using namespace shardscope::bench;
using namespace shardscope::test;
using namespace std::chrono_literals;

namespace {

void resetPeakRss()
{
    std::ofstream("/proc/self/clear_refs") << "5"; // VmHWM starts again from VmRSS
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

struct RestartRun {
    QString state;
    double seconds = 0;
    Window cost;
};

// A restart's nodes to the fleet view's frames (FleetPixels).
struct PixelResult {
    Summary ms, model; // to the painted frame; to the model, for the same restart
    Summary modelToFrame; // the console's own share: the model showing it to the frame
    int restarted = 0, missed = 0, outOfView = 0;
};

struct ModeResult {
    std::string mode;
    double connectS = 0, hwmMb = 0;
    int followed = 0; // nodes followed when the windows began
    // A node's restart (its last shard back to serving, by its clock) to the model showing
    // it: nodes not in view (n1..), and n0.
    Summary seenOthers, seenInView;
    Window rest;
    RestartRun restart, lockstep; // rolling; lockstep in the window mode only
    PixelResult pixelsRolling, pixelsLockstep;
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
// before the restart (checked on the node's frames).
class RestartSeen
{
public:
    RestartSeen(ClusterModel &model, const Nodes &nodes) : m_model(model)
    {
        for (const auto &n : nodes)
            m_before[n->id] = firstShardVersion(model.shardsOf(n->id));
        m_connection = QObject::connect(&model, &ClusterModel::nodeFrame, &model, [this](const QString &id) { check(id); });
    }
    ~RestartSeen() { QObject::disconnect(m_connection); }
    const std::map<QString, std::int64_t> &seenMs() const { return m_seen; }
    quint64 before(const QString &id) const { return m_before.at(id); }

private:
    void check(const QString &id)
    {
        if (!m_seen.count(id) && m_before.count(id) && servingAbove(m_model.shardsOf(id), m_before[id]))
            m_seen[id] = QDateTime::currentMSecsSinceEpoch();
    }

    ClusterModel &m_model;
    std::map<QString, quint64> m_before;
    std::map<QString, std::int64_t> m_seen;
    QMetaObject::Connection m_connection;
};

// Runs `read` (blocking reads of the nodes) on another thread while this one keeps its
// event loop going: a blocking read on the GUI thread would hold back the frames being timed.
template<typename Read>
auto offGuiThread(Read read)
{
    auto result = std::async(std::launch::async, std::move(read));
    waitUntil([&] { return result.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }, 300000, 5);
    return result.get();
}

// A node's restart (its clock) to the console's stamp of it, per stamped node but `skip`.
template<typename Before>
std::vector<double> sinceRestarted(const std::map<QString, std::int64_t> &stamped, const Nodes &nodes, Before before,
                                   const QString &skip = {})
{
    std::vector<std::pair<const ClusterNodeProcess *, quint64>> asked;
    for (const auto &n : nodes) {
        if (stamped.count(n->id) && n->id != skip)
            asked.emplace_back(n.get(), before(n->id));
    }
    const std::vector<std::int64_t> at = offGuiThread([asked] {
        std::vector<std::int64_t> out;
        for (const auto &[node, was] : asked)
            out.push_back(servingAgainMs(*node, was));
        return out;
    });
    std::vector<double> ms;
    for (std::size_t i = 0; i < asked.size(); ++i) {
        if (at[i] > 0)
            ms.push_back(double(stamped.at(asked[i].first->id) - at[i]));
    }
    return ms;
}

// Each node the nodes say restarted, to the first frame that showed it. A node no frame
// showed within 3 s after the window is missed.
PixelResult pixelsOf(const FleetPixels &px, const RestartSeen &seen, const Nodes &nodes)
{
    std::vector<std::pair<const ClusterNodeProcess *, quint64>> asked;
    for (const auto &n : nodes)
        asked.emplace_back(n.get(), px.before(n->id));
    const std::vector<const ClusterNodeProcess *> restarted = offGuiThread([asked] {
        std::vector<const ClusterNodeProcess *> out;
        for (const auto &[node, was] : asked) {
            if (restartedPast(*node, was))
                out.push_back(node);
        }
        return out;
    });
    const auto allPainted = [&] {
        return std::all_of(restarted.begin(), restarted.end(), [&](const auto *n) { return px.paintedMs().count(n->id) > 0; });
    };
    waitUntil(allPainted, 3000);
    PixelResult out;
    out.restarted = int(restarted.size());
    out.outOfView = px.outOfView();
    for (const auto *n : restarted)
        out.missed += px.paintedMs().count(n->id) ? 0 : 1;
    out.ms = summarize(sinceRestarted(px.paintedMs(), nodes, [&](const QString &id) { return px.before(id); }));
    out.model = summarize(sinceRestarted(seen.seenMs(), nodes, [&](const QString &id) { return seen.before(id); }));
    std::vector<double> share;
    for (const auto &[id, at] : px.paintedMs()) {
        if (const auto it = seen.seenMs().find(id); it != seen.seenMs().end())
            share.push_back(double(at - it->second));
    }
    out.modelToFrame = summarize(share);
    return out;
}

// One cluster restart while the console follows it: its window is the restart, or its
// first `limitSeconds` on a slow machine. `afterWindow` reads the figures; a restart still
// running then is aborted, so that the next window starts at rest.
RestartRun runRestart(const Nodes &nodes, ClusterModel &model, const QString &strategy, double limitSeconds,
                      const std::function<void()> &afterWindow)
{
    RestartRun out;
    QString id, refusal;
    const auto over = [&] { return model.restart() && model.restart()->id == id && !model.restartRunning(); };
    out.cost = measure(nodes, &model, [&] {
        id = postRestart(*nodes.back(), strategy, &refusal);
        if (id.isEmpty())
            return;
        const std::int64_t r0 = nowNs();
        waitUntil(over, int(limitSeconds * 1000));
        out.seconds = double(nowNs() - r0) / 1e9;
    });
    if (id.isEmpty()) {
        out.state = QStringLiteral("refused: ") + refusal;
        return out;
    }
    out.state = model.restart() && model.restart()->id == id ? model.restart()->state : QStringLiteral("not seen");
    afterWindow();
    if (!over()) {
        out.state += QStringLiteral(", aborted after the window");
        HttpTestClient(QByteArray("127.0.0.1"), nodes.back()->port, 10000).post("/v1/cluster/restart/abort");
        if (!waitUntil(over, 120000))
            die(QStringLiteral("the aborted %1 restart did not end within 120 s").arg(strategy));
    }
    return out;
}

QStringList idsOf(const Nodes &nodes)
{
    QStringList ids;
    for (const auto &n : nodes)
        ids << n->id;
    return ids;
}

// The cluster window as an operator has it: 1360x880, shown, its first node drilled into.
std::unique_ptr<ClusterWindow> openWindow(ClusterModel &model)
{
    auto window = std::make_unique<ClusterWindow>(model);
    window->resize(1360, 880);
    window->show();
    return window;
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
        // The window drives what the model follows in detail (its drilled node has a console of its own).
        const std::unique_ptr<ClusterWindow> window = mode == "window" ? openWindow(model) : nullptr;
        if (!window)
            model.setDetailNodes(mode == "full" ? idsOf(nodes) : QStringList{nodes.front()->id});
        const std::int64_t t0 = nowNs();
        model.start();
        if (!waitUntil([&] { return everyNodeFollowed(model, nodes, shards); }, 60000))
            reportUnfollowed(model, nodes, shards, mode); // measured anyway, and said so
        out.followed = followedCount(model, nodes, shards);
        out.connectS = double(nowNs() - t0) / 1e9;
        runFor(1000); // settle: the first frames are behind
        out.rest = measure(nodes, &model, [&] { runFor(int(restSeconds * 1000)); });
        auto &app = static_cast<PaintTapApplication &>(*QCoreApplication::instance());
        if (window) { // every node changes at once
            FleetPixels px(app, *window, idsOf(nodes));
            RestartSeen seen(model, nodes);
            out.lockstep = runRestart(nodes, model, QStringLiteral("lockstep"), restartSeconds,
                                      [&] { out.pixelsLockstep = pixelsOf(px, seen, nodes); });
            runFor(1000);
        }
        const std::unique_ptr<FleetPixels> px = window ? std::make_unique<FleetPixels>(app, *window, idsOf(nodes)) : nullptr;
        RestartSeen seen(model, nodes);
        out.restart = runRestart(nodes, model, QStringLiteral("rolling"), restartSeconds, [&] {
            const auto before = [&](const QString &id) { return seen.before(id); };
            const QString &inView = nodes.front()->id; // apart from the others
            out.seenOthers = summarize(sinceRestarted(seen.seenMs(), nodes, before, inView));
            std::map<QString, std::int64_t> n0;
            if (seen.seenMs().count(inView))
                n0[inView] = seen.seenMs().at(inView);
            out.seenInView = summarize(sinceRestarted(n0, nodes, before));
            if (px)
                out.pixelsRolling = pixelsOf(*px, seen, nodes);
        });
        out.hwmMb = readMemoryStatus().hwmMb;
    }
    runFor(1500); // the nodes notice the closed streams before the next window
    return out;
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
    const bool window = m.mode == "window";
    std::printf("  %2d nodes, %-7s: at rest GUI thread %5.2f%% (process %5.2f%%), per node %+.3f%% CPU serving the console, "
                "%.0f B/s to it (n0, in view: %.0f B/s; each other node: %.0f B/s)\n", count, m.mode.c_str(), m.rest.guiPct,
                m.rest.processPct, m.rest.nodePct - idlePct, m.rest.bytesPerNodePerS, m.rest.bytesInViewPerS, m.rest.bytesOthersPerS);
    if (window)
        std::printf("  %2d nodes, %-7s: lockstep restart (%s, %.1f s) GUI thread %5.2f%% (process %5.2f%%)\n", count,
                    m.mode.c_str(), qPrintable(m.lockstep.state), m.lockstep.seconds, m.lockstep.cost.guiPct,
                    m.lockstep.cost.processPct);
    std::printf("  %2d nodes, %-7s: rolling restart (%s, %.1f s) GUI thread %5.2f%% (process %5.2f%%), per node %8.0f B/s; "
                "peak RSS %.1f MB; %d of %d nodes followed after %.1f s\n", count, m.mode.c_str(), qPrintable(m.restart.state),
                m.restart.seconds, m.restart.cost.guiPct, m.restart.cost.processPct, m.restart.cost.bytesPerNodePerS, m.hwmMb,
                m.followed, count, m.connectS);
    std::printf("  %2d nodes, %-7s: a node restarted to the model showing it: nodes not in view p50 %.0f ms, p99 %.0f ms, "
                "max %.0f ms (%zu nodes); n0 %.0f ms\n", count, m.mode.c_str(), m.seenOthers.p50, m.seenOthers.p99,
                m.seenOthers.max, m.seenOthers.count, m.seenInView.max);
    if (!window)
        return;
    for (const auto &[name, px] : {std::pair{"lockstep", &m.pixelsLockstep}, std::pair{"rolling", &m.pixelsRolling}}) {
        std::printf("  %2d nodes, %-7s: %s, a node restarted to a painted frame showing it: p50 %.0f ms, p99 %.0f ms, "
                    "max %.0f ms over %zu of %d nodes restarted; %d missed, %d out of view (to the model: p50 %.0f ms, "
                    "p99 %.0f ms; the model to the frame: p99 %.0f ms)\n", count, m.mode.c_str(), name, px->ms.p50, px->ms.p99,
                    px->ms.max, px->ms.count, px->restarted, px->missed, px->outOfView, px->model.p50, px->model.p99,
                    px->modelToFrame.p99);
    }
}

std::string pixelJson(const PixelResult &p)
{
    return "{\"p50_ms\":" + num(p.ms.p50, 0) + ",\"p99_ms\":" + num(p.ms.p99, 0) + ",\"max_ms\":" + num(p.ms.max, 0)
           + ",\"timed\":" + std::to_string(p.ms.count) + ",\"restarted\":" + std::to_string(p.restarted)
           + ",\"missed\":" + std::to_string(p.missed) + ",\"out_of_view\":" + std::to_string(p.outOfView)
           + ",\"model_p50_ms\":" + num(p.model.p50, 0) + ",\"model_p99_ms\":" + num(p.model.p99, 0)
           + ",\"model_to_frame_p99_ms\":" + num(p.modelToFrame.p99, 0) + "}";
}

std::string modeJson(const ModeResult &r, double idlePct)
{
    std::string json = "\"" + r.mode + "\":{\"followed\":" + std::to_string(r.followed) + ",\"connect_s\":" + num(r.connectS, 2)
                       + ",\"rss_peak_mb\":" + num(r.hwmMb, 1) + ",\"node_serving_cpu_pct\":" + num(r.rest.nodePct - idlePct, 3)
                       + ",\"restart_state\":\"" + r.restart.state.toStdString() + "\",\"restart_s\":" + num(r.restart.seconds, 2)
                       + ",\"seen_p50_ms\":" + num(r.seenOthers.p50, 0) + ",\"seen_p99_ms\":" + num(r.seenOthers.p99, 0)
                       + ",\"seen_max_ms\":" + num(r.seenOthers.max, 0) + ",\"seen_nodes\":" + std::to_string(r.seenOthers.count)
                       + ",\"seen_in_view_ms\":" + num(r.seenInView.max, 0) + ",\"rest\":" + windowJson(r.rest)
                       + ",\"restart\":" + windowJson(r.restart.cost);
    if (r.mode == "window")
        json += ",\"lockstep_state\":\"" + r.lockstep.state.toStdString() + "\",\"lockstep_s\":" + num(r.lockstep.seconds, 2)
                + ",\"lockstep\":" + windowJson(r.lockstep.cost) + ",\"pixels\":{\"lockstep\":" + pixelJson(r.pixelsLockstep)
                + ",\"rolling\":" + pixelJson(r.pixelsRolling) + "}";
    return json + "}";
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
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen"); // the window mode's window, on a machine without a display
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &context, const QString &text) {
        if (!text.contains(QLatin1String("propagateSizeHints"))) // the offscreen platform's, on every show
            qt_message_output(type, context, text);
    });
    PaintTapApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // the window's settings are not the operator's
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // a run cut short by its bound keeps its lines
    const Args args(argc, argv);
    const std::vector<int> counts = args.ints("nodes", "16,32,64");
    const int shards = int(args.num("shards", 64));
    const double restSeconds = args.num("rest-seconds", 6);
    const auto modes = split(args.str("modes", "summary,full,window"));
    const int maxSeconds = int(args.num("max-seconds", 340));
    std::thread([maxSeconds] { // a bound on the whole run, whatever hangs
        std::this_thread::sleep_for(std::chrono::seconds(maxSeconds));
        std::fprintf(stderr, "bench_fleet: over --max-seconds %d, giving up\n", maxSeconds);
        std::_Exit(3);
    }).detach();

    // --max-txn-ops N: etcd and the nodes take transactions of N operations (a lockstep
    // restart of 64 nodes needs 130; etcd's default is 128).
    const int maxTxnOps = int(args.num("max-txn-ops", 0));
    QStringList nodeArgs;
    EtcdProcess etcd;
    if (maxTxnOps > 0) {
        etcd.addArguments({QStringLiteral("--max-txn-ops"), QString::number(maxTxnOps)});
        nodeArgs = QStringList{QStringLiteral("--etcd-max-txn-ops"), QString::number(maxTxnOps)};
    }
    QString error;
    if (!etcd.start(&error))
        die(QStringLiteral("etcd: %1").arg(error));
    progress("etcd up", 0);
    std::printf("Fleet console on 127.0.0.1: etcd %s, nodes of %d shards, %.0f s at rest per window, modes %s; "
                "%ld cores\n", qPrintable(etcd.urlText()), shards, restSeconds, args.str("modes", "summary,full,window").c_str(),
                sysconf(_SC_NPROCESSORS_ONLN));
    const QString cluster = QStringLiteral("fleet");
    Nodes nodes;
    std::string json = "{\"bench\":\"fleet\",\"shards\":" + std::to_string(shards) + ",\"rows\":[";
    for (std::size_t c = 0; c < counts.size(); ++c) {
        growTo(nodes, etcd, cluster, counts[c], shards, int(args.num("lease-ttl", 5)), nodeArgs);
        runFor(1000);
        const Window idle = measure(nodes, nullptr, [&] { runFor(int(restSeconds * 1000)); });
        std::printf("  %2d nodes, no console: %.3f%% CPU per node\n", counts[c], idle.nodePct);
        json += std::string(c ? "," : "") + "{\"nodes\":" + std::to_string(counts[c]) + ",\"node_idle_cpu_pct\":" + num(idle.nodePct, 3)
                + ",\"modes\":{";
        for (std::size_t m = 0; m < modes.size(); ++m) {
            const ModeResult r = runMode(nodes, etcd, cluster, modes[m], shards, restSeconds, args.num("restart-seconds", 20));
            progress(modes[m].c_str(), counts[c]);
            print(counts[c], r, idle.nodePct);
            json += std::string(m ? "," : "") + modeJson(r, idle.nodePct);
        }
        json += "}}";
    }
    json += "]}";
    std::printf("JSON %s\n", json.c_str());
    return 0;
}
