// The HTTP API's route table from the outside: the real binary with a token file, and the
// table every client relies on written out below. If the server's table drifts (a route
// gone, a method added, a token rule dropped), a row here fails.
#include "tests/support/HeadlessProcess.h"
#include "tests/support/HttpTestClient.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace shardscope::test;

using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

constexpr char kToken[] = "routes-test-token";

struct ExpectedRoute {
    const char *method;
    const char *path;
    bool needsToken;
    // A request to this route that reaches its handler and changes nothing, and its status;
    // null for stop, which has no such request.
    const char *probeBody;
    int probeStatus;
};

constexpr ExpectedRoute kRoutes[] = {
    {"POST", "/v1/query", false, R"({"procedure":"echo"})", 200},
    {"POST", "/v1/service/restart", true, R"({"colour":"red"})", 400},
    {"POST", "/v1/service/restart/abort", true, "", 409},
    {"POST", "/v1/service/stop", true, nullptr, 0},
    {"POST", "/v1/service/start", true, "", 409},
    {"GET", "/v1/service/status", false, "", 200},
    {"GET", "/v1/service/ready", false, "", 200},
    {"GET", "/v1/service/shards", false, "", 200},
    {"GET", "/v1/service/events", false, "", 200},
    {"GET", "/v1/stream", false, "", 200},
    {"GET", "/v1/service/audit", false, "", 200},
    {"GET", "/v1/faults", false, "", 200},
    {"POST", "/v1/faults", true, "not json", 400},
    {"GET", "/metrics", false, "", 200},
};

// Every method a path accepts, in table order.
QByteArrayList methodsOn(const QByteArray &path)
{
    QByteArrayList methods;
    for (const ExpectedRoute &r : kRoutes) {
        if (path == r.path)
            methods.append(r.method);
        if (path == r.path && QByteArray(r.method) == "GET")
            methods.append("HEAD"); // every GET route answers HEAD too
    }
    return methods;
}

QByteArrayList distinctPaths()
{
    QByteArrayList paths;
    for (const ExpectedRoute &r : kRoutes) {
        if (!paths.contains(r.path))
            paths.append(r.path);
    }
    return paths;
}

Headers bearer(const QByteArray &token) { return {{"Authorization", "Bearer " + token}}; }

} // namespace

