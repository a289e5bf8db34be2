#include "backend/actors/Procedures.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace shardscope;

namespace {

QJsonObject json(const char *text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (!doc.isObject())
        qFatal("bad JSON in test table: %s (%s)", text, qPrintable(error.errorString()));
    return doc.object();
}

QByteArray compact(const QJsonValue &value)
{
    return value.isObject() ? QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)
                            : QByteArray("<not an object>");
}

// A star 0->{1,2,3}, a path 3->4->5, and vertex 6 pointing back at 0: 7 vertices.
constexpr char kSmallGraph[] = "0 1\n0 2\n0 3\n3 4\n4 5\n6 0\n";

} // namespace

class ProceduresTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<const Graph> m_small;
    std::shared_ptr<const Graph> m_bigStar; // vertex 0 has 1500 out-neighbors
    ProcedureScratch m_scratch;

    std::shared_ptr<const Graph> load(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        file.close();
        QString error;
        auto graph = Graph::loadEdgeList(path, &error);
        if (!graph)
            qFatal("%s", qPrintable(error));
        return graph;
    }

    // As a shard runs it: a long procedure's slices one after another until it ends.
    ProcedureOutcome run(const QString &name, const QJsonObject &args, int *slices = nullptr)
    {
        ProcedureOutcome out = runProcedure(name, args, *m_small, m_scratch);
        ProcedureOutcome::Resume resume;
        int count = 0;
        while (out.kind == ProcedureOutcome::Kind::Continue) {
            if (out.resume)
                resume = std::move(out.resume);
            out = resume(std::chrono::steady_clock::now() + std::chrono::microseconds(500));
            ++count;
        }
        if (slices)
            *slices = count;
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_small = load(QStringLiteral("small.txt"), kSmallGraph);
        QByteArray star;
        for (int i = 1; i <= 1500; ++i)
            star += "0 " + QByteArray::number(i) + '\n';
        m_bigStar = load(QStringLiteral("star.txt"), star);
    }

    void procedureNamesListsEveryProcedureInOrder()
    {
        QCOMPARE(procedureNames(), (QStringList{QStringLiteral("echo"), QStringLiteral("spin"), QStringLiteral("sleep"),
                                                QStringLiteral("degree"), QStringLiteral("neighbors"),
                                                QStringLiteral("khop")}));
    }

    void proceduresAnswerWithTheExpectedResult_data()
    {
        QTest::addColumn<QString>("procedure");
        QTest::addColumn<QByteArray>("args");
        QTest::addColumn<QByteArray>("expected");
        auto row = [](const char *name, const char *procedure, const char *args, const char *expected) {
            QTest::newRow(name) << QString::fromLatin1(procedure) << QByteArray(args) << QByteArray(expected);
        };
        row("echo returns its args", "echo", R"({"a":1,"b":[true,"x"]})", R"({"a":1,"b":[true,"x"]})");
        row("echo with no args", "echo", "{}", "{}");
        row("spin for zero ms", "spin", R"({"ms":0})", R"({"spun_ms":0})");
        row("spin for a few ms", "spin", R"({"ms":3})", R"({"spun_ms":3})");
        row("degree of the star centre", "degree", R"({"v":0})", R"({"degree":3,"vertex":0})");
        row("degree of a sink", "degree", R"({"v":5})", R"({"degree":0,"vertex":5})");
        row("degree of the last vertex", "degree", R"({"v":6})", R"({"degree":1,"vertex":6})");
        row("degree written as 2.0", "degree", R"({"v":3.0})", R"({"degree":1,"vertex":3})");
        row("neighbors of the star centre", "neighbors", R"({"v":0})", R"({"neighbors":[1,2,3],"vertex":0})");
        row("neighbors of a sink", "neighbors", R"({"v":5})", R"({"neighbors":[],"vertex":5})");
        row("khop defaults to two hops", "khop", R"({"v":0})", R"({"count":4,"k":2,"vertex":0})");
        row("khop one hop", "khop", R"({"v":0,"k":1})", R"({"count":3,"k":1,"vertex":0})");
        row("khop four hops", "khop", R"({"v":6,"k":4})", R"({"count":6,"k":4,"vertex":6})");
        row("khop ignores unknown args", "khop", R"({"v":3,"k":3,"x":"y"})", R"({"count":2,"k":3,"vertex":3})");
    }
    void proceduresAnswerWithTheExpectedResult()
    {
        QFETCH(QString, procedure);
        QFETCH(QByteArray, args);
        QFETCH(QByteArray, expected);
        const ProcedureOutcome out = run(procedure, json(args.constData()));
        QVERIFY2(out.kind == ProcedureOutcome::Kind::Done, qPrintable(out.error));
        QCOMPARE(out.status, QueryStatus::Ok);
        QVERIFY(out.error.isEmpty());
        QCOMPARE(compact(out.value), expected);
    }

    void neighborsListIsCappedAtAThousand()
    {
        const ProcedureOutcome out = runProcedure(QStringLiteral("neighbors"), json(R"({"v":0})"), *m_bigStar, m_scratch);
        QVERIFY2(out.kind == ProcedureOutcome::Kind::Done, qPrintable(out.error));
        const QJsonObject result = out.value.toObject();
        QCOMPARE(result.value(QStringLiteral("vertex")).toInteger(), 0);
        QCOMPARE(result.value(QStringLiteral("truncated")), QJsonValue(true));
        const QJsonArray list = result.value(QStringLiteral("neighbors")).toArray();
        QCOMPARE(list.size(), 1000);
        QCOMPARE(list.first().toInteger(), 1);
        QCOMPARE(list.last().toInteger(), 1000);
        // Below the cap there is no "truncated" key at all.
        const ProcedureOutcome small = run(QStringLiteral("neighbors"), json(R"({"v":0})"));
        QVERIFY(!small.value.toObject().contains(QStringLiteral("truncated")));
    }

    void khopGivesTheSameCountOnRepeatedCalls()
    {
        const auto graph = Graph::generate(20000, 42);
        ProcedureScratch scratch;
        const QJsonObject args = json(R"({"v":123,"k":3})");
        const QJsonValue first = runProcedure(QStringLiteral("khop"), args, *graph, scratch).value;
        QVERIFY(first.toObject().value(QStringLiteral("count")).toInteger() > 0);
        for (int i = 0; i < 5; ++i) {
            runProcedure(QStringLiteral("khop"), json(R"({"v":7,"k":4})"), *graph, scratch); // interleave
            QCOMPARE(runProcedure(QStringLiteral("khop"), args, *graph, scratch).value, first);
        }
    }

    void badArgumentsAreRejectedNamingTheArgAndRange_data()
    {
        QTest::addColumn<QString>("procedure");
        QTest::addColumn<QByteArray>("args");
        QTest::addColumn<QString>("message"); // the start of the expected message
        auto row = [](const char *name, const char *procedure, const char *args, const char *message) {
            QTest::newRow(name) << QString::fromLatin1(procedure) << QByteArray(args) << QString::fromLatin1(message);
        };
        const char *v = "args.v must be an integer in [0, 6]";
        row("degree without v", "degree", "{}", v);
        row("degree with a fractional v", "degree", R"({"v":1.5})", v);
        row("degree with v as a string", "degree", R"({"v":"1"})", v);
        row("degree with a negative v", "degree", R"({"v":-1})", v);
        row("degree with v one past the last vertex", "degree", R"({"v":7})", v);
        row("degree with a huge v", "degree", R"({"v":1e300})", v);
        row("degree with a null v", "degree", R"({"v":null})", v);
        row("degree with a boolean v", "degree", R"({"v":true})", v);
        row("degree with v as an array", "degree", R"({"v":[1]})", v);
        row("neighbors without v", "neighbors", R"({"k":1})", v);
        row("neighbors with a negative v", "neighbors", R"({"v":-3})", v);
        row("khop without v", "khop", R"({"k":2})", v);
        row("khop with v out of range", "khop", R"({"v":100,"k":2})", v);
        const char *k = "args.k must be an integer in [1, 4]";
        row("khop with k zero", "khop", R"({"v":0,"k":0})", k);
        row("khop with k five", "khop", R"({"v":0,"k":5})", k);
        row("khop with a fractional k", "khop", R"({"v":0,"k":2.5})", k);
        row("khop with k as a string", "khop", R"({"v":0,"k":"2"})", k);
        row("khop with a null k", "khop", R"({"v":0,"k":null})", k);
        const char *spin = "args.ms must be an integer in [0, 10000]";
        row("spin without ms", "spin", "{}", spin);
        row("spin with a negative ms", "spin", R"({"ms":-1})", spin);
        row("spin past ten seconds", "spin", R"({"ms":10001})", spin);
        row("spin with a fractional ms", "spin", R"({"ms":0.5})", spin);
        row("spin with ms as a string", "spin", R"({"ms":"5"})", spin);
        const char *sleep = "args.ms must be an integer in [0, 60000]";
        row("sleep without ms", "sleep", "{}", sleep);
        row("sleep with a negative ms", "sleep", R"({"ms":-5})", sleep);
        row("sleep past a minute", "sleep", R"({"ms":60001})", sleep);
        row("sleep with a fractional ms", "sleep", R"({"ms":1.25})", sleep);
        row("sleep with ms as an object", "sleep", R"({"ms":{}})", sleep);
    }
    void badArgumentsAreRejectedNamingTheArgAndRange()
    {
        QFETCH(QString, procedure);
        QFETCH(QByteArray, args);
        QFETCH(QString, message);
        const ProcedureOutcome out = run(procedure, json(args.constData()));
        QCOMPARE(out.kind, ProcedureOutcome::Kind::Error);
        QCOMPARE(out.status, QueryStatus::BadRequest);
        QVERIFY2(out.error.startsWith(message), qPrintable(out.error));
    }

    void badArgumentMessagesSayWhatWasSent_data()
    {
        QTest::addColumn<QByteArray>("args");
        QTest::addColumn<QString>("tail");
        QTest::newRow("missing") << QByteArray("{}") << QStringLiteral("(missing)");
        QTest::newRow("fraction") << QByteArray(R"({"v":1.5})") << QStringLiteral("(got 1.5)");
        QTest::newRow("string") << QByteArray(R"({"v":"abc"})") << QStringLiteral("(got the string \"abc\")");
        QTest::newRow("negative") << QByteArray(R"({"v":-2})") << QStringLiteral("(got -2)");
    }
    void badArgumentMessagesSayWhatWasSent()
    {
        QFETCH(QByteArray, args);
        QFETCH(QString, tail);
        const ProcedureOutcome out = run(QStringLiteral("degree"), json(args.constData()));
        QVERIFY2(out.error.endsWith(tail), qPrintable(out.error));
    }

    void vertexArgumentsFailCleanlyOnAnEmptyGraph()
    {
        const auto empty = Graph::generate(0, 1);
        const ProcedureOutcome out = runProcedure(QStringLiteral("degree"), json(R"({"v":0})"), *empty, m_scratch);
        QCOMPARE(out.kind, ProcedureOutcome::Kind::Error);
        QCOMPARE(out.status, QueryStatus::BadRequest);
        QVERIFY2(out.error.startsWith(QStringLiteral("args.v")), qPrintable(out.error));
    }

    void anUnknownProcedureIsNotFound()
    {
        const ProcedureOutcome out = run(QStringLiteral("foo"), {});
        QCOMPARE(out.kind, ProcedureOutcome::Kind::Error);
        QCOMPARE(out.status, QueryStatus::NotFound);
        QCOMPARE(out.error,
                 QStringLiteral("unknown procedure 'foo' (known: echo, spin, sleep, degree, neighbors, khop)"));
    }

    void procedureNamesAreCaseSensitive()
    {
        QCOMPARE(run(QStringLiteral("Echo"), {}).status, QueryStatus::NotFound);
    }

    void anEmptyProcedureNameIsABadRequest()
    {
        const ProcedureOutcome out = run(QString(), {});
        QCOMPARE(out.kind, ProcedureOutcome::Kind::Error);
        QCOMPARE(out.status, QueryStatus::BadRequest);
        QVERIFY2(out.error.contains(QStringLiteral("known: echo")), qPrintable(out.error));
    }

    void spinKeepsTheThreadBusyForAtLeastMs_data()
    {
        QTest::addColumn<int>("ms");
        QTest::newRow("20 ms") << 20;
        QTest::newRow("120 ms") << 120;
    }
    void spinKeepsTheThreadBusyForAtLeastMs()
    {
        QFETCH(int, ms);
        QElapsedTimer timer;
        timer.start();
        const ProcedureOutcome out = run(QStringLiteral("spin"), QJsonObject{{QStringLiteral("ms"), ms}});
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(out.kind, ProcedureOutcome::Kind::Done);
        QCOMPARE(out.value.toObject().value(QStringLiteral("spun_ms")).toInteger(), ms);
        // Lower bound only (minus 1 ms for timer granularity): a loaded machine may take longer.
        QVERIFY2(elapsed >= ms - 1, qPrintable(QString::number(elapsed)));
    }

    void spinReturnsToItsCallerEverySliceUntilItsTimeIsSpent()
    {
        const auto first = runProcedure(QStringLiteral("spin"), QJsonObject{{QStringLiteral("ms"), 30}}, *m_small, m_scratch);
        QCOMPARE(first.kind, ProcedureOutcome::Kind::Continue);
        QVERIFY(first.resume);
        QElapsedTimer slice;
        slice.start();
        const auto next = first.resume(std::chrono::steady_clock::now() + std::chrono::microseconds(500));
        // A slice ends near its end time, not at the spin's: generous for a loaded machine.
        QVERIFY2(slice.elapsed() < 20, qPrintable(QString::number(slice.elapsed())));
        QCOMPARE(next.kind, ProcedureOutcome::Kind::Continue);
        int slices = 0;
        const auto out = run(QStringLiteral("spin"), QJsonObject{{QStringLiteral("ms"), 30}}, &slices);
        QCOMPARE(out.kind, ProcedureOutcome::Kind::Done);
        QVERIFY2(slices >= 10, qPrintable(QString::number(slices)));
    }

    void sleepDefersInsteadOfBlocking_data()
    {
        QTest::addColumn<int>("ms");
        QTest::newRow("zero") << 0;
        QTest::newRow("a quarter second") << 250;
        QTest::newRow("the maximum, one minute") << 60000;
    }
    void sleepDefersInsteadOfBlocking()
    {
        QFETCH(int, ms);
        QElapsedTimer timer;
        timer.start();
        const ProcedureOutcome out = run(QStringLiteral("sleep"), QJsonObject{{QStringLiteral("ms"), ms}});
        QCOMPARE(out.kind, ProcedureOutcome::Kind::Defer);
        QCOMPARE(out.deferMs, ms);
        QCOMPARE(out.status, QueryStatus::Ok);
        QCOMPARE(compact(out.value), QByteArray(R"({"slept_ms":)") + QByteArray::number(ms) + '}');
        // It must return at once: the caller owns the timer (generous bound, the point is "not ms").
        if (ms >= 60000)
            QVERIFY2(timer.elapsed() < 30000, qPrintable(QString::number(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(ProceduresTest)
#include "tst_procedures.moc"
