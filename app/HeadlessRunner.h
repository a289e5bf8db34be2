#pragma once

class QCoreApplication;

namespace shardscope {

struct AppOptions;

// `shardscope --headless`: the service and its HTTP API, until SIGINT or SIGTERM; then
// drains in-flight requests, answers them and returns 0.
int runHeadless(QCoreApplication &app, const AppOptions &options);

} // namespace shardscope
