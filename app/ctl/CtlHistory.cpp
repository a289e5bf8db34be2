#include "app/ctl/CtlHistory.h"

#include "app/ctl/CtlExit.h"
#include "app/ctl/HttpSession.h"

#include <QDateTime>
#include <QJsonArray>

namespace shardscope {
namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QString when(const QJsonValue &ms, const QString &format)
{
    return ms.isDouble() ? QDateTime::fromMSecsSinceEpoch(qint64(ms.toDouble())).toString(format) : QStringLiteral("-");
}

// "waiting 12:00:01.020, restarting 12:00:02.400 (+1.4 s), ..."
QString stepsLine(const QJsonArray &steps)
{
    QStringList parts;
    double previous = -1;
    for (const QJsonValue &v : steps) {
        const QJsonObject s = v.toObject();
        const double at = s.value(QStringLiteral("at_ms")).toDouble();
        QString part = QStringLiteral("%1 %2").arg(str(s, "step"), when(s.value(QStringLiteral("at_ms")), QStringLiteral("HH:mm:ss.zzz")));
        if (previous >= 0)
            part += QStringLiteral(" (+%1 s)").arg((at - previous) / 1000.0, 0, 'f', 1);
        previous = at;
        parts << part;
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString formatHistory(const QJsonObject &list)
{
    const QJsonArray runs = list.value(QStringLiteral("runs")).toArray();
    if (runs.isEmpty())
        return QStringLiteral("no cluster restart in the history\n");
    QString out = QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
                      .arg(QStringLiteral("ID"), -13).arg(QStringLiteral("WHEN"), -19).arg(QStringLiteral("STRATEGY"), -8)
                      .arg(QStringLiteral("STATE"), -11).arg(QStringLiteral("WHO"), -15).arg(QStringLiteral("NODES"), 5)
                      .arg(QStringLiteral("REASON"));
    for (const QJsonValue &v : runs) {
        const QJsonObject r = v.toObject();
        QString reason = str(r, "reason");
        if (!str(r, "resumed_from").isEmpty())
            reason = QStringLiteral("resumes %1%2").arg(str(r, "resumed_from"), reason.isEmpty() ? QString() : QStringLiteral("; ") + reason);
        out += QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
                   .arg(str(r, "id"), -13).arg(when(r.value(QStringLiteral("created_ms")), QStringLiteral("yyyy-MM-dd HH:mm:ss")), -19)
                   .arg(str(r, "strategy"), -8).arg(str(r, "state"), -11).arg(str(r, "requester"), -15)
                   .arg(r.value(QStringLiteral("nodes")).toInt(), 5).arg(reason.isEmpty() ? QStringLiteral("-") : reason);
    }
    return out;
}

// A guarded restart's gate on one node: its verdict, then each judged window with its figures.
QString gateLines(const QJsonObject &gate)
{
    if (gate.isEmpty())
        return {};
    QString out = QStringLiteral("    gate: %1%2\n").arg(str(gate, "verdict").isEmpty() ? QStringLiteral("not decided") : str(gate, "verdict"),
                                                     str(gate, "reason").isEmpty() ? QString() : QStringLiteral(": ") + str(gate, "reason"));
    for (const QJsonValue &w : gate.value(QStringLiteral("windows")).toArray()) {
        const QJsonObject o = w.toObject();
        out += QStringLiteral("      window %1-%2: %3: %4\n")
                   .arg(when(o.value(QStringLiteral("from_ms")), QStringLiteral("HH:mm:ss")),
                        when(o.value(QStringLiteral("to_ms")), QStringLiteral("HH:mm:ss")), str(o, "verdict"), str(o, "reason"));
    }
    return out;
}

QString formatRun(const QJsonObject &j)
{
    QString out = QStringLiteral("restart %1 (%2) to v%3: %4\n").arg(str(j, "id"), str(j, "strategy"))
                      .arg(qint64(j.value(QStringLiteral("target_version")).toDouble())).arg(str(j, "state"));
    out += QStringLiteral("  asked by %1 at node %2; created %3, started %4, ended %5\n")
               .arg(str(j, "requester"), str(j, "accepted_by"), when(j.value(QStringLiteral("created_ms")), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")),
                    when(j.value(QStringLiteral("started_ms")), QStringLiteral("HH:mm:ss.zzz")),
                    when(j.value(QStringLiteral("ended_ms")), QStringLiteral("HH:mm:ss.zzz")));
    if (!str(j, "resumed_from").isEmpty())
        out += QStringLiteral("  resumes restart %1\n").arg(str(j, "resumed_from"));
    if (!str(j, "reason").isEmpty())
        out += QStringLiteral("  reason: %1\n").arg(str(j, "reason"));
    for (const QJsonValue &v : j.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        out += QStringLiteral("  node %1: v%2 -> %3  %4%5\n").arg(str(n, "id")).arg(qint64(n.value(QStringLiteral("start_version")).toDouble()))
                   .arg(n.value(QStringLiteral("version")).isDouble() ? QStringLiteral("v%1").arg(qint64(n.value(QStringLiteral("version")).toDouble())) : QStringLiteral("-"))
                   .arg(str(n, "step"), str(n, "note").isEmpty() ? QString() : QStringLiteral(" (%1)").arg(str(n, "note")));
        const QJsonArray steps = n.value(QStringLiteral("steps")).toArray();
        if (!steps.isEmpty())
            out += QStringLiteral("    %1\n").arg(stepsLine(steps));
        out += gateLines(n.value(QStringLiteral("gate")).toObject());
    }
    return out;
}

int runHistoryCtl(HttpSession &session, const QCommandLineParser &p)
{
    const QString id = p.positionalArguments().value(2);
    const HttpSession::Reply r = session.get(id.isEmpty() ? QStringLiteral("/v1/cluster/history?limit=50")
                                                          : QStringLiteral("/v1/cluster/history?id=%1").arg(QString::fromLatin1(QUrl::toPercentEncoding(id))));
    if (const int code = ctlExitFor(r); code != CtlOk)
        return code;
    if (p.isSet(QStringLiteral("json")))
        ctlPrint(QString::fromUtf8(r.body) + QLatin1Char('\n'));
    else
        ctlPrint(id.isEmpty() ? formatHistory(r.json()) : formatRun(r.json()));
    return CtlOk;
}

int runResumeCtl(HttpSession &session, const QCommandLineParser &p)
{
    const QString id = p.positionalArguments().value(2);
    if (id.isEmpty())
        return ctlFail(CtlUsage, QStringLiteral("cluster resume wants the id of the restart to resume (see 'cluster history')"));
    const HttpSession::Reply r = session.post(QStringLiteral("/v1/cluster/restart/resume"), {{QStringLiteral("restart_id"), id}});
    if (r.status == 409) {
        for (const QJsonValue &b : r.json().value(QStringLiteral("blockers")).toArray())
            ctlPrint(QStringLiteral("blocker: %1\n").arg(b.toString()));
    }
    if (const int code = ctlExitFor(r); code != CtlOk)
        return code;
    ctlPrint(QStringLiteral("cluster restart %1 accepted: resumes restart %2\n")
                 .arg(qint64(r.json().value(QStringLiteral("restart_id")).toDouble())).arg(id));
    return CtlOk;
}

} // namespace shardscope
