// The request decoders of backend/wire: what a client may send to /v1/query,
// /v1/service/restart, /v1/faults, /v1/service/events and /v1/stream, and the exact
// 400 message for everything else. No server here: the protocol library alone.
#include "backend/wire/RequestDecoders.h"

#include <QJsonDocument>
#include <QTest>

using namespace shardscope;

namespace {

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

} // namespace

class TestRequestDecoders : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_good_query_body_is_decoded_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("procedure");
        QTest::addColumn<QByteArray>("args");
        QTest::addColumn<int>("pinnedShard");
        QTest::newRow("a procedure alone goes to any shard") << QByteArray(R"({"procedure":"echo"})") << "echo" << QByteArray("{}") << -1;
        QTest::newRow("args are kept as given") << QByteArray(R"({"procedure":"degree","args":{"v":3}})") << "degree" << QByteArray(R"({"v":3})") << -1;
        QTest::newRow("null args are no args") << QByteArray(R"({"procedure":"echo","args":null})") << "echo" << QByteArray("{}") << -1;
        QTest::newRow("the first shard may be pinned") << QByteArray(R"({"procedure":"echo","shard":0})") << "echo" << QByteArray("{}") << 0;
        QTest::newRow("the last shard may be pinned") << QByteArray(R"({"procedure":"echo","shard":3})") << "echo" << QByteArray("{}") << 3;
        QTest::newRow("a null shard lets the router pick") << QByteArray(R"({"procedure":"echo","shard":null})") << "echo" << QByteArray("{}") << -1;
    }
    void a_good_query_body_is_decoded()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, procedure);
        QFETCH(QByteArray, args);
        QFETCH(int, pinnedShard);
        QueryRequest request;
        QString error;
        QVERIFY2(parseQueryRequest(body, 4, &request, &error), qPrintable(error));
        QCOMPARE(request.procedure, procedure);
        QCOMPARE(compact(request.args), args);
        QCOMPARE(request.pinnedShard, pinnedShard);
    }

    void a_bad_query_body_gets_its_message_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("an empty body is malformed JSON") << QByteArray() << "malformed JSON at offset 0: illegal value";
        QTest::newRow("a cut-off body is malformed JSON") << QByteArray(R"({"procedure": )") << "malformed JSON at offset 14: unterminated object";
        QTest::newRow("an array is not an object") << QByteArray("[1,2]") << R"(the body must be a JSON object like {"procedure": "echo", "args": {}})";
        QTest::newRow("a missing procedure is refused") << QByteArray("{}") << R"("procedure" must be a non-empty string)";
        QTest::newRow("an empty procedure is refused") << QByteArray(R"({"procedure":""})") << R"("procedure" must be a non-empty string)";
        QTest::newRow("a numeric procedure is refused") << QByteArray(R"({"procedure":5})") << R"("procedure" must be a non-empty string)";
        QTest::newRow("string args are refused") << QByteArray(R"({"procedure":"echo","args":"x"})") << R"("args" must be a JSON object)";
        QTest::newRow("a shard past the last is refused") << QByteArray(R"({"procedure":"echo","shard":4})") << R"("shard" must be an integer in [0, 3])";
        QTest::newRow("a negative shard is refused") << QByteArray(R"({"procedure":"echo","shard":-1})") << R"("shard" must be an integer in [0, 3])";
        QTest::newRow("a fractional shard is refused") << QByteArray(R"({"procedure":"echo","shard":1.5})") << R"("shard" must be an integer in [0, 3])";
        QTest::newRow("a shard given as text is refused") << QByteArray(R"({"procedure":"echo","shard":"1"})") << R"("shard" must be an integer in [0, 3])";
        const char *deadlineRange = R"("deadline_ms" must be an integer in [1, 300000])";
        QTest::newRow("a zero deadline is refused") << QByteArray(R"({"procedure":"echo","deadline_ms":0})") << deadlineRange;
        QTest::newRow("a negative deadline is refused") << QByteArray(R"({"procedure":"echo","deadline_ms":-5})") << deadlineRange;
        QTest::newRow("a deadline past five minutes is refused") << QByteArray(R"({"procedure":"echo","deadline_ms":300001})") << deadlineRange;
        QTest::newRow("a fractional deadline is refused") << QByteArray(R"({"procedure":"echo","deadline_ms":2.5})") << deadlineRange;
        QTest::newRow("a deadline given as text is refused") << QByteArray(R"({"procedure":"echo","deadline_ms":"100"})") << deadlineRange;
        QTest::newRow("a huge deadline is refused") << QByteArray(R"({"procedure":"echo","deadline_ms":1e300})") << deadlineRange;
    }

    void a_query_deadline_is_decoded_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("deadlineMs");
        QTest::newRow("no deadline asks for the service's default") << QByteArray(R"({"procedure":"echo"})") << 0;
        QTest::newRow("a null deadline asks for the default") << QByteArray(R"({"procedure":"echo","deadline_ms":null})") << 0;
        QTest::newRow("the shortest deadline") << QByteArray(R"({"procedure":"echo","deadline_ms":1})") << 1;
        QTest::newRow("the longest deadline") << QByteArray(R"({"procedure":"echo","deadline_ms":300000})") << 300000;
    }
    void a_query_deadline_is_decoded()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, deadlineMs);
        QueryRequest request;
        QString error;
        QVERIFY2(parseQueryRequest(body, 4, &request, &error), qPrintable(error));
        QCOMPARE(request.deadlineMs, deadlineMs);
    }
    void a_bad_query_body_gets_its_message()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QueryRequest request;
        QString error;
        QVERIFY(!parseQueryRequest(body, 4, &request, &error));
        QCOMPARE(error, message);
    }

    void a_restart_body_overrides_the_defaults_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("drainTimeoutMs");
        QTest::addColumn<QString>("mode");
        // The defaults below have drain_timeout_ms 4321 and mode legacy.
        QTest::newRow("an empty body keeps the defaults") << QByteArray() << 4321 << "legacy";
        QTest::newRow("a blank body keeps the defaults") << QByteArray(" \r\n\t") << 4321 << "legacy";
        QTest::newRow("an empty object keeps the defaults") << QByteArray("{}") << 4321 << "legacy";
        QTest::newRow("a given field replaces its default only") << QByteArray(R"({"drain_timeout_ms":1234})") << 1234 << "legacy";
        QTest::newRow("surrounding blanks are allowed") << QByteArray("\n {\"mode\":\"phased\"} \n") << 4321 << "phased";
    }
    void a_restart_body_overrides_the_defaults()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, drainTimeoutMs);
        QFETCH(QString, mode);
        RestartOptions defaults;
        defaults.drainTimeoutMs = 4321;
        defaults.mode = RestartMode::Legacy;
        RestartOptions options;
        QString error;
        QVERIFY2(parseRestartBody(body, defaults, &options, &error), qPrintable(error));
        QCOMPARE(options.drainTimeoutMs, drainTimeoutMs);
        QCOMPARE(options.toJson().value(QStringLiteral("mode")).toString(), mode);
        QCOMPARE(options.holdCapacity, defaults.holdCapacity);
    }

    void a_bad_restart_body_gets_its_message_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        const QString notObject = QStringLiteral("restart body must be a JSON object of options");
        QTest::newRow("plain words are not options") << QByteArray("now please") << notObject;
        QTest::newRow("an array is not options") << QByteArray(R"(["mode","legacy"])") << notObject;
        QTest::newRow("a number is not options") << QByteArray("42") << notObject;
        QTest::newRow("a cut-off object is not options") << QByteArray(R"({"mode":)") << notObject;
        QTest::newRow("an unknown mode names the allowed ones") << QByteArray(R"({"mode":"sideways"})") << "mode must be one of: phased, legacy";
        QTest::newRow("a negative timeout names its range") << QByteArray(R"({"drain_timeout_ms":-1})") << "drain_timeout_ms must be an integer in [0, 600000]";
        QTest::newRow("an unknown option names the known ones")
            << QByteArray(R"({"colour":"red"})")
            << "unknown restart option 'colour' (known: mode, admission, drain_policy, prepare_timeout_ms, drain_timeout_ms, "
               "restart_timeout_ms, verify_timeout_ms, hold_deadline_ms, hold_capacity, target_version)";
    }
    void a_bad_restart_body_gets_its_message()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        RestartOptions options;
        QString error;
        QVERIFY(!parseRestartBody(body, RestartOptions{}, &options, &error));
        QCOMPARE(error, message);
    }

    void a_fault_body_must_be_a_json_object_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("an object is passed on as it is") << QByteArray(R"({"fault":"crash","shard":0})") << true;
        QTest::newRow("an empty object is passed on for the injector to judge") << QByteArray("{}") << true;
        QTest::newRow("an empty body is refused") << QByteArray() << false;
        QTest::newRow("plain words are refused") << QByteArray("not json") << false;
        QTest::newRow("an array is refused") << QByteArray(R"([{"fault":"crash"}])") << false;
    }
    void a_fault_body_must_be_a_json_object()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, accepted);
        QJsonObject fault;
        QString error;
        QCOMPARE(parseFaultBody(body, &fault, &error), accepted);
        if (accepted)
            QCOMPARE(compact(fault), compact(QJsonDocument::fromJson(body).object()));
        else
            QCOMPARE(error, QStringLiteral(R"(the body must be a JSON object like {"fault": "crash", "shard": 0})"));
    }

    void the_events_query_string_is_decoded_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<qulonglong>("since");
        QTest::addColumn<qulonglong>("limit");
        QTest::newRow("nothing given means from the start, 1000 at most") << "" << true << 0ull << 1000ull;
        QTest::newRow("empty values mean the defaults") << "since=&limit=" << true << 0ull << 1000ull;
        QTest::newRow("since and limit are read") << "since=42&limit=5" << true << 42ull << 5ull;
        QTest::newRow("a limit of 1 is the smallest") << "limit=1" << true << 0ull << 1ull;
        QTest::newRow("a limit of 10000 is the largest") << "limit=10000" << true << 0ull << 10000ull;
        QTest::newRow("other parameters are ignored") << "since=7&colour=red" << true << 7ull << 1000ull;
        QTest::newRow("a since that is not a number is refused") << "since=abc" << false << 0ull << 0ull;
        QTest::newRow("a negative since is refused") << "since=-1" << false << 0ull << 0ull;
        QTest::newRow("a limit of 0 is refused") << "limit=0" << false << 0ull << 0ull;
        QTest::newRow("a limit over 10000 is refused") << "limit=10001" << false << 0ull << 0ull;
        QTest::newRow("a limit that is not a number is refused") << "limit=many" << false << 0ull << 0ull;
    }
    void the_events_query_string_is_decoded()
    {
        QFETCH(QString, query);
        QFETCH(bool, accepted);
        QFETCH(qulonglong, since);
        QFETCH(qulonglong, limit);
        EventsQuery decoded;
        QString error;
        QCOMPARE(parseEventsQuery(QUrlQuery(query), &decoded, &error), accepted);
        if (accepted) {
            QCOMPARE(qulonglong(decoded.since), since);
            QCOMPARE(qulonglong(decoded.limit), limit);
        } else {
            QCOMPARE(error, QStringLiteral("since must be a sequence number and limit an integer in [1, 10000]"));
        }
    }

    void the_stream_query_string_is_decoded_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<bool>("hasSince");
        QTest::addColumn<qulonglong>("since");
        QTest::addColumn<bool>("withSnapshots");
        QTest::newRow("nothing given means from now on, with snapshots") << "" << true << false << 0ull << true;
        QTest::newRow("an empty since means from now on") << "since=" << true << false << 0ull << true;
        QTest::newRow("since resumes after a sequence number") << "since=17" << true << true << 17ull << true;
        QTest::newRow("since=0 replays from the start") << "since=0" << true << true << 0ull << true;
        QTest::newRow("snapshots=0 leaves snapshots out") << "since=3&snapshots=0" << true << true << 3ull << false;
        QTest::newRow("snapshots=1 keeps snapshots") << "snapshots=1" << true << false << 0ull << true;
        QTest::newRow("any other snapshots value keeps snapshots") << "snapshots=no" << true << false << 0ull << true;
        QTest::newRow("a since that is not a number is refused") << "since=x" << false << false << 0ull << true;
        QTest::newRow("a negative since is refused") << "since=-5" << false << false << 0ull << true;
    }
    void the_stream_query_string_is_decoded()
    {
        QFETCH(QString, query);
        QFETCH(bool, accepted);
        QFETCH(bool, hasSince);
        QFETCH(qulonglong, since);
        QFETCH(bool, withSnapshots);
        StreamQuery decoded;
        QString error;
        QCOMPARE(parseStreamQuery(QUrlQuery(query), &decoded, &error), accepted);
        if (!accepted) {
            QCOMPARE(error, QStringLiteral("since must be an event sequence number"));
            return;
        }
        QCOMPARE(decoded.since.has_value(), hasSince);
        if (hasSince)
            QCOMPARE(qulonglong(*decoded.since), since);
        QCOMPARE(decoded.withSnapshots, withSnapshots);
    }
};

QTEST_GUILESS_MAIN(TestRequestDecoders)
#include "tst_request_decoders.moc"
