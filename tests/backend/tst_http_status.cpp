// The one mapping from the core's typed answers to HTTP status codes (backend/http/
// HttpStatus), and the names refusals and outcomes carry in JSON, events and the audit.
#include "backend/http/HttpStatus.h"
#include "tests/support/TestPrinters.h"

#include <QSet>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

namespace {

struct RefusalRow {
    const char *sentence;
    Refusal refusal;
    int status;
};

// What clients have been promised; written out here so that a changed mapping fails.
constexpr RefusalRow kRefusals[] = {
    {"an accepted command answers 202 Accepted", Refusal::None, 202},
    {"a busy service answers 409 Conflict", Refusal::Busy, 409},
    {"start while running answers 409 Conflict", Refusal::AlreadyRunning, 409},
    {"a command on a stopped service answers 409 Conflict", Refusal::ServiceStopped, 409},
    {"abort with nothing to abort answers 409 Conflict", Refusal::NothingToAbort, 409},
    {"a service shutting down answers 503 Service Unavailable", Refusal::ShuttingDown, 503},
    {"a malformed command answers 400 Bad Request", Refusal::BadRequest, 400},
    {"fault drills without --enable-faults answer 404 Not Found", Refusal::FaultsDisabled, 404},
    {"a cluster command without etcd or with a lost node answers 503", Refusal::CoordinationUnavailable, 503},
    {"a cluster restart across versions more than one apart answers 409", Refusal::VersionSkew, 409},
    {"a pushed commit for a restart the node is not waiting on answers 409", Refusal::Stale, 409},
};

QString nameOf(CommandOutcome o) { return QString::fromLatin1(toString(o).data(), qsizetype(toString(o).size())); }

} // namespace

class TestHttpStatus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void each_refusal_has_its_status_data()
    {
        QTest::addColumn<Refusal>("refusal");
        QTest::addColumn<int>("status");
        for (const RefusalRow &row : kRefusals)
            QTest::newRow(row.sentence) << row.refusal << row.status;
    }
    void each_refusal_has_its_status()
    {
        QFETCH(Refusal, refusal);
        QFETCH(int, status);
        QCOMPARE(httpStatus(refusal), status);
    }

    void the_refusal_table_names_every_refusal_once()
    {
        QSet<int> seen;
        for (const RefusalRow &row : kRefusals)
            seen.insert(int(row.refusal));
        QCOMPARE(int(std::size(kRefusals)), kRefusalCount);
        QCOMPARE(seen.size(), kRefusalCount);
    }

    void each_query_status_has_its_status_data()
    {
        QTest::addColumn<QueryStatus>("queryStatus");
        QTest::addColumn<int>("status");
        QTest::newRow("an answered query is 200 OK") << QueryStatus::Ok << 200;
        QTest::newRow("wrong arguments are 400 Bad Request") << QueryStatus::BadRequest << 400;
        QTest::newRow("an unknown procedure is 404 Not Found") << QueryStatus::NotFound << 404;
        QTest::newRow("a shard that cannot serve is 503 Service Unavailable") << QueryStatus::Unavailable << 503;
        QTest::newRow("a handler that threw is 500 Internal Server Error") << QueryStatus::Internal << 500;
    }
    void each_query_status_has_its_status()
    {
        QFETCH(QueryStatus, queryStatus);
        QFETCH(int, status);
        QCOMPARE(httpStatus(queryStatus), status);
    }

    void every_refusal_name_reads_back_as_the_same_refusal()
    {
        QSet<QString> names;
        for (int i = 0; i < kRefusalCount; ++i) {
            const Refusal r = Refusal(i);
            names.insert(nameOf(r));
            Refusal back = r == Refusal::None ? Refusal::Busy : Refusal::None;
            QVERIFY2(parseRefusal(toString(r), back), qPrintable(nameOf(r)));
            QCOMPARE(nameOf(back), nameOf(r));
        }
        QCOMPARE(names.size(), kRefusalCount);
        Refusal untouched = Refusal::Busy;
        QVERIFY(!parseRefusal("sleepy", untouched));
        QVERIFY(!parseRefusal("", untouched));
        QCOMPARE(nameOf(untouched), QStringLiteral("busy"));
    }

    void every_outcome_name_reads_back_as_the_same_outcome()
    {
        QSet<QString> names;
        for (int i = 0; i < kCommandOutcomeCount; ++i) {
            const CommandOutcome o = CommandOutcome(i);
            names.insert(nameOf(o));
            CommandOutcome back = o == CommandOutcome::Failed ? CommandOutcome::Completed : CommandOutcome::Failed;
            QVERIFY2(parseCommandOutcome(toString(o), back), qPrintable(nameOf(o)));
            QCOMPARE(nameOf(back), nameOf(o));
        }
        QCOMPARE(names.size(), kCommandOutcomeCount);
        CommandOutcome untouched = CommandOutcome::Aborted;
        QVERIFY(!parseCommandOutcome("exploded", untouched));
        QVERIFY(!parseCommandOutcome("Completed", untouched)); // names are lower case
        QCOMPARE(nameOf(untouched), QStringLiteral("aborted"));
    }
};

QTEST_GUILESS_MAIN(TestHttpStatus)
#include "tst_http_status.moc"
