#include "backend/actors/Procedures.h"

#include <QJsonArray>
#include <QLatin1String>
#include <QLocale>

#include <chrono>
#include <algorithm>
#include <iterator>
#include <cmath>
#include <optional>

namespace shardscope {

ProcedureOutcome ProcedureOutcome::done(QJsonValue value)
{
    ProcedureOutcome o;
    o.value = std::move(value);
    return o;
}

ProcedureOutcome ProcedureOutcome::failure(QueryStatus status, QString message)
{
    ProcedureOutcome o;
    o.kind = Kind::Error;
    o.status = status;
    o.error = std::move(message);
    return o;
}

ProcedureOutcome ProcedureOutcome::defer(int ms, QJsonValue value)
{
    ProcedureOutcome o;
    o.kind = Kind::Defer;
    o.deferMs = ms;
    o.value = std::move(value);
    return o;
}

ProcedureOutcome ProcedureOutcome::continueWith(Resume resume)
{
    ProcedureOutcome o;
    o.kind = Kind::Continue;
    o.resume = std::move(resume);
    return o;
}

ProcedureOutcome ProcedureOutcome::again()
{
    ProcedureOutcome o;
    o.kind = Kind::Continue;
    return o;
}

namespace {

// What the client actually sent, for the tail of an error message.
QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Undefined:
        return QStringLiteral("missing");
    case QJsonValue::Null:
        return QStringLiteral("got null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("got true") : QStringLiteral("got false");
    case QJsonValue::Double:
        return QStringLiteral("got ") + QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::String: {
        constexpr qsizetype kMaxEcho = 40;
        const QString s = value.toString();
        return QStringLiteral("got the string \"") + s.left(kMaxEcho)
            + (s.size() > kMaxEcho ? QStringLiteral("...\"") : QStringLiteral("\""));
    }
    case QJsonValue::Array:
        return QStringLiteral("got an array");
    case QJsonValue::Object:
        return QStringLiteral("got an object");
    }
    return QStringLiteral("got an unexpected value");
}

// Reads args[name] as an integer in [lo, hi]. QJsonValue keeps every number as a double,
// so "exact integer" means finite, no fraction, and in range before any cast.
// Absent and fallback set -> fallback. On failure sets error and returns nullopt.
std::optional<qint64> intArg(const QJsonObject &args, QLatin1String name, qint64 lo, qint64 hi, QString &error,
                             std::optional<qint64> fallback = std::nullopt)
{
    const QJsonValue value = args.value(name);
    if (value.isUndefined() && fallback)
        return fallback;
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (std::isfinite(d) && d == std::trunc(d) && d >= double(lo) && d <= double(hi))
            return static_cast<qint64>(d);
    }
    error = QStringLiteral("args.") + name + QStringLiteral(" must be an integer in [") + QString::number(lo)
        + QStringLiteral(", ") + QString::number(hi) + QStringLiteral("] (") + describe(value) + u')';
    return std::nullopt;
}

ProcedureOutcome badRequest(const QString &message)
{
    return ProcedureOutcome::failure(QueryStatus::BadRequest, message);
}

// Vertex ids are checked against this shard's graph, so the range in the message is the real one.
std::optional<std::uint32_t> vertexArg(const QJsonObject &args, const Graph &graph, QString &error)
{
    if (graph.vertexCount() == 0) {
        error = QStringLiteral("args.v cannot be satisfied: the graph (") + graph.source()
            + QStringLiteral(") has no vertices");
        return std::nullopt;
    }
    const auto v = intArg(args, QLatin1String("v"), 0, qint64(graph.vertexCount()) - 1, error);
    if (!v)
        return std::nullopt;
    return static_cast<std::uint32_t>(*v);
}

ProcedureOutcome runEcho(const QJsonObject &args, const Graph &, ProcedureScratch &)
{
    return ProcedureOutcome::done(args);
}

ProcedureOutcome runSpin(const QJsonObject &args, const Graph &, ProcedureScratch &scratch)
{
    QString error;
    const auto ms = intArg(args, QLatin1String("ms"), 0, kSpinMaxMs, error);
    if (!ms)
        return badRequest(error);
    // A real CPU loop, not a sleep: spin exists to occupy the shard and make queue depth
    // and latency visible, exactly like a slow query would. It runs in slices, so it
    // holds its shard (whose next message waits) but not a worker other shards need.
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    const auto until = started + std::chrono::milliseconds(*ms);
    // The deadline stops the work, not only the wait: the shard is free for the next query.
    const bool bounded = scratch.deadline != Clock::time_point{} && scratch.deadline < until;
    const auto stopAt = bounded ? scratch.deadline : until;
    const qint64 asked = *ms;
    return ProcedureOutcome::continueWith([started, stopAt, bounded, asked](Clock::time_point sliceEnd) {
        volatile std::uint64_t sink = 0;
        const auto end = std::min(stopAt, sliceEnd);
        while (Clock::now() < end) {
            for (std::uint64_t i = 0; i < 1000; ++i)
                sink = sink * 6364136223846793005ULL + i;
        }
        if (Clock::now() < stopAt)
            return ProcedureOutcome::again();
        if (bounded) {
            const auto spun = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
            return ProcedureOutcome::failure(QueryStatus::DeadlineExceeded,
                                             QStringLiteral("deadline exceeded: spin stopped after %1 of %2 ms").arg(spun).arg(asked));
        }
        return ProcedureOutcome::done(QJsonObject{{QStringLiteral("spun_ms"), asked}});
    });
}

