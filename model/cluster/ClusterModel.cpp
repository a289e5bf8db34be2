#include "model/cluster/ClusterModel.h"

#include "model/client/ClusterClient.h"
#include "model/cluster/NodeConsole.h"
#include "model/cluster/NodeFollower.h"

#include <QDateTime>

#include <algorithm>

namespace shardscope {

ClusterModel::ClusterModel(ClusterClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    const auto now = [] { return QDateTime::currentMSecsSinceEpoch(); };
    connect(&client, &ClusterClient::statusReceived, this, [this, now](const ClusterStatus &s) {
        applyStatus(s, now());
        askEvents();
    });
    connect(&client, &ClusterClient::eventsReceived, this, [this, now](const QString &url, quint64 since, const ClusterEventPage &page) {
        m_events.applyPage(url, nodeIdAt(url), since, page, now());
    });
    connect(&client, &ClusterClient::membersDiscovered, this,
            [this, now](const std::vector<ClusterMember> &m) { applyMembers(m, now()); });
    connect(&client, &ClusterClient::statusFailed, this, [this](const QString &why) {
        m_statusProblem = why;
        Q_EMIT changed();
    });
    connect(&client, &ClusterClient::etcdChanged, this, &ClusterModel::changed);
    connect(&client, &ClusterClient::commandFinished, this, &ClusterModel::commandFinished);
}

ClusterModel::~ClusterModel() = default;

void ClusterModel::start()
{
    m_started = true;
    m_client.start();
    follow();
    Q_EMIT started();
}

QString ClusterModel::clusterName() const
{
    return m_client.cluster();
}

QString ClusterModel::etcdUrl() const
{
    return m_client.etcd().toString(QUrl::StripTrailingSlash);
}

const ClusterNodeRow *ClusterModel::node(const QString &id) const
{
    auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const ClusterNodeRow &r) { return r.id == id; });
    return it == m_rows.end() ? nullptr : &*it;
}

ShardTableModel *ClusterModel::shardsOf(const QString &id) const
{
    auto it = m_followers.find(id);
    return it == m_followers.end() ? nullptr : &it->second->shards();
}

bool ClusterModel::followingLive(const QString &id) const
{
    auto it = m_followers.find(id);
    return it != m_followers.end() && it->second->live();
}

std::optional<ConnectionStatus> ClusterModel::linkOf(const QString &id) const
{
    auto it = m_followers.find(id);
    if (it == m_followers.end())
        return std::nullopt;
    return it->second->connection();
}

void ClusterModel::setDetailNodes(const QStringList &ids)
{
    m_detailNodes = ids;
    m_detailAll = false;
    for (auto &[id, f] : m_followers)
        f->setDetailed(detailed(id));
}

const NodeFigures *ClusterModel::figuresOf(const QString &id) const
{
    auto it = m_followers.find(id);
    return it == m_followers.end() ? nullptr : &it->second->figures();
}

quint64 ClusterModel::bytesReceived() const
{
    quint64 total = m_bytesDropped;
    for (const auto &[id, f] : m_followers)
        total += f->bytesReceived();
    return total;
}

quint64 ClusterModel::bytesReceivedFrom(const QString &id) const
{
    auto it = m_followers.find(id);
    return it == m_followers.end() ? 0 : it->second->bytesReceived();
}

int ClusterModel::nodesUp() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const ClusterNodeRow &r) { return r.up(); }));
}

int ClusterModel::shardsUp() const
{
    int total = 0;
    for (const ClusterNodeRow &r : m_rows)
        total += r.up() ? r.shards : 0;
    return total;
}

quint64 ClusterModel::inFlight() const
{
    quint64 total = 0;
    for (const ClusterNodeRow &r : m_rows) {
        auto it = m_followers.find(r.id);
        if (r.up() && it != m_followers.end())
            total += it->second->inFlight();
    }
    return total;
}

