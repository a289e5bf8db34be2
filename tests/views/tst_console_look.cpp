// What the operator reads first: the header of a service that never answered, the colours
// of the header's bands and the charts' lines in both themes, and a grid that uses its space.
#include "ConsoleScenes.h"
#include "WindowFixture.h"

#include "model/client/RemoteBackendClient.h"
#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"
#include "model/console/SnapshotPump.h"
#include "views/ChartPanel.h"
#include "views/ColourTable.h"
#include "views/ConnectionBanner.h"
#include "views/HeaderStrip.h"
#include "views/MainWindow.h"
#include "views/ShardGridPanel.h"
#include "views/ShardGridView.h"
#include "views/Theme.h"

#include <QLabel>
#include <QScrollBar>
#include <QSettings>
#include <QTcpServer>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

class TestConsoleLook : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpDeterministicLook(); }
    void init() { QSettings().clear(); }

    // --connect to a port nobody listens on: the header says the service is not reachable
    // and names no version, no shard count and no phase it never saw.
    void aServiceThatNeverAnswersIsNotReachableAndHasNoVersion()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nobody listens there now
        RemoteBackendClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {});
        client.connectToService();
        ConsoleModel model(client);
        MainWindow window(model);
        window.setFixedSize(1200, 760);
        window.show();
        model.pump().start();
        QTRY_VERIFY_WITH_TIMEOUT(window.connectionBanner()->isShowingLoss(), 10000);
        const QString banner = window.connectionBanner()->text(); // no "last state seen" of a state never seen
        QVERIFY2(banner.contains(QStringLiteral("Nothing has been received from it yet")) && !banner.contains(QStringLiteral("last state")),
                 qPrintable(banner));
        HeaderStrip *header = window.header();
        QCOMPARE(header->phaseText(), QStringLiteral("Service: not reachable"));
        QCOMPARE(header->versionText(), QStringLiteral("Version unknown"));
        QCOMPARE(header->versionLineText(), QStringLiteral("Nothing received from the service yet"));
        QVERIFY(header->readyText().contains(QStringLiteral("NOT LIVE")));
        for (const QLabel *label : header->findChildren<QLabel *>()) {
            QVERIFY2(!label->text().contains(QStringLiteral("v0")), qPrintable(label->text()));
            QVERIFY2(!label->text().contains(QStringLiteral("serving")), qPrintable(label->text()));
            QVERIFY2(!label->text().contains(QStringLiteral("0 shards")), qPrintable(label->text()));
        }
        for (const QLabel *label : window.grid()->findChildren<QLabel *>())
            QVERIFY2(!label->text().contains(QStringLiteral("0 shards")), qPrintable(label->text()));
        model.pump().stop();
    }

    // Each band and line takes its meaning's colour for the theme in use: the "shards down"
    // banner, the skew band, the header's chips and the charts' lines follow the View menu.
    void theHeaderBandsAndChartLinesTakeTheThemesColours()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        s.shards[2].state = ShardState::Canceled;
        s.shards[5].version = 7;
        f.frame(s);
        const auto band = [&](const QString &name) {
            for (const QLabel *label : f.window.header()->findChildren<QLabel *>())
                if (label->accessibleName() == name)
                    return label->palette().color(QPalette::Window);
            return QColor();
        };
        QVERIFY(!f.window.header()->alertText().isEmpty());
        QVERIFY(!f.window.header()->bannerText().isEmpty());
        for (const bool dark : {true, false}) {
            f.window.setTheme(dark ? Theme::Dark : Theme::Light);
            QTRY_COMPARE(band(QStringLiteral("Shards down banner")), colourFor(Meaning::FailureBand, dark));
            QCOMPARE(band(QStringLiteral("Version skew banner")), colourFor(Meaning::WarningBand, dark));
            QVERIFY(f.window.header()->readyText().contains(colourFor(Meaning::Failure, dark).name()));
            for (int chart = 0; chart < 4; ++chart) {
                QCOMPARE(f.window.charts()->lineColour(chart, 0), colourFor(Meaning::SeriesAll, dark));
                QCOMPARE(f.window.charts()->lineColour(chart, 1), colourFor(Meaning::SeriesSelected, dark));
            }
        }
        QVERIFY(colourFor(Meaning::FailureBand, true) != colourFor(Meaning::FailureBand, false));
    }

    // Sixteen large tiles share the whole grid out, height as well as width: no lower third
    // left empty at the operator's 1360x880, and still no scrolling.
    void sixteenShardsFillTheGridWithoutScrolling()
    {
        Fixture f;
        f.window.setFixedSize(1360, 880);
        f.frame(ScriptedBackendClient::uniform(16, ShardState::Serving, 6, 1000));
        ShardGridView &grid = f.grid();
        QCOMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::Large);
        const auto used = [&] {
            QRect tiles;
            for (int row = 0; row < 16; ++row)
                tiles |= grid.visualRect(grid.model()->index(row, 0));
            return tiles;
        };
        const QRect viewport = grid.viewport()->rect();
        // The view lays its items out later (batched): wait until they sit in the viewport.
        QTRY_VERIFY2(viewport.contains(used()), qPrintable(QStringLiteral("tiles %1x%2 in %3x%4").arg(used().width()).arg(used().height())
                                                               .arg(viewport.width()).arg(viewport.height())));
        QVERIFY(!grid.verticalScrollBar()->isVisible());
        QVERIFY2(used().height() >= viewport.height() * 9 / 10 && used().width() >= viewport.width() * 9 / 10,
                 qPrintable(QStringLiteral("tiles use %1x%2 of %3x%4").arg(used().width()).arg(used().height())
                                .arg(viewport.width()).arg(viewport.height())));
    }
};

QTEST_MAIN(TestConsoleLook)
#include "tst_console_look.moc"
