#include "backend/cluster/EtcdClient.h"

#include <QJsonDocument>
#include <QNetworkReply>

namespace shardscope {

EtcdClient::EtcdClient(QUrl base, QObject *parent)
    : QObject(parent)
    , m_base(std::move(base))
{
}

void EtcdClient::call(const QString &path, const QJsonObject &body, Done done)
{
    QUrl url = m_base;
    url.setPath(path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(kTimeoutMs);
    QNetworkReply *reply = m_manager.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [reply, path, done = std::move(done)] {
        reply->deleteLater();
        EtcdReply out;
        const QByteArray bytes = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.json = QJsonDocument::fromJson(bytes).object();
        if (status == 200) {
            out.ok = true;
        } else if (status == 0) {
            out.error = QStringLiteral("%1 unreachable: %2").arg(reply->url().toString(QUrl::RemovePath), reply->errorString());
        } else {
            const QString why = out.json.value(QStringLiteral("error")).toString(QString::fromUtf8(bytes.left(200)));
            out.error = QStringLiteral("etcd %1 answered %2: %3").arg(path).arg(status).arg(why);
        }
        done(out);
    });
}

void EtcdClient::put(const QByteArray &key, const QByteArray &value, std::int64_t lease, Done done)
{
    QJsonObject body{{QStringLiteral("key"), etcd::b64(key)}, {QStringLiteral("value"), etcd::b64(value)}};
    if (lease)
        body.insert(QStringLiteral("lease"), etcd::int64Text(lease));
    call(QStringLiteral("/v3/kv/put"), body, std::move(done));
}

void EtcdClient::rangePrefix(const QByteArray &prefix, Done done)
{
    call(QStringLiteral("/v3/kv/range"),
         {{QStringLiteral("key"), etcd::b64(prefix)}, {QStringLiteral("range_end"), etcd::b64(etcd::prefixEnd(prefix))}},
         std::move(done));
}

void EtcdClient::deleteKey(const QByteArray &key, Done done)
{
    call(QStringLiteral("/v3/kv/deleterange"), {{QStringLiteral("key"), etcd::b64(key)}}, std::move(done));
}

void EtcdClient::txn(const QJsonObject &txn, Done done)
{
    call(QStringLiteral("/v3/kv/txn"), txn, std::move(done));
}

void EtcdClient::grantLease(int ttlSeconds, Done done)
{
    call(QStringLiteral("/v3/lease/grant"), {{QStringLiteral("TTL"), etcd::int64Text(ttlSeconds)}}, std::move(done));
}

void EtcdClient::keepAlive(std::int64_t lease, Done done)
{
    call(QStringLiteral("/v3/lease/keepalive"), {{QStringLiteral("ID"), etcd::int64Text(lease)}}, std::move(done));
}

void EtcdClient::revoke(std::int64_t lease, Done done)
{
    call(QStringLiteral("/v3/lease/revoke"), {{QStringLiteral("ID"), etcd::int64Text(lease)}}, std::move(done));
}

bool EtcdClient::leaseAlive(const EtcdReply &reply)
{
    // The gateway wraps a stream's message in "result"; accept it bare as well.
    const QJsonObject result = reply.json.contains(QStringLiteral("result"))
        ? reply.json.value(QStringLiteral("result")).toObject() : reply.json;
    return reply.ok && etcd::int64(result.value(QStringLiteral("TTL"))) > 0;
}

} // namespace shardscope
