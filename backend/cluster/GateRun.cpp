#include "backend/cluster/GateRun.h"

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/GateJudge.h"

#include <QJsonArray>
#include <QStringList>

namespace shardscope {
namespace {

// Nodes count replies per whole second and a window takes every second it touches: windows
// start on a second and end at the last ms of one (analysis_ms rounded up to whole seconds),
// so no second counts twice, none from before the node settled counts, and the window's
// length in the journal is the length its figures cover.
std::int64_t nextWholeSecond(std::int64_t ms)
{
    return (ms + 999) / 1000 * 1000;
}

QJsonObject gateOf(const QJsonObject &entry)
{
    return entry.value(QStringLiteral("gate")).toObject();
}

std::vector<WindowJudgement> judgedWindows(const QJsonArray &windows)
{
    std::vector<WindowJudgement> out;
    for (const QJsonValue &v : windows) {
        const QJsonObject w = v.toObject();
        out.push_back({gateVerdictFrom(w.value(QStringLiteral("verdict")).toString()).value_or(GateVerdict::Inconclusive),
                       w.value(QStringLiteral("check")).toString(), w.value(QStringLiteral("reason")).toString()});
    }
    return out;
}

} // namespace

bool GateRun::takeBefore(QJsonObject &entry, const QString &url, const GateOptions &options)
{
    QJsonObject gate = gateOf(entry);
    if (gate.contains(QStringLiteral("before")) || gate.contains(QStringLiteral("before_error")))
        return true;
    const QString id = entry.value(QStringLiteral("id")).toString();
    const std::int64_t end = m_beforeEnd.try_emplace(id, clusterNowMs()).first->second;
    const GateProbe::Answer *a = m_probe.figures(url, end - options.analysisMs, end);
    if (!a)
        return false;
    if (a->ok)
        gate.insert(QStringLiteral("before"), a->figures.toJson());
    else
        gate.insert(QStringLiteral("before_error"), a->error);
    entry.insert(QStringLiteral("gate"), gate);
    m_beforeEnd.erase(id);
    return true;
}

void GateRun::startAnalysis(QJsonObject &entry, const QString &fence)
{
    QJsonObject gate = gateOf(entry);
    gate.insert(QStringLiteral("window_fence"), fence);
    gate.insert(QStringLiteral("window_from_ms"), double(nextWholeSecond(clusterNowMs())));
    entry.insert(QStringLiteral("gate"), gate);
    entry.insert(QStringLiteral("step"), QStringLiteral("analysing"));
}

bool GateRun::analyse(QJsonObject &entry, const QString &url, const std::vector<Peer> &baseline, const GateOptions &options,
                      const QString &fence)
{
    QJsonObject gate = gateOf(entry);
    if (gate.contains(QStringLiteral("verdict")))
        return false;
    if (gate.value(QStringLiteral("window_fence")).toString() != fence) {
        if (gate.contains(QStringLiteral("window_fence")))
            gate.insert(QStringLiteral("note"), QStringLiteral("a window was started again by a new coordinator"));
        gate.insert(QStringLiteral("window_fence"), fence);
        gate.insert(QStringLiteral("window_from_ms"), double(nextWholeSecond(clusterNowMs())));
        entry.insert(QStringLiteral("gate"), gate);
        return true;
    }
    const std::int64_t from = std::int64_t(gate.value(QStringLiteral("window_from_ms")).toDouble());
    const std::int64_t to = nextWholeSecond(from + options.analysisMs) - 1; // analysis_ms rounded up to whole seconds
    if (clusterNowMs() < to + kFiguresLagMs)
        return false;
    const GateProbe::Answer *after = m_probe.figures(url, from, to);
    std::vector<GateFigures> others;
    QStringList counted, missing;
    bool waiting = !after;
    for (const Peer &p : baseline) {
        const GateProbe::Answer *a = m_probe.figures(p.url, from, to);
        waiting = waiting || !a;
        if (a && a->ok) {
            others.push_back(a->figures);
            counted << p.id;
        } else if (a) {
            missing << QStringLiteral("%1 (%2)").arg(p.id, a->error);
        }
    }
    if (waiting)
        return false;
    const QString id = entry.value(QStringLiteral("id")).toString();
    const std::optional<GateFigures> base = others.empty() ? std::nullopt : std::optional(sumBaseline(others));
    const std::optional<GateFigures> before = gate.contains(QStringLiteral("before"))
        ? std::optional(GateFigures::fromJson(gate.value(QStringLiteral("before")).toObject())) : std::nullopt;
    WindowJudgement j;
    if (!after->ok)
        j = {GateVerdict::Inconclusive, QStringLiteral("figures"), QStringLiteral("node %1: inconclusive: no figures: %2").arg(id, after->error)};
    else
        j = judgeWindow(id, after->figures, before, base, options);
    QJsonObject window{{QStringLiteral("from_ms"), double(from)}, {QStringLiteral("to_ms"), double(to)},
                       {QStringLiteral("verdict"), toString(j.verdict)}, {QStringLiteral("check"), j.check},
                       {QStringLiteral("reason"), j.reason}, {QStringLiteral("baseline_nodes"), QJsonArray::fromStringList(counted)}};
    if (after->ok)
        window.insert(QStringLiteral("after"), after->figures.toJson());
    if (base)
        window.insert(QStringLiteral("baseline"), base->toJson());
    if (!missing.isEmpty())
        window.insert(QStringLiteral("baseline_missing"), missing.join(QStringLiteral("; ")));
    QJsonArray windows = gate.value(QStringLiteral("windows")).toArray();
    windows.append(window);
    gate.insert(QStringLiteral("windows"), windows);
    gate.insert(QStringLiteral("window_from_ms"), double(nextWholeSecond(to + 1))); // windows follow one another
    const GateJudgement g = judgeGate(judgedWindows(windows), options);
    if (g.decided) {
        gate.insert(QStringLiteral("verdict"), toString(g.verdict));
        gate.insert(QStringLiteral("reason"), g.reason);
        gate.remove(QStringLiteral("window_from_ms"));
        gate.remove(QStringLiteral("window_fence"));
    }
    entry.insert(QStringLiteral("gate"), gate);
    m_probe.forgetBefore(from);
    return true;
}

} // namespace shardscope
