// Serves ShardScope's query API and, in the same process on other network threads, a
// bare QHttpServer route that echoes the same body (the baseline the query path is
// compared with) and the same echo handed to a worker thread and back (HopServer: the
// least a thread hop costs). scripts/bench-http.sh drives all three with wrk in one run.
#include "HopServer.h"
#include "backend/Graph.h"
#include "backend/HttpServerHost.h"
#include "backend/ShardService.h"

#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace shardscope;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int shards = args.size() > 1 ? args[1].toInt() : 2;
    const int seconds = args.size() > 2 ? args[2].toInt() : 60; // exits by itself: bounded

    ServiceConfig config;
    config.shards = shards;
    // echo does not read the graph: a small one keeps start-up (and the smoke test) fast.
    config.graphLoader = [](Version, QString *) { return Graph::generate(1000, 7); };
    ShardService service(config);
    QString error;
    if (!service.start(&error)) {
        std::fprintf(stderr, "start failed: %s\n", qPrintable(error));
        return 1;
    }
    HttpServerHost host(service);
    const quint16 port = host.start(QHostAddress(QHostAddress::LocalHost), 0, &error);
    if (!port) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }

    QThread baselineThread;
    baselineThread.setObjectName(QStringLiteral("baseline")); // the OS thread name: bench-http.sh reads its CPU time
    baselineThread.start();
    QHttpServer *bare = nullptr;
    quint16 barePort = 0;
    QObject context;
    context.moveToThread(&baselineThread);
    QMetaObject::invokeMethod(&context, [&] {
        bare = new QHttpServer;
        bare->route(QStringLiteral("/v1/query"), [](const QHttpServerRequest &request) {
            const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
            return QHttpServerResponse(QJsonObject{{QStringLiteral("result"), body.value(QStringLiteral("args"))},
                                                   {QStringLiteral("shard"), 0},
                                                   {QStringLiteral("version"), 1}});
        });
        barePort = bare->listen(QHostAddress::LocalHost, 0);
    }, Qt::BlockingQueuedConnection);

    QThread hopThread;
    hopThread.setObjectName(QStringLiteral("hop")); // its worker thread is "hop-worker"
    hopThread.start();
    HopServer *hop = nullptr;
    quint16 hopPort = 0;
    QObject hopContext;
    hopContext.moveToThread(&hopThread);
    QMetaObject::invokeMethod(&hopContext, [&] {
        hop = new HopServer;
        hopPort = hop->listen(QHostAddress::LocalHost, 0);
    }, Qt::BlockingQueuedConnection);

    std::printf("shardscope http://127.0.0.1:%u\nbaseline http://127.0.0.1:%u\nhop http://127.0.0.1:%u\n", port,
                barePort, hopPort);
    std::fflush(stdout);
    QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    const int rc = app.exec();
    QMetaObject::invokeMethod(&context, [&] { delete bare; }, Qt::BlockingQueuedConnection);
    baselineThread.quit();
    baselineThread.wait();
    QMetaObject::invokeMethod(&hopContext, [&] { delete hop; }, Qt::BlockingQueuedConnection);
    hopThread.quit();
    hopThread.wait();
    service.shutdown(std::chrono::seconds(2));
    host.stop();
    return rc;
}
