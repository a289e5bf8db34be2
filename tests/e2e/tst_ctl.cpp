// `shardscope ctl` against a real headless service in another process: output and exit
// codes as documented in its --help.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestCtl : public QObject
{
    Q_OBJECT
private:
    QProcess m_service;
    QString m_url;

    struct Run {
        int code = -1;
        QString out;
        QString err;
    };
    Run ctl(const QStringList &args, const QByteArray &token = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SHARDSCOPE_URL"));
        if (token.isEmpty())
            env.remove(QStringLiteral("SHARDSCOPE_TOKEN"));
        else
            env.insert(QStringLiteral("SHARDSCOPE_TOKEN"), QString::fromLatin1(token));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SHARDSCOPE_BINARY), QStringList{QStringLiteral("ctl"), QStringLiteral("--url"), m_url} + args);
        Run r;
        if (!p.waitForFinished(20000))
            return r;
        r.code = p.exitCode();
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        static QTemporaryDir dir;
        QFile token(dir.filePath(QStringLiteral("token")));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("ctl-test-token\n");
        token.close();
        m_service.start(QStringLiteral(SHARDSCOPE_BINARY),
                        {QStringLiteral("--headless"), QStringLiteral("--shards"), QStringLiteral("3"), QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), token.fileName(),
                         QStringLiteral("--audit-file"), dir.filePath(QStringLiteral("audit.jsonl"))});
        QByteArray out;
        const QRegularExpression re(QStringLiteral("listening on (http://127\\.0\\.0\\.1:\\d+)"));
        QVERIFY(QTest::qWaitFor([&] {
            m_service.waitForReadyRead(50);
            out += m_service.readAllStandardOutput();
            return re.match(QString::fromUtf8(out)).hasMatch();
        }, 15000));
        m_url = re.match(QString::fromUtf8(out)).captured(1);
    }
    void cleanupTestCase()
    {
        m_service.terminate();
        QVERIFY(m_service.waitForFinished(15000));
        QCOMPARE(m_service.exitCode(), 0);
    }

    void status_and_shards_print_the_service()
    {
        const Run status = ctl({QStringLiteral("status")});
        QCOMPARE(status.code, 0);
        QVERIFY2(status.out.contains(QStringLiteral("ready:    yes")), qPrintable(status.out));
        const Run shards = ctl({QStringLiteral("shards")});
        QCOMPARE(shards.code, 0);
        QCOMPARE(shards.out.count(QStringLiteral(" serving ")), 3);
        const Run json = ctl({QStringLiteral("shards"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("shards")).toArray().size(), 3);
    }

    void restart_wait_prints_each_phase_and_exits_zero_when_completed()
    {
        const Run r = ctl({QStringLiteral("restart"), QStringLiteral("--wait"), QStringLiteral("--drain-timeout"), QStringLiteral("3000")},
                          "ctl-test-token");
        QCOMPARE(r.code, 0);
        for (const char *phase : {"preparing", "draining", "restarting", "verifying", "resuming"})
            QVERIFY2(r.out.contains(QStringLiteral("phase_ended %1 ok").arg(QLatin1String(phase))), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("restart_finished completed")));
    }

    void a_legacy_restart_that_leaves_shards_canceled_exits_one_with_the_reason()
    {
        const Run legacy = ctl({QStringLiteral("restart"), QStringLiteral("--mode"), QStringLiteral("legacy"), QStringLiteral("--wait")},
                               "ctl-test-token");
        QCOMPARE(legacy.code, 1);
        QVERIFY2(legacy.out.contains(QStringLiteral("restart_finished failed")), qPrintable(legacy.out));
        QVERIFY2(legacy.out.contains(QStringLiteral(
                     ": 2 of 3 shards canceled after a legacy restart (shards 1, 2): requests to them get 503")),
                 qPrintable(legacy.out));
        // A phased restart makes the service whole again, and says so.
        const Run phased = ctl({QStringLiteral("restart"), QStringLiteral("--wait")}, "ctl-test-token");
        QCOMPARE(phased.code, 0);
        QVERIFY(phased.out.contains(QStringLiteral("restart_finished completed")));
    }

    void a_restart_that_ends_badly_or_is_refused_has_its_exit_code_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("errPart");
        QTest::newRow("without the token") << QStringList{QStringLiteral("restart")} << QByteArray() << 4 << QStringLiteral("401");
        QTest::newRow("with a wrong token") << QStringList{QStringLiteral("restart")} << QByteArray("nope") << 4 << QStringLiteral("403");
        QTest::newRow("a bad mode") << QStringList{QStringLiteral("restart"), QStringLiteral("--mode"), QStringLiteral("bogus")} << QByteArray("ctl-test-token") << 4 << QStringLiteral("mode must be one of");
        QTest::newRow("an unknown command") << QStringList{QStringLiteral("dance")} << QByteArray() << 2 << QStringLiteral("unknown command");
    }
    void a_restart_that_ends_badly_or_is_refused_has_its_exit_code()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, token);
        QFETCH(int, code);
        QFETCH(QString, errPart);
        const Run r = ctl(args, token);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(errPart), qPrintable(r.err));
    }

    void an_unreachable_service_exits_3()
    {
        QProcess p;
        p.start(QStringLiteral(SHARDSCOPE_BINARY), {QStringLiteral("ctl"), QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:1"),
                                                    QStringLiteral("status")});
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 3);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("cannot reach")));
    }

    void events_list_what_happened()
    {
        const Run r = ctl({QStringLiteral("events"), QStringLiteral("--since"), QStringLiteral("0")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("service_started completed")));
        QVERIFY(r.out.contains(QStringLiteral("restart_finished completed")));
    }
};

QTEST_GUILESS_MAIN(TestCtl)
#include "tst_ctl.moc"
