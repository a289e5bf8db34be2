#pragma once

#include <QObject>

class QSocketNotifier;

namespace shardscope {

// Turns SIGINT and SIGTERM into a Qt signal on the thread that owns this object, through
// a self-pipe (the only async-signal-safe way to wake an event loop).
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void readSignal();
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace shardscope
