#include "model/cluster/NodeFollower.h"

#include "model/client/NodeSummaryClient.h"
#include "model/client/RemoteBackendClient.h"
#include "model/console/SnapshotPump.h"
#include "model/shards/ShardTableModel.h"
#include "model/shards/SkewAnalysis.h"

#include <QDateTime>

namespace shardscope {
namespace {
constexpr qint64 kRateWindowMs = 900; // summaries come about once a second at rest
}

NodeFollower::NodeFollower(const QUrl &url, const QByteArray &token, QObject *parent)
    : QObject(parent)
    , m_url(url)
    , m_token(token)
    , m_summary(std::make_unique<NodeSummaryClient>(url, token))
    , m_shards(new ShardTableModel(this))
{
    connect(m_summary.get(), &NodeSummaryClient::summaryReceived, this, &NodeFollower::applySummary);
    connect(m_summary.get(), &NodeSummaryClient::liveChanged, this, [this] { Q_EMIT liveChanged(live()); });
}

NodeFollower::~NodeFollower()
{
    if (m_pump)
        m_pump->stop();
}

// During a hand-over both streams run: either one live is enough.
bool NodeFollower::live() const
{
    return (m_detail && m_detail->connection().live) || m_summary->live();
}

quint64 NodeFollower::bytesReceived() const
{
    return m_bytesBefore + m_summary->bytesReceived() + (m_detail ? m_detail->streamBytesReceived() : 0);
}

// The stream that feeds the rows: the detail once it flows (or alone), else the summary.
ConnectionStatus NodeFollower::connection() const
{
    if (m_detail && (m_detail->connection().live || !m_summary->running()))
        return m_detail->connection();
    return m_summary->connection();
}

void NodeFollower::start()
{
    m_started = true;
    if (m_detail)
        startDetail();
    else
        m_summary->start();
}

// The stream going out stays until the one coming in has delivered, so the rows never
// go blank or read "not reachable" only because the console switched.
void NodeFollower::setDetailed(bool on)
{
    if (on == m_wantDetail)
        return;
    m_wantDetail = on;
    if (on && !m_detail) {
        m_detail = std::make_unique<RemoteBackendClient>(m_url, m_token);
        m_pump = std::make_unique<SnapshotPump>(
            *m_detail, [this](const ServiceSnapshot &s, const std::vector<ServiceEvent> &) { applyDetail(s); });
        connect(m_detail.get(), &BackendClient::connectionChanged, this, [this] { Q_EMIT liveChanged(live()); });
        if (m_started)
            startDetail();
    } else if (!on && m_started && !m_summary->running()) {
        m_summary->start();
    }
}

void NodeFollower::startDetail()
{
    m_detail->connectToService();
    m_pump->start();
}

void NodeFollower::dropDetail()
{
    m_pump->stop();
    m_pump.reset();
    m_bytesBefore += m_detail->streamBytesReceived();
    m_detail.reset();
}

void NodeFollower::applySummary()
{
    if (!m_wantDetail && m_detail)
        dropDetail();
    const NodeSummary &s = m_summary->summary();
    m_figures.queueDepth = s.queueDepth;
    m_figures.inFlight = s.inFlight;
    apply(s.toSnapshot(), s.processed, s.failed, s.latencyP99Us);
}

void NodeFollower::applyDetail(const ServiceSnapshot &snapshot)
{
    if (!m_detail->connection().live && snapshot.shards.empty())
        return; // nothing seen yet: keep what the summary showed
    if (m_wantDetail && m_summary->running() && m_detail->connection().live)
        m_summary->stop();
    quint64 processed = 0, failed = 0, queue = 0, inFlight = 0;
    quint32 p99 = 0;
    for (const ShardSnapshot &s : snapshot.shards) {
        processed += s.processed;
        failed += s.failed;
        queue += s.queueDepth;
        inFlight += s.inFlight;
        p99 = std::max(p99, s.latencyP99Us);
    }
    m_figures.queueDepth = queue;
    m_figures.inFlight = inFlight;
    apply(snapshot, processed, failed, p99);
}

void NodeFollower::apply(const ServiceSnapshot &snapshot, quint64 processed, quint64 failed, quint32 p99Us)
{
    m_shards->apply(snapshot, analyseSkew(snapshot.shards));
    m_shardCount = int(snapshot.shards.size());
    m_figures.latencyP99Us = p99Us;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Totals that went down belong to a new instance: the rate starts over.
    const bool restarted = processed < m_rateProcessed || failed < m_rateFailed;
    if (m_rateAtMs == 0 || restarted) {
        m_figures.requestsPerS = m_figures.errorsPerS = 0;
        m_rateAtMs = now;
        m_rateProcessed = processed;
        m_rateFailed = failed;
    } else if (now - m_rateAtMs >= kRateWindowMs) {
        const double seconds = double(now - m_rateAtMs) / 1000.0;
        m_figures.requestsPerS = double(processed - m_rateProcessed) / seconds;
        m_figures.errorsPerS = double(failed - m_rateFailed) / seconds;
        m_rateAtMs = now;
        m_rateProcessed = processed;
        m_rateFailed = failed;
    }
    m_figures.processed = processed;
    m_figures.failed = failed;
    Q_EMIT frame();
}

} // namespace shardscope
