#pragma once

#include <QJsonArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace shardscope {

class BackendClient;

// One row of the audit trail, in words the console shows.
struct AuditRow {
    QString time;
    QString command;
    QString client;
    QString outcome;
    QString duration; // "412 ms", or empty
    QString detail;   // settings, phases or the refusal's reason
};

// What the console needs besides snapshots: whether the service is live (a remote one
// may not be), fault drills, and the audit trail. Views use this, never BackendClient.
class OperatorTools : public QObject
{
    Q_OBJECT
public:
    explicit OperatorTools(BackendClient &client, QObject *parent = nullptr);

    bool live() const;
    qint64 lastSeenMs() const;
    QString connectionDetail() const;
    bool polling() const; // live, but by polling because the event stream is unavailable
    // Why commands (restart, stop, start, faults) are off: empty while the service is live.
    QString notLiveReason() const;

    bool faultsEnabled() const;
    // kind: crash, slow, stuck, fail_next_create, bad_graph, slow_graph, slow_create, clear
    // (the service's drills; ms for slow*). The outcome arrives
    // as the console's commandFinished("fault", ...). Not sent while not live.
    void injectFault(const QString &kind, int shard = -1, int ms = -1);
    // Sends one echo query pinned to `shard`; the answer (version, time) or the error goes
    // to the event log as a console line.
    void probeShard(int shard);

    void refreshAudit();
    const QList<AuditRow> &audit() const { return m_audit; }

    static QList<AuditRow> auditRows(const QJsonArray &entries);

Q_SIGNALS:
    void liveChanged(bool live);
    void auditChanged();

private:
    BackendClient &m_client;
    QList<AuditRow> m_audit;
};

} // namespace shardscope
