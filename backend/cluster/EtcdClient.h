#pragma once

#include "backend/cluster/EtcdCodec.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

namespace shardscope {

// One JSON-gateway answer. ok is false when etcd could not be reached or answered an
// error (HTTP 500 with {"error", "code"}); `error` then says which.
struct EtcdReply {
    bool ok = false;
    QString error;
    QJsonObject json;
};

// Asynchronous calls to etcd 3.4's JSON gateway (POST /v3/<service>/<method>) on
// QNetworkAccessManager. Lives on the cluster thread; each callback runs there.
class EtcdClient : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const EtcdReply &)>;
    static constexpr int kTimeoutMs = 2000;

    explicit EtcdClient(QUrl base, QObject *parent = nullptr);

    void call(const QString &path, const QJsonObject &body, Done done);
    void put(const QByteArray &key, const QByteArray &value, std::int64_t lease, Done done);
    void rangePrefix(const QByteArray &prefix, Done done);
    void deleteKey(const QByteArray &key, Done done);
    void txn(const QJsonObject &txn, Done done);
    void grantLease(int ttlSeconds, Done done);
    // On an expired lease etcd still answers 200, without "TTL": see leaseAlive().
    void keepAlive(std::int64_t lease, Done done);
    void revoke(std::int64_t lease, Done done);

    static bool leaseAlive(const EtcdReply &keepAliveReply);
    QUrl base() const { return m_base; }

private:
    QUrl m_base;
    QNetworkAccessManager m_manager;
};

} // namespace shardscope
