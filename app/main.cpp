#include "app/AppOptions.h"
#include "app/ctl/CtlCommand.h"
#include "app/EmbeddedConsole.h"
#include "app/HeadlessRunner.h"

#include <QApplication>
#include <QCoreApplication>

#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

using namespace shardscope;

int main(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    QCoreApplication::setApplicationName(QStringLiteral("shardscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SHARDSCOPE_VERSION));
    if (arguments.size() > 1 && arguments.at(1) == QLatin1String("ctl")) {
        QCoreApplication app(argc, argv);
        return runCtl(arguments.mid(2));
    }
    AppOptions options;
    int exitCode = 0;
    if (!parseAppOptions(arguments, &options, &exitCode))
        return exitCode;

    spdlog::set_level(spdlog::level::from_str(options.logLevel.toStdString()));
    spdlog::cfg::load_env_levels();

    if (options.headless) {
        QCoreApplication app(argc, argv);
        return runHeadless(app, options);
    }
    QApplication app(argc, argv);
    if (options.connectUrl.isValid())
        return runRemoteConsole(app, options);
    return runEmbeddedConsole(app, options);
}
