#pragma once

#include <QProcess>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace shardscope::test {

// Makes the kernel SIGKILL `process` (set before start()) when the test program ends,
// however it ends: a test that fails, hangs until CTest's timeout kills it, or crashes
// runs no destructor, and a node, etcd or HAProxy left behind holds ports and data dirs
// and confuses the next run. The destructors still stop them the ordinary way first.
inline void dieWithTest(QProcess &process)
{
    const pid_t test = ::getpid();
    process.setChildProcessModifier([test] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != test) // the test was gone before the line above took effect
            ::_exit(127);
    });
}

} // namespace shardscope::test
