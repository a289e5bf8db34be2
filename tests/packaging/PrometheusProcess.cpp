#include "tests/packaging/PrometheusProcess.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTest>

namespace shardscope::test {
namespace {

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

QByteArray config(quint16 targetPort)
{
    return QStringLiteral("global:\n"
                          "  scrape_interval: 250ms\n"
                          "  scrape_timeout: 200ms\n"
                          "  evaluation_interval: 250ms\n"
                          "rule_files:\n"
                          "  - %1\n"
                          "scrape_configs:\n"
                          "  - job_name: shardscope\n"
                          "    static_configs:\n"
                          "      - targets: ['127.0.0.1:%2']\n")
        .arg(QStringLiteral(SHARDSCOPE_SOURCE_DIR "/resources/prometheus/shardscope-alerts.yml"))
        .arg(targetPort)
        .toUtf8();
}

} // namespace

PrometheusProcess::~PrometheusProcess()
{
    stop();
}

bool PrometheusProcess::start(const QString &dir, quint16 targetPort, QString *error)
{
    QFile file(dir + QStringLiteral("/prometheus.yml"));
    if (!file.open(QIODevice::WriteOnly) || file.write(config(targetPort)) < 0) {
        *error = QStringLiteral("cannot write %1").arg(file.fileName());
        return false;
    }
    file.close();
    m_port = freePort();
    m_process.setProcessChannelMode(QProcess::ForwardedChannels); // its warnings land in the test's output
    m_process.start(QStringLiteral(SHARDSCOPE_PROMETHEUS),
                    {QStringLiteral("--config.file=") + file.fileName(), QStringLiteral("--storage.tsdb.path=") + dir + QStringLiteral("/data"),
                     QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port), QStringLiteral("--log.level=warn")});
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot run %1: %2").arg(QStringLiteral(SHARDSCOPE_PROMETHEUS), m_process.errorString());
        return false;
    }
    int status = 0;
    const bool ready = QTest::qWaitFor([&] {
        get(QStringLiteral("/-/ready"), &status);
        return status == 200 || m_process.state() != QProcess::Running;
    }, 20000);
    if (!ready || status != 200) {
        *error = QStringLiteral("prometheus did not become ready on port %1 (its log is above)").arg(m_port);
        return false;
    }
    return true;
}

void PrometheusProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(10000))
        m_process.kill();
    m_process.waitForFinished(5000);
}

QJsonObject PrometheusProcess::query(const QString &expr)
{
    // Every byte but the unreserved ones escaped: a '+' in PromQL must not become a space.
    const QString path = QStringLiteral("/api/v1/query?query=") + QString::fromLatin1(QUrl::toPercentEncoding(expr));
    int status = 0;
    const QJsonObject answer = QJsonDocument::fromJson(get(path, &status)).object();
    if (status != 200 || answer.value(QStringLiteral("status")).toString() != QLatin1String("success"))
        return {};
    return answer.value(QStringLiteral("data")).toObject();
}

QByteArray PrometheusProcess::get(const QString &pathAndQuery, int *status)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port) + pathAndQuery));
    request.setTransferTimeout(5000);
    QNetworkReply *reply = manager.get(request);
    QTest::qWaitFor([&] { return reply->isFinished(); }, 6000);
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    delete reply;
    return body;
}

} // namespace shardscope::test
