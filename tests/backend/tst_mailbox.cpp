// The shard mailbox: two lanes, close() that hands every queued message back, and a
// many-producers, one-consumer stress case.
#include "backend/runtime/Mailbox.h"
#include "backend/runtime/WakeBatch.h"

#include <QTest>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

using namespace shardscope;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// An envelope whose run() appends `tag` to `log` (single-threaded use only), and whose
// refuse() records the reason.
Envelope tagged(std::vector<QString> *log, QString tag, std::vector<QString> *refusals = nullptr)
{
    Envelope e;
    e.run = [log, tag] { log->push_back(tag); };
    e.refuse = [refusals, tag](const QString &reason) {
        if (refusals)
            refusals->push_back(tag + QLatin1Char(':') + reason);
    };
    return e;
}

} // namespace

class MailboxTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void controlMessagesOvertakeQueuedNormalOnes_data();
    void controlMessagesOvertakeQueuedNormalOnes();
    void aClosedMailboxNoLongerAcceptsNewMessages();
    void aFullNormalLaneRefusesTheNextQueryButNeverAControlMessage();
    void closeHandsBackEveryQueuedEnvelopeOfBothLanes();
    void aReaderWokenByCloseSeesClosed();
    void takeNormalLeavesControlMessagesQueued();
    void sizeTracksPushPopTakeAndClose();
    void popWithADeadlineTimesOutOnAnEmptyMailbox();
    void aPushWakesAReaderBlockedWithoutADeadline();
    void aWakeBatchHoldsBackQueryWakesUntilItFlushes();
    void manyProducersOneConsumerLoseNothing_data();
    void manyProducersOneConsumerLoseNothing();
};

