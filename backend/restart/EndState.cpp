#include "backend/restart/EndState.h"

#include "backend/types/ShardList.h"

#include <QStringList>

#include <map>

namespace shardscope {
namespace {

QString stateName(ShardState s)
{
    const std::string_view name = toString(s);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

// Why a shard in this state matters to a client.
QString consequence(ShardState s)
{
    switch (s) {
    case ShardState::Canceled:
    case ShardState::Failed:
    case ShardState::Stopped:
        return QStringLiteral("requests to them get 503");
    case ShardState::Gated:
    case ShardState::Draining:
    case ShardState::Restarting:
    case ShardState::Verifying:
        return QStringLiteral("they are still in a restart state");
    case ShardState::Serving:
        return QStringLiteral("they still serve requests");
    }
    return {};
}

QString versionSkew(const ServiceSnapshot &snapshot, const QString &after)
{
    std::map<Version, int> perVersion;
    for (const ShardSnapshot &s : snapshot.shards)
        ++perVersion[s.version];
    if (perVersion.size() <= 1)
        return {};
    QStringList parts;
    for (const auto &[version, count] : perVersion)
        parts << QStringLiteral("v%1 on %2").arg(version).arg(count);
    return QStringLiteral("shards serve %1 versions after %2 (%3): a client may get either")
        .arg(perVersion.size()).arg(after, parts.join(QStringLiteral(", ")));
}

} // namespace

RestartResult judgedByEndState(RestartResult result, const ServiceSnapshot &snapshot, ExpectedEnd expected,
                               const QString &after)
{
    const QString problem = endStateProblem(snapshot, expected, after);
    if (problem.isEmpty())
        return result;
    // A legacy restart's steps all "succeed" while 7 of 8 shards are left canceled.
    result.message = result.completed() || result.message.isEmpty() ? problem : problem + QStringLiteral("; ") + result.message;
    result.outcome = CommandOutcome::Failed;
    return result;
}

QString endStateProblem(const ServiceSnapshot &snapshot, ExpectedEnd expected, const QString &after)
{
    const ShardState wanted = expected == ExpectedEnd::Stopped ? ShardState::Stopped : ShardState::Serving;
    std::map<ShardState, std::vector<ShardId>> off; // ordered by state: canceled before failed, ...
    for (const ShardSnapshot &s : snapshot.shards) {
        if (s.state != wanted)
            off[s.state].push_back(s.id);
    }
    const int total = int(snapshot.shards.size());
    if (off.empty())
        return expected == ExpectedEnd::ServingOneVersion ? versionSkew(snapshot, after) : QString();
    // The largest group leads: it is what the operator must act on first.
    auto worst = off.begin();
    for (auto it = off.begin(); it != off.end(); ++it) {
        if (it->second.size() > worst->second.size())
            worst = it;
    }
    QStringList groups{QStringLiteral("%1 of %2 shards %3").arg(worst->second.size()).arg(total).arg(stateName(worst->first))};
    for (auto it = off.begin(); it != off.end(); ++it) {
        if (it != worst)
            groups << QStringLiteral("%1 %2").arg(it->second.size()).arg(stateName(it->first));
    }
    return QStringLiteral("%1 after %2 (shards %3): %4")
        .arg(groups.join(QStringLiteral(", ")), after, shardList(worst->second), consequence(worst->first));
}

} // namespace shardscope
