// The state timeline at 1024 shards: readable labelled rows that scroll, the stalled,
// failed and canceled rows pinned above them, "changed rows only"; golden images of both.
#include "ConsoleScenes.h"
#include "GoldenImage.h"

#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "views/StateTimelineWidget.h"

#include <QDir>
#include <QScrollBar>
#include <QTest>

#include <algorithm>

using namespace shardscope;
using namespace shardscope::test;

namespace {

bool contains(const std::vector<int> &v, int x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

class TestTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpDeterministicLook(); }

    void aStalledShardIsPinnedInReadableRowsAt1024()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        StateTimelineWidget timeline(model);
        timeline.setWindowMs(10000);
        timeline.setFixedSize(720, 320);
        timeline.show();
        QVERIFY(QTest::qWaitForWindowExposed(&timeline));
        playStalled1024(client, model);

        QCOMPARE(int(timeline.rows().size()), 1024);
        QCOMPARE(timeline.rows().front(), 700);
        QVERIFY2(timeline.rowHeight() >= StateTimelineWidget::kMinRowHeight, "each row is tall enough to carry its label");
        QCOMPARE(timeline.pinnedRowCount(), 1);
        QVERIFY(timeline.verticalScrollBar()->maximum() > 0);
        // Scrolled to the end, the stalled row is still in view above the others.
        timeline.verticalScrollBar()->setValue(timeline.verticalScrollBar()->maximum());
        const std::vector<int> shown = timeline.visibleRows();
        QCOMPARE(shown.front(), 700);
        QVERIFY(contains(shown, 1023));
        QVERIFY(!contains(shown, 0));
        timeline.verticalScrollBar()->setValue(0);
        compareWithGolden(timeline, QStringLiteral("timeline-stalled-1024"));
    }

    void changedRowsOnlyShowsTheFewThatMovedTroubleFirst()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        StateTimelineWidget timeline(model);
        timeline.setWindowMs(10000);
        timeline.setChangedOnly(true);
        timeline.setFixedSize(720, 200);
        timeline.show();
        QVERIFY(QTest::qWaitForWindowExposed(&timeline));
        playTroubled1024(client, model);

        // Failed, canceled and stalled lead (ids ascending), then the rows that changed
        // and are fine again or under way.
        const std::vector<int> expected{300, 512, 700, 40, 901};
        QCOMPARE(timeline.rows(), expected);
        QCOMPARE(timeline.visibleRows(), expected);
        QCOMPARE(timeline.verticalScrollBar()->maximum(), 0);
        compareWithGolden(timeline, QStringLiteral("timeline-changed-1024"));
    }

    void manyTroubledRowsPinAtMostHalfTheViewAndTheRestScroll()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        StateTimelineWidget timeline(model);
        timeline.setFixedSize(720, 320);
        timeline.show();
        QVERIFY(QTest::qWaitForWindowExposed(&timeline));
        ServiceSnapshot s = ScriptedBackendClient::uniform(1024, ShardState::Serving, 6, kSceneStartMs);
        for (int i = 0; i < 1024; i += 5)
            s.shards[std::size_t(i)].state = ShardState::Canceled; // 205 canceled shards
        client.setSnapshot(s);
        model.pump().tick();

        const int rowsInView = (timeline.viewport()->height() - StateTimelineWidget::kAxisHeight - 4) / timeline.rowHeight();
        QVERIFY(timeline.pinnedRowCount() > 0);
        QVERIFY2(timeline.pinnedRowCount() <= rowsInView / 2, "pinned rows leave room for the scrolling ones");
        // The canceled rows not pinned come first among the scrolling ones.
        const std::vector<int> shown = timeline.visibleRows();
        QCOMPARE(shown.size(), std::size_t(rowsInView));
        for (int shard : shown)
            QCOMPARE(shard % 5, 0);
    }

    void paintingThe1024RowTimeline()
    {
        ScriptedBackendClient client;
        ConsoleModel model(client);
        StateTimelineWidget timeline(model);
        timeline.setWindowMs(0);
        timeline.setFixedSize(1200, 320);
        playTroubled1024(client, model);
        QImage image(timeline.size(), QImage::Format_RGB32);
        QBENCHMARK {
            timeline.render(&image);
        }
    }

private:
    void compareWithGolden(QWidget &w, const QString &name)
    {
        QImage previous;
        QImage image;
        QVERIFY(QTest::qWaitFor([&] {
            previous = image;
            image = w.grab().toImage();
            return !previous.isNull() && previous == image;
        }, 5000));
        GoldenCheck check;
        check.goldenDir = QStringLiteral(SHARDSCOPE_GOLDEN_DIR);
        check.outputDir = QDir::currentPath() + QStringLiteral("/golden-failures");
        const GoldenResult r = check.compare(name, image);
        if (r.updated)
            qInfo("%s", qPrintable(r.message));
        QVERIFY2(r.ok, qPrintable(r.message));
    }
};

QTEST_MAIN(TestTimeline)
#include "tst_timeline.moc"
