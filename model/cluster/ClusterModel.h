#pragma once

#include "model/client/BackendClient.h"
#include "model/cluster/ClusterEventLog.h"
#include "model/cluster/ClusterNodes.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace shardscope {

class ClusterClient;
class NodeConsole;
class NodeFollower;
class ShardTableModel;
struct NodeFigures;

// What the cluster console's views read: one row per node ever seen (a node that leaves
// or is lost stays, marked so, with since when), each up node's shard rows through its
// own follower, and the cluster's header facts. Views talk to this object only.
class ClusterModel : public QObject
{
    Q_OBJECT
public:
    // A status older than this no longer vouches for nodes etcd has dropped: they are lost.
    static constexpr std::int64_t kStatusStaleMs = 3000;

    explicit ClusterModel(ClusterClient &client, QObject *parent = nullptr);
    ~ClusterModel() override;

    // Starts discovery and status polling; followers start as nodes are found.
    void start();
    bool isStarted() const { return m_started; }
    QString clusterName() const;
    QString etcdUrl() const;

    const std::vector<ClusterNodeRow> &nodes() const { return m_rows; }
    const ClusterNodeRow *node(const QString &id) const;
    // The node's shard rows (its tiles); null before it was first followed.
    ShardTableModel *shardsOf(const QString &id) const;
    // The console holds the node's event stream (or polls it) right now.
    bool followingLive(const QString &id) const;
    // The console's own link to the node (its follower); nullopt before it is followed.
    std::optional<ConnectionStatus> linkOf(const QString &id) const;
    // From the first call on, every node is followed through its summary (shard states,
    // versions, queues, the node's totals: per-shard counters and latencies read 0) and
    // only these nodes (the ones in view) in full detail, every shard's counters at 20 Hz.
    // Until then every node is followed in detail, as views that show every shard's
    // counters for every node need.
    void setDetailNodes(const QStringList &ids);
    bool detailed(const QString &id) const { return m_detailAll || m_detailNodes.contains(id); }
    // The node opened as the single-node console opens a service, for its drill-down; null
    // before the model runs or while the node has no URL. Started; the caller owns it.
    std::unique_ptr<NodeConsole> openConsole(const QString &id) const;
    // The node's load as last seen (rates over about a second); null before it was followed.
    const NodeFigures *figuresOf(const QString &id) const;
    // Stream bytes read from all nodes so far: what following the fleet costs the wire.
    quint64 bytesReceived() const;
    quint64 bytesReceivedFrom(const QString &id) const; // from its current follower

    int nodesUp() const;
    int shardsUp() const;      // shards of the nodes up
    quint64 inFlight() const;  // requests in flight on the nodes up, as last seen
    std::map<std::int64_t, int> versions() const; // nodes up by version
    QString coordinator() const { return m_status.coordinator; }
    // The node whose GET /v1/cluster/status the console shows, empty before the first.
    QString statusSource() const { return m_status.reportedBy; }
    // etcd as the console reaches it and as the answering node reports it.
    bool etcdOk() const;
    QString etcdText() const;
    const ClusterRestartStatus *restart() const { return m_status.hasRestart ? &m_status.restart : nullptr; }
    bool restartRunning() const { return m_status.hasRestart && m_status.restart.running; }
    // Why no status arrived last time, empty while statuses arrive.
    QString statusProblem() const { return m_statusProblem; }

    // The cluster events of the node the console talks to, read after each status.
    ClusterEventLog &events() { return m_events; }

    void requestRestart(const QString &strategy, int graceMs, int settleMs);
    void requestRestart(const QJsonObject &body); // as the restart dialog makes it (a gate, canaries)
    void abortRestart();
    // The HTTP client the model reads through (the restart history asks it too).
    ClusterClient &client() { return m_client; }

    // Input of one status or discovery round; called by the client's signals (and tests).
    void applyStatus(const ClusterStatus &status, std::int64_t nowMs);
    void applyMembers(const std::vector<ClusterMember> &members, std::int64_t nowMs);

Q_SIGNALS:
    void started(); // discovery began: from here on the model moves with the wall clock
    void changed();                 // rows, header facts or command state
    void nodeAdded(const QString &id);
    void nodeFrame(const QString &id); // a node's shard rows were updated
    void commandFinished(const QString &command, bool ok, const QString &message);

private:
    void follow();
    void publish(const std::vector<ClusterNodeRow> &before);
    void askEvents();
    QString nodeIdAt(const QString &url) const;

    ClusterClient &m_client;
    std::vector<ClusterNodeRow> m_rows;
    ClusterStatus m_status;
    std::int64_t m_statusAtMs = 0;
    QString m_statusProblem;
    std::map<QString, std::unique_ptr<NodeFollower>> m_followers;
    QStringList m_detailNodes;
    bool m_detailAll = true; // until setDetailNodes()
    quint64 m_bytesDropped = 0; // from followers replaced since
    ClusterEventLog m_events;
    bool m_started = false;
};

} // namespace shardscope
