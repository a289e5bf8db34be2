#include "app/ConsoleRunner.h"

#include "model/client/BackendClient.h"
#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "model/events/QueuedLogSink.h"
#include "model/workload/WorkloadDriver.h"
#include "views/MainWindow.h"

#include <QApplication>
#include <QScreen>
#include <QStyleFactory>
#include <QTimer>

#include <spdlog/spdlog.h>

namespace shardscope {

namespace {

// Routes the default logger's output into the console's event log as well. The default
// logger is replaced by a copy with one more sink rather than changed in place, because
// shard threads may be logging through it right now; the old one is kept alive so a
// thread still holding its raw pointer finishes safely.
std::shared_ptr<QueuedLogSink> installLogSink()
{
    static std::shared_ptr<spdlog::logger> previous;
    auto sink = std::make_shared<QueuedLogSink>();
    previous = spdlog::default_logger();
    std::vector<spdlog::sink_ptr> sinks = previous->sinks();
    sinks.push_back(sink);
    auto logger = std::make_shared<spdlog::logger>(previous->name(), sinks.begin(), sinks.end());
    logger->set_level(previous->level());
    logger->flush_on(previous->flush_level());
    spdlog::set_default_logger(logger);
    return sink;
}

// SHARDSCOPE_SCREENSHOT=out.png saves the window after SHARDSCOPE_SCREENSHOT_DELAY_MS
// (default 5000) and quits: how the README's picture is made, without a window manager.
void scheduleScreenshot(QWidget &window)
{
    const QString path = qEnvironmentVariable("SHARDSCOPE_SCREENSHOT");
    if (path.isEmpty())
        return;
    bool ok = false;
    int delay = qEnvironmentVariableIntValue("SHARDSCOPE_SCREENSHOT_DELAY_MS", &ok);
    if (!ok)
        delay = 5000;
    QTimer::singleShot(delay, &window, [&window, path] {
        const bool saved = window.grab().save(path);
        if (saved)
            spdlog::info("console: screenshot saved to {}", path.toStdString());
        else
            spdlog::error("console: could not save the screenshot to {}", path.toStdString());
        QCoreApplication::exit(saved ? 0 : 1);
    });
}

} // namespace

int runConsole(QApplication &app, BackendClient &client, WorkloadScenario scenario)
{
    if (QCoreApplication::organizationName().isEmpty())
        QCoreApplication::setOrganizationName(QStringLiteral("ShardScope"));
    if (QCoreApplication::applicationName().isEmpty() || QCoreApplication::applicationName() == QStringLiteral("shardscope"))
        QCoreApplication::setApplicationName(QStringLiteral("shardscope"));
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));

    ConsoleModel model(client);
    WorkloadConfig workload = model.workload().config();
    workload.scenario = scenario; // before the window: its workload panel shows the choice
    model.workload().setConfig(workload);
    model.setLogSink(installLogSink());

    MainWindow window(model);
    // 1360x880 fits every heat-map cell of 1024 shards; a smaller screen gets the window
    // at its size, not one whose right edge (the panels, the charts' "0 s") is off screen.
    window.resize(QSize(1360, 880).boundedTo(window.screen()->availableGeometry().size()));
    window.restoreSettings();
    window.show();

    model.pump().start();
    // Load is the console's own only when it embeds the service: a service it attached to
    // gets none unless the operator starts the workload (the panel warns what it does).
    if (!client.isRemote())
        model.workload().start();
    scheduleScreenshot(window);
    spdlog::info("console: showing {} ({})", model.serviceLabel().toStdString(),
                 client.isRemote() ? "attached; the built-in workload is off until started in its panel"
                                   : "built-in workload started; stop it in the workload panel");
    const int rc = app.exec();
    // A quit by signal or by the screenshot switch skips closeEvent: remember the window here.
    window.saveSettings();
    model.pump().stop();
    model.workload().stop();
    return rc;
}

} // namespace shardscope
