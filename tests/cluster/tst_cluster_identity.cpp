// A node is a process run, not an id: a second live process with a node's id is refused,
// a process restarted within the TTL waits for its predecessor's lease and inherits
// nothing of it (H1, V9), tokens are compared by digest, and etcd does not grow at rest (M3).
#include "tests/cluster/ClusterTestSupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace shardscope;
using namespace shardscope::test;

namespace {

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

// The value and lease of `key` in etcd, or an empty object.
QJsonObject readKey(const EtcdProcess &etcd, const QByteArray &key)
{
    const QJsonArray kvs = etcd.call("/v3/kv/range", {{QStringLiteral("key"), b64(key)}}).value(QStringLiteral("kvs")).toArray();
    if (kvs.isEmpty())
        return {};
    const QJsonObject kv = kvs.first().toObject();
    QJsonObject value = QJsonDocument::fromJson(QByteArray::fromBase64(kv.value(QStringLiteral("value")).toString().toLatin1())).object();
    value.insert(QStringLiteral("_lease"), kv.value(QStringLiteral("lease")));
    value.insert(QStringLiteral("_create_revision"), kv.value(QStringLiteral("create_revision")));
    return value;
}

// The newest mod revision under `prefix` (other tests' leases expire meanwhile, so the
// store's revision is not this cluster's).
qint64 newestRevisionUnder(const EtcdProcess &etcd, const QByteArray &prefix)
{
    const QByteArray end = prefix.left(prefix.size() - 1) + char(prefix.back() + 1);
    const QJsonObject r = etcd.call("/v3/kv/range", {{QStringLiteral("key"), b64(prefix)}, {QStringLiteral("range_end"), b64(end)},
                                                    {QStringLiteral("keys_only"), true}});
    qint64 newest = 0;
    for (const QJsonValue &kv : r.value(QStringLiteral("kvs")).toArray())
        newest = std::max(newest, kv.toObject().value(QStringLiteral("mod_revision")).toString().toLongLong());
    return newest;
}

qint64 historyCount(const EtcdProcess &etcd, const QByteArray &prefix)
{
    const QByteArray end = prefix.left(prefix.size() - 1) + char(prefix.back() + 1);
    const QJsonObject r = etcd.call("/v3/kv/range", {{QStringLiteral("key"), b64(prefix)}, {QStringLiteral("range_end"), b64(end)},
                                                    {QStringLiteral("count_only"), true}});
    return r.value(QStringLiteral("count")).toString().toLongLong();
}

} // namespace

