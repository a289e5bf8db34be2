#pragma once
// Sees every event the GUI thread delivers (QApplication::notify), to time frames from
// the moment the snapshot arrives (the pump's timer event starts) to the moment the
// window has been painted (its UpdateRequest has been handled: the backing store holds
// the new pixels).

#include <QApplication>
#include <QRegion>

#include <cstdint>
#include <functional>

namespace shardscope::bench {

class PaintTapApplication : public QApplication
{
public:
    PaintTapApplication(int &argc, char **argv);

    // Steady-clock ns at which the outermost event now being delivered started: inside
    // ConsoleModel::frame() this is the start of the pump's timer event.
    std::int64_t dispatchStartNs() const { return m_dispatchStartNs; }
    // The GUI thread's CPU time (CLOCK_THREAD_CPUTIME_ID) at that moment.
    std::int64_t dispatchStartCpuNs() const { return m_dispatchStartCpuNs; }

    // After each UpdateRequest of `window` is handled, calls `painted(gridRegion)`: what
    // of `grid` was painted during it (in its coordinates; empty when it was not).
    void watchPaints(QWidget *window, QWidget *grid, std::function<void(const QRegion &gridRegion)> painted);

    bool notify(QObject *receiver, QEvent *event) override;

private:
    bool isWindowUpdate(const QObject *receiver, const QEvent *event) const;

    int m_depth = 0;
    std::int64_t m_dispatchStartNs = 0;
    std::int64_t m_dispatchStartCpuNs = 0;
    QObject *m_window = nullptr;
    QObject *m_windowHandle = nullptr;
    QObject *m_grid = nullptr;
    QRegion m_gridRegion;
    std::function<void(const QRegion &)> m_painted;
};

} // namespace shardscope::bench
