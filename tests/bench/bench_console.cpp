// Part 4 of issue 5: the console at scale. For each shard count N, in a fresh child
// process (so resident memory is per N), the real MainWindow over the real embedded
// service (offscreen) while a load changes every shard's counters on every frame:
//   1. warm-up, then resident memory (VmRSS, VmHWM);
//   2. steady window (--seconds, nothing grabbed): GUI-thread CPU as % of one core
//      (CLOCK_THREAD_CPUTIME_ID), frame time (snapshot arrival to window painted) and
//      tick time (snapshot arrival to models and view slots updated);
//   3. latency window: --restarts phased restarts, each with a `sleep` in flight on every
//      shard; every paint of the grid is read back from the backing store and each
//      visible tile's colour is matched to the service's state-change events:
//      state-change-to-pixel latency, observed / brief / unchanged / missed transitions;
//   4. resident memory again.
//
//   bench_console [--shards 64,256,1024] [--seconds 10] [--warmup 2] [--restarts 3]
//                 [--drain-ms 300] [--load-period-ms 25] [--brief-ms 100]
//                 [--window 1360x880] [--select 0] [--max-seconds 120]
// --select picks the shard whose tile is clicked, so the detail panel follows it live
// (-1: no tile selected).
//
// Prints a table and one line "JSON {...}". Bounded: every wait has a deadline and each
// child is killed after --max-seconds.
#include "tests/bench/BenchCommon.h"
#include "tests/bench/console/ConsoleBench.h"
#include "tests/bench/console/ConsoleReport.h"
#include "tests/bench/console/PaintTap.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

#include <spdlog/spdlog.h>

#include <cstdio>

using namespace shardscope::bench;

namespace {

ConsoleBenchOptions optionsFrom(const Args &args, int shards)
{
    ConsoleBenchOptions o;
    o.shards = shards;
    o.seconds = args.num("seconds", o.seconds);
    o.warmupSeconds = args.num("warmup", o.warmupSeconds);
    o.restarts = int(args.num("restarts", o.restarts));
    o.drainMs = int(args.num("drain-ms", o.drainMs));
    o.loadPeriodMs = int(args.num("load-period-ms", o.loadPeriodMs));
    o.briefMs = int(args.num("brief-ms", o.briefMs));
    o.selectShard = int(args.num("select", o.selectShard));
    int w = 0, h = 0;
    if (std::sscanf(args.str("window", "1360x880").c_str(), "%dx%d", &w, &h) == 2)
        o.window = QSize(w, h);
    return o;
}

QtMessageHandler g_previousHandler = nullptr;

// The offscreen platform says so at every show(); nothing else is dropped.
void quietOffscreen(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains(QStringLiteral("does not support propagateSizeHints")))
        return;
    if (g_previousHandler)
        g_previousHandler(type, context, message);
    else
        std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

// Child: one shard count in this process; prints "ROW {...}".
int runChild(int argc, char **argv, const Args &args)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    spdlog::set_level(spdlog::level::warn);
    g_previousHandler = qInstallMessageHandler(quietOffscreen);
    PaintTapApplication app(argc, argv);
    const ConsoleBenchOptions o = optionsFrom(args, args.ints("shards", "64").front());
    const QJsonObject row = runConsoleBench(app, o);
    std::printf("ROW %s\n", QJsonDocument(row).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    return row.contains(QStringLiteral("error")) ? 1 : 0;
}

QStringList childArguments(int argc, char **argv, int shards)
{
    QStringList out;
    for (int i = 1; i < argc; ++i) {
        const QString a = QString::fromLocal8Bit(argv[i]);
        if (a == QStringLiteral("--shards")) {
            ++i;
            continue;
        }
        out << a;
    }
    out << QStringLiteral("--shards") << QString::number(shards) << QStringLiteral("--child");
    return out;
}

// Parent: one child per shard count, one after the other.
QJsonObject runOne(int argc, char **argv, int shards, int maxSeconds)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), childArguments(argc, argv, shards));
    if (!child.waitForFinished(maxSeconds * 1000)) {
        child.kill();
        child.waitForFinished(5000);
        return {{QStringLiteral("shards"), shards}, {QStringLiteral("error"), QStringLiteral("did not finish in %1 s").arg(maxSeconds)}};
    }
    for (const QByteArray &line : child.readAllStandardOutput().split('\n'))
        if (line.startsWith("ROW "))
            return QJsonDocument::fromJson(line.mid(4)).object();
    return {{QStringLiteral("shards"), shards}, {QStringLiteral("error"), QStringLiteral("no result (exit code %1)").arg(child.exitCode())}};
}

} // namespace

int main(int argc, char **argv)
{
    const Args args(argc, argv);
    if (args.has("child"))
        return runChild(argc, argv, args);
    QCoreApplication app(argc, argv);
    const ConsoleBenchOptions o = optionsFrom(args, 0);
    const int maxSeconds = int(args.num("max-seconds", 120));
    QJsonArray rows;
    for (int shards : args.ints("shards", "64,256,1024")) {
        std::fprintf(stderr, "bench_console: %d shards...\n", shards);
        rows.append(runOne(argc, argv, shards, maxSeconds));
    }
    printReport(o, rows);
    for (const auto &row : rows)
        if (row.toObject().contains(QStringLiteral("error")))
            return 1;
    return 0;
}
