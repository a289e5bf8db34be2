#pragma once

#include <QProcess>
#include <QStringList>

namespace shardscope::test {

// Starts `shardscope --headless ARGS --listen 127.0.0.1:PORT` and waits (bounded) for the
// line that says where it listens. Returns the port, or 0 if it never came up. `consumed`
// receives what it read of stdout meanwhile (log lines may follow the listening line).
quint16 startHeadless(QProcess &process, const QStringList &args, quint16 port = 0, int timeoutMs = 15000,
                      QByteArray *consumed = nullptr);

} // namespace shardscope::test
