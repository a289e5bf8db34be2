#include "model/cluster/ClusterNodes.h"

#include <QDateTime>

#include <algorithm>
#include <functional>
#include <map>

namespace shardscope {
namespace {

ClusterNodeRow &rowFor(std::vector<ClusterNodeRow> &rows, const QString &id)
{
    auto it = std::lower_bound(rows.begin(), rows.end(), id, [](const ClusterNodeRow &r, const QString &key) { return r.id < key; });
    if (it == rows.end() || it->id != id) {
        ClusterNodeRow fresh;
        fresh.id = id;
        fresh.state.clear(); // neither up nor gone yet: the caller decides
        it = rows.insert(it, fresh);
    }
    return *it;
}

void setState(ClusterNodeRow &row, const QString &state, std::int64_t sinceMs)
{
    if (state == QLatin1String("up"))
        row.goneSinceMs = 0;
    else if (row.state != state || row.goneSinceMs == 0)
        row.goneSinceMs = sinceMs;
    row.state = state;
}

} // namespace

void foldStatus(std::vector<ClusterNodeRow> &rows, const ClusterStatus &status, std::int64_t nowMs)
{
    for (const ClusterNodeStatus &n : status.nodes) {
        ClusterNodeRow &row = rowFor(rows, n.id);
        if (!n.url.isEmpty())
            row.url = n.url;
        if (n.shards > 0)
            row.shards = n.shards;
        row.version = n.version;
        row.ready = n.ready && n.state == QLatin1String("up");
        row.phase = n.phase;
        row.coordinator = n.coordinator;
        row.step = n.step;
        row.outcome = n.outcome;
        if (n.lastSeenAtMs > 0)
            row.lastSeenAtMs = n.lastSeenAtMs;
        setState(row, n.state, row.lastSeenAtMs > 0 ? std::min(row.lastSeenAtMs, nowMs) : nowMs);
    }
}

void foldMembers(std::vector<ClusterNodeRow> &rows, const std::vector<ClusterMember> &members,
                 const ClusterStatus &lastStatus, std::int64_t nowMs)
{
    for (const ClusterMember &m : members) {
        ClusterNodeRow &row = rowFor(rows, m.id);
        row.url = m.url;
        row.shards = m.shards;
        if (row.state.isEmpty())
            setState(row, QStringLiteral("up"), nowMs);
    }
    for (ClusterNodeRow &row : rows) {
        const auto inEtcd = std::any_of(members.begin(), members.end(), [&](const ClusterMember &m) { return m.id == row.id; });
        const auto listed = std::any_of(lastStatus.nodes.begin(), lastStatus.nodes.end(),
                                        [&](const ClusterNodeStatus &n) { return n.id == row.id; });
        if (!inEtcd && !listed && row.up()) {
            setState(row, QStringLiteral("lost"), nowMs);
            row.ready = false;
            row.coordinator = false;
        }
    }
}

namespace {

QString clock(std::int64_t ms, bool utc)
{
    const QDateTime t = utc ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime::fromMSecsSinceEpoch(ms);
    return t.toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

std::vector<VersionGroup> versionTally(const std::vector<ClusterNodeRow> &rows)
{
    std::map<std::int64_t, VersionGroup, std::greater<>> groups;
    for (const ClusterNodeRow &r : rows) {
        if (r.state == QLatin1String("left") || (r.version == 0 && !r.up()))
            continue;
        VersionGroup &g = groups[r.version];
        g.version = r.version;
        (r.up() ? g.up : g.lastSeen) << r.id;
    }
    std::vector<VersionGroup> out;
    for (auto &[v, g] : groups) {
        std::sort(g.up.begin(), g.up.end(), naturalLess);
        std::sort(g.lastSeen.begin(), g.lastSeen.end(), naturalLess);
        out.push_back(std::move(g));
    }
    return out;
}

QString restartRefusal(const std::vector<ClusterNodeRow> &rows, bool etcdOk, const QString &etcdText, bool restartRunning)
{
    if (restartRunning)
        return QStringLiteral("A cluster restart runs: wait for it or abort it");
    if (!etcdOk)
        return QStringLiteral("The nodes refuse a cluster restart without etcd: %1").arg(etcdText);
    QStringList lost;
    for (const ClusterNodeRow &r : rows) {
        if (r.state == QLatin1String("lost"))
            lost << r.id;
    }
    std::sort(lost.begin(), lost.end(), naturalLess);
    if (!lost.isEmpty())
        return QStringLiteral("The nodes refuse a cluster restart while a node is lost: %1 %2 lost; it must come back or be removed")
            .arg(lost.join(QStringLiteral(", ")), QLatin1String(lost.size() == 1 ? "is" : "are"));
    if (std::none_of(rows.begin(), rows.end(), [](const ClusterNodeRow &r) { return r.up(); }))
        return QStringLiteral("No node is up");
    return {};
}

QString unreachableText(const std::optional<ConnectionStatus> &link)
{
    if (!link || link->live || link->cause == LossCause::None)
        return {};
    switch (link->cause) {
    case LossCause::Refused: return QStringLiteral("not reachable: connection refused"); // nothing listens: the process is gone
    case LossCause::Timeout: return QStringLiteral("not reachable: no answer (stopped or cut off)");
    case LossCause::Closed: return QStringLiteral("not reachable: it closed the connection");
    case LossCause::Other:
    case LossCause::None: break;
    }
    return QStringLiteral("not reachable: %1").arg(link->detail);
}

bool silent(const std::optional<ConnectionStatus> &link)
{
    return link && !link->live && link->cause == LossCause::Timeout;
}

QString goneText(const ClusterNodeRow &row, std::int64_t eventMs, std::int64_t lastHeardMs, bool utc)
{
    if (row.up())
        return {};
    const QString heard = lastHeardMs > 0 ? QStringLiteral("last heard %1").arg(clock(lastHeardMs, utc)) : QString();
    if (eventMs <= 0)
        return heard.isEmpty() ? row.state.toUpper() : QStringLiteral("%1 (%2)").arg(row.state.toUpper(), heard);
    return QStringLiteral("%1 since %2%3").arg(row.state.toUpper(), clock(eventMs, utc),
                                               heard.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(heard));
}

} // namespace shardscope
