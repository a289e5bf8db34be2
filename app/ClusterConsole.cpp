#include "app/ClusterConsole.h"

#include "app/AppOptions.h"
#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterModel.h"
#include "views/ClusterWindow.h"

#include <QApplication>
#include <QScreen>
#include <QStyleFactory>
#include <QTimer>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {

// SHARDSCOPE_SCREENSHOT=out.png: the window saved after SHARDSCOPE_SCREENSHOT_DELAY_MS
// (default 5000), then quit, as the single-service console does.
void scheduleScreenshot(QWidget &window)
{
    const QString path = qEnvironmentVariable("SHARDSCOPE_SCREENSHOT");
    if (path.isEmpty())
        return;
    bool ok = false;
    int delay = qEnvironmentVariableIntValue("SHARDSCOPE_SCREENSHOT_DELAY_MS", &ok);
    QTimer::singleShot(ok ? delay : 5000, &window, [&window, path] { QCoreApplication::exit(window.grab().save(path) ? 0 : 1); });
}

} // namespace

int runClusterConsole(QApplication &app, const AppOptions &options)
{
    QCoreApplication::setOrganizationName(QStringLiteral("ShardScope"));
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QByteArray token = options.accessToken;
    if (token.isEmpty())
        token = qgetenv("SHARDSCOPE_TOKEN").trimmed();
    ClusterClient client(options.cluster->etcd, options.cluster->cluster, token);
    ClusterModel model(client);
    ClusterWindow window(model);
    window.restoreTheme();
    window.resize(QSize(1360, 880).boundedTo(window.screen()->availableGeometry().size()));
    window.show();
    model.start();
    scheduleScreenshot(window);
    spdlog::info("console: following cluster {} through etcd {}", options.cluster->cluster.toStdString(),
                 options.cluster->etcd.toString().toStdString());
    return app.exec();
}

} // namespace shardscope
