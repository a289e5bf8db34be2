#include "app/HeadlessRunner.h"

#include "app/AppOptions.h"
#include "app/ClusterOptions.h"
#include "app/SignalWatcher.h"
#include "app/SystemdNotify.h"
#include "backend/cluster/ClusterApi.h"
#include "backend/http/HttpServerHost.h"
#include "backend/ShardService.h"

#include <QCoreApplication>

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace shardscope {
namespace {
// A second SIGINT/SIGTERM while draining: leave now, dropping what is still in flight.
[[noreturn]] void exitAtOnce(int number)
{
    const int code = kForcedExitBase + number;
    spdlog::warn("signal {} again while draining: exiting at once with code {}; requests still in flight get no answer",
                 number, code);
    spdlog::default_logger()->flush();
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(code);
}
} // namespace

int runHeadless(QCoreApplication &app, const AppOptions &options)
{
    // Before the "listening" line: a signal sent as soon as it is read is then handled
    // (queued until the event loop runs), not fatal.
    SignalWatcher watcher;
    ShardService service(options.service);
    QString error;
    if (!service.start(&error)) {
        std::fprintf(stderr, "shardscope: the service could not start: %s\n", qPrintable(error));
        return 1;
    }
    HttpServerHost http(service);
    http.setAccessToken(options.accessToken);
    const std::unique_ptr<ClusterApi> cluster = makeCluster(options.cluster, options.accessToken, service, http);
    if (http.start(options.listenAddress, options.listenPort, &error) == 0) {
        std::fprintf(stderr, "shardscope: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("ShardScope service listening on %s (%d shards)\n", qPrintable(http.url()), service.shardCount());
    std::fflush(stdout);
    startCluster(cluster.get(), http.url());
    spdlog::info("listening on {} with {} shards ({}); audit in {}", http.url().toStdString(), service.shardCount(),
                 service.poolWorkers() > 0 ? fmt::format("strands on {} pool workers", service.poolWorkers())
                                           : std::string("a thread per shard"),
                 options.service.auditFile.toStdString());
    systemdNotifyReadyWhen(&app, [&service] { return service.snapshot().ready(); },
                           QStringLiteral("serving %1 shards on %2").arg(service.shardCount()).arg(http.url()).toUtf8());

    // The drain runs on its own thread so that the event loop still sees a second signal.
    std::thread drainer;
    std::atomic<bool> drained{false};
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int number) {
        if (drainer.joinable()) {
            if (!drained.load())
                exitAtOnce(number);
            return; // drained already: the loop is about to quit
        }
        spdlog::info("signal {}: draining in-flight requests, then exiting (send it again to exit at once)", number);
        systemdNotify("STOPPING=1\nSTATUS=draining in-flight requests");
        drainer = std::thread([&] {
            service.shutdown(std::chrono::milliseconds(options.service.restartDefaults.drainTimeoutMs));
            drained.store(true);
            QMetaObject::invokeMethod(&app, [&app] { app.quit(); }, Qt::QueuedConnection);
        });
    });
    const int rc = app.exec();
    if (drainer.joinable())
        drainer.join();
    service.shutdown(std::chrono::milliseconds(0));
    http.stop();
    if (cluster)
        cluster->stop();
    spdlog::info("stopped");
    return rc;
}

} // namespace shardscope
