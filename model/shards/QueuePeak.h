#pragma once

#include <QtGlobal>

#include <utility>
#include <vector>

namespace shardscope {

// The deepest queue over a sliding window of snapshots. A queue that fills and empties
// between two frames flickers between 0 and N when drawn as it is; its peak over the last
// second holds still long enough to be read.
class QueuePeak
{
public:
    // Adds the depth seen at `atMs` (the snapshot's time) and returns the deepest depth
    // seen in (atMs - windowMs, atMs]. A time of 0 or one before the last (another service
    // instance, a clock step) starts the window over.
    quint32 add(qint64 atMs, quint32 depth, qint64 windowMs);

private:
    // Depths strictly decreasing, times increasing: the front is the window's peak.
    std::vector<std::pair<qint64, quint32>> m_samples;
};

} // namespace shardscope
