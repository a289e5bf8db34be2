// The audit: refused commands (at the HTTP edge and in the service), a "started" line
// before each accepted command runs, operation ids and entries that survive a restart of
// the process, and a file torn by a killed process.
#include "backend/record/AuditLog.h"
#include "tests/support/JsonLines.h"
#include "tests/backend/ServiceTestSupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using shardscope::test::jsonLines;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

QString text(const QJsonObject &o, const char *key) { return o.value(QLatin1String(key)).toString(); }

ServiceConfig auditedConfig(const QString &path)
{
    ServiceConfig c = servicetest::smallConfig(2);
    c.auditFile = path;
    return c;
}

} // namespace

class AuditLogTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_command_the_http_edge_refuses_is_audited_with_its_status_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("refusal");
        QTest::newRow("restart without a token") << QStringLiteral("restart") << 401 << QStringLiteral("unauthorized");
        QTest::newRow("stop with a wrong token") << QStringLiteral("stop") << 403 << QStringLiteral("forbidden");
        QTest::newRow("restart with bad options") << QStringLiteral("restart") << 400 << QStringLiteral("bad_request");
        QTest::newRow("abort without a token") << QStringLiteral("abort") << 401 << QStringLiteral("unauthorized");
        QTest::newRow("fault with a wrong token") << QStringLiteral("fault") << 403 << QStringLiteral("forbidden");
    }
    void a_command_the_http_edge_refuses_is_audited_with_its_status()
    {
        QFETCH(QString, command);
        QFETCH(int, status);
        QFETCH(QString, refusal);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        auto service = servicetest::startService(auditedConfig(path));
        service->recordRefusedCommand(command, QStringLiteral("127.0.0.1:40001"), status, QStringLiteral("why it was refused"));

        const QJsonArray entries = service->auditEntries();
        QCOMPARE(entries.size(), 1);
        const QList<QJsonObject> lines = jsonLines(path);
        QCOMPARE(lines.size(), 1);
        for (const QJsonObject &e : {entries.at(0).toObject(), lines.at(0)}) {
            QCOMPARE(text(e, "command"), command);
            QCOMPARE(text(e, "client"), QStringLiteral("127.0.0.1:40001"));
            QCOMPARE(text(e, "outcome"), QStringLiteral("refused"));
            QCOMPARE(text(e, "refusal"), refusal);
            QCOMPARE(e.value(QStringLiteral("http_status")).toInt(), status);
            QCOMPARE(text(e, "message"), QStringLiteral("why it was refused"));
            QVERIFY(!text(e, "time").isEmpty());
        }
    }

    void text_from_the_edge_is_bounded_before_it_is_written()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        auto service = servicetest::startService(auditedConfig(path));
        service->recordRefusedCommand(QString(100'000, u'c'), QString(100'000, u'x'), 400, QString(1'000'000, u'r'));
        QVERIFY(QFileInfo(path).size() < 2000);
        const QJsonObject e = jsonLines(path).value(0);
        QVERIFY(text(e, "message").size() <= 515);
        QVERIFY(text(e, "client").size() <= 67);
    }

    void refusals_the_service_decides_are_audited_too_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("refusal");
        QTest::newRow("abort while nothing runs") << QStringLiteral("abort") << QStringLiteral("nothing_to_abort");
        QTest::newRow("fault without --enable-faults") << QStringLiteral("fault") << QStringLiteral("faults_disabled");
        QTest::newRow("start while running") << QStringLiteral("start") << QStringLiteral("already_running");
    }
    void refusals_the_service_decides_are_audited_too()
    {
        QFETCH(QString, command);
        QFETCH(QString, refusal);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        auto service = servicetest::startService(auditedConfig(path));
        const QString client = QStringLiteral("127.0.0.1:40002");
        CommandTicket t;
        QString description;
        if (command == QLatin1String("abort"))
            t = service->requestAbort(client);
        else if (command == QLatin1String("fault"))
            t = service->injectFault(QJsonObject{{QStringLiteral("fault"), QStringLiteral("clear")}}, &description, client);
        else
            t = service->requestStart(client);
        QVERIFY(!t.accepted());
        const QList<QJsonObject> lines = jsonLines(path);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(text(lines.at(0), "command"), command);
        QCOMPARE(text(lines.at(0), "client"), client);
        QCOMPARE(text(lines.at(0), "outcome"), QStringLiteral("refused"));
        QCOMPARE(text(lines.at(0), "refusal"), refusal);
        QCOMPARE(text(lines.at(0), "message"), t.error);
    }

    void an_accepted_restart_writes_started_before_it_runs_then_its_outcome()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        auto service = servicetest::startService(auditedConfig(path));
        // A sleep in flight holds the drain, so the restart is still running when the file is read.
        servicetest::ReplyLedger ledger;
        service->submitQuery(servicetest::sleepOn(0, 1500), ledger.make().second);
        QTRY_COMPARE_WITH_TIMEOUT(service->snapshot().shards.at(0).inFlight, 1u, 5000);
        const CommandTicket t = service->requestRestart(servicetest::fastOptions(), QStringLiteral("127.0.0.1:40003"));
        QVERIFY(t.accepted());
        QList<QJsonObject> lines = jsonLines(path);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(text(lines.at(0), "outcome"), QStringLiteral("started"));
        QCOMPARE(lines.at(0).value(QStringLiteral("operation_id")).toInt(), int(t.restartId));
        QVERIFY(service->restartRunning());

        QTRY_VERIFY_WITH_TIMEOUT(!service->restartRunning(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(jsonLines(path).size(), 2, 5000);
        lines = jsonLines(path);
        QCOMPARE(text(lines.at(1), "outcome"), QStringLiteral("completed"));
        QCOMPARE(lines.at(1).value(QStringLiteral("operation_id")).toInt(), int(t.restartId));
        // In memory the outcome replaces the "started" entry: one entry per operation.
        const QJsonArray entries = service->auditEntries();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(text(entries.at(0).toObject(), "outcome"), QStringLiteral("completed"));
        QVERIFY(ledger.waitAllAnswered(10s));
    }

    void operation_ids_and_entries_continue_across_a_new_process_on_the_same_file()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        std::uint64_t firstId = 0;
        {
            auto first = servicetest::startService(auditedConfig(path));
            firstId = first->requestStop(QStringLiteral("first")).restartId;
            QVERIFY(firstId > 0);
            QTRY_VERIFY_WITH_TIMEOUT(!first->restartRunning(), 10000);
        }
        auto second = servicetest::startService(auditedConfig(path));
        QJsonArray entries = second->auditEntries();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(text(entries.at(0).toObject(), "client"), QStringLiteral("first"));
        QCOMPARE(text(entries.at(0).toObject(), "outcome"), QStringLiteral("completed"));
        // The first service stopped on purpose; this one starts serving, so start is refused
        // and restart gets the next id.
        const CommandTicket t = second->requestRestart(servicetest::fastOptions(), QStringLiteral("second"));
        QVERIFY(t.accepted());
        QCOMPARE(t.restartId, firstId + 1);
        QTRY_VERIFY_WITH_TIMEOUT(!second->restartRunning(), 10000);
        entries = second->auditEntries();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries.at(1).toObject().value(QStringLiteral("operation_id")).toInt(), int(firstId + 1));
    }

    // Services run by one user share the default audit file: ids must stay unique in it.
    void two_services_sharing_a_file_never_hand_out_the_same_operation_id()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        auto a = servicetest::startService(auditedConfig(path));
        auto b = servicetest::startService(auditedConfig(path));
        QList<std::uint64_t> ids;
        for (ShardService *s : {a.get(), b.get(), a.get(), b.get(), b.get(), a.get()}) {
            const CommandTicket t = s->requestRestart(servicetest::fastOptions(), QStringLiteral("client"));
            QVERIFY2(t.accepted(), qPrintable(t.error));
            ids << t.restartId;
            QTRY_VERIFY_WITH_TIMEOUT(!s->restartRunning(), 10000);
        }
        QCOMPARE(ids, (QList<std::uint64_t>{1, 2, 3, 4, 5, 6}));
        // Each outcome line carries the id its ticket named (events, audit and file agree).
        QTRY_COMPARE_WITH_TIMEOUT(jsonLines(path).size(), 12, 5000);
        QMap<int, QStringList> outcomes;
        for (const QJsonObject &line : jsonLines(path))
            outcomes[line.value(QStringLiteral("operation_id")).toInt()] << text(line, "outcome");
        for (std::uint64_t id : ids)
            QCOMPARE(outcomes.value(int(id)), (QStringList{QStringLiteral("started"), QStringLiteral("completed")}));
    }

    void a_service_opening_a_shared_file_leaves_the_others_running_operation_alone()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        auto a = servicetest::startService(auditedConfig(path));
        servicetest::ReplyLedger ledger;
        a->submitQuery(servicetest::sleepOn(0, 1500), ledger.make().second); // holds the drain
        QTRY_COMPARE_WITH_TIMEOUT(a->snapshot().shards.at(0).inFlight, 1u, 5000);
        const CommandTicket t = a->requestRestart(servicetest::fastOptions(), QStringLiteral("a"));
        QVERIFY(t.accepted());
        QVERIFY(a->restartRunning());

        auto b = servicetest::startService(auditedConfig(path)); // while a's restart runs
        QVERIFY(a->restartRunning());
        for (const QJsonObject &line : jsonLines(path))
            QVERIFY2(text(line, "outcome") != QLatin1String("interrupted"), "a running restart was called interrupted");
        QTRY_VERIFY_WITH_TIMEOUT(!a->restartRunning(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(jsonLines(path).size(), 2, 5000);
        QCOMPARE(text(jsonLines(path).at(1), "outcome"), QStringLiteral("completed"));
        QVERIFY(ledger.waitAllAnswered(10s));
    }

    void an_operation_left_started_is_marked_interrupted_at_the_next_open()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        writeFile(path, "{\"command\":\"restart\",\"client\":\"a\",\"operation_id\":6,\"outcome\":\"started\"}" "\n"
                        "{\"command\":\"restart\",\"client\":\"a\",\"operation_id\":6,\"outcome\":\"completed\"}" "\n"
                        "{\"command\":\"stop\",\"client\":\"b\",\"operation_id\":7,\"outcome\":\"started\"}" "\n");
        AuditLog audit(path);
        QString error;
        QVERIFY2(audit.open(&error), qPrintable(error));
        QCOMPARE(audit.lastOperationId(), 7u);
        const QJsonArray entries = audit.recent();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(text(entries.at(0).toObject(), "outcome"), QStringLiteral("completed"));
        QCOMPARE(text(entries.at(1).toObject(), "outcome"), QStringLiteral("interrupted"));
        const QList<QJsonObject> lines = jsonLines(path);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(text(lines.at(3), "outcome"), QStringLiteral("interrupted"));
        QCOMPARE(lines.at(3).value(QStringLiteral("operation_id")).toInt(), 7);
    }

    void a_line_torn_by_a_killed_process_is_skipped_and_the_next_starts_on_its_own_line()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        writeFile(path, "{\"command\":\"stop\",\"client\":\"a\",\"operation_id\":3,\"outcome\":\"completed\"}" "\n"
                        "{\"command\":\"restart\",\"client\":\"a\",\"operation_i");
        AuditLog audit(path);
        QString error;
        QVERIFY2(audit.open(&error), qPrintable(error));
        QCOMPARE(audit.lastOperationId(), 3u);
        QCOMPARE(audit.recent().size(), 1);
        audit.refusedAtEdge(QStringLiteral("stop"), QStringLiteral("c"), 401, QStringLiteral("no token"));
        const QList<QJsonObject> lines = jsonLines(path);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines.at(1).isEmpty()); // the torn line stays as it was
        QCOMPARE(text(lines.at(2), "refusal"), QStringLiteral("unauthorized"));
    }

    void refusals_at_the_edge_are_counted_and_never_push_the_services_own_entries_out()
    {
        AuditLog audit{QString()};
        QString error;
        QVERIFY(audit.open(&error));
        const std::uint64_t id = audit.requested(1, QStringLiteral("restart"), QStringLiteral("a"), {});
        for (int i = 0; i < 500; ++i) // the same refusal: the first is an entry, the rest one counted entry
            audit.refusedAtEdge(QStringLiteral("restart"), QStringLiteral("c"), 401, QStringLiteral("no token"));
        for (int status = 1000; status < 2200; ++status) // 1,200 kinds: each a burst of its own
            audit.refusedAtEdge(QStringLiteral("stop"), QStringLiteral("c"), status, QStringLiteral("odd"));
        const QJsonArray all = audit.recent(100'000);
        int edge = 0;
        bool own = false;
        for (const QJsonValue &v : all) {
            const QJsonObject e = v.toObject();
            edge += e.contains(QStringLiteral("http_status")) ? 1 : 0;
            own = own || e.value(QStringLiteral("operation_id")).toInteger() == qint64(id);
            if (e.value(QStringLiteral("http_status")).toInt() == 401)
                QVERIFY(e.value(QStringLiteral("count")).toInt() == 1 || e.value(QStringLiteral("count")).toInt() == 499);
        }
        QVERIFY(own);
        QVERIFY2(edge <= int(AuditLog::kRecentEdge) + 2, qPrintable(QString::number(edge)));
    }

    void only_the_tail_of_a_long_file_is_read_back()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        QByteArray bytes;
        for (int id = 1; id <= 3000; ++id)
            bytes += QByteArray("{\"command\":\"stop\",\"outcome\":\"completed\",\"operation_id\":") + QByteArray::number(id) + "}\n";
        writeFile(path, bytes);
        AuditLog audit(path);
        QString error;
        QVERIFY2(audit.open(&error), qPrintable(error));
        QCOMPARE(audit.lastOperationId(), 3000u);
        const QJsonArray all = audit.recent(100'000);
        QCOMPARE(all.size(), 1000);
        QCOMPARE(all.last().toObject().value(QStringLiteral("operation_id")).toInt(), 3000);
    }
};

QTEST_GUILESS_MAIN(AuditLogTest)
#include "tst_audit_log.moc"
