#pragma once

#include "backend/cluster/EtcdCodec.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QUrl>

#include <functional>

namespace shardscope {

// One JSON-gateway answer. ok only for HTTP 200 without a network error whose body is a
// JSON object (the first one, for a stream) with no "error" key; else `error` says why.
// unknownOutcome: the request may have reached etcd and been applied although no
// readable answer came (timeout, a link cut after sending, a body cut short): re-read
// before telling anyone it failed.
struct EtcdReply {
    bool ok = false;
    QString error;
    QJsonObject json;
    bool unknownOutcome = false;
};

// What a keepalive answer says of a lease. Expired only when etcd answered for that
// lease (result.ID) without a TTL; anything unreadable is Unknown: ask again.
enum class LeaseState { Alive, Expired, Unknown };

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
    // On an expired lease etcd still answers 200, without "TTL": see leaseState().
    void keepAlive(std::int64_t lease, Done done);
    void revoke(std::int64_t lease, Done done);

    static LeaseState leaseState(const EtcdReply &keepAliveReply);
    // The first complete JSON object in `bytes` (a stream may carry several); false if none.
    static bool firstObject(const QByteArray &bytes, QJsonObject *out);
    QUrl base() const { return m_base; }

private:
    static EtcdReply readReply(QNetworkReply &reply, const QString &path, bool sent);

    QUrl m_base;
    QNetworkAccessManager m_manager;
};

} // namespace shardscope
