#pragma once

class QApplication;

namespace shardscope {

struct AppOptions;

// shardscope --etcd URL --cluster NAME (no --headless): the console in cluster mode. It
// discovers the nodes through etcd, follows each one over HTTP and shows a band per node.
// Returns app.exec()'s result.
int runClusterConsole(QApplication &app, const AppOptions &options);

} // namespace shardscope
