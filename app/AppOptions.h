#pragma once

#include "backend/cluster/ClusterConfig.h"
#include "backend/core/ServiceConfig.h"
#include "model/client/RemoteTransport.h"
#include "model/workload/WorkloadScenario.h"

#include <QHostAddress>
#include <QUrl>
#include <QStringList>

#include <optional>

namespace shardscope {

// Everything the command line decides.
struct AppOptions {
    bool headless = false;
    ServiceConfig service;
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 8080;
    bool listenGiven = false;
    QString logLevel = QStringLiteral("info");
    QByteArray accessToken; // from --token-file; required off loopback
    QUrl connectUrl;        // --connect: the console attaches to a service in another process
    RemoteTransport transport = RemoteTransport::Auto; // --transport, with --connect
    std::optional<ClusterConfig> cluster; // --etcd and --cluster: this node joins a cluster
    WorkloadScenario scenario = WorkloadScenario::HotAndSlow; // --scenario: the console's built-in workload
};

// Parses argv. On --help/--version prints and sets *exitCode = 0; on a bad value prints
// a clear message to stderr and sets *exitCode = 2. Returns false in both cases.
bool parseAppOptions(const QStringList &arguments, AppOptions *out, int *exitCode);

} // namespace shardscope
