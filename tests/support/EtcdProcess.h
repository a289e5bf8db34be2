#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace shardscope::test {

// A single-member etcd on 127.0.0.1 with free ports and its own temporary data dir,
// removed when this object goes away. start() waits until etcd accepts a put.
class EtcdProcess
{
public:
    EtcdProcess() = default;
    ~EtcdProcess();
    EtcdProcess(const EtcdProcess &) = delete;
    EtcdProcess &operator=(const EtcdProcess &) = delete;

    // Arguments etcd starts with besides its own (e.g. "--max-txn-ops", "8"); before start().
    void addArguments(const QStringList &args) { m_extraArgs += args; }
    // False with *error (and etcd's last output) when it did not come up in time.
    bool start(QString *error, int timeoutMs = 10000);
    void kill();    // SIGKILL, as a crash would
    void stop();    // SIGTERM and wait
    bool running() const { return m_process && m_process->state() != QProcess::NotRunning; }
    QUrl url() const { return m_url; }
    QString urlText() const { return m_url.toString(QUrl::StripTrailingSlash); }

    // One blocking JSON-gateway call ("/v3/kv/put", ...) for tests; the parsed reply or
    // an empty object when etcd did not answer 200.
    QJsonObject call(const QByteArray &path, const QJsonObject &body) const;

private:
    bool launch(QString *error, int timeoutMs);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QUrl m_url;
    QStringList m_extraArgs;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
quint16 freeLocalPort();

} // namespace shardscope::test
