// GET /v1/stream: Server-Sent Events with a snapshot each tick and every service event,
// resumable from a sequence number.
#include "tests/support/ServiceFixture.h"

#include <QTcpSocket>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

class TestStream : public QObject
{
    Q_OBJECT
private:
    static std::unique_ptr<QTcpSocket> open(quint16 port, const QByteArray &path)
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, port);
        if (!socket->waitForConnected(5000))
            return nullptr;
        socket->write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
        return socket;
    }

private Q_SLOTS:
    void the_stream_carries_snapshots_and_the_events_of_a_restart()
    {
        ServiceFixture f(ServiceFixture::smallConfig(3));
        QVERIFY(f.ok());
        auto socket = open(f.port(), "/v1/stream");
        QVERIFY(socket);
        QByteArray received;
        connect(socket.get(), &QTcpSocket::readyRead, this, [&] { received += socket->readAll(); });
        QTRY_VERIFY_WITH_TIMEOUT(received.contains("event: snapshot\ndata: {"), 5000);
        QVERIFY(received.startsWith("HTTP/1.1 200"));
        QVERIFY(received.contains("Content-Type: text/event-stream"));
        QCOMPARE(f.client()->post("/v1/service/restart").status, 202);
        QTRY_VERIFY_WITH_TIMEOUT(received.contains("\"kind\":\"restart_finished\""), 10000);
        QVERIFY(received.contains("\"kind\":\"phase_started\""));
        QVERIFY(received.contains("\"state\":\"draining\""));
    }

    void a_stream_resumes_after_a_sequence_number_without_snapshots()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        const std::uint64_t last = f.service().events().lastSeq();
        auto socket = open(f.port(), "/v1/stream?since=" + QByteArray::number(qulonglong(last - 1)) + "&snapshots=0");
        QVERIFY(socket);
        QByteArray received;
        connect(socket.get(), &QTcpSocket::readyRead, this, [&] { received += socket->readAll(); });
        const QByteArray wanted = QByteArray("id: ") + QByteArray::number(qulonglong(last)) + '\n';
        const QByteArray skipped = QByteArray("id: ") + QByteArray::number(qulonglong(last - 1)) + '\n';
        QTRY_VERIFY_WITH_TIMEOUT(received.contains(wanted), 5000);
        QVERIFY(!received.contains(skipped));
        QVERIFY(!received.contains("event: snapshot"));
    }

    void a_client_that_goes_away_is_dropped_and_the_service_keeps_answering()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        for (int i = 0; i < 20; ++i) {
            auto socket = open(f.port(), "/v1/stream");
            QVERIFY(socket);
            socket->waitForReadyRead(2000);
            socket->abort();
        }
        QCOMPARE(f.client()->post("/v1/query", R"({"procedure":"echo"})").status, 200);
        QCOMPARE(f.client()->get("/v1/stream?since=x").status, 400);
    }
};

QTEST_GUILESS_MAIN(TestStream)
#include "tst_stream.moc"
