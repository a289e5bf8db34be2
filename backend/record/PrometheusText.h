#pragma once

#include "backend/types/ServiceSnapshot.h"

#include <QByteArray>

namespace shardscope {

class ServiceMetrics;

// Prometheus text exposition (format 0.0.4) of one snapshot, plus the counters and
// histograms of `metrics` when given, and the hold queue's capacity when non-zero.
QByteArray prometheusText(const ServiceSnapshot &snapshot, bool restartRunning, const ServiceMetrics *metrics = nullptr,
                          std::size_t holdCapacity = 0);

} // namespace shardscope
