#include "backend/cluster/RestartRequest.h"

#include "backend/cluster/ClusterNode.h"
#include "backend/cluster/GateOptions.h"
#include "backend/cluster/JournalWriter.h"
#include "backend/cluster/NodeLockstep.h"
#include "backend/ShardService.h"
#include "backend/wire/RequestDecoders.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <limits>
#include <tuple>

namespace shardscope {
namespace {

constexpr int kDefaultGraceMs = 1000;  // a balancer's check interval times its fall count, with room
constexpr int kDefaultSettleMs = 1000; // a restarted node serves this long before the next one goes
constexpr int kMaxWaitMs = 60000;
constexpr int kStepSlackMs = 5000;  // a busy step's limit beyond its own timeouts (etcd round trips, polls)
constexpr int kRereads = 3;         // read-backs of a create with no answer; within ctl's 10 s timeout
constexpr int kRereadGapMs = 400;
constexpr int kIdTries = 5;           // ids taken by earlier restarts skipped before giving up
constexpr int kMaxRequestIdLength = 128;

// Restart ids are decimal journal numbers. Anything else is refused before it is looked up,
// so that no reply echoes a string of the client's choosing and length.
bool isRestartId(const QString &id)
{
    return !id.isEmpty() && id.size() <= 20 && std::all_of(id.begin(), id.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

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
    QString requestId;       // the client's, for safe retries; empty when none
    bool gated = false;      // rolling: a gate after each node (issue 26)
    GateOptions gate;
    int canary = -1;         // nodes gated before any other starts; -1: 1 with a gate, else 0
    RestartOptions options;  // each node's own phased restart (target_version 0 until chosen)
    QJsonObject nodeOptions; // ... as the journal sends it
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

// "gate" and "canary": rolling only; a lockstep restart changes every node at once, so
// there is no node to judge before the others go.
bool parseGate(QJsonObject &o, Parsed *out, QString *error)
{
    if (!parseGateOptions(o.take(QStringLiteral("gate")), &out->gate, &out->gated, error))
        return false;
    if (o.contains(QStringLiteral("canary"))) {
        const QJsonValue v = o.take(QStringLiteral("canary"));
        if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 1000 || v.toDouble() != double(v.toInt())) {
            *error = QStringLiteral("canary must be an integer in [0, number of nodes]");
            return false;
        }
        out->canary = v.toInt();
        if (!out->gated && out->canary > 0) {
            *error = QStringLiteral("canary needs a gate: a canary is a node judged before the others start (add \"gate\": true)");
            return false;
        }
    }
    if (out->strategy == QLatin1String("lockstep") && out->gated) {
        *error = QStringLiteral("a gate needs strategy rolling: a lockstep restart moves every node at once, so no node is judged "
                                "before the others");
        return false;
    }
    if (out->canary < 0)
        out->canary = out->gated ? 1 : 0;
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
    if (o.contains(QStringLiteral("request_id"))) {
        out->requestId = o.take(QStringLiteral("request_id")).toString();
        if (out->requestId.isEmpty() || out->requestId.size() > kMaxRequestIdLength) {
            *error = QStringLiteral("request_id must be a non-empty string of at most %1 characters").arg(kMaxRequestIdLength);
            return false;
        }
    }
    if (out->strategy != QLatin1String("rolling") && out->strategy != QLatin1String("lockstep")) {
        *error = QStringLiteral("strategy must be rolling or lockstep, got '%1'").arg(out->strategy);
        return false;
    }
    if (!parseGate(o, out, error))
        return false;
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
    if (!parseRestartBody(QJsonDocument(o).toJson(QJsonDocument::Compact), service.config().restartDefaults, &out->options, error))
        return false;
    out->nodeOptions = o;
    return out->strategy == QLatin1String("rolling") || lockstepFits(out->options, out, error);
}

// What blocks a restart: etcd away, a view too old to trust (review M1), lost nodes.
// Versions may differ: every node restarts to one target above the highest (V7).
bool clusterAllowsRestart(const ClusterView &view, int pollMs, ClusterAnswer *refusal)
{
    if (!view.etcdOk || !view.registered) {
        *refusal = refused(Refusal::CoordinationUnavailable,
                           QStringLiteral("cluster coordination is unavailable: %1 (queries are served as before)")
                               .arg(view.etcdOk ? QStringLiteral("this node is not registered yet") : view.etcdError));
        return false;
    }
    const std::int64_t age = ClusterNode::steadyMs() - view.readAtMs;
    if (age > 2 * pollMs + 100) {
        *refusal = refused(Refusal::CoordinationUnavailable,
                           QStringLiteral("cluster coordination is unavailable: this node last read the cluster %1 ms ago (etcd is slow "
                                          "or partly unreachable); ask again, or ask another node").arg(age));
        return false;
    }
    QStringList lost, strangers;
    for (const auto &[id, n] : view.nodes) {
        if (n.state == QLatin1String("lost"))
            lost << id;
        else if (n.state == QLatin1String("up") && n.tokenMismatch)
            strangers << id;
    }
    if (!strangers.isEmpty()) {
        *refusal = refused(Refusal::CoordinationUnavailable,
                           QStringLiteral("node %1 has another token than this node: its commit pushes and peer questions would be "
                                          "refused; give every node of the cluster one token").arg(strangers.join(QStringLiteral(", "))));
        return false;
    }
    if (!lost.isEmpty()) {
        *refusal = refused(Refusal::CoordinationUnavailable,
                           QStringLiteral("node %1 is lost: a cluster restart waits until it is back or removed").arg(lost.join(QStringLiteral(", "))));
        return false;
    }
    return true;
}

// The nodes a restart takes: every node that is up (journalFor lists the same).
int upCount(const ClusterView &view)
{
    return int(std::count_if(view.nodes.begin(), view.nodes.end(), [](const auto &n) { return n.second.state == QLatin1String("up"); }));
}

// One target above the highest version running (or the client's, if above it).
bool chooseTarget(const ClusterView &view, Parsed *p, QString *error)
{
    const auto versions = view.versions();
    const std::int64_t highest = versions.empty() ? 0 : versions.rbegin()->first;
    if (p->options.targetVersion != 0 && p->options.targetVersion <= highest) {
        *error = QStringLiteral("target_version %1 is not above the highest running version v%2").arg(p->options.targetVersion).arg(highest);
        return false;
    }
    if (p->options.targetVersion == 0)
        p->options.targetVersion = highest + 1;
    const int up = upCount(view);
    if (p->canary > up) {
        *error = QStringLiteral("canary %1 is more than the %2 nodes of the cluster").arg(p->canary).arg(up);
        return false;
    }
    p->nodeOptions.insert(QStringLiteral("target_version"), double(p->options.targetVersion));
    return true;
}

// Whether etcd can take the transactions this restart will need (ClusterConfig::maxTxnOps):
// its end deletes every node's report with the move to the history (nodes + 4 operations),
// and a lockstep commit compares every vote, every voter's lease, the leader and the journal (2 nodes + 2).
bool fitsEtcdTransactions(const ClusterView &view, const Parsed &p, int maxTxnOps, QString *error)
{
    const int up = upCount(view);
    const bool lockstep = p.strategy == QLatin1String("lockstep");
    const int needed = lockstep ? 2 * up + 2 : up + 4;
    if (needed <= maxTxnOps)
        return true;
    *error = QStringLiteral("a %1 restart of %2 nodes needs an etcd transaction of %3 operations and etcd takes at most %4: "
                            "%5raise etcd's --max-txn-ops and every node's --etcd-max-txn-ops")
                 .arg(p.strategy).arg(up).arg(needed).arg(maxTxnOps)
                 .arg(lockstep && up + 4 <= maxTxnOps ? QStringLiteral("use a rolling restart, or ") : QString());
    return false;
}

// How long a rolling restart's busy node may take: its grace, its own restart's
// timeouts on the largest node, the settle time and some slack (review M2).
int stepLimitMs(const ClusterView &view, const Parsed &p)
{
    int shards = 1;
    for (const auto &[id, n] : view.nodes)
        shards = std::max(shards, n.shards);
    const RestartOptions &o = p.options;
    const std::int64_t ms = std::int64_t(p.graceMs) + p.settleMs + o.prepareTimeoutMs + o.drainTimeoutMs
        + std::int64_t(o.restartTimeoutPerShardMs) * shards + o.verifyTimeoutMs + kStepSlackMs;
    return int(std::min<std::int64_t>(ms, std::numeric_limits<int>::max()));
}

QJsonObject journalFor(const ClusterView &view, const Parsed &p, std::uint64_t id, const QString &client, const QString &self)
{
    QJsonArray nodes;
    for (const auto &[nodeId, n] : view.nodes) {
        if (n.state == QLatin1String("up"))
            nodes.append(QJsonObject{{QStringLiteral("id"), nodeId}, {QStringLiteral("step"), QStringLiteral("waiting")},
                                     {QStringLiteral("start_version"), double(n.version)}});
    }
    QJsonObject journal{{QStringLiteral("id"), QString::number(id)}, {QStringLiteral("strategy"), p.strategy},
            {QStringLiteral("target_version"), double(p.options.targetVersion)}, {QStringLiteral("request_id"), p.requestId},
            {QStringLiteral("request_key"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
            {QStringLiteral("step_limit_ms"), stepLimitMs(view, p)},
            {QStringLiteral("state"), QStringLiteral("pending")}, {QStringLiteral("requester"), client},
            {QStringLiteral("accepted_by"), self}, {QStringLiteral("created_ms"), double(id)},
            {QStringLiteral("options"), p.nodeOptions}, {QStringLiteral("grace_ms"), p.graceMs},
            {QStringLiteral("settle_ms"), p.settleMs}, {QStringLiteral("error_threshold"), 1},
            {QStringLiteral("max_unavailable"), p.maxUnavailable}, {QStringLiteral("commit_wait_ms"), p.commitWaitMs},
            {QStringLiteral("fence"), QStringLiteral("0")}, {QStringLiteral("nodes"), nodes}};
    if (p.gated) {
        journal.insert(QStringLiteral("gate"), p.gate.toJson());
        journal.insert(QStringLiteral("canary"), p.canary);
    }
    return journal;
}

ClusterAnswer accepted(const QJsonObject &journal)
{
    const QString id = journal.value(QStringLiteral("id")).toString();
    return {CommandTicket{Refusal::None, id.toULongLong(), {}},
            {{QStringLiteral("restart_id"), id.toDouble()}, {QStringLiteral("journal"), journal}}};
}

ClusterAnswer busy(const QJsonObject &other)
{
    const QString otherId = other.value(QStringLiteral("id")).toString();
    return refused(Refusal::Busy, QStringLiteral("cluster restart %1 is already running (%2)")
                                      .arg(otherId, other.value(QStringLiteral("state")).toString()), otherId.toULongLong());
}

// A write that timed out may still be applied when the link heals (V4): never a plain 503.
ClusterAnswer unknown(const QJsonObject &mine, const QString &why)
{
    const QString id = mine.value(QStringLiteral("id")).toString();
    return refused(Refusal::CoordinationUnavailable,
                   QStringLiteral("outcome unknown: the etcd write of cluster restart %1 got no answer (%2) and may still be applied. "
                                  "Check GET /v1/cluster/status: it runs if restart.id or last_restart.id is %1; "
                                  "asking again with the same request_id is safe").arg(id, why), id.toULongLong());
}

// Ours: this request's own key (ids can repeat: two nodes may mint one in the same ms),
// or the same client request id.
bool same(const QJsonObject &journal, const QJsonObject &mine)
{
    const QString requestId = mine.value(QStringLiteral("request_id")).toString();
    return journal.value(QStringLiteral("request_key")) == mine.value(QStringLiteral("request_key"))
        || (!requestId.isEmpty() && journal.value(QStringLiteral("request_id")).toString() == requestId);
}

QJsonObject parsedValue(const std::vector<etcd::KeyValue> &kvs)
{
    return kvs.empty() ? QJsonObject() : QJsonDocument::fromJson(kvs.front().value).object();
}

// Reads restart/current and our history entry back after a create with no answer, and
// answers what etcd holds: ours (accepted), another's (busy) or nothing yet (unknown).
void readBack(ClusterNode &node, const QJsonObject &mine, int attempt, const QString &firstError, const ClusterDone &done)
{
    const QByteArray current = node.config().key(QStringLiteral("restart/current"));
    const QByteArray history = node.config().key(QStringLiteral("restart/history/") + mine.value(QStringLiteral("id")).toString());
    node.etcd().txn(etcd::txn({}, {etcd::requestRange(current), etcd::requestRange(history)}),
                    [&node, mine, attempt, firstError, done](const EtcdReply &r) {
        if (!r.ok && attempt + 1 < kRereads)
            return QTimer::singleShot(kRereadGapMs, &node, [&node, mine, attempt, firstError, done] {
                readBack(node, mine, attempt + 1, firstError, done);
            });
        if (!r.ok)
            return done(unknown(mine, firstError + QStringLiteral("; reading it back: ") + r.error));
        const QJsonObject running = parsedValue(etcd::txnRange(r.json, 0));
        const QJsonObject ended = parsedValue(etcd::txnRange(r.json, 1));
        if (!running.isEmpty() && same(running, mine))
            return done(accepted(running));
        if (!ended.isEmpty() && same(ended, mine))
            return done(accepted(ended)); // it ran already
        if (!running.isEmpty())
            return done(busy(running));
        done(unknown(mine, firstError + QStringLiteral("; etcd holds no journal for it yet")));
    });
}

// Create-if-absent on restart/current, with an id no finished restart has.
void createJournal(ClusterNode &node, QJsonObject journal, int attempt, const ClusterDone &done)
{
    const QString id = journal.value(QStringLiteral("id")).toString();
    const QByteArray current = node.config().key(QStringLiteral("restart/current"));
    const QByteArray history = node.config().key(QStringLiteral("restart/history/") + id);
    const QJsonObject t = etcd::txn({etcd::compareCreate(current, 0), etcd::compareCreate(history, 0)},
                                    {etcd::requestPut(current, QJsonDocument(journal).toJson(QJsonDocument::Compact))},
                                    {etcd::requestRange(current), etcd::requestRange(history)});
    node.etcd().txn(t, [&node, done, journal, attempt](const EtcdReply &r) mutable {
        if (!r.ok)
            return readBack(node, journal, 0, r.error, done);
        if (etcd::succeeded(r.json))
            return done(accepted(journal));
        const QJsonObject other = parsedValue(etcd::txnRange(r.json, 0));
        if (!other.isEmpty())
            return done(same(other, journal) ? accepted(other) : busy(other));
        if (!etcd::txnRange(r.json, 1).empty() && attempt < kIdTries) { // an earlier restart had this id
            const std::uint64_t next = journal.value(QStringLiteral("id")).toString().toULongLong() + 1;
            journal.insert(QStringLiteral("id"), QString::number(next));
            return createJournal(node, journal, attempt + 1, done);
        }
        readBack(node, journal, 0, QStringLiteral("unreadable txn answer"), done); // etcd decides
    });
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
    // A retry of a request already taken: the same restart, whether it runs or ended (the
    // history entry may not be read yet; restart/last is read with every read).
    for (const QJsonObject *known : {&view.restart, &view.lastRestart, &view.lastEnded}) {
        if (!p.requestId.isEmpty() && known->value(QStringLiteral("request_id")).toString() == p.requestId)
            return done(accepted(*known));
    }
    ClusterAnswer refusal;
    if (!clusterAllowsRestart(view, node.config().pollMs, &refusal))
        return done(refusal);
    if (!chooseTarget(view, &p, &error) || !fitsEtcdTransactions(view, p, node.config().maxTxnOps, &error))
        return done(refused(Refusal::BadRequest, error));
    // The id is the requester's wall-clock ms, made unique where it matters: the create
    // also requires that no history entry has that id (review L1), and moves on if one has.
    const std::uint64_t id = std::max<std::uint64_t>(std::uint64_t(ClusterNode::nowMs()),
                                                     std::max(view.lastRestart.value(QStringLiteral("id")).toString().toULongLong(),
                                                              view.lastEnded.value(QStringLiteral("id")).toString().toULongLong()) + 1);
    createJournal(node, journalFor(view, p, id, client, node.config().nodeId), 0, done);
}

namespace {

// Marks the restart aborted only if restart/current is still the journal just read (a
// txn on its mod revision), so no 202 goes out for a restart that just ended (review L3).
void abortAttempt(ClusterNode &node, int attempt, const ClusterDone &done)
{
    const QByteArray current = node.config().key(QStringLiteral("restart/current"));
    node.etcd().rangePrefix(current, [&node, attempt, done, current](const EtcdReply &r) {
        if (!r.ok)
            return done(refused(Refusal::CoordinationUnavailable, QStringLiteral("cluster coordination is unavailable: %1").arg(r.error)));
        const auto kvs = etcd::keyValues(r.json);
        const auto it = std::find_if(kvs.begin(), kvs.end(), [&](const etcd::KeyValue &kv) { return kv.key == current; });
        const QJsonObject journal = it == kvs.end() ? QJsonObject() : QJsonDocument::fromJson(it->value).object();
        if (journal.isEmpty() || JournalWriter::finished(journal.value(QStringLiteral("state")).toString()))
            return done(refused(Refusal::NothingToAbort, QStringLiteral("no cluster restart is running")));
        const QString id = journal.value(QStringLiteral("id")).toString();
        const QByteArray mark = QJsonDocument(QJsonObject{{QStringLiteral("id"), id}}).toJson(QJsonDocument::Compact);
        const QJsonObject t = etcd::txn({etcd::compareMod(current, it->modRevision)},
                                        {etcd::requestPut(node.config().key(QStringLiteral("restart/abort")), mark)});
        node.etcd().txn(t, [&node, attempt, done, id](const EtcdReply &w) {
            if (!w.ok)
                return done(refused(Refusal::CoordinationUnavailable,
                                    QStringLiteral("outcome unknown: the abort mark for restart %1 got no answer (%2); "
                                                   "check GET /v1/cluster/status").arg(id, w.error), id.toULongLong()));
            if (etcd::succeeded(w.json))
                return done({CommandTicket{Refusal::None, id.toULongLong(), {}},
                             {{QStringLiteral("aborting"), true}, {QStringLiteral("restart_id"), id.toDouble()}}});
            if (attempt + 1 < kRereads) // the journal moved on (or ended) since it was read
                return abortAttempt(node, attempt + 1, done);
            done(refused(Refusal::CoordinationUnavailable, QStringLiteral("restart %1 kept changing; ask again").arg(id), id.toULongLong()));
        });
    });
}

} // namespace

void abortClusterRestart(ClusterNode &node, const ClusterDone &done)
{
    const ClusterView view = node.view();
    if (!view.etcdOk)
        return done(refused(Refusal::CoordinationUnavailable, QStringLiteral("cluster coordination is unavailable: %1").arg(view.etcdError)));
    abortAttempt(node, 0, done);
}

void commitClusterRestart(ClusterNode &node, const QByteArray &body, const ClusterDone &done)
{
    QJsonParseError parseError{};
    const QJsonObject o = QJsonDocument::fromJson(body, &parseError).object();
    const QString id = o.value(QStringLiteral("restart_id")).toString();
    bool fenceOk = false;
    const std::int64_t fence = o.value(QStringLiteral("fence")).toString().toLongLong(&fenceOk);
    if (parseError.error != QJsonParseError::NoError || !isRestartId(id) || !fenceOk)
        return done(refused(Refusal::BadRequest,
                            QStringLiteral("expected {\"restart_id\": \"<decimal, at most 20 digits>\", \"fence\": \"<integer>\"}")));
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
    if (!isRestartId(id))
        return done(refused(Refusal::BadRequest,
                            QStringLiteral("expected {\"restart_id\": \"<decimal, at most 20 digits>\", \"uncertain\": true|false}")));
    done({CommandTicket{Refusal::None, id.toULongLong(), {}},
          node.lockstep().outcomeFor(id, o.value(QStringLiteral("uncertain")).toBool())});
}

bool clusterBlocksRestart(const ClusterView &view, int pollMs, ClusterAnswer *refusal)
{
    return !clusterAllowsRestart(view, pollMs, refusal);
}

void createRestartJournal(ClusterNode &node, const QJsonObject &journal, const ClusterDone &done)
{
    createJournal(node, journal, 0, done);
}

} // namespace shardscope
