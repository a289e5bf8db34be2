#include "app/EmbeddedConsole.h"

#include "app/AppOptions.h"
#include "app/ConsoleRunner.h"
#include "backend/http/HttpServerHost.h"
#include "backend/ShardService.h"
#include "model/client/EmbeddedBackendClient.h"
#include "model/client/RemoteBackendClient.h"

#include <QApplication>
#include <QMessageBox>

#include <spdlog/spdlog.h>

#include <cstdio>

namespace shardscope {
namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "shardscope: %s\n", qPrintable(message));
    QMessageBox::critical(nullptr, QStringLiteral("ShardScope"), message);
    return 1;
}

} // namespace

int runEmbeddedConsole(QApplication &app, const AppOptions &options)
{
    ShardService service(options.service);
    QString error;
    if (!service.start(&error))
        return fail(QStringLiteral("The service could not start: %1").arg(error));

    HttpServerHost http(service);
    http.setAccessToken(options.accessToken);
    quint16 port = http.start(options.listenAddress, options.listenPort, &error);
    if (port == 0 && !options.listenGiven) {
        // The default port is taken: any free one will do, and the status bar says which.
        spdlog::warn("{}; using a free port instead", error.toStdString());
        port = http.start(options.listenAddress, 0, &error);
    }
    if (port == 0)
        return fail(error);
    spdlog::info("HTTP API on {} ({} shards)", http.url().toStdString(), service.shardCount());
    std::printf("ShardScope service listening on %s (%d shards)\n", qPrintable(http.url()), service.shardCount());
    std::fflush(stdout);

    EmbeddedBackendClient client(service, http.url());
    const int rc = runConsole(app, client, options.scenario);
    service.shutdown(std::chrono::seconds(2));
    http.stop();
    return rc;
}

} // namespace shardscope

namespace shardscope {

int runRemoteConsole(QApplication &app, const AppOptions &options)
{
    RemoteBackendClient client(options.connectUrl, options.accessToken, options.transport);
    client.connectToService();
    spdlog::info("console attached to {}", options.connectUrl.toString().toStdString());
    return runConsole(app, client, options.scenario);
}

} // namespace shardscope
