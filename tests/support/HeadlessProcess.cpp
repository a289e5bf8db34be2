#include "tests/support/HeadlessProcess.h"

#include "tests/support/ChildProcess.h"

#include <QRegularExpression>
#include <QTest>

namespace shardscope::test {

quint16 startHeadless(QProcess &process, const QStringList &args, quint16 port, int timeoutMs, QByteArray *consumed)
{
    dieWithTest(process);
    // SHARDSCOPE_TEST_BINARY runs a test against another build (e.g. the one before a fix).
    process.start(qEnvironmentVariable("SHARDSCOPE_TEST_BINARY", QStringLiteral(SHARDSCOPE_BINARY)),
                  QStringList{QStringLiteral("--headless")} + args
                      + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)});
    QByteArray out;
    const QRegularExpression re(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    const bool up = QTest::qWaitFor([&] {
        process.waitForReadyRead(50);
        out += process.readAllStandardOutput();
        return re.match(QString::fromUtf8(out)).hasMatch() || process.state() == QProcess::NotRunning;
    }, timeoutMs);
    if (consumed)
        *consumed = out;
    return up ? quint16(re.match(QString::fromUtf8(out)).captured(1).toUInt()) : 0;
}

} // namespace shardscope::test
