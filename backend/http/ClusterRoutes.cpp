// The /v1/cluster routes: decode, call ClusterApi, write what it answers.
#include "backend/cluster/ClusterApi.h"
#include "backend/http/HttpApi.h"
#include "backend/wire/RequestDecoders.h"

#include <QHttpServerRequest>
#include <QUrlQuery>

#include <optional>

namespace shardscope {
namespace {

// Answers a command later, if its connection is still there.
ClusterApi::Done answerLater(QHttpServerResponder responder, QTcpSocket *socket, const char *command)
{
    // Emptied after the answer, on the network thread: copies of this callback that the
    // cluster thread drops later must not be the ones that destroy the responder.
    auto kept = std::make_shared<std::optional<QHttpServerResponder>>(std::move(responder));
    return [kept, alive = QPointer<QTcpSocket>(socket), command](const ClusterAnswer &answer) {
        if (alive && kept->has_value())
            writeTicket(**kept, command, answer.ticket, answer.body);
        kept->reset();
    };
}

QString clientAddress(QTcpSocket *socket)
{
    return QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
}

} // namespace

bool HttpApi::clusterOff(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (m_cluster)
        return false;
    auto responder = makeResponder(request, socket);
    writeError(responder, 404, QStringLiteral("cluster mode is off: start the node with --etcd URL --cluster NAME"));
    return true;
}

void HttpApi::handleClusterStatus(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (clusterOff(request, socket))
        return;
    auto responder = makeResponder(request, socket);
    writeJson(responder, 200, m_cluster->status());
}

void HttpApi::handleClusterRestart(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (clusterOff(request, socket))
        return;
    m_cluster->requestRestart(request.body(), clientAddress(socket), this,
                              answerLater(makeResponder(request, socket), socket, "cluster restart"));
}

void HttpApi::handleClusterAbort(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (clusterOff(request, socket))
        return;
    m_cluster->requestAbort(this, answerLater(makeResponder(request, socket), socket, "cluster abort"));
}

void HttpApi::handleClusterEvents(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (clusterOff(request, socket))
        return;
    auto responder = makeResponder(request, socket);
    EventsQuery query;
    QString error;
    if (!parseEventsQuery(QUrlQuery(request.url()), &query, &error)) {
        writeError(responder, 400, error);
        return;
    }
    writeJson(responder, 200, m_cluster->events(query.since, query.limit));
}

} // namespace shardscope
