// The etcd JSON-gateway client against a real single-member etcd (tests/support/EtcdProcess).
#include "backend/cluster/EtcdClient.h"
#include "backend/cluster/EtcdWatch.h"
#include "tests/cluster/EtcdFaultProxy.h"
#include "tests/cluster/EtcdStreamProxy.h"
#include "tests/support/EtcdProcess.h"

#include <QJsonDocument>
#include <QTest>

#include <optional>

using namespace shardscope;

namespace {

// Runs one asynchronous call to its answer (bounded).
EtcdReply wait(const std::function<void(EtcdClient::Done)> &call)
{
    std::optional<EtcdReply> out;
    call([&](const EtcdReply &r) { out = r; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 5000))
        return EtcdReply{false, QStringLiteral("no answer in 5 s"), {}, true};
    return *out;
}

} // namespace

class TestEtcdClient : public QObject
{
    Q_OBJECT
private:
    test::EtcdProcess m_etcd;
    std::unique_ptr<EtcdClient> m_client;

    std::int64_t grant()
    {
        const EtcdReply r = wait([&](auto d) { m_client->grantLease(30, d); });
        return etcd::int64(r.json.value(QStringLiteral("ID")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
        m_client = std::make_unique<EtcdClient>(m_etcd.url());
    }

    void a_prefix_ends_one_past_its_last_byte()
    {
        QCOMPARE(etcd::prefixEnd("/a/"), QByteArray("/a0"));
        QCOMPARE(etcd::prefixEnd(QByteArray("a\xff", 2)), QByteArray("b"));
        QCOMPARE(etcd::int64(QJsonValue(QStringLiteral("7694975468512345678"))), std::int64_t(7694975468512345678));
        QCOMPARE(etcd::int64(QJsonValue()), std::int64_t(0));
    }

    void a_put_is_read_back_by_a_prefix_range_and_nothing_outside_it()
    {
        QVERIFY(wait([&](auto d) { m_client->put("/t/range/a", "1", 0, d); }).ok);
        QVERIFY(wait([&](auto d) { m_client->put("/t/range/b", "two", 0, d); }).ok);
        QVERIFY(wait([&](auto d) { m_client->put("/t/rangeX", "outside", 0, d); }).ok);
        const EtcdReply r = wait([&](auto d) { m_client->rangePrefix("/t/range/", d); });
        QVERIFY2(r.ok, qPrintable(r.error));
        const auto kvs = etcd::keyValues(r.json);
        QCOMPARE(kvs.size(), std::size_t(2));
        QCOMPARE(kvs[1].key, QByteArray("/t/range/b"));
        QCOMPARE(kvs[1].value, QByteArray("two"));
        QVERIFY(kvs[1].modRevision > kvs[0].modRevision);
    }

    void only_the_first_create_if_absent_txn_succeeds()
    {
        const QJsonObject t = etcd::txn({etcd::compareCreate("/t/once", 0)}, {etcd::requestPut("/t/once", "first")},
                                        {etcd::requestRange("/t/once")});
        const EtcdReply first = wait([&](auto d) { m_client->txn(t, d); });
        const EtcdReply second = wait([&](auto d) { m_client->txn(t, d); });
        QVERIFY(first.ok && second.ok);
        QVERIFY(etcd::succeeded(first.json));
        QVERIFY(!etcd::succeeded(second.json)); // no "succeeded" field at all
        const auto existing = etcd::txnRange(second.json, 0);
        QCOMPARE(existing.size(), std::size_t(1));
        QCOMPARE(existing.front().value, QByteArray("first"));
    }

    void a_revoked_lease_takes_its_keys_and_keepalive_reports_it_gone()
    {
        const EtcdReply grant = wait([&](auto d) { m_client->grantLease(5, d); });
        const std::int64_t lease = etcd::int64(grant.json.value(QStringLiteral("ID")));
        QVERIFY2(grant.ok && lease != 0, qPrintable(grant.error));
        QVERIFY(wait([&](auto d) { m_client->put("/t/leased", "x", lease, d); }).ok);
        QCOMPARE(EtcdClient::leaseState(wait([&](auto d) { m_client->keepAlive(lease, d); })), LeaseState::Alive);
        QVERIFY(wait([&](auto d) { m_client->revoke(lease, d); }).ok);
        const EtcdReply after = wait([&](auto d) { m_client->keepAlive(lease, d); });
        QVERIFY2(after.ok, qPrintable(after.error)); // 200, but without a TTL
        QCOMPARE(EtcdClient::leaseState(after), LeaseState::Expired);
        QVERIFY(etcd::keyValues(wait([&](auto d) { m_client->rangePrefix("/t/leased", d); }).json).empty());
    }


    // M5: a keepalive answer is data only when all of it arrived and it is no error.
    void a_keepalive_answer_cut_short_is_not_ok_and_the_lease_is_not_called_expired()
    {
        const std::int64_t lease = grant();
        test::EtcdFaultProxy proxy(m_etcd.url());
        proxy.setMode(test::EtcdFaultProxy::Mode::CutShort);
        EtcdClient client(proxy.url());
        const EtcdReply r = wait([&](auto d) { client.keepAlive(lease, d); });
        QVERIFY2(!r.ok, QJsonDocument(r.json).toJson().constData());
        QVERIFY(r.unknownOutcome);
        QCOMPARE(EtcdClient::leaseState(r), LeaseState::Unknown);
    }

    void a_keepalive_answered_with_two_objects_is_read_from_the_first()
    {
        const std::int64_t lease = grant();
        test::EtcdFaultProxy proxy(m_etcd.url());
        proxy.setMode(test::EtcdFaultProxy::Mode::TwoObjects);
        EtcdClient client(proxy.url());
        const EtcdReply r = wait([&](auto d) { client.keepAlive(lease, d); });
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(EtcdClient::leaseState(r), LeaseState::Alive);
    }

    void a_200_answer_that_carries_an_error_is_not_ok_and_says_nothing_of_the_lease()
    {
        const std::int64_t lease = grant();
        test::EtcdFaultProxy proxy(m_etcd.url());
        proxy.setMode(test::EtcdFaultProxy::Mode::ErrorIn200);
        EtcdClient client(proxy.url());
        const EtcdReply r = wait([&](auto d) { client.keepAlive(lease, d); });
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QStringLiteral("transport is closing")), qPrintable(r.error));
        QCOMPARE(EtcdClient::leaseState(r), LeaseState::Unknown);
    }

