#include "app/ctl/CtlCommand.h"

#include "app/TokenFile.h"
#include "app/ctl/CtlCluster.h"
#include "app/ctl/CtlOutput.h"
#include "app/ctl/HttpSession.h"
#include "backend/types/CommandOutcome.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace shardscope {
namespace {

const char *kHelp = R"(Usage: shardscope ctl [--url URL] [--token-file FILE] COMMAND [options]

Commands:
  status                       the service's phase, version, readiness and request ledger
  shards [--json]              one line per shard: state, version, queue, in flight, counters
  restart [--mode phased|legacy] [--admission hold|reject] [--drain-policy abort|force]
          [--drain-timeout MS] [--wait]
                               start a restart; with --wait print each phase as it happens
  events [--since N] [--follow]
                               print service events; --follow keeps printing new ones
  stop | start                 stop or start the query actors on every shard
  cluster status               every node: version, readiness, phase, coordinator; the running restart
  cluster restart [--strategy rolling|lockstep] [--grace-ms MS] [--settle-ms MS] [--max-unavailable N]
                  [--commit-wait-ms MS] [restart options] [--wait]
                               restart every node of the cluster: rolling (N nodes at a time, default 1)
                               or lockstep (all at once, resumed together after a commit mark)
  cluster abort                stop the running cluster restart before its next node
  cluster events [--since N]   what this node saw happen in the cluster

Options:
  --url URL          the service (default http://127.0.0.1:8080, or $SHARDSCOPE_URL)
  --token-file FILE  bearer token for restart/stop/start (or $SHARDSCOPE_TOKEN)
  --json             print the service's JSON as is

Exit codes: 0 done (restart --wait: completed), 1 the restart was aborted, rolled back or
failed, 2 bad arguments, 3 the service could not be reached, 4 the service refused
(409 busy, 401/403 token, other 4xx).
)";




int waitForRestart(HttpSession &session, std::uint64_t restartId, std::uint64_t since)
{
    int code = CtlFailed;
    QString error;
    const bool ok = session.stream(QStringLiteral("/v1/stream?snapshots=0&since=%1").arg(since),
                                   [&](const QByteArray &event, const QByteArray &data) {
        if (event != "event")
            return true;
        const QJsonObject e = QJsonDocument::fromJson(data).object();
        if (std::uint64_t(e.value(QStringLiteral("restart_id")).toDouble()) != restartId)
            return true;
        const QString kind = e.value(QStringLiteral("kind")).toString();
        if (kind == QLatin1String("shard_state"))
            return true; // one line per phase, not per shard
        ctlPrint(formatEvent(e));
        if (kind == QLatin1String("restart_finished")) {
            const QByteArray word = e.value(QStringLiteral("outcome")).toString().toUtf8();
            CommandOutcome outcome = CommandOutcome::Failed;
            parseCommandOutcome(std::string_view(word.constData(), std::size_t(word.size())), outcome);
            code = outcome == CommandOutcome::Completed ? CtlOk : CtlFailed;
            return false;
        }
        return true;
    }, &error);
    if (!ok)
        return ctlFail(CtlUnreachable, error);
    return code;
}

int restart(HttpSession &session, const QCommandLineParser &p)
{
    QJsonObject body;
    auto copy = [&](const char *option, const char *field, bool integer) {
        if (!p.isSet(QLatin1String(option)))
            return;
        const QString v = p.value(QLatin1String(option));
        body.insert(QLatin1String(field), integer ? QJsonValue(v.toDouble()) : QJsonValue(v));
    };
    copy("mode", "mode", false);
    copy("admission", "admission", false);
    copy("drain-policy", "drain_policy", false);
    copy("drain-timeout", "drain_timeout_ms", true);
    const std::uint64_t since = std::uint64_t(session.get(QStringLiteral("/v1/service/status"))
                                                  .json().value(QStringLiteral("last_event_seq")).toDouble());
    const HttpSession::Reply r = session.post(QStringLiteral("/v1/service/restart"), body);
    if (const int code = ctlExitFor(r); code != CtlOk)
        return code;
    const auto id = std::uint64_t(r.json().value(QStringLiteral("restart_id")).toDouble());
    ctlPrint(QStringLiteral("restart %1 accepted\n").arg(id));
    return p.isSet(QStringLiteral("wait")) ? waitForRestart(session, id, since) : CtlOk;
}

int events(HttpSession &session, const QCommandLineParser &p)
{
    const QString since = p.value(QStringLiteral("since")).isEmpty() ? QStringLiteral("0") : p.value(QStringLiteral("since"));
    if (!p.isSet(QStringLiteral("follow"))) {
        const HttpSession::Reply r = session.get(QStringLiteral("/v1/service/events?since=%1&limit=10000").arg(since));
        if (const int code = ctlExitFor(r); code != CtlOk)
            return code;
        for (const QJsonValue &e : r.json().value(QStringLiteral("events")).toArray())
            ctlPrint(formatEvent(e.toObject()));
        return CtlOk;
    }
    QString error;
    const bool ok = session.stream(QStringLiteral("/v1/stream?snapshots=0&since=%1").arg(since),
                                   [](const QByteArray &event, const QByteArray &data) {
        if (event == "event")
            ctlPrint(formatEvent(QJsonDocument::fromJson(data).object()));
        return true;
    }, &error);
    return ok ? CtlOk : ctlFail(CtlUnreachable, error);
}

} // namespace

