// The restart history window over a recorded history and journal (no etcd, no nodes): the
// list shows each run with its outcome, and the replay shows each node's step at the time
// the slider points to; golden images in both themes.
#include "ConsoleScenes.h"
#include "GoldenImage.h"

#include "model/fleet/FleetModel.h"
#include "model/fleet/RestartHistoryModel.h"
#include "model/fleet/RestartReplay.h"
#include "views/ColourTable.h"
#include "views/Theme.h"
#include "views/fleet/FleetView.h"
#include "views/fleet/RestartHistoryDialog.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPushButton>
#include <QSlider>
#include <QTableView>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

namespace {

constexpr qint64 kStart = 1765100000050;

QJsonObject recorded(const char *part)
{
    QFile file(QStringLiteral(SHARDSCOPE_HISTORY_DATA));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String(part)).toObject();
}

} // namespace

class TestRestartHistory : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RestartHistoryDialog> m_dialog;

    void open()
    {
        m_dialog = std::make_unique<RestartHistoryDialog>(nullptr);
        m_dialog->setRuns(recorded("list"));
        m_dialog->setJournal(recorded("journal"));
        m_dialog->resize(1000, 560);
        m_dialog->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
    }

    QString stateOf(const QString &node) const
    {
        FleetModel &fleet = m_dialog->replay()->fleet();
        return fleet.row(fleet.rowOf(node))->stateText;
    }

    std::int64_t versionOf(const QString &node) const
    {
        FleetModel &fleet = m_dialog->replay()->fleet();
        return fleet.row(fleet.rowOf(node))->version;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("TZ", "UTC"); // the times in the images, wherever they are made
        setUpDeterministicLook();
        QVERIFY(!recorded("journal").isEmpty());
    }

    void cleanup()
    {
        applyTheme(Theme::Light);
        m_dialog.reset();
    }

    void the_list_shows_each_run_newest_first_with_its_outcome_and_what_it_resumes()
    {
        RestartHistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns(recorded("list"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.runId(0), QStringLiteral("1765100020000"));
        QCOMPARE(model.index(0, RestartHistoryModel::OutcomeColumn).data().toString(), QStringLiteral("completed"));
        QCOMPARE(model.index(0, RestartHistoryModel::ReasonColumn).data().toString(),
                 QStringLiteral("resumes 1765100000000; node a1 done in restart 1765100000000"));
        QCOMPARE(model.index(1, RestartHistoryModel::OutcomeColumn).data(RestartHistoryModel::OutcomeRole).toString(), QStringLiteral("failed"));
        QCOMPARE(model.index(1, RestartHistoryModel::WhenColumn).data().toString(), QStringLiteral("2025-12-07 09:33:20"));
        QCOMPARE(model.index(1, RestartHistoryModel::WhoColumn).data().toString(), QStringLiteral("10.0.0.7"));
    }

    void a_journal_recorded_from_a_real_run_replays_each_nodes_steps()
    {
        // Recorded with GET /v1/cluster/history?id= from three real nodes (a2 stopped while
        // waiting: the restart passed it over, restarted z0 and stopped).
        QFile file(QStringLiteral(SHARDSCOPE_RECORDED_JOURNAL));
        QVERIFY(file.open(QIODevice::ReadOnly));
        RestartReplay replay;
        replay.setJournal(QJsonDocument::fromJson(file.readAll()).object());
        const auto row = [&](const char *id) { return *replay.fleet().row(replay.fleet().rowOf(QLatin1String(id))); };
        QCOMPARE(replay.startMs(), qint64(1796655606081));
        QCOMPARE(replay.endMs(), qint64(1796655615452));
        replay.setTimeMs(1796655606500);
        QCOMPARE(row("a1").stateText, QStringLiteral("restart: restarting"));
        QCOMPARE(row("z0").stateText, QStringLiteral("ready"));
        replay.setTimeMs(1796655611200);
        QCOMPARE(row("a1").stateText, QStringLiteral("ready"));
        QCOMPARE(row("a1").version, 2);
        QCOMPARE(row("z0").stateText, QStringLiteral("restart: restarting"));
        QCOMPARE(row("z0").version, 1);
        QCOMPARE(row("a2").version, 1);
        replay.setTimeMs(replay.endMs());
        QCOMPARE(row("z0").version, 2);
        QCOMPARE(row("a2").stateText, QStringLiteral("ready")); // the journal has no record of a2's loss while it waited
    }

    // A guarded run shows each judged node's verdict with the figures it was judged on.
    void a_guarded_runs_gate_verdicts_are_shown_with_their_figures()
    {
        QJsonObject journal = recorded("journal");
        QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
        QJsonObject first = nodes.at(0).toObject();
        const QString id = first.value(QStringLiteral("id")).toString();
        first.insert(QStringLiteral("gate"), QJsonObject{{QStringLiteral("verdict"), QStringLiteral("failed")},
                                                         {QStringLiteral("reason"), QString(id + QStringLiteral(": p99 48 ms against 12 ms before"))}});
        nodes.replace(0, first);
        journal.insert(QStringLiteral("nodes"), nodes);
        RestartHistoryDialog dialog(nullptr);
        dialog.setJournal(journal);
        QVERIFY2(dialog.runText().contains(QStringLiteral("gate on %1: failed: %1: p99 48 ms against 12 ms before").arg(id)),
                 qPrintable(dialog.runText()));
        dialog.setJournal(recorded("journal"));
        QVERIFY(!dialog.runText().contains(QStringLiteral("gate on")));
    }

    void the_outcome_is_drawn_in_the_colour_of_its_meaning()
    {
        open();
        QTableView *runs = m_dialog->runsView();
        runs->clearSelection(); // a selected row is drawn in the highlight's text colour
        // Text is anti-aliased: a pixel within a few steps of the colour counts as that ink.
        const auto hasInk = [&](int row, Meaning meaning) {
            const QColor want = colourFor(meaning, false);
            const QImage image = runs->viewport()->grab(runs->visualRect(runs->model()->index(row, RestartHistoryModel::OutcomeColumn))).toImage();
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x) {
                    const QColor c = image.pixelColor(x, y);
                    if (std::abs(c.red() - want.red()) + std::abs(c.green() - want.green()) + std::abs(c.blue() - want.blue()) <= 12)
                        return true;
                }
            return false;
        };
        QVERIFY(hasInk(0, Meaning::GoodText));
        QVERIFY(!hasInk(0, Meaning::FailureText));
        QVERIFY(hasInk(1, Meaning::FailureText));
        QVERIFY(!hasInk(1, Meaning::GoodText));
    }

    void the_slider_at_a_time_shows_each_nodes_step_and_version_then()
    {
        open();
        QCOMPARE(m_dialog->replay()->startMs(), kStart);
        QCOMPARE(m_dialog->replay()->endMs(), qint64(1765100012000));
        QCOMPARE(m_dialog->slider()->maximum(), 1765100012000 - kStart);
        QCOMPARE(stateOf(QStringLiteral("a1")), QStringLiteral("ready"));
        m_dialog->slider()->setValue(500); // a1 restarting
        QCOMPARE(m_dialog->replay()->timeMs(), kStart + 500);
        QCOMPARE(stateOf(QStringLiteral("a1")), QStringLiteral("restart: restarting"));
        QCOMPARE(versionOf(QStringLiteral("a1")), 1);
        QCOMPARE(stateOf(QStringLiteral("a2")), QStringLiteral("ready"));
        m_dialog->setReplayTimeMs(kStart + 2000); // a1 settling on v2
        QCOMPARE(m_dialog->slider()->value(), 2000);
        QCOMPARE(stateOf(QStringLiteral("a1")), QStringLiteral("restart: settling"));
        QCOMPARE(versionOf(QStringLiteral("a1")), 2);
        QCOMPARE(m_dialog->timeText(), QStringLiteral("09:33:22.050 (+2.0 s of 11.9 s)"));
        m_dialog->setReplayTimeMs(kStart + 11900); // the end: a2 marked lost
        QCOMPARE(stateOf(QStringLiteral("a1")), QStringLiteral("ready"));
        QCOMPARE(stateOf(QStringLiteral("a2")), QStringLiteral("lost since 09:33:31"));
        QCOMPARE(stateOf(QStringLiteral("z0")), QStringLiteral("ready"));
        m_dialog->slider()->setValue(0); // and back
        QCOMPARE(stateOf(QStringLiteral("a2")), QStringLiteral("ready"));
        QCOMPARE(stateOf(QStringLiteral("a1")), QStringLiteral("ready"));
        QCOMPARE(versionOf(QStringLiteral("a1")), 1);
    }

    void play_moves_the_replay_to_the_end_of_the_run()
    {
        open();
        QTest::mouseClick(m_dialog->playButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_dialog->replay()->timeMs() > kStart, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(m_dialog->replay()->timeMs(), qint64(1765100012000), 30000);
        QCOMPARE(stateOf(QStringLiteral("a2")), QStringLiteral("lost since 09:33:31"));
        QCOMPARE(m_dialog->playButton()->text(), QStringLiteral("Play"));
    }

    void the_window_looks_as_recorded_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("restart-history") << false;
        QTest::newRow("restart-history-dark") << true;
    }

    void the_window_looks_as_recorded()
    {
        QFETCH(bool, dark);
        applyTheme(dark ? Theme::Dark : Theme::Light);
        open();
        m_dialog->setReplayTimeMs(kStart + 2000);
        QImage image, previous;
        QVERIFY(QTest::qWaitFor([&] {
            previous = image;
            image = m_dialog->grab().toImage();
            return !previous.isNull() && previous == image;
        }, 5000));
        image.save(QStringLiteral("%1.png").arg(QString::fromLatin1(QTest::currentDataTag()))); // to look at
        GoldenCheck check;
        check.goldenDir = QStringLiteral(SHARDSCOPE_GOLDEN_DIR);
        check.outputDir = QDir::currentPath() + QStringLiteral("/golden-failures");
        const GoldenResult r = check.compare(QString::fromLatin1(QTest::currentDataTag()), image);
        if (r.updated)
            qInfo("%s", qPrintable(r.message));
        QVERIFY2(r.ok, qPrintable(r.message));
    }
};

QTEST_MAIN(TestRestartHistory)
#include "tst_restart_history.moc"
