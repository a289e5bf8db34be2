#pragma once

#include "app/ctl/CtlExit.h"

#include <QStringList>

namespace shardscope {

// `shardscope ctl`: operate a running service from scripts and terminals (exit codes: CtlExit.h).

// `arguments` are those after "ctl". Runs a local event loop; needs a QCoreApplication.
int runCtl(const QStringList &arguments);

} // namespace shardscope
