// A command's outcome is judged from the shards it leaves behind: endStateProblem() says
// nothing when they are as asked, and otherwise names how many, which, and what it means.
#include "backend/restart/EndState.h"
#include "backend/types/ShardList.h"

#include <QTest>

using namespace shardscope;

namespace {

// "S1 S1 C0" is three shards: serving v1, serving v1, canceled v0.
ServiceSnapshot shards(const QString &spec)
{
    ServiceSnapshot s;
    const QStringList items = spec.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (int i = 0; i < items.size(); ++i) {
        ShardSnapshot shard;
        shard.id = i;
        switch (items[i].at(0).toLatin1()) {
        case 'S': shard.state = ShardState::Serving; break;
        case 'C': shard.state = ShardState::Canceled; break;
        case 'F': shard.state = ShardState::Failed; break;
        case 'X': shard.state = ShardState::Stopped; break;
        case 'V': shard.state = ShardState::Verifying; break;
        case 'D': shard.state = ShardState::Draining; break;
        default: qFatal("bad shard spec %s", qPrintable(items[i]));
        }
        shard.version = Version(items[i].mid(1).toULongLong());
        s.shards.push_back(shard);
    }
    return s;
}

} // namespace

class EndStateTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aCommandIsJudgedByTheShardsItLeaves_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("stop");
        QTest::addColumn<QString>("problem");
        QTest::newRow("every shard serving one version is whole")
            << QStringLiteral("S2 S2 S2 S2") << false << QString();
        QTest::newRow("the seed's legacy failure names the canceled shards and the 503")
            << QStringLiteral("S2 C1 C1 C1 C1 C1 C1 C1") << false
            << QStringLiteral("7 of 8 shards canceled after a legacy restart (shards 1-7): requests to them get 503");
        QTest::newRow("the largest group leads and the others follow")
            << QStringLiteral("S2 C1 C1 F1") << false
            << QStringLiteral("2 of 4 shards canceled, 1 failed after a legacy restart (shards 1, 2): requests to them get 503");
        QTest::newRow("a shard left verifying is not whole either")
            << QStringLiteral("S2 V2 S2") << false
            << QStringLiteral("1 of 3 shards verifying after a legacy restart (shards 1): they are still in a restart state");
        QTest::newRow("shards on two versions are skewed")
            << QStringLiteral("S1 S2 S2") << false
            << QStringLiteral("shards serve 2 versions after a legacy restart (v1 on 1, v2 on 2): a client may get either");
        QTest::newRow("a stop that stopped every shard is whole")
            << QStringLiteral("X1 X1") << true << QString();
        QTest::newRow("a stop that left a shard serving is not")
            << QStringLiteral("X1 S1") << true
            << QStringLiteral("1 of 2 shards serving after a legacy restart (shards 1): they still serve requests");
    }

    void aCommandIsJudgedByTheShardsItLeaves()
    {
        QFETCH(QString, spec);
        QFETCH(bool, stop);
        QFETCH(QString, problem);
        const ExpectedEnd expected = stop ? ExpectedEnd::Stopped : ExpectedEnd::ServingOneVersion;
        QCOMPARE(endStateProblem(shards(spec), expected, QStringLiteral("a legacy restart")), problem);
    }

    void longShardListsAreCut_data()
    {
        QTest::addColumn<QList<int>>("ids");
        QTest::addColumn<QString>("text");
        QTest::newRow("one") << QList<int>{3} << QStringLiteral("3");
        QTest::newRow("two apart") << QList<int>{1, 4} << QStringLiteral("1, 4");
        QTest::newRow("a run") << QList<int>{5, 6, 7, 8} << QStringLiteral("5-8");
        QTest::newRow("many apart") << QList<int>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}
                                    << QStringLiteral("0, 2, 4, 6, 8, 10, 12, 14, +2 more");
    }

    void longShardListsAreCut()
    {
        QFETCH(QList<int>, ids);
        QFETCH(QString, text);
        QCOMPARE(shardList(std::vector<ShardId>(ids.begin(), ids.end())), text);
    }
};

QTEST_GUILESS_MAIN(EndStateTest)
#include "tst_end_state.moc"
