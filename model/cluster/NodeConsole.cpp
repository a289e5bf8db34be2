#include "model/cluster/NodeConsole.h"

#include "model/client/RemoteBackendClient.h"
#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"

namespace shardscope {

NodeConsole::NodeConsole(QString nodeId, const QUrl &url, const QByteArray &token, QObject *parent)
    : QObject(parent)
    , m_id(std::move(nodeId))
    , m_url(url)
    , m_client(std::make_unique<RemoteBackendClient>(url, token))
    , m_model(std::make_unique<ConsoleModel>(*m_client))
{
}

NodeConsole::~NodeConsole()
{
    m_model->pump().stop();
    m_model.reset(); // before the client it reads
}

void NodeConsole::start()
{
    m_client->connectToService();
    m_model->pump().start();
}

quint64 NodeConsole::bytesReceived() const
{
    return m_client->streamBytesReceived();
}

} // namespace shardscope
