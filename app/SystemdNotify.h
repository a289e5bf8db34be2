#pragma once

#include <QByteArray>

#include <functional>

class QObject;

namespace shardscope {

// systemd's notify protocol (sd_notify(3)): one datagram of "KEY=VALUE" lines to the
// unix socket named by $NOTIFY_SOCKET (a path, or '@' for the abstract namespace).
// Returns false when $NOTIFY_SOCKET is unset (not run by systemd with Type=notify) or
// the datagram could not be sent (logged).
bool systemdNotify(const QByteArray &state);

// Sends READY=1 and `status` once `serving()` holds: now, or on the first 20 ms tick of
// `context`'s thread where it does. Does nothing without $NOTIFY_SOCKET.
void systemdNotifyReadyWhen(QObject *context, std::function<bool()> serving, const QByteArray &status);

} // namespace shardscope
