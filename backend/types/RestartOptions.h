#pragma once

#include "backend/types/ShardTypes.h"

#include <QJsonObject>
#include <QString>

#include <cstddef>

namespace shardscope {

// Settings of one restart. Defaults follow DESIGN.md; the command line may change the
// defaults and a request body may override them per restart.
struct RestartOptions {
    RestartMode mode = RestartMode::Phased;
    AdmissionPolicy admission = AdmissionPolicy::Hold;
    DrainTimeoutPolicy drainPolicy = DrainTimeoutPolicy::Abort;
    int prepareTimeoutMs = 1000;
    int drainTimeoutMs = 10000;
    int restartTimeoutPerShardMs = 5000;
    int verifyTimeoutMs = 2000;
    int holdDeadlineMs = 30000;        // a held request older than this is refused with 503
    std::size_t holdCapacity = 10000;  // held requests beyond this are refused with 503

    QJsonObject toJson() const;
    // Overrides the fields present in `json`; on a wrong type or value returns false and
    // sets *error (e.g. "drain_timeout_ms must be an integer in [0, 600000]").
    bool applyJson(const QJsonObject &json, QString *error);
};

} // namespace shardscope