class TestClusterIdentity : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
    }

    void a_second_process_with_a_live_nodes_id_exits_1_naming_the_holder()
    {
        auto a = startNode(m_etcd.urlText(), QStringLiteral("dup"), 1, 1, QStringLiteral("id1"));
        QVERIFY(a->port);
        QTRY_VERIFY_WITH_TIMEOUT(a->clusterStatus().value(QStringLiteral("registered")).toBool(), 3000);
        const QJsonObject held = readKey(m_etcd, "/shardscope/id1/members/dup");
        const QString run = held.value(QStringLiteral("run")).toString();
        QVERIFY(!run.isEmpty());

        auto b = startNode(m_etcd.urlText(), QStringLiteral("dup"), 1, 1, QStringLiteral("id1"));
        QVERIFY(b->port);
        QVERIFY2(b->process->waitForFinished(8000), "the second process joined under a live node's id");
        QCOMPARE(b->process->exitCode(), 1);
        const QString err = QString::fromUtf8(b->process->readAllStandardError());
        QVERIFY2(err.contains(run) && err.contains(QStringLiteral("http://127.0.0.1:%1").arg(a->port)), qPrintable(err));
        // It never wrote over the holder's key, and the holder is still registered.
        QCOMPARE(readKey(m_etcd, "/shardscope/id1/members/dup").value(QStringLiteral("run")).toString(), run);
        QVERIFY(a->clusterStatus().value(QStringLiteral("registered")).toBool());
    }

    void a_node_restarted_within_its_ttl_waits_for_its_predecessors_lease_then_joins()
    {
        auto a = startNode(m_etcd.urlText(), QStringLiteral("re"), 1, 2, QStringLiteral("id2"));
        QVERIFY(a->port);
        QTRY_VERIFY_WITH_TIMEOUT(a->clusterStatus().value(QStringLiteral("registered")).toBool(), 3000);
        const QString oldRun = readKey(m_etcd, "/shardscope/id2/members/re").value(QStringLiteral("run")).toString();
        a->signal(SIGKILL);
        a->process->waitForFinished(2000);

        auto again = startNode(m_etcd.urlText(), QStringLiteral("re"), 1, 2, QStringLiteral("id2"));
        QVERIFY(again->port);
        QTRY_VERIFY_WITH_TIMEOUT(again->log().contains(QStringLiteral("waiting up to")), 2000);
        QTRY_VERIFY_WITH_TIMEOUT(again->clusterStatus().value(QStringLiteral("registered")).toBool(), 6000);
        QVERIFY(again->process->state() == QProcess::Running);
        const QString newRun = readKey(m_etcd, "/shardscope/id2/members/re").value(QStringLiteral("run")).toString();
        QVERIFY(!newRun.isEmpty() && newRun != oldRun);
    }

    // H1: the leader key of a crashed coordinator is under the same id but on a dead run's
    // lease; the new process must not take its fence as its own.
    void a_coordinator_restarted_within_its_ttl_does_not_inherit_its_predecessors_fence()
    {
        auto a = startNode(m_etcd.urlText(), QStringLiteral("h1"), 1, 3, QStringLiteral("id3"));
        QVERIFY(a->port);
        QTRY_VERIFY_WITH_TIMEOUT(a->clusterStatus().value(QStringLiteral("fence")).toDouble() > 0, 3000);
        const qint64 oldFence = readKey(m_etcd, "/shardscope/id3/leader").value(QStringLiteral("_create_revision")).toString().toLongLong();
        QVERIFY(oldFence > 0);
        a->signal(SIGKILL);
        a->process->waitForFinished(2000);

        auto again = startNode(m_etcd.urlText(), QStringLiteral("h1"), 1, 3, QStringLiteral("id3"));
        QVERIFY(again->port);
        qint64 fence = 0;
        QVERIFY(QTest::qWaitFor([&] {
            fence = qint64(again->clusterStatus().value(QStringLiteral("fence")).toDouble());
            return fence != 0;
        }, 8000));
        QVERIFY2(fence != oldFence, "the restarted process carried on with its dead predecessor's fence");
        const QJsonObject leader = readKey(m_etcd, "/shardscope/id3/leader");
        QCOMPARE(leader.value(QStringLiteral("_create_revision")).toString().toLongLong(), fence);
        QCOMPARE(leader.value(QStringLiteral("_lease")).toString(),
                 readKey(m_etcd, "/shardscope/id3/members/h1").value(QStringLiteral("_lease")).toString());
    }

    void a_node_with_another_token_is_shown_as_a_token_mismatch_and_no_token_is_in_etcd()
    {
        QTemporaryDir dir;
        const QString one = dir.filePath(QStringLiteral("one")), two = dir.filePath(QStringLiteral("two"));
        for (const auto &[path, token] : {std::pair{one, "token-one-secret"}, std::pair{two, "token-two-secret"}}) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(token);
            f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        }
        auto a = startNode(m_etcd.urlText(), QStringLiteral("ta"), 1, 1, QStringLiteral("id4"), {QStringLiteral("--token-file"), one});
        auto b = startNode(m_etcd.urlText(), QStringLiteral("tb"), 1, 1, QStringLiteral("id4"), {QStringLiteral("--token-file"), two});
        auto c = startNode(m_etcd.urlText(), QStringLiteral("tc"), 1, 1, QStringLiteral("id4"), {QStringLiteral("--token-file"), one});
        QVERIFY(a->port && b->port && c->port);
        QTRY_VERIFY_WITH_TIMEOUT(nodeIn(a->clusterStatus(), QStringLiteral("tb")).value(QStringLiteral("token_mismatch")).toBool(), 3000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*a, QStringLiteral("tc")), QStringLiteral("up"), 3000);
        QCOMPARE(nodeIn(a->clusterStatus(), QStringLiteral("tc")).value(QStringLiteral("token_mismatch")), QJsonValue(false));
        QCOMPARE(nodeIn(a->clusterStatus(), QStringLiteral("ta")).value(QStringLiteral("token_mismatch")), QJsonValue(false));
        QTRY_VERIFY_WITH_TIMEOUT(a->log().contains(QStringLiteral("would be refused")), 2000);
        QCOMPARE(a->log().count(QStringLiteral("would be refused")), 1);
        const QJsonObject member = readKey(m_etcd, "/shardscope/id4/members/tb");
        QCOMPARE(member.value(QStringLiteral("token_digest")).toString().size(), 16);
        const QByteArray raw = QJsonDocument(member).toJson();
        QVERIFY(!raw.contains("token-two-secret") && !raw.contains("token-one-secret"));
    }

    // M3: the lease proves a node alive; rewriting status/<id> every second did not.
    void three_nodes_at_rest_add_no_revisions_to_etcd()
    {
        Nodes nodes = startNodes(m_etcd, QStringLiteral("id5"), 3, 1);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const qint64 start = newestRevisionUnder(m_etcd, "/shardscope/id5/");
        QVERIFY(start > 0);
        QVERIFY(!QTest::qWaitFor([&] { return newestRevisionUnder(m_etcd, "/shardscope/id5/") != start; }, 3000));
    }

    void the_coordinator_keeps_only_the_newest_50_history_entries()
    {
        const QByteArray prefix = "/shardscope/id6/restart/history/";
        for (int i = 0; i < 60; ++i) {
            const QByteArray key = prefix + QByteArray::number(1000 + i);
            const QByteArray value = "{\"id\":\"" + QByteArray::number(1000 + i) + "\",\"state\":\"completed\",\"strategy\":\"rolling\"}";
            QVERIFY(!m_etcd.call("/v3/kv/put", {{QStringLiteral("key"), b64(key)}, {QStringLiteral("value"), b64(value)}}).isEmpty());
        }
        auto a = startNode(m_etcd.urlText(), QStringLiteral("p"), 1, 1, QStringLiteral("id6"));
        QVERIFY(a->port);
        QTRY_COMPARE_WITH_TIMEOUT(historyCount(m_etcd, prefix), qint64(50), 5000);
        QVERIFY(readKey(m_etcd, prefix + "1009").isEmpty());
        QVERIFY(!readKey(m_etcd, prefix + "1010").isEmpty());
        QCOMPARE(a->clusterStatus().value(QStringLiteral("last_restart")).toObject().value(QStringLiteral("id")).toString(), QStringLiteral("1059"));
    }
};

QTEST_GUILESS_MAIN(TestClusterIdentity)
#include "tst_cluster_identity.moc"
