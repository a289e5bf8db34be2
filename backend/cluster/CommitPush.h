#pragma once

#include "backend/cluster/ClusterView.h"

#include <QByteArray>
#include <QNetworkAccessManager>

#include <cstdint>

namespace shardscope {

// The coordinator's wake-up after a lockstep commit: once its fenced write of the commit
// mark succeeded, it tells every node in the restart directly (POST <node url>/v1/cluster/
// commit with the restart id and its fence). The push is no proof: a node that gets it
// looks for proof at once (etcd, then its peers, this coordinator among them), so one that
// can no longer read etcd still learns the commit. Best effort. Cluster thread.
class CommitPush
{
public:
    static constexpr int kTimeoutMs = 2000;

    explicit CommitPush(QByteArray token) : m_token(std::move(token)) {}

    void push(const QJsonObject &journal, const ClusterView &view, std::int64_t fence);

private:
    QByteArray m_token; // this node's bearer token: the nodes of a cluster share one
    QNetworkAccessManager m_manager;
};

} // namespace shardscope
