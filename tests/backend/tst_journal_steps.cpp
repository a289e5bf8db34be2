// The journal's step times (JournalWriter's stamps), its size at 64 nodes, and the journal a
// resume writes and what blocks it: pure functions, no etcd.
#include "backend/cluster/ClusterView.h"
#include "backend/cluster/JournalWriter.h"
#include "backend/cluster/ResumeRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace shardscope;

namespace {

QJsonObject journalOf(int nodes, const QString &state = QStringLiteral("pending"))
{
    QJsonArray list;
    for (int i = 0; i < nodes; ++i)
        list.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("n%1").arg(i)}, {QStringLiteral("step"), QStringLiteral("waiting")},
                                {QStringLiteral("start_version"), 1}});
    return {{QStringLiteral("id"), QStringLiteral("1765000000000")}, {QStringLiteral("strategy"), QStringLiteral("rolling")},
            {QStringLiteral("state"), state}, {QStringLiteral("target_version"), 2}, {QStringLiteral("nodes"), list}};
}

QJsonObject withStep(QJsonObject journal, int node, const QString &step)
{
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    QJsonObject n = nodes.at(node).toObject();
    n.insert(QStringLiteral("step"), step);
    nodes.replace(node, n);
    journal.insert(QStringLiteral("nodes"), nodes);
    return journal;
}

QJsonArray stepsOf(const QJsonObject &journal, int node)
{
    return journal.value(QStringLiteral("nodes")).toArray().at(node).toObject().value(QStringLiteral("steps")).toArray();
}

QJsonObject stamp(const QString &step, double at)
{
    return {{QStringLiteral("step"), step}, {QStringLiteral("at_ms"), at}};
}

NodeView nodeView(const QString &id, std::int64_t version, bool ready = true, const QString &state = QStringLiteral("up"))
{
    NodeView n;
    n.id = id;
    n.version = version;
    n.ready = ready;
    n.state = state;
    return n;
}

} // namespace

