#pragma once

#include "backend/cluster/ClusterView.h"

#include <QByteArray>
#include <QNetworkAccessManager>

#include <cstdint>

namespace shardscope {

// The coordinator's second channel for a lockstep commit: once its fenced write of the
// commit mark succeeded, it also tells every node in the restart directly (POST
// <node url>/v1/cluster/commit with the restart id and its fence), so a node that can no
// longer read etcd (etcd died right after the mark) rolls forward with the others instead
// of reopening on v at its deadline. Best effort: a node that misses the push still reads
// the mark from etcd. Cluster thread.
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
