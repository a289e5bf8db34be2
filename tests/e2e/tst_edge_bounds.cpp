// The real headless binary under hostile clients (issue 22): chunked framing, stream
// subscribers that never read and refusal floods each cost bounded memory or file size,
// the audit keeps its ids and open operations however long its file, and request targets
// and the request line's limit are read exactly.
#include "tests/support/HeadlessProcess.h"
#include "tests/support/JsonLines.h"
#include "tests/support/HttpTestClient.h"
#include "tests/support/RawHttp.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>

#include <memory>
#include <vector>

using namespace shardscope::test;

namespace {

// Peak resident memory of a process in KiB (VmHWM), 0 if unreadable.
qint64 peakKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

// One sample of a Prometheus text, the first line that starts with `series`.
double metric(const QByteArray &text, const QByteArray &series)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(QByteArray(series + ' ')))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

QByteArray chunkedHead(const QByteArray &path = "/v1/query")
{
    return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
}

struct Headless {
    QProcess process;
    quint16 port = 0;
    explicit Headless(const QStringList &args) { port = startHeadless(process, args); }
    ~Headless()
    {
        process.kill();
        process.waitForFinished(5000);
    }
    qint64 peak() const { return peakKiB(process.processId()); }
};

// Sanitizers hold freed memory in quarantine and add shadow memory: a bound on peak RSS
// holds in the plain build, which CI also runs; sanitized builds check the rest.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

QStringList noAudit(QStringList args)
{
    return args << QStringLiteral("--audit-file") << QString();
}

// Sends `request` on a new connection; the status of the first reply (0: none in time).
int statusOf(quint16 port, const QByteArray &request)
{
    RawConnection c(port);
    if (!c.send(request))
        return 0;
    const auto r = c.read(5000);
    return r ? r->status : 0;
}

int refusalCount(const QList<QJsonObject> &entries)
{
    int n = 0;
    for (const QJsonObject &e : entries)
        n += e.contains(QStringLiteral("http_status")) ? e.value(QStringLiteral("count")).toInt() : 0;
    return n;
}

QList<QJsonObject> objects(const QJsonArray &array)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : array)
        out << v.toObject();
    return out;
}

} // namespace

class TestEdgeBounds : public QObject
{
    Q_OBJECT
    std::unique_ptr<Headless> m_shared; // for the table-driven cases

    Headless *shared()
    {
        if (!m_shared)
            m_shared = std::make_unique<Headless>(noAudit({QStringLiteral("--shards"), QStringLiteral("2")}));
        return m_shared.get();
    }

private Q_SLOTS:
    void cleanupTestCase() { m_shared.reset(); }

    // Issue 22 item 4: 1-byte chunks with 1,000-byte extensions grew the service by a GB.
    void chunk_framing_is_counted_against_a_limit_and_never_held()
    {
        Headless s(noAudit({QStringLiteral("--shards"), QStringLiteral("2")}));
        QVERIFY(s.port);
        const qint64 before = s.peak();
        QVERIFY(before > 0);

        QByteArray piece = "1;ext=" + QByteArray(1000, 'a') + "\r\nx\r\n";
        QByteArray block;
        while (block.size() < 1024 * 1024)
            block += piece;
        RawConnection c(s.port);
        QVERIFY(c.send(chunkedHead()));
        // Up to 64 MiB of framing; the service answers and stops reading long before.
        qint64 sent = 0;
        QDeadlineTimer deadline(20000);
        const auto answered = [&] {
            char byte;
            return ::recv(c.fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
        };
        while (sent < 64 * 1024 * 1024 && !deadline.hasExpired() && !answered() && c.send(block, 2000))
            sent += block.size();
        const auto reply = c.read(5000);
        QVERIFY2(reply, qPrintable(QStringLiteral("no reply after %1 bytes of chunk framing").arg(sent)));
        QCOMPARE(reply->status, 413);
        const qint64 grownKiB = s.peak() - before;
        qInfo("sent %lld bytes of framing; peak RSS grew by %lld KiB", sent, grownKiB);
        QVERIFY2(kSanitized || grownKiB < 16 * 1024, qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(grownKiB)));
    }