class TestJournalSteps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void every_change_of_a_nodes_step_is_stamped_once_with_the_time_it_was_written()
    {
        QJsonObject j = stampSteps(journalOf(2), 100);
        QVERIFY(!j.contains(QStringLiteral("started_ms"))); // still pending
        QCOMPARE(stepsOf(j, 0), QJsonArray{stamp(QStringLiteral("waiting"), 100)});
        j.insert(QStringLiteral("state"), QStringLiteral("running"));
        j = stampSteps(j, 200);
        QCOMPARE(j.value(QStringLiteral("started_ms")).toDouble(), 200.0);
        QCOMPARE(stepsOf(j, 0).size(), 1); // the same step is not stamped again
        j = stampSteps(withStep(j, 0, QStringLiteral("restarting")), 300);
        j = stampSteps(j, 350);
        j = stampSteps(withStep(j, 0, QStringLiteral("settling")), 400);
        QCOMPARE(stepsOf(j, 0), (QJsonArray{stamp(QStringLiteral("waiting"), 100), stamp(QStringLiteral("restarting"), 300),
                                            stamp(QStringLiteral("settling"), 400)}));
        QCOMPARE(stepsOf(j, 1), QJsonArray{stamp(QStringLiteral("waiting"), 100)});
        QCOMPARE(j.value(QStringLiteral("started_ms")).toDouble(), 200.0); // the first write past pending only
    }

    void a_node_keeps_its_first_stamp_and_the_newest_ones_within_the_bound()
    {
        QJsonObject j = journalOf(1, QStringLiteral("running"));
        j = stampSteps(j, 0);
        for (int i = 1; i <= 40; ++i)
            j = stampSteps(withStep(j, 0, i % 2 ? QStringLiteral("restarting") : QStringLiteral("settling")), i);
        const QJsonArray steps = stepsOf(j, 0);
        QCOMPARE(steps.size(), kStepStamps);
        QCOMPARE(steps.first().toObject(), stamp(QStringLiteral("waiting"), 0));
        QCOMPARE(steps.last().toObject(), stamp(QStringLiteral("settling"), 40));
        QCOMPARE(steps.at(1).toObject().value(QStringLiteral("at_ms")).toDouble(), 40.0 - kStepStamps + 2);
    }

    void a_journal_of_64_nodes_with_full_step_lists_stays_far_below_etcds_value_limit()
    {
        QJsonObject j = journalOf(64, QStringLiteral("running"));
        const double t0 = 1765000000000.0;
        const QString steps[] = {QStringLiteral("restarting"), QStringLiteral("settling"), QStringLiteral("analysing"), QStringLiteral("reverting")};
        for (int i = 0; i < 2 * kStepStamps; ++i) {
            for (int n = 0; n < 64; ++n)
                j = withStep(j, n, steps[i % 4]);
            j = stampSteps(j, t0 + i * 1000);
        }
        const qsizetype size = QJsonDocument(j).toJson(QJsonDocument::Compact).size();
        qInfo("a 64-node journal with %d stamps per node: %lld bytes", kStepStamps, qint64(size));
        QVERIFY(size < 1536 * 1024 / 10); // a tenth of etcd's 1.5 MiB request limit
    }

    void a_resumed_journal_keeps_done_nodes_done_and_lets_the_others_wait()
    {
        QJsonObject ended = withStep(withStep(journalOf(3, QStringLiteral("failed")), 0, QStringLiteral("done")), 1, QStringLiteral("failed"));
        ended = stampSteps(ended, 10);
        ended.insert(QStringLiteral("stop_reason"), QStringLiteral("node n1 is lost; the restart stops here"));
        ended.insert(QStringLiteral("reason"), QStringLiteral("node n1 is lost"));
        ended.insert(QStringLiteral("ended_ms"), 20);
        ended.insert(QStringLiteral("settle_ms"), 700);
        const QJsonObject j = resumedJournal(ended, 1765000009999, QStringLiteral("127.0.0.1"), QStringLiteral("n2"));
        QCOMPARE(j.value(QStringLiteral("id")).toString(), QStringLiteral("1765000009999"));
        QCOMPARE(j.value(QStringLiteral("resumed_from")).toString(), QStringLiteral("1765000000000"));
        QCOMPARE(j.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QCOMPARE(j.value(QStringLiteral("settle_ms")).toInt(), 700);
        QCOMPARE(j.value(QStringLiteral("target_version")).toInt(), 2);
        for (const char *gone : {"stop_reason", "reason", "ended_ms", "started_ms"})
            QVERIFY2(!j.contains(QLatin1String(gone)), gone);
        const QJsonArray nodes = j.value(QStringLiteral("nodes")).toArray();
        QCOMPARE(nodes.at(0).toObject().value(QStringLiteral("step")).toString(), QStringLiteral("done"));
        QCOMPARE(nodes.at(0).toObject().value(QStringLiteral("note")).toString(), QStringLiteral("done in restart 1765000000000"));
        QCOMPARE(nodes.at(1).toObject().value(QStringLiteral("step")).toString(), QStringLiteral("waiting"));
        QCOMPARE(nodes.at(2).toObject().value(QStringLiteral("step")).toString(), QStringLiteral("waiting"));
        QVERIFY(!nodes.at(1).toObject().contains(QStringLiteral("steps"))); // timed afresh in the new run
    }

    void preflight_names_every_node_that_blocks_a_resume()
    {
        const QJsonObject ended = withStep(journalOf(4, QStringLiteral("failed")), 0, QStringLiteral("done"));
        ClusterView view;
        view.nodes[QStringLiteral("n0")] = nodeView(QStringLiteral("n0"), 2);
        view.nodes[QStringLiteral("n1")] = nodeView(QStringLiteral("n1"), 2); // restarted, though the journal says it waits
        view.nodes[QStringLiteral("n2")] = nodeView(QStringLiteral("n2"), 1, false);
        QCOMPARE(resumeBlockers(ended, view), (QStringList{QStringLiteral("node n1 is on v2, but the journal expects its start version v1"),
                                                           QStringLiteral("node n2 is not ready"),
                                                           QStringLiteral("node n3 is not registered")}));
        view.nodes[QStringLiteral("n0")] = nodeView(QStringLiteral("n0"), 1);
        view.nodes[QStringLiteral("n1")] = nodeView(QStringLiteral("n1"), 1);
        view.nodes[QStringLiteral("n2")] = nodeView(QStringLiteral("n2"), 1);
        view.nodes[QStringLiteral("n3")] = nodeView(QStringLiteral("n3"), 1, false, QStringLiteral("left"));
        QJsonObject settled = ended; // n2 reached v2 before it was lost: v2 is where the journal saw it
        QJsonArray nodes = settled.value(QStringLiteral("nodes")).toArray();
        QJsonObject n2 = nodes.at(2).toObject();
        n2.insert(QStringLiteral("version"), 2);
        nodes.replace(2, n2);
        settled.insert(QStringLiteral("nodes"), nodes);
        view.nodes[QStringLiteral("n2")] = nodeView(QStringLiteral("n2"), 2);
        QVERIFY(!resumeBlockers(settled, view).join(QLatin1Char(' ')).contains(QStringLiteral("node n2")));
        QVERIFY(resumeBlockers(ended, view).contains(QStringLiteral("node n2 is on v2, but the journal expects its start version v1")));
        view.nodes[QStringLiteral("n2")] = nodeView(QStringLiteral("n2"), 1);
        view.restart = QJsonObject{{QStringLiteral("id"), QStringLiteral("7")}};
        QCOMPARE(resumeBlockers(ended, view), (QStringList{QStringLiteral("restart 7 is running"),
                                                           QStringLiteral("node n0 is on v1, but the journal has it done on v2"),
                                                           QStringLiteral("node n3 has left the cluster")}));
    }
};

QTEST_GUILESS_MAIN(TestJournalSteps)
#include "tst_journal_steps.moc"
