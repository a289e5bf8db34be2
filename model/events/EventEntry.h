#pragma once

#include <QString>
#include <QtGlobal>

namespace shardscope {

enum class LogLevel : int { Debug = 0, Info = 1, Warning = 2, Error = 3 };

// One line of the console's event log: a service event or a line of the app's own log.
struct EventEntry {
    qint64 timeMs = 0; // epoch ms
    LogLevel level = LogLevel::Info;
    QString source;    // "service" or the spdlog logger name
    int shard = -1;    // -1 when about the whole service
    QString text;
};

QString levelName(LogLevel level);

} // namespace shardscope
