#include "app/SystemdNotify.h"

#include <QTimer>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace shardscope {

bool systemdNotify(const QByteArray &state)
{
    const char *path = std::getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return false;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::size_t length = std::strlen(path);
    if ((path[0] != '/' && path[0] != '@') || length >= sizeof address.sun_path) {
        spdlog::warn("NOTIFY_SOCKET '{}' is not a unix socket path; systemd is not told {}", path, state.toStdString());
        return false;
    }
    std::memcpy(address.sun_path, path, length);
    if (path[0] == '@')
        address.sun_path[0] = '\0'; // abstract namespace: the name is not NUL-terminated
    const auto addressLength = socklen_t(offsetof(sockaddr_un, sun_path) + length + (path[0] == '@' ? 0 : 1));
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        spdlog::warn("cannot notify systemd: socket: {}", std::strerror(errno));
        return false;
    }
    const bool sent = ::sendto(fd, state.constData(), std::size_t(state.size()), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr *>(&address), addressLength) == state.size();
    if (!sent)
        spdlog::warn("cannot notify systemd at {}: {}", path, std::strerror(errno));
    ::close(fd);
    return sent;
}

void systemdNotifyReadyWhen(QObject *context, std::function<bool()> serving, const QByteArray &status)
{
    if (!std::getenv("NOTIFY_SOCKET"))
        return;
    const QByteArray message = "READY=1\nSTATUS=" + status;
    if (serving()) {
        systemdNotify(message);
        return;
    }
    spdlog::info("not every shard serves yet; systemd is told ready once they do");
    auto *timer = new QTimer(context);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, context, [timer, serving = std::move(serving), message] {
        if (!serving())
            return;
        systemdNotify(message);
        timer->stop();
        timer->deleteLater();
    });
    timer->start();
}

} // namespace shardscope
