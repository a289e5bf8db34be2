#pragma once

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/ClusterView.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>

namespace shardscope {

// What this node knows for certain of lockstep restarts' outcomes, and how an uncertain
// node (it voted, then lost the coordinator) finds out. Proof of an outcome is only: the
// mark in etcd (restart/current in state committed or rolling_back, or the history entry
// with or without its commit), the coordinator's own successful fenced commit, or a peer
// that has such proof (cooperative termination). A push, a timer or a guess is never
// proof. Cluster thread.
class LockstepOutcome
{
public:
    enum class Known { Unknown, Committed, RolledBack };
    using Learned = std::function<void(const QString &id, Known outcome, const QString &how)>;

    LockstepOutcome(ClusterContext context, Learned learned);

    Known known(const QString &id) const;
    QString how(const QString &id) const; // the proof the known outcome came with
    // Records proof: from a view of etcd, the coordinator's write, or a peer.
    void learn(const QString &id, Known outcome, const QString &how);
    // Reads the marks of every lockstep restart in `view` (current and newest history).
    void noteView(const ClusterView &view);
    // Asks etcd (one linearizable read of restart/current and restart/history/<id>) and
    // every peer URL for restart `id`'s outcome; answers arrive through `learned`.
    // `uncertain`: this node voted and is past its commit wait, so a peer that has not
    // voted (or the coordinator that never sent the commit) may decide the rollback.
    void seek(const QString &id, const QStringList &peerUrls, bool uncertain);

    static QString text(Known outcome);
    static Known fromJournal(const QJsonObject &journal);

private:
    void askEtcd(const QString &id);
    void askPeer(const QString &id, const QString &url, bool uncertain);

    ClusterContext m_node;
    Learned m_learned;
    struct Entry {
        QString id;
        Known outcome;
        QString how;
    };
    std::deque<Entry> m_known; // newest last, bounded
    QNetworkAccessManager m_peers; // its own connections: never queued behind etcd's
};

} // namespace shardscope
