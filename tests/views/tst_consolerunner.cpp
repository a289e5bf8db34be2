// runConsole(): the window comes up with the built-in workload running over an embedded
// service and off over an attached one, and the screenshot switch saves the window and
// ends the event loop with status 0.
#include "ScriptedBackendClient.h"

#include "app/ConsoleRunner.h"

#include <QApplication>
#include <QImage>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace shardscope;

class TestConsoleRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ShardScopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_consolerunner"));
        QSettings().clear();
    }

    void theWorkloadRunsFromTheStartOnlyOverAnEmbeddedService_data()
    {
        QTest::addColumn<bool>("remote");
        QTest::newRow("embedded") << false;
        QTest::newRow("attached with --connect") << true;
    }

    void theWorkloadRunsFromTheStartOnlyOverAnEmbeddedService()
    {
        QFETCH(bool, remote);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("console.png"));
        qputenv("SHARDSCOPE_SCREENSHOT", path.toLocal8Bit());
        qputenv("SHARDSCOPE_SCREENSHOT_DELAY_MS", "800");
        ScriptedBackendClient client;
        client.setRemote(remote);
        client.setSnapshot(ScriptedBackendClient::uniform(4, ShardState::Serving, 1, 1'780'000'000'000));
        const int rc = runConsole(*qobject_cast<QApplication *>(QCoreApplication::instance()), client);
        qunsetenv("SHARDSCOPE_SCREENSHOT");
        QCOMPARE(rc, 0);
        const QImage shot(path);
        QVERIFY(!shot.isNull());
        QVERIFY(shot.width() >= 800);
        if (remote)
            QCOMPARE(client.queriesSubmitted(), 0u); // an attached service gets no load it was not asked for
        else
            QVERIFY2(client.queriesSubmitted() > 0, "the built-in workload runs from the start");
        QVERIFY(QSettings().contains(QStringLiteral("window/geometry")));
    }
};

QTEST_MAIN(TestConsoleRunner)
#include "tst_consolerunner.moc"
