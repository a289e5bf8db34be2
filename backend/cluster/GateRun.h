#pragma once

#include "backend/cluster/GateOptions.h"
#include "backend/cluster/GateProbe.h"

#include <QJsonObject>
#include <QString>

#include <map>
#include <vector>

namespace shardscope {

// The coordinator's gate after each node of a rolling restart (issue 26), kept in the
// node's journal entry ("gate": {...}) so that a coordinator elected later continues it:
// the before-figures, each judged window with its figures, the verdict. Level-triggered:
// each call looks at the entry and the answers at hand and changes the entry or not.
// A window started under another coordinator's fence is started again (its start is not
// this coordinator's to trust); a judged window is kept: its figures are in the journal.
class GateRun
{
public:
    struct Peer {
        QString id;
        QString url;
    };

    // Takes the node's own figures for the analysis window just before it turns unready;
    // true once the entry holds them (or why there are none). `url` is the node's.
    bool takeBefore(QJsonObject &entry, const QString &url, const GateOptions &options);
    // Starts the gate on a node that settled: step "analysing", its first window from now.
    static void startAnalysis(QJsonObject &entry, const QString &fence);
    // Judges the node's window once it ended (against `baseline`, the nodes not yet
    // restarted); true when the entry changed. A decided gate leaves "verdict" and
    // "reason" in entry["gate"].
    bool analyse(QJsonObject &entry, const QString &url, const std::vector<Peer> &baseline, const GateOptions &options,
                 const QString &fence);
    // A coordinator new to a restart (or to a term) starts from the journal alone.
    void reset() { m_beforeEnd.clear(); }

    // Figures are asked this long after a window ended: requests answered at its end are in.
    static constexpr int kFiguresLagMs = 300;

private:
    GateProbe m_probe;
    std::map<QString, std::int64_t> m_beforeEnd; // node id -> end of its before-window (epoch ms)
};

} // namespace shardscope
