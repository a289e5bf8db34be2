// The HTTP edge under abuse (RFC 9112 framing, limits, pipelining, connection caps),
// over real sockets. Each case is something a careless or hostile client did.
#include "tests/support/RawHttp.h"
#include "tests/support/ServiceFixture.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>
#include <vector>

using namespace shardscope;
using namespace shardscope::test;

namespace {

QByteArray post(const QByteArray &path, const QByteArray &body, const QByteArray &extra = {})
{
    return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" + extra
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray get(const QByteArray &path, const QByteArray &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// Sends `request`, expects `status` and the server closing the connection.
void expectRefusedAndClosed(quint16 port, const QByteArray &request, int status)
{
    RawConnection c(port);
    QVERIFY(c.connected());
    QVERIFY(c.send(request));
    const auto r = c.read();
    QVERIFY2(r, request.left(80).constData());
    QCOMPARE(r->status, status);
    QCOMPARE(r->header("connection"), QByteArray("close"));
    QVERIFY(!json(*r).value(QStringLiteral("message")).toString().isEmpty());
    QVERIFY2(c.waitClosed(3000), "the connection stays open after a framing error");
    QVERIFY2(c.pending().isEmpty(), "a second response followed the error: the body was read as a request");
}

ConnectionGuard::Limits smallCaps()
{
    ConnectionGuard::Limits l;
    l.maxConnections = 64;
    l.maxPerAddress = 48;
    return l;
}

} // namespace

class TestHttpEdge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pipelined_replies_come_back_in_request_order()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        RawConnection c(f.port());
        QVERIFY(c.send(post("/v1/query", R"({"procedure":"sleep","args":{"ms":400}})")
                       + post("/v1/query", R"({"procedure":"echo","args":{"n":2}})")
                       + get("/v1/service/ready")));
        const auto first = c.read(), second = c.read(), third = c.read();
        QVERIFY(first && second && third);
        QCOMPARE(json(*first).value(QStringLiteral("result")).toObject().value(QStringLiteral("slept_ms")).toInt(), 400);
        QCOMPARE(json(*second).value(QStringLiteral("result")).toObject().value(QStringLiteral("n")).toInt(), 2);
        QVERIFY(json(*third).contains(QStringLiteral("ready")));
    }

