#include "backend/cluster/EtcdClient.h"

#include <QJsonDocument>
#include <QNetworkReply>

#include <memory>

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
    auto sent = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::uploadProgress, this, [sent](qint64 done, qint64 total) {
        if (total > 0 && done == total)
            *sent = true;
    });
    connect(reply, &QNetworkReply::finished, this, [reply, path, sent, done = std::move(done)] {
        reply->deleteLater();
        done(readReply(*reply, path, *sent));
    });
}

namespace {

// A network error that happens before a byte left (nothing can have been applied).
bool refusedBeforeSending(QNetworkReply::NetworkError e)
{
    return e == QNetworkReply::ConnectionRefusedError || e == QNetworkReply::HostNotFoundError;
}

} // namespace

EtcdReply EtcdClient::readReply(QNetworkReply &reply, const QString &path, bool sent)
{
    EtcdReply out;
    const QByteArray bytes = reply.readAll();
    const int status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool parsed = firstObject(bytes, &out.json);
    const QJsonValue error = out.json.value(QStringLiteral("error"));
    if (reply.error() != QNetworkReply::NoError && (status == 0 || status == 200)) {
        out.error = QStringLiteral("%1 unreachable: %2").arg(reply.url().toString(QUrl::RemovePath), reply.errorString());
        out.unknownOutcome = status == 200 || reply.error() == QNetworkReply::OperationCanceledError
            || (sent && !refusedBeforeSending(reply.error()));
    } else if (status == 200 && parsed && error.isUndefined()) {
        out.ok = true;
    } else if (status == 200 && !parsed) {
        out.error = QStringLiteral("etcd %1 answered 200 with no JSON object (%2 bytes)").arg(path).arg(bytes.size());
        out.unknownOutcome = true;
    } else {
        const QJsonObject nested = error.toObject(); // a stream's {"error": {"message", "grpc_code"}}
        const QString why = error.isString() ? error.toString()
            : nested.contains(QStringLiteral("message")) ? nested.value(QStringLiteral("message")).toString()
                                                          : QString::fromUtf8(bytes.left(200));
        out.error = QStringLiteral("etcd %1 answered %2: %3").arg(path).arg(status).arg(why);
        // etcd's own "request timed out" (gRPC DeadlineExceeded): the proposal may still commit.
        const int code = out.json.value(QStringLiteral("code")).toInt(nested.value(QStringLiteral("grpc_code")).toInt());
        out.unknownOutcome = code == 4 || why.contains(QLatin1String("timed out"));
    }
    return out;
}

bool EtcdClient::firstObject(const QByteArray &bytes, QJsonObject *out)
{
    QJsonParseError e;
    QJsonDocument doc = QJsonDocument::fromJson(bytes, &e);
    if (e.error == QJsonParseError::GarbageAtEnd && e.offset > 0)
        doc = QJsonDocument::fromJson(bytes.left(e.offset), &e);
    *out = doc.object();
    return e.error == QJsonParseError::NoError && doc.isObject();
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

LeaseState EtcdClient::leaseState(const EtcdReply &reply)
{
    if (!reply.ok)
        return LeaseState::Unknown;
    // The gateway wraps a stream's message in "result"; accept it bare as well.
    const QJsonObject result = reply.json.contains(QStringLiteral("result"))
        ? reply.json.value(QStringLiteral("result")).toObject() : reply.json;
    if (etcd::int64(result.value(QStringLiteral("TTL"))) > 0)
        return LeaseState::Alive;
    return result.contains(QStringLiteral("ID")) ? LeaseState::Expired : LeaseState::Unknown;
}

} // namespace shardscope