class TestRoutes : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QProcess m_service;
    quint16 m_port = 0;

    // One connection per request: a stream or a 4xx may close it.
    HttpTestClient::Response send(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                                  const Headers &headers = {})
    {
        HttpTestClient client("127.0.0.1", m_port);
        return client.request(method, path, body, headers);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString tokenFile = m_dir.filePath(QStringLiteral("token"));
        QFile file(tokenFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(kToken) + '\n');
        file.close();
        m_port = startHeadless(m_service, {QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--enable-faults"),
                                           QStringLiteral("--token-file"), tokenFile, QStringLiteral("--audit-file"), QString()});
        if (m_port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(m_service.readAllStandardError().constData());
    }

    void cleanupTestCase()
    {
        m_service.terminate();
        if (!m_service.waitForFinished(10000))
            m_service.kill();
    }

    void a_wrong_method_gets_405_naming_every_allowed_method_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("allow");
        QTest::addColumn<QString>("message");
        for (const QByteArray &path : distinctPaths()) {
            const QByteArrayList methods = methodsOn(path);
            const QByteArray allow = methods.join(", ");
            // "/v1/query accepts POST only", "/v1/faults accepts GET and POST only"
            const QByteArray spoken = methods.size() == 1 ? methods.first() : methods.mid(0, methods.size() - 1).join(", ") + " and " + methods.last();
            const QString message = QString::fromLatin1(path + " accepts " + spoken + " only");
            for (const QByteArray method : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
                if (methods.contains(method))
                    continue;
                QTest::addRow("%s on %s is 405 and allows %s", method.constData(), path.constData(), allow.constData())
                    << method << path << allow << message;
            }
        }
    }
    void a_wrong_method_gets_405_naming_every_allowed_method()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, allow);
        QFETCH(QString, message);
        // No token: the method is judged before the token.
        const auto r = send(method, path);
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("Allow"), allow);
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        QCOMPARE(r.json().value(QStringLiteral("code")).toInt(), 405);
        QCOMPARE(r.json().value(QStringLiteral("message")).toString(), message);
    }

    void a_token_route_refuses_a_missing_or_wrong_token_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<int>("status");
        for (const ExpectedRoute &r : kRoutes) {
            if (!r.needsToken)
                continue;
            QTest::addRow("%s %s without a token is 401", r.method, r.path) << QByteArray(r.method) << QByteArray(r.path) << Headers{} << 401;
            QTest::addRow("%s %s with a Basic header is 401", r.method, r.path)
                << QByteArray(r.method) << QByteArray(r.path) << Headers{{"Authorization", QByteArray("Basic ") + kToken}} << 401;
            QTest::addRow("%s %s with a wrong token is 403", r.method, r.path)
                << QByteArray(r.method) << QByteArray(r.path) << bearer("wrong") << 403;
            QTest::addRow("%s %s with the token and more is 403", r.method, r.path)
                << QByteArray(r.method) << QByteArray(r.path) << bearer(QByteArray(kToken) + "x") << 403;
        }
    }
    void a_token_route_refuses_a_missing_or_wrong_token()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(Headers, headers);
        QFETCH(int, status);
        const auto r = send(method, path, {}, headers);
        QCOMPARE(r.status, status);
        QCOMPARE(r.json().value(QStringLiteral("code")).toInt(), status);
        if (status == 401) {
            QCOMPARE(r.header("WWW-Authenticate"), QByteArray("Bearer"));
            QCOMPARE(r.json().value(QStringLiteral("message")).toString(),
                     QStringLiteral("this endpoint changes the service: send Authorization: Bearer <token>"));
        } else {
            QCOMPARE(r.json().value(QStringLiteral("message")).toString(),
                     QStringLiteral("the bearer token is not valid for this service"));
        }
    }

    void a_route_answers_from_its_handler_when_let_through_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<int>("status");
        for (const ExpectedRoute &r : kRoutes) {
            if (!r.probeBody)
                continue;
            if (r.needsToken)
                QTest::addRow("%s %s with the token reaches its handler", r.method, r.path)
                    << QByteArray(r.method) << QByteArray(r.path) << QByteArray(r.probeBody) << bearer(kToken) << r.probeStatus;
            else
                QTest::addRow("%s %s answers without a token", r.method, r.path)
                    << QByteArray(r.method) << QByteArray(r.path) << QByteArray(r.probeBody) << Headers{} << r.probeStatus;
        }
    }
    void a_route_answers_from_its_handler_when_let_through()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(Headers, headers);
        QFETCH(int, status);
        const auto r = send(method, path, body, headers);
        QVERIFY2(r.status == status, qPrintable(QStringLiteral("%1: %2").arg(r.status).arg(QString::fromUtf8(r.body))));
    }

    void an_unknown_path_gets_404_with_a_json_error_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("a path of a later API version is unknown") << QByteArray("GET") << QByteArray("/v2/nothing");
        QTest::newRow("the root is unknown") << QByteArray("GET") << QByteArray("/");
        QTest::newRow("a prefix of routes is unknown") << QByteArray("GET") << QByteArray("/v1/service");
        QTest::newRow("a trailing slash makes another path") << QByteArray("POST") << QByteArray("/v1/query/");
        QTest::newRow("paths are case sensitive") << QByteArray("GET") << QByteArray("/V1/SERVICE/STATUS");
        QTest::newRow("a near miss of a token route is 404, not 401") << QByteArray("POST") << QByteArray("/v1/service/stopp");
        QTest::newRow("an unknown method on an unknown path is 404") << QByteArray("DELETE") << QByteArray("/v1/everything");
    }
    void an_unknown_path_gets_404_with_a_json_error()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        const auto r = send(method, path);
        QCOMPARE(r.status, 404);
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        QCOMPARE(r.json().value(QStringLiteral("code")).toInt(), 404);
        QCOMPARE(r.json().value(QStringLiteral("message")).toString(), QStringLiteral("no such path: ") + QString::fromLatin1(path));
    }

    void a_long_path_gets_a_short_404_and_a_huge_one_a_short_414()
    {
        const auto huge = send("GET", "/v1/" + QByteArray(1024 * 1024, 'a'));
        QCOMPARE(huge.status, 414); // refused by the request-line limit, before routing
        QVERIFY2(huge.body.size() < 512, QByteArray::number(huge.body.size()).constData());
        const QByteArray path = "/v1/" + QByteArray(7 * 1024, 'a'); // within the limit: routed, not found
        const auto r = send("GET", path);
        QCOMPARE(r.status, 404);
        QVERIFY2(r.body.size() < 512, QByteArray::number(r.body.size()).constData());
        const QString message = r.json().value(QStringLiteral("message")).toString();
        QVERIFY2(message.startsWith(QStringLiteral("no such path: /v1/aaaa")), qPrintable(message.left(100)));
        QVERIFY2(message.endsWith(QChar(0x2026)), qPrintable(message));
        // And the service still answers.
        QCOMPARE(send("POST", "/v1/query", R"({"procedure":"echo"})").status, 200);
    }
};

QTEST_GUILESS_MAIN(TestRoutes)
#include "tst_routes.moc"
