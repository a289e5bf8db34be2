// Restart progress as the restart panel shows it, from the service's event stream.
#include "model/restart/RestartTracker.h"
#include "ScriptedBackendClient.h"

#include <QSignalSpy>
#include <QTest>

using namespace shardscope;

namespace {

ServiceEvent ev(EventKind kind, qint64 t, ServicePhase phase = ServicePhase::Serving, std::int64_t duration = -1,
                QString outcome = {})
{
    ServiceEvent e;
    e.kind = kind;
    e.timeMs = t;
    e.phase = phase;
    e.restartId = 3;
    e.durationMs = duration;
    e.outcome = std::move(outcome);
    return e;
}

std::vector<ServiceEvent> phasedRestart()
{
    using K = EventKind;
    using P = ServicePhase;
    return {
        ev(K::RestartRequested, 1000),
        ev(K::PhaseStarted, 1000, P::Preparing), ev(K::PhaseEnded, 1010, P::Preparing, 10, QStringLiteral("ok")),
        ev(K::PhaseStarted, 1010, P::Draining), ev(K::PhaseEnded, 2510, P::Draining, 1500, QStringLiteral("ok")),
        ev(K::PhaseStarted, 2510, P::Restarting), ev(K::PhaseEnded, 2710, P::Restarting, 200, QStringLiteral("ok")),
        ev(K::PhaseStarted, 2710, P::Verifying), ev(K::PhaseEnded, 2730, P::Verifying, 20, QStringLiteral("ok")),
        ev(K::PhaseStarted, 2730, P::Resuming), ev(K::PhaseEnded, 2735, P::Resuming, 5, QStringLiteral("ok")),
        ev(K::RestartFinished, 2735, P::Serving, 1735, QStringLiteral("ok")),
    };
}

ServiceSnapshot withFailed(qint64 t, std::uint64_t failed)
{
    ServiceSnapshot s = ScriptedBackendClient::uniform(2, ShardState::Serving, 1, t);
    s.shards[1].failed = failed;
    return s;
}

} // namespace

