#pragma once
// One run of bench_console at one shard count, in this process: the real MainWindow over
// the real embedded service (EmbeddedBackendClient, HTTP API listening on a free port, as
// `shardscope` wires it), offscreen.

#include <QJsonObject>
#include <QSize>

namespace shardscope::bench {

class PaintTapApplication;

struct ConsoleBenchOptions {
    int shards = 64;
    double warmupSeconds = 2;
    double seconds = 10;      // the steady window: load only, no grabbing
    int restarts = 3;         // phased restarts in the latency window (with grabbing)
    int drainMs = 300;        // a `sleep` per shard in flight at each restart: the drain lasts this long
    int loadPeriodMs = 25;    // every shard gets an echo this often
    int briefMs = 100;        // a state shorter than this may go undrawn without counting as missed
    int settleMs = 3000;      // after a restart, how long the tiles may take to show serving
    QSize window{1360, 880};  // the console's default size (ConsoleRunner)
    int selectShard = 0;      // the tile the operator clicked (detail panel live); -1: none
};

// Runs the phases and returns the row for the JSON record ("error" set on failure).
QJsonObject runConsoleBench(PaintTapApplication &app, const ConsoleBenchOptions &options);

} // namespace shardscope::bench
