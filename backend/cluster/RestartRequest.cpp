#include "backend/cluster/RestartRequest.h"

#include "backend/cluster/ClusterNode.h"
#include "backend/cluster/NodeLockstep.h"
#include "backend/ShardService.h"
#include "backend/wire/RequestDecoders.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <tuple>

namespace shardscope {
namespace {

constexpr int kDefaultGraceMs = 1000;  // a balancer's check interval times its fall count, with room
constexpr int kDefaultSettleMs = 1000; // a restarted node serves this long before the next one goes
constexpr int kMaxWaitMs = 60000;

ClusterAnswer refused(Refusal why, const QString &message, std::uint64_t runningId = 0)
{
    return {CommandTicket::refused(why, message, runningId), {}};
}

struct Parsed {
    QString strategy = QStringLiteral("rolling");
    int graceMs = kDefaultGraceMs;
    int settleMs = kDefaultSettleMs;
    int maxUnavailable = 1;  // rolling: nodes restarting at once
    int commitWaitMs = -1;   // lockstep: how long a node waits at its commit point
    int holdDeadlineMs = 0;
    QJsonObject nodeOptions; // what each node's own phased restart gets
};

// Held requests must be released before the gate's hold deadline refuses them, so a
// node's wait at its commit point ends (by default three quarters) inside it.
bool lockstepFits(const RestartOptions &options, Parsed *out, QString *error)
{
    if (options.mode != RestartMode::Phased) {
        *error = QStringLiteral("strategy lockstep needs mode phased");
        return false;
    }
    if (out->commitWaitMs < 0)
        out->commitWaitMs = std::max(1, options.holdDeadlineMs * 3 / 4);
    if (out->commitWaitMs >= options.holdDeadlineMs) {
        *error = QStringLiteral("commit_wait_ms (%1) must be below hold_deadline_ms (%2): held requests are released before they expire")
                     .arg(out->commitWaitMs).arg(options.holdDeadlineMs);
        return false;
    }
    return true;
}

bool parseBody(const QByteArray &body, const ShardService &service, Parsed *out, QString *error)
{
    QJsonObject o;
    if (!body.trimmed().isEmpty()) {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
        if (!doc.isObject()) {
            *error = QStringLiteral("cluster restart body must be a JSON object");
            return false;
        }
        o = doc.object();
    }
    if (o.contains(QStringLiteral("strategy")))
        out->strategy = o.take(QStringLiteral("strategy")).toString();
    if (out->strategy != QLatin1String("rolling") && out->strategy != QLatin1String("lockstep")) {
        *error = QStringLiteral("strategy must be rolling or lockstep, got '%1'").arg(out->strategy);
        return false;
    }
    const std::tuple<const char *, int *, int, int> integers[] = {{"grace_ms", &out->graceMs, 0, kMaxWaitMs},
                                                                  {"settle_ms", &out->settleMs, 0, kMaxWaitMs},
                                                                  {"max_unavailable", &out->maxUnavailable, 1, 1000},
                                                                  {"commit_wait_ms", &out->commitWaitMs, 1, kMaxWaitMs}};
    for (auto [key, field, low, high] : integers) {
        if (!o.contains(QLatin1String(key)))
            continue;
        const QJsonValue v = o.take(QLatin1String(key));
        if (!v.isDouble() || v.toDouble() < low || v.toDouble() > high || v.toDouble() != double(v.toInt())) {
            *error = QStringLiteral("%1 must be an integer in [%2, %3]").arg(QLatin1String(key)).arg(low).arg(high);
            return false;
        }
        *field = v.toInt();
    }
    RestartOptions options;
    if (!parseRestartBody(QJsonDocument(o).toJson(QJsonDocument::Compact), service.config().restartDefaults, &options, error))
        return false;
    out->nodeOptions = o;
    return out->strategy == QLatin1String("rolling") || lockstepFits(options, out, error);
}

// Nodes that block a restart: lost ones, and versions more than one apart.
bool clusterAllowsRestart(const ClusterView &view, const QString &strategy, ClusterAnswer *refusal)
{
    if (!view.etcdOk || !view.registered) {
        *refusal = refused(Refusal::CoordinationUnavailable,
                           QStringLiteral("cluster coordination is unavailable: %1 (queries are served as before)")
                               .arg(view.etcdOk ? QStringLiteral("this node is not registered yet") : view.etcdError));
        return false;
    }
    QStringList lost;
    for (const auto &[id, n] : view.nodes) {
        if (n.state == QLatin1String("lost"))
            lost << id;
    }
    if (!lost.isEmpty()) {
        *refusal = refused(Refusal::CoordinationUnavailable,
                           QStringLiteral("node %1 is lost: a cluster restart waits until it is back or removed").arg(lost.join(QStringLiteral(", "))));
        return false;
    }
    const auto versions = view.versions();
    // Lockstep moves every node from one v to v+1 together: it starts from one version.
    const std::int64_t allowed = strategy == QLatin1String("lockstep") ? 0 : 1;
    if (!versions.empty() && versions.rbegin()->first - versions.begin()->first > allowed) {
        QStringList behind;
        for (const auto &[id, n] : view.nodes) {
            if (n.state == QLatin1String("up") && n.version == versions.begin()->first)
                behind << QStringLiteral("%1 (v%2)").arg(id).arg(n.version);
        }
        *refusal = refused(Refusal::VersionSkew, QStringLiteral("node versions are %1 (v%2..v%3): %4 behind")
                               .arg(allowed ? QStringLiteral("more than one apart") : QStringLiteral("not all equal, which lockstep needs"))
                               .arg(versions.begin()->first).arg(versions.rbegin()->first).arg(behind.join(QStringLiteral(", "))));
        return false;
    }
    return true;
}

QJsonObject journalFor(const ClusterView &view, const Parsed &p, std::uint64_t id, const QString &client, const QString &self)
{
    QJsonArray nodes;
    for (const auto &[nodeId, n] : view.nodes) {
        if (n.state == QLatin1String("up"))
            nodes.append(QJsonObject{{QStringLiteral("id"), nodeId}, {QStringLiteral("step"), QStringLiteral("waiting")}});
    }
    return {{QStringLiteral("id"), QString::number(id)}, {QStringLiteral("strategy"), p.strategy},
            {QStringLiteral("state"), QStringLiteral("pending")}, {QStringLiteral("requester"), client},
            {QStringLiteral("accepted_by"), self}, {QStringLiteral("created_ms"), double(id)},
            {QStringLiteral("options"), p.nodeOptions}, {QStringLiteral("grace_ms"), p.graceMs},
            {QStringLiteral("settle_ms"), p.settleMs}, {QStringLiteral("error_threshold"), 1},
            {QStringLiteral("max_unavailable"), p.maxUnavailable}, {QStringLiteral("commit_wait_ms"), p.commitWaitMs},
            {QStringLiteral("fence"), QStringLiteral("0")}, {QStringLiteral("nodes"), nodes}};
}

} // namespace

void startClusterRestart(ClusterNode &node, const ShardService &service, const QByteArray &body, const QString &client,
                         const ClusterDone &done)
{
    Parsed p;
    QString error;
    if (!parseBody(body, service, &p, &error))
        return done(refused(Refusal::BadRequest, error));
    const ClusterView view = node.view();
    ClusterAnswer refusal;
    if (!clusterAllowsRestart(view, p.strategy, &refusal))
        return done(refusal);
    const std::uint64_t id = std::uint64_t(ClusterNode::nowMs());
    const QJsonObject journal = journalFor(view, p, id, client, node.config().nodeId);
    const QByteArray current = node.config().key(QStringLiteral("restart/current"));
    const QJsonObject t = etcd::txn({etcd::compareCreate(current, 0)},
                                    {etcd::requestPut(current, QJsonDocument(journal).toJson(QJsonDocument::Compact))},
                                    {etcd::requestRange(current)});
    node.etcd().txn(t, [done, id, journal](const EtcdReply &r) {
        if (!r.ok)
            return done(refused(Refusal::CoordinationUnavailable, QStringLiteral("cluster coordination is unavailable: %1").arg(r.error)));
        if (etcd::succeeded(r.json))
            return done({CommandTicket{Refusal::None, id, {}},
                         {{QStringLiteral("restart_id"), double(id)}, {QStringLiteral("journal"), journal}}});
        const auto running = etcd::txnRange(r.json, 0);
        const QJsonObject other = running.empty() ? QJsonObject() : QJsonDocument::fromJson(running.front().value).object();
        const QString otherId = other.value(QStringLiteral("id")).toString();
        done(refused(Refusal::Busy, QStringLiteral("cluster restart %1 is already running (%2)")
                                        .arg(otherId, other.value(QStringLiteral("state")).toString()), otherId.toULongLong()));
    });
}

void abortClusterRestart(ClusterNode &node, const ClusterDone &done)
{
    const ClusterView view = node.view();
    if (!view.etcdOk)
        return done(refused(Refusal::CoordinationUnavailable, QStringLiteral("cluster coordination is unavailable: %1").arg(view.etcdError)));
    const QByteArray current = node.config().key(QStringLiteral("restart/current"));
    node.etcd().rangePrefix(current, [&node, done, current](const EtcdReply &r) {
        const auto kvs = etcd::keyValues(r.json);
        const auto it = std::find_if(kvs.begin(), kvs.end(), [&](const etcd::KeyValue &kv) { return kv.key == current; });
        if (!r.ok)
            return done(refused(Refusal::CoordinationUnavailable, QStringLiteral("cluster coordination is unavailable: %1").arg(r.error)));
        if (it == kvs.end())
            return done(refused(Refusal::NothingToAbort, QStringLiteral("no cluster restart is running")));
        const QString id = QJsonDocument::fromJson(it->value).object().value(QStringLiteral("id")).toString();
        const QByteArray mark = QJsonDocument(QJsonObject{{QStringLiteral("id"), id}}).toJson(QJsonDocument::Compact);
        node.etcd().put(node.config().key(QStringLiteral("restart/abort")), mark, 0, [done, id](const EtcdReply &w) {
            if (!w.ok)
                return done(refused(Refusal::CoordinationUnavailable, w.error));
            done({CommandTicket{Refusal::None, id.toULongLong(), {}},
                  {{QStringLiteral("aborting"), true}, {QStringLiteral("restart_id"), id.toDouble()}}});
        });
    });
}

void commitClusterRestart(ClusterNode &node, const QByteArray &body, const ClusterDone &done)
{
    QJsonParseError parseError{};
    const QJsonObject o = QJsonDocument::fromJson(body, &parseError).object();
    const QString id = o.value(QStringLiteral("restart_id")).toString();
    bool fenceOk = false;
    const std::int64_t fence = o.value(QStringLiteral("fence")).toString().toLongLong(&fenceOk);
    if (parseError.error != QJsonParseError::NoError || id.isEmpty() || !fenceOk)
        return done(refused(Refusal::BadRequest, QStringLiteral("expected {\"restart_id\": \"...\", \"fence\": \"<integer>\"}")));
    QString why;
    const Refusal refusal = node.lockstep().commitPushed(id, fence, &why);
    if (refusal != Refusal::None)
        return done(refused(refusal, why));
    done({CommandTicket{Refusal::None, id.toULongLong(), {}},
          {{QStringLiteral("checking"), true}, {QStringLiteral("restart_id"), id}, {QStringLiteral("message"), why}}});
}

void answerLockstepOutcome(ClusterNode &node, const QByteArray &body, const ClusterDone &done)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString id = o.value(QStringLiteral("restart_id")).toString();
    if (id.isEmpty())
        return done(refused(Refusal::BadRequest, QStringLiteral("expected {\"restart_id\": \"...\", \"uncertain\": true|false}")));
    done({CommandTicket{Refusal::None, id.toULongLong(), {}},
          node.lockstep().outcomeFor(id, o.value(QStringLiteral("uncertain")).toBool())});
}

} // namespace shardscope
