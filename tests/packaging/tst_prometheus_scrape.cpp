// A real Prometheus (Debian's) scrapes a real headless service every 250 ms and evaluates
// resources/prometheus/shardscope-alerts.yml: a legacy restart's canceled shards show in
// the query API and in the alert's expression, and a phased restart clears them.
#include "tests/packaging/PrometheusProcess.h"
#include "tests/support/HeadlessProcess.h"
#include "tests/support/HttpTestClient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace shardscope::test;

namespace {

constexpr int kShards = 4;
constexpr int kWaitMs = 20000;

// The one-line `expr:` of alert `name` in the shipped rule file.
QString alertExpression(const QString &name)
{
    QFile file(QStringLiteral(SHARDSCOPE_SOURCE_DIR "/resources/prometheus/shardscope-alerts.yml"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QRegularExpression re(QStringLiteral("- alert: %1\\n\\s*expr: ([^\\n]+)\\n").arg(name));
    return re.match(QString::fromUtf8(file.readAll())).captured(1).trimmed();
}

} // namespace

class TestPrometheusScrape : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QProcess m_service;
    quint16 m_port = 0;
    PrometheusProcess m_prometheus;

    // The number of series `expr` returns now; -1 when the query fails.
    int seriesCount(const QString &expr)
    {
        const QJsonObject data = m_prometheus.query(expr);
        return data.contains(QStringLiteral("result")) ? int(data.value(QStringLiteral("result")).toArray().size()) : -1;
    }
    bool alertIs(const QString &name, const QString &state)
    {
        return seriesCount(QStringLiteral("ALERTS{alertname=\"%1\",alertstate=\"%2\"}").arg(name, state)) > 0;
    }
    bool restart(const char *mode)
    {
        HttpTestClient client("127.0.0.1", m_port);
        const auto r = client.post("/v1/service/restart", QByteArray("{\"mode\": \"") + mode + "\"}");
        return r.status == 202;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_service.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_port = startHeadless(m_service, {QStringLiteral("--shards"), QString::number(kShards), QStringLiteral("--audit-file"),
                                           m_dir.filePath(QStringLiteral("audit.jsonl"))});
        QVERIFY2(m_port != 0, "the headless service did not start");
        QString error;
        QVERIFY2(m_prometheus.start(m_dir.path(), m_port, &error), qPrintable(error));
        QVERIFY2(QTest::qWaitFor([&] { return seriesCount(QStringLiteral("up{job=\"shardscope\"} == 1")) == 1; }, kWaitMs),
                 "Prometheus never scraped the service");
    }

    void a_legacy_restart_shows_as_canceled_shards_and_pages()
    {
        const QString expr = alertExpression(QStringLiteral("ShardScopeShardsUnavailable"));
        QVERIFY2(!expr.isEmpty(), "ShardScopeShardsUnavailable not found in the rule file");
        QCOMPARE(seriesCount(expr), 0);
        QVERIFY(restart("legacy"));
        // Shards 1..3 lose their actor: three canceled series, and the alert's expression
        // counts them (it pends for 30 s before it fires).
        QVERIFY2(QTest::qWaitFor([&] { return seriesCount(QStringLiteral("shardscope_shard_state{state=\"canceled\"} == 1")) == kShards - 1; },
                                 kWaitMs),
                 "the canceled shards never reached Prometheus");
        const QJsonArray alert = m_prometheus.query(expr).value(QStringLiteral("result")).toArray();
        QCOMPARE(alert.size(), 1);
        QCOMPARE(alert.at(0)[QStringLiteral("metric")][QStringLiteral("state")].toString(), QStringLiteral("canceled"));
        QCOMPARE(alert.at(0)[QStringLiteral("value")][1].toString(), QString::number(kShards - 1));
        QVERIFY(QTest::qWaitFor([&] { return alertIs(QStringLiteral("ShardScopeShardsUnavailable"), QStringLiteral("pending")); }, kWaitMs));
        QVERIFY(QTest::qWaitFor([&] { return alertIs(QStringLiteral("ShardScopeRestartNotCompleted"), QStringLiteral("firing")); }, kWaitMs));
        QCOMPARE(seriesCount(QStringLiteral("shardscope_restarts_total{mode=\"legacy\",outcome=\"failed\"} == 1")), 1);
    }

    void a_phased_restart_clears_it()
    {
        QVERIFY(restart("phased"));
        QVERIFY2(QTest::qWaitFor([&] { return seriesCount(QStringLiteral("shardscope_shard_state{state=\"serving\"} == 1")) == kShards; },
                                 kWaitMs),
                 "Prometheus never saw every shard serving again");
        QCOMPARE(seriesCount(QStringLiteral("shardscope_shard_state{state=\"canceled\"}")), 0);
        QCOMPARE(seriesCount(alertExpression(QStringLiteral("ShardScopeShardsUnavailable"))), 0);
        QVERIFY(QTest::qWaitFor([&] { return !alertIs(QStringLiteral("ShardScopeShardsUnavailable"), QStringLiteral("pending")); }, kWaitMs));
        QVERIFY(QTest::qWaitFor([&] { return seriesCount(QStringLiteral("shardscope_service_ready == 1")) == 1; }, kWaitMs));
        QCOMPARE(seriesCount(QStringLiteral("shardscope_version_skew == 1")), 1);
    }

    void cleanupTestCase()
    {
        m_prometheus.stop();
        m_service.terminate();
        QVERIFY(m_service.waitForFinished(15000));
        QCOMPARE(m_service.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPrometheusScrape)
#include "tst_prometheus_scrape.moc"
