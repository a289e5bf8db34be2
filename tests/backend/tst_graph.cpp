#include "backend/actors/Graph.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <limits>
#include <thread>
#include <vector>

using namespace shardscope;

namespace {

std::vector<std::uint32_t> toVector(std::span<const std::uint32_t> s) { return {s.begin(), s.end()}; }

// A path 0->1->2->3->4, a star 5->{6,7,8,9} hooked onto the path by 9->0, and a
// triangle 10->11->12->10 (a cycle, so khop must not count its start vertex).
constexpr char kSmallGraph[] = "# path\n"
                               "0 1\n1 2\n2 3\n3 4\n"
                               "\n"
                               "# star, then a link into the path\n"
                               "5 6\n5 7\n5 8\n5 9\n9 0\n"
                               "# triangle\n"
                               "10 11\n11 12\n12 10\n";

} // namespace

class GraphTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<const Graph> m_small;

    QString writeFile(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_small = Graph::loadEdgeList(writeFile(QStringLiteral("small.txt"), kSmallGraph), &error);
        QVERIFY2(m_small, qPrintable(error));
        QCOMPARE(m_small->vertexCount(), 13u);
        QCOMPARE(m_small->edgeCount(), 12u);
    }

    // --- generate ---------------------------------------------------------------------

    void generateIsDeterministic_data()
    {
        QTest::addColumn<int>("vertices");
        QTest::addColumn<qulonglong>("seed");
        QTest::newRow("default size and seed") << 100000 << 42ull;
        QTest::newRow("small graph") << 50 << 7ull;
        QTest::newRow("another seed") << 1000 << 1ull;
    }
    void generateIsDeterministic()
    {
        QFETCH(int, vertices);
        QFETCH(qulonglong, seed);
        const auto a = Graph::generate(std::uint32_t(vertices), seed);
        const auto b = Graph::generate(std::uint32_t(vertices), seed);
        QCOMPARE(a->vertexCount(), std::uint32_t(vertices));
        QCOMPARE(a->edgeCount(), b->edgeCount());
        for (std::uint32_t v = 0; v < a->vertexCount(); ++v) {
            if (toVector(a->neighbors(v)) != toVector(b->neighbors(v)))
                QFAIL(qPrintable(QStringLiteral("neighbors of %1 differ").arg(v)));
        }
    }

    void differentSeedsGiveDifferentGraphs()
    {
        const auto a = Graph::generate(1000, 1);
        const auto b = Graph::generate(1000, 2);
        bool differ = a->edgeCount() != b->edgeCount();
        for (std::uint32_t v = 0; !differ && v < a->vertexCount(); ++v)
            differ = toVector(a->neighbors(v)) != toVector(b->neighbors(v));
        QVERIFY(differ);
    }

    void defaultGeneratedGraphHasAHundredThousandVerticesAndSomeHubs()
    {
        const auto g = Graph::generate();
        QCOMPARE(g->vertexCount(), 100000u);
        QCOMPARE(g->source(), QStringLiteral("generated(100000, seed 42)"));
        const double average = double(g->edgeCount()) / g->vertexCount();
        QVERIFY2(average >= 6.0 && average <= 10.0, qPrintable(QString::number(average)));
        std::uint32_t maxDegree = 0;
        for (std::uint32_t v = 0; v < g->vertexCount(); ++v)
            maxDegree = std::max(maxDegree, g->degree(v));
        // Skew: the biggest hub is far above the average.
        QVERIFY2(maxDegree >= 200, qPrintable(QString::number(maxDegree)));
    }

    void generatedGraphHasNoSelfLoopsOrParallelEdges()
    {
        const auto g = Graph::generate(20000, 3);
        for (std::uint32_t v = 0; v < g->vertexCount(); ++v) {
            const auto n = g->neighbors(v);
            QCOMPARE(n.size(), std::size_t(g->degree(v)));
            QVERIFY(std::adjacent_find(n.begin(), n.end(), std::greater_equal<>()) == n.end()); // strictly sorted
            QVERIFY(std::find(n.begin(), n.end(), v) == n.end());
            QVERIFY(n.empty() || n.back() < g->vertexCount());
        }
    }

    void generateHandlesTinySizes_data()
    {
        QTest::addColumn<int>("vertices");
        QTest::newRow("no vertices") << 0;
        QTest::newRow("one vertex") << 1;
        QTest::newRow("two vertices") << 2;
    }
    void generateHandlesTinySizes()
    {
        QFETCH(int, vertices);
        const auto g = Graph::generate(std::uint32_t(vertices), 42);
        QCOMPARE(g->vertexCount(), std::uint32_t(vertices));
        KhopScratch scratch;
        for (std::uint32_t v = 0; v < g->vertexCount(); ++v) {
            QVERIFY(g->khop(v, 4, scratch) < g->vertexCount());
            for (std::uint32_t w : g->neighbors(v))
                QVERIFY(w != v && w < g->vertexCount());
        }
    }

    // --- loadEdgeList -----------------------------------------------------------------

    void loadEdgeListParsesPairs_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("vertices");
        QTest::addColumn<int>("edges");
        QTest::newRow("one edge") << QByteArray("0 1\n") << 2 << 1;
        QTest::newRow("comments and blank lines") << QByteArray("# header\n\n0 1\n   \n# more\n1 2\n") << 3 << 2;
        QTest::newRow("indented comment") << QByteArray("  # note\n0 1\n") << 2 << 1;
        QTest::newRow("trailing comment") << QByteArray("0 1 # first edge\n") << 2 << 1;
        QTest::newRow("crlf line endings") << QByteArray("0 1\r\n1 2\r\n\r\n") << 3 << 2;
        QTest::newRow("tabs and extra spaces") << QByteArray("  0\t\t1  \n\t2 3\t\n") << 4 << 2;
        QTest::newRow("no trailing newline") << QByteArray("0 1\n5 2") << 6 << 2;
        QTest::newRow("self loop and duplicate kept") << QByteArray("1 1\n0 1\n0 1\n") << 2 << 3;
        QTest::newRow("highest id is a destination") << QByteArray("0 7\n") << 8 << 1;
        QTest::newRow("leading zeros") << QByteArray("007 010\n") << 11 << 1;
    }
    void loadEdgeListParsesPairs()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, vertices);
        QFETCH(int, edges);
        const QString path = writeFile(QStringLiteral("ok.txt"), content);
        QString error;
        const auto g = Graph::loadEdgeList(path, &error);
        QVERIFY2(g, qPrintable(error));
        QCOMPARE(g->vertexCount(), std::uint32_t(vertices));
        QCOMPARE(g->edgeCount(), std::uint64_t(edges));
        QCOMPARE(g->source(), path);
    }

    void loadEdgeListKeepsFileOrderPerVertex()
    {
        const auto g = Graph::loadEdgeList(writeFile(QStringLiteral("order.txt"), "3 1\n0 2\n3 0\n3 2\n"), nullptr);
        QVERIFY(g);
        QCOMPARE(toVector(g->neighbors(3)), (std::vector<std::uint32_t>{1, 0, 2}));
        QCOMPARE(toVector(g->neighbors(0)), (std::vector<std::uint32_t>{2}));
    }

    void loadEdgeListReportsTheFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line"); // 0: the message names the file only
        QTest::addColumn<QString>("fragment");
        const QString expected = QStringLiteral("expected two vertex ids");
        QByteArray manyGood;
        for (int i = 0; i < 100; ++i)
            manyGood += QByteArray::number(i) + ' ' + QByteArray::number(i + 1) + '\n';
        QTest::newRow("single id") << QByteArray("0 1\n2\n") << 2 << expected;
        QTest::newRow("three ids") << QByteArray("0 1 2\n") << 1 << expected;
        QTest::newRow("weight column") << QByteArray("0 1 0.5\n") << 1 << expected;
        QTest::newRow("letters after comments") << QByteArray("# c\n\na b\n") << 3 << expected;
        QTest::newRow("digits glued to letters") << QByteArray("0 1x\n") << 1 << expected;
        QTest::newRow("fractional id") << QByteArray("0 1.5\n") << 1 << expected;
        QTest::newRow("bad line after a hundred good ones") << manyGood + "oops\n" << 101 << expected;
        QTest::newRow("negative id") << QByteArray("0 1\n-1 2\n") << 2 << QStringLiteral("non-negative");
        QTest::newRow("id just above the limit")
            << QByteArray("0 50000001\n") << 1 << QStringLiteral("exceeds the limit of 50000000");
        QTest::newRow("id with thirty digits")
            << QByteArray("123456789012345678901234567890 0\n") << 1 << QStringLiteral("exceeds the limit");
        QTest::newRow("empty file") << QByteArray() << 0 << QStringLiteral("no edges");
        QTest::newRow("only comments and blanks") << QByteArray("# a\n\n  \n") << 0 << QStringLiteral("no edges");
    }
    void loadEdgeListReportsTheFileAndLine()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, fragment);
        const QString path = writeFile(QStringLiteral("graph.txt"), content);
        QString error;
        QVERIFY(!Graph::loadEdgeList(path, &error));
        const QString where = line > 0 ? QStringLiteral(":%1: ").arg(line) : QStringLiteral(": ");
        const QString prefix = path + where;
        QVERIFY2(error.startsWith(prefix), qPrintable(error));
        QVERIFY2(error.contains(fragment), qPrintable(error));
        // A null error pointer is allowed: still a clean nullptr, no crash.
        QVERIFY(!Graph::loadEdgeList(path, nullptr));
    }

    void loadEdgeListReportsAMissingFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("does-not-exist.txt"));
        QString error;
        QVERIFY(!Graph::loadEdgeList(path, &error));
        QVERIFY2(error.startsWith(path + QStringLiteral(": cannot open")), qPrintable(error));
    }

    void loadEdgeListRejectsADirectory()
    {
        QString error;
        QVERIFY(!Graph::loadEdgeList(m_dir.path(), &error));
        QVERIFY2(error.startsWith(m_dir.path() + u':') && error.contains(QStringLiteral("directory")),
                 qPrintable(error));
    }

    void loadEdgeListReadsAMillionEdges()
    {
        QByteArray content;
        content.reserve(16 * 1024 * 1024);
        for (std::uint32_t i = 0; i < 1000000; ++i)
            content += QByteArray::number(i % 200000) + ' ' + QByteArray::number((i * 7919u) % 200000) + '\n';
        const QString path = writeFile(QStringLiteral("million.txt"), content);
        QElapsedTimer timer;
        timer.start();
        QString error;
        const auto g = Graph::loadEdgeList(path, &error);
        const qint64 ms = timer.elapsed();
        QVERIFY2(g, qPrintable(error));
        QCOMPARE(g->edgeCount(), 1000000u);
        QCOMPARE(g->vertexCount(), 200000u);
        // Informational only: an upper bound would flake under sanitizers or a loaded machine.
        qInfo("loaded 1M edges in %lld ms", ms);
    }

    // --- queries on a small known graph -----------------------------------------------

    void degreeAndNeighborsMatchTheFile_data()
    {
        QTest::addColumn<int>("vertex");
        QTest::addColumn<QList<int>>("expected");
        QTest::newRow("start of the path") << 0 << QList<int>{1};
        QTest::newRow("end of the path is a sink") << 4 << QList<int>{};
        QTest::newRow("centre of the star") << 5 << QList<int>{6, 7, 8, 9};
        QTest::newRow("star leaf linking into the path") << 9 << QList<int>{0};
        QTest::newRow("triangle corner") << 12 << QList<int>{10};
    }
    void degreeAndNeighborsMatchTheFile()
    {
        QFETCH(int, vertex);
        QFETCH(QList<int>, expected);
        QCOMPARE(m_small->degree(std::uint32_t(vertex)), std::uint32_t(expected.size()));
        const std::vector<std::uint32_t> want(expected.begin(), expected.end());
        QCOMPARE(toVector(m_small->neighbors(std::uint32_t(vertex))), want);
    }

    void khopCountsDistinctVerticesWithinKHops_data()
    {
        QTest::addColumn<int>("vertex");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("count");
        QTest::newRow("zero hops reach nothing") << 0 << 0 << 0;
        QTest::newRow("path, one hop") << 0 << 1 << 1;
        QTest::newRow("path, two hops") << 0 << 2 << 2;
        QTest::newRow("path, to its end") << 0 << 4 << 4;
        QTest::newRow("path, more hops than it is long") << 0 << 10 << 4;
        QTest::newRow("sink reaches nothing") << 4 << 3 << 0;
        QTest::newRow("star, one hop") << 5 << 1 << 4;
        QTest::newRow("star, two hops into the path") << 5 << 2 << 5;
        QTest::newRow("star, four hops") << 5 << 4 << 7;
        QTest::newRow("triangle excludes its start") << 10 << 5 << 2;
    }
    void khopCountsDistinctVerticesWithinKHops()
    {
        QFETCH(int, vertex);
        QFETCH(int, k);
        QFETCH(int, count);
        KhopScratch scratch;
        QCOMPARE(m_small->khop(std::uint32_t(vertex), std::uint32_t(k), scratch), std::uint64_t(count));
    }

    void oneHopEqualsDegreeOnAGeneratedGraph()
    {
        // Generated graphs have no self-loops or parallel edges, so khop(v, 1) == degree(v).
        const auto g = Graph::generate(5000, 9);
        KhopScratch scratch;
        for (std::uint32_t v = 0; v < g->vertexCount(); ++v)
            QCOMPARE(g->khop(v, 1, scratch), std::uint64_t(g->degree(v)));
    }

    void aReusedScratchGivesTheSameAnswersAsAFreshOne()
    {
        const auto g = Graph::generate(20000, 5);
        KhopScratch reused;
        for (int pass = 0; pass < 2; ++pass) {
            for (std::uint32_t v = 0; v < g->vertexCount(); v += 97) {
                for (std::uint32_t k = 1; k <= 4; ++k) {
                    KhopScratch fresh;
                    QCOMPARE(g->khop(v, k, reused), g->khop(v, k, fresh));
                }
            }
        }
    }

    void khopSurvivesEpochWraparound()
    {
        KhopScratch scratch;
        QCOMPARE(m_small->khop(5, 4, scratch), 7u); // leaves stamps behind
        scratch.epoch = std::numeric_limits<std::uint32_t>::max() - 1;
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(m_small->khop(5, 4, scratch), 7u);
            QCOMPARE(m_small->khop(0, 2, scratch), 2u);
        }
        QVERIFY(scratch.epoch < 10u);
    }

    void oneScratchServesGraphsOfDifferentSizes()
    {
        const auto big = Graph::generate(3000, 11);
        KhopScratch scratch;
        const std::uint64_t bigAnswer = big->khop(17, 3, scratch);
        QCOMPARE(m_small->khop(5, 4, scratch), 7u);
        QCOMPARE(big->khop(17, 3, scratch), bigAnswer);
        QCOMPARE(m_small->khop(5, 4, scratch), 7u);
    }

    void manyThreadsCanQueryOneGraphAtOnce()
    {
        const auto g = Graph::generate(30000, 13);
        std::vector<std::uint64_t> serial;
        KhopScratch scratch;
        for (std::uint32_t v = 0; v < 300; ++v)
            serial.push_back(g->khop(v * 97, 3, scratch));

        constexpr int kThreads = 4;
        std::vector<std::vector<std::uint64_t>> results(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&g, &out = results[std::size_t(t)]] {
                KhopScratch own; // one per thread, as each shard has its own
                for (std::uint32_t v = 0; v < 300; ++v)
                    out.push_back(g->khop(v * 97, 3, own));
            });
        }
        for (auto &t : threads)
            t.join();
        for (const auto &r : results)
            QCOMPARE(r, serial);
    }
};

QTEST_GUILESS_MAIN(GraphTest)
#include "tst_graph.moc"
