#pragma once
// The objects of one bench_console run, wired as `shardscope` wires them
// (app/EmbeddedConsole.cpp, app/ConsoleRunner.cpp): the service with its HTTP API on a
// free loopback port, EmbeddedBackendClient, ConsoleModel, MainWindow at the default size
// with the Fusion style, the snapshot pump; plus the benchmark's own load, frame
// recorder and pixel probe. The built-in workload stays off: LoadDriver replaces it.

#include "ConsoleBench.h"

#include <QString>

#include <memory>

namespace shardscope {
class ConsoleModel;
class EmbeddedBackendClient;
class HttpServerHost;
class MainWindow;
class ShardService;
}

namespace shardscope::bench {

class FrameRecorder;
class LoadDriver;
class PaintTapApplication;
class PixelProbe;

class ConsoleSession
{
public:
    ConsoleSession(PaintTapApplication &app, const ConsoleBenchOptions &options);
    ~ConsoleSession();

    // Starts the service, shows the window, starts the pump and the load, and waits
    // (bounded) until the grid shows every shard. False and *error otherwise.
    bool start(QString *error);
    // Stops the load and the pump, shuts the service down. Idempotent.
    void stop();

    const ConsoleBenchOptions &options() const { return m_options; }
    ShardService &service() { return *m_service; }
    EmbeddedBackendClient &client() { return *m_client; }
    FrameRecorder &frames() { return *m_frames; }
    PixelProbe &probe() { return *m_probe; }
    const PixelProbe &probe() const { return *m_probe; }
    const LoadDriver &load() const { return *m_load; }
    LoadDriver &load() { return *m_load; }

private:
    bool startService(QString *error);
    void buildConsole();
    void selectTile();

    PaintTapApplication &m_app;
    ConsoleBenchOptions m_options;
    std::unique_ptr<ShardService> m_service;
    std::unique_ptr<HttpServerHost> m_http;
    std::unique_ptr<EmbeddedBackendClient> m_client;
    std::unique_ptr<ConsoleModel> m_model;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<FrameRecorder> m_frames;
    std::unique_ptr<PixelProbe> m_probe;
    std::unique_ptr<LoadDriver> m_load;
    bool m_stopped = false;
};

} // namespace shardscope::bench
