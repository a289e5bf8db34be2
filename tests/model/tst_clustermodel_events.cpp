// The cluster console's event log: pages of one node's GET /v1/cluster/events read in
// order, a restarted node's new numbering noticed, another node's log joined at the place
// reached without repeating what both nodes saw, and restart outcomes coloured by what
// the journal says.
#include "model/client/ClusterEventPage.h"
#include "model/cluster/ClusterEventFeed.h"
#include "model/cluster/ClusterEventLog.h"
#include "model/cluster/ClusterEventStyle.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QTest>

using namespace shardscope;

namespace {

constexpr std::int64_t kNow = 1'760'000'000'000;
const QString kN0 = QStringLiteral("http://127.0.0.1:8081");
const QString kN1 = QStringLiteral("http://127.0.0.1:8082");

ClusterEventRecord record(std::uint64_t seq, std::int64_t atMs, const char *kind, const QString &message,
                         const QString &node = {}, const QString &restartId = {})
{
    ClusterEventRecord e;
    e.seq = seq;
    e.timeMs = atMs;
    e.kind = QLatin1String(kind);
    e.message = message;
    e.node = node;
    e.restartId = restartId;
    return e;
}

ClusterEventRecord restartEvent(std::uint64_t seq, std::int64_t atMs, const char *kind, const char *state)
{
    ClusterEventRecord e = record(seq, atMs, kind, QStringLiteral("cluster restart 7: %1").arg(QLatin1String(state)), {}, QStringLiteral("7"));
    e.state = QLatin1String(state);
    return e;
}

ClusterEventPage page(std::vector<ClusterEventRecord> events, std::uint64_t lastSeq = 0)
{
    ClusterEventPage p;
    p.lastSeq = lastSeq ? lastSeq : events.empty() ? 0 : events.back().seq;
    p.events = std::move(events);
    return p;
}

QStringList messages(const std::vector<ClusterEventFeed::Item> &items)
{
    QStringList out;
    for (const auto &i : items)
        out << (i.note ? QStringLiteral("NOTE ") : QString()) + i.event.message;
    return out;
}

} // namespace

