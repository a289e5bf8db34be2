// The event log: service events and the app's own spdlog lines, bounded and filterable.
#include "backend/types/ServiceEvent.h"
#include "model/events/EventFilterProxy.h"
#include "model/console/ConsoleModel.h"
#include "model/events/EventListModel.h"
#include "model/events/QueuedLogSink.h"

#include <QAbstractItemModelTester>
#include <QTest>

#include <algorithm>

#include <spdlog/logger.h>

#include <thread>

using namespace shardscope;

class TestEventLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aServiceEventBecomesARowWithTimeLevelShardAndText()
    {
        EventListModel model;
        model.setUtc(true);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceEvent e;
        e.kind = EventKind::PhaseEnded;
        e.phase = ServicePhase::Draining;
        e.severity = Severity::Warning;
        e.timeMs = 3723004; // 01:02:03.004 UTC
        e.shard = 4;
        e.restartId = 2;
        e.outcome = QStringLiteral("timeout");
        e.durationMs = 10000;
        model.appendServiceEvents({e});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, EventListModel::TimeColumn).data().toString(), QStringLiteral("01:02:03.004"));
        QCOMPARE(model.index(0, EventListModel::LevelColumn).data().toString(), QStringLiteral("warning"));
        QCOMPARE(model.index(0, EventListModel::ShardColumn).data().toString(), QStringLiteral("4"));
        QCOMPARE(model.index(0, EventListModel::MessageColumn).data().toString(),
                 QStringLiteral("Phase draining ended (timeout) in 10000 ms [restart 2]"));
    }

    void aFramesRowsAreInTimeOrderAndACommandsEndIsNotRepeatedByTheLog()
    {
        ServiceEvent finished;
        finished.kind = EventKind::RestartFinished;
        finished.timeMs = 2000;
        finished.restartId = 3;
        finished.outcome = QStringLiteral("completed");
        ServiceEvent state;
        state.kind = EventKind::ShardStateChanged;
        state.timeMs = 1500;
        state.shard = 2;
        state.state = ShardState::Serving;
        state.version = 4;
        std::vector<EventEntry> lines = {
            {2001, LogLevel::Info, QStringLiteral("shardscope"), -1, QStringLiteral("restart_finished #3 completed in 12.0 ms: ok")},
            {1000, LogLevel::Info, QStringLiteral("shardscope"), -1, QStringLiteral("console: restart all requested")},
        };
        const std::vector<EventEntry> rows = ConsoleModel::frameLogRows({finished, state}, std::move(lines));
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(rows[0].text, QStringLiteral("console: restart all requested"));
        QCOMPARE(rows[1].text, QStringLiteral("Shard now serving v4"));
        QCOMPARE(rows[2].text, QStringLiteral("Restart finished (completed) [restart 3]"));
    }

    void rowsFromLaterFramesGoInByTime()
    {
        EventListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto row = [](qint64 t, const char *text) { return EventEntry{t, LogLevel::Info, QStringLiteral("app"), -1, QString::fromLatin1(text)}; };
        model.appendEntries({row(10, "a"), row(30, "d")});
        // The next poll brings an event from before the console's line at 30, and one after it.
        model.appendEntries({row(40, "e"), row(20, "b"), row(20, "c")});
        QStringList texts;
        QList<qint64> times;
        for (int r = 0; r < model.rowCount(); ++r) {
            texts << model.index(r, EventListModel::MessageColumn).data().toString();
            times << model.index(r, 0).data(EventListModel::TimeMsRole).toLongLong();
        }
        QCOMPARE(texts, QStringList({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("e")}));
        QVERIFY(std::is_sorted(times.begin(), times.end()));
    }

    void theLogDropsItsOldestRowsBeyondCapacity()
    {
        EventListModel model(5);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int batch = 0; batch < 3; ++batch) {
            std::vector<EventEntry> entries;
            for (int i = 0; i < 3; ++i)
                entries.push_back({batch * 3 + i, LogLevel::Info, QStringLiteral("app"), -1, QString::number(batch * 3 + i)});
            model.appendEntries(std::move(entries));
        }
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(0, EventListModel::MessageColumn).data().toString(), QStringLiteral("4"));
        QCOMPARE(model.index(4, EventListModel::MessageColumn).data().toString(), QStringLiteral("8"));
    }

    void theFilterKeepsRowsAtOrAboveALevelAndForOneShard_data()
    {
        QTest::addColumn<int>("minLevel");
        QTest::addColumn<int>("shard");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("rows");
        QTest::newRow("everything") << 0 << -1 << QString() << 4;
        QTest::newRow("warnings and errors") << 2 << -1 << QString() << 2;
        QTest::newRow("shard 1 only") << 0 << 1 << QString() << 2;
        QTest::newRow("errors of shard 1") << 3 << 1 << QString() << 1;
        QTest::newRow("text, any case") << 0 << -1 << QStringLiteral("CANCELED") << 1;
    }

    void theFilterKeepsRowsAtOrAboveALevelAndForOneShard()
    {
        QFETCH(int, minLevel);
        QFETCH(int, shard);
        QFETCH(QString, text);
        QFETCH(int, rows);
        EventListModel model;
        EventFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendEntries({{1, LogLevel::Debug, QStringLiteral("app"), -1, QStringLiteral("tick")},
                             {2, LogLevel::Info, QStringLiteral("service"), 1, QStringLiteral("serving")},
                             {3, LogLevel::Warning, QStringLiteral("service"), 2, QStringLiteral("slow drain")},
                             {4, LogLevel::Error, QStringLiteral("service"), 1, QStringLiteral("actor canceled")}});
        proxy.setMinimumLevel(minLevel);
        proxy.setShard(shard);
        proxy.setFilterFixedString(text);
        QCOMPARE(proxy.rowCount(), rows);
    }

    void logLinesFromAnyThreadAreQueuedUntilTheGuiDrainsThem()
    {
        auto sink = std::make_shared<QueuedLogSink>(100);
        spdlog::logger logger(std::string("console"), sink);
        std::thread worker([&] {
            for (int i = 0; i < 10; ++i)
                logger.warn("line {}", i);
        });
        worker.join();
        logger.error("from the gui");
        const std::vector<EventEntry> lines = sink->drain();
        QCOMPARE(lines.size(), std::size_t(11));
        QCOMPARE(lines.front().text, QStringLiteral("line 0"));
        QCOMPARE(lines.front().level, LogLevel::Warning);
        QCOMPARE(lines.front().source, QStringLiteral("console"));
        QCOMPARE(lines.back().level, LogLevel::Error);
        QVERIFY(sink->drain().empty());
    }

    void aFullSinkDropsAndCountsTheOldestLines()
    {
        auto sink = std::make_shared<QueuedLogSink>(3);
        spdlog::logger logger(std::string("app"), sink);
        for (int i = 0; i < 5; ++i)
            logger.info("{}", i);
        QCOMPARE(sink->dropped(), std::size_t(2));
        const auto lines = sink->drain();
        QCOMPARE(lines.front().text, QStringLiteral("2"));
    }
};

QTEST_GUILESS_MAIN(TestEventLog)
#include "tst_eventlog.moc"
