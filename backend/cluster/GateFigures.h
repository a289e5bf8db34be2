#pragma once

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace shardscope {

// What clients saw of one procedure, or of all of them, over a window.
struct GateCounts {
    std::int64_t requests = 0;
    std::int64_t serverErrors = 0;
    std::int64_t clientErrors = 0;
    std::optional<double> p99Ms;

    // Percent of requests answered without a server error; none without requests.
    std::optional<double> successRate() const;
};

// A node's figures for a window, as GET /v1/service/quality?from_ms=&to_ms= answers them
// (or several nodes' summed: see sumBaseline).
struct GateFigures {
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    std::int64_t coveredFromMs = 0; // the node's figures begin here (a node younger than the window)
    GateCounts all;
    std::map<QString, GateCounts> procedures;
    bool p99IsMax = false; // summed over nodes: p99 is the highest node's (a conservative reference)
    int nodes = 1;

    static GateFigures fromQuality(const QJsonObject &reply);
    QJsonObject toJson() const;   // as kept in the journal
    static GateFigures fromJson(const QJsonObject &o);
};

// The nodes not yet restarted, summed: counts add up; without histograms p99 is the
// highest of the nodes' p99 (a conservative reference: never below any node's).
GateFigures sumBaseline(const std::vector<GateFigures> &nodes);

} // namespace shardscope
