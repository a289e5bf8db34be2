#pragma once

class QApplication;

namespace shardscope {

struct AppOptions;

// `shardscope`: the console over an embedded service whose HTTP API listens too, so curl
// and Prometheus see the service the window shows.
int runEmbeddedConsole(QApplication &app, const AppOptions &options);

// `shardscope --connect URL`: the same console against a service in another process.
int runRemoteConsole(QApplication &app, const AppOptions &options);

} // namespace shardscope
