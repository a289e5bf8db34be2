#pragma once

class QApplication;

namespace shardscope {

class BackendClient;

// Builds the console's models and main window over `client`, shows the window with the
// built-in workload running (labelled; one click stops it) and runs the event loop.
// Returns app.exec()'s result.
int runConsole(QApplication &app, BackendClient &client);

} // namespace shardscope
