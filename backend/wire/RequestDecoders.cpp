#include "backend/wire/RequestDecoders.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace shardscope {

bool parseQueryRequest(const QByteArray &body, int shardCount, QueryRequest *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("malformed JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString());
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("the body must be a JSON object like {\"procedure\": \"echo\", \"args\": {}}");
        return false;
    }
    const QJsonObject o = doc.object();
    const QJsonValue procedure = o.value(QStringLiteral("procedure"));
    if (!procedure.isString() || procedure.toString().isEmpty()) {
        *error = QStringLiteral("\"procedure\" must be a non-empty string");
        return false;
    }
    const QJsonValue args = o.value(QStringLiteral("args"));
    if (!args.isUndefined() && !args.isNull() && !args.isObject()) {
        *error = QStringLiteral("\"args\" must be a JSON object");
        return false;
    }
    const QJsonValue shard = o.value(QStringLiteral("shard"));
    int pinned = -1;
    if (!shard.isUndefined() && !shard.isNull()) {
        const double d = shard.toDouble(-1);
        if (!shard.isDouble() || d < 0 || d >= shardCount || std::floor(d) != d) {
            *error = QStringLiteral("\"shard\" must be an integer in [0, %1]").arg(shardCount - 1);
            return false;
        }
        pinned = int(d);
    }
    const QJsonValue deadline = o.value(QStringLiteral("deadline_ms"));
    int deadlineMs = 0;
    if (!deadline.isUndefined() && !deadline.isNull()) {
        const double d = deadline.toDouble(-1);
        if (!deadline.isDouble() || d < kMinQueryDeadlineMs || d > kMaxQueryDeadlineMs || std::floor(d) != d) {
            *error = QStringLiteral("\"deadline_ms\" must be an integer in [%1, %2]").arg(kMinQueryDeadlineMs).arg(kMaxQueryDeadlineMs);
            return false;
        }
        deadlineMs = int(d);
    }
    out->deadlineMs = deadlineMs;
    out->procedure = procedure.toString();
    out->args = args.toObject();
    out->pinnedShard = pinned;
    return true;
}

bool parseRestartBody(const QByteArray &body, const RestartOptions &defaults, RestartOptions *out, QString *error)
{
    RestartOptions options = defaults;
    const QByteArray trimmed = body.trimmed();
    if (!trimmed.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            *error = QStringLiteral("restart body must be a JSON object of options");
            return false;
        }
        if (!options.applyJson(doc.object(), error))
            return false;
    }
    *out = options;
    return true;
}

bool parseFaultBody(const QByteArray &body, QJsonObject *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("the body must be a JSON object like {\"fault\": \"crash\", \"shard\": 0}");
        return false;
    }
    *out = doc.object();
    return true;
}

bool parseEventsQuery(const QUrlQuery &query, EventsQuery *out, QString *error)
{
    bool okSince = true;
    bool okLimit = true;
    const QString sinceText = query.queryItemValue(QStringLiteral("since"));
    const QString limitText = query.queryItemValue(QStringLiteral("limit"));
    const qulonglong since = sinceText.isEmpty() ? 0 : sinceText.toULongLong(&okSince);
    const qulonglong limit = limitText.isEmpty() ? 1000 : limitText.toULongLong(&okLimit);
    if (!okSince || !okLimit || limit == 0 || limit > 10000) {
        *error = QStringLiteral("since must be a sequence number and limit an integer in [1, 10000]");
        return false;
    }
    out->since = since;
    out->limit = limit;
    return true;
}

bool parseStreamQuery(const QUrlQuery &query, StreamQuery *out, QString *error)
{
    const QString sinceText = query.queryItemValue(QStringLiteral("since"));
    if (sinceText.isEmpty()) {
        out->since.reset();
    } else {
        bool ok = true;
        const qulonglong since = sinceText.toULongLong(&ok);
        if (!ok) {
            *error = QStringLiteral("since must be an event sequence number");
            return false;
        }
        out->since = since;
    }
    // Lenient on purpose: clients have always been able to send snapshots=1, =yes, ...
    out->withSnapshots = query.queryItemValue(QStringLiteral("snapshots")) != QLatin1String("0");
    const QString view = query.queryItemValue(QStringLiteral("view"));
    if (view.isEmpty() || view == QLatin1String("full")) {
        out->view = StreamView::Full;
    } else if (view == QLatin1String("summary")) {
        out->view = StreamView::Summary;
    } else {
        *error = QStringLiteral("view must be full or summary, not %1").arg(view.left(40));
        return false;
    }
    return true;
}

} // namespace shardscope
