#pragma once

#include "backend/cluster/ClusterConfig.h"

#include <QCommandLineParser>

#include <memory>
#include <optional>

namespace shardscope {

class ClusterApi;
class HttpServerHost;
class ShardService;

// --etcd URL --cluster NAME [--node-id ID] [--lease-ttl S]: cluster mode's options.
void addClusterOptions(QCommandLineParser &parser);
// False with *error on a bad or incomplete combination; sets options->cluster when given.
bool readClusterOptions(const QCommandLineParser &parser, bool headless, std::optional<ClusterConfig> *out, QString *error);

// Headless cluster mode: built before the HTTP edge listens (the edge routes to it),
// joined once the edge's URL is known. Null without --etcd.
std::unique_ptr<ClusterApi> makeCluster(const std::optional<ClusterConfig> &config, const QByteArray &token, ShardService &service,
                                        HttpServerHost &http);
void startCluster(ClusterApi *cluster, const QString &nodeUrl);

} // namespace shardscope
