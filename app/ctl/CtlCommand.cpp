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

// The one table of ctl's options: the parser reads it and --help prints it, so the help
// (and the man page help2man makes from it) cannot name an option ctl does not take.
struct CtlOption {
    const char *name;
    const char *valueName; // nullptr for a flag
    const char *help;
};
constexpr CtlOption kOptions[] = {
    {"url", "URL", "the service (default $SHARDSCOPE_URL, else http://127.0.0.1:8080)"},
    {"token-file", "FILE", "bearer token for restart, stop, start and abort (default $SHARDSCOPE_TOKEN)"},
    {"json", nullptr, "status, shards, cluster status, cluster history: print the service's JSON as is"},
    {"mode", "phased|legacy", "restart: phased (all shards as one unit) or legacy (shard 0 only)"},
    {"admission", "hold|reject", "restart: hold new requests at the closed gate, or refuse them with 503"},
    {"drain-policy", "abort|force", "restart: on drain timeout, abort (reopen on the old version) or force"},
    {"drain-timeout", "MS", "restart: the drain timeout in milliseconds"},
    {"wait", nullptr, "restart, cluster restart: print each step as it happens and exit with the outcome"},
    {"since", "N", "events, cluster events: only events after sequence number N (default 0)"},
    {"follow", nullptr, "events: keep printing new events as they happen"},
    {"strategy", "rolling|lockstep", "cluster restart: one node group at a time, or all nodes at once (default rolling)"},
    {"grace-ms", "MS", "cluster restart: time a node is out of the balancer before it restarts"},
    {"settle-ms", "MS", "cluster restart: time a restarted node serves before the next one starts"},
    {"max-unavailable", "N", "cluster restart, rolling: nodes restarted at a time (default 1)"},
    {"commit-wait-ms", "MS", "cluster restart, lockstep: how long nodes wait for the commit mark"},
    {"gate", "on|KEY=VALUE,...", "cluster restart, rolling: judge each node after it settled (analysis_ms, checks, "
                                 "failed_checks_allowed, min_requests, success_rate, p99_ratio, p99_max_ms, p99_slack_ms, "
                                 "inconclusive=stop|proceed); a failed gate rolls back"},
    {"canary", "N", "cluster restart with --gate: nodes judged before any other starts (default 1)"},
    {"help", nullptr, "print this help"},
};

const char *kUsage = R"(Usage: shardscope ctl [--url URL] [--token-file FILE] COMMAND [options]
Reads and drives a running ShardScope service (or cluster node) through its HTTP API.

Commands:
  status                       the service's phase, version, readiness and request ledger
  shards                       one line per shard: state, version, queue, in flight, counters
  restart                      start a restart of every shard (--mode, --admission,
                               --drain-policy, --drain-timeout, --wait)
  events                       print service events (--since, --follow)
  stop                         stop the query actors on every shard
  start                        start the query actors on every shard
  cluster status               every node: version, readiness, phase, coordinator; the
                               running restart
  cluster restart              restart every node: rolling (--max-unavailable nodes at a
                               time) or lockstep (all at once, resumed together after a
                               commit mark); takes the restart options too; rolling
                               with --gate: each node judged after it settled, the
                               first --canary N before any other, a failed gate rolls back
  cluster abort                stop the running cluster restart before its next node
  cluster events               what this node saw happen in the cluster (--since)
  cluster history [ID]         the newest cluster restarts (who, when, outcome), or one
                               restart's node steps with their times (--json)
  cluster resume ID            resume a stopped rolling restart (the newest one) from
                               where it stopped, after preflight checks
)";

const char *kTrailer = R"(
Environment:
  SHARDSCOPE_URL               the service's URL when --url is not given
  SHARDSCOPE_TOKEN             the bearer token when --token-file is not given (never printed)

Exit codes:
  0                            done (restart --wait: the restart completed)
  1                            the restart was aborted, rolled back or failed
  2                            bad arguments
  3                            the service could not be reached
  4                            the service refused (409 busy, 401/403 token, other 4xx)
)";

QString helpText()
{
    QString text = QString::fromUtf8(kUsage) + QStringLiteral("\nOptions:\n");
    for (const CtlOption &o : kOptions) {
        const QString name = QStringLiteral("--%1%2").arg(QLatin1String(o.name),
            o.valueName ? QStringLiteral(" ") + QLatin1String(o.valueName) : QString());
        text += QStringLiteral("  %1  %2\n").arg(name, -27).arg(QLatin1String(o.help));
    }
    return text + QString::fromUtf8(kTrailer);
}

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
    for (const CtlOption &o : kOptions) {
        p.addOption(o.valueName ? QCommandLineOption(QLatin1String(o.name), QString(), QStringLiteral("value"))
                                : QCommandLineOption(QLatin1String(o.name)));
    }
    if (!p.parse(QStringList{QStringLiteral("ctl")} + arguments))
        return ctlFail(CtlUsage, p.errorText() + QStringLiteral("\nTry 'shardscope ctl --help'."));
    if (p.isSet(QStringLiteral("help"))) {
        ctlPrint(helpText());
        return CtlOk;
    }
    const QStringList words = p.positionalArguments();
    const bool cluster = words.value(0) == QLatin1String("cluster");
    if (cluster && (words.size() < 2 || words.size() > 3))
        return ctlFail(CtlUsage, QStringLiteral("name one cluster command: status, restart, abort, events, history [ID] or resume ID"));
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
