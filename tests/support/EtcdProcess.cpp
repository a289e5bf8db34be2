#include "tests/support/EtcdProcess.h"

#include "tests/support/ChildProcess.h"
#include "tests/support/HttpTestClient.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace shardscope::test {
namespace {

const QString kDirPrefix = QStringLiteral("shardscope-etcd-");

// Data dirs are named after the test's pid. A test that crashed or was killed ran no
// destructor (its etcd died with it, ChildProcess.h): its dir, with etcd's ~128 MB of
// preallocated WAL, is removed by the next test that starts an etcd.
void removeDirsOfDeadTests()
{
    QDir tmp(QDir::tempPath());
    for (const QString &name : tmp.entryList({kDirPrefix + QLatin1Char('*')}, QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const pid_t pid = pid_t(name.mid(kDirPrefix.size()).section(QLatin1Char('-'), 0, 0).toLong(&ok));
        if (ok && pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH)
            QDir(tmp.filePath(name)).removeRecursively();
    }
}

} // namespace

quint16 freeLocalPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

EtcdProcess::~EtcdProcess()
{
    kill();
}

bool EtcdProcess::start(QString *error, int timeoutMs)
{
    // A port picked free can be taken before etcd binds it: one more try with new ports.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (launch(error, timeoutMs))
            return true;
        kill();
    }
    return false;
}

bool EtcdProcess::launch(QString *error, int timeoutMs)
{
    const QString etcd = QStandardPaths::findExecutable(QStringLiteral("etcd"));
    if (etcd.isEmpty()) {
        *error = QStringLiteral("etcd is not installed (scripts/install-deps.sh installs etcd-server)");
        return false;
    }
    removeDirsOfDeadTests();
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QLatin1Char('/') + kDirPrefix + QString::number(::getpid())
                                            + QStringLiteral("-XXXXXX"));
    const quint16 client = freeLocalPort();
    const quint16 peer = freeLocalPort();
    m_url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(client));
    const QString peerUrl = QStringLiteral("http://127.0.0.1:%1").arg(peer);
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    dieWithTest(*m_process);
    m_process->start(etcd, QStringList{QStringLiteral("--name"), QStringLiteral("t"),
                            QStringLiteral("--data-dir"), m_dir->path() + QStringLiteral("/data"),
                            QStringLiteral("--listen-client-urls"), urlText(),
                            QStringLiteral("--advertise-client-urls"), urlText(),
                            QStringLiteral("--listen-peer-urls"), peerUrl,
                            QStringLiteral("--initial-advertise-peer-urls"), peerUrl,
                            QStringLiteral("--initial-cluster"), QStringLiteral("t=") + peerUrl,
                            QStringLiteral("--heartbeat-interval"), QStringLiteral("10"),
                            QStringLiteral("--election-timeout"), QStringLiteral("100")} + m_extraArgs);
    QByteArray output;
    const QJsonObject probe{{QStringLiteral("key"), QString::fromLatin1(QByteArray("/probe").toBase64())},
                            {QStringLiteral("value"), QString::fromLatin1(QByteArray("1").toBase64())}};
    const bool up = QTest::qWaitFor([&] {
        output += m_process->readAll();
        return m_process->state() == QProcess::NotRunning || call("/v3/kv/put", probe).contains(QStringLiteral("header"));
    }, timeoutMs);
    output += m_process->readAll();
    if (up && m_process->state() == QProcess::Running)
        return true;
    *error = QStringLiteral("etcd did not answer on %1 within %2 ms; its last output:\n%3")
                 .arg(urlText()).arg(timeoutMs).arg(QString::fromUtf8(output.right(2000)));
    return false;
}

QJsonObject EtcdProcess::call(const QByteArray &path, const QJsonObject &body) const
{
    HttpTestClient http("127.0.0.1", quint16(m_url.port()), 2000);
    const auto r = http.request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    return r.status == 200 ? r.json() : QJsonObject();
}

void EtcdProcess::kill()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_process.reset();
    m_dir.reset(); // the data dir preallocates ~128 MB of WAL: never leave it behind
}

void EtcdProcess::stop()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000))
            m_process->kill();
    }
}

} // namespace shardscope::test
