// Golden images of the main window from scripted snapshots (see GoldenImage.h for how to
// refresh them).
#include "ConsoleScenes.h"
#include "GoldenImage.h"

#include "model/console/ConsoleModel.h"
#include "views/MainWindow.h"
#include "views/ShardGridPanel.h"
#include "views/ShardGridView.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFontInfo>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

using Scene = void (*)(ScriptedBackendClient &, ConsoleModel &);
Q_DECLARE_METATYPE(Scene)

class TestGoldenImages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        setUpDeterministicLook();
        QCOMPARE(QFontInfo(QApplication::font()).family(), QStringLiteral("DejaVu Sans"));
    }

    void theMainWindowLooksAsRecorded_data()
    {
        QTest::addColumn<Scene>("scene");
        QTest::addColumn<bool>("dark");
        QTest::addColumn<bool>("unhealthyOnly");
        QTest::newRow("all-serving") << Scene(&playAllServing) << false << false;
        QTest::newRow("mixed-states") << Scene(&playMixedStates) << false << false;
        QTest::newRow("version-skew") << Scene(&playVersionSkew) << false << false;
        QTest::newRow("all-serving-dark") << Scene(&playAllServing) << true << false; // the version line in the dark header
        QTest::newRow("stalled-16") << Scene(&playStalled16) << false << false;
        QTest::newRow("stalled-1024") << Scene(&playStalled1024) << false << false;
        // "Only unhealthy or skewed" at 1024 with five shards left: labelled tiles, not 16-px cells.
        QTest::newRow("filtered-1024") << Scene(&playTroubled1024) << false << true;
        QTest::newRow("stalled-1024-dark") << Scene(&playStalled1024) << true << false; // the dark theme's own tile colours
    }

    void theMainWindowLooksAsRecorded()
    {
        QFETCH(Scene, scene);
        QFETCH(bool, dark);
        QFETCH(bool, unhealthyOnly);
        ScriptedBackendClient client;
        ConsoleModel model(client);
        MainWindow window(model);
        window.setTheme(dark ? Theme::Dark : Theme::Light); // a dark row before must not leave its theme
        window.setFixedSize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.devicePixelRatio(), 1.0);
        scene(client, model);
        window.grid()->unhealthyFilter()->setChecked(unhealthyOnly);
        window.grid()->view()->doItemsLayout();

        // Layouts and the charts' scenes settle over a few event-loop turns: wait until
        // two grabs in a row are identical rather than for a fixed time.
        QImage previous;
        QImage image;
        QVERIFY(QTest::qWaitFor([&] {
            previous = image;
            image = window.grab().toImage();
            return !previous.isNull() && previous == image;
        }, 5000));

        GoldenCheck check;
        check.goldenDir = QStringLiteral(SHARDSCOPE_GOLDEN_DIR);
        check.outputDir = QDir::currentPath() + QStringLiteral("/golden-failures");
        const GoldenResult r = check.compare(QString::fromLatin1(QTest::currentDataTag()), image);
        if (r.updated)
            qInfo("%s", qPrintable(r.message));
        QVERIFY2(r.ok, qPrintable(r.message));
    }
};

QTEST_MAIN(TestGoldenImages)
#include "tst_goldenimages.moc"
