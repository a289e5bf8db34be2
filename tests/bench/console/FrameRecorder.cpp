#include "FrameRecorder.h"

#include "PaintTap.h"
#include "ProcStats.h"

#include "model/console/ConsoleModel.h"
#include "model/shards/ShardTableModel.h"
#include "tests/bench/BenchCommon.h"

namespace shardscope::bench {

FrameRecorder::FrameRecorder(PaintTapApplication &app, ConsoleModel &model)
    : m_app(app)
    , m_model(model)
{
}

void FrameRecorder::setRecording(bool on)
{
    m_recording = on;
    m_pendingTickNs = 0;
}

void FrameRecorder::clear()
{
    m_frameMs.clear();
    m_modelMs.clear();
    m_frameCpuMs.clear();
    m_changed.clear();
    m_unpainted = 0;
}

void FrameRecorder::onModelFrame()
{
    noteChangedRows();
    if (!m_recording)
        return;
    const std::int64_t tick = m_app.dispatchStartNs();
    m_modelMs.push_back(double(nowNs() - tick) / 1e6);
    if (m_pendingTickNs != 0)
        ++m_unpainted; // the previous frame changed nothing on screen
    m_pendingTickNs = tick;
    m_pendingTickCpuNs = m_app.dispatchStartCpuNs();
}

void FrameRecorder::onWindowPainted()
{
    if (!m_recording || m_pendingTickNs == 0)
        return;
    m_frameMs.push_back(double(nowNs() - m_pendingTickNs) / 1e6);
    m_frameCpuMs.push_back(double(threadCpuNs() - m_pendingTickCpuNs) / 1e6);
    m_pendingTickNs = 0;
}

void FrameRecorder::noteChangedRows()
{
    const ShardTableModel &shards = m_model.shards();
    const int n = shards.rowCount();
    if (int(m_lastProcessed.size()) != n) {
        m_lastProcessed.assign(std::size_t(n), 0);
        return;
    }
    int changed = 0;
    for (int r = 0; r < n; ++r) {
        const std::uint64_t p = shards.row(r)->processed;
        changed += p != m_lastProcessed[std::size_t(r)];
        m_lastProcessed[std::size_t(r)] = p;
    }
    if (m_recording && n > 0)
        m_changed.push_back(double(changed) / n);
}

} // namespace shardscope::bench
