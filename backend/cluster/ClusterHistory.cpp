#include "backend/cluster/ClusterHistory.h"

#include "backend/cluster/ClusterNode.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace shardscope {

bool isHistoryId(const QString &id)
{
    return !id.isEmpty() && id.size() <= 20 && std::all_of(id.begin(), id.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

bool parseHistoryQuery(const QUrlQuery &query, HistoryQuery *out, QString *error)
{
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("limit")) {
            bool ok = false;
            out->limit = value.toInt(&ok);
            if (!ok || out->limit < 1 || out->limit > kHistoryMaxLimit) {
                *error = QStringLiteral("limit must be an integer in [1, %1]").arg(kHistoryMaxLimit);
                return false;
            }
        } else if (key == QLatin1String("id")) {
            if (!isHistoryId(value)) { // never echo a string of the client's choosing
                *error = QStringLiteral("id must be a restart id: decimal digits, at most 20");
                return false;
            }
            out->id = value;
        } else {
            *error = QStringLiteral("unknown parameter: only limit and id are understood");
            return false;
        }
    }
    return true;
}

QJsonObject historySummary(const QJsonObject &journal)
{
    QJsonObject s;
    for (const char *key : {"id", "strategy", "state", "reason", "requester", "accepted_by", "created_ms", "started_ms",
                            "ended_ms", "target_version", "resumed_from"}) {
        const QJsonValue v = journal.value(QLatin1String(key));
        s.insert(QLatin1String(key), v.isUndefined() ? QJsonValue() : v);
    }
    s.insert(QStringLiteral("nodes"), journal.value(QStringLiteral("nodes")).toArray().size());
    return s;
}

namespace {

HistoryAnswer unavailable(const QString &why)
{
    return {HistoryAnswer::Kind::Unavailable, {},
            QStringLiteral("etcd is not reachable, and the restart history is kept there (%1); queries are served as before").arg(why)};
}

QJsonObject rangeOf(const QByteArray &key, const QByteArray &end, int limit)
{
    QJsonObject r{{QStringLiteral("key"), etcd::b64(key)}};
    if (!end.isEmpty()) {
        r.insert(QStringLiteral("range_end"), etcd::b64(end));
        r.insert(QStringLiteral("limit"), etcd::int64Text(limit));
        r.insert(QStringLiteral("sort_order"), QStringLiteral("DESCEND")); // the newest ended first
        r.insert(QStringLiteral("sort_target"), QStringLiteral("MOD"));
    }
    return r;
}

} // namespace

void readClusterHistory(ClusterNode &node, const HistoryQuery &query, const HistoryDone &done)
{
    const QByteArray history = node.config().key(QStringLiteral("restart/history/"));
    const bool one = !query.id.isEmpty();
    const QJsonObject range = one ? rangeOf(history + query.id.toUtf8(), {}, 0) : rangeOf(history, etcd::prefixEnd(history), query.limit);
    node.etcd().call(QStringLiteral("/v3/kv/range"), range, [done, one, id = query.id](const EtcdReply &r) {
        if (!r.ok)
            return done(unavailable(r.error));
        const std::vector<etcd::KeyValue> kvs = etcd::keyValues(r.json);
        if (one) {
            if (kvs.empty())
                return done({HistoryAnswer::Kind::NotFound, {}, QStringLiteral("no restart %1 in the history (the newest %2 are kept)").arg(id).arg(kHistoryMaxLimit)});
            return done({HistoryAnswer::Kind::Found, QJsonDocument::fromJson(kvs.front().value).object(), {}});
        }
        QJsonArray runs;
        for (const etcd::KeyValue &kv : kvs)
            runs.append(historySummary(QJsonDocument::fromJson(kv.value).object()));
        done({HistoryAnswer::Kind::Found,
              {{QStringLiteral("runs"), runs}, {QStringLiteral("total"), double(etcd::int64(r.json.value(QStringLiteral("count"))))}}, {}});
    });
}

} // namespace shardscope
