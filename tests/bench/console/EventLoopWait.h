#pragma once
// Waiting on the GUI thread without blocking it: the event loop keeps running, so frames
// are pumped and painted while the benchmark waits. (QTest::qWaitFor sleeps 10 ms between
// checks, which would delay paints and distort the figures being measured.)

#include <QEventLoop>
#include <QTimer>

#include <functional>

namespace shardscope::bench {

// Runs the event loop for `ms`: a measurement window.
inline void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Runs the event loop until `done()` holds (checked every `pollMs`) or `timeoutMs` passes.
inline bool waitUntil(const std::function<bool()> &done, int timeoutMs, int pollMs = 20)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    poll.start(pollMs);
    loop.exec();
    return done();
}

} // namespace shardscope::bench
