#pragma once

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/ClusterView.h"
#include "backend/cluster/LockstepOutcome.h"
#include "backend/types/CommandOutcome.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

namespace shardscope {

class CommitPoint;
class ShardService;

// This node's share of a lockstep cluster restart, on the cluster thread. When the
// journal is "running" under the current coordinator's fence with this node "preparing",
// it starts a split phased restart (prepare..verify to the journal's target version,
// then wait at a CommitPoint, gate closed), votes and reports "verified".
// Before it votes, a deadline, a local abort or a failure rolls it back on its own (the
// cluster cannot commit without its vote). After it votes it decides only on proof of
// the outcome (LockstepOutcome): the mark in etcd, or a peer that knows it. While it
// cannot know, its gate stays closed and its readiness is 503; held requests get 503 with
// Retry-After at their deadline. A node that finds itself behind a committed restart it
// belongs to (restarted by its supervisor after it voted) catches up to the target.
class NodeLockstep : public QObject
{
    Q_OBJECT
public:
    // What /v1/service/ready should say while lockstep owns the node (any thread).
    enum class Readiness { Normal, Holding, Uncertain, Behind };

    NodeLockstep(ClusterContext context, ShardService &service);
    ~NodeLockstep() override;

    void onView(const ClusterView &view);
    // POST /v1/cluster/commit: the coordinator's wake-up after its commit mark. Not proof by
    // itself: the node looks for proof (etcd, then its peers) and resumes when it has it.
    Refusal commitPushed(const QString &id, std::int64_t fence, QString *why);
    // POST /v1/cluster/lockstep/outcome: a peer asks. When the peer is `uncertain`, a node
    // that has not voted in `id` promises never to and answers rolled_back, and a
    // coordinator that never sent the commit gives it up (cooperative termination);
    // otherwise the answer is only what this node knows.
    QJsonObject outcomeFor(const QString &id, bool uncertain);
    // The coordinator's fenced commit of `id` succeeded (LockstepRun on this node).
    void committedHere(const QString &id);
    // This node's coordinator side: `renounce(id)` is true when it never sent restart
    // id's commit and now never will (LockstepRun::renounce).
    void setCoordinatorSide(std::function<bool(const QString &)> renounce) { m_renounce = std::move(renounce); }
    Readiness readiness() const { return Readiness(m_readiness.load()); }
    QString readinessWhy() const;

private:
    void begin(const QJsonObject &journal, const ClusterView &view);
    void catchUp(const QJsonObject &journal);
    void check();
    void seekIfUncertain();
    void onLearned(const QString &id, LockstepOutcome::Known outcome, const QString &how);
    void reportEnd();
    void report(const QString &step, const QString &message);
    void resendIfLost(const ClusterView &view);
    void setReadiness(Readiness r);
    bool localRestartRunning() const;
    // Proof of a rollback this node can give itself: it held the restart's fence and
    // never sent the commit.
    bool renouncedHere(const QString &id);

    ClusterContext m_node;
    ShardService &m_service;
    LockstepOutcome m_outcomes;
    std::int64_t m_fence = 0;  // the fence of the journal this node's restart began under
    bool m_fenceMine = false;  // ... and this node held it: only it could ever commit
    std::function<bool(const QString &)> m_renounce;
    QString m_restartId;       // the lockstep restart this node is in or finished last
    QStringList m_peerUrls;    // the other nodes of that restart, to ask when uncertain
    std::set<QString> m_declined; // restarts this node promised a peer never to begin
    std::set<QString> m_caughtUp; // committed restarts this run tried to catch up to
    std::shared_ptr<CommitPoint> m_point;
    std::uint64_t m_localRestartId = 0;
    std::int64_t m_fromVersion = 0;
    std::int64_t m_target = 0;
    bool m_hold = false;       // the restart holds requests (admission hold)
    bool m_catchingUp = false;
    QJsonObject m_lastReport;
    QTimer m_watchTimer;
    QElapsedTimer m_lastSeek;
    std::atomic<int> m_readiness{int(Readiness::Normal)};
    mutable std::mutex m_whyMutex;
    QString m_why; // readinessWhy(), guarded by m_whyMutex
};

} // namespace shardscope
