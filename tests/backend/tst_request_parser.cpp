// RequestParser: what it accepts, what it refuses and with which status, and that the
// way bytes arrive (all at once, one by one) never changes the outcome.
#include "backend/http/RequestParser.h"

#include <QTest>

using namespace shardscope;

namespace {

struct Outcome {
    QList<HttpRequest> requests;
    int errorStatus = 0; // 0: no error
};

Outcome parseIn(const QByteArray &bytes, qsizetype step)
{
    RequestParser parser;
    Outcome out;
    for (qsizetype i = 0; i < bytes.size() && !out.errorStatus; i += step) {
        parser.feed(bytes.constData() + i, std::min(step, bytes.size() - i));
        for (;;) {
            const auto status = parser.next();
            if (status == RequestParser::Status::Request) {
                out.requests << parser.take();
                continue;
            }
            if (status == RequestParser::Status::Error)
                out.errorStatus = parser.error().status;
            break;
        }
    }
    return out;
}

} // namespace

class TestRequestParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void outcomes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("requests");
        QTest::addColumn<int>("error");
        const QByteArray ok = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";
        QTest::newRow("plain") << ok << 1 << 0;
        QTest::newRow("pipelined") << ok + ok + ok << 3 << 0;
        QTest::newRow("leading blank line") << "\r\n" + ok << 1 << 0;
        QTest::newRow("only line ends") << QByteArray(16, '\n') << 0 << 400; // found by fuzz_http_edge
        QTest::newRow("bare LF lines") << QByteArray("GET /a HTTP/1.1\nHost: t\n\n") << 1 << 0;
        QTest::newRow("body") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}") + ok << 2 << 0;
        QTest::newRow("same length twice") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}") << 1 << 0;
        QTest::newRow("chunked") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: 1\r\n\r\n") << 1 << 0;
        QTest::newRow("http/1.0 without host") << QByteArray("GET / HTTP/1.0\r\n\r\n") << 1 << 0;
        QTest::newRow("absolute form") << QByteArray("GET http://h:1/v1/x?y=1 HTTP/1.1\r\nHost: h\r\n\r\n") << 1 << 0;
        QTest::newRow("huge length") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999\r\n\r\n") << 0 << 400;
        QTest::newRow("negative length") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n") << 0 << 400;
        QTest::newRow("hex length") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: 0x10\r\n\r\n") << 0 << 400;
        QTest::newRow("two lengths") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") << 0 << 400;
        QTest::newRow("length and chunked") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") << 0 << 400;
        QTest::newRow("chunked twice") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") << 0 << 400;
        QTest::newRow("unknown coding") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << 0 << 501;
        QTest::newRow("bad chunk size") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 0 << 400;
        QTest::newRow("chunk overrun") << QByteArray("POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n") << 0 << 400;
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : t\r\n\r\n") << 0 << 400;
        QTest::newRow("folded") << QByteArray("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n") << 0 << 400;
        QTest::newRow("bare CR") << QByteArray("GET / HTTP/1.1\r\nHost: t\rX: 1\r\n\r\n") << 0 << 400;
        QTest::newRow("control in value") << QByteArray("GET / HTTP/1.1\r\nHost: t\x01\r\n\r\n") << 0 << 400;
        QTest::newRow("two hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 0 << 400;
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 0 << 400;
        QTest::newRow("garbage") << QByteArray("HELLO\r\n\r\n") << 0 << 400;
        QTest::newRow("double space") << QByteArray("GET  / HTTP/1.1\r\nHost: t\r\n\r\n") << 0 << 400;
        QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0\r\nHost: t\r\n\r\n") << 0 << 505;
        QTest::newRow("not a path") << QByteArray("GET x HTTP/1.1\r\nHost: t\r\n\r\n") << 0 << 400;
        QTest::newRow("te in 1.0") << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") << 0 << 400;
        QTest::newRow("expect other") << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nExpect: x\r\n\r\n") << 0 << 417;
        QTest::newRow("long target") << "GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\n\r\n" << 0 << 414;
        QTest::newRow("long non-http line") << QByteArray(9000, 'a') << 0 << 400;
        QTest::newRow("long header") << "GET / HTTP/1.1\r\nX: " + QByteArray(40000, 'a') + "\r\n\r\n" << 0 << 431;
        QTest::newRow("big body") << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1048577\r\n\r\n") << 0 << 413;
        QTest::newRow("big chunked body") << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n") << 0 << 413;
        QTest::newRow("request after error is not parsed") << QByteArray("GET / HTTP/1.1\r\n\r\n") + ok << 0 << 400;
    }

    void outcomes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, requests);
        QFETCH(int, error);
        for (const qsizetype step : {bytes.size(), qsizetype(1), qsizetype(7)}) {
            const Outcome o = parseIn(bytes, std::max<qsizetype>(1, step));
            QCOMPARE(o.requests.size(), requests);
            QCOMPARE(o.errorStatus, error);
        }
    }

    void fields_are_parsed_as_sent()
    {
        const Outcome o = parseIn("POST /v1/service%2Frestart?since=3&x=%41 HTTP/1.1\r\nHost: t\r\n"
                                  "Authorization:  Bearer abc \r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                                  1000);
        QCOMPARE(o.requests.size(), 1);
        const HttpRequest &r = o.requests.first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/v1/service%2Frestart"));
        QCOMPARE(r.query, QByteArray("since=3&x=%41"));
        QCOMPARE(r.header("authorization"), QByteArray("Bearer abc"));
        QCOMPARE(r.body, QByteArray("{}"));
        QVERIFY(!r.keepAlive);
        const Outcome ten = parseIn("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1000);
        QVERIFY(ten.requests.first().keepAlive);
        QCOMPARE(ten.requests.first().minorVersion, 0);
    }

    void continue_is_wanted_only_before_the_body()
    {
        RequestParser p;
        const QByteArray head = "POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
        p.feed(head.constData(), head.size());
        QCOMPARE(p.next(), RequestParser::Status::NeedMore);
        QVERIFY(p.wantsContinue());
        p.continueSent();
        QVERIFY(!p.wantsContinue());
        p.feed("{}", 2);
        QCOMPARE(p.next(), RequestParser::Status::Request);
        QCOMPARE(p.take().body, QByteArray("{}"));
    }
};

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_request_parser.moc"
