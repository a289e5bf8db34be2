#include "backend/wire/NodeSummary.h"

#include "backend/types/Clock.h"
#include "backend/wire/JsonCodec.h"

#include <QJsonArray>

#include <algorithm>

namespace shardscope {
namespace {

constexpr char kLetters[kShardStateCount + 1] = "SGDRVCXF";

ShardState stateOf(char letter)
{
    const char *at = std::find(kLetters, kLetters + kShardStateCount, letter);
    return at == kLetters + kShardStateCount ? ShardState::Stopped : ShardState(at - kLetters);
}

ServicePhase phaseNamed(const QString &name)
{
    for (int p = 0; p <= int(ServicePhase::Stopped); ++p) {
        if (name == qs(toString(ServicePhase(p))))
            return ServicePhase(p);
    }
    return ServicePhase::Serving;
}

double num(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toDouble();
}

} // namespace

char stateLetter(ShardState state)
{
    return kLetters[int(state)];
}

bool NodeSummary::ready() const
{
    return !states.empty() && versionRuns.size() == 1
        && std::all_of(states.begin(), states.end(), [](ShardState s) { return s == ShardState::Serving; });
}

QByteArray NodeSummary::stateKey() const
{
    QByteArray key = QByteArray::number(qlonglong(startTimeMs)) + ' ' + QByteArray::number(int(phase)) + ' '
                   + QByteArray::number(qlonglong(version)) + ' ' + QByteArray::number(qulonglong(restartId)) + ' '
                   + QByteArray::number(heldRequests) + ' ';
    for (ShardState s : states)
        key += stateLetter(s);
    for (const auto &[v, n] : versionRuns)
        key += ' ' + QByteArray::number(qlonglong(v)) + 'x' + QByteArray::number(n);
    return key;
}

QByteArray NodeSummary::figuresKey() const
{
    QByteArray key = stateKey();
    for (const std::uint64_t n : {queueDepth, inFlight, processed, failed, std::uint64_t(latencyP99Us)})
        key += ' ' + QByteArray::number(qulonglong(n));
    for (const Busy &b : busy)
        key += ' ' + QByteArray::number(b.shard) + ':' + QByteArray::number(b.queueDepth) + '/' + QByteArray::number(b.inFlight);
    return key;
}

ServiceSnapshot NodeSummary::toSnapshot() const
{
    ServiceSnapshot s;
    s.phase = phase;
    s.version = version;
    s.startTimeMs = startTimeMs;
    s.takenAtMs = takenAtMs;
    s.restartId = restartId;
    s.heldRequests = heldRequests;
    s.shards.resize(states.size());
    std::size_t i = 0;
    for (const auto &[v, n] : versionRuns) {
        for (int k = 0; k < n && i < s.shards.size(); ++k, ++i)
            s.shards[i].version = v;
    }
    for (std::size_t id = 0; id < states.size(); ++id) {
        s.shards[id].id = ShardId(id);
        s.shards[id].state = states[id];
    }
    for (const Busy &b : busy) {
        if (b.shard >= 0 && std::size_t(b.shard) < s.shards.size()) {
            s.shards[std::size_t(b.shard)].queueDepth = b.queueDepth;
            s.shards[std::size_t(b.shard)].inFlight = b.inFlight;
        }
    }
    return s;
}

NodeSummary summarize(const ServiceSnapshot &snapshot)
{
    NodeSummary out;
    out.startTimeMs = snapshot.startTimeMs;
    out.takenAtMs = snapshot.takenAtMs;
    out.phase = snapshot.phase;
    out.version = snapshot.version;
    out.restartId = snapshot.restartId;
    out.heldRequests = snapshot.heldRequests;
    out.states.reserve(snapshot.shards.size());
    for (const ShardSnapshot &s : snapshot.shards) {
        out.states.push_back(s.state);
        if (out.versionRuns.empty() || out.versionRuns.back().first != s.version)
            out.versionRuns.emplace_back(s.version, 0);
        ++out.versionRuns.back().second;
        if (s.queueDepth || s.inFlight)
            out.busy.push_back({s.id, s.queueDepth, s.inFlight});
        out.queueDepth += s.queueDepth;
        out.inFlight += s.inFlight;
        out.processed += s.processed;
        out.failed += s.failed;
        out.latencyP99Us = std::max(out.latencyP99Us, s.latencyP99Us);
    }
    return out;
}

QJsonObject toJson(const NodeSummary &s)
{
    QByteArray letters;
    for (ShardState st : s.states)
        letters += stateLetter(st);
    QJsonArray runs, busy;
    for (const auto &[v, n] : s.versionRuns)
        runs.append(QJsonArray{double(v), n});
    for (const NodeSummary::Busy &b : s.busy)
        busy.append(QJsonArray{double(b.shard), double(b.queueDepth), double(b.inFlight)});
    return QJsonObject{
        {QStringLiteral("start_time_ms"), double(s.startTimeMs)},
        {QStringLiteral("taken_at_ms"), double(s.takenAtMs)},
        {QStringLiteral("phase"), qs(toString(s.phase))},
        {QStringLiteral("version"), double(s.version)},
        {QStringLiteral("ready"), s.ready()},
        {QStringLiteral("restart_id"), double(s.restartId)},
        {QStringLiteral("held_requests"), double(s.heldRequests)},
        {QStringLiteral("states"), QString::fromLatin1(letters)},
        {QStringLiteral("versions"), runs},
        {QStringLiteral("busy"), busy},
        {QStringLiteral("queue_depth"), double(s.queueDepth)},
        {QStringLiteral("in_flight"), double(s.inFlight)},
        {QStringLiteral("processed"), double(s.processed)},
        {QStringLiteral("failed"), double(s.failed)},
        {QStringLiteral("latency_p99_us"), double(s.latencyP99Us)},
    };
}

bool summaryFromJson(const QJsonObject &json, NodeSummary *out)
{
    const QJsonValue states = json.value(QStringLiteral("states"));
    if (!states.isString())
        return false;
    NodeSummary s;
    for (const QChar c : states.toString())
        s.states.push_back(stateOf(c.toLatin1()));
    std::size_t total = 0;
    for (const QJsonValue &v : json.value(QStringLiteral("versions")).toArray()) {
        const QJsonArray run = v.toArray();
        const int n = run.at(1).toInt();
        if (n <= 0)
            return false;
        s.versionRuns.emplace_back(Version(run.at(0).toDouble()), n);
        total += std::size_t(n);
    }
    if (total != s.states.size())
        return false;
    for (const QJsonValue &v : json.value(QStringLiteral("busy")).toArray()) {
        const QJsonArray b = v.toArray();
        s.busy.push_back({ShardId(b.at(0).toDouble()), std::uint32_t(b.at(1).toDouble()), std::uint32_t(b.at(2).toDouble())});
    }
    s.startTimeMs = std::int64_t(num(json, "start_time_ms"));
    s.takenAtMs = nowEpochMs();
    s.phase = phaseNamed(json.value(QStringLiteral("phase")).toString());
    s.version = Version(num(json, "version"));
    s.restartId = std::uint64_t(num(json, "restart_id"));
    s.heldRequests = std::uint32_t(num(json, "held_requests"));
    s.queueDepth = std::uint64_t(num(json, "queue_depth"));
    s.inFlight = std::uint64_t(num(json, "in_flight"));
    s.processed = std::uint64_t(num(json, "processed"));
    s.failed = std::uint64_t(num(json, "failed"));
    s.latencyP99Us = std::uint32_t(num(json, "latency_p99_us"));
    *out = std::move(s);
    return true;
}

} // namespace shardscope
