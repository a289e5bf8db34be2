#include "app/AppOptions.h"

#include "app/BuildInfo.h"
#include "app/ClusterOptions.h"
#include "app/TokenFile.h"
#include "backend/core/ThreadsOption.h"
#include "backend/http/HttpServerHost.h"
#include "backend/types/Query.h"

#include <QCommandLineParser>
#include <QFile>
#include <QStandardPaths>
#include <QThread>

#include <cstdio>

namespace shardscope {
namespace {

bool intOption(const QCommandLineParser &p, const QString &name, int min, int max, int &out, QString *error)
{
    if (!p.isSet(name))
        return true;
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v < min || v > max) {
        *error = QStringLiteral("--%1 must be an integer in [%2, %3], got '%4'").arg(name).arg(min).arg(max).arg(p.value(name));
        return false;
    }
    out = v;
    return true;
}

QString latin1(std::string_view s)
{
    return QString::fromLatin1(s.data(), qsizetype(s.size()));
}

// One restart default from the command line, by the setting's own name and limits.
bool restartOption(const QCommandLineParser &p, const RestartSetting &setting, RestartOptions &options, QString *error)
{
    const QString name = latin1(setting.cliName);
    if (!p.isSet(name))
        return true;
    if (!setting.isChoice()) {
        int value = setting.valueOf(options);
        if (!intOption(p, name, 0, setting.max, value, error))
            return false;
        setting.setValue(options, value);
        return true;
    }
    const QByteArray text = p.value(name).toUtf8();
    if (!setting.setChoice(options, std::string_view(text.constData(), std::size_t(text.size())))) {
        *error = QStringLiteral("--%1 must be one of: %2").arg(name, latin1(setting.choices));
        return false;
    }
    return true;
}

// Options are parsed before any QCoreApplication exists, so QCommandLineParser names the
// program "<executable_name>"; users and the man page (help2man) read its real name.
QString helpText(const QCommandLineParser &p)
{
    QString text = p.helpText();
    text.replace(QStringLiteral("Usage: <executable_name>"), QStringLiteral("Usage: shardscope"));
    return text;
}

} // namespace

