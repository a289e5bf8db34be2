#pragma once

#include "app/ctl/HttpSession.h"

#include <QString>

namespace shardscope {

// `shardscope ctl`'s exit codes (also in --help, shardscope-ctl(1) and docs/operating.md).
enum CtlExit {
    CtlOk = 0,          // done; for restart --wait: the restart completed
    CtlFailed = 1,      // the restart ended aborted, rolled back or failed
    CtlUsage = 2,       // bad arguments
    CtlUnreachable = 3, // no answer from the service
    CtlRefused = 4,     // the service said no (409 busy, 401/403 token, 4xx)
};

// Says why on stderr ("shardscope ctl: ...") and returns `code`.
int ctlFail(int code, const QString &message);
// The exit code a reply means; anything but CtlOk has been explained on stderr. A 409
// names the running restart when the service says which.
int ctlExitFor(const HttpSession::Reply &reply);
// Writes to stdout at once (ctl output is followed live, e.g. events or --wait).
void ctlPrint(const QString &text);

} // namespace shardscope
