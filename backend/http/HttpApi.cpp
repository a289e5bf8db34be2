#include "backend/http/HttpApi.h"

#include "backend/http/EventStream.h"
#include "backend/http/HttpStatus.h"
#include "backend/record/PrometheusText.h"
#include "backend/runtime/WakeBatch.h"
#include "backend/ShardService.h"
#include "backend/wire/JsonCodec.h"
#include "backend/wire/RequestDecoders.h"

#include <QAbstractEventDispatcher>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QMetaObject>
#include <QUrlQuery>

#include <spdlog/spdlog.h>

#include <mutex>
#include <vector>

namespace shardscope {

// Shard threads drop replies here; the network thread drains them in batches. One queued
// wake-up per batch, so a burst of replies costs one event, not one each.
class ReplyInbox
{
public:
    explicit ReplyInbox(HttpApi *target) : m_target(target) {}

    void push(std::uint64_t token, QueryReply reply, const std::function<void()> &wake)
    {
        std::lock_guard lock(m_mutex);
        if (!m_target)
            return;
        m_items.emplace_back(token, std::move(reply));
        if (!m_wakePending) {
            m_wakePending = true;
            wake();
        }
    }
    std::vector<std::pair<std::uint64_t, QueryReply>> take()
    {
        std::lock_guard lock(m_mutex);
        m_wakePending = false;
        return std::exchange(m_items, {});
    }
    HttpApi *target() const { return m_target; }
    void detach()
    {
        std::lock_guard lock(m_mutex);
        m_target = nullptr;
    }

private:
    std::mutex m_mutex;
    HttpApi *m_target;
    bool m_wakePending = false;
    std::vector<std::pair<std::uint64_t, QueryReply>> m_items;
};

namespace {

using Method = QHttpServerRequest::Method;


bool methodIs(const QHttpServerRequest &r, Method m)
{
    return r.method() == m;
}

// Compares in time that depends only on the secret's length, not on where the given
// value first differs.
bool constantTimeEquals(const QByteArray &given, const QByteArray &secret)
{
    unsigned diff = given.size() == secret.size() ? 0u : 1u;
    for (qsizetype i = 0; i < secret.size(); ++i)
        diff |= unsigned(uchar(i < given.size() ? given[i] : 0) ^ uchar(secret[i]));
    return diff == 0;
}

QString clientOf(QTcpSocket *socket)
{
    return socket ? QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort()) : QString();
}

} // namespace

void writeBody(QHttpServerResponder &responder, int status, const QByteArray &contentType, const QByteArray &body,
               const HeaderPairs &extra)
{
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    responder.writeHeader("Content-Type", contentType);
    responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    for (const auto &h : extra)
        responder.writeHeader(h.first, h.second);
    responder.writeBody(body);
}

void writeJson(QHttpServerResponder &responder, int status, const QJsonObject &body, const HeaderPairs &extra)
{
    writeBody(responder, status, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact), extra);
}

void writeError(QHttpServerResponder &responder, int status, const QString &message, const HeaderPairs &extra)
{
    writeJson(responder, status, QJsonObject{{QStringLiteral("code"), status}, {QStringLiteral("message"), message}}, extra);
}

void writeRefusal(QHttpServerResponder &responder, const CommandTicket &ticket)
{
    const int status = httpStatus(ticket.refusal);
    QJsonObject body{{QStringLiteral("code"), status}, {QStringLiteral("message"), ticket.error},
                     {QStringLiteral("reason"), qs(toString(ticket.refusal))}};
    if (ticket.restartId)
        body.insert(QStringLiteral("restart_id"), double(ticket.restartId));
    writeJson(responder, status, body);
}

void writeTicket(QHttpServerResponder &responder, const char *command, const CommandTicket &ticket,
                 const QJsonObject &acceptedBody)
{
    spdlog::info("http: {} -> {}", command, httpStatus(ticket.refusal));
    if (ticket.accepted())
        writeJson(responder, httpStatus(ticket.refusal), acceptedBody);
    else
        writeRefusal(responder, ticket);
}

HttpApi::HttpApi(ShardService &service, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_service(service)
    , m_inbox(std::make_shared<ReplyInbox>(this))
    , m_stream(new EventStream(service, this))
    , m_wakes(std::make_unique<WakeBatch>())
{
    // HttpApi lives on a thread that runs an event loop (the network thread): the loop
    // says when it is about to block, and the queries it handled since get their wakes.
    connect(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::aboutToBlock, this,
            [this] { m_wakes->flush(); });
}

HttpApi::~HttpApi()
{
    m_inbox->detach();
}

void HttpApi::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    auto responder = makeResponder(request, socket);
    writeError(responder, 404, QStringLiteral("no such path: %1").arg(request.url().path()));
}

