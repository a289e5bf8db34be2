// Slow, half-open and too many clients cannot hold the service: it keeps answering
// others, and closes connections that idle or trickle a request past its limits.
#include "tests/support/ServiceFixture.h"

#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace shardscope;
using namespace shardscope::test;

namespace {

ConnectionGuard::Limits tightLimits()
{
    ConnectionGuard::Limits l;
    l.idle = std::chrono::milliseconds(400);
    l.request = std::chrono::milliseconds(400);
    l.maxConnections = 64;
    return l;
}

std::unique_ptr<QTcpSocket> connectTo(quint16 port)
{
    auto s = std::make_unique<QTcpSocket>();
    s->connectToHost(QHostAddress::LocalHost, port);
    return s->waitForConnected(5000) ? std::move(s) : nullptr;
}

} // namespace

class TestSlowClients : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void half_open_and_trickling_clients_do_not_hold_the_service_and_are_closed()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2), {}, tightLimits());
        QVERIFY(f.ok());
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        std::vector<std::unique_ptr<QTcpSocket>> partial;
        for (int i = 0; i < 20; ++i) {
            idle.push_back(connectTo(f.port()));
            partial.push_back(connectTo(f.port()));
            QVERIFY(idle.back() && partial.back());
            partial.back()->write("POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"proce");
            partial.back()->flush();
        }
        // Others are served while those hang on.
        auto client = f.client(2000);
        QCOMPARE(client->post("/v1/query", R"({"procedure":"echo"})").status, 200);

        auto trickle = connectTo(f.port());
        QVERIFY(trickle);
        QTimer drip;
        const QByteArray request = "GET /v1/service/status HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        qsizetype sent = 0;
        connect(&drip, &QTimer::timeout, this, [&] {
            trickle->write(sent < request.size() ? request.mid(sent++, 1) : QByteArray("a"));
        });
        drip.start(50); // a byte every 50 ms: never idle, never finished

        auto closed = [](const std::vector<std::unique_ptr<QTcpSocket>> &sockets) {
            for (const auto &s : sockets) {
                if (s->state() != QAbstractSocket::UnconnectedState)
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(closed(idle), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(closed(partial), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(trickle->state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(f.client()->post("/v1/query", R"({"procedure":"echo"})").status, 200);
    }

    void a_client_waiting_for_a_long_query_is_not_cut()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2), {}, tightLimits());
        QVERIFY(f.ok());
        auto client = f.client(10000);
        const auto r = client->post("/v1/query", R"({"procedure":"sleep","args":{"ms":1200}})");
        QCOMPARE(r.status, 200); // three times the idle limit, yet answered
    }

    void connections_beyond_the_cap_are_refused_and_the_service_recovers()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2), {}, tightLimits());
        QVERIFY(f.ok());
        std::vector<std::unique_ptr<QTcpSocket>> crowd;
        for (int i = 0; i < 80; ++i) {
            crowd.push_back(connectTo(f.port()));
            QVERIFY(crowd.back());
        }
        // The ones over the cap are closed by the service at once.
        QTRY_VERIFY_WITH_TIMEOUT(std::count_if(crowd.begin(), crowd.end(), [](const auto &s) {
            return s->state() == QAbstractSocket::UnconnectedState;
        }) >= 16, 5000);
        crowd.clear();
        QTRY_COMPARE_WITH_TIMEOUT(f.client(2000)->post("/v1/query", R"({"procedure":"echo"})").status, 200, 5000);
    }
};

QTEST_GUILESS_MAIN(TestSlowClients)
#include "tst_slow_clients.moc"
