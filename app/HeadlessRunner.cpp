#include "app/HeadlessRunner.h"

#include "app/AppOptions.h"
#include "app/SignalWatcher.h"
#include "app/SystemdNotify.h"
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
    if (http.start(options.listenAddress, options.listenPort, &error) == 0) {
        std::fprintf(stderr, "shardscope: %s\n", qPrintable(error));
        return 1;
    }
    // Before anything says the service is up: a SIGTERM from then on drains, never kills.
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int number) {
        spdlog::info("signal {}: draining in-flight requests, then exiting", number);
        systemdNotify("STOPPING=1\nSTATUS=draining in-flight requests");
        service.shutdown(std::chrono::milliseconds(options.service.restartDefaults.drainTimeoutMs));
        http.stop();
        app.quit();
    });
    std::printf("ShardScope service listening on %s (%d shards)\n", qPrintable(http.url()), service.shardCount());
    std::fflush(stdout);
    spdlog::info("listening on {} with {} shards; audit in {}", http.url().toStdString(), service.shardCount(),
                 options.service.auditFile.toStdString());
    systemdNotifyReadyWhen(&app, [&service] { return service.snapshot().ready(); },
                           QStringLiteral("serving %1 shards on %2").arg(service.shardCount()).arg(http.url()).toUtf8());
    const int rc = app.exec();
    service.shutdown(std::chrono::milliseconds(0));
    http.stop();
    spdlog::info("stopped");
    return rc;
}

} // namespace shardscope
