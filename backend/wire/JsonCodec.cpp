#include "backend/wire/JsonCodec.h"

#include "backend/types/Clock.h"

#include <QDateTime>

namespace shardscope {

QString qs(std::string_view s)
{
    return QString::fromLatin1(s.data(), qsizetype(s.size()));
}

namespace {
QJsonObject latencyJson(const LatencyFigures &f)
{
    return {{QStringLiteral("p50_us"), double(f.p50Us)}, {QStringLiteral("p99_us"), double(f.p99Us)},
            {QStringLiteral("samples"), double(f.samples)}};
}

// The shard's work latency and, for the procedures it has answered, each apart.
void insertLatencies(QJsonObject &o, const ShardSnapshot &s)
{
    o.insert(QStringLiteral("work_latency"), latencyJson(s.workLatency));
    QJsonObject byProcedure;
    for (std::size_t i = 0; i < s.procedureLatency.size(); ++i)
        if (s.procedureLatency[i].samples > 0)
            byProcedure.insert(qs(kLatencyProcedures[i]), latencyJson(s.procedureLatency[i]));
    o.insert(QStringLiteral("latency_by_procedure"), byProcedure);
}
} // namespace

QJsonObject toJson(const ShardSnapshot &s)
{
    QJsonObject o{
        {QStringLiteral("shard"), s.id},
        {QStringLiteral("state"), qs(toString(s.state))},
        {QStringLiteral("version"), double(s.version)},
        {QStringLiteral("generation"), double(s.generation)},
        {QStringLiteral("queue_depth"), double(s.queueDepth)},
        {QStringLiteral("in_flight"), double(s.inFlight)},
        {QStringLiteral("oldest_in_flight_ms"), double(s.oldestInFlightMs)},
        {QStringLiteral("processed"), double(s.processed)},
        {QStringLiteral("failed"), double(s.failed)},
        {QStringLiteral("latency_p50_us"), double(s.latencyP50Us)},
        {QStringLiteral("latency_p99_us"), double(s.latencyP99Us)},
    };
    insertLatencies(o, s);
    if (s.armedFaults) { // only on armed shards: 1024 quiet shards cost nothing
        QJsonArray faults;
        for (std::size_t i = 0; i < kArmedFaultNames.size(); ++i)
            if (s.armedFaults & (1u << i))
                faults.append(qs(kArmedFaultNames[i]));
        o.insert(QStringLiteral("armed_faults"), faults);
        if (s.hasFault(ArmedFault::Slow))
            o.insert(QStringLiteral("slow_ms"), double(s.slowFaultMs));
    }
    return o;
}

QJsonObject toJson(const ServiceSnapshot &snapshot)
{
    QJsonArray shards;
    for (const ShardSnapshot &s : snapshot.shards)
        shards.append(toJson(s));
    return QJsonObject{
        {QStringLiteral("phase"), qs(toString(snapshot.phase))},
        {QStringLiteral("version"), double(snapshot.version)},
        {QStringLiteral("ready"), snapshot.ready()},
        {QStringLiteral("distinct_versions"), snapshot.distinctVersions()},
        {QStringLiteral("held_requests"), double(snapshot.heldRequests)},
        {QStringLiteral("bad_graph_armed"), snapshot.badGraphArmed},
        {QStringLiteral("last_event_seq"), double(snapshot.lastEventSeq)},
        {QStringLiteral("shards"), shards},
    };
}

QJsonObject toJson(const ServiceEvent &e)
{
    QJsonObject o{
        {QStringLiteral("seq"), double(e.seq)},
        {QStringLiteral("time_ms"), double(e.timeMs)},
        {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("kind"), qs(toString(e.kind))},
        {QStringLiteral("severity"), qs(toString(e.severity))},
        {QStringLiteral("phase"), qs(toString(e.phase))},
        {QStringLiteral("version"), double(e.version)},
    };
    if (e.restartId)
        o.insert(QStringLiteral("restart_id"), double(e.restartId));
    if (e.shard >= 0)
        o.insert(QStringLiteral("shard"), e.shard);
    if (e.kind == EventKind::ShardStateChanged)
        o.insert(QStringLiteral("state"), qs(toString(e.state)));
    if (!e.outcome.isEmpty())
        o.insert(QStringLiteral("outcome"), e.outcome);
    if (e.durationMs >= 0)
        o.insert(QStringLiteral("duration_ms"), double(e.durationMs));
    if (e.durationUs >= 0)
        o.insert(QStringLiteral("duration_us"), double(e.durationUs));
    if (!e.message.isEmpty())
        o.insert(QStringLiteral("message"), e.message);
    return o;
}

QJsonArray toJson(const std::vector<ServiceEvent> &events)
{
    QJsonArray out;
    for (const ServiceEvent &e : events)
        out.append(toJson(e));
    return out;
}

QJsonObject statusJson(const ServiceSnapshot &s, bool restartRunning)
{
    return QJsonObject{
        {QStringLiteral("status"), s.phase == ServicePhase::Stopped ? QStringLiteral("stopped") : QStringLiteral("running")},
        {QStringLiteral("phase"), qs(toString(s.phase))},
        {QStringLiteral("version"), double(s.version)},
        {QStringLiteral("shard_num"), int(s.shards.size())},
        {QStringLiteral("ready"), s.ready()},
        {QStringLiteral("restart_running"), restartRunning},
        {QStringLiteral("restart_id"), double(s.restartId)},
        {QStringLiteral("start_time"), QDateTime::fromMSecsSinceEpoch(s.startTimeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("start_time_ms"), double(s.startTimeMs)},
        {QStringLiteral("last_event_seq"), double(s.lastEventSeq)},
        {QStringLiteral("ledger"), QJsonObject{{QStringLiteral("accepted"), double(s.accepted)},
                                               {QStringLiteral("answered"), double(s.answered)},
                                               {QStringLiteral("refused"), double(s.refused)},
                                               {QStringLiteral("in_flight"), double(s.accepted - s.answered - s.refused)}}},
    };
}

namespace {

template <typename T>
T number(const QJsonObject &o, const char *key)
{
    return static_cast<T>(o.value(QLatin1String(key)).toDouble());
}

std::string utf8(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString().toStdString();
}

ServicePhase phaseFromName(const std::string &name)
{
    for (int i = 0; i <= int(ServicePhase::Stopped); ++i) {
        if (toString(ServicePhase(i)) == name)
            return ServicePhase(i);
    }
    return ServicePhase::Serving;
}

EventKind kindFromName(const std::string &name)
{
    for (int i = 0; i <= int(EventKind::Warning); ++i) {
        if (toString(EventKind(i)) == name)
            return EventKind(i);
    }
    return EventKind::Warning;
}

} // namespace

ServiceSnapshot snapshotFromJson(const QJsonObject &json)
{
    ServiceSnapshot s;
    s.phase = phaseFromName(utf8(json, "phase"));
    s.version = number<Version>(json, "version");
    s.heldRequests = number<std::uint32_t>(json, "held_requests");
    s.badGraphArmed = json.value(QStringLiteral("bad_graph_armed")).toBool();
    s.lastEventSeq = number<std::uint64_t>(json, "last_event_seq");
    const QJsonObject status = json.value(QStringLiteral("status")).toObject();
    s.startTimeMs = number<std::int64_t>(status, "start_time_ms");
    s.restartId = number<std::uint64_t>(status, "restart_id");
    const QJsonObject ledger = status.value(QStringLiteral("ledger")).toObject();
    s.accepted = number<std::uint64_t>(ledger, "accepted");
    s.answered = number<std::uint64_t>(ledger, "answered");
    s.refused = number<std::uint64_t>(ledger, "refused");
    s.takenAtMs = nowEpochMs();
    for (const QJsonValue &v : json.value(QStringLiteral("shards")).toArray()) {
        const QJsonObject o = v.toObject();
        ShardSnapshot shard;
        shard.id = number<ShardId>(o, "shard");
        ShardState state = ShardState::Stopped;
        parseShardState(utf8(o, "state"), state);
        shard.state = state;
        shard.version = number<Version>(o, "version");
        shard.generation = number<Generation>(o, "generation");
        shard.queueDepth = number<std::uint32_t>(o, "queue_depth");
        shard.inFlight = number<std::uint32_t>(o, "in_flight");
        shard.oldestInFlightMs = number<std::uint32_t>(o, "oldest_in_flight_ms");
        shard.processed = number<std::uint64_t>(o, "processed");
        shard.failed = number<std::uint64_t>(o, "failed");
        shard.latencyP50Us = number<std::uint32_t>(o, "latency_p50_us");
        shard.latencyP99Us = number<std::uint32_t>(o, "latency_p99_us");
        const auto figures = [](const QJsonObject &f) {
            return LatencyFigures{number<std::uint32_t>(f, "p50_us"), number<std::uint32_t>(f, "p99_us"),
                                  number<std::uint32_t>(f, "samples")};
        };
        shard.workLatency = figures(o.value(QStringLiteral("work_latency")).toObject());
        const QJsonObject byProcedure = o.value(QStringLiteral("latency_by_procedure")).toObject();
        for (std::size_t i = 0; i < shard.procedureLatency.size(); ++i)
            shard.procedureLatency[i] = figures(byProcedure.value(qs(kLatencyProcedures[i])).toObject());
        for (const QJsonValue &f : o.value(QStringLiteral("armed_faults")).toArray()) {
            const QByteArray name = f.toString().toUtf8();
            for (std::size_t i = 0; i < kArmedFaultNames.size(); ++i)
                if (kArmedFaultNames[i] == std::string_view(name.constData(), std::size_t(name.size())))
                    shard.armedFaults |= std::uint8_t(1u << i);
        }
        shard.slowFaultMs = number<std::uint32_t>(o, "slow_ms");
        s.shards.push_back(shard);
    }
    return s;
}

ServiceEvent eventFromJson(const QJsonObject &json)
{
    ServiceEvent e;
    e.seq = number<std::uint64_t>(json, "seq");
    e.timeMs = number<std::int64_t>(json, "time_ms");
    e.kind = kindFromName(utf8(json, "kind"));
    const std::string severity = utf8(json, "severity");
    e.severity = severity == "error" ? Severity::Error : severity == "warning" ? Severity::Warning : Severity::Info;
    e.restartId = number<std::uint64_t>(json, "restart_id");
    e.phase = phaseFromName(utf8(json, "phase"));
    e.shard = json.contains(QStringLiteral("shard")) ? number<ShardId>(json, "shard") : -1;
    parseShardState(utf8(json, "state"), e.state);
    e.version = number<Version>(json, "version");
    e.outcome = json.value(QStringLiteral("outcome")).toString();
    e.durationMs = json.contains(QStringLiteral("duration_ms")) ? number<std::int64_t>(json, "duration_ms") : -1;
    e.durationUs = json.contains(QStringLiteral("duration_us")) ? number<std::int64_t>(json, "duration_us") : -1;
    e.message = json.value(QStringLiteral("message")).toString();
    return e;
}

RestartOptions restartOptionsFromJson(const QJsonObject &json)
{
    // One key at a time: applyJson refuses a whole object for one unknown key.
    RestartOptions options;
    QString ignored;
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (findRestartSetting(it.key().toStdString()))
            options.applyJson(QJsonObject{{it.key(), it.value()}}, &ignored);
    }
    return options;
}

} // namespace shardscope
