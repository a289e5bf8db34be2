#pragma once

#include "model/workload/WorkloadConfig.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace shardscope {

class BackendClient;

// The console's built-in client load. Requests are generated on a worker thread at the
// configured rate and sent through BackendClient::submitQuery(); replies arrive on any
// thread and only bump atomics, which the GUI reads once per frame. The GUI thread never
// submits a query and never waits for one.
class WorkloadDriver : public QObject
{
    Q_OBJECT
public:
    explicit WorkloadDriver(BackendClient &client, QObject *parent = nullptr);
    ~WorkloadDriver() override;

    void setConfig(const WorkloadConfig &config);
    WorkloadConfig config() const;
    void start();
    void stop();
    bool isRunning() const { return m_running; }
    WorkloadStats stats() const;

    struct Shared; // counters and config shared with the worker thread and reply callbacks

Q_SIGNALS:
    void runningChanged(bool running);

private:
    BackendClient &m_client;
    std::shared_ptr<Shared> m_shared; // shared with reply callbacks, which may outlive us
    QThread m_thread;
    QObject *m_worker = nullptr; // lives in m_thread
    bool m_running = false;
};

} // namespace shardscope