    void chunk_lines_and_trailers_are_as_strict_as_header_lines_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        const QByteArray json = R"({"procedure":"echo"})";
        const QByteArray size = QByteArray::number(json.size(), 16);
        QTest::newRow("extensions and a trailer are read") << size + ";a=b;q=\"x y\"\r\n" + json + "\r\n0\r\nX-Check: 1\r\n\r\n" << 200;
        QTest::newRow("white space before the size") << "   " + size + "\r\n" + json + "\r\n0\r\n\r\n" << 400;
        QTest::newRow("white space after the size") << size + "  \r\n" + json + "\r\n0\r\n\r\n" << 400;
        QTest::newRow("bare LF after the size") << size + "\n" + json + "\r\n0\r\n\r\n" << 400;
        QTest::newRow("bare CR in an extension") << size + ";a=\rb\r\n" + json + "\r\n0\r\n\r\n" << 400;
        QTest::newRow("NUL in an extension") << size + ";a=" + QByteArray(1, '\0') + "\r\n" + json + "\r\n0\r\n\r\n" << 400;
        QTest::newRow("bare LF after the data") << size + "\r\n" + json + "\n0\r\n\r\n" << 400;
        QTest::newRow("NUL in a trailer") << size + "\r\n" + json + "\r\n0\r\nX-A: " + QByteArray(1, '\0') + "\r\n\r\n" << 400;
        QTest::newRow("a trailer name with a space") << size + "\r\n" + json + "\r\n0\r\nBad Name: 1\r\n\r\n" << 400;
        QTest::newRow("a folded trailer") << size + "\r\n" + json + "\r\n0\r\nX-A: 1\r\n  more\r\n\r\n" << 400;
        QTest::newRow("a trailer ended by a bare LF") << size + "\r\n" + json + "\r\n0\r\nX-A: 1\n\r\n" << 400;
    }
    void chunk_lines_and_trailers_are_as_strict_as_header_lines()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        Headless *s = shared();
        QVERIFY(s->port);
        QCOMPARE(statusOf(s->port, chunkedHead() + body), status);
    }

    // Issue 22 item 5: 500 subscribers that never read drove a 1024-shard service to 845 MB.
    void stream_subscribers_that_never_read_are_bounded_in_total_and_the_slowest_go_first()
    {
        Headless s(noAudit({QStringLiteral("--shards"), QStringLiteral("1024")}));
        QVERIFY(s.port);
        HttpTestClient admin("127.0.0.1", s.port);
        QCOMPARE(admin.get("/v1/service/ready").status, 200);
        const qint64 before = s.peak();

        const QByteArray subscribe = "GET /v1/stream HTTP/1.1\r\nHost: t\r\n\r\n";
        RawConnection reader(s.port);
        QVERIFY(reader.send(subscribe));
        qint64 readBytes = 0;
        const auto drainReader = [&] {
            char sink[65536];
            for (;;) {
                const auto n = ::recv(reader.fd(), sink, sizeof(sink), MSG_DONTWAIT);
                if (n <= 0)
                    return;
                readBytes += n;
            }
        };
        QVERIFY(QTest::qWaitFor([&] {
            drainReader();
            return readBytes > 0;
        }, 5000));
        // The reader keeps reading; the others never do. Wait until the service has cut
        // every stalled subscriber and kept the reader.
        std::vector<std::unique_ptr<RawConnection>> stalled;
        for (int i = 0; i < 60; ++i) {
            stalled.push_back(std::make_unique<RawConnection>(s.port, 4096));
            QVERIFY(stalled.back()->send(subscribe));
            drainReader();
        }
        QByteArray metrics;
        const bool settled = QTest::qWaitFor([&] {
            drainReader();
            metrics = admin.get("/metrics").body;
            drainReader();
            return metric(metrics, "shardscope_stream_subscribers") == 1;
        }, 40000);
        QVERIFY2(settled, metrics.constData());
        const qint64 grownKiB = s.peak() - before;
        const double cutTotal = metric(metrics, "shardscope_stream_subscribers_cut_total{reason=\"total\"}");
        const double cutOwn = metric(metrics, "shardscope_stream_subscribers_cut_total{reason=\"subscriber\"}");
        qInfo("peak RSS grew by %lld KiB; cut: %g over the total, %g over their own limit; the reader read %lld bytes",
              grownKiB, cutTotal, cutOwn, readBytes);
        QVERIFY2(cutTotal >= 1, metrics.constData());
        QCOMPARE(cutTotal + cutOwn, 60.0);
        QVERIFY2(kSanitized || grownKiB < 160 * 1024, qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(grownKiB)));
        // The reader still gets frames.
        const qint64 had = readBytes;
        QVERIFY(QTest::qWaitFor([&] {
            drainReader();
            return readBytes > had;
        }, 5000));
    }

    // Issue 22 item 6: 401s filled the audit file and pushed the real entries out.
    void a_flood_of_refusals_is_counted_not_written_line_by_line()
    {
        QTemporaryDir dir;
        const QString audit = dir.filePath(QStringLiteral("audit.jsonl"));
        const QString tokenPath = dir.filePath(QStringLiteral("token"));
        QFile token(tokenPath);
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        token.write("flood-test-token\n");
        token.close();
        QProcess process;
        const quint16 port = startHeadless(process, {QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--audit-file"),
                                                     audit, QStringLiteral("--token-file"), tokenPath});
        if (port == 0)
            QFAIL(process.readAllStandardError().constData());
        HttpTestClient c("127.0.0.1", port);
        QCOMPARE(c.request("POST", "/v1/service/restart", {}, {{"Authorization", "Bearer flood-test-token"}}).status, 202);
        QVERIFY(QTest::qWaitFor([&] { return jsonLines(audit).size() == 2; }, 10000)); // started, completed
        const qint64 sizeBefore = QFileInfo(audit).size();

        constexpr int kFlood = 3000;
        for (int i = 0; i < kFlood; ++i)
            QCOMPARE(c.post("/v1/service/restart").status, 401);
        const qint64 grown = QFileInfo(audit).size() - sizeBefore;
        qInfo("%d refusals added %lld bytes to the audit file", kFlood, grown);
        QVERIFY2(grown < 4096, qPrintable(QStringLiteral("the audit file grew by %1 bytes").arg(grown)));
        const QList<QJsonObject> entries = objects(c.get("/v1/service/audit").json().value(QStringLiteral("entries")).toArray());
        QCOMPARE(refusalCount(entries), kFlood);
        const bool restartKept = std::any_of(entries.begin(), entries.end(), [](const QJsonObject &e) {
            return e.value(QStringLiteral("outcome")).toString() == QLatin1String("completed");
        });
        QVERIFY2(restartKept, "the refusals pushed the completed restart out of /v1/service/audit");

        // No other write comes: the count still reaches the file about a second after its
        // window (5 s), so a kill -9 from then on loses none of it; a stop writes nothing twice.
        QTRY_COMPARE_WITH_TIMEOUT(refusalCount(jsonLines(audit)), kFlood, 5000 + 5000);
        process.terminate();
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(refusalCount(jsonLines(audit)), kFlood);
    }

    // Issue 22 item 6: past 4 MiB of other lines, a restarted process reused id 1 and never
    // marked the operation a kill -9 had cut as interrupted.
    void ids_and_open_operations_are_found_however_long_the_file()
    {
        QTemporaryDir dir;
        const QString audit = dir.filePath(QStringLiteral("audit.jsonl"));
        QFile file(audit);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"time":"2026-01-01T00:00:00.000Z","command":"restart","client":"127.0.0.1:1","operation_id":41,)"
                   R"("settings":{},"outcome":"started"})" "\n");
        const QByteArray refusal = R"({"time":"2026-01-01T00:00:01.000Z","command":"restart","client":"127.0.0.1:2",)"
                                   R"("outcome":"refused","refusal":"unauthorized","http_status":401,"message":"a bearer token is required"})" "\n";
        for (qint64 written = 0; written < 6 * 1024 * 1024; written += refusal.size())
            file.write(refusal);
        file.close();

        Headless s({QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--audit-file"), audit});
        QVERIFY(s.port);
        HttpTestClient c("127.0.0.1", s.port);
        const QList<QJsonObject> entries = objects(c.get("/v1/service/audit").json().value(QStringLiteral("entries")).toArray());
        const bool interrupted = std::any_of(entries.begin(), entries.end(), [](const QJsonObject &e) {
            return e.value(QStringLiteral("operation_id")).toInt() == 41
                && e.value(QStringLiteral("outcome")).toString() == QLatin1String("interrupted");
        });
        QVERIFY2(interrupted, "operation 41, started and never finished, is not marked interrupted");
        const auto next = c.post("/v1/service/restart");
        QCOMPARE(next.status, 202);
        QCOMPARE(next.json().value(QStringLiteral("restart_id")).toInt(), 42);
    }

    // Issue 22 item 7: an authority that ends at '?' or '#' ran a restart.
    void an_absolute_target_is_split_at_its_authority_and_a_fragment_is_refused_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::newRow("query right after the host") << QByteArray("http://x?/v1/service/restart") << 404;
        QTest::newRow("fragment right after the host") << QByteArray("http://x#/v1/service/restart") << 400;
        QTest::newRow("fragment after the path") << QByteArray("http://x/v1/service/restart#f") << 400;
        QTest::newRow("no host") << QByteArray("http:///v1/service/restart") << 400;
        QTest::newRow("origin form with a fragment") << QByteArray("/v1/service/restart#f") << 400;
    }
    void an_absolute_target_is_split_at_its_authority_and_a_fragment_is_refused()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        Headless *s = shared();
        QVERIFY(s->port);
        QCOMPARE(statusOf(s->port, "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), status);
        HttpTestClient c("127.0.0.1", s->port);
        QCOMPARE(c.get("/v1/service/status").json().value(QStringLiteral("version")).toInt(), 1); // never restarted
    }

    // The limit is 8,192 bytes of method, target and version with their spaces; the CR LF
    // that ends the line is not counted.
    void the_request_line_limit_is_exact_data()
    {
        QTest::addColumn<int>("length");
        QTest::addColumn<int>("status");
        QTest::newRow("limit - 1") << 8191 << 404;
        QTest::newRow("limit") << 8192 << 404;
        QTest::newRow("limit + 1") << 8193 << 414;
    }
    void the_request_line_limit_is_exact()
    {
        QFETCH(int, length);
        QFETCH(int, status);
        Headless *s = shared();
        QVERIFY(s->port);
        const QByteArray fixed = "GET / HTTP/1.1";
        const QByteArray line = "GET /" + QByteArray(length - fixed.size(), 'a') + " HTTP/1.1";
        QCOMPARE(line.size(), length);
        QCOMPARE(statusOf(s->port, line + "\r\nHost: t\r\n\r\n"), status);
        // Sent in two parts split just before the LF, the outcome is the same.
        RawConnection c(s->port);
        QVERIFY(c.send(line + "\r"));
        QVERIFY(c.send("\nHost: t\r\n\r\n"));
        const auto r = c.read(5000);
        QVERIFY(r);
        QCOMPARE(r->status, status);
    }
};

QTEST_GUILESS_MAIN(TestEdgeBounds)
#include "tst_edge_bounds.moc"
