#pragma once

namespace shardscope {

// `shardscope ctl`'s exit codes (also in --help and the README).
enum CtlExit {
    CtlOk = 0,          // done; for restart --wait: the restart completed
    CtlFailed = 1,      // the restart ended aborted, rolled back or failed
    CtlUsage = 2,       // bad arguments
    CtlUnreachable = 3, // no answer from the service
    CtlRefused = 4,     // the service said no (409 busy, 401/403 token, 4xx)
};

} // namespace shardscope
