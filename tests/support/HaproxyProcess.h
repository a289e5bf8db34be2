#pragma once

#include <QProcess>
#include <QTemporaryDir>

#include <memory>

namespace shardscope::test {

// HAProxy on a free 127.0.0.1 port, round-robin over `backends` (ports on 127.0.0.1),
// each health-checked with GET /v1/service/ready every 100 ms (down after 2 failures,
// up after 2 passes), as an operator would put it in front of a cluster.
class HaproxyProcess
{
public:
    ~HaproxyProcess();
    // False with *error when haproxy is missing or did not route to a backend in time.
    bool start(const QList<quint16> &backends, QString *error, int timeoutMs = 10000);
    quint16 port() const { return m_port; }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

} // namespace shardscope::test
