#include "backend/http/HttpApi.h"

#include "backend/cluster/ClusterApi.h"
#include "backend/http/EventStream.h"
#include "backend/http/HttpStatus.h"
#include "backend/http/OpenApiRoute.h"
#include "backend/record/PrometheusText.h"
#include "backend/record/QualityMetrics.h"
#include "backend/record/QueryQuality.h"
#include "backend/runtime/WakeBatch.h"
#include "backend/ShardService.h"
#include "backend/wire/JsonCodec.h"
#include "backend/wire/NodeSummary.h"
#include "backend/wire/RequestDecoders.h"

#include <QAbstractEventDispatcher>
#include <QDateTime>
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

    // Any shard thread. `wake` runs under the lock, so it may read target().
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
    // Network thread.
    std::vector<std::pair<std::uint64_t, QueryReply>> take()
    {
        std::lock_guard lock(m_mutex);
        m_wakePending = false;
        return std::exchange(m_items, {});
    }
    // Network thread, or inside push()'s `wake`.
    HttpApi *target() const { return m_target; }
    // Network thread, as HttpApi goes away: later replies are dropped.
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

// Longest part of an unknown path the 404 repeats: enough to spot a typo, and a huge
// path is not sent back.
constexpr qsizetype kEchoedPathChars = 200;

QString shortened(const QString &text, qsizetype maxChars)
{
    if (text.size() <= maxChars)
        return text;
    qsizetype cut = maxChars;
    if (text.at(cut - 1).isHighSurrogate())
        --cut; // never split a character
    return text.left(cut) + QChar(0x2026);
}

// Without --enable-faults the drill endpoint does not exist, whatever the body says.
constexpr char kFaultsDisabled[] = "fault injection is disabled; start the service with --enable-faults";

