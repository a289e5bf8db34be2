#include "model/restart/RestartSettings.h"

#include "backend/types/RestartOptions.h"

#include <QSettings>

namespace shardscope {

RestartSettings::Limits RestartSettings::limits()
{
    auto max = [](std::string_view key) { return findRestartSetting(key)->max; };
    return {max("prepare_timeout_ms"), max("drain_timeout_ms"), max("restart_timeout_ms"), max("verify_timeout_ms")};
}

RestartSettings RestartSettings::fromOptions(const RestartOptions &o)
{
    RestartSettings s;
    s.legacy = o.mode == RestartMode::Legacy;
    s.rejectAdmission = o.admission == AdmissionPolicy::Reject;
    s.forceDrain = o.drainPolicy == DrainTimeoutPolicy::Force;
    s.prepareTimeoutMs = o.prepareTimeoutMs;
    s.drainTimeoutMs = o.drainTimeoutMs;
    s.restartTimeoutPerShardMs = o.restartTimeoutPerShardMs;
    s.verifyTimeoutMs = o.verifyTimeoutMs;
    return s;
}

RestartOptions RestartSettings::toOptions(const RestartOptions &base) const
{
    RestartOptions o = base;
    o.mode = legacy ? RestartMode::Legacy : RestartMode::Phased;
    o.admission = rejectAdmission ? AdmissionPolicy::Reject : AdmissionPolicy::Hold;
    o.drainPolicy = forceDrain ? DrainTimeoutPolicy::Force : DrainTimeoutPolicy::Abort;
    o.prepareTimeoutMs = prepareTimeoutMs;
    o.drainTimeoutMs = drainTimeoutMs;
    o.restartTimeoutPerShardMs = restartTimeoutPerShardMs;
    o.verifyTimeoutMs = verifyTimeoutMs;
    return o;
}

void RestartSettings::save(QSettings &q) const
{
    q.beginGroup(QStringLiteral("restart"));
    q.remove(QStringLiteral("mode")); // earlier versions kept it, legacy included
    q.setValue(QStringLiteral("admission"), admissionName());
    q.setValue(QStringLiteral("drainPolicy"), drainPolicyName());
    q.setValue(QStringLiteral("prepareTimeoutMs"), prepareTimeoutMs);
    q.setValue(QStringLiteral("drainTimeoutMs"), drainTimeoutMs);
    q.setValue(QStringLiteral("restartTimeoutPerShardMs"), restartTimeoutPerShardMs);
    q.setValue(QStringLiteral("verifyTimeoutMs"), verifyTimeoutMs);
    q.endGroup();
}

RestartSettings RestartSettings::load(QSettings &q, const RestartSettings &fallback)
{
    RestartSettings s = fallback;
    q.beginGroup(QStringLiteral("restart"));
    s.legacy = false; // never from settings, whatever an earlier version saved
    s.rejectAdmission = q.value(QStringLiteral("admission"), fallback.admissionName()).toString() == QStringLiteral("reject");
    s.forceDrain = q.value(QStringLiteral("drainPolicy"), fallback.drainPolicyName()).toString() == QStringLiteral("force");
    s.prepareTimeoutMs = q.value(QStringLiteral("prepareTimeoutMs"), fallback.prepareTimeoutMs).toInt();
    s.drainTimeoutMs = q.value(QStringLiteral("drainTimeoutMs"), fallback.drainTimeoutMs).toInt();
    s.restartTimeoutPerShardMs = q.value(QStringLiteral("restartTimeoutPerShardMs"), fallback.restartTimeoutPerShardMs).toInt();
    s.verifyTimeoutMs = q.value(QStringLiteral("verifyTimeoutMs"), fallback.verifyTimeoutMs).toInt();
    q.endGroup();
    return s;
}

} // namespace shardscope
