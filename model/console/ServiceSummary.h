#pragma once

#include <QString>
#include <QtGlobal>

#include <array>
#include <utility>
#include <vector>

namespace shardscope {

struct ServiceSnapshot;
struct SkewReport;

// What the header strip shows: plain values, no backend types.
struct ServiceSummary {
    bool seen = false;       // made from a snapshot; false until the service first answers
    QString phase;           // "serving", "draining", ...
    QString condition;       // the service's real condition in a word or two: "serving",
                             // "degraded", "serving, not ready", "draining", "stopped"
    quint64 version = 0;     // the version the service means to serve
    quint64 majorityVersion = 0;
    bool ready = false;
    int shardCount = 0;
    std::array<int, 9> stateCounts{}; // by StateStyle index; a stalled shard counts as stalled only
    quint32 heldRequests = 0;
    QString banner;          // empty unless more than one version serves
    QString versionLine;     // the banner, or what serves when one version (or none) does
    QString alert;           // empty unless shards are canceled, failed or stalled (requests to them fail or wait)
    QString faults;          // the fault drills armed: "crash next on shard 2; slow on shards 1, 3";
                             // empty when none

    friend bool operator==(const ServiceSummary &, const ServiceSummary &) = default;
};

// The header's first words: "Service: serving", "Service: degraded (last seen)" once a
// remote service is lost, "Service: not reachable" when it never answered.
QString serviceHeadline(const ServiceSummary &summary, bool live);
// "Version v6", "Version v6 → v7 live" while a restart moves shards, "Version unknown"
// before the service first answers (never a v0 nobody serves).
QString versionHeadline(const ServiceSummary &summary);
// What the header shows before the first snapshot: no version, no shards, and a version
// line that says nothing has been received.
ServiceSummary unseenSummary();

// `stalled`: ids of the shards the console draws stalled (ShardTableModel::isStalled). An
// empty snapshot with no time (the service not reached yet) gives unseenSummary().
ServiceSummary summarise(const ServiceSnapshot &snapshot, const SkewReport &skew, const std::vector<int> &stalled = {});

// The armed fault drills by kind: "crash next on shard 2; stuck next on shards 0, 5;
// bad graph at the next restart" (shards as shardList() names them); empty when none.
QString armedFaultsLine(const ServiceSnapshot &snapshot);

// "7 of 8 shards canceled (shards 1-7): requests routed to them get 503"; empty when
// none is down. Ids ascending.
QString downAlert(const std::vector<int> &canceled, const std::vector<int> &failed, int shardCount);
// "shard 3 stalled: its oldest request has waited 12 s"; empty when none.
QString stalledAlert(const std::vector<int> &stalled, quint32 oldestMs);

// "2 versions live: v7 on 1 shard, v6 on 7" (newest first); empty for one version. "Live",
// not "serving": a draining shard's actor still counts, and its tile says draining.
QString versionBanner(const std::vector<std::pair<quint64, int>> &liveVersionsNewestFirst);

// The banner when versions are skewed; otherwise "One version live: v6 on all 8 shards",
// "... on 1 of 4 shards" or "No live actor on any shard", so the header's line never comes
// and goes.
QString versionLine(const std::vector<std::pair<quint64, int>> &liveVersionsNewestFirst, int shardCount);

} // namespace shardscope
