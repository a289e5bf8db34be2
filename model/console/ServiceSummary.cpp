#include "model/console/ServiceSummary.h"

#include "model/shards/ArmedFaults.h"
#include "model/shards/SkewAnalysis.h"
#include "model/shards/StateStyle.h"

#include "backend/types/ShardList.h"

#include <QStringList>

#include <algorithm>

namespace shardscope {

QString versionBanner(const std::vector<std::pair<quint64, int>> &versions)
{
    if (versions.size() < 2)
        return {};
    QString text = QString::number(versions.size()) + QStringLiteral(" versions live: ");
    for (std::size_t i = 0; i < versions.size(); ++i) {
        const auto &[version, count] = versions[i];
        if (i > 0)
            text += QStringLiteral(", ");
        text += u'v' + QString::number(version) + QStringLiteral(" on ") + QString::number(count);
        // Only the first figure carries its unit, as an operator would say it.
        if (i == 0)
            text += count == 1 ? QStringLiteral(" shard") : QStringLiteral(" shards");
    }
    return text;
}

QString versionLine(const std::vector<std::pair<quint64, int>> &versions, int shardCount)
{
    if (versions.size() >= 2)
        return versionBanner(versions);
    if (versions.empty())
        return QStringLiteral("No live actor on any shard");
    const auto &[version, count] = versions.front();
    const QString where = count == shardCount
        ? (count == 1 ? QStringLiteral("the only shard") : QStringLiteral("all %1 shards").arg(count))
        : QStringLiteral("%1 of %2 shards").arg(count).arg(shardCount);
    return QStringLiteral("One version live: v%1 on %2").arg(version).arg(where);
}

namespace {
QString named(const std::vector<int> &ids)
{
    return QStringLiteral(" (%1 %2)").arg(ids.size() == 1 ? QStringLiteral("shard") : QStringLiteral("shards"),
                                         shardList(std::vector<ShardId>(ids.begin(), ids.end())));
}
} // namespace

QString downAlert(const std::vector<int> &canceled, const std::vector<int> &failed, int shardCount)
{
    QStringList parts;
    if (!canceled.empty())
        parts << QStringLiteral("%1 of %2 %3 canceled").arg(canceled.size()).arg(shardCount)
                     .arg(shardCount == 1 ? QStringLiteral("shard") : QStringLiteral("shards")) + named(canceled);
    if (!failed.empty())
        parts << QStringLiteral("%1 of %2 failed").arg(failed.size()).arg(shardCount) + named(failed);
    if (parts.isEmpty())
        return {};
    const bool one = canceled.size() + failed.size() == 1;
    return parts.join(QStringLiteral(", ")) + (one ? QStringLiteral(": requests routed to it get 503")
                                                   : QStringLiteral(": requests routed to them get 503"));
}

QString stalledAlert(const std::vector<int> &stalled, quint32 oldestMs)
{
    if (stalled.empty())
        return {};
    const QString who = stalled.size() == 1 ? QStringLiteral("Shard %1 stalled").arg(stalled.front())
                                            : QStringLiteral("%1 shards stalled").arg(stalled.size()) + named(stalled);
    return who + QStringLiteral(": a request has been in flight for %1 s; requests routed there wait, and a drain would wait for it")
                     .arg(oldestMs / 1000);
}

QString armedFaultsLine(const ServiceSnapshot &snapshot)
{
    QStringList parts;
    for (int bit = 0; bit < kArmedFaultKinds; ++bit) {
        std::vector<ShardId> ids;
        for (const ShardSnapshot &shard : snapshot.shards)
            if (shard.armedFaults & (1u << bit))
                ids.push_back(shard.id);
        if (!ids.empty())
            parts << QStringLiteral("%1 on %2 %3").arg(armedFaultWord(bit), ids.size() == 1 ? QStringLiteral("shard") : QStringLiteral("shards"),
                                                     shardList(ids, 4));
    }
    if (snapshot.badGraphArmed)
        parts << QStringLiteral("bad graph at the next restart");
    return parts.join(QStringLiteral("; "));
}

ServiceSummary summarise(const ServiceSnapshot &snapshot, const SkewReport &skew, const std::vector<int> &stalled)
{
    // A client that has not reached its service yet hands out an empty snapshot nobody took.
    if (snapshot.takenAtMs <= 0 && snapshot.shards.empty())
        return unseenSummary();
    ServiceSummary s;
    s.seen = true;
    const std::string_view phase = toString(snapshot.phase);
    s.phase = QString::fromLatin1(phase.data(), qsizetype(phase.size()));
    s.version = snapshot.version;
    s.majorityVersion = skew.majorityVersion;
    s.ready = snapshot.ready();
    s.shardCount = int(snapshot.shards.size());
    s.heldRequests = snapshot.heldRequests;
    s.faults = armedFaultsLine(snapshot);
    std::vector<int> canceled;
    std::vector<int> failed;
    quint32 stalledOldestMs = 0;
    for (const ShardSnapshot &shard : snapshot.shards) {
        const bool isStalled = std::find(stalled.begin(), stalled.end(), shard.id) != stalled.end();
        if (isStalled)
            stalledOldestMs = std::max(stalledOldestMs, shard.oldestInFlightMs);
        const auto i = isStalled ? std::size_t(kStalledStateIndex) : std::size_t(shard.state);
        if (i < s.stateCounts.size())
            ++s.stateCounts[i];
        if (shard.state == ShardState::Canceled)
            canceled.push_back(shard.id);
        else if (shard.state == ShardState::Failed)
            failed.push_back(shard.id);
    }
    std::vector<std::pair<quint64, int>> versions(skew.liveVersions.begin(), skew.liveVersions.end());
    s.banner = versionBanner(versions);
    s.versionLine = versionLine(versions, s.shardCount);
    // Canceled shards after a stop are expected; only while the service is meant to serve.
    if (snapshot.phase != ServicePhase::Stopped) {
        QStringList alerts;
        if (const QString down = downAlert(canceled, failed, s.shardCount); !down.isEmpty())
            alerts << down;
        if (const QString stall = stalledAlert(stalled, stalledOldestMs); !stall.isEmpty())
            alerts << stall;
        s.alert = alerts.join(QStringLiteral("\n"));
    }
    // One word for the whole service that no tile or banner contradicts: how much of it
    // answers, not only whether something is wrong.
    const std::size_t down = canceled.size() + failed.size();
    if (snapshot.phase != ServicePhase::Serving)
        s.condition = s.phase;
    else if (s.shardCount > 0 && down == std::size_t(s.shardCount))
        s.condition = QStringLiteral("down");
    else if (down * 2 >= std::size_t(s.shardCount) && down > 0)
        s.condition = QStringLiteral("mostly down");
    else if (down > 0 || !stalled.empty())
        s.condition = QStringLiteral("degraded");
    else
        s.condition = s.ready ? s.phase : QStringLiteral("serving, not ready");
    return s;
}

QString serviceHeadline(const ServiceSummary &s, bool live)
{
    if (!s.seen)
        return live ? QStringLiteral("Service: connecting") : QStringLiteral("Service: not reachable");
    const QString condition = s.condition.isEmpty() ? QStringLiteral("unknown") : s.condition;
    return live ? QStringLiteral("Service: %1").arg(condition) : QStringLiteral("Service: %1 (last seen)").arg(condition);
}

QString versionHeadline(const ServiceSummary &s)
{
    if (!s.seen)
        return QStringLiteral("Version unknown");
    return s.majorityVersion != 0 && s.majorityVersion != s.version
        ? QStringLiteral("Version v%1 \u2192 v%2 live").arg(s.version).arg(s.majorityVersion)
        : QStringLiteral("Version v%1").arg(s.version);
}

ServiceSummary unseenSummary()
{
    ServiceSummary s;
    s.versionLine = QStringLiteral("Nothing received from the service yet");
    return s;
}

} // namespace shardscope
