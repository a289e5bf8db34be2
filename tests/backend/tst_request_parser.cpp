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
        const QByteArray te = "POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        QTest::newRow("chunk extensions") << te + "2;a=b ; c ;d=\"x \\\" y\"\r\n{}\r\n0;e\r\n\r\n" << 1 << 0;
        QTest::newRow("chunk size padded before") << te + " 2\r\n{}\r\n0\r\n\r\n" << 0 << 400;
        QTest::newRow("chunk size padded after") << te + "2 \r\n{}\r\n0\r\n\r\n" << 0 << 400;
        QTest::newRow("chunk line ended by bare LF") << te + "2\n{}\r\n0\r\n\r\n" << 0 << 400;
        QTest::newRow("bare CR in a chunk line") << te + "2;a\rb\r\n{}\r\n0\r\n\r\n" << 0 << 400;
        QTest::newRow("NUL in a chunk extension") << te + "2;a=" + QByteArray(1, '\0') + "\r\n{}\r\n0\r\n\r\n" << 0 << 400;
        QTest::newRow("chunk extension without a name") << te + "2;=b\r\n{}\r\n0\r\n\r\n" << 0 << 400;
        QTest::newRow("unclosed quoted extension") << te + "2;a=\"b\r\n{}\r\n0\r\n\r\n" << 0 << 400;
        QTest::newRow("chunk data ended by bare LF") << te + "2\r\n{}\n0\r\n\r\n" << 0 << 400;
        QTest::newRow("NUL in a trailer") << te + "0\r\nX: " + QByteArray(1, '\0') + "\r\n\r\n" << 0 << 400;
        QTest::newRow("trailer name with a space") << te + "0\r\nX Y: 1\r\n\r\n" << 0 << 400;
        QTest::newRow("trailer without a colon") << te + "0\r\nXY\r\n\r\n" << 0 << 400;
        QTest::newRow("folded trailer") << te + "0\r\nX: 1\r\n y\r\n\r\n" << 0 << 400;
        QTest::newRow("trailer ended by bare LF") << te + "0\r\nX: 1\n\r\n" << 0 << 400;
        QByteArray flood = te;
        for (int i = 0; i < 70; ++i)
            flood += "1;e=" + QByteArray(1000, 'a') + "\r\nx\r\n";
        QTest::newRow("chunk framing past its limit") << flood << 0 << 413;
        QTest::newRow("absolute form, query after the host") << QByteArray("POST http://x?/v1/service/restart HTTP/1.1\r\nHost: x\r\n\r\n") << 1 << 0;
        QTest::newRow("absolute form, fragment after the host") << QByteArray("POST http://x#/v1/service/restart HTTP/1.1\r\nHost: x\r\n\r\n") << 0 << 400;
        QTest::newRow("absolute form without a host") << QByteArray("POST http:///v1/service/restart HTTP/1.1\r\nHost: x\r\n\r\n") << 0 << 400;
        QTest::newRow("request line at the limit - 1") << "GET /" + QByteArray(8191 - 14, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n" << 1 << 0;
        QTest::newRow("request line at the limit") << "GET /" + QByteArray(8192 - 14, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n" << 1 << 0;
        QTest::newRow("request line at the limit + 1") << "GET /" + QByteArray(8193 - 14, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n" << 0 << 414;
        QTest::newRow("request line at the limit, bare LF") << "GET /" + QByteArray(8192 - 14, 'a') + " HTTP/1.1\nHost: t\n\n" << 1 << 0;
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

    void absolute_targets_end_their_authority_at_slash_or_question_mark()
    {
        const Outcome o = parseIn("GET http://x?/v1/service/restart HTTP/1.1\r\nHost: x\r\n\r\n"
                                  "GET HTTP://h:8080/v1/a?b HTTP/1.1\r\nHost: x\r\n\r\n", 1000);
        QCOMPARE(o.requests.size(), 2);
        QCOMPARE(o.requests.at(0).path, QByteArray("/"));
        QCOMPARE(o.requests.at(0).query, QByteArray("/v1/service/restart"));
        QCOMPARE(o.requests.at(1).path, QByteArray("/v1/a"));
        QCOMPARE(o.requests.at(1).query, QByteArray("b"));
    }

    void consumed_chunk_framing_is_dropped_as_it_goes()
    {
        RequestParser p;
        const QByteArray head = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        p.feed(head.constData(), head.size());
        QCOMPARE(p.next(), RequestParser::Status::NeedMore);
        QByteArray piece;
        for (int i = 0; i < 500; ++i)
            piece += "1;e=abcdefgh\r\nx\r\n"; // 19 bytes each, 18 of them framing
        qsizetype peak = 0;
        for (int round = 0; round < 6; ++round) { // 57,000 bytes in: under the framing limit
            p.feed(piece.constData(), piece.size());
            QCOMPARE(p.next(), RequestParser::Status::NeedMore);
            peak = std::max(peak, p.held());
        }
        QVERIFY2(peak < 16 * 1024 + piece.size(), qPrintable(QString::number(peak)));
        p.feed("0\r\n\r\n", 5);
        QCOMPARE(p.next(), RequestParser::Status::Request);
        QCOMPARE(p.take().body, QByteArray(3000, 'x'));
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
