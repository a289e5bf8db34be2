#include "backend/types/RestartOptions.h"

#include <QJsonValue>
#include <QStringList>

#include <array>
#include <cmath>

namespace shardscope {
namespace {

QString name(std::string_view s) { return QString::fromLatin1(s.data(), qsizetype(s.size())); }

constexpr const char *kTargetVersion = "target_version";
constexpr std::int64_t kMaxTargetVersion = std::int64_t(1) << 52; // exact in a JSON number

// Order matters: it is the order of toJson(), of --help and of "known: ..." in errors.
constexpr std::array<RestartSetting, 9> kSettings = {{
    {"mode", "restart-mode", "MODE", "Default restart mode: phased or legacy.", "phased, legacy", 0},
    {"admission", "admission", "POLICY", "Default admission policy while restarting: hold or reject.", "hold, reject", 0},
    {"drain_policy", "drain-policy", "POLICY", "Default drain-timeout policy: abort or force.", "abort, force", 0},
    {"prepare_timeout_ms", "prepare-timeout-ms", "MS", "Default prepare timeout.", "", 60000},
    {"drain_timeout_ms", "drain-timeout-ms", "MS", "Default drain timeout.", "", 600000},
    {"restart_timeout_ms", "restart-timeout-ms", "MS", "Default restart timeout per shard.", "", 60000},
    {"verify_timeout_ms", "verify-timeout-ms", "MS", "Default verify timeout.", "", 60000},
    {"hold_deadline_ms", "hold-deadline-ms", "MS", "How long a request may be held at the closed gate.", "", 600000},
    {"hold_capacity", "hold-capacity", "N", "How many requests the closed gate holds at most.", "", 1000000},
}};

// The int member behind a millisecond setting; null for the others.
int RestartOptions::*msMember(std::string_view key)
{
    if (key == "prepare_timeout_ms") return &RestartOptions::prepareTimeoutMs;
    if (key == "drain_timeout_ms") return &RestartOptions::drainTimeoutMs;
    if (key == "restart_timeout_ms") return &RestartOptions::restartTimeoutPerShardMs;
    if (key == "verify_timeout_ms") return &RestartOptions::verifyTimeoutMs;
    if (key == "hold_deadline_ms") return &RestartOptions::holdDeadlineMs;
    return nullptr;
}

bool readSetting(const RestartSetting &s, const QJsonValue &v, RestartOptions &next, QString *error)
{
    if (s.isChoice()) {
        const QByteArray text = v.toString().toUtf8();
        if (v.isString() && s.setChoice(next, std::string_view(text.constData(), std::size_t(text.size()))))
            return true;
        *error = QStringLiteral("%1 must be one of: %2").arg(name(s.key), name(s.choices));
        return false;
    }
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > s.max || std::floor(d) != d) {
        *error = QStringLiteral("%1 must be an integer in [0, %2]").arg(name(s.key)).arg(s.max);
        return false;
    }
    s.setValue(next, static_cast<int>(d));
    return true;
}

} // namespace

std::span<const RestartSetting> restartSettings()
{
    return kSettings;
}

const RestartSetting *findRestartSetting(std::string_view key)
{
    for (const RestartSetting &s : kSettings) {
        if (s.key == key)
            return &s;
    }
    return nullptr;
}

QString RestartSetting::choiceOf(const RestartOptions &o) const
{
    if (key == "mode") return name(toString(o.mode));
    if (key == "admission") return name(toString(o.admission));
    if (key == "drain_policy") return name(toString(o.drainPolicy));
    return {};
}

bool RestartSetting::setChoice(RestartOptions &o, std::string_view text) const
{
    if (key == "mode") return parseRestartMode(text, o.mode);
    if (key == "admission") return parseAdmissionPolicy(text, o.admission);
    if (key == "drain_policy") return parseDrainTimeoutPolicy(text, o.drainPolicy);
    return false;
}

int RestartSetting::valueOf(const RestartOptions &o) const
{
    if (key == "hold_capacity")
        return static_cast<int>(o.holdCapacity);
    const auto member = msMember(key);
    return member ? o.*member : 0;
}

void RestartSetting::setValue(RestartOptions &o, int value) const
{
    if (key == "hold_capacity")
        o.holdCapacity = static_cast<std::size_t>(value);
    else if (const auto member = msMember(key))
        o.*member = value;
}

QJsonObject RestartOptions::toJson() const
{
    QJsonObject json;
    for (const RestartSetting &s : kSettings) {
        if (s.isChoice())
            json.insert(name(s.key), s.choiceOf(*this));
        else
            json.insert(name(s.key), double(s.valueOf(*this)));
    }
    if (targetVersion > 0)
        json.insert(QLatin1String(kTargetVersion), double(targetVersion));
    return json;
}

bool RestartOptions::applyJson(const QJsonObject &json, QString *error)
{
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (it.key() != QLatin1String(kTargetVersion) && !findRestartSetting(it.key().toStdString())) {
            QStringList known;
            for (const RestartSetting &s : kSettings)
                known << name(s.key);
            known << QLatin1String(kTargetVersion);
            *error = QStringLiteral("unknown restart option '%1' (known: %2)").arg(it.key(), known.join(QStringLiteral(", ")));
            return false;
        }
    }
    RestartOptions next = *this;
    for (const RestartSetting &s : kSettings) {
        const QJsonValue v = json.value(name(s.key));
        if (!v.isUndefined() && !readSetting(s, v, next, error))
            return false;
    }
    const QJsonValue target = json.value(QLatin1String(kTargetVersion));
    if (!target.isUndefined()) {
        const double t = target.toDouble(-1);
        if (!target.isDouble() || t < 1 || t > kMaxTargetVersion || t != double(std::int64_t(t))) {
            *error = QStringLiteral("%1 must be an integer in [1, %2]").arg(QLatin1String(kTargetVersion)).arg(kMaxTargetVersion);
            return false;
        }
        next.targetVersion = std::int64_t(t);
    }
    *this = next;
    return true;
}

} // namespace shardscope
