// The console's window attached to a headless service in another process: the grid
// follows it, fault drills reach it from the Service menu's Faults entry, the audit tab
// lists what operators did, and losing the service veils the grid until it is back.
#include "model/client/RemoteBackendClient.h"
#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"
#include "model/console/SnapshotPump.h"
#include "model/shards/ShardTableModel.h"
#include "tests/support/HeadlessProcess.h"
#include "views/AuditView.h"
#include "views/ConnectionBanner.h"
#include "views/HeaderStrip.h"
#include "views/MainWindow.h"

#include <QApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeWidget>

using namespace shardscope;
using namespace shardscope::test;

class TestRemoteConsole : public QObject
{
    Q_OBJECT
private:
    static quint16 startService(QProcess &process, quint16 port)
    {
        return startHeadless(process, {QStringLiteral("--shards"), QStringLiteral("4"), QStringLiteral("--enable-faults"), QStringLiteral("--audit-file"), QString()}, port);
    }

    static QString stateOf(ConsoleModel &model, int shard)
    {
        const QModelIndex index = model.shards().index(model.shards().rowOfShard(shard), 0);
        return index.data(ShardTableModel::StateNameRole).toString();
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void the_remote_window_drills_a_fault_audits_a_restart_and_veils_a_lost_service()
    {
        QProcess service;
        const quint16 port = startService(service, 0);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());

        RemoteBackendClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {});
        client.connectToService();
        ConsoleModel model(client);
        MainWindow window(model);
        window.resize(1280, 800);
        window.show();
        model.pump().start();
        QTRY_COMPARE_WITH_TIMEOUT(model.shards().rowCount(), 4, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(model.tools().faultsEnabled(), 5000);
        QVERIFY(!window.connectionBanner()->isShowingLoss());

        // A crash drill on shard 1, then a query there: the tile goes Failed, then back.
        model.setSelectedShard(1);
        QSignalSpy commands(&model, &ConsoleModel::commandFinished);
        model.tools().injectFault(QStringLiteral("crash"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(commands.count(), 1, 5000);
        QVERIFY(commands.at(0).at(1).toBool());
        std::atomic<int> replies{0};
        client.submitQuery(QueryRequest{QStringLiteral("echo"), {}, 1}, [&](QueryReply) { ++replies; });
        QTRY_COMPARE_WITH_TIMEOUT(replies.load(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(model, 1), QStringLiteral("serving"), 5000);

        // A restart from the console shows in the audit tab.
        RestartSettings settings = model.restartDefaults();
        model.requestRestart(settings);
        QTRY_COMPARE_WITH_TIMEOUT(model.shards().index(0, 0).data(ShardTableModel::VersionRole).toInt(), 2, 10000);
        auto *audit = window.findChild<AuditView *>();
        QVERIFY(audit);
        model.tools().refreshAudit();
        QTRY_VERIFY_WITH_TIMEOUT(audit->table()->topLevelItemCount() >= 1, 5000);
        QCOMPARE(audit->table()->topLevelItem(0)->text(1), QStringLiteral("restart"));
        QCOMPARE(audit->table()->topLevelItem(0)->text(3), QStringLiteral("completed"));

        // The service goes away: the banner and veil come at once; back again: gone.
        service.kill();
        QVERIFY(service.waitForFinished(5000));
        QTRY_VERIFY_WITH_TIMEOUT(window.connectionBanner()->isShowingLoss(), 5000);
        QVERIFY(window.connectionBanner()->text().contains(QStringLiteral("not live")));
        QVERIFY(window.header()->readyText().contains(QStringLiteral("NOT LIVE"))); // never a stale READY
        QProcess again;
        QCOMPARE(startService(again, port), port);
        QTRY_VERIFY_WITH_TIMEOUT(!window.connectionBanner()->isShowingLoss(), 15000);
        QVERIFY(!window.connectionBanner()->isShowingPolling());
        QTRY_VERIFY_WITH_TIMEOUT(window.header()->readyText().contains(QStringLiteral("&nbsp;READY&nbsp;")), 5000);
        model.pump().stop();
        again.terminate();
        QVERIFY(again.waitForFinished(10000));
    }

    void the_remote_window_says_when_it_is_live_by_polling()
    {
        QProcess service;
        const quint16 port = startService(service, 0);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());

        RemoteBackendClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, RemoteTransport::Poll);
        client.setPollIntervalMs(100);
        client.connectToService();
        ConsoleModel model(client);
        MainWindow window(model);
        window.resize(1280, 800);
        window.show();
        model.pump().start();
        QTRY_COMPARE_WITH_TIMEOUT(model.shards().rowCount(), 4, 5000);
        ConnectionBanner *banner = window.connectionBanner();
        QTRY_VERIFY_WITH_TIMEOUT(banner->isShowingPolling(), 5000);
        QVERIFY(!banner->isShowingLoss());
        QVERIFY(banner->text().contains(QStringLiteral("polling")));
        model.requestRestart(model.restartDefaults());
        QTRY_COMPARE_WITH_TIMEOUT(model.shards().index(3, 0).data(ShardTableModel::VersionRole).toInt(), 2, 10000);

        service.kill();
        QVERIFY(service.waitForFinished(5000));
        QTRY_VERIFY_WITH_TIMEOUT(banner->isShowingLoss(), 5000);
        QVERIFY(!banner->isShowingPolling());
        model.pump().stop();
    }
};

QTEST_MAIN(TestRemoteConsole)
#include "tst_remote_console.moc"
