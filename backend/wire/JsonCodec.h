#pragma once

#include "backend/types/RestartOptions.h"
#include "backend/types/ServiceEvent.h"
#include "backend/types/ServiceSnapshot.h"

#include <QJsonArray>
#include <QJsonObject>

#include <vector>

namespace shardscope {

// The HTTP API's JSON shapes, in one place so the server and remote clients agree.
QJsonObject toJson(const ShardSnapshot &shard);
QJsonObject toJson(const ServiceSnapshot &snapshot);
QJsonObject toJson(const ServiceEvent &event);
QJsonArray toJson(const std::vector<ServiceEvent> &events);
QJsonObject statusJson(const ServiceSnapshot &snapshot, bool restartRunning);

// The inverses, for remote clients. Unknown names fall back to defaults.
ServiceSnapshot snapshotFromJson(const QJsonObject &json);
ServiceEvent eventFromJson(const QJsonObject &json);
RestartOptions restartOptionsFromJson(const QJsonObject &json);

QString qs(std::string_view s);

} // namespace shardscope
