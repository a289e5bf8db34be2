#pragma once

class QCoreApplication;

namespace shardscope {

struct AppOptions;

// A second SIGINT or SIGTERM during the drain exits at once with this plus the signal's
// number (130 for SIGINT, 143 for SIGTERM), the shell's code for "ended by that signal".
inline constexpr int kForcedExitBase = 128;

// `shardscope --headless`: the service and its HTTP API, until SIGINT or SIGTERM; then
// drains in-flight requests, answers them and returns 0.
int runHeadless(QCoreApplication &app, const AppOptions &options);

} // namespace shardscope
