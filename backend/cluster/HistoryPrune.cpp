#include "backend/cluster/HistoryPrune.h"

#include <QJsonArray>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace shardscope {
namespace {
constexpr std::int64_t kMaxDeletesPerTxn = 100; // etcd's default --max-txn-ops is 128
}

void pruneHistory(EtcdClient &etcd, const ClusterConfig &config, std::int64_t fence, std::int64_t count)
{
    const std::int64_t excess = std::min(count - kKeptHistory, kMaxDeletesPerTxn);
    if (excess <= 0 || !fence)
        return;
    const QByteArray history = config.key(QStringLiteral("restart/history/"));
    QJsonObject oldest = etcd::requestRange(history, etcd::prefixEnd(history), excess).value(QStringLiteral("request_range")).toObject();
    oldest.insert(QStringLiteral("sort_order"), QStringLiteral("ASCEND"));
    oldest.insert(QStringLiteral("sort_target"), QStringLiteral("MOD"));
    oldest.insert(QStringLiteral("keys_only"), true);
    etcd.call(QStringLiteral("/v3/kv/range"), oldest, [&etcd, leader = config.key(QStringLiteral("leader")), fence](const EtcdReply &r) {
        QJsonArray deletes;
        for (const etcd::KeyValue &kv : etcd::keyValues(r.json))
            deletes.append(etcd::requestDelete(kv.key));
        if (!r.ok || deletes.isEmpty())
            return;
        etcd.txn(etcd::txn({etcd::compareCreate(leader, fence)}, deletes), [n = deletes.size()](const EtcdReply &d) {
            if (d.ok && etcd::succeeded(d.json))
                spdlog::info("cluster: pruned the {} oldest restart history entries (keeping {})", n, kKeptHistory);
        });
    });
}

} // namespace shardscope
