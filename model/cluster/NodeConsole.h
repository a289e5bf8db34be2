#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

namespace shardscope {

class ConsoleModel;
class RemoteBackendClient;

// One cluster node opened as the single-node console opens a service (--connect): its own
// RemoteBackendClient to the node's URL and a ConsoleModel fed by that client's pump. The
// cluster window holds one for the node drilled into and drops it on deselection, so the
// node's panels read the same model the single-node window reads.
class NodeConsole : public QObject
{
    Q_OBJECT
public:
    NodeConsole(QString nodeId, const QUrl &url, const QByteArray &token, QObject *parent = nullptr);
    ~NodeConsole() override;

    QString nodeId() const { return m_id; }
    QUrl url() const { return m_url; }
    ConsoleModel &model() { return *m_model; }
    // Connects and starts the frame pump.
    void start();
    // Stream body bytes read from the node so far.
    quint64 bytesReceived() const;

private:
    QString m_id;
    QUrl m_url;
    std::unique_ptr<RemoteBackendClient> m_client;
    std::unique_ptr<ConsoleModel> m_model; // after m_client: it reads the client until destroyed
};

} // namespace shardscope