class TestClusterModelEvents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_page_decodes_with_the_restart_fields_and_the_last_seq()
    {
        const QJsonObject json{{QStringLiteral("last_seq"), 9},
                               {QStringLiteral("events"), QJsonArray{QJsonObject{
                                   {QStringLiteral("seq"), 9}, {QStringLiteral("time_ms"), double(kNow)},
                                   {QStringLiteral("kind"), QStringLiteral("cluster_restart_finished")},
                                   {QStringLiteral("restart_id"), QStringLiteral("7")}, {QStringLiteral("state"), QStringLiteral("rolled_back")},
                                   {QStringLiteral("reason"), QStringLiteral("node n2: actor creation failed on shard 1")},
                                   {QStringLiteral("message"), QStringLiteral("cluster restart 7 ended rolled_back: ...")}}}}};
        const ClusterEventPage p = decodeClusterEvents(json);
        QCOMPARE(p.lastSeq, std::uint64_t(9));
        QCOMPARE(p.events.size(), std::size_t(1));
        QCOMPARE(p.events[0].timeMs, kNow);
        QCOMPARE(p.events[0].restartId, QStringLiteral("7"));
        QCOMPARE(p.events[0].state, QStringLiteral("rolled_back"));
        QCOMPARE(p.events[0].reason, QStringLiteral("node n2: actor creation failed on shard 1"));
    }

    void the_same_node_is_read_on_from_one_before_the_last_seq_taken()
    {
        ClusterEventFeed feed;
        QCOMPARE(feed.sinceFor(kN0), std::uint64_t(0));
        const auto a = feed.take(kN0, QStringLiteral("n0"), 0,
                                 page({record(1, kNow, "node_up", QStringLiteral("node n0 is up")), record(2, kNow + 10, "node_up", QStringLiteral("node n1 is up"))}),
                                 kNow);
        QCOMPARE(messages(a), (QStringList{QStringLiteral("node n0 is up"), QStringLiteral("node n1 is up")}));
        QCOMPARE(feed.sinceFor(kN0), std::uint64_t(1)); // the page must start with seq 2 again
        const auto b = feed.take(kN0, QStringLiteral("n0"), 1,
                                 page({record(2, kNow + 10, "node_up", QStringLiteral("node n1 is up")), record(3, kNow + 20, "node_lost", QStringLiteral("node n1 is lost"))}),
                                 kNow);
        QCOMPARE(messages(b), QStringList{QStringLiteral("node n1 is lost")});
        // An answer to a request made before the place moved is not read twice.
        QVERIFY(feed.take(kN0, QStringLiteral("n0"), 1, page({record(3, kNow + 20, "node_lost", QStringLiteral("node n1 is lost"))}), kNow).empty());
    }

    void events_that_left_a_nodes_log_before_they_were_read_are_counted_not_hidden()
    {
        ClusterEventFeed feed;
        feed.take(kN0, QStringLiteral("n0"), 0, page({record(5, kNow, "node_up", QStringLiteral("up"))}), kNow);
        const auto items = feed.take(kN0, QStringLiteral("n0"), 4, page({record(1010, kNow + 50, "node_left", QStringLiteral("left"))}), kNow + 60);
        QCOMPARE(messages(items), (QStringList{QStringLiteral("NOTE 1004 events of n0 were not read: they left its log before this read (a node keeps its newest 1000)"),
                                               QStringLiteral("left")}));
    }

    void a_restarted_node_is_noticed_by_its_numbering_and_read_again_without_repeats()
    {
        ClusterEventFeed feed;
        feed.take(kN0, QStringLiteral("n0"), 0,
                  page({record(1, kNow, "node_registered", QStringLiteral("node n0 registered")), record(2, kNow + 5, "node_up", QStringLiteral("node n1 is up"))}),
                  kNow);
        // The new process has one event so far: fewer than the seq taken.
        QVERIFY(feed.take(kN0, QStringLiteral("n0"), 1, page({}, 1), kNow + 9000).empty());
        QCOMPARE(feed.sinceFor(kN0), std::uint64_t(0));
        const auto items = feed.take(kN0, QStringLiteral("n0"), 0,
                                     page({record(1, kNow + 8000, "node_registered", QStringLiteral("node n0 registered"))}), kNow + 9000);
        QCOMPARE(items.size(), std::size_t(2));
        QVERIFY(items[0].note);
        QVERIFY(items[0].event.message.startsWith(QStringLiteral("n0 restarted")));
        QCOMPARE(items[1].event.timeMs, kNow + 8000);

        // Same count, other events under the numbers: a new process too.
        QCOMPARE(feed.sinceFor(kN0), std::uint64_t(0));
        feed.take(kN0, QStringLiteral("n0"), 0, page({record(1, kNow + 8000, "node_registered", QStringLiteral("node n0 registered")),
                                                      record(2, kNow + 8100, "node_up", QStringLiteral("node n1 is up"))}), kNow);
        QVERIFY(feed.take(kN0, QStringLiteral("n0"), 1, page({record(2, kNow + 20000, "coordinator", QStringLiteral("coordinator is now n0"))}), kNow).empty());
        QCOMPARE(feed.sinceFor(kN0), std::uint64_t(0));
    }

    // n0 showed the restart's start; n1, whose log numbers the same changes differently
    // and a few ms later, takes over: its copies are skipped, its past is not replayed,
    // and what happened after n0's last answer is shown.
    void another_nodes_log_is_joined_at_the_place_reached_without_duplicates()
    {
        ClusterEventFeed feed;
        feed.take(kN0, QStringLiteral("n0"), 0, page({restartEvent(40, kNow, "cluster_restart", "running"),
                                                      record(41, kNow + 300, "cluster_restart_step", QStringLiteral("node n0 draining"), QStringLiteral("n0"), QStringLiteral("7"))}),
                  kNow);
        const auto items = feed.take(kN1, QStringLiteral("n1"), 0,
                                     page({record(1, kNow - 60000, "node_registered", QStringLiteral("node n1 registered")), // its past
                                           restartEvent(12, kNow + 40, "cluster_restart", "running"),
                                           record(13, kNow + 330, "cluster_restart_step", QStringLiteral("node n0 draining"), QStringLiteral("n0"), QStringLiteral("7")),
                                           record(14, kNow + 900, "node_lost", QStringLiteral("node n0 is lost"), QStringLiteral("n0")),
                                           restartEvent(15, kNow + 950, "cluster_restart_finished", "failed")}),
                                     kNow + 1000);
        QCOMPARE(messages(items), (QStringList{QStringLiteral("NOTE From here on: the cluster events as n1 saw them (was n0); what both saw is shown once"),
                                               QStringLiteral("node n0 is lost"), QStringLiteral("cluster restart 7: failed")}));
        QCOMPARE(items[1].seenBy, QStringLiteral("n1"));
        QCOMPARE(feed.sourceNode(), QStringLiteral("n1"));
        QCOMPARE(feed.sinceFor(kN1), std::uint64_t(14));
        QCOMPARE(feed.sinceFor(kN0), std::uint64_t(0)); // going back to n0 reads it whole and joins again
    }

    void a_change_that_happened_twice_shows_twice_across_a_join()
    {
        ClusterEventFeed feed;
        feed.take(kN0, QStringLiteral("n0"), 0, page({record(1, kNow, "node_lost", QStringLiteral("node n2 is lost"), QStringLiteral("n2"))}), kNow);
        const auto items = feed.take(kN1, QStringLiteral("n1"), 0,
                                     page({record(1, kNow + 20, "node_lost", QStringLiteral("node n2 is lost"), QStringLiteral("n2")),
                                           record(2, kNow + 500, "node_up", QStringLiteral("node n2 is up"), QStringLiteral("n2")),
                                           record(3, kNow + 900, "node_lost", QStringLiteral("node n2 is lost"), QStringLiteral("n2"))}),
                                     kNow);
        QCOMPARE(messages(items).mid(1), (QStringList{QStringLiteral("node n2 is up"), QStringLiteral("node n2 is lost")}));
    }

    void restart_outcomes_are_coloured_by_the_journal_and_never_as_success_unless_completed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("state");
        QTest::addColumn<int>("tone");
        QTest::addColumn<QString>("label");
        const auto row = [](const char *name, const char *kind, const char *state, ClusterEventTone tone, const char *label) {
            QTest::newRow(name) << QString::fromLatin1(kind) << QString::fromLatin1(state) << int(tone) << QString::fromLatin1(label);
        };
        row("completed", "cluster_restart_finished", "completed", ClusterEventTone::Success, "restart completed");
        row("failed", "cluster_restart_finished", "failed", ClusterEventTone::Failure, "restart failed");
        row("rolled back", "cluster_restart_finished", "rolled_back", ClusterEventTone::Failure, "restart rolled back");
        row("aborted", "cluster_restart_finished", "aborted", ClusterEventTone::Warning, "restart aborted");
        row("an end not known", "cluster_restart_finished", "vanished", ClusterEventTone::Warning, "restart vanished");
        row("no state said", "cluster_restart_finished", "", ClusterEventTone::Plain, "restart");
        row("running", "cluster_restart", "running", ClusterEventTone::Progress, "restart running");
        row("committed", "cluster_restart", "committed", ClusterEventTone::Progress, "restart committed");
        row("rolling back", "cluster_restart", "rolling_back", ClusterEventTone::Warning, "restart rolling back");
    }
    void restart_outcomes_are_coloured_by_the_journal_and_never_as_success_unless_completed()
    {
        QFETCH(QString, kind);
        QFETCH(QString, state);
        QFETCH(int, tone);
        QFETCH(QString, label);
        ClusterEventRecord e;
        e.kind = kind;
        e.state = state;
        QCOMPARE(int(clusterEventTone(e)), tone);
        QCOMPARE(clusterEventKind(e), label);
    }

    void a_nodes_failed_step_is_a_failure_and_its_done_step_claims_no_outcome()
    {
        ClusterEventRecord e;
        e.kind = QStringLiteral("cluster_restart_step");
        e.step = QStringLiteral("failed");
        QCOMPARE(clusterEventTone(e), ClusterEventTone::Failure);
        e.step = QStringLiteral("done");
        QCOMPARE(clusterEventTone(e), ClusterEventTone::Plain);
        e.outcome = QStringLiteral("rolled_back");
        QCOMPARE(clusterEventTone(e), ClusterEventTone::Failure);
    }

    void the_log_model_lists_rows_newest_last_with_tints_and_stays_bounded()
    {
        ClusterEventLog log(3);
        log.setUtc(true);
        QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
        log.applyPage(kN0, QStringLiteral("n0"), 0, page({restartEvent(1, kNow, "cluster_restart", "running"),
                                                          restartEvent(2, kNow + 10, "cluster_restart_finished", "rolled_back")}), kNow);
        QCOMPARE(log.rowCount(), 2);
        const QModelIndex kind = log.index(1, ClusterEventLog::KindColumn);
        QCOMPARE(kind.data().toString(), QStringLiteral("restart rolled back"));
        QCOMPARE(kind.data(ClusterEventLog::ToneRole).toInt(), int(ClusterEventTone::Failure));
        QCOMPARE(kind.data(Qt::BackgroundRole).value<QColor>(), clusterToneTint(ClusterEventTone::Failure));
        QCOMPARE(log.index(1, ClusterEventLog::RestartColumn).data().toString(), QStringLiteral("7"));
        QCOMPARE(log.index(0, ClusterEventLog::TimeColumn).data().toString(),
                 QDateTime::fromMSecsSinceEpoch(kNow, Qt::UTC).toString(QStringLiteral("HH:mm:ss.zzz")));
        QVERIFY(!log.index(0, ClusterEventLog::KindColumn).data(Qt::BackgroundRole).isValid()); // running: no outcome tint
        log.applyPage(kN0, QStringLiteral("n0"), 1, page({restartEvent(2, kNow + 10, "cluster_restart_finished", "rolled_back"),
                                                          record(3, kNow + 20, "node_up", QStringLiteral("a")), record(4, kNow + 30, "node_up", QStringLiteral("b"))}), kNow);
        QCOMPARE(log.rowCount(), 3); // the oldest went
        QCOMPARE(log.index(2, ClusterEventLog::MessageColumn).data().toString(), QStringLiteral("b"));
        QCOMPARE(log.index(0, ClusterEventLog::KindColumn).data().toString(), QStringLiteral("restart rolled back"));
    }
};

QTEST_MAIN(TestClusterModelEvents) // a GUI application: the log hands out fonts and colours
#include "tst_clustermodel_events.moc"
