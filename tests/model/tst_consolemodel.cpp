// The pump, the console model and the built-in workload against a scripted service.
#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"
#include "model/console/SnapshotPump.h"
#include "model/events/EventListModel.h"
#include "model/history/ServiceHistory.h"
#include "model/restart/RestartTracker.h"
#include "model/shards/ShardTableModel.h"
#include "model/workload/WorkloadDriver.h"
#include "ScriptedBackendClient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace shardscope;

class TestConsoleModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ShardScopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_consolemodel"));
        QSettings().clear();
    }

    void thePumpHandsEachFrameToTheModels()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        client.setSnapshot(ScriptedBackendClient::uniform(4, ShardState::Serving, 2, 5000));
        ServiceEvent e;
        e.kind = EventKind::ServiceStarted;
        client.pushEvent(e);
        QSignalSpy frames(&model, &ConsoleModel::frame);
        model.pump().tick();
        QCOMPARE(frames.count(), 1);
        QCOMPARE(model.shards().rowCount(), 4);
        QCOMPARE(model.events().rowCount(), 1);
        QCOMPARE(model.nowMs(), 5000);
        QCOMPARE(model.summary().version, 2u);
        QCOMPARE(model.pump().lastEventSeq(), 1u);
        model.pump().tick();
        QCOMPARE(model.events().rowCount(), 1); // events are taken once
    }

    // Before the first snapshot the header has nothing to report: no "serving", no v0.
    void theSummaryClaimsNoStateOrVersionBeforeTheServiceFirstAnswers()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        QVERIFY(!model.summary().seen);
        QCOMPARE(serviceHeadline(model.summary(), false), QStringLiteral("Service: not reachable"));
        QCOMPARE(serviceHeadline(model.summary(), true), QStringLiteral("Service: connecting"));
        QCOMPARE(versionHeadline(model.summary()), QStringLiteral("Version unknown"));
        QCOMPARE(model.summary().versionLine, QStringLiteral("Nothing received from the service yet"));
        model.pump().tick(); // the empty snapshot of a client that has received nothing
        QVERIFY(!model.summary().seen);
        QCOMPARE(versionHeadline(model.summary()), QStringLiteral("Version unknown"));
        client.setSnapshot(ScriptedBackendClient::uniform(4, ShardState::Serving, 3, 5000));
        model.pump().tick();
        QVERIFY(model.summary().seen);
        QCOMPARE(serviceHeadline(model.summary(), true), QStringLiteral("Service: serving"));
        QCOMPARE(serviceHeadline(model.summary(), false), QStringLiteral("Service: serving (last seen)"));
        QCOMPARE(versionHeadline(model.summary()), QStringLiteral("Version v3"));
    }

    void thePumpRunsAtAboutTwentyFramesASecond()
    {
        QCOMPARE(SnapshotPump::kFrameInterval, std::chrono::milliseconds(50));
        ScriptedBackendClient client;
        ConsoleModel model(client);
        client.setSnapshot(ScriptedBackendClient::uniform(2, ShardState::Serving, 1, 1));
        QSignalSpy frames(&model, &ConsoleModel::frame);
        model.pump().start();
        QTRY_VERIFY_WITH_TIMEOUT(frames.count() >= 5, 5000);
        model.pump().stop();
    }

    void theWorstFrameRunsFromThePullToTheWindowPainted()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        client.setSnapshot(ScriptedBackendClient::uniform(4, ShardState::Serving, 2, 5000));
        SnapshotPump &pump = model.pump();
        pump.tick();
        pump.framePainted();
        pump.takeWorstFrameUs();
        // A repaint with no frame waiting for it counts nothing.
        pump.framePainted();
        QCOMPARE(pump.takeWorstFrameUs(), 0);
        // A frame whose window is painted 30 ms after its pull is a 30 ms frame, however
        // quick the models were (painting is spun out on the clock, not slept).
        QElapsedTimer sincePull;
        sincePull.start();
        pump.tick();
        while (sincePull.elapsed() < 30) {
        }
        pump.framePainted();
        QVERIFY2(pump.takeWorstFrameUs() >= 30000, "the paint was not counted in the frame");
        // Only the first repaint after a frame ends it.
        while (sincePull.elapsed() < 60) {
        }
        pump.framePainted();
        QCOMPARE(pump.takeWorstFrameUs(), 0);
    }

    void aRestartSeenInEventsReachesTheTrackerAndTheLog()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        client.setSnapshot(ScriptedBackendClient::uniform(2, ShardState::Serving, 1, 100));
        for (EventKind k : {EventKind::RestartRequested, EventKind::PhaseStarted}) {
            ServiceEvent e;
            e.kind = k;
            e.restartId = 9;
            e.phase = ServicePhase::Preparing;
            client.pushEvent(e);
        }
        model.pump().tick();
        QVERIFY(model.restart().progress().active);
        QCOMPARE(model.restart().progress().restartId, 9u);
        QCOMPARE(model.events().rowCount(), 2);
    }

    void selectingAShardEmitsItsIdAndRow()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        client.setSnapshot(ScriptedBackendClient::uniform(4, ShardState::Serving, 1, 100));
        model.pump().tick();
        QSignalSpy spy(&model, &ConsoleModel::selectionChanged);
        model.setSelectedShard(2);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(model.selectedRow(), 2);
        model.setSelectedShard(2);
        QCOMPARE(spy.count(), 1);
    }

    void aRestartRequestCarriesTheSettingsAndIsRemembered()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        QSignalSpy done(&model, &ConsoleModel::commandFinished);
        RestartSettings s = model.restartDefaults();
        s.legacy = true;
        s.drainTimeoutMs = 2500;
        model.requestRestart(s);
        QCOMPARE(client.commands(), QStringList{QStringLiteral("restart")});
        QVERIFY(client.lastRestartOptions().mode == RestartMode::Legacy);
        QCOMPARE(client.lastRestartOptions().drainTimeoutMs, 2500);
        QTRY_COMPARE(done.count(), 1);
        QVERIFY(done[0][1].toBool());
        // Remembered, all but the mode: the next restart starts phased.
        RestartSettings remembered = s;
        remembered.legacy = false;
        QCOMPARE(model.rememberedRestartSettings(), remembered);
    }

    void noCommandIsSentWhileTheServiceIsNotLive_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("restart") << QStringLiteral("restart");
        QTest::newRow("stop") << QStringLiteral("stop");
        QTest::newRow("start") << QStringLiteral("start");
    }

    void noCommandIsSentWhileTheServiceIsNotLive()
    {
        QFETCH(QString, command);
        ScriptedBackendClient client;
        client.setRemote(true);
        ConsoleModel model(client);
        client.setConnection({false, 0, QStringLiteral("lost http://127.0.0.1:8080: Connection refused"), false});
        QSignalSpy done(&model, &ConsoleModel::commandFinished);
        if (command == QLatin1String("restart"))
            model.requestRestart(model.restartDefaults());
        else if (command == QLatin1String("stop"))
            model.stopService();
        else
            model.startService();
        QVERIFY(client.commands().isEmpty());
        QCOMPARE(done.count(), 1);
        QVERIFY(!done[0][1].toBool());
        QVERIFY2(done[0][2].toString().startsWith(command + QStringLiteral(" not sent: the service at ")),
                 qPrintable(done[0][2].toString()));
    }

    void disconnectsReconnectsAndANewInstanceAreInTheEventLog()
    {
        ScriptedBackendClient client;
        client.setRemote(true);
        client.setConnection({false, 0, QStringLiteral("connecting"), false});
        ConsoleModel model(client);
        auto texts = [&] {
            QStringList out;
            for (int row = 0; row < model.events().rowCount(); ++row)
                out << model.events().index(row, EventListModel::MessageColumn).data().toString();
            return out;
        };
        ServiceSnapshot s = ScriptedBackendClient::uniform(2, ShardState::Serving, 1, 5000);
        client.setConnection({true, 5000, {}, false});
        client.setSnapshot(s);
        model.pump().tick();
        client.setConnection({false, 5000, QStringLiteral("lost: Connection refused; retrying in 0.25 s"), false});
        client.setConnection({false, 5000, QStringLiteral("lost: Connection refused; retrying in 0.5 s"), false});
        client.setConnection({true, 9000, {}, false});
        s.startTimeMs = 8000; // the service came back as a new instance
        s.takenAtMs = 9000;
        client.setSnapshot(s);
        model.pump().tick();
        model.pump().tick();
        const QStringList log = texts();
        QCOMPARE(log.size(), 4);
        QCOMPARE(log[0], QStringLiteral("Connected to http://127.0.0.1:8080"));
        QCOMPARE(log[1], QStringLiteral("Disconnected from http://127.0.0.1:8080: lost: Connection refused; retrying in 0.25 s"));
        QVERIFY2(log[2].startsWith(QStringLiteral("Reconnected to http://127.0.0.1:8080 after ")), qPrintable(log[2]));
        QVERIFY2(log[3].startsWith(QStringLiteral("New service instance at http://127.0.0.1:8080: started ")), qPrintable(log[3]));
        QCOMPARE(model.events().index(1, EventListModel::LevelColumn).data().toString(), QStringLiteral("warning"));
        QCOMPARE(model.events().index(1, EventListModel::SourceColumn).data().toString(), QStringLiteral("console"));
    }

    void aRefusedCommandReachesTheOperatorWithItsStatusAndReason()
    {
        ScriptedBackendClient client;
        client.setCommandResult({false, Refusal::Busy, 409, 0, QStringLiteral("a restart is already running")});
        ConsoleModel model(client);
        QSignalSpy done(&model, &ConsoleModel::commandFinished);
        model.requestRestart(model.restartDefaults());
        QTRY_COMPARE(done.count(), 1);
        QVERIFY(!done[0][1].toBool());
        QCOMPARE(done[0][2].toString(), QStringLiteral("restart refused (HTTP 409): a restart is already running"));
    }

    void theWorkloadSendsTheMixAndCountsRepliesByCode()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        WorkloadConfig c = model.workload().config();
        c.ratePerSecond = 2000;
        model.workload().setConfig(c);
        model.workload().start();
        QTRY_VERIFY_WITH_TIMEOUT(model.workload().stats().ok >= 200, 10000);
        client.setQueryStatus(QueryStatus::Unavailable);
        QTRY_VERIFY_WITH_TIMEOUT(model.workload().stats().failed503 >= 50, 10000);
        model.workload().stop();
        const WorkloadStats s = model.workload().stats();
        QCOMPARE(s.failed400 + s.failed404 + s.failed500 + s.failedOther, 0u);
        QVERIFY(s.sent >= s.ok + s.failed());
        QTRY_COMPARE(model.workload().stats().inFlight, 0u);
        for (const QString &p : {QStringLiteral("echo"), QStringLiteral("degree"), QStringLiteral("spin"), QStringLiteral("sleep")})
            QVERIFY2(client.proceduresSeen().contains(p), qPrintable(p));
    }

    void theWorkloadNeverHasMoreRequestsInFlightThanClients()
    {
        // Replies that never come: the driver must stop at the client limit.
        class SilentClient : public ScriptedBackendClient
        {
        public:
            std::vector<ReplyFn> held;
            std::mutex mutex;
            void submitQuery(QueryRequest, ReplyFn reply) override
            {
                std::lock_guard lock(mutex);
                held.push_back(std::move(reply));
            }
        } client;
        {
            ConsoleModel model(client);
            WorkloadConfig c;
            c.clients = 7;
            c.ratePerSecond = 5000;
            model.workload().setConfig(c);
            model.workload().start();
            QTRY_COMPARE(model.workload().stats().inFlight, 7u);
            QTest::qWait(100); // give it time to overshoot, if it would
            QCOMPARE(model.workload().stats().sent, 7u);
        }
        // The driver is gone; late replies must still be safe.
        std::lock_guard lock(client.mutex);
        for (ReplyFn &r : client.held)
            r(QueryReply{});
    }

    void theAuditListsPhasesInTheOrderTheyRanAndOutcomesInWords()
    {
        const QJsonArray entries = QJsonDocument::fromJson(R"([
            {"command": "restart", "outcome": "rolled_back", "duration_ms": 70, "message": "shard 2 failed",
             "phase_ms": {"draining": 5, "preparing": 5, "resuming": 10, "restarting": 30, "rolling_back": 20},
             "phases": [{"phase": "preparing", "ms": 5}, {"phase": "draining", "ms": 5}, {"phase": "restarting", "ms": 30},
                        {"phase": "rolling_back", "ms": 20}, {"phase": "resuming", "ms": 10}]},
            {"command": "stop", "outcome": "refused", "refusal": "nothing_to_abort", "message": "no"}
        ])").array();
        const QList<AuditRow> rows = OperatorTools::auditRows(entries);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].outcome, QStringLiteral("rolled back"));
        QVERIFY2(rows[1].detail.contains(QStringLiteral(
                     "preparing 5 ms, draining 5 ms, restarting 30 ms, rolling_back 20 ms, resuming 10 ms")),
                 qPrintable(rows[1].detail));
        QVERIFY2(rows[0].detail.startsWith(QStringLiteral("refused: nothing to abort")), qPrintable(rows[0].detail));
    }
};

QTEST_GUILESS_MAIN(TestConsoleModel)
#include "tst_consolemodel.moc"
