// The real `shardscope --headless` process: it prints where it listens, refuses bad
// arguments clearly, and on SIGTERM answers what is in flight and exits 0.
#include "tests/support/HttpTestClient.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryFile>
#include <QTest>

#include <atomic>
#include <thread>

using shardscope::test::HttpTestClient;

class TestHeadless : public QObject
{
    Q_OBJECT
private:
    static quint16 startAndReadPort(QProcess &process, const QStringList &args)
    {
        process.start(QStringLiteral(SHARDSCOPE_BINARY), args);
        if (!process.waitForStarted(10000))
            return 0;
        QByteArray out;
        const QRegularExpression re(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        const bool seen = QTest::qWaitFor([&] {
            process.waitForReadyRead(50);
            out += process.readAllStandardOutput();
            return re.match(QString::fromUtf8(out)).hasMatch() || process.state() != QProcess::Running;
        }, 15000);
        if (!seen)
            return 0;
        return quint16(re.match(QString::fromUtf8(out)).captured(1).toUInt());
    }

private Q_SLOTS:
    void sigterm_answers_every_request_in_flight_and_exits_zero()
    {
        QProcess process;
        const quint16 port = startAndReadPort(process, {QStringLiteral("--headless"), QStringLiteral("--shards"), QStringLiteral("4"),
                                                        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(process.readAllStandardError().constData());

        constexpr int kClients = 6;
        std::atomic<int> ok{0};
        std::atomic<int> answered{0};
        std::vector<std::thread> clients;
        for (int i = 0; i < kClients; ++i) {
            clients.emplace_back([&] {
                HttpTestClient c("127.0.0.1", port);
                const auto r = c.post("/v1/query", R"({"procedure":"sleep","args":{"ms":600}})");
                answered += r.status != 0;
                ok += r.status == 200;
            });
        }
        HttpTestClient admin("127.0.0.1", port);
        QVERIFY(QTest::qWaitFor([&] {
            int inFlight = 0;
            const auto shards = admin.get("/v1/service/shards").json().value(QStringLiteral("shards")).toArray();
            for (const auto &s : shards)
                inFlight += s.toObject().value(QStringLiteral("in_flight")).toInt();
            return inFlight == kClients;
        }, 10000));
        process.terminate(); // SIGTERM
        QVERIFY(process.waitForFinished(15000));
        for (auto &t : clients)
            t.join();
        // On a crash, what the service logged last is the only trace left: show it.
        QVERIFY2(process.exitStatus() == QProcess::NormalExit, process.readAllStandardError().right(4000).constData());
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(answered.load(), kClients);
        QCOMPARE(ok.load(), kClients);
    }

    void bad_arguments_exit_2_with_a_message_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("zero shards") << QStringList{QStringLiteral("--shards"), QStringLiteral("0")} << QStringLiteral("--shards must be an integer in [1, 1024]");
        QTest::newRow("too many shards") << QStringList{QStringLiteral("--shards"), QStringLiteral("5000")} << QStringLiteral("--shards");
        QTest::newRow("listen without a port") << QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1")} << QStringLiteral("--listen wants HOST:PORT");
        QTest::newRow("unknown restart mode") << QStringList{QStringLiteral("--restart-mode"), QStringLiteral("yolo")} << QStringLiteral("--restart-mode must be one of");
        QTest::newRow("transport without connect") << QStringList{QStringLiteral("--transport"), QStringLiteral("poll")} << QStringLiteral("--transport only applies with --connect");
        QTest::newRow("unknown transport") << QStringList{QStringLiteral("--connect"), QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--transport"), QStringLiteral("carrier-pigeon")} << QStringLiteral("--transport must be one of: auto, stream, poll");
        QTest::newRow("zero threads") << QStringList{QStringLiteral("--threads"), QStringLiteral("0")} << QStringLiteral("--threads must be 'per-shard' or an integer in [1, 256]");
        QTest::newRow("threads as a word") << QStringList{QStringLiteral("--threads"), QStringLiteral("many")} << QStringLiteral("--threads must be");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << QStringLiteral("Unknown option");
        QTest::newRow("txn ops without etcd") << QStringList{QStringLiteral("--etcd-max-txn-ops"), QStringLiteral("256")}
                                              << QStringLiteral("--etcd-max-txn-ops only applies with --etcd");
        QTest::newRow("txn ops of zero") << QStringList{QStringLiteral("--etcd"), QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--cluster"),
                                                        QStringLiteral("c"), QStringLiteral("--etcd-max-txn-ops"), QStringLiteral("0")}
                                         << QStringLiteral("--etcd-max-txn-ops must be an integer in [1, 1000000], got '0'");
    }
    // Without --headless, --etcd opens the cluster console: a node's own options and
    // --connect do not fit it, and it needs the cluster's name. Refused before any window.
    void cluster_console_arguments_that_do_not_fit_exit_2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("messagePart");
        const QString etcd = QStringLiteral("http://127.0.0.1:9");
        QTest::newRow("no cluster name") << QStringList{QStringLiteral("--etcd"), etcd} << QStringLiteral("--etcd needs --cluster NAME");
        QTest::newRow("a node's id") << QStringList{QStringLiteral("--etcd"), etcd, QStringLiteral("--cluster"), QStringLiteral("c"),
                                                    QStringLiteral("--node-id"), QStringLiteral("n0")}
                                     << QStringLiteral("--node-id, --lease-ttl and --etcd-max-txn-ops are a node's options");
        QTest::newRow("connect as well") << QStringList{QStringLiteral("--etcd"), etcd, QStringLiteral("--cluster"), QStringLiteral("c"),
                                                        QStringLiteral("--connect"), QStringLiteral("http://127.0.0.1:8080")}
                                         << QStringLiteral("--connect follows one service, --etcd a whole cluster");
    }
    void cluster_console_arguments_that_do_not_fit_exit_2()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, messagePart);
        QProcess process;
        process.start(QStringLiteral(SHARDSCOPE_BINARY), args);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains(messagePart), qPrintable(err));
    }

    void bad_arguments_exit_2_with_a_message()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, messagePart);
        QProcess process;
        process.start(QStringLiteral(SHARDSCOPE_BINARY), QStringList{QStringLiteral("--headless")} + args);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains(messagePart), qPrintable(err));
    }

    // The pool runs 1024 shards on one worker per core: besides those, the timer thread, the
    // network, coordinator and gate threads and Qt's own, nothing grows with the shards.
    void a_thousand_shards_run_on_at_most_cores_plus_eight_threads()
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SHARDSCOPE_THREADS")); // the default runtime
        process.setProcessEnvironment(env);
        const quint16 port = startAndReadPort(process, {QStringLiteral("--headless"), QStringLiteral("--shards"), QStringLiteral("1024"),
                                                        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY2(port != 0, process.readAllStandardError().constData());
        HttpTestClient client("127.0.0.1", port);
        QVERIFY(QTest::qWaitFor([&] { return client.get("/v1/service/ready").status == 200; }, 15000));
        for (int i = 0; i < 64; ++i)
            QCOMPARE(client.post("/v1/query", R"({"procedure":"echo","args":{}})").status, 200);
        QFile status(QStringLiteral("/proc/%1/status").arg(process.processId()));
        QVERIFY(status.open(QIODevice::ReadOnly));
        const QRegularExpression re(QStringLiteral("^Threads:\\s+(\\d+)"), QRegularExpression::MultilineOption);
        const auto match = re.match(QString::fromUtf8(status.readAll()));
        QVERIFY(match.hasMatch());
        const int threads = match.captured(1).toInt();
        const int cores = int(std::thread::hardware_concurrency());
        qInfo("headless --shards 1024: %d threads on %d cores", threads, cores);
        QVERIFY2(threads <= cores + 8, qPrintable(QStringLiteral("%1 threads, more than %2 cores + 8").arg(threads).arg(cores)));
        process.terminate();
        QVERIFY(process.waitForFinished(15000));
        QCOMPARE(process.exitCode(), 0);
    }

    void a_port_in_use_is_reported_and_exits_1()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        QProcess process;
        process.start(QStringLiteral(SHARDSCOPE_BINARY),
                      QStringList{QStringLiteral("--headless"), QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--listen"),
                       QStringLiteral("127.0.0.1:%1").arg(squatter.serverPort())});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 1);
        QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains(QStringLiteral("cannot listen on 127.0.0.1")));
    }

    void a_bad_graph_file_stops_the_start_with_the_file_and_line()
    {
        QTemporaryFile graph;
        QVERIFY(graph.open());
        graph.write("0 1\n1 two\n");
        graph.close();
        QProcess process;
        process.start(QStringLiteral(SHARDSCOPE_BINARY), QStringList{QStringLiteral("--headless"), QStringLiteral("--listen"),
                                                                     QStringLiteral("127.0.0.1:0"), QStringLiteral("--graph"), graph.fileName()});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 1);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains(graph.fileName() + QStringLiteral(":2")), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