void MailboxTest::controlMessagesOvertakeQueuedNormalOnes_data()
{
    // A sequence of pushes: 'n' normal, 'c' control. Expected order of the pops.
    QTest::addColumn<QString>("pushes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("one control message behind three normal ones runs first") << "nnnc" << "c0 n0 n1 n2";
    QTest::newRow("control messages keep their own order") << "ncncc" << "c0 c1 c2 n0 n1";
    QTest::newRow("only normal messages: first in, first out") << "nnn" << "n0 n1 n2";
    QTest::newRow("only control messages: first in, first out") << "ccc" << "c0 c1 c2";
}

void MailboxTest::controlMessagesOvertakeQueuedNormalOnes()
{
    QFETCH(QString, pushes);
    QFETCH(QString, expected);

    Mailbox box;
    std::vector<QString> log;
    int normal = 0;
    int control = 0;
    for (QChar c : pushes) {
        if (c == u'n')
            QCOMPARE(box.push(tagged(&log, QStringLiteral("n%1").arg(normal++)), Lane::Normal), PushResult::Pushed);
        else
            QCOMPARE(box.push(tagged(&log, QStringLiteral("c%1").arg(control++)), Lane::Control), PushResult::Pushed);
    }
    MessagePtr e;
    while (box.pop(e, Clock::now()) == Mailbox::PopResult::Message)
        e->run();
    QStringList got;
    for (const QString &s : log)
        got << s;
    QCOMPARE(got.join(u' '), expected);
}

void MailboxTest::aClosedMailboxNoLongerAcceptsNewMessages()
{
    Mailbox box;
    std::vector<QString> log;
    QVERIFY(!box.isClosed());
    QVERIFY(box.close().empty());
    QVERIFY(box.isClosed());
    QCOMPARE(box.push(tagged(&log, QStringLiteral("late")), Lane::Normal), PushResult::Closed);
    QCOMPARE(box.push(tagged(&log, QStringLiteral("late control")), Lane::Control), PushResult::Closed);
    MessagePtr kept = toMessage(tagged(&log, QStringLiteral("kept")));
    QCOMPARE(box.push(kept, Lane::Normal), PushResult::Closed);
    QVERIFY2(kept, "a refused push leaves the message with the caller, who refuses it");
    QCOMPARE(box.size(), 0u);
    MessagePtr e;
    QCOMPARE(box.pop(e, Clock::now() + 50ms), Mailbox::PopResult::Closed);
    QVERIFY(log.empty());
}

void MailboxTest::aFullNormalLaneRefusesTheNextQueryButNeverAControlMessage()
{
    Mailbox box;
    std::vector<QString> log;
    for (int i = 0; i < 2; ++i) {
        MessagePtr m = toMessage(tagged(&log, QStringLiteral("n%1").arg(i)));
        QCOMPARE(box.push(m, Lane::Normal, 2), PushResult::Pushed);
    }
    MessagePtr third = toMessage(tagged(&log, QStringLiteral("n2")));
    QCOMPARE(box.push(third, Lane::Normal, 2), PushResult::Full);
    QVERIFY2(third, "a refused push leaves the message with the caller, who refuses it");
    MessagePtr control = toMessage(tagged(&log, QStringLiteral("c0")));
    QCOMPARE(box.push(control, Lane::Control, 2), PushResult::Pushed);
    QCOMPARE(box.size(), 3u);
    MessagePtr e;
    QCOMPARE(box.pop(e, Clock::now()), Mailbox::PopResult::Message); // c0
    QCOMPARE(box.pop(e, Clock::now()), Mailbox::PopResult::Message); // n0: room for one more
    QCOMPARE(box.push(third, Lane::Normal, 2), PushResult::Pushed);
}

void MailboxTest::closeHandsBackEveryQueuedEnvelopeOfBothLanes()
{
    Mailbox box;
    std::vector<QString> log;
    std::vector<QString> refusals;
    box.push(tagged(&log, QStringLiteral("n0"), &refusals), Lane::Normal);
    box.push(tagged(&log, QStringLiteral("c0"), &refusals), Lane::Control);
    box.push(tagged(&log, QStringLiteral("n1"), &refusals), Lane::Normal);
    QCOMPARE(box.size(), 3u);

    std::vector<MessagePtr> back = box.close();
    QCOMPARE(back.size(), std::size_t(3));
    QCOMPARE(box.size(), 0u);
    for (MessagePtr &e : back)
        e->refuse(QStringLiteral("closed"));
    std::set<QString> refused(refusals.begin(), refusals.end());
    QCOMPARE(refused, (std::set<QString>{QStringLiteral("n0:closed"), QStringLiteral("n1:closed"), QStringLiteral("c0:closed")}));
    QVERIFY2(log.empty(), "close() must hand envelopes back, not run them");
    // A second close has nothing left to hand back.
    QVERIFY(box.close().empty());
}

void MailboxTest::aReaderWokenByCloseSeesClosed()
{
    Mailbox box;
    std::atomic<int> result{-1};
    std::atomic<bool> popping{false};
    std::thread reader([&] {
        MessagePtr e;
        popping = true;
        result = int(box.pop(e, std::nullopt)); // no deadline: only close() can end this
    });
    QVERIFY(QTest::qWaitFor([&] { return popping.load(); }, 2000));
    box.close();
    reader.join();
    QCOMPARE(result.load(), int(Mailbox::PopResult::Closed));
}

void MailboxTest::takeNormalLeavesControlMessagesQueued()
{
    Mailbox box;
    std::vector<QString> log;
    std::vector<QString> refusals;
    box.push(tagged(&log, QStringLiteral("n0"), &refusals), Lane::Normal);
    box.push(tagged(&log, QStringLiteral("c0"), &refusals), Lane::Control);
    box.push(tagged(&log, QStringLiteral("n1"), &refusals), Lane::Normal);
    box.push(tagged(&log, QStringLiteral("c1"), &refusals), Lane::Control);

    std::vector<MessagePtr> taken = box.takeNormal();
    QCOMPARE(taken.size(), std::size_t(2));
    for (MessagePtr &e : taken)
        e->refuse(QStringLiteral("forced"));
    QCOMPARE(refusals, (std::vector<QString>{QStringLiteral("n0:forced"), QStringLiteral("n1:forced")}));
    QCOMPARE(box.size(), 2u);

    MessagePtr e;
    while (box.pop(e, Clock::now()) == Mailbox::PopResult::Message)
        e->run();
    QCOMPARE(log, (std::vector<QString>{QStringLiteral("c0"), QStringLiteral("c1")}));
    QCOMPARE(box.size(), 0u);
    QVERIFY(!box.isClosed());
    // Taking from an empty normal lane is harmless.
    QVERIFY(box.takeNormal().empty());
    QCOMPARE(box.size(), 0u);
}

void MailboxTest::sizeTracksPushPopTakeAndClose()
{
    Mailbox box;
    std::vector<QString> log;
    QCOMPARE(box.size(), 0u);
    for (int i = 0; i < 5; ++i)
        box.push(tagged(&log, QString::number(i)), Lane::Normal);
    box.push(tagged(&log, QStringLiteral("c")), Lane::Control);
    QCOMPARE(box.size(), 6u);

    MessagePtr e;
    QCOMPARE(box.pop(e, Clock::now()), Mailbox::PopResult::Message);
    QCOMPARE(box.size(), 5u);
    QCOMPARE(box.pop(e, Clock::now()), Mailbox::PopResult::Message);
    QCOMPARE(box.size(), 4u);

    QCOMPARE(box.takeNormal().size(), std::size_t(4));
    QCOMPARE(box.size(), 0u);

    box.push(tagged(&log, QStringLiteral("x")), Lane::Normal);
    box.push(tagged(&log, QStringLiteral("y")), Lane::Control);
    QCOMPARE(box.size(), 2u);
    QCOMPARE(box.close().size(), std::size_t(2));
    QCOMPARE(box.size(), 0u);
}

void MailboxTest::popWithADeadlineTimesOutOnAnEmptyMailbox()
{
    Mailbox box;
    MessagePtr e;
    const auto start = Clock::now();
    QCOMPARE(box.pop(e, start + 30ms), Mailbox::PopResult::Timeout);
    const auto waited = Clock::now() - start;
    QVERIFY2(waited >= 30ms, "pop returned before its deadline");
    QVERIFY2(waited < 2s, "pop overslept its deadline by far");
    // A deadline in the past returns at once.
    QCOMPARE(box.pop(e, Clock::now() - 1s), Mailbox::PopResult::Timeout);
}

void MailboxTest::aPushWakesAReaderBlockedWithoutADeadline()
{
    Mailbox box;
    std::atomic<bool> ran{false};
    std::atomic<bool> popping{false};
    std::thread reader([&] {
        MessagePtr e;
        popping = true;
        if (box.pop(e, std::nullopt) == Mailbox::PopResult::Message)
            e->run();
    });
    QVERIFY(QTest::qWaitFor([&] { return popping.load(); }, 2000));
    Envelope e;
    e.run = [&] { ran = true; };
    const PushResult pushed = box.push(std::move(e), Lane::Normal);
    QVERIFY(pushed == PushResult::Pushed || pushed == PushResult::WokeReader);
    QVERIFY(QTest::qWaitFor([&] { return ran.load(); }, 5000));
    reader.join();
}

void MailboxTest::aWakeBatchHoldsBackQueryWakesUntilItFlushes()
{
    Mailbox box;
    std::atomic<int> ran{0};
    std::thread reader([&] {
        MessagePtr e;
        while (box.pop(e, std::nullopt) == Mailbox::PopResult::Message)
            e->run();
    });
    auto counting = [&] {
        Envelope e;
        e.run = [&] { ++ran; };
        return e;
    };
    QVERIFY(QTest::qWaitFor([&] { return box.readerWaiting(); }, 2000));
    {
        WakeBatch batch;
        QCOMPARE(WakeBatch::current(), &batch);
        // A query to a sleeping reader is queued; its wake waits for the flush.
        QVERIFY(box.push(counting(), Lane::Normal) == PushResult::Pushed);
        QVERIFY(box.push(counting(), Lane::Normal) == PushResult::Pushed);
        batch.flush();
        QVERIFY(QTest::qWaitFor([&] { return ran.load() == 2; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return box.readerWaiting(); }, 2000));
        // A control message wakes at once, batch or not.
        QVERIFY(box.push(counting(), Lane::Control) == PushResult::WokeReader);
        QVERIFY(QTest::qWaitFor([&] { return ran.load() == 3; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return box.readerWaiting(); }, 2000));
        QVERIFY(box.push(counting(), Lane::Normal) == PushResult::Pushed);
    } // leaving the scope flushes
    QVERIFY(QTest::qWaitFor([&] { return ran.load() == 4; }, 5000));
    QCOMPARE(WakeBatch::current(), nullptr);
    box.close();
    reader.join();
}

void MailboxTest::manyProducersOneConsumerLoseNothing_data()
{
    QTest::addColumn<int>("producers");
    QTest::addColumn<int>("perProducer");
    QTest::newRow("two producers, 20000 messages each") << 2 << 20000;
    QTest::newRow("eight producers, 5000 messages each, both lanes") << 8 << 5000;
}

void MailboxTest::manyProducersOneConsumerLoseNothing()
{
    QFETCH(int, producers);
    QFETCH(int, perProducer);

    Mailbox box;
    const int total = producers * perProducer;
    // seen[p] counts messages of producer p in the order the consumer ran them; each
    // producer's messages of one lane must arrive in order.
    std::vector<std::vector<int>> lastSeen(std::size_t(producers), std::vector<int>(2, -1));
    std::atomic<int> consumed{0};
    std::atomic<int> outOfOrder{0};
    std::atomic<int> duplicates{0};

    std::thread consumer([&] {
        const auto deadline = Clock::now() + 60s; // hard bound: a lost message cannot hang the test
        while (consumed.load() < total && Clock::now() < deadline) {
            MessagePtr e;
            if (box.pop(e, Clock::now() + 100ms) == Mailbox::PopResult::Message)
                e->run();
        }
    });

    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            for (int i = 0; i < perProducer; ++i) {
                const int lane = (producers > 2 && i % 7 == 0) ? 1 : 0;
                Envelope e;
                // Runs on the consumer thread only: lastSeen needs no lock.
                e.run = [&, p, i, lane] {
                    int &last = lastSeen[std::size_t(p)][std::size_t(lane)];
                    if (i == last)
                        ++duplicates;
                    else if (i < last)
                        ++outOfOrder;
                    last = i;
                    ++consumed;
                };
                box.push(std::move(e), lane ? Lane::Control : Lane::Normal);
            }
        });
    }
    for (auto &t : threads)
        t.join();
    consumer.join();

    QCOMPARE(consumed.load(), total);
    QCOMPARE(outOfOrder.load(), 0);
    QCOMPARE(duplicates.load(), 0);
    QCOMPARE(box.size(), 0u);
    QVERIFY(box.close().empty());
}

QTEST_GUILESS_MAIN(MailboxTest)
#include "tst_mailbox.moc"
