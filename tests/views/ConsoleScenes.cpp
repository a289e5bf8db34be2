#include "ConsoleScenes.h"

#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "model/events/EventListModel.h"
#include "views/Theme.h"

#include <QApplication>
#include <QFont>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QStyleFactory>

#include <functional>

namespace shardscope::test {

namespace {

constexpr int kFrames = 8;

void play(ScriptedBackendClient &client, ConsoleModel &model, ServiceSnapshot base,
          const std::function<void(ServiceSnapshot &, int frame)> &vary)
{
    model.events().setUtc(true);
    for (int f = 0; f < kFrames; ++f) {
        ServiceSnapshot s = base;
        s.takenAtMs = kSceneStartMs + f * 500;
        for (ShardSnapshot &sh : s.shards) {
            sh.processed = std::uint64_t(f) * (40 + std::uint64_t(sh.id) * 3);
            sh.queueDepth = std::uint32_t((sh.id * 7 + f) % 6);
            sh.inFlight = std::uint32_t((sh.id + f) % 4);
            sh.latencyP50Us = 400 + std::uint32_t(sh.id) * 20;
            sh.latencyP99Us = 2500 + std::uint32_t(sh.id) * 150;
            sh.workLatency = {sh.latencyP50Us, sh.latencyP99Us, 100};
        }
        vary(s, f);
        client.setSnapshot(s);
        model.pump().tick();
    }
}

ServiceEvent event(EventKind kind, qint64 offsetMs, ServicePhase phase = ServicePhase::Serving, std::int64_t duration = -1)
{
    ServiceEvent e;
    e.kind = kind;
    e.timeMs = kSceneStartMs + offsetMs;
    e.phase = phase;
    e.restartId = 1;
    e.durationMs = duration;
    if (kind == EventKind::PhaseEnded)
        e.outcome = QStringLiteral("ok");
    return e;
}

} // namespace

void setUpDeterministicLook()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ShardScopeTest"));
    // One settings file per test program: `ctest -j` runs them side by side, and each
    // clears and writes its settings.
    QCoreApplication::setApplicationName(QStringLiteral("shardscope-") + QFileInfo(QCoreApplication::applicationFilePath()).fileName());
    QSettings().clear();
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(12);
    font.setHintingPreference(QFont::PreferFullHinting);
    QApplication::setFont(font);
    applyTheme(Theme::Light);
}

void playAllServing(ScriptedBackendClient &client, ConsoleModel &model)
{
    client.pushEvent(event(EventKind::ServiceStarted, 0));
    play(client, model, ScriptedBackendClient::uniform(8, ShardState::Serving, 6, kSceneStartMs), [](ServiceSnapshot &, int) {});
}

void playMixedStates(ScriptedBackendClient &client, ConsoleModel &model)
{
    using K = EventKind;
    using P = ServicePhase;
    client.pushEvent(event(K::RestartRequested, 500));
    client.pushEvent(event(K::PhaseStarted, 500, P::Preparing));
    client.pushEvent(event(K::PhaseEnded, 1000, P::Preparing, 500));
    client.pushEvent(event(K::PhaseStarted, 1000, P::Draining));
    client.pushEvent(event(K::PhaseEnded, 2500, P::Draining, 1500));
    client.pushEvent(event(K::PhaseStarted, 2500, P::Restarting));
    ServiceSnapshot base = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, kSceneStartMs);
    base.phase = ServicePhase::Restarting;
    play(client, model, base, [](ServiceSnapshot &s, int frame) {
        if (frame < 5)
            return;
        for (int i = 0; i < 8; ++i)
            s.shards[std::size_t(i)].state = ShardState(i); // one shard in each state
        s.shards[4].version = 7;
        s.shards[5].failed = 12;
    });
    model.setSelectedShard(2);
}

void playVersionSkew(ScriptedBackendClient &client, ConsoleModel &model)
{
    ServiceSnapshot base = ScriptedBackendClient::uniform(16, ShardState::Serving, 6, kSceneStartMs);
    play(client, model, base, [](ServiceSnapshot &s, int) {
        s.shards[3].version = 7;
        s.shards[9].queueDepth = 80;
    });
}

} // namespace shardscope::test

namespace shardscope::test {

void playStalled(ScriptedBackendClient &client, ConsoleModel &model, int shards, int stalledShard)
{
    client.pushEvent(event(EventKind::ServiceStarted, 0));
    play(client, model, ScriptedBackendClient::uniform(shards, ShardState::Serving, 6, kSceneStartMs),
         [stalledShard](ServiceSnapshot &s, int frame) {
             ShardSnapshot &stuck = s.shards[std::size_t(stalledShard)];
             stuck.inFlight = 1;
             stuck.queueDepth = 0;
             stuck.oldestInFlightMs = 8000 + std::uint32_t(frame) * 500; // 11.5 s at the last frame
         });
    model.setSelectedShard(stalledShard);
}

void playTroubled1024(ScriptedBackendClient &client, ConsoleModel &model)
{
    client.pushEvent(event(EventKind::ServiceStarted, 0));
    play(client, model, ScriptedBackendClient::uniform(1024, ShardState::Serving, 6, kSceneStartMs),
         [](ServiceSnapshot &s, int frame) {
             auto shard = [&s](int id) -> ShardSnapshot & { return s.shards[std::size_t(id)]; };
             if (frame >= 2 && frame <= 3)
                 shard(40).state = ShardState::Draining;
             if (frame == 4)
                 shard(40).state = ShardState::Restarting;
             if (frame >= 3)
                 shard(300).state = ShardState::Failed;
             if (frame >= 5)
                 shard(512).state = ShardState::Canceled;
             if (frame >= 6)
                 shard(901).state = ShardState::Verifying;
             // Stalled from the second frame on (past the default 2 s threshold), so its row changed.
             shard(700).inFlight = frame >= 1 ? 1 : 0;
             shard(700).queueDepth = 0;
             shard(700).oldestInFlightMs = frame >= 1 ? 4000 + std::uint32_t(frame) * 500 : 0;
         });
}

} // namespace shardscope::test
