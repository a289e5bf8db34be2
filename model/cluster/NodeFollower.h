#pragma once

#include "model/client/BackendClient.h"

#include <QObject>
#include <QUrl>

#include <memory>

namespace shardscope {

class NodeSummaryClient;
class RemoteBackendClient;
class ShardTableModel;
class SnapshotPump;
struct ServiceSnapshot;

// What the console knows of a node's load, from whichever stream follows it.
struct NodeFigures {
    quint64 processed = 0, failed = 0; // totals since the node started
    quint64 queueDepth = 0, inFlight = 0;
    quint32 latencyP99Us = 0; // the slowest shard's
    double requestsPerS = 0, errorsPerS = 0; // over the last second or so, 0 until known
};

// Follows one node for the cluster console. By default through its summary stream
// (GET /v1/stream?view=summary: shard states and versions packed, totals, a frame when a
// state changes and about once a second else), which is what every row of a fleet needs.
// In detail, for a node the operator looks at, as the remote console does (--connect):
// a RemoteBackendClient, a frame pump and every shard's counters at 20 Hz.
// Either way the shard rows keep the last state seen while the node is unreachable.
class NodeFollower : public QObject
{
    Q_OBJECT
public:
    NodeFollower(const QUrl &url, const QByteArray &token, QObject *parent = nullptr);
    ~NodeFollower() override;

    QUrl url() const { return m_url; }
    ShardTableModel &shards() { return *m_shards; }
    bool live() const;
    // How the console reaches it: live, or why not (refused, no answer) and since when.
    ConnectionStatus connection() const;
    quint64 inFlight() const { return m_figures.inFlight; }
    int shardCount() const { return m_shardCount; }
    const NodeFigures &figures() const { return m_figures; }
    bool detailed() const { return m_wantDetail; }
    // Stream body bytes read from this node so far, both kinds of stream together.
    quint64 bytesReceived() const;
    void start();
    // Full shard detail on (a node in view) or back to the summary.
    void setDetailed(bool on);

Q_SIGNALS:
    void frame();
    void liveChanged(bool live);

private:
    void apply(const ServiceSnapshot &snapshot, quint64 processed, quint64 failed, quint32 p99Us);
    void applySummary();
    void applyDetail(const ServiceSnapshot &snapshot);
    void startDetail();
    void dropDetail();

    QUrl m_url;
    QByteArray m_token;
    bool m_started = false;
    bool m_wantDetail = false;
    std::unique_ptr<NodeSummaryClient> m_summary;
    std::unique_ptr<RemoteBackendClient> m_detail; // while detailed, and until the summary is back
    std::unique_ptr<SnapshotPump> m_pump;
    ShardTableModel *m_shards;
    NodeFigures m_figures;
    int m_shardCount = 0;
    qint64 m_rateAtMs = 0; // when the rates' totals were taken
    quint64 m_rateProcessed = 0, m_rateFailed = 0;
    quint64 m_bytesBefore = 0; // from detail clients since dropped
};

} // namespace shardscope
