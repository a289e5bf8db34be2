#include "tests/support/HaproxyProcess.h"

#include "tests/support/ChildProcess.h"
#include "tests/support/EtcdProcess.h"
#include "tests/support/HttpTestClient.h"

#include <QFile>
#include <QStandardPaths>
#include <QTest>

namespace shardscope::test {

HaproxyProcess::~HaproxyProcess()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

bool HaproxyProcess::start(const QList<quint16> &backends, QString *error, int timeoutMs)
{
    const QString haproxy = QStandardPaths::findExecutable(QStringLiteral("haproxy"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
    if (haproxy.isEmpty()) {
        *error = QStringLiteral("haproxy is not installed (scripts/install-deps.sh installs it)");
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    m_port = freeLocalPort();
    QByteArray cfg = "global\n  maxconn 512\ndefaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n"
                     "  timeout server 30s\n  retries 3\n  option redispatch\n"
                     "frontend fe\n  bind 127.0.0.1:" + QByteArray::number(m_port) + "\n  default_backend nodes\n"
                     "backend nodes\n  balance roundrobin\n  option httpchk GET /v1/service/ready\n"
                     "  default-server inter 100ms fall 2 rise 2\n";
    for (int i = 0; i < backends.size(); ++i)
        cfg += "  server n" + QByteArray::number(i) + " 127.0.0.1:" + QByteArray::number(backends[i]) + " check\n";
    const QString path = m_dir->filePath(QStringLiteral("haproxy.cfg"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(cfg) != cfg.size()) {
        *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    file.close();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    dieWithTest(*m_process);
    m_process->start(haproxy, {QStringLiteral("-db"), QStringLiteral("-f"), path});
    const bool up = QTest::qWaitFor([&] {
        if (m_process->state() == QProcess::NotRunning)
            return true;
        HttpTestClient http("127.0.0.1", m_port, 500);
        return http.get("/v1/service/ready").status == 200;
    }, timeoutMs);
    if (up && m_process->state() == QProcess::Running)
        return true;
    *error = QStringLiteral("haproxy on port %1 did not route to a ready node in %2 ms: %3")
                 .arg(m_port).arg(timeoutMs).arg(QString::fromUtf8(m_process->readAll().right(2000)));
    return false;
}

} // namespace shardscope::test
