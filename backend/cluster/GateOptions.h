#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace shardscope {

// The thresholds of a rolling restart's gate after each node (issue 26), as the journal
// keeps them ("gate": {...}). Every key is optional in a request; the defaults are what a
// deployment tool's user expects (success rate >= 99%, p99 <= 1.5x the reference and 500 ms).
struct GateOptions {
    int analysisMs = 10000;      // one window
    int checks = 3;              // windows per gate
    int failedChecksAllowed = 1; // the gate fails when more windows than this fail
    int minRequests = 100;       // fewer in a window: inconclusive, never a pass
    double successRate = 99.0;   // percent, at or above
    double p99Ratio = 1.5;       // p99 at most ratio x reference + slack
    double p99MaxMs = 500;
    double p99SlackMs = 5;       // so a 2 ms reference does not fail a 4 ms p99
    bool proceedWhenInconclusive = false;

    QJsonObject toJson() const;
    static GateOptions fromJson(const QJsonObject &o); // the journal's (already checked)
};

// A request's "gate": true (all defaults), an object of thresholds, or false/absent (no
// gate: *enabled false). False with a 400 message in *error.
bool parseGateOptions(const QJsonValue &v, GateOptions *out, bool *enabled, QString *error);

} // namespace shardscope
