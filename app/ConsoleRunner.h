#pragma once

#include "model/workload/WorkloadScenario.h"

class QApplication;

namespace shardscope {

class BackendClient;

// Builds the console's models and main window over `client`, shows the window and runs
// the event loop. Over an embedded service the built-in workload runs from the start
// (labelled; one click stops it); over a remote one it stays off until started.
// `scenario` is what the workload does besides its mix (--scenario). Returns app.exec()'s result.
int runConsole(QApplication &app, BackendClient &client, WorkloadScenario scenario = WorkloadScenario::HotAndSlow);

} // namespace shardscope