bool parseAppOptions(const QStringList &arguments, AppOptions *out, int *exitCode)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "ShardScope: a console for a sharded actor query service, with a phased all-shard restart.\n"
        "Without --headless it opens the console with an embedded service."));
    p.addHelpOption();
    p.addVersionOption();
    auto opt = [&](const char *name, const char *help, const char *valueName = nullptr) {
        p.addOption(valueName ? QCommandLineOption(QLatin1String(name), QLatin1String(help), QLatin1String(valueName))
                              : QCommandLineOption(QLatin1String(name), QLatin1String(help)));
    };
    opt("headless", "Run the service alone, without the console.");
    opt("shards", "Number of shards, 1..1024 (default: 8 in the console, the core count (at least 2) headless).", "N");
    opt("threads", "Threads that run the shards: N pool workers, each running many shards in turns, or per-shard "
                   "(a thread for each shard). Default: one worker per core ($SHARDSCOPE_THREADS overrides).", "N|per-shard");
    opt("listen", "HTTP address (default 127.0.0.1:8080; port 0 picks a free one).", "HOST:PORT");
    opt("graph", "Edge-list file the service loads at start and at every restart (default: a generated graph).", "FILE");
    opt("log-level", "trace, debug, info, warn, error, critical or off (default info).", "LEVEL");
    opt("queue-limit", "Queries that may wait in one shard's queue, 1..1000000; one more gets 503 with Retry-After "
                       "(default 4096).", "N");
    opt("query-deadline-ms", "Deadline of a query whose request names no deadline_ms, 1..300000 (default 30000).", "MS");
    for (const RestartSetting &r : restartSettings())
        p.addOption(QCommandLineOption(latin1(r.cliName), latin1(r.help), latin1(r.valueName)));
    opt("connect", "Open the console against a running service (e.g. http://127.0.0.1:8080) instead of embedding one.", "URL");
    opt("transport", "With --connect: stream (GET /v1/stream), poll (GET /v1/service/shards and events), or auto "
                     "(stream, falling back to polling when it cannot be held open). Default auto.", "MODE");
    opt("token-file", "File holding the bearer token that restart, stop, start and faults require (required off loopback).", "FILE");
    opt("audit-file", "JSON-lines audit of every restart, stop and start (default: in the user's data folder).", "FILE");
    opt("scenario", "What the console's built-in workload does besides its mix: hot-slow (default: shard 0 hot, "
                    "shard 1 slow), uniform, hot, slow or stalled (shard 2 holds a 60 s query).", "NAME");
    opt("enable-faults", "Allow fault injection through POST /v1/faults (for drills and tests).");
    addClusterOptions(p);

    if (!p.parse(arguments)) {
        std::fprintf(stderr, "shardscope: %s\nTry 'shardscope --help'.\n", qPrintable(p.errorText()));
        *exitCode = 2;
        return false;
    }
    if (p.isSet(QStringLiteral("help")) || p.isSet(QStringLiteral("version"))) {
        if (p.isSet(QStringLiteral("help")))
            std::fputs(qPrintable(helpText(p)), stdout);
        else
            std::printf("%s\n", versionLine());
        *exitCode = 0;
        return false;
    }
    if (!p.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "shardscope: unexpected argument '%s'\n", qPrintable(p.positionalArguments().first()));
        *exitCode = 2;
        return false;
    }

    AppOptions o;
    o.headless = p.isSet(QStringLiteral("headless"));
    o.service.shards = o.headless ? std::max(2, QThread::idealThreadCount()) : 8;
    QString error;
    bool ok = intOption(p, QStringLiteral("shards"), 1, ServiceConfig::kMaxShards, o.service.shards, &error);
    if (ok && p.isSet(QStringLiteral("threads")))
        ok = parseThreads(p.value(QStringLiteral("threads")), &o.service.threads, &error);
    if (ok)
        ok = intOption(p, QStringLiteral("queue-limit"), 1, ServiceConfig::kMaxQueueLimit, o.service.queueLimit, &error);
    if (ok)
        ok = intOption(p, QStringLiteral("query-deadline-ms"), kMinQueryDeadlineMs, kMaxQueryDeadlineMs,
                       o.service.queryDeadlineMs, &error);
    for (const RestartSetting &r : restartSettings()) {
        if (ok)
            ok = restartOption(p, r, o.service.restartDefaults, &error);
    }
    if (ok && p.isSet(QStringLiteral("listen"))) {
        o.listenGiven = true;
        ok = parseListenAddress(p.value(QStringLiteral("listen")), &o.listenAddress, &o.listenPort, &error);
    }
    static const QStringList levels = {QStringLiteral("trace"), QStringLiteral("debug"), QStringLiteral("info"),
                                       QStringLiteral("warn"), QStringLiteral("error"), QStringLiteral("critical"),
                                       QStringLiteral("off")};
    if (ok && p.isSet(QStringLiteral("log-level"))) {
        o.logLevel = p.value(QStringLiteral("log-level"));
        if (!levels.contains(o.logLevel)) {
            error = QStringLiteral("--log-level must be one of: %1").arg(levels.join(QStringLiteral(", ")));
            ok = false;
        }
    }
    o.service.graphFile = p.value(QStringLiteral("graph"));
    o.service.enableFaults = p.isSet(QStringLiteral("enable-faults"));
    o.service.auditFile = p.isSet(QStringLiteral("audit-file"))
        ? p.value(QStringLiteral("audit-file"))
        : QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/audit.jsonl");
    if (ok && p.isSet(QStringLiteral("token-file"))) {
        QString warning;
        ok = readTokenFile(p.value(QStringLiteral("token-file")), &o.accessToken, &error, &warning);
        if (!warning.isEmpty())
            std::fprintf(stderr, "shardscope: warning: %s\n", qPrintable(warning));
    }
    if (ok && p.isSet(QStringLiteral("connect"))) {
        o.connectUrl = QUrl(p.value(QStringLiteral("connect")));
        if (!o.connectUrl.isValid() || o.connectUrl.scheme() != QLatin1String("http") || o.connectUrl.host().isEmpty()) {
            error = QStringLiteral("--connect wants a URL like http://HOST:PORT, got '%1'").arg(p.value(QStringLiteral("connect")));
            ok = false;
        }
        if (o.accessToken.isEmpty()) {
            o.accessToken = qgetenv("SHARDSCOPE_TOKEN").trimmed();
            ok = checkTokenLength(o.accessToken, QStringLiteral("$SHARDSCOPE_TOKEN"), &error);
        }
    }
    if (ok && p.isSet(QStringLiteral("transport"))
        && (o.connectUrl.isEmpty() || !parseRemoteTransport(p.value(QStringLiteral("transport")), o.transport))) {
        error = o.connectUrl.isEmpty() ? QStringLiteral("--transport only applies with --connect")
                                       : QStringLiteral("--transport must be one of: auto, stream, poll");
        ok = false;
    }
    if (ok && p.isSet(QStringLiteral("scenario")) && !parseScenario(p.value(QStringLiteral("scenario")), o.scenario)) {
        error = QStringLiteral("--scenario must be one of: hot-slow, uniform, hot, slow, stalled");
        ok = false;
    }
    if (ok)
        ok = readClusterOptions(p, o.headless, &o.cluster, &error);
    if (ok && !isLoopback(o.listenAddress) && o.accessToken.isEmpty()) {
        error = QStringLiteral("refusing to listen on %1 without --token-file: restart, stop and start would be open to "
                               "anyone who can reach that address").arg(o.listenAddress.toString());
        ok = false;
    }
    if (!ok) {
        std::fprintf(stderr, "shardscope: %s\n", qPrintable(error));
        *exitCode = 2;
        return false;
    }
    *out = o;
    return true;
}

} // namespace shardscope