int runCtl(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    for (const char *flag : {"json", "wait", "follow", "help"})
        p.addOption(QCommandLineOption(QLatin1String(flag)));
    for (const char *valued : {"url", "token-file", "mode", "admission", "drain-policy", "drain-timeout", "since",
                               "strategy", "grace-ms", "settle-ms", "max-unavailable", "commit-wait-ms"})
        p.addOption(QCommandLineOption(QLatin1String(valued), QString(), QStringLiteral("value")));
    if (!p.parse(QStringList{QStringLiteral("ctl")} + arguments))
        return ctlFail(CtlUsage, p.errorText() + QStringLiteral("\nTry 'shardscope ctl --help'."));
    if (p.isSet(QStringLiteral("help"))) {
        ctlPrint(QString::fromUtf8(kHelp));
        return CtlOk;
    }
    const QStringList words = p.positionalArguments();
    const bool cluster = words.value(0) == QLatin1String("cluster");
    if (cluster && words.size() != 2)
        return ctlFail(CtlUsage, QStringLiteral("name one cluster command: status, restart, abort or events"));
    if (!cluster && words.size() != 1)
        return ctlFail(CtlUsage, QStringLiteral("name one command: status, shards, restart, events, stop or start"));

    QString url = p.value(QStringLiteral("url"));
    if (url.isEmpty())
        url = qEnvironmentVariable("SHARDSCOPE_URL", QStringLiteral("http://127.0.0.1:8080"));
    const QUrl base(url);
    if (!base.isValid() || base.scheme() != QLatin1String("http") || base.host().isEmpty())
        return ctlFail(CtlUsage, QStringLiteral("--url must look like http://HOST:PORT, got '%1'").arg(url));
    QByteArray token = qgetenv("SHARDSCOPE_TOKEN").trimmed();
    QString error;
    if (p.isSet(QStringLiteral("token-file"))) {
        QString warning;
        if (!readTokenFile(p.value(QStringLiteral("token-file")), &token, &error, &warning))
            return ctlFail(CtlUsage, error);
        if (!warning.isEmpty())
            std::fprintf(stderr, "shardscope ctl: warning: %s\n", qPrintable(warning));
    } else if (!checkTokenLength(token, QStringLiteral("$SHARDSCOPE_TOKEN"), &error)) {
        return ctlFail(CtlUsage, error);
    }
    HttpSession session(base, token);
    const QString command = words.first();
    if (cluster)
        return runClusterCtl(session, words.at(1), p);
    const bool json = p.isSet(QStringLiteral("json"));
    if (command == QLatin1String("status") || command == QLatin1String("shards")) {
        const HttpSession::Reply r = session.get(command == QLatin1String("status") ? QStringLiteral("/v1/service/status")
                                                                                     : QStringLiteral("/v1/service/shards"));
        if (const int code = ctlExitFor(r); code != CtlOk)
            return code;
        ctlPrint(json ? QString::fromUtf8(r.body) + QLatin1Char('\n')
                   : (command == QLatin1String("status") ? formatStatus(r.json()) : formatShards(r.json())));
        return CtlOk;
    }
    if (command == QLatin1String("restart"))
        return restart(session, p);
    if (command == QLatin1String("events"))
        return events(session, p);
    if (command == QLatin1String("stop") || command == QLatin1String("start")) {
        const HttpSession::Reply r = session.post(QStringLiteral("/v1/service/") + command);
        if (const int code = ctlExitFor(r); code != CtlOk)
            return code;
        ctlPrint(QStringLiteral("%1 accepted\n").arg(command));
        return CtlOk;
    }
    return ctlFail(CtlUsage, QStringLiteral("unknown command '%1'; try 'shardscope ctl --help'").arg(command));
}

} // namespace shardscope