std::map<std::int64_t, int> ClusterModel::versions() const
{
    std::map<std::int64_t, int> out;
    for (const ClusterNodeRow &r : m_rows) {
        if (r.up())
            ++out[r.version];
    }
    return out;
}

bool ClusterModel::etcdOk() const
{
    return m_client.etcdReachable() && (m_status.nodes.empty() || m_status.etcdOk);
}

QString ClusterModel::etcdText() const
{
    if (!m_client.etcdReachable())
        return m_client.etcdError(); // "etcd at URL does not answer: ..."
    if (!m_status.nodes.empty() && !m_status.etcdOk)
        return QStringLiteral("etcd unreachable from %1 (%2)").arg(m_status.reportedBy, m_status.etcdError);
    return QStringLiteral("etcd ok");
}

void ClusterModel::requestRestart(const QString &strategy, int graceMs, int settleMs)
{
    m_client.requestRestart(strategy, graceMs, settleMs);
}

void ClusterModel::requestRestart(const QJsonObject &body)
{
    m_client.requestRestart(body);
}

void ClusterModel::abortRestart()
{
    m_client.abortRestart();
}

// The events come from the node whose status just came: the node the console talks to.
void ClusterModel::askEvents()
{
    const QString url = m_client.answeringUrl();
    m_client.fetchEvents(url, m_events.sinceFor(url));
}

QString ClusterModel::nodeIdAt(const QString &url) const
{
    auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const ClusterNodeRow &r) { return r.url == url; });
    return it != m_rows.end() ? it->id : url;
}

void ClusterModel::applyStatus(const ClusterStatus &status, std::int64_t nowMs)
{
    const auto before = m_rows;
    m_status = status;
    m_statusAtMs = nowMs;
    m_statusProblem.clear();
    foldStatus(m_rows, status, nowMs);
    publish(before);
}

void ClusterModel::applyMembers(const std::vector<ClusterMember> &members, std::int64_t nowMs)
{
    const auto before = m_rows;
    // With no node answering (all down, or none reachable), etcd alone says who is there.
    const bool fresh = nowMs - m_statusAtMs < kStatusStaleMs;
    foldMembers(m_rows, members, fresh ? m_status : ClusterStatus{}, nowMs);
    publish(before);
}

void ClusterModel::publish(const std::vector<ClusterNodeRow> &before)
{
    follow();
    for (const ClusterNodeRow &r : m_rows) {
        if (std::none_of(before.begin(), before.end(), [&](const ClusterNodeRow &b) { return b.id == r.id; }))
            Q_EMIT nodeAdded(r.id);
    }
    Q_EMIT changed();
}

// A follower per node with a URL, started once the model runs (in detail if it is in
// view, else through its summary); a node that comes back at another address gets a new one. Followers of lost nodes stay: their tiles keep the last
// state seen, greyed by the view.
void ClusterModel::follow()
{
    if (!m_started)
        return;
    for (const ClusterNodeRow &r : m_rows) {
        if (r.url.isEmpty())
            continue;
        auto &f = m_followers[r.id];
        if (f && f->url() == QUrl(r.url))
            continue;
        if (f)
            m_bytesDropped += f->bytesReceived();
        f = std::make_unique<NodeFollower>(QUrl(r.url), m_client.token());
        f->setDetailed(detailed(r.id));
        const QString id = r.id;
        connect(f.get(), &NodeFollower::frame, this, [this, id] { Q_EMIT nodeFrame(id); });
        connect(f.get(), &NodeFollower::liveChanged, this, &ClusterModel::changed);
        f->start();
    }
}

std::unique_ptr<NodeConsole> ClusterModel::openConsole(const QString &id) const
{
    const ClusterNodeRow *r = node(id);
    if (!m_started || !r || r->url.isEmpty())
        return nullptr;
    auto console = std::make_unique<NodeConsole>(id, QUrl(r->url), m_client.token());
    console->start();
    return console;
}

} // namespace shardscope