    void a_client_that_never_reads_cannot_grow_the_service()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        RawConnection greedy(f.port(), 4096);
        QVERIFY(greedy.connected());
        QByteArray burst;
        for (int i = 0; i < 2000; ++i)
            burst += get("/metrics");
        const qint64 before = residentKiB();
        qint64 sent = 0;
        QDeadlineTimer deadline(3000);
        // Bounded: 3 s or 400 MB offered, whichever comes first.
        while (!deadline.hasExpired() && sent < 400LL * 1024 * 1024) {
            const qint64 n = greedy.sendSome(burst);
            if (n < 0)
                break;
            sent += n;
            if (n == 0)
                QTest::qWait(10); // the kernel's buffers are full: TCP holds the client back
        }
        const qint64 grownKiB = residentKiB() - before;
        qInfo("offered %lld KiB of pipelined GET /metrics; service grew %lld KiB", sent / 1024, grownKiB);
        QVERIFY2(grownKiB < 64 * 1024, "a non-reading client made the service buffer its replies");
        QCOMPARE(f.client(3000)->get("/v1/service/status").status, 200); // others are still served
    }

    void a_body_is_refused_by_its_declared_length_before_it_is_read()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        RawConnection c(f.port());
        QVERIFY(c.send("POST /v1/query HTTP/1.1\r\nHost: t\r\nContent-Length: 300000000\r\n\r\n{"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QVERIFY(c.waitClosed(3000));
    }

    void header_and_request_line_limits()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        expectRefusedAndClosed(f.port(), get("/v1/service/status", "X-Big: " + QByteArray(64 * 1024, 'a') + "\r\n"), 431);
        QByteArray many;
        for (int i = 0; i < 200; ++i)
            many += "X-" + QByteArray::number(i) + ": 1\r\n";
        expectRefusedAndClosed(f.port(), get("/v1/service/status", many), 431);
        RawConnection c(f.port());
        QVERIFY(c.send(get("/" + QByteArray(1024 * 1024, 'p'))));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 414);
        QVERIFY2(r->body.size() < 1024, "the long path was echoed back");
    }

    void framing_that_could_smuggle_a_request_is_refused()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        const QByteArray smuggled = get("/v1/service/status");
        for (const QByteArray &length : {QByteArray("99999999999999999999"), QByteArray("-1"), QByteArray("0x10"),
                                        QByteArray("1 2"), QByteArray("+5")}) {
            expectRefusedAndClosed(f.port(),
                                   "POST /v1/query HTTP/1.1\r\nHost: t\r\nContent-Length: " + length + "\r\n\r\n" + smuggled,
                                   400);
        }
        expectRefusedAndClosed(f.port(), "POST /v1/query HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}" + smuggled, 400);
        expectRefusedAndClosed(f.port(), "POST /v1/query HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, 400);
        expectRefusedAndClosed(f.port(), "POST /v1/query HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled, 501);
        expectRefusedAndClosed(f.port(), "GET /v1/service/status HTTP/1.1\r\nHost : t\r\n\r\n", 400);
        expectRefusedAndClosed(f.port(), "GET /v1/service/status HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n folded\r\n\r\n", 400);
        expectRefusedAndClosed(f.port(), "HELLO THERE\r\n\r\n", 400);
        expectRefusedAndClosed(f.port(), "GET /v1/service/status HTTP/2.0\r\nHost: t\r\n\r\n", 505);
        expectRefusedAndClosed(f.port(), "GET /v1/service/status HTTP/1.1\r\n\r\n", 400); // no Host
    }

    void a_chunked_body_is_read_and_bounded()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        RawConnection c(f.port());
        QVERIFY(c.send("POST /v1/query HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "a\r\n{\"procedur\r\n14;ext=1\r\ne\":\"echo\",\"args\":{}}\r\n0\r\n\r\n"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        expectRefusedAndClosed(f.port(), "POST /v1/query HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n", 413);
    }

    void connection_close_and_http10_close_after_the_reply()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        {
            RawConnection c(f.port());
            QVERIFY(c.send(get("/v1/service/ready", "Connection: close\r\n")));
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->header("connection"), QByteArray("close"));
            QVERIFY2(c.waitClosed(2000), "Connection: close left the connection open");
        }
        {
            RawConnection c(f.port());
            QVERIFY(c.send("GET /v1/service/ready HTTP/1.0\r\n\r\n"));
            QVERIFY(c.read());
            QVERIFY2(c.waitClosed(2000), "an HTTP/1.0 request without keep-alive left the connection open");
        }
        {
            RawConnection c(f.port());
            QVERIFY(c.send("GET /v1/service/ready HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->header("connection"), QByteArray("keep-alive"));
            QVERIFY(c.send("GET /v1/service/ready HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
            QVERIFY(c.read());
        }
    }

    void a_half_closed_client_still_gets_its_replies()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        RawConnection c(f.port());
        QVERIFY(c.send(post("/v1/query", R"({"procedure":"sleep","args":{"ms":300}})") + get("/v1/service/ready")));
        c.shutdownWrite();
        const auto first = c.read(), second = c.read();
        QVERIFY2(first && second, "the replies were dropped when the client half-closed");
        QCOMPARE(first->status, 200);
        QCOMPARE(second->status, 200);
        QVERIFY(c.waitClosed(2000)); // then the service closes its side
    }

    void head_answers_like_get_without_a_body()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        RawConnection c(f.port());
        QVERIFY(c.send("HEAD /v1/service/status HTTP/1.1\r\nHost: t\r\n\r\n" + get("/v1/service/ready")));
        const auto head = c.read(5000, true);
        QVERIFY(head);
        QCOMPARE(head->status, 200);
        QVERIFY(head->header("content-length").toInt() > 0);
        const auto next = c.read();
        QVERIFY2(next && next->status == 200, "bytes of HEAD's body were sent");
        QVERIFY(json(*next).contains(QStringLiteral("ready")));
        QVERIFY(c.send("DELETE /v1/service/status HTTP/1.1\r\nHost: t\r\n\r\n"));
        const auto refused = c.read();
        QVERIFY(refused);
        QCOMPARE(refused->status, 405);
        QCOMPARE(refused->header("allow"), QByteArray("GET, HEAD"));
    }

    void paths_are_routed_as_sent()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        RawConnection c(f.port());
        QVERIFY(c.send(post("/v1/service%2Frestart", "{}")));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        QCOMPARE(f.service().snapshot().restartId, std::uint64_t(0)); // nothing restarted
    }

    void idle_connections_make_room_for_new_clients()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2), {}, smallCaps());
        QVERIFY(f.ok());
        std::vector<std::unique_ptr<RawConnection>> crowd;
        for (int i = 0; i < 80; ++i) {
            crowd.push_back(std::make_unique<RawConnection>(f.port()));
            QVERIFY(crowd.back()->connected());
        }
        // Past both caps, yet a new client is served at once: the longest-idle go.
        QCOMPARE(f.client(2000)->get("/v1/service/ready").status, 200);
        RawConnection late(f.port());
        QVERIFY(late.send(get("/v1/service/ready")));
        const auto r = late.read(2000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto closed = [&] {
            int n = 0;
            for (auto &c : crowd)
                n += c->waitClosed(0) ? 1 : 0;
            return n;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(closed() >= 80 - 48, "the per-address cap was not kept", 3000);
    }

    void busy_connections_are_not_evicted_and_a_new_one_gets_a_clear_503()
    {
        ConnectionGuard::Limits caps = smallCaps();
        caps.maxConnections = 4;
        ServiceFixture f(ServiceFixture::smallConfig(2), {}, caps);
        QVERIFY(f.ok());
        std::vector<std::unique_ptr<RawConnection>> busy;
        for (int i = 0; i < 4; ++i) {
            busy.push_back(std::make_unique<RawConnection>(f.port()));
            QVERIFY(busy.back()->send(post("/v1/query", R"({"procedure":"sleep","args":{"ms":1500}})")));
        }
        QTRY_COMPARE_WITH_TIMEOUT(f.service().snapshot().accepted, std::uint64_t(4), 3000);
        RawConnection late(f.port());
        const auto r = late.read(2000);
        QVERIFY(r);
        QCOMPARE(r->status, 503);
        QCOMPARE(r->header("retry-after"), QByteArray("1"));
        for (auto &c : busy) {
            const auto answered = c->read(5000);
            QVERIFY(answered && answered->status == 200);
        }
    }
};

QTEST_GUILESS_MAIN(TestHttpEdge)
#include "tst_http_edge.moc"
