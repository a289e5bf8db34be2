#include "backend/types/RestartOptions.h"

#include <QJsonValue>

#include <cmath>

namespace shardscope {
namespace {

bool readMs(const QJsonObject &json, const char *key, int max, int &out, QString *error)
{
    const QJsonValue v = json.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > max || std::floor(d) != d) {
        *error = QStringLiteral("%1 must be an integer in [0, %2]").arg(QLatin1String(key)).arg(max);
        return false;
    }
    out = static_cast<int>(d);
    return true;
}

template <typename Enum>
bool readEnum(const QJsonObject &json, const char *key, bool (*parse)(std::string_view, Enum &), const char *allowed,
              Enum &out, QString *error)
{
    const QJsonValue v = json.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    const QByteArray text = v.toString().toUtf8();
    if (!v.isString() || !parse(std::string_view(text.constData(), std::size_t(text.size())), out)) {
        *error = QStringLiteral("%1 must be one of: %2").arg(QLatin1String(key), QLatin1String(allowed));
        return false;
    }
    return true;
}

QString name(std::string_view s) { return QString::fromLatin1(s.data(), qsizetype(s.size())); }

} // namespace

QJsonObject RestartOptions::toJson() const
{
    return QJsonObject{
        {QStringLiteral("mode"), name(toString(mode))},
        {QStringLiteral("admission"), name(toString(admission))},
        {QStringLiteral("drain_policy"), name(toString(drainPolicy))},
        {QStringLiteral("prepare_timeout_ms"), prepareTimeoutMs},
        {QStringLiteral("drain_timeout_ms"), drainTimeoutMs},
        {QStringLiteral("restart_timeout_ms"), restartTimeoutPerShardMs},
        {QStringLiteral("verify_timeout_ms"), verifyTimeoutMs},
        {QStringLiteral("hold_deadline_ms"), holdDeadlineMs},
        {QStringLiteral("hold_capacity"), double(holdCapacity)},
    };
}

bool RestartOptions::applyJson(const QJsonObject &json, QString *error)
{
    static const QStringList known = {
        QStringLiteral("mode"), QStringLiteral("admission"), QStringLiteral("drain_policy"),
        QStringLiteral("prepare_timeout_ms"), QStringLiteral("drain_timeout_ms"), QStringLiteral("restart_timeout_ms"),
        QStringLiteral("verify_timeout_ms"), QStringLiteral("hold_deadline_ms"), QStringLiteral("hold_capacity")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("unknown restart option '%1' (known: %2)").arg(it.key(), known.join(QStringLiteral(", ")));
            return false;
        }
    }
    RestartOptions next = *this;
    int capacity = int(holdCapacity);
    const bool ok = readEnum(json, "mode", parseRestartMode, "phased, legacy", next.mode, error)
        && readEnum(json, "admission", parseAdmissionPolicy, "hold, reject", next.admission, error)
        && readEnum(json, "drain_policy", parseDrainTimeoutPolicy, "abort, force", next.drainPolicy, error)
        && readMs(json, "prepare_timeout_ms", 60000, next.prepareTimeoutMs, error)
        && readMs(json, "drain_timeout_ms", 600000, next.drainTimeoutMs, error)
        && readMs(json, "restart_timeout_ms", 60000, next.restartTimeoutPerShardMs, error)
        && readMs(json, "verify_timeout_ms", 60000, next.verifyTimeoutMs, error)
        && readMs(json, "hold_deadline_ms", 600000, next.holdDeadlineMs, error)
        && readMs(json, "hold_capacity", 1000000, capacity, error);
    if (!ok)
        return false;
    next.holdCapacity = std::size_t(capacity);
    *this = next;
    return true;
}

} // namespace shardscope
