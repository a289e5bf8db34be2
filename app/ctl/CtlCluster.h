#pragma once

#include <QCommandLineParser>

namespace shardscope {

class HttpSession;

// `shardscope ctl cluster status|restart|abort|events`, with ctl restart's exit codes.
int runClusterCtl(HttpSession &session, const QString &command, const QCommandLineParser &parser);

// Plain text for GET /v1/cluster/status.
QString formatClusterStatus(const QJsonObject &status);

} // namespace shardscope