ProcedureOutcome runSleep(const QJsonObject &args, const Graph &, ProcedureScratch &)
{
    QString error;
    const auto ms = intArg(args, QLatin1String("ms"), 0, kSleepMaxMs, error);
    if (!ms)
        return badRequest(error);
    // The caller owns the timer: a sleeping query must not hold the shard's thread.
    return ProcedureOutcome::defer(static_cast<int>(*ms), QJsonObject{{QStringLiteral("slept_ms"), *ms}});
}

ProcedureOutcome runDegree(const QJsonObject &args, const Graph &graph, ProcedureScratch &)
{
    QString error;
    const auto v = vertexArg(args, graph, error);
    if (!v)
        return badRequest(error);
    return ProcedureOutcome::done(QJsonObject{
        {QStringLiteral("vertex"), qint64(*v)},
        {QStringLiteral("degree"), qint64(graph.degree(*v))},
    });
}

ProcedureOutcome runNeighbors(const QJsonObject &args, const Graph &graph, ProcedureScratch &)
{
    QString error;
    const auto v = vertexArg(args, graph, error);
    if (!v)
        return badRequest(error);
    const auto all = graph.neighbors(*v);
    const bool truncated = all.size() > std::size_t(kNeighborsMaxListed);
    QJsonArray list;
    for (std::uint32_t w : all.first(truncated ? std::size_t(kNeighborsMaxListed) : all.size()))
        list.append(qint64(w));
    QJsonObject result{
        {QStringLiteral("vertex"), qint64(*v)},
        {QStringLiteral("neighbors"), list},
    };
    if (truncated)
        result.insert(QStringLiteral("truncated"), true);
    return ProcedureOutcome::done(result);
}

ProcedureOutcome runKhop(const QJsonObject &args, const Graph &graph, ProcedureScratch &scratch)
{
    QString error;
    const auto v = vertexArg(args, graph, error);
    if (!v)
        return badRequest(error);
    const auto k = intArg(args, QLatin1String("k"), 1, kKhopMaxK, error, kKhopDefaultK);
    if (!k)
        return badRequest(error);
    const std::uint64_t count = graph.khop(*v, static_cast<std::uint32_t>(*k), scratch.khop);
    return ProcedureOutcome::done(QJsonObject{
        {QStringLiteral("vertex"), qint64(*v)},
        {QStringLiteral("k"), *k},
        {QStringLiteral("count"), qint64(count)},
    });
}

using Handler = ProcedureOutcome (*)(const QJsonObject &, const Graph &, ProcedureScratch &);
struct Entry {
    QLatin1String name;
    Handler run;
};

// Order matters: procedureNames() and error messages list them in this order.
constexpr Entry kProcedures[] = {
    {QLatin1String("echo"), &runEcho},
    {QLatin1String("spin"), &runSpin},
    {QLatin1String("sleep"), &runSleep},
    {QLatin1String("degree"), &runDegree},
    {QLatin1String("neighbors"), &runNeighbors},
    {QLatin1String("khop"), &runKhop},
};

} // namespace

QStringList procedureNames()
{
    QStringList names;
    names.reserve(std::size(kProcedures));
    for (const Entry &e : kProcedures)
        names.append(e.name);
    return names;
}

ProcedureOutcome runProcedure(const QString &name, const QJsonObject &args, const Graph &graph,
                              ProcedureScratch &scratch)
{
    for (const Entry &e : kProcedures) {
        if (name == e.name)
            return e.run(args, graph, scratch);
    }
    const QString known = QStringLiteral(" (known: ") + procedureNames().join(QStringLiteral(", ")) + u')';
    if (name.isEmpty())
        return badRequest(QStringLiteral("procedure name is empty") + known);
    constexpr qsizetype kMaxEcho = 64;
    const QString shown = name.size() > kMaxEcho ? name.left(kMaxEcho) + QStringLiteral("...") : name;
    return ProcedureOutcome::failure(QueryStatus::NotFound,
                                     QStringLiteral("unknown procedure '") + shown + u'\'' + known);
}

} // namespace shardscope
