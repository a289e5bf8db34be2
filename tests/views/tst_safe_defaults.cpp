// Safe by default: the restart dialog opens phased and makes legacy a typed choice that
// Return never confirms; stop asks first; commands are off while the service is not
// live; the title names the service; an attached console leaves the workload off; and
// an outage is a gap in the charts.
#include "ConsoleScenes.h"
#include "WindowFixture.h"

#include "model/console/ConsoleModel.h"
#include "model/workload/WorkloadDriver.h"
#include "views/ChartPanel.h"
#include "views/FaultsMenu.h"
#include "views/MainWindow.h"
#include "views/RestartDialog.h"
#include "views/RestartPanel.h"
#include "views/WorkloadPanel.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

class TestSafeDefaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpDeterministicLook(); }
    void init() { QSettings().clear(); }

    void theRestartDialogOpensPhasedEvenAfterALegacyRestartWasSaved_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("a legacy restart sent from this console") << QStringLiteral("sent");
        QTest::newRow("legacy saved by an earlier version") << QStringLiteral("saved");
        QTest::newRow("legacy as the service's default mode") << QStringLiteral("default");
    }

    void theRestartDialogOpensPhasedEvenAfterALegacyRestartWasSaved()
    {
        QFETCH(QString, how);
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000));
        if (how == QLatin1String("sent")) {
            onNextDialog<RestartDialog>([](RestartDialog &d) {
                chooseLegacy(d, QStringLiteral("8"));
                d.okButton()->click();
            });
            f.window.restartAction()->trigger();
            QVERIFY(f.client.lastRestartOptions().mode == RestartMode::Legacy);
        } else if (how == QLatin1String("saved")) {
            QSettings().setValue(QStringLiteral("restart/mode"), QStringLiteral("legacy"));
        } else {
            RestartOptions defaults;
            defaults.mode = RestartMode::Legacy;
            f.client.setRestartDefaults(defaults);
        }
        QVERIFY(!f.model.rememberedRestartSettings().legacy);
        int openedIn = -1;
        onNextDialog<RestartDialog>([&](RestartDialog &d) {
            openedIn = d.modeBox()->currentIndex();
            d.reject();
        });
        f.window.restartPanel()->restartButton()->click();
        QCOMPARE(openedIn, 0); // phased
    }

    void legacyEnablesOkOnlyOnceConfirmed_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<bool>("enabled");
        QTest::newRow("nothing typed") << QString() << false;
        QTest::newRow("the shard count") << QStringLiteral("8") << true;
        QTest::newRow("the word legacy") << QStringLiteral("legacy") << true;
        QTest::newRow("the word in capitals") << QStringLiteral("LEGACY") << true;
        QTest::newRow("another count") << QStringLiteral("7") << false;
        QTest::newRow("part of the word") << QStringLiteral("leg") << false;
    }

    void legacyEnablesOkOnlyOnceConfirmed()
    {
        QFETCH(QString, typed);
        QFETCH(bool, enabled);
        RestartDialog dialog(RestartSettings{}, 8, 0);
        QVERIFY(dialog.okButton()->isEnabled()); // phased needs no typing
        QVERIFY(!dialog.confirmField()->isVisibleTo(&dialog));
        chooseLegacy(dialog, typed);
        QVERIFY(dialog.confirmField()->isVisibleTo(&dialog));
        QCOMPARE(dialog.okButton()->isEnabled(), enabled);
        QCOMPARE(dialog.confirmed(), enabled);
        // Back to phased and to legacy again: typed afresh.
        dialog.modeBox()->setCurrentIndex(0);
        dialog.modeBox()->setCurrentIndex(1);
        QVERIFY(dialog.confirmField()->text().isEmpty());
        QVERIFY(!dialog.okButton()->isEnabled());
    }

    void cancelIsTheDefaultButtonWhileTheChoiceIsDestructive_data()
    {
        QTest::addColumn<bool>("legacy");
        QTest::addColumn<bool>("force");
        QTest::addColumn<bool>("cancelIsDefault");
        QTest::newRow("phased, abort on drain timeout") << false << false << false;
        QTest::newRow("phased, force on drain timeout") << false << true << true;
        QTest::newRow("legacy") << true << false << true;
        QTest::newRow("legacy, confirmed") << true << false << true;
    }

    void cancelIsTheDefaultButtonWhileTheChoiceIsDestructive()
    {
        QFETCH(bool, legacy);
        QFETCH(bool, force);
        QFETCH(bool, cancelIsDefault);
        RestartDialog dialog(RestartSettings{}, 8, 0);
        dialog.drainPolicyBox()->setCurrentIndex(force ? 1 : 0);
        if (legacy)
            chooseLegacy(dialog, QString::fromLatin1(QTest::currentDataTag()).contains(QLatin1String("confirmed"))
                                     ? QStringLiteral("8") : QString());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.destructive(), cancelIsDefault);
        QCOMPARE(dialog.cancelButton()->isDefault(), cancelIsDefault);
        QCOMPARE(dialog.okButton()->isDefault(), !cancelIsDefault);
        QCOMPARE(dialog.okButton()->autoDefault(), !cancelIsDefault);
    }

    void returnNeverAcceptsALegacyRestart_data()
    {
        QTest::addColumn<bool>("legacy");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("focus");
        QTest::addColumn<bool>("accepts");
        QTest::newRow("phased: Return accepts") << false << QString() << QStringLiteral("mode") << true;
        QTest::newRow("a fresh legacy selection") << true << QString() << QStringLiteral("mode") << false;
        QTest::newRow("legacy confirmed, Return in the field") << true << QStringLiteral("8") << QStringLiteral("confirm") << false;
        QTest::newRow("legacy confirmed, Return on a focused OK") << true << QStringLiteral("legacy") << QStringLiteral("ok") << false;
    }

    void returnNeverAcceptsALegacyRestart()
    {
        QFETCH(bool, legacy);
        QFETCH(QString, typed);
        QFETCH(QString, focus);
        QFETCH(bool, accepts);
        RestartDialog dialog(RestartSettings{}, 8, 0);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        if (legacy)
            chooseLegacy(dialog, typed);
        QWidget *target = focus == QLatin1String("ok") ? static_cast<QWidget *>(dialog.okButton())
            : focus == QLatin1String("confirm")        ? static_cast<QWidget *>(dialog.confirmField())
                                                       : static_cast<QWidget *>(dialog.modeBox());
        target->setFocus();
        QTRY_VERIFY(target->hasFocus());
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QSignalSpy rejected(&dialog, &QDialog::rejected);
        QTest::keyClick(target, Qt::Key_Return);
        QCOMPARE(accepted.count(), accepts ? 1 : 0);
        QCOMPARE(rejected.count(), accepts ? 0 : 1); // Return went to Cancel
    }

    void stopAsksFirstAndReturnSendsNothing()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(4, ShardState::Serving, 6, 1000));
        bool cancelIsDefault = false;
        onNextDialog<QMessageBox>([&](QMessageBox &box) {
            cancelIsDefault = box.defaultButton() == box.button(QMessageBox::Cancel);
            QTest::keyClick(&box, Qt::Key_Return);
        });
        f.window.stopAction()->trigger();
        QVERIFY(cancelIsDefault);
        QVERIFY(f.client.commands().isEmpty());

        onNextDialog<QMessageBox>([](QMessageBox &box) { box.button(QMessageBox::Yes)->click(); });
        f.window.stopAction()->trigger();
        QCOMPARE(f.client.commands(), QStringList{QStringLiteral("stop")});
    }

    void commandsAreOffWithTheReasonWhileTheServiceIsNotLive()
    {
        Fixture f;
        f.client.setRemote(true);
        f.frame(ScriptedBackendClient::uniform(4, ShardState::Serving, 6, 1000));
        const QList<QAction *> actions = {f.window.restartAction(), f.window.stopAction(), f.window.startAction(),
                                          f.window.faultsMenu()->menuAction()};
        QPushButton *restartButton = f.window.restartPanel()->restartButton();
        for (QAction *a : actions)
            QVERIFY2(a->isEnabled(), qPrintable(a->text()));
        QVERIFY(restartButton->isEnabled());

        f.client.setConnection({false, 1000, QStringLiteral("lost http://127.0.0.1:8080: Connection refused; retrying in 1 s"), false});
        for (QAction *a : actions) {
            QVERIFY2(!a->isEnabled(), qPrintable(a->text()));
            QVERIFY2(a->toolTip().contains(QStringLiteral("not live (lost http://127.0.0.1:8080: Connection refused")),
                     qPrintable(a->toolTip()));
        }
        QVERIFY(!restartButton->isEnabled());
        QVERIFY(restartButton->toolTip().contains(QStringLiteral("not live")));
        QCOMPARE(f.window.windowTitle(), QStringLiteral("ShardScope \u2014 http://127.0.0.1:8080 (not live)"));
        // Ctrl+R and a direct call send nothing either.
        QTest::keySequence(&f.window, QKeySequence(Qt::CTRL | Qt::Key_R));
        f.model.stopService();
        QVERIFY(f.client.commands().isEmpty());

        f.client.setConnection({true, 2000, {}, false});
        for (QAction *a : actions) {
            QVERIFY2(a->isEnabled(), qPrintable(a->text()));
            QVERIFY2(!a->toolTip().contains(QStringLiteral("not live")), qPrintable(a->toolTip()));
        }
        QVERIFY(restartButton->isEnabled());
        QCOMPARE(f.window.windowTitle(), QStringLiteral("ShardScope \u2014 http://127.0.0.1:8080"));
    }

    void theTitleNamesTheService_data()
    {
        QTest::addColumn<bool>("remote");
        QTest::addColumn<QString>("title");
        QTest::newRow("embedded") << false << QStringLiteral("ShardScope \u2014 embedded, 8 shards");
        QTest::newRow("attached with --connect") << true << QStringLiteral("ShardScope \u2014 http://10.1.2.3:8080");
    }

    void theTitleNamesTheService()
    {
        QFETCH(bool, remote);
        QFETCH(QString, title);
        Fixture f;
        f.client.setRemote(remote);
        f.client.setEndpoint(QStringLiteral("http://10.1.2.3:8080"));
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000));
        QCOMPARE(f.window.windowTitle(), title);
    }

    void anAttachedConsoleOffersTheWorkloadOffAndWarnsWhatItDoes()
    {
        ScriptedBackendClient client;
        client.setRemote(true);
        ConsoleModel model(client);
        MainWindow window(model);
        WorkloadPanel *panel = window.workloadPanel();
        QVERIFY(!model.workload().isRunning());
        QVERIFY(panel->warningVisible());
        QVERIFY(panel->warningText().contains(QStringLiteral("sends real queries to that service")));
        QVERIFY(panel->warningText().contains(client.endpoint()));
        QVERIFY(panel->toggleButton()->toolTip().contains(client.endpoint()));

        Fixture embedded; // embedded: no warning, nothing to warn about
        QVERIFY(!embedded.window.workloadPanel()->warningVisible());
    }

    void anOutageIsAGapInTheChartsNotALineAcrossIt()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(4, ShardState::Serving, 6, 10000);
        auto frames = [&](int n) {
            for (int i = 0; i < n; ++i) {
                s.takenAtMs += 500;
                for (ShardSnapshot &sh : s.shards)
                    sh.processed += 50;
                f.frame(s);
            }
        };
        frames(4);
        f.client.setConnection({false, s.takenAtMs, QStringLiteral("lost"), false});
        f.frame(s); // while lost the client keeps returning the last snapshot
        s.takenAtMs += 20000;
        f.client.setConnection({true, s.takenAtMs, {}, false});
        frames(4);
        QCOMPARE(f.window.charts()->segmentCount(0, 0), 2); // queue depth
        QCOMPARE(f.window.charts()->segmentCount(1, 0), 2); // throughput
        QCOMPARE(f.window.charts()->pointCount(0, 0), 8);
        QCOMPARE(f.window.charts()->pointCount(1, 0), 6); // no rate over the outage, none at its end
        f.model.setSelectedShard(1);
        QCOMPARE(f.window.charts()->segmentCount(0, 1), 2);
    }
};

QTEST_MAIN(TestSafeDefaults)
#include "tst_safe_defaults.moc"
