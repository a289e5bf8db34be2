#include "model/cluster/NodeFollower.h"

#include "model/client/RemoteBackendClient.h"
#include "model/console/SnapshotPump.h"
#include "model/shards/ShardTableModel.h"
#include "model/shards/SkewAnalysis.h"

namespace shardscope {

NodeFollower::NodeFollower(const QUrl &url, const QByteArray &token, QObject *parent)
    : QObject(parent)
    , m_url(url)
    , m_client(std::make_unique<RemoteBackendClient>(url, token))
    , m_shards(new ShardTableModel(this))
    , m_pump(std::make_unique<SnapshotPump>(
          *m_client, [this](const ServiceSnapshot &s, const std::vector<ServiceEvent> &) { apply(s); }))
{
    connect(m_client.get(), &BackendClient::connectionChanged, this, &NodeFollower::liveChanged);
}

NodeFollower::~NodeFollower()
{
    m_pump->stop();
}

bool NodeFollower::live() const
{
    return m_client->connection().live;
}

ConnectionStatus NodeFollower::connection() const
{
    return m_client->connection();
}

void NodeFollower::start()
{
    m_client->connectToService();
    m_pump->start();
}

void NodeFollower::apply(const ServiceSnapshot &snapshot)
{
    m_shards->apply(snapshot, analyseSkew(snapshot.shards));
    quint64 inFlight = 0;
    for (const ShardSnapshot &s : snapshot.shards)
        inFlight += s.inFlight;
    m_inFlight = inFlight;
    m_shardCount = int(snapshot.shards.size());
    Q_EMIT frame();
}

} // namespace shardscope
