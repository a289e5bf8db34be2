#include "model/console/ServiceSummary.h"

#include "model/shards/ArmedFaults.h"
#include "model/shards/SkewAnalysis.h"

#include "backend/types/ShardList.h"

#include <QStringList>

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
        parts << QStringLiteral("%1 failed").arg(failed.size()) + named(failed);
    if (parts.isEmpty())
        return {};
    return parts.join(QStringLiteral(", ")) + QStringLiteral(": requests routed to them get 503");
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

ServiceSummary summarise(const ServiceSnapshot &snapshot, const SkewReport &skew)
{
    ServiceSummary s;
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
    for (const ShardSnapshot &shard : snapshot.shards) {
        const auto i = std::size_t(shard.state);
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
    if (snapshot.phase != ServicePhase::Stopped)
        s.alert = downAlert(canceled, failed, s.shardCount);
    // One word for the whole service that no tile or banner contradicts.
    if (snapshot.phase != ServicePhase::Serving)
        s.condition = s.phase;
    else if (!s.alert.isEmpty())
        s.condition = QStringLiteral("degraded");
    else
        s.condition = s.ready ? s.phase : QStringLiteral("serving, not ready");
    return s;
}

} // namespace shardscope
