#include "model/client/ClusterClient.h"

#include "backend/wire/ServiceHttp.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkReply>

#include <algorithm>

namespace shardscope {
namespace {

constexpr int kRequestTimeoutMs = 2000;

int statusOf(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// Why `what` did not answer, in words rather than Qt's error text: its HTTP status when it
// sent one, else what the connection did.
QString noAnswer(const QString &what, QNetworkReply *reply)
{
    const int http = statusOf(reply);
    QString why;
    if (http != 0) {
        const QString phrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        why = phrase.isEmpty() ? QString::number(http) : QStringLiteral("%1 %2").arg(http).arg(phrase);
    } else {
        switch (reply->error()) {
        case QNetworkReply::ConnectionRefusedError: why = QStringLiteral("connection refused"); break;
        case QNetworkReply::HostNotFoundError: why = QStringLiteral("host not found"); break;
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError: why = QStringLiteral("no reply within %1 s").arg(kRequestTimeoutMs / 1000); break;
        case QNetworkReply::RemoteHostClosedError: why = QStringLiteral("it closed the connection"); break;
        default: why = reply->errorString(); break;
        }
    }
    return QStringLiteral("%1 does not answer: %2").arg(what, why);
}

} // namespace

ClusterClient::ClusterClient(QUrl etcd, QString cluster, QByteArray token, QObject *parent)
    : QObject(parent)
    , m_etcd(std::move(etcd))
    , m_cluster(std::move(cluster))
    , m_token(std::move(token))
    , m_prefix(QStringLiteral("/shardscope/%1/members/").arg(m_cluster).toUtf8())
    , m_etcdError(QStringLiteral("etcd at %1 has not answered yet").arg(m_etcd.toString(QUrl::StripTrailingSlash)))
{
    qRegisterMetaType<ClusterStatus>();
    qRegisterMetaType<ClusterEventPage>();
    m_timer.setInterval(kDefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ClusterClient::round);
}

void ClusterClient::start()
{
    m_timer.start();
    round();
}

void ClusterClient::round()
{
    if (!m_discovery)
        discover();
    if (!m_status)
        askStatus();
}

void ClusterClient::discover()
{
    QNetworkRequest request(m_etcd.resolved(QUrl(QStringLiteral("/v3/kv/range"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(kRequestTimeoutMs);
    m_discovery = m_manager.post(request, QJsonDocument(etcdPrefixRange(m_prefix)).toJson(QJsonDocument::Compact));
    connect(m_discovery, &QNetworkReply::finished, this, [this, reply = m_discovery.data()] {
        reply->deleteLater();
        const bool ok = reply->error() == QNetworkReply::NoError && statusOf(reply) == 200;
        const QString error = ok ? QString() : noAnswer(QStringLiteral("etcd at %1").arg(m_etcd.toString(QUrl::StripTrailingSlash)), reply);
        const bool changed = ok != m_etcdOk || error != m_etcdError;
        m_etcdOk = ok;
        m_etcdError = error;
        if (ok) {
            const auto members = decodeEtcdMembers(QJsonDocument::fromJson(reply->readAll()).object(), m_prefix);
            m_urls.clear();
            for (const ClusterMember &m : members)
                m_urls << m.url;
            Q_EMIT membersDiscovered(members);
        }
        if (changed)
            Q_EMIT etcdChanged(ok);
    });
}

void ClusterClient::askStatus()
{
    if (m_urls.isEmpty()) {
        if (m_etcdOk)
            Q_EMIT statusFailed(QStringLiteral("no node of cluster %1 is registered in etcd").arg(m_cluster));
        return;
    }
    int at = m_urls.indexOf(m_answering);
    if (at < 0 || m_misses > 0)
        at = (std::max(at, 0) + m_misses) % int(m_urls.size());
    const QString url = m_urls.at(at);
    QNetworkRequest request = serviceRequest(QUrl(url), QStringLiteral("/v1/cluster/status"), m_token);
    request.setTransferTimeout(kRequestTimeoutMs);
    m_status = m_manager.get(request);
    connect(m_status, &QNetworkReply::finished, this, [this, url, reply = m_status.data()] {
        reply->deleteLater();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        if (reply->error() != QNetworkReply::NoError || statusOf(reply) != 200 || json.isEmpty()) {
            if (++m_misses >= m_urls.size())
                Q_EMIT statusFailed(QStringLiteral("no node answered GET /v1/cluster/status (last: %1)")
                                        .arg(noAnswer(url, reply)));
            return;
        }
        m_misses = 0;
        m_answering = url;
        Q_EMIT statusReceived(decodeClusterStatus(json, QDateTime::currentMSecsSinceEpoch()));
    });
}

void ClusterClient::fetchEvents(const QString &nodeUrl, std::uint64_t since)
{
    if (m_events || nodeUrl.isEmpty())
        return;
    // As many as a node keeps (ClusterEvents::kKept): a new node's whole log in one page.
    const QString path = QStringLiteral("/v1/cluster/events?since=%1&limit=1000").arg(since);
    QNetworkRequest request = serviceRequest(QUrl(nodeUrl), path, m_token);
    request.setTransferTimeout(kRequestTimeoutMs);
    m_events = m_manager.get(request);
    connect(m_events, &QNetworkReply::finished, this, [this, nodeUrl, since, reply = m_events.data()] {
        reply->deleteLater();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        // A node that does not answer is the status round's business: it moves on by itself.
        if (reply->error() == QNetworkReply::NoError && statusOf(reply) == 200 && json.contains(QStringLiteral("last_seq")))
            Q_EMIT eventsReceived(nodeUrl, since, decodeClusterEvents(json));
    });
}

void ClusterClient::fetchHistory(int limit)
{
    getHistory(QString(), QStringLiteral("/v1/cluster/history?limit=%1").arg(limit));
}

void ClusterClient::fetchHistoryRun(const QString &id)
{
    getHistory(id, QStringLiteral("/v1/cluster/history?id=%1").arg(QString::fromLatin1(QUrl::toPercentEncoding(id))));
}

void ClusterClient::getHistory(const QString &id, const QString &path)
{
    const QString node = commandNode();
    if (node.isEmpty())
        return Q_EMIT historyFailed(id, QStringLiteral("no node of cluster %1 is known yet").arg(m_cluster));
    QNetworkRequest request = serviceRequest(QUrl(node), path, m_token);
    request.setTransferTimeout(kRequestTimeoutMs);
    QNetworkReply *reply = m_manager.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, id, node, reply] {
        reply->deleteLater();
        const int http = statusOf(reply);
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        if (http == 200 && !json.isEmpty())
            return Q_EMIT historyReceived(id, json);
        Q_EMIT historyFailed(id, http == 0 ? noAnswer(node, reply)
                                           : QStringLiteral("%1 answered %2: %3").arg(node).arg(http).arg(json.value(QStringLiteral("message")).toString()));
    });
}

QString ClusterClient::commandNode() const
{
    return m_answering.isEmpty() && !m_urls.isEmpty() ? m_urls.first() : m_answering;
}

void ClusterClient::requestRestart(const QString &strategy, int graceMs, int settleMs)
{
    QJsonObject body{{QStringLiteral("strategy"), strategy}};
    if (graceMs >= 0)
        body.insert(QStringLiteral("grace_ms"), graceMs);
    if (settleMs >= 0)
        body.insert(QStringLiteral("settle_ms"), settleMs);
    requestRestart(body);
}

void ClusterClient::requestRestart(const QJsonObject &body)
{
    command(QStringLiteral("restart"), QStringLiteral("/v1/cluster/restart"), body);
}

void ClusterClient::abortRestart()
{
    command(QStringLiteral("abort"), QStringLiteral("/v1/cluster/restart/abort"), {});
}

void ClusterClient::command(const QString &name, const QString &path, const QJsonObject &body)
{
    const QString node = commandNode();
    if (node.isEmpty()) {
        Q_EMIT commandFinished(name, false, QStringLiteral("no node of cluster %1 is known yet").arg(m_cluster));
        return;
    }
    QNetworkRequest request = serviceRequest(QUrl(node), path, m_token);
    QNetworkReply *reply = m_manager.post(request, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, name, node, reply] {
        reply->deleteLater();
        const int http = statusOf(reply);
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        const bool ok = http >= 200 && http < 300;
        QString message;
        if (ok)
            message = name == QLatin1String("restart")
                ? QStringLiteral("cluster restart %1 accepted by %2").arg(json.value(QStringLiteral("restart_id")).toVariant().toString(), node)
                : QStringLiteral("abort accepted by %1").arg(node);
        else if (http == 0)
            message = noAnswer(node, reply);
        else
            message = QStringLiteral("refused by %1 (HTTP %2): %3").arg(node).arg(http).arg(json.value(QStringLiteral("message")).toString());
        Q_EMIT commandFinished(name, ok, message);
    });
}

} // namespace shardscope
