#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <functional>

namespace shardscope {

class ClusterNode;

// GET /v1/cluster/history's question: one run by id, or the newest `limit` runs.
struct HistoryQuery {
    QString id;
    int limit = 20;
};
inline constexpr int kHistoryDefaultLimit = 20;
inline constexpr int kHistoryMaxLimit = 50; // what HistoryPrune keeps

// ?limit=N (1..50) and ?id=<restart id>; false with the reason in *error.
bool parseHistoryQuery(const QUrlQuery &query, HistoryQuery *out, QString *error);

// What etcd holds: the list or the journal, no such run, or etcd out of reach (in words).
struct HistoryAnswer {
    enum class Kind { Found, NotFound, Unavailable };
    Kind kind = Kind::Unavailable;
    QJsonObject body;
    QString message;
};
using HistoryDone = std::function<void(const HistoryAnswer &)>;

// One history entry's line in the list: who, when, what and how it ended.
QJsonObject historySummary(const QJsonObject &journal);

// Cluster thread: one etcd range read of restart/history/ (newest first) or of one entry.
void readClusterHistory(ClusterNode &node, const HistoryQuery &query, const HistoryDone &done);

// Restart ids are decimal journal numbers of at most 20 digits.
bool isHistoryId(const QString &id);

} // namespace shardscope
