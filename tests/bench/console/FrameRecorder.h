#pragma once
// Frame times of the console: from the snapshot's arrival (the pump's timer event starts)
// to the end of the model update ("tick") and to the window painted ("frame", what the
// status bar's "worst frame" shows, as its worst per second), plus how many tiles'
// counters changed per frame (the load check).

#include <cstdint>
#include <vector>

namespace shardscope {
class ConsoleModel;
}

namespace shardscope::bench {

class PaintTapApplication;

class FrameRecorder
{
public:
    FrameRecorder(PaintTapApplication &app, ConsoleModel &model);

    void setRecording(bool on);
    void clear();
    // Connected to ConsoleModel::frame (the end of the pump's tick).
    void onModelFrame();
    // Called when the window's UpdateRequest has been handled.
    void onWindowPainted();

    const std::vector<double> &frameMs() const { return m_frameMs; }
    const std::vector<double> &modelMs() const { return m_modelMs; }
    // GUI-thread CPU time spent within each frame: a frame much longer than its CPU time
    // waited for a core (the shard threads and the load share two).
    const std::vector<double> &frameCpuMs() const { return m_frameCpuMs; }
    // Per frame: the fraction of shards whose processed counter changed since the last one.
    const std::vector<double> &changedFraction() const { return m_changed; }
    int framesWithoutPaint() const { return m_unpainted; }
    // Steady-clock ns at which the frame now waiting for its paint started (0: none).
    std::int64_t pendingTickNs() const { return m_pendingTickNs; }

private:
    void noteChangedRows();

    PaintTapApplication &m_app;
    ConsoleModel &m_model;
    bool m_recording = false;
    std::int64_t m_pendingTickNs = 0; // 0: no frame waits for its paint
    std::int64_t m_pendingTickCpuNs = 0;
    std::vector<double> m_frameMs, m_modelMs, m_frameCpuMs, m_changed;
    std::vector<std::uint64_t> m_lastProcessed;
    int m_unpainted = 0;
};

} // namespace shardscope::bench
