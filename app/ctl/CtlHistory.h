#pragma once

#include <QCommandLineParser>
#include <QJsonObject>

namespace shardscope {

class HttpSession;

// `shardscope ctl cluster history [ID] [--json]`: the newest runs as a table, or one run's
// node steps with their times.
int runHistoryCtl(HttpSession &session, const QCommandLineParser &parser);
// `shardscope ctl cluster resume ID`: resumes a stopped rolling restart; blockers one a line.
int runResumeCtl(HttpSession &session, const QCommandLineParser &parser);

// Plain text for GET /v1/cluster/history and for one journal.
QString formatHistory(const QJsonObject &list);
QString formatRun(const QJsonObject &journal);

} // namespace shardscope
