// A console attached with --connect is safe by default: the real binary sends the
// service no query of its own, and while the service is lost the window's commands are
// off with the reason, come back with it, and the event log tells the story (the
// disconnect, the reconnect, the new instance and that instance's own events).
#include "model/client/RemoteBackendClient.h"
#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "model/events/EventListModel.h"
#include "model/restart/RestartTracker.h"
#include "model/shards/ShardTableModel.h"
#include "tests/support/HeadlessProcess.h"
#include "tests/support/HttpTestClient.h"
#include "views/FaultsMenu.h"
#include "views/MainWindow.h"
#include "views/RestartPanel.h"

#include <QAction>
#include <QApplication>
#include <QJsonObject>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

class TestRemoteSafety : public QObject
{
    Q_OBJECT
private:
    static quint16 startService(QProcess &process, quint16 port)
    {
        return startHeadless(process, {QStringLiteral("--shards"), QStringLiteral("4"), QStringLiteral("--audit-file"), QString()}, port);
    }

    static qint64 acceptedQueries(quint16 port)
    {
        HttpTestClient admin("127.0.0.1", port);
        const QJsonObject status = admin.get("/v1/service/status").json();
        return status.value(QStringLiteral("ledger")).toObject().value(QStringLiteral("accepted")).toInteger(-1);
    }

    static int logRows(ConsoleModel &model, const QString &source, const QString &prefix)
    {
        int n = 0;
        for (int row = 0; row < model.events().rowCount(); ++row) {
            n += model.events().index(row, EventListModel::SourceColumn).data().toString() == source
                && model.events().index(row, EventListModel::MessageColumn).data().toString().startsWith(prefix);
        }
        return n;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void an_attached_console_sends_the_service_no_query_for_five_seconds()
    {
        QProcess service;
        const quint16 port = startService(service, 0);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());
        const qint64 before = acceptedQueries(port);
        QVERIFY(before >= 0);

        // The real binary, offscreen, with settings of its own rather than the user's.
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        QProcess console;
        console.setProcessEnvironment(env);
        console.start(QStringLiteral(SHARDSCOPE_BINARY), {QStringLiteral("--connect"), QStringLiteral("http://127.0.0.1:%1").arg(port)});
        QByteArray out;
        const bool up = QTest::qWaitFor([&] {
            console.waitForReadyRead(50);
            out += console.readAllStandardOutput();
            return out.contains("console: showing") || console.state() == QProcess::NotRunning;
        }, 15000);
        QVERIFY2(up && out.contains("console: showing"), QByteArray(out + console.readAllStandardError()).constData());

        QTest::qWait(5000); // the observation window is what this test asserts on
        QCOMPARE(console.state(), QProcess::Running);
        QCOMPARE(acceptedQueries(port), before);

        console.kill();
        QVERIFY(console.waitForFinished(5000));
        service.terminate();
        QVERIFY(service.waitForFinished(10000));
    }

    void commands_are_off_while_the_attached_service_is_lost_and_back_when_it_returns()
    {
        QProcess service;
        const quint16 port = startService(service, 0);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(service.readAllStandardError().constData());
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port);

        RemoteBackendClient client{QUrl(url), {}};
        client.connectToService();
        ConsoleModel model(client);
        MainWindow window(model);
        window.resize(1280, 800);
        window.show();
        model.pump().start();
        const QList<QAction *> actions = {window.restartAction(), window.stopAction(), window.startAction(),
                                          window.faultsMenu()->menuAction()};
        QPushButton *restartButton = window.restartPanel()->restartButton();
        const auto enabled = [&] {
            int n = restartButton->isEnabled();
            for (QAction *a : actions)
                n += a->isEnabled();
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(enabled(), 5, 5000);
        QCOMPARE(window.windowTitle(), QStringLiteral("ShardScope \u2014 ") + url);

        // A restart first, so the first instance's events run well past a new one's.
        QTRY_COMPARE_WITH_TIMEOUT(model.shards().rowCount(), 4, 5000);
        model.requestRestart(model.restartDefaults());
        QTRY_COMPARE_WITH_TIMEOUT(model.shards().index(3, 0).data(ShardTableModel::VersionRole).toInt(), 2, 10000);
        const int started = logRows(model, QStringLiteral("service"), QStringLiteral("Service started"));
        QVERIFY(started >= 1);

        service.kill();
        QVERIFY(service.waitForFinished(5000));
        QTRY_COMPARE_WITH_TIMEOUT(enabled(), 0, 5000);
        for (QAction *a : actions)
            QVERIFY2(a->toolTip().contains(QStringLiteral("%1 is not live").arg(url)), qPrintable(a->toolTip()));
        QVERIFY2(restartButton->toolTip().contains(QStringLiteral("not live")), qPrintable(restartButton->toolTip()));
        QCOMPARE(window.windowTitle(), QStringLiteral("ShardScope \u2014 %1 (not live)").arg(url));
        QCOMPARE(logRows(model, QStringLiteral("console"), QStringLiteral("Disconnected from ") + url), 1);

        QProcess again;
        QCOMPARE(startService(again, port), port);
        QTRY_COMPARE_WITH_TIMEOUT(enabled(), 5, 15000);
        QCOMPARE(window.windowTitle(), QStringLiteral("ShardScope \u2014 ") + url);
        QTRY_COMPARE_WITH_TIMEOUT(logRows(model, QStringLiteral("console"), QStringLiteral("Reconnected to ") + url), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(logRows(model, QStringLiteral("console"), QStringLiteral("New service instance at ") + url), 1, 5000);
        // A restart the old instance did not finish is over, not still running (Restart stays offered).
        QVERIFY(!model.restart().progress().active);
        // The new instance numbers its events from 1 again; they reach the log all the same.
        QTRY_COMPARE_WITH_TIMEOUT(logRows(model, QStringLiteral("service"), QStringLiteral("Service started")), started + 1, 5000);
        model.pump().stop();
        again.terminate();
        QVERIFY(again.waitForFinished(10000));
    }
};

QTEST_MAIN(TestRemoteSafety)
#include "tst_remote_safety.moc"
