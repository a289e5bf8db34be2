#include "app/AppOptions.h"
#include "app/ClusterConsole.h"
#include "app/ctl/CtlCommand.h"
#include "app/EmbeddedConsole.h"
#include "app/HeadlessRunner.h"

#include <QApplication>
#include <QCoreApplication>

#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

using namespace shardscope;

namespace {

// The HTTP edge admits 4096 connections (ConnectionGuard); a shell's usual soft limit of
// 1024 descriptors would make accept() fail long before that. Raise it towards the hard
// limit, as servers do; past what the hard limit allows, the guard's caps still apply.
void raiseDescriptorLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= 8192)
        return;
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 8192);
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

} // namespace

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

    raiseDescriptorLimit();
    spdlog::set_level(spdlog::level::from_str(options.logLevel.toStdString()));
    spdlog::cfg::load_env_levels();

    if (options.headless) {
        QCoreApplication app(argc, argv);
        return runHeadless(app, options);
    }
    QApplication app(argc, argv);
    if (options.cluster)
        return runClusterConsole(app, options);
    if (options.connectUrl.isValid())
        return runRemoteConsole(app, options);
    return runEmbeddedConsole(app, options);
}
