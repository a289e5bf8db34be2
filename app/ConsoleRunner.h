#pragma once

class QApplication;

namespace shardscope {

class BackendClient;

// Builds the console's models and main window over `client`, shows the window and runs
// the event loop. Over an embedded service the built-in workload runs from the start
// (labelled; one click stops it); over a remote one it stays off until started.
// Returns app.exec()'s result.
int runConsole(QApplication &app, BackendClient &client);

} // namespace shardscope