bool HttpApi::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    auto allow = [&](Method m, const char *allowed) {
        if (methodIs(request, m))
            return true;
        auto responder = makeResponder(request, socket);
        writeError(responder, 405, QStringLiteral("%1 accepts %2 only").arg(path, QLatin1String(allowed)),
                   {{"Allow", allowed}});
        return false;
    };
    if (request.body().size() > kMaxBodyBytes) {
        auto responder = makeResponder(request, socket);
        writeError(responder, 413, QStringLiteral("request body of %1 bytes exceeds the limit of %2 bytes")
                                       .arg(request.body().size()).arg(kMaxBodyBytes));
        return true;
    }
    if (path == QLatin1String("/v1/query")) {
        if (allow(Method::Post, "POST"))
            handleQuery(request, socket);
        return true;
    }
    if (path == QLatin1String("/v1/service/restart")) {
        if (allow(Method::Post, "POST") && authorized(request, socket)) {
            auto responder = makeResponder(request, socket);
            handleRestart(request, responder, clientOf(socket));
        }
        return true;
    }
    if (path == QLatin1String("/v1/service/restart/abort")) {
        if (allow(Method::Post, "POST") && authorized(request, socket)) {
            auto responder = makeResponder(request, socket);
            writeTicket(responder, "abort", m_service.requestAbort(), {{QStringLiteral("aborting"), true}});
        }
        return true;
    }
    if (path == QLatin1String("/v1/service/stop") || path == QLatin1String("/v1/service/start")) {
        if (allow(Method::Post, "POST") && authorized(request, socket)) {
            auto responder = makeResponder(request, socket);
            const bool stop = path.endsWith(QLatin1String("stop"));
            const CommandTicket t = stop ? m_service.requestStop(clientOf(socket)) : m_service.requestStart(clientOf(socket));
            writeTicket(responder, stop ? "stop" : "start", t, {{QStringLiteral("operation_id"), double(t.restartId)}});
        }
        return true;
    }
    if (path == QLatin1String("/v1/service/status")) {
        if (allow(Method::Get, "GET")) {
            auto responder = makeResponder(request, socket);
            QJsonObject status = statusJson(m_service.snapshot(), m_service.restartRunning());
            status.insert(QStringLiteral("restart_defaults"), m_service.config().restartDefaults.toJson());
            status.insert(QStringLiteral("faults_enabled"), m_service.faults() != nullptr);
            writeJson(responder, 200, status);
        }
        return true;
    }
    if (path == QLatin1String("/v1/service/ready")) {
        if (allow(Method::Get, "GET")) {
            auto responder = makeResponder(request, socket);
            const ServiceSnapshot s = m_service.snapshot();
            QJsonObject body{{QStringLiteral("ready"), s.ready()}, {QStringLiteral("version"), double(s.version)},
                             {QStringLiteral("distinct_versions"), s.distinctVersions()}};
            if (!s.ready())
                body.insert(QStringLiteral("message"), QStringLiteral("not every shard serves one version"));
            writeJson(responder, s.ready() ? 200 : 503, body);
        }
        return true;
    }
    if (path == QLatin1String("/v1/service/shards")) {
        if (allow(Method::Get, "GET")) {
            auto responder = makeResponder(request, socket);
            // Same document as the stream's snapshot frame, so polling sees what streaming sees.
            const ServiceSnapshot snapshot = m_service.snapshot();
            QJsonObject body = toJson(snapshot);
            body.insert(QStringLiteral("status"), statusJson(snapshot, m_service.restartRunning()));
            writeJson(responder, 200, body);
        }
        return true;
    }
    if (path == QLatin1String("/v1/service/events")) {
        if (allow(Method::Get, "GET")) {
            auto responder = makeResponder(request, socket);
            handleEvents(request, responder);
        }
        return true;
    }
    if (path == QLatin1String("/v1/stream")) {
        if (allow(Method::Get, "GET"))
            handleStream(request, socket);
        return true;
    }
    if (path == QLatin1String("/v1/service/audit")) {
        if (allow(Method::Get, "GET")) {
            auto responder = makeResponder(request, socket);
            writeJson(responder, 200, QJsonObject{{QStringLiteral("entries"), m_service.auditEntries()}});
        }
        return true;
    }
    if (path == QLatin1String("/v1/faults")) {
        if (methodIs(request, Method::Post) && !authorized(request, socket))
            return true;
        auto responder = makeResponder(request, socket);
        handleFaults(request, responder);
        return true;
    }
    if (path == QLatin1String("/metrics")) {
        if (allow(Method::Get, "GET")) {
            auto responder = makeResponder(request, socket);
            writeBody(responder, 200, "text/plain; version=0.0.4; charset=utf-8",
                      m_service.metricsText());
        }
        return true;
    }
    return false; // missingHandler answers 404
}

void HttpApi::handleQuery(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QueryRequest query;
    QString error;
    if (!parseQueryRequest(request.body(), m_service.shardCount(), &query, &error)) {
        auto responder = makeResponder(request, socket);
        writeError(responder, 400, error);
        return;
    }
    const std::uint64_t token = m_nextToken++;
    m_pending.emplace(token, Pending{makeResponder(request, socket), QPointer<QTcpSocket>(socket), socket});
    ++m_awaiting[socket];
    std::weak_ptr<ReplyInbox> inbox = m_inbox;
    m_service.submitQuery(std::move(query), [inbox, token](QueryReply reply) {
        if (auto box = inbox.lock()) {
            box->push(token, std::move(reply), [&box] {
                QMetaObject::invokeMethod(box->target(), [target = box->target()] { target->drainReplies(); },
                                          Qt::QueuedConnection);
            });
        }
    });
}

