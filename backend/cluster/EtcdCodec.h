#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <vector>

namespace shardscope {

// etcd 3.4 JSON gateway shapes: keys and values are base64, 64-bit integers travel as
// JSON strings, and fields at their default value (0, false, PUT) are left out.
namespace etcd {

QString b64(const QByteArray &bytes);
QByteArray unb64(const QJsonValue &value);
// An int64 that may come as a string ("12"), a number, or be missing (0).
std::int64_t int64(const QJsonValue &value);
QString int64Text(std::int64_t value);
// The range_end that makes a range cover every key starting with `prefix`.
QByteArray prefixEnd(QByteArray prefix);

struct KeyValue {
    QByteArray key;
    QByteArray value;
    std::int64_t createRevision = 0;
    std::int64_t modRevision = 0;
    std::int64_t lease = 0;
};
std::vector<KeyValue> keyValues(const QJsonObject &rangeReply);
std::int64_t revision(const QJsonObject &reply); // header.revision

// Txn building blocks. A compare's target is CREATE or MOD against a revision.
QJsonObject compareCreate(const QByteArray &key, std::int64_t createRevision);
QJsonObject compareMod(const QByteArray &key, std::int64_t modRevision);
QJsonObject requestPut(const QByteArray &key, const QByteArray &value, std::int64_t lease = 0);
QJsonObject requestDelete(const QByteArray &key);
QJsonObject requestRange(const QByteArray &key);
// A range [key, rangeEnd) in a txn; newestFirst sorts by mod revision, descending.
QJsonObject requestRange(const QByteArray &key, const QByteArray &rangeEnd, std::int64_t limit, bool newestFirst = false);
// The n-th txn response's "count" (keys in its range, whatever its limit).
std::int64_t txnCount(const QJsonObject &txnReply, int index);
QJsonObject txn(const QJsonArray &compare, const QJsonArray &success, const QJsonArray &failure = {});
// A failed compare has no "succeeded" field at all.
bool succeeded(const QJsonObject &txnReply);
// The key-values a txn's n-th response (a range) returned.
std::vector<KeyValue> txnRange(const QJsonObject &txnReply, int index);

} // namespace etcd
} // namespace shardscope
