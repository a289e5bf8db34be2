#include "model/fleet/FleetHistory.h"

#include "model/cluster/ClusterModel.h"
#include "model/cluster/ClusterProgress.h"
#include "model/cluster/NaturalOrder.h"
#include "model/fleet/FleetModel.h"

#include <QDateTime>

#include <algorithm>

namespace shardscope {

FleetHistory::FleetHistory(FleetModel &fleet, ClusterModel &cluster, QObject *parent)
    : QObject(parent)
    , m_fleet(fleet)
    , m_cluster(cluster)
{
    m_timer.setInterval(kSampleMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { sample(QDateTime::currentMSecsSinceEpoch()); });
    // A state held for less than a second (a node briefly out of reach) still gets its run.
    connect(&m_fleet, &QAbstractItemModel::dataChanged, this, [this] {
        if (m_timer.isActive() && recordStates(QDateTime::currentMSecsSinceEpoch()))
            Q_EMIT sampled();
    });
}

bool FleetHistory::recordStates(qint64 nowMs)
{
    // Rows are never dropped (FleetModel keeps lost and left nodes): only a new row adds an id.
    for (int r = 0; m_ids.size() < m_fleet.rowCount() && r < m_fleet.rowCount(); ++r) {
        if (!m_ids.contains(m_fleet.row(r)->id))
            m_ids << m_fleet.row(r)->id;
    }
    std::vector<int> states(std::size_t(m_ids.size()), int(FleetState::Left));
    for (int i = 0; i < m_ids.size(); ++i) {
        if (const FleetRow *row = m_fleet.row(m_fleet.rowOf(m_ids[i])))
            states[std::size_t(i)] = int(row->state);
    }
    m_lastMs = std::max(m_lastMs, nowMs);
    return m_states.applyStates(nowMs, states);
}

void FleetHistory::start()
{
    m_timer.start();
}

void FleetHistory::sample(qint64 nowMs)
{
    Sample s;
    s.ms = nowMs;
    for (int r = 0; r < m_fleet.rowCount(); ++r) {
        const FleetRow &row = *m_fleet.row(r);
        const double p99Ms = row.p99Us.value_or(0) / 1000.0;
        s.requests += row.requestsPerSec.value_or(0);
        s.errors += row.errorsPerSec.value_or(0);
        s.p99Ms = std::max(s.p99Ms, p99Ms);
        if (row.id == m_selected) {
            s.nodeRequests = row.requestsPerSec.value_or(0);
            s.nodeErrors = row.errorsPerSec.value_or(0);
            s.nodeP99Ms = p99Ms;
        }
    }
    const qint64 before = m_lastMs;
    recordStates(nowMs);
    m_samples.push_back(s);
    while (!m_samples.empty() && m_samples.front().ms < nowMs - kKeepMs)
        m_samples.pop_front();
    markRestart(nowMs, before);
    Q_EMIT sampled();
}

std::vector<int> FleetHistory::naturalRows() const
{
    std::vector<int> rows(std::size_t(m_ids.size()));
    for (int i = 0; i < int(rows.size()); ++i)
        rows[std::size_t(i)] = i;
    std::sort(rows.begin(), rows.end(), [this](int a, int b) { return naturalLess(m_ids[a], m_ids[b]); });
    return rows;
}

// What the restart is doing now, in a few words; empty while none runs.
QString FleetHistory::restartLabel() const
{
    const ClusterProgress p = clusterProgress(m_cluster.nodes(), m_cluster.restart());
    if (!p.running)
        return {};
    for (const auto &stage : p.stages) {
        if (stage.mark == ClusterProgress::Mark::Running)
            return stage.name;
    }
    QStringList busy;
    for (const auto &n : p.nodes) {
        if (n.mark == ClusterProgress::Mark::Running)
            busy << n.id;
    }
    return busy.isEmpty() ? p.state : busy.join(QLatin1Char(' '));
}

// Equal labels in a row extend one span; a new label starts the next.
void FleetHistory::markRestart(qint64 nowMs, qint64 previousMs)
{
    const QString label = restartLabel();
    const bool open = !m_spans.empty() && m_spans.back().endMs == m_spanEndMs && m_spanEndMs > 0;
    if (open && m_spans.back().label == label && !label.isEmpty())
        m_spans.back().endMs = nowMs;
    else if (!label.isEmpty())
        m_spans.push_back({open ? m_spanEndMs : std::max(previousMs, nowMs - kSampleMs), nowMs, label});
    m_spanEndMs = label.isEmpty() ? 0 : nowMs;
    while (!m_spans.empty() && m_spans.front().endMs < nowMs - kKeepMs)
        m_spans.erase(m_spans.begin());
}

} // namespace shardscope
