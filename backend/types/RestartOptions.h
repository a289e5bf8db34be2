#pragma once

#include "backend/types/ShardTypes.h"

#include <QJsonObject>
#include <QString>

#include <cstddef>
#include <span>
#include <string_view>

namespace shardscope {

// Settings of one restart. Defaults follow DESIGN.md; the command line may change the
// defaults and a request body may override them per restart. Every setting's name, limits
// and help are defined once, in restartSettings(): the HTTP decoder, the command line and
// the console's settings all read that table.
struct RestartOptions {
    RestartMode mode = RestartMode::Phased;
    AdmissionPolicy admission = AdmissionPolicy::Hold;
    DrainTimeoutPolicy drainPolicy = DrainTimeoutPolicy::Abort;
    int prepareTimeoutMs = 1000;
    int drainTimeoutMs = 10000;
    int restartTimeoutPerShardMs = 5000;
    int verifyTimeoutMs = 2000;
    int holdDeadlineMs = 30000;        // a held request older than this is refused with 503
    std::size_t holdCapacity = 10000;  // held requests beyond this are refused with 503
    // The version the restart moves to; 0: one above the running version. A cluster
    // restart names one target for every node, so skew heals in one pass. Not a default
    // setting (no option, no --help line): only a request or a cluster journal sets it.
    std::int64_t targetVersion = 0;
    // A cluster restart's rollback: targetVersion may be below the running version (the
    // version a node served before a failed gate). Never from a request body.
    bool rollback = false;

    QJsonObject toJson() const;
    // Overrides the fields present in `json`. An unknown key, a wrong type or a value out of
    // range refuses the whole object: returns false, changes nothing and sets *error
    // (e.g. "drain_timeout_ms must be an integer in [0, 600000]").
    bool applyJson(const QJsonObject &json, QString *error);
};

// One setting of RestartOptions. A choice is read and written by its name ("phased"); an
// integer lies in [0, max].
struct RestartSetting {
    std::string_view key;      // JSON key: "drain_timeout_ms"
    std::string_view cliName;  // command-line option without "--": "drain-timeout-ms"
    std::string_view valueName; // "MS", "N", "MODE", "POLICY" in --help
    std::string_view help;
    std::string_view choices;  // "phased, legacy"; empty for an integer
    int max = 0;

    bool isChoice() const { return !choices.empty(); }
    // A choice's current name, or an integer's value.
    QString choiceOf(const RestartOptions &options) const;
    int valueOf(const RestartOptions &options) const;
    // False (and nothing changed) when `name` is not one of the choices.
    bool setChoice(RestartOptions &options, std::string_view name) const;
    // Integers only; the caller checks [0, max] first.
    void setValue(RestartOptions &options, int value) const;
};

// Every setting, in the order the API documents them.
std::span<const RestartSetting> restartSettings();
// The setting with this JSON key, or null.
const RestartSetting *findRestartSetting(std::string_view key);

} // namespace shardscope
