#pragma once

#include "backend/types/CommandOutcome.h"
#include "backend/types/Query.h"
#include "backend/types/RestartOptions.h"
#include "backend/types/ServiceEvent.h"
#include "backend/types/ServiceSnapshot.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <vector>

namespace shardscope {

// Outcome of a command (restart, abort, stop, start) as the service answered it.
struct CommandResult {
    bool ok = false;
    Refusal refusal = Refusal::None; // why the service refused; None if it accepted or was not reached
    int httpStatus = 0;              // the HTTP status when the command went over HTTP, else 0
    std::uint64_t restartId = 0;
    QString error;                   // set when !ok
};

// Why a remote service is not live: nothing listens at its address (refused: the process
// is gone), it took the connection but sent nothing in time (a stopped process, a cut
// link), it closed the connection, or something else.
enum class LossCause { None, Refused, Timeout, Closed, Other };

// Whether the console sees the service live. An embedded service always is; a remote
// one is live while its event stream flows, or while polling answers when the stream
// cannot be held open.
struct ConnectionStatus {
    bool live = true;
    std::int64_t lastSeenMs = 0; // epoch ms of the newest data, 0 if never
    QString detail;              // why not live, or why polling, for the banner
    bool polling = false;        // live by polling instead of the event stream
    LossCause cause = LossCause::None; // while not live
};

// The only way model/ reaches the service (DESIGN.md, "Layers"). The embedded client calls
// the in-process service; a remote client implements the same calls over HTTP.
// Threading: snapshot(), eventsSince() and the commands are called on the GUI thread and
// never block; submitQuery() may be called from any thread.
class BackendClient : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~BackendClient() override = default;

    // The newest known state of the service. Cheap: called at the frame rate.
    virtual ServiceSnapshot snapshot() = 0;
    // Events with seq > afterSeq, oldest first.
    virtual std::vector<ServiceEvent> eventsSince(std::uint64_t afterSeq, std::size_t limit = 1000) = 0;
    // "http://127.0.0.1:8080", or empty when the service has no HTTP endpoint.
    virtual QString endpoint() const = 0;
    virtual RestartOptions restartDefaults() const = 0;
    virtual ConnectionStatus connection() const { return {}; }
    // A service in another process (--connect): the console attached to it, did not start
    // it, and must not load it unless the operator asks.
    virtual bool isRemote() const { return false; }

    // Commands: each answers through commandFinished(), on the GUI thread.
    virtual void requestRestart(const RestartOptions &options) = 0;
    virtual void abortRestart() = 0;
    virtual void stopService() = 0;
    virtual void startService() = 0;

    // Runs a query; `reply` is called exactly once, on any thread.
    virtual void submitQuery(QueryRequest request, ReplyFn reply) = 0;

    // Fault drills (only when the service was started with --enable-faults): answer
    // through commandFinished("fault", ...).
    virtual bool faultsEnabled() const { return false; }
    virtual void injectFault(const QJsonObject &fault);
    // The most recent audit entries, delivered by auditReceived().
    virtual void fetchAudit();

Q_SIGNALS:
    void commandFinished(const QString &command, const shardscope::CommandResult &result);
    // Live or polling changed.
    void connectionChanged(bool live);
    void auditReceived(const QJsonArray &entries);
};

} // namespace shardscope

Q_DECLARE_METATYPE(shardscope::CommandResult)
