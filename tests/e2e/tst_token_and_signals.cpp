// The real binary at its edges: a token too long is refused at start (never cut), a
// token file other users can read is named with the fix, and a second SIGTERM or SIGINT
// during the drain ends the process at once.
#include "tests/support/HeadlessProcess.h"
#include "tests/support/HttpTestClient.h"

#include <QFile>
#include <QJsonArray>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <thread>

using namespace shardscope::test;

namespace {

QString writeToken(const QTemporaryDir &dir, const QByteArray &token, QFile::Permissions permissions)
{
    const QString path = dir.filePath(QStringLiteral("token"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(token + '\n');
    file.close();
    file.setPermissions(permissions);
    return path;
}

constexpr QFile::Permissions kOwnerOnly = QFile::ReadOwner | QFile::WriteOwner;

// Runs the binary to its end (bounded) and returns its exit code; *err gets stderr.
int runToEnd(const QStringList &args, QString *err, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(SHARDSCOPE_BINARY), args);
    if (!process.waitForFinished(15000)) {
        process.kill();
        process.waitForFinished(5000);
        return -1;
    }
    *err = QString::fromUtf8(process.readAllStandardError());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

} // namespace

class TestTokenAndSignals : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_token_longer_than_4096_bytes_is_refused_at_start_not_cut()
    {
        QTemporaryDir dir;
        const QString path = writeToken(dir, QByteArray(4097, 'k'), kOwnerOnly);
        QString err;
        QCOMPARE(runToEnd({QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--audit-file"), QString(), QStringLiteral("--token-file"), path}, &err), 2);
        QVERIFY2(err.contains(path) && err.contains(QStringLiteral("4097 bytes")) && err.contains(QStringLiteral("at most 4096")),
                 qPrintable(err));
    }

    void a_token_of_exactly_4096_bytes_is_used_whole()
    {
        QTemporaryDir dir;
        const QByteArray token(4096, 'k');
        const QString path = writeToken(dir, token, kOwnerOnly);
        QProcess process;
        const quint16 port = startHeadless(process, {QStringLiteral("--audit-file"), QString(), QStringLiteral("--token-file"), path});
        QVERIFY(port != 0);
        HttpTestClient c("127.0.0.1", port);
        // Only the whole token opens the door: one byte less is a wrong token.
        QCOMPARE(c.request("POST", "/v1/service/stop", {}, {{"Authorization", "Bearer " + token.left(4095)}}).status, 403);
        QCOMPARE(c.request("POST", "/v1/service/stop", {}, {{"Authorization", "Bearer " + token}}).status, 202);
        process.terminate();
        QVERIFY(process.waitForFinished(10000));
        QVERIFY2(!process.readAllStandardError().contains("warning"), "an owner-only token file gives no warning");
    }

    void ctl_refuses_a_token_over_4096_bytes_from_the_environment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SHARDSCOPE_TOKEN"), QString(5000, u't'));
        QString err;
        QCOMPARE(runToEnd({QStringLiteral("ctl"), QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("stop")},
                          &err, env),
                 2);
        QVERIFY2(err.contains(QStringLiteral("$SHARDSCOPE_TOKEN")) && err.contains(QStringLiteral("5000 bytes")), qPrintable(err));
    }

    void a_token_file_others_can_read_gives_a_warning_with_the_fix_data()
    {
        QTest::addColumn<int>("permissions");
        QTest::addColumn<QString>("who");
        QTest::newRow("world-readable 0644") << int(kOwnerOnly | QFile::ReadGroup | QFile::ReadOther) << QStringLiteral("every user");
        QTest::newRow("group-readable 0640") << int(kOwnerOnly | QFile::ReadGroup) << QStringLiteral("its group");
    }
    void a_token_file_others_can_read_gives_a_warning_with_the_fix()
    {
        QFETCH(int, permissions);
        QFETCH(QString, who);
        QTemporaryDir dir;
        const QString path = writeToken(dir, "s3cret", QFile::Permissions(permissions));
        QProcess process;
        // QVERIFY2 evaluates its message every time: stderr is read once, at the end.
        const quint16 port = startHeadless(process, {QStringLiteral("--audit-file"), QString(), QStringLiteral("--token-file"), path});
        process.terminate();
        QVERIFY(process.waitForFinished(10000));
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(port != 0, qPrintable(err));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(err.contains(QStringLiteral("warning")) && err.contains(path) && err.contains(who)
                     && err.contains(QStringLiteral("chmod 600 %1").arg(path)),
                 qPrintable(err));
    }

    void a_second_signal_during_the_drain_exits_at_once_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM twice") << SIGTERM;
        QTest::newRow("SIGINT twice") << SIGINT;
    }
    void a_second_signal_during_the_drain_exits_at_once()
    {
        QFETCH(int, signal);
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        // The drain would wait 20 s for the sleep: only the second signal ends it sooner.
        const quint16 port = startHeadless(process, {QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--audit-file"),
                                                     QString(), QStringLiteral("--drain-timeout-ms"), QStringLiteral("30000")});
        QVERIFY(port != 0);
        std::thread sleeper([port] {
            HttpTestClient c("127.0.0.1", port, 30000);
            c.post("/v1/query", R"({"procedure":"sleep","args":{"ms":20000},"shard":0})");
        });
        HttpTestClient admin("127.0.0.1", port);
        QVERIFY(QTest::qWaitFor([&] {
            int n = 0;
            for (const QJsonValue &s : admin.get("/v1/service/shards").json().value(QStringLiteral("shards")).toArray())
                n += s.toObject().value(QStringLiteral("in_flight")).toInt();
            return n == 1;
        }, 5000));
        QByteArray out;
        const auto waitFor = [&](const QByteArray &text) {
            return QTest::qWaitFor([&] {
                process.waitForReadyRead(50);
                out += process.readAll();
                return out.contains(text) || process.state() == QProcess::NotRunning;
            }, 5000) && out.contains(text);
        };
        ::kill(pid_t(process.processId()), signal);
        QVERIFY2(waitFor("draining in-flight requests"), out.constData());
        QVERIFY(process.state() == QProcess::Running);
        QElapsedTimer forced;
        forced.start();
        ::kill(pid_t(process.processId()), signal);
        QVERIFY(process.waitForFinished(5000));
        QVERIFY2(forced.elapsed() < 5000, "the second signal did not cut the drain short");
        out += process.readAll();
        sleeper.join();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 128 + signal);
        QVERIFY2(out.contains("exiting at once"), out.constData());
    }
};

QTEST_GUILESS_MAIN(TestTokenAndSignals)
#include "tst_token_and_signals.moc"
