#include "app/ctl/CtlCluster.h"

#include "app/ctl/CtlExit.h"
#include "app/ctl/CtlHistory.h"
#include "app/ctl/HttpSession.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QTimer>
#include <QUuid>

#include <cstdio>

namespace shardscope {
namespace {

constexpr int kWaitPollMs = 100; // a node's step lasts its grace period and its restart: see each one
constexpr int kRestartAttempts = 3; // a request with no answer or an unknown outcome is asked again, same request_id
constexpr int kRetryPauseMs = 1000;




QString restartLine(const QJsonObject &r)
{
    QStringList steps;
    for (const QJsonValue &v : r.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        steps << QStringLiteral("%1=%2").arg(n.value(QStringLiteral("id")).toString(), n.value(QStringLiteral("step")).toString());
    }
    QString line = QStringLiteral("restart %1 (%2): %3  %4").arg(r.value(QStringLiteral("id")).toString(),
        r.value(QStringLiteral("strategy")).toString(), r.value(QStringLiteral("state")).toString(), steps.join(QLatin1Char(' ')));
    if (!r.value(QStringLiteral("reason")).toString().isEmpty())
        line += QStringLiteral("\n  reason: ") + r.value(QStringLiteral("reason")).toString();
    return line + QLatin1Char('\n');
}

void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Follows the restart through the cluster status until it is in the history.
int waitFor(HttpSession &session, const QString &id)
{
    QString last;
    for (;;) {
        const HttpSession::Reply r = session.get(QStringLiteral("/v1/cluster/status"));
        if (r.status != 200)
            return ctlExitFor(r) == CtlOk ? CtlFailed : CtlUnreachable;
        const QJsonObject s = r.json();
        const QJsonObject current = s.value(QStringLiteral("restart")).toObject();
        const QJsonObject done = s.value(QStringLiteral("last_restart")).toObject();
        const bool finished = current.value(QStringLiteral("id")).toString() != id && done.value(QStringLiteral("id")).toString() == id;
        const QString line = restartLine(finished ? done : current);
        if (line != last && (finished || !current.isEmpty()))
            ctlPrint(line);
        last = line;
        if (finished)
            return done.value(QStringLiteral("state")).toString() == QLatin1String("completed") ? CtlOk : CtlFailed;
        pause(kWaitPollMs);
    }
}

// --gate on (every default) or --gate analysis_ms=1500,checks=2,inconclusive=proceed: numbers
// as numbers, words as words; the service checks them (400 with the reason).
QJsonValue gateOption(const QString &text)
{
    if (text == QLatin1String("on") || text == QLatin1String("true"))
        return true;
    QJsonObject gate;
    for (const QString &pair : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString key = pair.section(QLatin1Char('='), 0, 0).trimmed();
        const QString value = pair.section(QLatin1Char('='), 1).trimmed();
        bool number = false;
        const double d = value.toDouble(&number);
        gate.insert(key, number ? QJsonValue(d) : QJsonValue(value));
    }
    return gate;
}

int restart(HttpSession &session, const QCommandLineParser &p)
{
    QJsonObject body{{QStringLiteral("strategy"), p.isSet(QStringLiteral("strategy")) ? p.value(QStringLiteral("strategy")) : QStringLiteral("rolling")}};
    for (auto [option, field, integer] : {std::tuple{"mode", "mode", false}, {"admission", "admission", false},
                                          {"drain-policy", "drain_policy", false}, {"drain-timeout", "drain_timeout_ms", true},
                                          {"grace-ms", "grace_ms", true}, {"settle-ms", "settle_ms", true},
                                          {"max-unavailable", "max_unavailable", true}, {"commit-wait-ms", "commit_wait_ms", true}}) {
        if (p.isSet(QLatin1String(option))) {
            const QString v = p.value(QLatin1String(option));
            body.insert(QLatin1String(field), integer ? QJsonValue(v.toDouble()) : QJsonValue(v));
        }
    }
    if (p.isSet(QStringLiteral("gate")))
        body.insert(QStringLiteral("gate"), gateOption(p.value(QStringLiteral("gate"))));
    if (p.isSet(QStringLiteral("canary")))
        body.insert(QStringLiteral("canary"), p.value(QStringLiteral("canary")).toDouble());
    // One request id per invocation: asking again after no answer (or "outcome unknown")
    // returns the same restart instead of starting a second one.
    body.insert(QStringLiteral("request_id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    HttpSession::Reply r = session.post(QStringLiteral("/v1/cluster/restart"), body);
    for (int attempt = 1; attempt < kRestartAttempts && (r.status == 0 || (r.status == 503 && r.message().startsWith(QLatin1String("outcome unknown")))); ++attempt) {
        pause(kRetryPauseMs);
        r = session.post(QStringLiteral("/v1/cluster/restart"), body);
    }
    if (const int code = ctlExitFor(r); code != CtlOk)
        return code;
    const QString id = QString::number(qint64(r.json().value(QStringLiteral("restart_id")).toDouble()));
    ctlPrint(QStringLiteral("cluster restart %1 accepted\n").arg(id));
    return p.isSet(QStringLiteral("wait")) ? waitFor(session, id) : CtlOk;
}

} // namespace

QString formatClusterStatus(const QJsonObject &s)
{
    QString out = QStringLiteral("cluster %1  etcd %2  coordinator %3\n").arg(s.value(QStringLiteral("cluster")).toString(),
        s.value(QStringLiteral("etcd")).toString(), s.value(QStringLiteral("coordinator")).toString(QStringLiteral("none")));
    if (s.value(QStringLiteral("etcd")).toString() != QLatin1String("ok"))
        out += QStringLiteral("  etcd error: %1\n").arg(s.value(QStringLiteral("etcd_error")).toString());
    for (const QJsonValue &v : s.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        out += QStringLiteral("  %1  %2  v%3  %4  %5  %6  seen %7 ms ago%8\n").arg(n.value(QStringLiteral("id")).toString(),
            n.value(QStringLiteral("url")).toString()).arg(qint64(n.value(QStringLiteral("version")).toDouble()))
            .arg(n.value(QStringLiteral("ready")).toBool() ? QStringLiteral("ready") : QStringLiteral("not-ready"),
                 n.value(QStringLiteral("phase")).toString(), n.value(QStringLiteral("state")).toString())
            .arg(qint64(n.value(QStringLiteral("last_seen_ms")).toDouble()))
            .arg(n.value(QStringLiteral("coordinator")).toBool() ? QStringLiteral("  (coordinator)") : QString());
    }
    QStringList versions;
    const QJsonObject byVersion = s.value(QStringLiteral("versions")).toObject();
    for (auto it = byVersion.begin(); it != byVersion.end(); ++it)
        versions << QStringLiteral("v%1: %2 node(s)").arg(it.key()).arg(it.value().toInt());
    out += QStringLiteral("versions: %1\n").arg(versions.join(QStringLiteral(", ")));
    if (s.value(QStringLiteral("restart")).isObject())
        out += restartLine(s.value(QStringLiteral("restart")).toObject());
    else if (s.value(QStringLiteral("last_restart")).isObject())
        out += QStringLiteral("last ") + restartLine(s.value(QStringLiteral("last_restart")).toObject());
    return out;
}

int runClusterCtl(HttpSession &session, const QString &command, const QCommandLineParser &p)
{
    const bool json = p.isSet(QStringLiteral("json"));
    if (command == QLatin1String("status")) {
        const HttpSession::Reply r = session.get(QStringLiteral("/v1/cluster/status"));
        if (const int code = ctlExitFor(r); code != CtlOk)
            return code;
        ctlPrint(json ? QString::fromUtf8(r.body) + QLatin1Char('\n') : formatClusterStatus(r.json()));
        return CtlOk;
    }
    if (command == QLatin1String("restart"))
        return restart(session, p);
    if (command == QLatin1String("history"))
        return runHistoryCtl(session, p);
    if (command == QLatin1String("resume"))
        return runResumeCtl(session, p);
    if (p.positionalArguments().size() > 2)
        return ctlFail(CtlUsage, QStringLiteral("cluster %1 takes no further word").arg(command));
    if (command == QLatin1String("abort")) {
        const HttpSession::Reply r = session.post(QStringLiteral("/v1/cluster/restart/abort"));
        if (const int code = ctlExitFor(r); code != CtlOk)
            return code;
        ctlPrint(QStringLiteral("cluster restart %1: abort requested\n").arg(qint64(r.json().value(QStringLiteral("restart_id")).toDouble())));
        return CtlOk;
    }
    if (command == QLatin1String("events")) {
        const QString since = p.value(QStringLiteral("since")).isEmpty() ? QStringLiteral("0") : p.value(QStringLiteral("since"));
        const HttpSession::Reply r = session.get(QStringLiteral("/v1/cluster/events?since=%1&limit=10000").arg(since));
        if (const int code = ctlExitFor(r); code != CtlOk)
            return code;
        for (const QJsonValue &v : r.json().value(QStringLiteral("events")).toArray()) {
            const QJsonObject e = v.toObject();
            ctlPrint(QStringLiteral("%1 %2 %3 %4\n").arg(qint64(e.value(QStringLiteral("seq")).toDouble()))
                      .arg(QDateTime::fromMSecsSinceEpoch(qint64(e.value(QStringLiteral("time_ms")).toDouble())).toString(Qt::ISODateWithMs),
                           e.value(QStringLiteral("kind")).toString(), e.value(QStringLiteral("message")).toString()));
        }
        return CtlOk;
    }
    return ctlFail(CtlUsage, QStringLiteral("cluster wants one of: status, restart, abort, events, history, resume; got '%1'").arg(command));
}

} // namespace shardscope
