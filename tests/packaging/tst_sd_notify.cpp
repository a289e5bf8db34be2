// `shardscope --headless` under systemd's Type=notify: the test plays systemd's part, a
// unix datagram socket named by NOTIFY_SOCKET, and reads what the service says and when.
#include "tests/support/HeadlessProcess.h"
#include "tests/support/HttpTestClient.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace shardscope::test;

namespace {

// The receiving end of the notify protocol: a path, or "@name" in the abstract namespace.
class NotifySocket
{
public:
    explicit NotifySocket(const QByteArray &name) : m_name(name)
    {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.constData(), std::size_t(name.size()));
        if (name.startsWith('@'))
            address.sun_path[0] = '\0';
        const auto length = socklen_t(offsetof(sockaddr_un, sun_path) + std::size_t(name.size()) + (name.startsWith('@') ? 0 : 1));
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (m_fd >= 0 && ::bind(m_fd, reinterpret_cast<const sockaddr *>(&address), length) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~NotifySocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool isValid() const { return m_fd >= 0; }
    // Reads every datagram that has arrived into messages.
    void drain()
    {
        char buffer[4096];
        for (ssize_t n; (n = ::recv(m_fd, buffer, sizeof buffer, 0)) > 0;)
            messages << QByteArray(buffer, n);
    }
    bool waitFor(const QByteArray &prefix, int timeoutMs = 15000)
    {
        return QTest::qWaitFor([&] {
            drain();
            return !messages.isEmpty() && messages.last().startsWith(prefix);
        }, timeoutMs);
    }
    QByteArray name() const { return m_name; }
    QList<QByteArray> messages;

private:
    QByteArray m_name;
    int m_fd = -1;
};

} // namespace

class TestSdNotify : public QObject
{
    Q_OBJECT

    void readyOnlyWhenServingThenStoppingOnSigterm(NotifySocket &socket)
    {
        QVERIFY2(socket.isValid(), socket.name().constData());
        QTemporaryDir dir;
        QProcess service;
        service.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NOTIFY_SOCKET"), QString::fromUtf8(socket.name()));
        service.setProcessEnvironment(env);
        const quint16 port = startHeadless(service, {QStringLiteral("--shards"), QStringLiteral("3"), QStringLiteral("--audit-file"),
                                                     dir.filePath(QStringLiteral("audit.jsonl"))});
        QVERIFY(port != 0);
        QVERIFY2(socket.waitFor("READY=1"), "the service never said READY=1");
        // Ready means listening and every shard serving: the ready endpoint agrees.
        HttpTestClient client("127.0.0.1", port);
        QCOMPARE(client.get("/v1/service/ready").status, 200);
        QCOMPARE(socket.messages.size(), 1);
        QCOMPARE(socket.messages.first(), QByteArray("READY=1\nSTATUS=serving 3 shards on http://127.0.0.1:") + QByteArray::number(port));

        service.terminate();
        QVERIFY2(socket.waitFor("STOPPING=1"), "the service never said STOPPING=1");
        QVERIFY(service.state() == QProcess::NotRunning || service.waitForFinished(15000));
        QCOMPARE(service.exitStatus(), QProcess::NormalExit);
        QCOMPARE(service.exitCode(), 0);
        socket.drain();
        QCOMPARE(socket.messages.size(), 2);
        QCOMPARE(socket.messages.at(1), QByteArray("STOPPING=1\nSTATUS=draining in-flight requests"));
    }

private Q_SLOTS:
    void a_socket_path_hears_ready_then_stopping()
    {
        QTemporaryDir dir(QStringLiteral("/tmp/sdn-XXXXXX")); // sun_path holds 108 bytes
        QVERIFY(dir.isValid());
        NotifySocket socket(dir.filePath(QStringLiteral("notify")).toUtf8());
        readyOnlyWhenServingThenStoppingOnSigterm(socket);
    }

    void an_abstract_socket_hears_ready_then_stopping()
    {
        NotifySocket socket("@shardscope-notify-test-" + QByteArray::number(QCoreApplication::applicationPid()));
        readyOnlyWhenServingThenStoppingOnSigterm(socket);
    }

    void a_bad_notify_socket_does_not_stop_the_service()
    {
        QTemporaryDir dir;
        QProcess service;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NOTIFY_SOCKET"), dir.filePath(QStringLiteral("nobody-listens-here")));
        service.setProcessEnvironment(env);
        const quint16 port = startHeadless(service, {QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--audit-file"),
                                                     dir.filePath(QStringLiteral("audit.jsonl"))});
        QVERIFY(port != 0);
        HttpTestClient client("127.0.0.1", port);
        QCOMPARE(client.get("/v1/service/ready").status, 200);
        service.terminate();
        QVERIFY(service.waitForFinished(15000));
        QCOMPARE(service.exitStatus(), QProcess::NormalExit);
        QCOMPARE(service.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSdNotify)
#include "tst_sd_notify.moc"
