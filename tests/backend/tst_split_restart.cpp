// ShardService in-process: a restart split at a CommitPoint (a cluster's lockstep share)
// holds the gate closed after verify and resumes on v+1 only on commit; a rollback, an
// operator's abort or the point's deadline send every shard back to v, and the requests
// held meanwhile are answered by the version the service reopened on.
#include "backend/restart/CommitPoint.h"
#include "tests/backend/ServiceTestSupport.h"

using namespace shardscope::servicetest;

namespace {

struct Split {
    std::unique_ptr<ShardService> service = startService(smallConfig(3));
    std::shared_ptr<CommitPoint> point;
    CommandTicket ticket;

    explicit Split(std::chrono::milliseconds wait = 10s) : point(std::make_shared<CommitPoint>(wait))
    {
        ticket = service->requestSplitRestart(fastOptions(), point, QStringLiteral("test"));
    }
};

} // namespace

class SplitRestartTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requests_held_at_the_commit_point_are_answered_by_v2_only_after_the_commit()
    {
        ReplyLedger ledger;
        Split s;
        QVERIFY(s.ticket.accepted());
        QTRY_VERIFY_WITH_TIMEOUT(s.point->reached(), 5000);
        for (int i = 0; i < 3; ++i)
            s.service->submitQuery(echoOn(i), ledger.make().second);
        QTRY_COMPARE_WITH_TIMEOUT(s.service->snapshot().heldRequests, 3u, 2000);
        QCOMPARE(ledger.replied(), 0);
        QCOMPARE(s.service->snapshot().version, Version(1));
        QVERIFY(s.point->commit());
        const auto finished = waitFinished(*s.service, s.ticket);
        QVERIFY(finished);
        QCOMPARE(finished->outcome, QStringLiteral("completed"));
        QVERIFY(ledger.waitAllAnswered(5s));
        for (const auto &e : ledger.entries()) {
            QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
            QCOMPARE(e.reply.version, Version(2));
        }
        QVERIFY(!s.point->rollBack(QStringLiteral("too late"))); // the first word stands
    }

    void a_rollback_at_the_commit_point_reopens_every_shard_on_v1_and_names_why()
    {
        ReplyLedger ledger;
        Split s;
        QTRY_VERIFY_WITH_TIMEOUT(s.point->reached(), 5000);
        s.service->submitQuery(echoOn(1), ledger.make().second);
        QVERIFY(s.point->rollBack(QStringLiteral("the cluster rolled back: node n2 failed")));
        const auto finished = waitFinished(*s.service, s.ticket);
        QVERIFY(finished);
        QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
        QVERIFY2(finished->message.contains(QStringLiteral("node n2 failed")), qPrintable(finished->message));
        QVERIFY(ledger.waitAllAnswered(5s));
        QCOMPARE(ledger.entries().front().reply.version, Version(1));
        QByteArray why;
        QVERIFY2(allShards(s.service->snapshot(), ShardState::Serving, 1, &why), why.constData());
        QVERIFY(!s.point->commit());
    }

    void with_no_word_the_restart_rolls_back_on_its_own_at_the_deadline()
    {
        Split s(300ms);
        const auto finished = waitFinished(*s.service, s.ticket);
        QVERIFY(finished);
        QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
        QVERIFY2(finished->message.contains(QStringLiteral("no commit within 300 ms")), qPrintable(finished->message));
        QCOMPARE(s.service->snapshot().version, Version(1));
        QVERIFY(s.service->snapshot().ready());
    }

    void a_rollback_during_the_drain_ends_it_at_once_with_nothing_changed()
    {
        ReplyLedger ledger;
        auto service = startService(smallConfig(3));
        service->submitQuery(sleepOn(0, 2000), ledger.make().second);
        QVERIFY(waitUntilDequeued(*service, 0, 1));
        auto point = std::make_shared<CommitPoint>(10s);
        const CommandTicket t = service->requestSplitRestart(fastOptions(), point, QStringLiteral("test"));
        QTRY_VERIFY_WITH_TIMEOUT(service->snapshot().phase == ServicePhase::Draining, 2000);
        const auto asked = Clock::now();
        QVERIFY(point->rollBack(QStringLiteral("the cluster rolled back: node n0 was lost")));
        const auto finished = waitFinished(*service, t);
        QVERIFY(finished);
        QVERIFY(Clock::now() - asked < 1500ms); // not at the sleep's end
        QCOMPARE(finished->outcome, QStringLiteral("aborted"));
        QVERIFY2(finished->message.contains(QStringLiteral("node n0 was lost")), qPrintable(finished->message));
        QCOMPARE(service->snapshot().version, Version(1));
        QVERIFY(!point->reached());
    }

    void an_operator_abort_at_the_commit_point_rolls_back()
    {
        Split s;
        QTRY_VERIFY_WITH_TIMEOUT(s.point->reached(), 5000);
        QVERIFY(s.service->requestAbort().accepted());
        const auto finished = waitFinished(*s.service, s.ticket);
        QVERIFY(finished);
        QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
        QVERIFY2(finished->message.contains(QStringLiteral("aborted by operator")), qPrintable(finished->message));
        QCOMPARE(s.service->snapshot().version, Version(1));
    }

    // Issue 21: after its vote a node is uncertain; its deadline passes and nothing rolls
    // back until the outcome is known.
    void a_voted_point_waits_past_its_deadline_and_takes_the_commit_then()
    {
        Split s(300ms);
        QTRY_VERIFY_WITH_TIMEOUT(s.point->reached(), 5000);
        QVERIFY(s.point->vote());
        QTRY_VERIFY_WITH_TIMEOUT(s.point->uncertain(), 3000);
        QVERIFY(s.service->restartRunning());
        QCOMPARE(s.point->word(), CommitPoint::Word::None);
        QCOMPARE(s.service->snapshot().version, Version(1));
        QVERIFY(s.point->commit());
        const auto finished = waitFinished(*s.service, s.ticket);
        QVERIFY(finished);
        QCOMPARE(finished->outcome, QStringLiteral("completed"));
        QCOMPARE(s.service->snapshot().version, Version(2));
    }

    void an_operator_abort_after_the_vote_is_refused_and_the_cluster_decides()
    {
        Split s;
        QTRY_VERIFY_WITH_TIMEOUT(s.point->reached(), 5000);
        QVERIFY(s.point->vote());
        const CommandTicket abort = s.service->requestAbort();
        QVERIFY(!abort.accepted());
        QVERIFY(abort.refusal == Refusal::Busy);
        QVERIFY2(abort.error.contains(QStringLiteral("/v1/cluster/restart/abort")), qPrintable(abort.error));
        QVERIFY(!s.point->rollBackUnlessVoted(QStringLiteral("a peer asked")));
        QVERIFY(s.point->rollBack(QStringLiteral("the cluster rolled back: node n1 failed")));
        const auto finished = waitFinished(*s.service, s.ticket);
        QVERIFY(finished);
        QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
        QCOMPARE(s.service->snapshot().version, Version(1));
    }

    void a_point_that_decided_before_the_vote_refuses_the_vote()
    {
        Split s;
        QTRY_VERIFY_WITH_TIMEOUT(s.point->reached(), 5000);
        QVERIFY(s.point->rollBackUnlessVoted(QStringLiteral("a peer could not learn the outcome")));
        QVERIFY(!s.point->vote());
        QVERIFY(waitFinished(*s.service, s.ticket));
    }

    void a_restart_moves_to_its_target_version_and_refuses_one_not_above_the_running_one()
    {
        auto service = startService(smallConfig(2));
        RestartOptions options = fastOptions();
        options.targetVersion = 5;
        const CommandTicket up = service->requestRestart(options, QStringLiteral("test"));
        const auto done = waitFinished(*service, up);
        QVERIFY(done);
        QCOMPARE(done->outcome, QStringLiteral("completed"));
        QCOMPARE(service->snapshot().version, Version(5));
        options.targetVersion = 5;
        const CommandTicket same = service->requestRestart(options, QStringLiteral("test"));
        const auto refused = waitFinished(*service, same);
        QVERIFY(refused);
        QCOMPARE(refused->outcome, QStringLiteral("aborted"));
        QVERIFY2(refused->message.contains(QStringLiteral("not above the running v5")), qPrintable(refused->message));
        QCOMPARE(service->snapshot().version, Version(5));
    }
};

QTEST_GUILESS_MAIN(SplitRestartTest)
#include "tst_split_restart.moc"