void HttpApi::drainReplies()
{
    for (auto &[token, reply] : m_inbox->take())
        answer(token, reply);
}

void HttpApi::answer(std::uint64_t token, const QueryReply &reply)
{
    auto it = m_pending.find(token);
    if (it == m_pending.end())
        return;
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    if (--m_awaiting[pending.key] <= 0)
        m_awaiting.remove(pending.key);
    if (!pending.socket)
        return; // the client went away; nobody to answer
    if (reply.ok()) {
        writeJson(pending.responder, 200, QJsonObject{{QStringLiteral("result"), reply.result},
                                                      {QStringLiteral("shard"), reply.shard},
                                                      {QStringLiteral("version"), double(reply.version)}});
        pending.socket->flush();
        return;
    }
    const int status = httpStatus(reply.status);
    QJsonObject body{{QStringLiteral("code"), status}, {QStringLiteral("message"), reply.error}};
    if (reply.shard >= 0)
        body.insert(QStringLiteral("shard"), reply.shard);
    HeaderPairs extra;
    if (reply.retryAfterSeconds > 0)
        extra.append({"Retry-After", QByteArray::number(reply.retryAfterSeconds)});
    writeJson(pending.responder, status, body, extra);
    pending.socket->flush(); // to the kernel now: a shutdown may delete the socket next
}

bool HttpApi::authorized(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (m_token.isEmpty())
        return true;
    const QByteArray header = request.value("Authorization");
    if (!header.startsWith("Bearer ")) {
        auto responder = makeResponder(request, socket);
        writeError(responder, 401, QStringLiteral("this endpoint changes the service: send Authorization: Bearer <token>"),
                   {{"WWW-Authenticate", "Bearer"}});
        return false;
    }
    if (!constantTimeEquals(header.mid(7).trimmed(), m_token)) {
        auto responder = makeResponder(request, socket);
        writeError(responder, 403, QStringLiteral("the bearer token is not valid for this service"));
        return false;
    }
    return true;
}

void HttpApi::handleRestart(const QHttpServerRequest &request, QHttpServerResponder &responder, const QString &client)
{
    RestartOptions options;
    QString error;
    if (!parseRestartBody(request.body(), m_service.config().restartDefaults, &options, &error)) {
        writeError(responder, 400, error);
        return;
    }
    const CommandTicket t = m_service.requestRestart(options, client);
    writeTicket(responder, "restart", t,
                {{QStringLiteral("restart_id"), double(t.restartId)}, {QStringLiteral("options"), options.toJson()}});
}

void HttpApi::handleStream(const QHttpServerRequest &request, QTcpSocket *socket)
{
    StreamQuery query;
    QString error;
    if (!parseStreamQuery(QUrlQuery(request.url()), &query, &error)) {
        auto responder = makeResponder(request, socket);
        writeError(responder, 400, error);
        return;
    }
    const std::uint64_t since = query.since.value_or(m_service.events().lastSeq());
    {
        auto responder = makeResponder(request, socket);
        responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
        responder.writeHeader("Content-Type", "text/event-stream");
        responder.writeHeader("Cache-Control", "no-cache");
        responder.writeHeader("Connection", "close");
        responder.writeBody(QByteArray());
    }
    m_stream->subscribe(socket, since, query.withSnapshots);
}

void HttpApi::handleFaults(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    if (!m_service.faults()) {
        writeError(responder, 404, QStringLiteral("fault injection is disabled; start the service with --enable-faults"));
        return;
    }
    if (methodIs(request, Method::Get)) {
        writeJson(responder, 200, m_service.faults()->describe());
        return;
    }
    if (!methodIs(request, Method::Post)) {
        writeError(responder, 405, QStringLiteral("/v1/faults accepts GET and POST only"), {{"Allow", "GET, POST"}});
        return;
    }
    QJsonObject fault;
    QString error;
    if (!parseFaultBody(request.body(), &fault, &error)) {
        writeError(responder, 400, error);
        return;
    }
    QString description;
    const CommandTicket t = m_service.injectFault(fault, &description);
    if (!t.accepted()) {
        writeRefusal(responder, t);
        return;
    }
    writeJson(responder, 200, QJsonObject{{QStringLiteral("injected"), description}});
}

void HttpApi::handleEvents(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    EventsQuery query;
    QString error;
    if (!parseEventsQuery(QUrlQuery(request.url()), &query, &error)) {
        writeError(responder, 400, error);
        return;
    }
    const auto events = m_service.events().since(query.since, query.limit);
    writeJson(responder, 200, QJsonObject{{QStringLiteral("events"), toJson(events)},
                                          {QStringLiteral("last_seq"), double(m_service.events().lastSeq())}});
}

} // namespace shardscope
