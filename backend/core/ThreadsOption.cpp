#include "backend/core/ThreadsOption.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace shardscope {

bool parseThreads(const QString &text, int *threads, QString *error)
{
    if (text == QLatin1String("per-shard")) {
        *threads = ServiceConfig::kThreadPerShard;
        return true;
    }
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < 1 || n > ServiceConfig::kMaxThreads) {
        *error = QStringLiteral("--threads must be 'per-shard' or an integer in [1, %1], got '%2'")
                     .arg(ServiceConfig::kMaxThreads).arg(text);
        return false;
    }
    *threads = n;
    return true;
}

int poolWorkers(const ServiceConfig &config)
{
    int threads = config.threads;
    if (threads == ServiceConfig::kThreadsDefault) {
        threads = std::max(1, int(std::thread::hardware_concurrency()));
        if (const char *env = std::getenv("SHARDSCOPE_THREADS"); env && *env) {
            QString error;
            int fromEnv = 0;
            if (parseThreads(QString::fromLocal8Bit(env), &fromEnv, &error))
                threads = fromEnv;
            else
                spdlog::warn("SHARDSCOPE_THREADS ignored: {}", error.toStdString());
        }
    }
    if (threads == ServiceConfig::kThreadPerShard)
        return 0;
    return std::clamp(threads, 1, std::max(1, config.shards));
}

} // namespace shardscope
