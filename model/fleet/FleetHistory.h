#pragma once

#include "model/history/StateTimeline.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <vector>

namespace shardscope {

class ClusterModel;
class FleetModel;

// The fleet over time, sampled once a second: each node's state (a StateTimeline row per
// node, equal states merged into runs), the cluster's load (requests/s and errors/s summed
// over the nodes, the worst node's p99) and the selected node's, and the cluster restart's
// steps as labelled spans (rolling: the busy nodes; lockstep: the stage under way).
class FleetHistory : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kKeepMs = 5 * 60 * 1000;
    static constexpr int kSampleMs = 1000;

    struct Sample {
        qint64 ms = 0;
        double requests = 0, errors = 0, p99Ms = 0;          // the cluster
        double nodeRequests = 0, nodeErrors = 0, nodeP99Ms = 0; // the selected node
    };
    struct Span {
        qint64 startMs = 0, endMs = 0;
        QString label;
    };

    FleetHistory(FleetModel &fleet, ClusterModel &cluster, QObject *parent = nullptr);

    // Samples every kSampleMs from now on, and each node's state whenever a row changes
    // (tests call sample() themselves).
    void start();
    void sample(qint64 nowMs);
    void setSelectedNode(const QString &id) { m_selected = id; }
    QString selectedNode() const { return m_selected; }

    const StateTimeline &states() const { return m_states; }
    // The node of each timeline row (rows in the order nodes were first seen).
    const QStringList &rowIds() const { return m_ids; }
    // Timeline rows in natural node order.
    std::vector<int> naturalRows() const;
    const std::deque<Sample> &samples() const { return m_samples; }
    const std::vector<Span> &restartSpans() const { return m_spans; }
    qint64 lastMs() const { return m_lastMs; }

Q_SIGNALS:
    void sampled();

private:
    QString restartLabel() const;
    void markRestart(qint64 nowMs, qint64 previousMs);
    // Each node's state now into the timeline; true if one changed.
    bool recordStates(qint64 nowMs);

    FleetModel &m_fleet;
    ClusterModel &m_cluster;
    QTimer m_timer;
    StateTimeline m_states;
    QStringList m_ids;
    std::deque<Sample> m_samples;
    std::vector<Span> m_spans;
    QString m_selected;
    qint64 m_lastMs = 0;
    qint64 m_spanEndMs = 0; // the open restart span's end, 0 when none is open
};

} // namespace shardscope
