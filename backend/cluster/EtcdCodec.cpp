#include "backend/cluster/EtcdCodec.h"

#include <QJsonArray>

namespace shardscope::etcd {

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QByteArray unb64(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

std::int64_t int64(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().toLongLong();
    if (value.isDouble())
        return std::int64_t(value.toDouble());
    return 0;
}

QString int64Text(std::int64_t value)
{
    return QString::number(value);
}

QByteArray prefixEnd(QByteArray prefix)
{
    for (qsizetype i = prefix.size() - 1; i >= 0; --i) {
        if (uchar(prefix[i]) < 0xff) {
            prefix[i] = char(uchar(prefix[i]) + 1);
            return prefix.left(i + 1);
        }
    }
    return QByteArray(1, '\0'); // every key
}

std::vector<KeyValue> keyValues(const QJsonObject &rangeReply)
{
    std::vector<KeyValue> out;
    for (const QJsonValue &v : rangeReply.value(QStringLiteral("kvs")).toArray()) {
        const QJsonObject kv = v.toObject();
        out.push_back({unb64(kv.value(QStringLiteral("key"))), unb64(kv.value(QStringLiteral("value"))),
                       int64(kv.value(QStringLiteral("create_revision"))), int64(kv.value(QStringLiteral("mod_revision"))),
                       int64(kv.value(QStringLiteral("lease")))});
    }
    return out;
}

std::int64_t revision(const QJsonObject &reply)
{
    return int64(reply.value(QStringLiteral("header")).toObject().value(QStringLiteral("revision")));
}

namespace {
QJsonObject compare(const QByteArray &key, const char *target, const char *field, std::int64_t value)
{
    return {{QStringLiteral("key"), b64(key)}, {QStringLiteral("result"), QStringLiteral("EQUAL")},
            {QStringLiteral("target"), QLatin1String(target)}, {QLatin1String(field), int64Text(value)}};
}
} // namespace

QJsonObject compareCreate(const QByteArray &key, std::int64_t createRevision)
{
    return compare(key, "CREATE", "create_revision", createRevision);
}

QJsonObject compareMod(const QByteArray &key, std::int64_t modRevision)
{
    return compare(key, "MOD", "mod_revision", modRevision);
}

QJsonObject requestPut(const QByteArray &key, const QByteArray &value, std::int64_t lease)
{
    QJsonObject put{{QStringLiteral("key"), b64(key)}, {QStringLiteral("value"), b64(value)}};
    if (lease)
        put.insert(QStringLiteral("lease"), int64Text(lease));
    return {{QStringLiteral("request_put"), put}};
}

QJsonObject requestDelete(const QByteArray &key)
{
    return {{QStringLiteral("request_delete_range"), QJsonObject{{QStringLiteral("key"), b64(key)}}}};
}

QJsonObject requestRange(const QByteArray &key)
{
    return {{QStringLiteral("request_range"), QJsonObject{{QStringLiteral("key"), b64(key)}}}};
}

QJsonObject requestRange(const QByteArray &key, const QByteArray &rangeEnd, std::int64_t limit, bool newestFirst)
{
    QJsonObject r{{QStringLiteral("key"), b64(key)}, {QStringLiteral("range_end"), b64(rangeEnd)}};
    if (limit)
        r.insert(QStringLiteral("limit"), int64Text(limit));
    if (newestFirst) {
        r.insert(QStringLiteral("sort_order"), QStringLiteral("DESCEND"));
        r.insert(QStringLiteral("sort_target"), QStringLiteral("MOD"));
    }
    return {{QStringLiteral("request_range"), r}};
}

QJsonObject txn(const QJsonArray &compare, const QJsonArray &success, const QJsonArray &failure)
{
    return {{QStringLiteral("compare"), compare}, {QStringLiteral("success"), success}, {QStringLiteral("failure"), failure}};
}

bool succeeded(const QJsonObject &txnReply)
{
    return txnReply.value(QStringLiteral("succeeded")).toBool(false);
}

std::vector<KeyValue> txnRange(const QJsonObject &txnReply, int index)
{
    const QJsonObject r = txnReply.value(QStringLiteral("responses")).toArray().at(index).toObject();
    return keyValues(r.value(QStringLiteral("response_range")).toObject());
}

std::int64_t txnCount(const QJsonObject &txnReply, int index)
{
    const QJsonObject r = txnReply.value(QStringLiteral("responses")).toArray().at(index).toObject();
    return int64(r.value(QStringLiteral("response_range")).toObject().value(QStringLiteral("count")));
}

} // namespace shardscope::etcd
