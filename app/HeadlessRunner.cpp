#include "app/HeadlessRunner.h"

#include "app/AppOptions.h"
#include "app/ClusterOptions.h"
#include "app/SignalWatcher.h"
#include "backend/cluster/ClusterApi.h"
#include "backend/http/HttpServerHost.h"
#include "backend/ShardService.h"

#include <QCoreApplication>

#include <spdlog/spdlog.h>

#include <cstdio>

namespace shardscope {

int runHeadless(QCoreApplication &app, const AppOptions &options)
{
    ShardService service(options.service);
    QString error;
    if (!service.start(&error)) {
        std::fprintf(stderr, "shardscope: the service could not start: %s\n", qPrintable(error));
        return 1;
    }
    HttpServerHost http(service);
    http.setAccessToken(options.accessToken);
    const std::unique_ptr<ClusterApi> cluster = makeCluster(options.cluster, service, http);
    if (http.start(options.listenAddress, options.listenPort, &error) == 0) {
        std::fprintf(stderr, "shardscope: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("ShardScope service listening on %s (%d shards)\n", qPrintable(http.url()), service.shardCount());
    std::fflush(stdout);
    startCluster(cluster.get(), http.url());
    spdlog::info("listening on {} with {} shards; audit in {}", http.url().toStdString(), service.shardCount(),
                 options.service.auditFile.toStdString());

    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int number) {
        spdlog::info("signal {}: draining in-flight requests, then exiting", number);
        service.shutdown(std::chrono::milliseconds(options.service.restartDefaults.drainTimeoutMs));
        http.stop();
        if (cluster)
            cluster->stop(); // leaves the cluster once nothing routes to it any more
        app.quit();
    });
    const int rc = app.exec();
    service.shutdown(std::chrono::milliseconds(0));
    http.stop();
    if (cluster)
        cluster->stop();
    spdlog::info("stopped");
    return rc;
}

} // namespace shardscope