class TestRestartTracker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void beforeAnyRestartNothingIsSeen()
    {
        RestartTracker t;
        QVERIFY(!t.progress().seen);
        QVERIFY(t.progress().summaryText().isEmpty());
    }

    void aRunningRestartShowsItsCurrentPhaseAndElapsedTime()
    {
        RestartTracker t;
        auto events = phasedRestart();
        events.resize(4); // requested, prepare started+ended, drain started
        t.applySnapshot(withFailed(1000, 0));
        t.applyEvents(events);
        t.applySnapshot(withFailed(1800, 2));
        const RestartProgress &p = t.progress();
        QVERIFY(p.active);
        QCOMPARE(p.currentStep, int(RestartStep::Drain));
        QCOMPARE(p.status[0], StepStatus::Done);
        QCOMPARE(p.status[1], StepStatus::Running);
        QCOMPARE(p.status[2], StepStatus::Pending);
        QCOMPARE(p.durationMs[0], 10);
        QCOMPARE(p.elapsedMs, 800);
        QCOMPARE(p.currentStepElapsedMs, 790);
        QCOMPARE(p.serviceFailedDuring, 2u);
    }

    // A restart whose service instance stopped never tells its end: a new instance ends it,
    // as interrupted and failed at its step, never as still running or as a success.
    void aNewServiceInstanceEndsTheOldInstancesRestartAsInterrupted()
    {
        RestartTracker t;
        auto events = phasedRestart();
        events.resize(4); // requested, prepare started+ended, drain started
        t.applyEvents(events);
        QVERIFY(t.progress().active);
        QSignalSpy finished(&t, &RestartTracker::restartFinished);
        t.instanceReplaced(5000);
        const RestartProgress &p = t.progress();
        QVERIFY(!p.active);
        QVERIFY(!p.succeeded());
        QCOMPARE(finished.count(), 1);
        QCOMPARE(p.outcome, QStringLiteral("interrupted"));
        QCOMPARE(p.status[1], StepStatus::Failed);
        QVERIFY2(p.outcomeHeadline().startsWith(QStringLiteral("interrupted: the service instance it ran on stopped")),
                 qPrintable(p.outcomeHeadline()));
        t.instanceReplaced(6000); // nothing running: nothing to end
        QCOMPARE(finished.count(), 1);
    }

    void aFinishedRestartHasAnOutcomePhaseDurationsAndFailedRequests()
    {
        RestartTracker t;
        QSignalSpy finished(&t, &RestartTracker::restartFinished);
        t.setRequestedMode(QStringLiteral("phased"));
        t.setClientFailedTotal(4);
        t.applySnapshot(withFailed(1000, 5));
        auto events = phasedRestart();
        t.applyEvents({events.begin(), events.begin() + 5});
        t.setClientFailedTotal(6);
        t.applySnapshot(withFailed(2000, 8));
        t.applyEvents({events.begin() + 5, events.end()});
        const RestartProgress &p = t.progress();
        QVERIFY(!p.active);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(p.outcome, QStringLiteral("ok"));
        QCOMPARE(p.elapsedMs, 1735);
        QCOMPARE(p.durationMs, (std::array<qint64, kRestartStepCount>{10, 1500, 200, 20, 5, -1}));
        QCOMPARE(p.serviceFailedDuring, 3u);
        QCOMPARE(p.clientFailedDuring, 2u);
        const QString summary = p.summaryText();
        QVERIFY2(summary.contains(QStringLiteral("Restart 3 (phased): ok in 1.74 s")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("drain 1500 ms")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("3 (service counters), 2 (built-in workload)")), qPrintable(summary));
    }

    void eachPhaseLeavesAnIntervalForTheCharts()
    {
        RestartTracker t;
        t.applyEvents(phasedRestart());
        const auto &iv = t.intervals();
        QCOMPARE(iv.size(), std::size_t(5));
        QCOMPARE(iv[1].step, int(RestartStep::Drain));
        QCOMPARE(iv[1].startMs, 1010);
        QCOMPARE(iv[1].endMs, 2510);
    }

    void aFailedRestartPhaseAndRollbackAreShown()
    {
        using K = EventKind;
        using P = ServicePhase;
        RestartTracker t;
        t.applyEvents({ev(K::RestartRequested, 0), ev(K::PhaseStarted, 0, P::Preparing),
                       ev(K::PhaseEnded, 5, P::Preparing, 5, QStringLiteral("ok")), ev(K::PhaseStarted, 5, P::Draining),
                       ev(K::PhaseEnded, 10, P::Draining, 5, QStringLiteral("ok")), ev(K::PhaseStarted, 10, P::Restarting),
                       ev(K::PhaseEnded, 40, P::Restarting, 30, QStringLiteral("failed")),
                       ev(K::PhaseStarted, 40, P::RollingBack), ev(K::PhaseEnded, 60, P::RollingBack, 20, QStringLiteral("ok")),
                       ev(K::RestartFinished, 60, P::Serving, 60, QStringLiteral("rolled_back"))});
        const RestartProgress &p = t.progress();
        QCOMPARE(p.status[int(RestartStep::Restart)], StepStatus::Failed);
        QCOMPARE(p.status[int(RestartStep::Rollback)], StepStatus::Done);
        QCOMPARE(p.status[int(RestartStep::Verify)], StepStatus::Pending);
        QCOMPARE(p.outcome, QStringLiteral("rolled_back"));
    }

    void aRollbackIsDrawnWhereItRanAndSaysWhyInWords()
    {
        using K = EventKind;
        using P = ServicePhase;
        RestartTracker t;
        ServiceEvent finished = ev(K::RestartFinished, 70, P::Serving, 70, QStringLiteral("rolled_back"));
        finished.message = QStringLiteral("actor creation failed on shard 2: injected; every shard rolled back to v1");
        t.applyEvents({ev(K::RestartRequested, 0), ev(K::PhaseStarted, 0, P::Preparing),
                       ev(K::PhaseEnded, 5, P::Preparing, 5, QStringLiteral("ok")), ev(K::PhaseStarted, 5, P::Draining),
                       ev(K::PhaseEnded, 10, P::Draining, 5, QStringLiteral("ok")), ev(K::PhaseStarted, 10, P::Restarting),
                       ev(K::PhaseEnded, 40, P::Restarting, 30, QStringLiteral("failed")),
                       ev(K::PhaseStarted, 40, P::RollingBack)});
        const std::vector<int> running{int(RestartStep::Prepare), int(RestartStep::Drain), int(RestartStep::Restart),
                                       int(RestartStep::Rollback), int(RestartStep::Resume)};
        QCOMPARE(t.progress().displayOrder(), running); // verify will not run: not drawn
        t.applyEvents({ev(K::PhaseEnded, 60, P::RollingBack, 20, QStringLiteral("ok")), ev(K::PhaseStarted, 60, P::Resuming),
                       ev(K::PhaseEnded, 70, P::Resuming, 10, QStringLiteral("ok")), finished});
        const RestartProgress &p = t.progress();
        QCOMPARE(p.displayOrder(), running);
        QVERIFY(!p.succeeded());
        QCOMPARE(p.outcomeHeadline(),
                 QStringLiteral("rolled back: actor creation failed on shard 2: injected; every shard rolled back to v1"));
        QVERIFY(!p.summaryText().contains(QStringLiteral("rolled_back")));
    }

    void anAbortSaysSoOnceAndALegacyFailureNamesItsShards_data()
    {
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("headline");
        QTest::newRow("aborted by operator") << QStringLiteral("aborted") << QStringLiteral("aborted by operator during drain")
                                            << QStringLiteral("aborted: by operator during drain");
        QTest::newRow("a legacy restart that canceled shards failed")
            << QStringLiteral("failed")
            << QStringLiteral("7 of 8 shards canceled after a legacy restart (shards 1-7): requests to them get 503")
            << QStringLiteral("failed: 7 of 8 shards canceled after a legacy restart (shards 1-7): requests to them get 503");
        QTest::newRow("completed needs no reason") << QStringLiteral("completed") << QStringLiteral("every shard serves v2")
                                                   << QStringLiteral("completed");
    }

    void aLegacyRestartJudgedFailedShowsNoGreenTick()
    {
        using K = EventKind;
        using P = ServicePhase;
        RestartTracker t;
        ServiceEvent finished = ev(K::RestartFinished, 20, P::Serving, 20, QStringLiteral("failed"));
        finished.message = QStringLiteral("7 of 8 shards canceled after a legacy restart (shards 1-7): requests to them get 503");
        t.applyEvents({ev(K::RestartRequested, 0), ev(K::PhaseStarted, 0, P::Restarting),
                       ev(K::PhaseEnded, 10, P::Restarting, 10, QStringLiteral("ok")), finished});
        QCOMPARE(t.progress().status[int(RestartStep::Restart)], StepStatus::Failed);
        QCOMPARE(t.progress().displayOrder(), std::vector<int>{int(RestartStep::Restart)});
    }

    void anAbortSaysSoOnceAndALegacyFailureNamesItsShards()
    {
        QFETCH(QString, outcome);
        QFETCH(QString, message);
        QFETCH(QString, headline);
        RestartTracker t;
        ServiceEvent finished = ev(EventKind::RestartFinished, 50, ServicePhase::Serving, 50, outcome);
        finished.message = message;
        t.applyEvents({ev(EventKind::RestartRequested, 0), finished});
        QCOMPARE(t.progress().outcomeHeadline(), headline);
    }

    void failuresAreCountedUntilTheServiceIsWholeAgain()
    {
        RestartTracker t;
        t.applySnapshot(withFailed(0, 0));
        ServiceEvent finished = ev(EventKind::RestartFinished, 50, ServicePhase::Serving, 50, QStringLiteral("failed"));
        t.applyEvents({ev(EventKind::RestartRequested, 0), finished});
        QVERIFY(t.progress().countingFailures);
        ServiceSnapshot broken = withFailed(100, 40);
        broken.shards[1].state = ShardState::Canceled;
        t.applySnapshot(broken);
        QCOMPARE(t.progress().serviceFailedDuring, quint64(40)); // after the end, still because of it
        QVERIFY(t.progress().countingFailures);
        t.applySnapshot(withFailed(200, 55)); // whole again: the count stops here
        QCOMPARE(t.progress().serviceFailedDuring, quint64(55));
        QVERIFY(!t.progress().countingFailures);
        t.applySnapshot(withFailed(300, 90));
        QCOMPARE(t.progress().serviceFailedDuring, quint64(55));
    }

    void theRequestedEventNamesTheModeAndStopOrStartIsNoRestart()
    {
        RestartTracker t;
        ServiceEvent stop = ev(EventKind::RestartRequested, 10);
        stop.message = QStringLiteral("stop of 4 shards requested");
        t.applyEvents({stop});
        QVERIFY(!t.progress().seen);
        ServiceEvent legacy = ev(EventKind::RestartRequested, 20);
        legacy.outcome = QStringLiteral("legacy");
        t.applyEvents({legacy, ev(EventKind::RestartFinished, 25, ServicePhase::Serving, 5, QStringLiteral("completed"))});
        QCOMPARE(t.progress().mode, QStringLiteral("legacy"));
        QCOMPARE(t.progress().outcome, QStringLiteral("completed"));
        QVERIFY(!t.progress().active);
    }

    void aConsoleOpenedMidRestartPicksItUpFromThePhaseEvents()
    {
        RestartTracker t;
        t.applyEvents({ev(EventKind::PhaseStarted, 500, ServicePhase::Draining)});
        QVERIFY(t.progress().active);
        QCOMPARE(t.progress().restartId, 3u);
        QCOMPARE(t.progress().currentStep, int(RestartStep::Drain));
    }
};

QTEST_GUILESS_MAIN(TestRestartTracker)
#include "tst_restarttracker.moc"
