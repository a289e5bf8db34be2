// Who may change the service, and the audit of every change.
#include "tests/support/ServiceFixture.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

using Headers = QList<QPair<QByteArray, QByteArray>>;

class TestSecurity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mutating_endpoints_need_the_bearer_token_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("command");
        QTest::newRow("restart") << QByteArray("/v1/service/restart") << QStringLiteral("restart");
        QTest::newRow("stop") << QByteArray("/v1/service/stop") << QStringLiteral("stop");
        QTest::newRow("abort") << QByteArray("/v1/service/restart/abort") << QStringLiteral("abort");
        QTest::newRow("faults") << QByteArray("/v1/faults") << QStringLiteral("fault");
    }
    void mutating_endpoints_need_the_bearer_token()
    {
        QFETCH(QByteArray, path);
        QFETCH(QString, command);
        ServiceFixture f(ServiceFixture::smallConfig(2), "s3cret-token");
        QVERIFY(f.ok());
        auto client = f.client();
        const auto missing = client->request("POST", path);
        QCOMPARE(missing.status, 401);
        QCOMPARE(missing.header("WWW-Authenticate"), QByteArray("Bearer"));
        QCOMPARE(client->request("POST", path, {}, Headers{{"Authorization", "Bearer wrong"}}).status, 403);
        QCOMPARE(client->request("POST", path, {}, Headers{{"Authorization", "Bearer s3cret-token-and-more"}}).status, 403);
        QCOMPARE(client->request("POST", path, {}, Headers{{"Authorization", "Basic s3cret-token"}}).status, 401);
        // Each refusal is counted in the audit, with the command, the client and the status.
        QMap<int, int> audited; // status -> refusals
        for (const QJsonValue &v : client->get("/v1/service/audit").json().value(QStringLiteral("entries")).toArray()) {
            const QJsonObject e = v.toObject();
            QCOMPARE(e.value(QStringLiteral("command")).toString(), command);
            QCOMPARE(e.value(QStringLiteral("outcome")).toString(), QStringLiteral("refused"));
            QVERIFY(e.value(QStringLiteral("client")).toString().startsWith(QStringLiteral("127.0.0.1:")));
            audited[e.value(QStringLiteral("http_status")).toInt()] += e.value(QStringLiteral("count")).toInt();
        }
        QCOMPARE(audited, (QMap<int, int>{{401, 2}, {403, 2}}));
        // Reading and querying stay open.
        QCOMPARE(client->get("/v1/service/status").status, 200);
        QCOMPARE(client->post("/v1/query", R"({"procedure":"echo"})").status, 200);
        const auto good = client->request("POST", path, {}, Headers{{"Authorization", "Bearer s3cret-token"}});
        QVERIFY2(good.status != 401 && good.status != 403, good.body.constData());
        QVERIFY(f.waitIdle());
    }

    void every_restart_stop_and_start_is_audited_with_client_outcome_and_phases()
    {
        QTemporaryDir dir;
        ServiceConfig config = ServiceFixture::smallConfig(2);
        config.auditFile = dir.filePath(QStringLiteral("audit.jsonl"));
        ServiceFixture f(config);
        QVERIFY(f.ok());
        auto client = f.client();
        QCOMPARE(client->post("/v1/service/restart", R"({"drain_timeout_ms":1234})").status, 202);
        QVERIFY(f.waitIdle());
        QCOMPARE(client->post("/v1/service/stop").status, 202);
        QVERIFY(f.waitIdle());
        QCOMPARE(client->post("/v1/service/stop").status, 409); // refused: audited too
        QCOMPARE(client->post("/v1/service/start").status, 202);
        QVERIFY(f.waitIdle());

        QJsonArray entries;
        QVERIFY(QTest::qWaitFor([&] {
            entries = client->get("/v1/service/audit").json().value(QStringLiteral("entries")).toArray();
            return entries.size() == 4;
        }, 5000));
        const QJsonObject restart = entries.at(0).toObject();
        QCOMPARE(restart.value(QStringLiteral("command")).toString(), QStringLiteral("restart"));
        QCOMPARE(restart.value(QStringLiteral("outcome")).toString(), QStringLiteral("completed"));
        QVERIFY(restart.value(QStringLiteral("client")).toString().startsWith(QStringLiteral("127.0.0.1:")));
        QCOMPARE(restart.value(QStringLiteral("settings")).toObject().value(QStringLiteral("drain_timeout_ms")).toInt(), 1234);
        const QJsonObject phases = restart.value(QStringLiteral("phase_ms")).toObject();
        for (const char *phase : {"preparing", "draining", "restarting", "verifying", "resuming"})
            QVERIFY2(phases.contains(QLatin1String(phase)), phase);
        QCOMPARE(entries.at(1).toObject().value(QStringLiteral("command")).toString(), QStringLiteral("stop"));
        QCOMPARE(entries.at(2).toObject().value(QStringLiteral("outcome")).toString(), QStringLiteral("refused"));
        QCOMPARE(entries.at(2).toObject().value(QStringLiteral("refusal")).toString(), QStringLiteral("stopped"));
        QCOMPARE(entries.at(3).toObject().value(QStringLiteral("command")).toString(), QStringLiteral("start"));

        QFile file(config.auditFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        // Each accepted command wrote a "started" line before it ran, then its outcome.
        QStringList outcomes;
        for (const QByteArray &line : file.readAll().trimmed().split('\n')) {
            const QJsonDocument doc = QJsonDocument::fromJson(line);
            QVERIFY(doc.isObject());
            outcomes << doc.object().value(QStringLiteral("command")).toString() + u':'
                            + doc.object().value(QStringLiteral("outcome")).toString();
        }
        QCOMPARE(outcomes, QStringList({QStringLiteral("restart:started"), QStringLiteral("restart:completed"),
                                        QStringLiteral("stop:started"), QStringLiteral("stop:completed"),
                                        QStringLiteral("stop:refused"), QStringLiteral("start:started"),
                                        QStringLiteral("start:completed")}));
    }

    void the_service_refuses_to_listen_off_loopback_without_a_token()
    {
        QProcess process;
        process.start(QStringLiteral(SHARDSCOPE_BINARY), QStringList{QStringLiteral("--headless"), QStringLiteral("--listen"),
                                                                     QStringLiteral("0.0.0.0:0")});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains(QStringLiteral("without --token-file")));
    }

    void a_bad_token_file_is_refused_at_start()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("token"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("two words\n");
        file.close();
        QProcess process;
        process.start(QStringLiteral(SHARDSCOPE_BINARY), QStringList{QStringLiteral("--headless"), QStringLiteral("--token-file"), path});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains(QStringLiteral("one token on one line")));
    }
};

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