    // A put whose answer never came may still have been applied: the caller must re-read.
    void a_put_that_times_out_has_an_unknown_outcome_and_was_applied()
    {
        test::EtcdFaultProxy proxy(m_etcd.url());
        proxy.setMode(test::EtcdFaultProxy::Mode::NoAnswer);
        EtcdClient client(proxy.url());
        const EtcdReply r = wait([&](auto d) { client.put("/t/unknown", "applied", 0, d); });
        QVERIFY(!r.ok);
        QVERIFY2(r.unknownOutcome, qPrintable(r.error));
        const auto kvs = etcd::keyValues(wait([&](auto d) { m_client->rangePrefix("/t/unknown", d); }).json);
        QCOMPARE(kvs.size(), std::size_t(1));
    }

    // A cluster restart's steps are read the moment a key under restart/ changes.
    void a_watch_wakes_its_listener_on_each_change_under_its_prefix()
    {
        EtcdWatch watch(m_etcd.url(), "/t/watch/");
        int changes = 0;
        connect(&watch, &EtcdWatch::changed, this, [&] { ++changes; });
        watch.start();
        QTRY_VERIFY(watch.streaming());
        // The stream may be open before etcd registered the watch: put until one is seen.
        QTRY_VERIFY_WITH_TIMEOUT((wait([&](auto d) { m_client->put("/t/watch/a", "1", 0, d); }), changes > 0), 5000);
        const int before = changes;
        QVERIFY(wait([&](auto d) { m_client->put("/t/watch/b", "2", 0, d); }).ok);
        QTRY_VERIFY_WITH_TIMEOUT(changes > before, 2000);
        watch.stop();
        QVERIFY(!watch.streaming());
    }


    // L2: etcd may cancel a watcher (compaction, leader loss) and keep the stream open.
    void a_watch_canceled_by_etcd_is_reopened_and_wakes_again()
    {
        test::EtcdStreamProxy proxy(quint16(m_etcd.url().port()));
        EtcdWatch watch(proxy.url(), "/t/cancel/");
        int changes = 0;
        connect(&watch, &EtcdWatch::changed, this, [&] { ++changes; });
        watch.start();
        QTRY_VERIFY(watch.up());
        const int reopens = watch.reopens();
        proxy.inject("{\"result\":{\"header\":{},\"canceled\":true}}\n");
        QTRY_VERIFY_WITH_TIMEOUT(watch.reopens() > reopens, 2000);
        QTRY_VERIFY_WITH_TIMEOUT(watch.up(), 3000);
        const int before = changes;
        QTRY_VERIFY_WITH_TIMEOUT((wait([&](auto d) { m_client->put("/t/cancel/a", "1", 0, d); }), changes > before), 5000);
    }

    // A half-open link never ends by itself: silence past the idle limit is a dead stream.
    void a_silent_watch_is_reopened_after_its_idle_limit()
    {
        test::EtcdStreamProxy proxy(quint16(m_etcd.url().port()));
        EtcdWatch watch(proxy.url(), "/t/silent/", nullptr, 1000);
        watch.start();
        QTRY_VERIFY(watch.up());
        const int reopens = watch.reopens();
        proxy.silenceOpen();
        QTRY_VERIFY_WITH_TIMEOUT(!watch.up(), 3000);
        QVERIFY(watch.reopens() > reopens);
        QTRY_VERIFY_WITH_TIMEOUT(watch.up(), 3000);
    }

    void a_change_split_across_two_reads_still_wakes_the_listener()
    {
        test::EtcdStreamProxy proxy(quint16(m_etcd.url().port()));
        EtcdWatch watch(proxy.url(), "/t/split/");
        int changes = 0;
        connect(&watch, &EtcdWatch::changed, this, [&] { ++changes; });
        watch.start();
        QTRY_VERIFY(watch.up());
        QTRY_VERIFY(changes > 0); // "created" counts as a change: anything may have moved
        proxy.splitEvents(true);
        const int before = changes;
        QVERIFY(wait([&](auto d) { m_client->put("/t/split/a", "1", 0, d); }).ok);
        QTRY_VERIFY_WITH_TIMEOUT(changes > before, 2000);
    }

    void an_unreachable_etcd_is_an_error_that_names_it()
    {
        const QUrl nowhere(QStringLiteral("http://127.0.0.1:%1").arg(test::freeLocalPort()));
        EtcdClient client(nowhere);
        const EtcdReply r = wait([&](auto d) { client.put("/t/x", "1", 0, d); });
        QVERIFY(!r.ok);
        QVERIFY(!r.unknownOutcome); // refused before anything was sent
        QVERIFY2(r.error.contains(QStringLiteral("unreachable")) && r.error.contains(nowhere.toString()), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TestEtcdClient)
#include "tst_etcd_client.moc"
