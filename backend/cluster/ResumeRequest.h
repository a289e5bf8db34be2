#pragma once

#include <QJsonObject>
#include <QStringList>

#include <functional>

namespace shardscope {

class ClusterNode;

// The answer to POST /v1/cluster/restart/resume; the HTTP edge picks the status.
struct ResumeAnswer {
    enum class Kind {
        Accepted,       // body: {"restart_id", "resumed_from", "journal"}
        BadRequest,     // the body is not {"restart_id": "<id>"}
        UnknownRestart, // no such history entry
        Blocked,        // every reason it cannot be resumed now, in `blockers`
        Unavailable,    // the new journal's write got no answer: outcome unknown
    };
    Kind kind = Kind::Unavailable;
    QJsonObject body;
    QString message;
    QStringList blockers;
};
using ResumeDone = std::function<void(const ResumeAnswer &)>;

// Cluster thread. Resumes the newest history entry `restart_id` when it is a rolling
// restart that ended failed, aborted, rolled_back or stopped, after preflight checks
// (etcd reachable, no restart running, every node of the journal registered, up and
// ready, each on the version the journal expects: done nodes on the target, the others on
// their start version, or on the target when the journal saw them reach it). The new
// restart copies the strategy, options and target, says "resumed_from", keeps done nodes
// done ("done in restart X") and lets the others wait; the ordinary RollingRun runs it.
void resumeClusterRestart(ClusterNode &node, const QByteArray &body, const QString &client, const ResumeDone &done);

// The new journal for resuming `ended` (pure, for tests): id, requester and node set.
QJsonObject resumedJournal(const QJsonObject &ended, std::uint64_t id, const QString &client, const QString &self);

// What keeps `ended` from being resumed on the cluster `view` shows (empty: nothing).
struct ClusterView;
QStringList resumeBlockers(const QJsonObject &ended, const ClusterView &view);

} // namespace shardscope
