#include "ConsoleBench.h"

#include "ConsoleSession.h"
#include "EventCollector.h"
#include "EventLoopWait.h"
#include "FrameRecorder.h"
#include "LoadDriver.h"
#include "PixelProbe.h"
#include "ProcStats.h"
#include "StateToPixel.h"

#include "backend/types/RestartOptions.h"
#include "backend/types/ShardTypes.h"
#include "model/client/EmbeddedBackendClient.h"
#include "model/console/SnapshotPump.h"
#include "model/shards/StateStyle.h"
#include "tests/bench/BenchCommon.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTimer>

namespace shardscope::bench {
namespace {

double round2(double x)
{
    return std::round(x * 100.0) / 100.0;
}

QJsonObject summaryJson(const std::vector<double> &values)
{
    const Summary s = summarize(values);
    return {{QStringLiteral("count"), qint64(s.count)}, {QStringLiteral("p50"), round2(s.p50)},
            {QStringLiteral("p99"), round2(s.p99)}, {QStringLiteral("max"), round2(s.max)}};
}

QJsonObject memoryJson(const MemoryStatus &m)
{
    return {{QStringLiteral("rss_mb"), round2(m.rssMb)}, {QStringLiteral("hwm_mb"), round2(m.hwmMb)}};
}

// GUI-thread CPU over a stretch of wall time, as % of one core. Construct and read on
// the GUI thread.
class GuiCpu
{
public:
    GuiCpu() : m_cpu0(threadCpuNs()), m_wall0(nowNs()) {}
    double percent() const { return 100.0 * double(threadCpuNs() - m_cpu0) / double(std::max<std::int64_t>(1, nowNs() - m_wall0)); }
    double wallSeconds() const { return double(nowNs() - m_wall0) / 1e9; }

private:
    std::int64_t m_cpu0, m_wall0;
};

// The same, second by second.
struct PerSecond {
    std::int64_t cpu = threadCpuNs(), wall = nowNs();
    std::vector<double> pct;
    void sample()
    {
        const std::int64_t c = threadCpuNs(), w = nowNs();
        pct.push_back(100.0 * double(c - cpu) / double(std::max<std::int64_t>(1, w - wall)));
        cpu = c;
        wall = w;
    }
};

QJsonObject loadJson(const ConsoleSession &s, const FrameRecorder &frames)
{
    std::vector<double> changedPct;
    for (double f : frames.changedFraction())
        changedPct.push_back(100.0 * f);
    const double minPct = changedPct.empty() ? 0 : *std::min_element(changedPct.begin(), changedPct.end());
    return {{QStringLiteral("period_ms"), s.options().loadPeriodMs}, {QStringLiteral("sent"), qint64(s.load().sent())},
            {QStringLiteral("failed"), qint64(s.load().failed())},
            {QStringLiteral("changed_rows_pct_p50"), round2(summarize(changedPct).p50)},
            {QStringLiteral("changed_rows_pct_min"), round2(minPct)}};
}

// Load only, nothing grabbed: GUI CPU (mean and per second), frame and tick times.
QJsonObject steadyPhase(ConsoleSession &s)
{
    FrameRecorder &frames = s.frames();
    frames.clear();
    frames.setRecording(true);
    PerSecond perSecond;
    QTimer sampler;
    QObject::connect(&sampler, &QTimer::timeout, &sampler, [&] { perSecond.sample(); });
    const GuiCpu whole;
    sampler.start(1000);
    runFor(int(s.options().seconds * 1000));
    const double pct = whole.percent();
    const double wall = whole.wallSeconds();
    frames.setRecording(false);
    const double maxSecond = perSecond.pct.empty() ? pct : *std::max_element(perSecond.pct.begin(), perSecond.pct.end());
    return {{QStringLiteral("seconds"), round2(wall)}, {QStringLiteral("gui_cpu_pct"), round2(pct)},
            {QStringLiteral("gui_cpu_pct_max_1s"), round2(maxSecond)},
            {QStringLiteral("frame_ms"), summaryJson(frames.frameMs())},
            {QStringLiteral("frame_cpu_ms"), summaryJson(frames.frameCpuMs())},
            {QStringLiteral("tick_ms"), summaryJson(frames.modelMs())},
            {QStringLiteral("frames_without_paint"), frames.framesWithoutPaint()},
            {QStringLiteral("load"), loadJson(s, frames)}};
}

// One phased restart with a `sleep` in flight on every shard; then waits (bounded) for
// every visible tile to show serving again. False if the restart did not finish. The
// restart starts at a random point of the pump's 50 ms period (fixed seed), so that state
// changes are not phase-locked to the frames and "wait for the next snapshot" is sampled
// fairly.
bool restartOnce(ConsoleSession &s, EventCollector &events, QRandomGenerator &rng)
{
    const std::uint64_t round = s.load().requestSleepToAll(s.options().drainMs);
    if (!waitUntil([&] { return s.load().sleepRoundsSent() >= round; }, 5000, 2))
        return false;
    // After the sleeps: the load thread sends them on its own period.
    runFor(int(rng.bounded(int(SnapshotPump::kFrameInterval.count()))));
    const int finishedBefore = events.finishedRestarts();
    RestartOptions options = s.client().restartDefaults();
    options.mode = RestartMode::Phased;
    s.client().requestRestart(options);
    const bool finished = waitUntil([&] { events.poll(); return events.finishedRestarts() > finishedBefore; },
                                    s.options().drainMs + 30000, 50);
    waitUntil([&] { return s.probe().allShowing(int(ShardState::Serving)); }, s.options().settleMs, 20);
    return finished;
}

QJsonObject byStateJson(const StateToPixel &m)
{
    QJsonObject out;
    for (int st = 0; st < int(m.observedByState.size()); ++st) { // the service's states (stalled is the console's word)
        const int seen = m.observedByState[std::size_t(st)];
        const int unseen = m.unseenByState[std::size_t(st)];
        if (seen + unseen > 0)
            out.insert(stateName(st), QJsonArray{seen, unseen});
    }
    return out;
}

QJsonObject stateToPixelJson(const StateToPixel &m)
{
    return {{QStringLiteral("state_to_pixel_ms"), summaryJson(m.latencyMs)},
            {QStringLiteral("state_to_snapshot_ms"), summaryJson(m.toSnapshotMs)},
            {QStringLiteral("snapshot_to_pixel_ms"), summaryJson(m.snapshotToPixelMs)}, {QStringLiteral("observed"), m.observed},
            {QStringLiteral("brief"), m.brief}, {QStringLiteral("unchanged"), m.unchanged},
            {QStringLiteral("missed"), m.missed}, {QStringLiteral("seen_unseen_by_state"), byStateJson(m)}};
}

StateToPixel matchVisibleTiles(const ConsoleSession &s, const EventCollector &events)
{
    StateToPixel total;
    const PixelProbe &probe = s.probe();
    for (int slot = 0; slot < probe.visibleTiles(); ++slot)
        total.add(matchStateChanges(events.stateChanges(probe.shardOf(slot)), probe.history(slot), s.options().briefMs));
    return total;
}

// Phased restarts while every grid paint is grabbed: state-to-pixel latency.
QJsonObject restartPhase(ConsoleSession &s)
{
    PixelProbe &probe = s.probe();
    if (!probe.prepare())
        return {{QStringLiteral("error"), QStringLiteral("no tile wholly visible")}};
    const int agree = probe.agreeingWithRender();
    EventCollector events(s.service());
    s.frames().clear();
    s.frames().setRecording(true);
    probe.setEnabled(true);
    const GuiCpu cpu;
    int finished = 0;
    QRandomGenerator rng(20261126);
    for (int r = 0; r < s.options().restarts; ++r)
        finished += restartOnce(s, events, rng);
    const double pct = cpu.percent();
    events.poll();
    probe.setEnabled(false);
    s.frames().setRecording(false);
    QJsonObject out = stateToPixelJson(matchVisibleTiles(s, events));
    out.insert(QStringLiteral("restarts"), s.options().restarts);
    out.insert(QStringLiteral("finished"), finished);
    out.insert(QStringLiteral("outcomes"), QJsonArray::fromStringList(events.outcomes()));
    out.insert(QStringLiteral("visible_tiles"), probe.visibleTiles());
    out.insert(QStringLiteral("grab_check_agree"), agree);
    out.insert(QStringLiteral("grabs"), probe.grabs());
    out.insert(QStringLiteral("grab_ms_mean"), round2(probe.grabs() ? probe.grabMsTotal() / probe.grabs() : 0));
    out.insert(QStringLiteral("gui_cpu_pct_with_grabbing"), round2(pct));
    out.insert(QStringLiteral("seconds"), round2(cpu.wallSeconds()));
    out.insert(QStringLiteral("frame_ms"), summaryJson(s.frames().frameMs()));
    out.insert(QStringLiteral("frame_cpu_ms"), summaryJson(s.frames().frameCpuMs()));
    return out;
}

} // namespace

QJsonObject runConsoleBench(PaintTapApplication &app, const ConsoleBenchOptions &o)
{
    ConsoleSession session(app, o);
    QString error;
    if (!session.start(&error))
        return {{QStringLiteral("shards"), o.shards}, {QStringLiteral("error"), error}};
    runFor(int(o.warmupSeconds * 1000));
    const MemoryStatus warm = readMemoryStatus();
    QJsonObject row{{QStringLiteral("shards"), o.shards},
                    {QStringLiteral("window"), QStringLiteral("%1x%2").arg(o.window.width()).arg(o.window.height())},
                    {QStringLiteral("selected_shard"), o.selectShard}};
    row.insert(QStringLiteral("steady"), steadyPhase(session));
    if (o.restarts > 0)
        row.insert(QStringLiteral("restart"), restartPhase(session));
    const MemoryStatus end = readMemoryStatus();
    row.insert(QStringLiteral("memory_warm"), memoryJson(warm));
    row.insert(QStringLiteral("memory_end"), memoryJson(end));
    session.stop();
    return row;
}

} // namespace shardscope::bench
