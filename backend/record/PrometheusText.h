#pragma once

#include "backend/types/ServiceSnapshot.h"

#include <QByteArray>

namespace shardscope {

class ServiceMetrics;

// Prometheus text exposition (format 0.0.4) of one snapshot, plus the counters and
// histograms of `metrics` when given.
QByteArray prometheusText(const ServiceSnapshot &snapshot, bool restartRunning, const ServiceMetrics *metrics = nullptr);

} // namespace shardscope
