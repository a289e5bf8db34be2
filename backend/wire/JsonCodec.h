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

// The inverses, for remote clients, lenient so that a newer service still reads: an
// unknown state or phase name reads as the type's default, an unknown restart option is
// skipped and a bad value keeps that option's default.
ServiceSnapshot snapshotFromJson(const QJsonObject &json);
ServiceEvent eventFromJson(const QJsonObject &json);
RestartOptions restartOptionsFromJson(const QJsonObject &json);

QString qs(std::string_view s);

} // namespace shardscope
