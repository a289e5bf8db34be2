// Serves ShardScope's query API and, in the same process on other network threads, a
// bare QHttpServer route that echoes the same body (the baseline the query path is
// compared with) and the same echo handed to a worker thread and back (HopServer: the
// least a thread hop costs). scripts/bench-http.sh drives all three with wrk in one run.
#include "backend/actors/Graph.h"
#include "backend/http/HttpServerHost.h"
#include "backend/ShardService.h"
#include "HopServer.h"

#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <functional>

using namespace shardscope;

namespace {

// A server created, listening and destroyed on a thread of its own.
class ServerThread
{
public:
    ServerThread(const QString &name, const std::function<QAbstractHttpServer *()> &make)
    {
        m_thread.setObjectName(name);
        m_thread.start();
        m_context.moveToThread(&m_thread);
        QMetaObject::invokeMethod(&m_context, [&] {
            m_server = make();
            m_port = m_server->listen(QHostAddress::LocalHost, 0);
        }, Qt::BlockingQueuedConnection);
    }
    ~ServerThread()
    {
        QMetaObject::invokeMethod(&m_context, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }

private:
    QThread m_thread;
    QObject m_context;
    QAbstractHttpServer *m_server = nullptr;
    quint16 m_port = 0;
};

} // namespace

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

    // Each reference side serves on its own thread, named for bench-http.sh's CPU readings.
    ServerThread baseline(QStringLiteral("baseline"), [] {
        auto *bare = new QHttpServer;
        bare->route(QStringLiteral("/v1/query"), [](const QHttpServerRequest &request) {
            const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
            return QHttpServerResponse(QJsonObject{{QStringLiteral("result"), body.value(QStringLiteral("args"))},
                                                   {QStringLiteral("shard"), 0},
                                                   {QStringLiteral("version"), 1}});
        });
        return bare;
    });
    ServerThread hop(QStringLiteral("hop"), [] { return new HopServer; }); // its worker is "hop-worker"

    std::printf("shardscope http://127.0.0.1:%u\nbaseline http://127.0.0.1:%u\nhop http://127.0.0.1:%u\n", port,
                baseline.port(), hop.port());
    std::fflush(stdout);
    QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    const int rc = app.exec();
    service.shutdown(std::chrono::seconds(2));
    host.stop();
    return rc;
}
