#pragma once

#include "model/client/BackendClient.h"

#include <QObject>
#include <QUrl>

#include <memory>

namespace shardscope {

class RemoteBackendClient;
class ShardTableModel;
class SnapshotPump;
struct ServiceSnapshot;

// Follows one node's service as the remote console does (--connect): its own
// RemoteBackendClient (stream, or polling), a frame pump and the shard rows of its tiles.
// While the node is unreachable the rows keep the last state seen.
class NodeFollower : public QObject
{
    Q_OBJECT
public:
    NodeFollower(const QUrl &url, const QByteArray &token, QObject *parent = nullptr);
    ~NodeFollower() override;

    QUrl url() const { return m_url; }
    ShardTableModel &shards() { return *m_shards; }
    bool live() const;
    // How the console reaches it: live, or why not (refused, no answer) and since when.
    ConnectionStatus connection() const;
    quint64 inFlight() const { return m_inFlight; }
    int shardCount() const { return m_shardCount; }
    void start();

Q_SIGNALS:
    void frame();
    void liveChanged(bool live);

private:
    void apply(const ServiceSnapshot &snapshot);

    QUrl m_url;
    std::unique_ptr<RemoteBackendClient> m_client;
    ShardTableModel *m_shards;
    std::unique_ptr<SnapshotPump> m_pump;
    quint64 m_inFlight = 0;
    int m_shardCount = 0;
};

} // namespace shardscope
