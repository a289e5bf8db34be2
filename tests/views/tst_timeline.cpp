// The state timeline at 1024 shards: readable labelled rows that scroll, the stalled,
// failed and canceled rows pinned above them, "changed rows only"; golden images of both.
#include "ConsoleScenes.h"
#include "GoldenImage.h"

#include "model/console/ConsoleModel.h"
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
