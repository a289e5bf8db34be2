#pragma once

#include <QStringList>

namespace shardscope {

// `shardscope ctl`: operate a running service from scripts and terminals.
// Exit codes (also in --help and the README):
enum CtlExit {
    CtlOk = 0,          // done; for restart --wait: the restart completed
    CtlFailed = 1,      // the restart ended aborted, rolled back or failed
    CtlUsage = 2,       // bad arguments
    CtlUnreachable = 3, // no answer from the service
    CtlRefused = 4,     // the service said no (409 busy, 401/403 token, 4xx)
};

// `arguments` are those after "ctl". Runs a local event loop; needs a QCoreApplication.
int runCtl(const QStringList &arguments);

} // namespace shardscope
