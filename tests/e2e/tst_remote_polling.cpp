// The remote console's polling fallback against a headless service in another process:
// forced polling follows a restart and a lost service; behind a proxy that refuses or
// holds GET /v1/stream, Auto falls back to polling and returns to the stream once it
// flows; Stream alone stays honestly disconnected.
#include "model/client/RemoteBackendClient.h"
#include "tests/support/HeadlessProcess.h"
#include "tests/support/StreamBlockingProxy.h"
#include "tests/support/TestPrinters.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

using Mode = StreamBlockingProxy::Mode;

class TestRemotePolling : public QObject
{
    Q_OBJECT
private:
    static quint16 startService(QProcess &process, quint16 port = 0)
    {
        return startHeadless(process, {QStringLiteral("--shards"), QStringLiteral("4"), QStringLiteral("--audit-file"), QString()}, port);
    }

    static QUrl url(quint16 port) { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)); }

    // A phased restart commanded through `client` shows up in what it polls.
    static void restartIsFollowed(RemoteBackendClient &client)
    {
        const Version before = client.snapshot().version;
        QSignalSpy commands(&client, &BackendClient::commandFinished);
        client.requestRestart(client.restartDefaults());
        QTRY_COMPARE_WITH_TIMEOUT(commands.count(), 1, 5000);
        QVERIFY(commands.at(0).at(1).value<CommandResult>().ok);
        QTRY_COMPARE_WITH_TIMEOUT(client.snapshot().version, before + 1, 10000);
        for (const ShardSnapshot &s : client.snapshot().shards)
            QCOMPARE(s.version, before + 1);
        QTRY_VERIFY_WITH_TIMEOUT(finishedRestarts(client) == int(before), 5000);
    }

    static int finishedRestarts(RemoteBackendClient &client)
    {
        int n = 0;
        for (const ServiceEvent &e : client.eventsSince(0, 100000))
            n += e.kind == EventKind::RestartFinished && e.outcome == QLatin1String("completed");
        return n;
    }

private Q_SLOTS:
    void forced_polling_follows_a_restart_a_loss_and_a_return()
    {
        QProcess service;
        const quint16 port = startService(service);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());

        RemoteBackendClient client(url(port), {}, RemoteTransport::Poll);
        client.setPollIntervalMs(100);
        client.connectToService();
        QTRY_VERIFY_WITH_TIMEOUT(client.connection().live, 5000);
        QVERIFY(client.connection().polling);
        QVERIFY2(client.connection().detail.contains(QLatin1String("as asked")), qPrintable(client.connection().detail));
        QTRY_COMPARE_WITH_TIMEOUT(int(client.snapshot().shards.size()), 4, 5000);
        QCOMPARE(client.snapshot().version, Version(1));
        QVERIFY(client.snapshot().startTimeMs > 0); // the status block travels with the shards
        restartIsFollowed(client);

        service.kill();
        QVERIFY(service.waitForFinished(5000));
        QTRY_VERIFY_WITH_TIMEOUT(!client.connection().live, 5000);
        QVERIFY(!client.connection().polling);
        QVERIFY(client.connection().detail.startsWith(QLatin1String("lost ")));
        QCOMPARE(client.snapshot().version, Version(2)); // the last one seen, for a stale display

        QProcess again;
        QCOMPARE(startService(again, port), port);
        QTRY_VERIFY_WITH_TIMEOUT(client.connection().live, 15000);
        QVERIFY(client.connection().polling);
        QTRY_COMPARE_WITH_TIMEOUT(client.snapshot().version, Version(1), 5000); // a fresh process
        again.terminate();
        QVERIFY(again.waitForFinished(10000));
    }

    void auto_falls_back_when_a_proxy_refuses_the_stream_and_returns_when_it_flows()
    {
        QProcess service;
        const quint16 port = startService(service);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());
        StreamBlockingProxy proxy(port, Mode::RefuseStream);
        QVERIFY(proxy.isListening());

        RemoteBackendClient client(url(proxy.serverPort()), {});
        client.setPollIntervalMs(100);
        client.setStreamRetryMs(300);
        client.connectToService();
        QTRY_VERIFY_WITH_TIMEOUT(client.connection().live && client.connection().polling, 5000);
        QVERIFY2(client.connection().detail.contains(QLatin1String("Not Found")), qPrintable(client.connection().detail));
        QVERIFY(proxy.streamRequests() >= 1);
        restartIsFollowed(client);
        QTRY_VERIFY_WITH_TIMEOUT(proxy.streamRequests() >= 3, 5000); // the stream is retried while polling
        QVERIFY(client.connection().live && client.connection().polling);

        proxy.setMode(Mode::PassThrough);
        QTRY_VERIFY_WITH_TIMEOUT(client.connection().live && !client.connection().polling, 5000);
        restartIsFollowed(client); // now over the stream
        service.terminate();
        QVERIFY(service.waitForFinished(10000));
    }

    void auto_falls_back_when_a_proxy_holds_the_stream_silent()
    {
        QProcess service;
        const quint16 port = startService(service);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());
        StreamBlockingProxy proxy(port, Mode::HoldStream);

        RemoteBackendClient client(url(proxy.serverPort()), {});
        client.setPollIntervalMs(100);
        client.connectToService();
        // The stream's watchdog (3 s without a frame) gives it up; polling takes over.
        QTRY_VERIFY_WITH_TIMEOUT(client.connection().live && client.connection().polling, 10000);
        QCOMPARE(int(client.snapshot().shards.size()), 4);
        restartIsFollowed(client);
        service.terminate();
        QVERIFY(service.waitForFinished(10000));
    }

    void stream_only_stays_disconnected_behind_a_refusing_proxy()
    {
        QProcess service;
        const quint16 port = startService(service);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());
        StreamBlockingProxy proxy(port, Mode::RefuseStream);

        RemoteBackendClient client(url(proxy.serverPort()), {}, RemoteTransport::Stream);
        client.connectToService();
        QTRY_VERIFY_WITH_TIMEOUT(proxy.streamRequests() >= 2, 5000); // failed, backed off, retried
        QVERIFY(!client.connection().live);
        QVERIFY(!client.connection().polling);
        QVERIFY2(client.connection().detail.contains(QLatin1String("Not Found")), qPrintable(client.connection().detail));
        service.terminate();
        QVERIFY(service.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestRemotePolling)
#include "tst_remote_polling.moc"
