// The console's RemoteBackendClient against a headless service in another process: it
// follows a phased restart live, shows the loss of the service at once, and reconnects.
#include "model/client/RemoteBackendClient.h"
#include "tests/support/HeadlessProcess.h"
#include "tests/support/TestPrinters.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

class TestRemoteClient : public QObject
{
    Q_OBJECT
private:
    static quint16 startService(QProcess &process, quint16 port)
    {
        return startHeadless(process, {QStringLiteral("--shards"), QStringLiteral("4"), QStringLiteral("--audit-file"), QString()}, port);
    }

private Q_SLOTS:
    void the_remote_console_follows_a_restart_notices_loss_and_reconnects()
    {
        QProcess service;
        const quint16 port = startService(service, 0);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());

        RemoteBackendClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {});
        QSignalSpy liveChanges(&client, &BackendClient::connectionChanged);
        client.connectToService();
        QTRY_VERIFY_WITH_TIMEOUT(client.connection().live, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(int(client.snapshot().shards.size()), 4, 5000);
        QCOMPARE(nameOf(client.snapshot().shards[3].state), QStringLiteral("serving"));
        QCOMPARE(client.restartDefaults().drainTimeoutMs, 10000);

        QSignalSpy commands(&client, &BackendClient::commandFinished);
        client.requestRestart(client.restartDefaults());
        QTRY_COMPARE_WITH_TIMEOUT(commands.count(), 1, 5000);
        QVERIFY(commands.at(0).at(1).value<CommandResult>().ok);
        QTRY_COMPARE_WITH_TIMEOUT(client.snapshot().version, Version(2), 10000);
        bool sawDrain = false;
        bool sawFinish = false;
        for (const ServiceEvent &e : client.eventsSince(0, 100000)) {
            sawDrain |= e.kind == EventKind::ShardStateChanged && e.state == ShardState::Draining;
            sawFinish |= e.kind == EventKind::RestartFinished && e.outcome == QLatin1String("completed");
        }
        QVERIFY(sawDrain);
        QVERIFY(sawFinish);

        std::atomic<int> answered{0};
        client.submitQuery(QueryRequest{QStringLiteral("echo"), {}, 1}, [&](QueryReply r) {
            if (r.ok() && r.shard == 1 && r.version == 2)
                ++answered;
        });
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), 1, 5000);

        service.kill();
        QVERIFY(service.waitForFinished(5000));
        QTRY_VERIFY_WITH_TIMEOUT(!client.connection().live, 5000);
        QVERIFY(!client.connection().detail.isEmpty());
        QCOMPARE(client.snapshot().version, Version(2)); // the last one seen, for a stale display

        QProcess again;
        QCOMPARE(startService(again, port), port);
        QTRY_VERIFY_WITH_TIMEOUT(client.connection().live, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(client.snapshot().version, Version(1), 5000); // a fresh process
        QVERIFY(liveChanges.count() >= 3);
        again.terminate();
        QVERIFY(again.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestRemoteClient)
#include "tst_remote_client.moc"
