#include "PaintTap.h"

#include "ProcStats.h"

#include "tests/bench/BenchCommon.h"

#include <QPaintEvent>
#include <QWidget>
#include <QWindow>

namespace shardscope::bench {

PaintTapApplication::PaintTapApplication(int &argc, char **argv)
    : QApplication(argc, argv)
{
}

void PaintTapApplication::watchPaints(QWidget *window, QWidget *grid, std::function<void(const QRegion &)> painted)
{
    m_window = window;
    m_windowHandle = window ? window->windowHandle() : nullptr;
    m_grid = grid;
    m_painted = std::move(painted);
}

bool PaintTapApplication::isWindowUpdate(const QObject *receiver, const QEvent *event) const
{
    return event->type() == QEvent::UpdateRequest && receiver
           && (receiver == m_window || receiver == m_windowHandle);
}

bool PaintTapApplication::notify(QObject *receiver, QEvent *event)
{
    if (m_depth == 0) {
        m_dispatchStartNs = nowNs();
        m_dispatchStartCpuNs = threadCpuNs();
    }
    if (event->type() == QEvent::Paint && receiver == m_grid)
        m_gridRegion += static_cast<QPaintEvent *>(event)->region();
    const bool windowUpdate = isWindowUpdate(receiver, event);
    ++m_depth;
    const bool handled = QApplication::notify(receiver, event);
    --m_depth;
    if (windowUpdate && m_painted)
        m_painted(std::exchange(m_gridRegion, QRegion()));
    return handled;
}

} // namespace shardscope::bench
