#pragma once

#include <QJsonObject>
#include <QString>

namespace shardscope {

// Plain-text renderings of the service's JSON for `shardscope ctl`.
QString formatStatus(const QJsonObject &status);
QString formatShards(const QJsonObject &shards);
QString formatEvent(const QJsonObject &event);

} // namespace shardscope
