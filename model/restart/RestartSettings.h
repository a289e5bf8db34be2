#pragma once

#include <QString>

class QSettings;

namespace shardscope {

struct RestartOptions;

// The restart dialog's fields as plain values (views must not see backend types).
struct RestartSettings {
    bool legacy = false;        // RestartMode::Legacy: reproduces the seed's failure
    bool rejectAdmission = false; // AdmissionPolicy::Reject instead of Hold
    bool forceDrain = false;    // DrainTimeoutPolicy::Force instead of Abort
    int prepareTimeoutMs = 1000;
    int drainTimeoutMs = 10000;
    int restartTimeoutPerShardMs = 5000;
    int verifyTimeoutMs = 2000;

    QString modeName() const { return legacy ? QStringLiteral("legacy") : QStringLiteral("phased"); }
    QString admissionName() const { return rejectAdmission ? QStringLiteral("reject") : QStringLiteral("hold"); }
    QString drainPolicyName() const { return forceDrain ? QStringLiteral("force") : QStringLiteral("abort"); }

    // The largest value the service accepts for each timeout (its restart settings table).
    struct Limits {
        int prepareTimeoutMs;
        int drainTimeoutMs;
        int restartTimeoutPerShardMs;
        int verifyTimeoutMs;
    };
    static Limits limits();

    static RestartSettings fromOptions(const RestartOptions &options);
    // Applies these fields over `base` (which keeps hold capacity and deadline).
    RestartOptions toOptions(const RestartOptions &base) const;

    // Remembered between runs under "restart/", all but the mode: a restart starts phased
    // every time, and legacy (which breaks shards 1..N-1 on purpose) is chosen afresh.
    void save(QSettings &settings) const;
    static RestartSettings load(QSettings &settings, const RestartSettings &fallback);

    friend bool operator==(const RestartSettings &, const RestartSettings &) = default;
};

} // namespace shardscope