// "POST", "GET and POST", "GET, PUT and POST": the 405 message's list.
QString spokenList(const QStringList &items)
{
    if (items.size() <= 1)
        return items.value(0);
    return items.mid(0, items.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") + items.last();
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

QUrlQuery urlQuery(const HttpRequest &request)
{
    return QUrlQuery(QString::fromLatin1(request.query));
}

} // namespace

void writeRefusal(HttpReply &reply, const CommandTicket &ticket)
{
    const int status = httpStatus(ticket.refusal);
    QJsonObject body{{QStringLiteral("code"), status}, {QStringLiteral("message"), ticket.error},
                     {QStringLiteral("reason"), qs(toString(ticket.refusal))}};
    if (ticket.restartId)
        body.insert(QStringLiteral("restart_id"), double(ticket.restartId));
    reply.sendJson(status, body);
}

void writeTicket(HttpReply &reply, const char *command, const CommandTicket &ticket, const QJsonObject &acceptedBody)
{
    spdlog::info("http: {} -> {}", command, httpStatus(ticket.refusal));
    if (ticket.accepted())
        reply.sendJson(httpStatus(ticket.refusal), acceptedBody);
    else
        writeRefusal(reply, ticket);
}

HttpApi::HttpApi(ShardService &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_inbox(std::make_shared<ReplyInbox>(this))
    , m_stream(new EventStream(service, this))
    , m_quality(std::make_unique<QueryQuality>(QDateTime::currentMSecsSinceEpoch()))
    , m_wakes(std::make_unique<WakeBatch>())
{
    // HttpApi lives on a thread that runs an event loop (the network thread): the loop
    // says when it is about to block, and the queries it handled since get their wakes.
    connect(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::aboutToBlock, this,
            [this] { m_wakes->flush(); });
    addRoutes();
}

HttpApi::~HttpApi()
{
    m_inbox->detach();
}

void HttpApi::addRoutes()
{
    using enum Access;
    const auto to = [this](void (HttpApi::*handler)(const HttpRequest &, HttpReply &)) {
        return [this, handler](const HttpRequest &request, HttpReply &reply) { (this->*handler)(request, reply); };
    };
    // The whole API. A path's methods are listed in Allow in this order.
    m_routes.add("POST", QStringLiteral("/v1/query"), Open, to(&HttpApi::handleQuery));
    m_routes.add("POST", QStringLiteral("/v1/service/restart"), NeedsToken, to(&HttpApi::handleRestart), QStringLiteral("restart"));
    m_routes.add("POST", QStringLiteral("/v1/service/restart/abort"), NeedsToken, to(&HttpApi::handleAbort), QStringLiteral("abort"));
    m_routes.add("POST", QStringLiteral("/v1/service/stop"), NeedsToken, to(&HttpApi::handleStop), QStringLiteral("stop"));
    m_routes.add("POST", QStringLiteral("/v1/service/start"), NeedsToken, to(&HttpApi::handleStart), QStringLiteral("start"));
    m_routes.add("GET", QStringLiteral("/v1/service/status"), Open, to(&HttpApi::handleStatus));
    m_routes.add("GET", QStringLiteral("/v1/service/ready"), Open, to(&HttpApi::handleReady));
    m_routes.add("GET", QStringLiteral("/v1/service/shards"), Open, to(&HttpApi::handleShards));
    m_routes.add("GET", QStringLiteral("/v1/service/summary"), Open, to(&HttpApi::handleSummary));
    m_routes.add("GET", QStringLiteral("/v1/service/quality"), Open, to(&HttpApi::handleQuality));
    m_routes.add("GET", QStringLiteral("/v1/service/events"), Open, to(&HttpApi::handleEvents));
    m_routes.add("GET", QStringLiteral("/v1/stream"), Open, to(&HttpApi::handleStream));
    m_routes.add("GET", QStringLiteral("/v1/service/audit"), Open, to(&HttpApi::handleAudit));
    m_routes.add("GET", QStringLiteral("/v1/faults"), Open, to(&HttpApi::handleFaultList));
    m_routes.add("POST", QStringLiteral("/v1/faults"), NeedsToken, to(&HttpApi::handleFaultInjection), QStringLiteral("fault"));
    m_routes.add("GET", QStringLiteral("/metrics"), Open, to(&HttpApi::handleMetrics));
    m_routes.add("GET", QStringLiteral("/v1/cluster/status"), Open, to(&HttpApi::handleClusterStatus));
    m_routes.add("POST", QStringLiteral("/v1/cluster/restart"), NeedsToken, to(&HttpApi::handleClusterRestart), QStringLiteral("cluster restart"));
    m_routes.add("POST", QStringLiteral("/v1/cluster/restart/abort"), NeedsToken, to(&HttpApi::handleClusterAbort), QStringLiteral("cluster abort"));
    m_routes.add("GET", QStringLiteral("/v1/cluster/events"), Open, to(&HttpApi::handleClusterEvents));
    m_routes.add("POST", QStringLiteral("/v1/cluster/commit"), NeedsToken, to(&HttpApi::handleClusterCommit), QStringLiteral("cluster commit"));
    m_routes.add("POST", QStringLiteral("/v1/cluster/lockstep/outcome"), NeedsToken, to(&HttpApi::handleLockstepOutcome),
                 QStringLiteral("lockstep outcome"));
    addOpenApiRoute(m_routes);
}

void HttpApi::dispatch(const HttpRequest &request, HttpReply reply)
{
    // The path as sent: percent-encoding is never undone before routing.
    const QString path = QString::fromLatin1(request.path);
    const RouteTable::Match match = m_routes.find(request.method, path);
    if (!match.pathKnown) {
        // Cut short: a path may be 8 KiB, and is not sent back whole.
        reply.sendError(404, QStringLiteral("no such path: %1").arg(shortened(path, kEchoedPathChars)));
        return;
    }
    if (!match.route) {
        const QStringList methods = m_routes.methodsOf(path);
        reply.sendError(405, QStringLiteral("%1 accepts %2 only").arg(path, spokenList(methods)),
                        {{"Allow", methods.join(QStringLiteral(", ")).toLatin1()}});
        return;
    }
    if (match.route->access == Access::NeedsToken && !authorized(request, reply, match.route->command))
        return;
    match.route->handler(request, reply);
}

void HttpApi::handleQuery(const HttpRequest &request, HttpReply &reply)
{
    const auto arrived = std::chrono::steady_clock::now();
    QueryRequest query;
    QString error;
    if (!parseQueryRequest(request.body, m_service.shardCount(), &query, &error)) {
        reply.sendError(400, error);
        recordQuality(arrived, QueryQuality::kOtherSlot, 400, m_service.version());
        return;
    }
    query.clientGone = reply.goneFlag();
    const std::uint64_t token = m_nextToken++;
    m_pending.emplace(token, PendingReply{std::move(reply), arrived, QueryQuality::slotOf(query.procedure)});
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
    PendingReply pending = std::move(it->second);
    m_pending.erase(it);
    // A reply no actor served (refused at the gate, stopped) counts under the node's version.
    const Version version = reply.version ? reply.version : m_service.version();
    if (reply.ok()) {
        pending.reply.sendJson(200, QJsonObject{{QStringLiteral("result"), reply.result},
                                                {QStringLiteral("shard"), reply.shard},
                                                {QStringLiteral("version"), double(reply.version)}});
        recordQuality(pending.arrived, pending.slot, 200, version);
        return;
    }
    const int status = httpStatus(reply.status);
    QJsonObject body{{QStringLiteral("code"), status}, {QStringLiteral("message"), reply.error}};
    if (reply.shard >= 0)
        body.insert(QStringLiteral("shard"), reply.shard);
    HeaderPairs extra;
    if (reply.retryAfterSeconds > 0)
        extra.append({"Retry-After", QByteArray::number(reply.retryAfterSeconds)});
    pending.reply.sendJson(status, body, extra);
    recordQuality(pending.arrived, pending.slot, status, version);
}

void HttpApi::recordQuality(std::chrono::steady_clock::time_point arrived, int slot, int status, Version version)
{
    const auto now = std::chrono::steady_clock::now();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - arrived).count();
    m_quality->record(QDateTime::currentMSecsSinceEpoch(), slot, status, std::uint64_t(std::max<qint64>(micros, 0)), version);
}

bool HttpApi::authorized(const HttpRequest &request, HttpReply &reply, const QString &command)
{
    if (m_token.isEmpty())
        return true;
    const QByteArray header = request.header("authorization");
    if (!header.startsWith("Bearer ")) {
        refuse(reply, command, 401, QStringLiteral("this endpoint changes the service: send Authorization: Bearer <token>"),
               {{"WWW-Authenticate", "Bearer"}});
        return false;
    }
    if (!constantTimeEquals(header.mid(7).trimmed(), m_token)) {
        refuse(reply, command, 403, QStringLiteral("the bearer token is not valid for this service"));
        return false;
    }
    return true;
}

void HttpApi::refuse(HttpReply &reply, const QString &command, int status, const QString &message, const HeaderPairs &extra)
{
    m_service.recordRefusedCommand(command, reply.client(), status, message);
    reply.sendError(status, message, extra);
}

void HttpApi::handleRestart(const HttpRequest &request, HttpReply &reply)
{
    RestartOptions options;
    QString error;
    if (!parseRestartBody(request.body, m_service.config().restartDefaults, &options, &error)) {
        refuse(reply, QStringLiteral("restart"), 400, error);
        return;
    }
    const CommandTicket t = m_service.requestRestart(options, reply.client());
    writeTicket(reply, "restart", t,
                {{QStringLiteral("restart_id"), double(t.restartId)}, {QStringLiteral("options"), options.toJson()}});
}

void HttpApi::handleAbort(const HttpRequest &, HttpReply &reply)
{
    writeTicket(reply, "abort", m_service.requestAbort(reply.client()), {{QStringLiteral("aborting"), true}});
}

void HttpApi::handleStop(const HttpRequest &, HttpReply &reply)
{
    const CommandTicket t = m_service.requestStop(reply.client());
    writeTicket(reply, "stop", t, {{QStringLiteral("operation_id"), double(t.restartId)}});
}

void HttpApi::handleStart(const HttpRequest &, HttpReply &reply)
{
    const CommandTicket t = m_service.requestStart(reply.client());
    writeTicket(reply, "start", t, {{QStringLiteral("operation_id"), double(t.restartId)}});
}

void HttpApi::handleStatus(const HttpRequest &, HttpReply &reply)
{
    QJsonObject status = statusJson(m_service.snapshot(), m_service.restartRunning());
    status.insert(QStringLiteral("restart_defaults"), m_service.config().restartDefaults.toJson());
    status.insert(QStringLiteral("faults_enabled"), m_service.faults() != nullptr);
    reply.sendJson(200, status);
}

void HttpApi::handleReady(const HttpRequest &, HttpReply &reply)
{
    const ServiceSnapshot s = m_service.snapshot();
    const ClusterApi::Readiness cluster = m_cluster ? m_cluster->readiness() : ClusterApi::Readiness{};
    // Requests held by a lockstep restart are answered once the cluster decides: the node
    // still takes them, and a balancer that saw every node at 503 would refuse them all.
    const bool ready = !cluster.held && (cluster.holding || s.ready());
    QJsonObject body{{QStringLiteral("ready"), ready}, {QStringLiteral("version"), double(s.version)},
                     {QStringLiteral("distinct_versions"), s.distinctVersions()}};
    if (cluster.holding)
        body.insert(QStringLiteral("holding"), true);
    if (!cluster.why.isEmpty())
        body.insert(QStringLiteral("message"), cluster.why);
    else if (!ready)
        body.insert(QStringLiteral("message"), QStringLiteral("not every shard serves one version"));
    reply.sendJson(ready ? 200 : 503, body);
}

void HttpApi::handleShards(const HttpRequest &, HttpReply &reply)
{
    // Same document as the stream's snapshot frame, so polling sees what streaming sees.
    const ServiceSnapshot snapshot = m_service.snapshot();
    QJsonObject body = toJson(snapshot);
    body.insert(QStringLiteral("status"), statusJson(snapshot, m_service.restartRunning()));
    reply.sendJson(200, body);
}

void HttpApi::handleSummary(const HttpRequest &, HttpReply &reply)
{
    // Same document as the stream's summary frames (view=summary).
    reply.sendJson(200, toJson(summarize(m_service.snapshot())));
}

void HttpApi::handleEvents(const HttpRequest &request, HttpReply &reply)
{
    EventsQuery query;
    QString error;
    if (!parseEventsQuery(urlQuery(request), &query, &error)) {
        reply.sendError(400, error);
        return;
    }
    const auto events = m_service.events().since(query.since, query.limit);
    reply.sendJson(200, QJsonObject{{QStringLiteral("events"), toJson(events)},
                                          {QStringLiteral("last_seq"), double(m_service.events().lastSeq())}});
}

void HttpApi::handleStream(const HttpRequest &request, HttpReply &reply)
{
    StreamQuery query;
    QString error;
    if (!parseStreamQuery(urlQuery(request), &query, &error)) {
        reply.sendError(400, error);
        return;
    }
    const std::uint64_t since = query.since.value_or(m_service.events().lastSeq());
    HttpStream stream = reply.beginStream({{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}});
    if (stream.open())
        m_stream->subscribe(std::move(stream), since, query.withSnapshots, query.view);
}

void HttpApi::handleAudit(const HttpRequest &, HttpReply &reply)
{
    reply.sendJson(200, QJsonObject{{QStringLiteral("entries"), m_service.auditEntries()}});
}

void HttpApi::handleFaultList(const HttpRequest &, HttpReply &reply)
{
    if (!m_service.faults()) {
        reply.sendError(404, QLatin1String(kFaultsDisabled));
        return;
    }
    reply.sendJson(200, m_service.faults()->describe());
}

void HttpApi::handleFaultInjection(const HttpRequest &request, HttpReply &reply)
{
    if (!m_service.faults()) {
        refuse(reply, QStringLiteral("fault"), 404, QLatin1String(kFaultsDisabled));
        return;
    }
    QJsonObject fault;
    QString error;
    if (!parseFaultBody(request.body, &fault, &error)) {
        refuse(reply, QStringLiteral("fault"), 400, error);
        return;
    }
    QString description;
    const CommandTicket t = m_service.injectFault(fault, &description, reply.client());
    if (!t.accepted()) {
        writeRefusal(reply, t);
        return;
    }
    reply.sendJson(200, QJsonObject{{QStringLiteral("injected"), description}});
}

void HttpApi::handleMetrics(const HttpRequest &, HttpReply &reply)
{
    std::string quality;
    appendQualityMetrics(*m_quality, quality);
    reply.send(200, "text/plain; version=0.0.4; charset=utf-8",
               m_service.metricsText() + QByteArray::fromStdString(quality) + m_stream->metricsText()
                   + (m_cluster ? m_cluster->metricsText() : QByteArray()));
}

} // namespace shardscope
