#pragma once

#include "backend/ServiceSnapshot.h"

#include <QByteArray>

namespace shardscope {

// Prometheus text exposition (format 0.0.4) of one snapshot.
QByteArray prometheusText(const ServiceSnapshot &snapshot, bool restartRunning);

} // namespace shardscope
