#include "backend/cluster/MemberRegistration.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace shardscope {

void registerMember(EtcdClient &etcd, const ClusterConfig &config, const QByteArray &value, std::int64_t lease,
                    std::function<void(const RegisterOutcome &)> done)
{
    using Kind = RegisterOutcome::Kind;
    const QByteArray key = config.key(QStringLiteral("members/") + config.nodeId);
    const QJsonArray writes{etcd::requestPut(key, value, lease), etcd::requestDelete(config.key(QStringLiteral("left/") + config.nodeId))};
    const QJsonObject ifAbsent = etcd::txn({etcd::compareCreate(key, 0)}, writes, {etcd::requestRange(key)});
    etcd.txn(ifAbsent, [&etcd, key, writes, run = config.run, done = std::move(done)](const EtcdReply &r) {
        if (!r.ok)
            return done({Kind::Failed, {}, r});
        if (etcd::succeeded(r.json))
            return done({Kind::Registered, {}, r});
        const auto held = etcd::txnRange(r.json, 0);
        if (held.empty())
            return done({Kind::Failed, {}, {true, {}, {}, false}}); // it just went: try again
        const QJsonObject value = QJsonDocument::fromJson(held.front().value).object();
        if (value.value(QStringLiteral("run")).toString() != run) {
            return done({Kind::HeldByAnotherRun,
                         {value.value(QStringLiteral("url")).toString(), value.value(QStringLiteral("run")).toString(), held.front().lease}, r});
        }
        // Ours from an earlier lease of this run: replace it if nobody wrote it since.
        etcd.txn(etcd::txn({etcd::compareMod(key, held.front().modRevision)}, writes), [done](const EtcdReply &w) {
            done({w.ok && etcd::succeeded(w.json) ? Kind::Registered : Kind::Failed, {}, w});
        });
    });
}

QString tokenDigest(const QByteArray &token)
{
    if (token.isEmpty())
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex().left(16));
}

} // namespace shardscope
