#pragma once

#include <QFrame>

class QLabel;

namespace shardscope {

class ConsoleModel;
struct ServiceSummary;

// The strip across the top: service phase, version, ready or not, shards per state
// (as chips with the state's name, never colour alone), held requests, and a version
// line that turns into an amber banner whenever more than one version serves; a yellow
// chip names the fault drills armed, as long as one is.
class HeaderStrip : public QFrame
{
    Q_OBJECT
public:
    explicit HeaderStrip(ConsoleModel &model, QWidget *parent = nullptr);

    QString phaseText() const;       // "Service: serving", "Service: not reachable", ...
    QString bannerText() const;      // the skew banner; empty while one version serves
    QString versionLineText() const; // whatever the version line shows
    QString alertText() const;
    QString readyText() const;
    QString versionText() const; // "Version v6", or "Version v6 → v7 live" while a restart moves shards
    // The armed-faults chip's whole text (the chip may cut it; its tooltip has it all);
    // empty when none is armed.
    QString faultsText() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    void showVersionLine(const ServiceSummary &s);
    void styleBands();
    void styleVersionLine(bool skewed);

    ConsoleModel &m_model;
    QLabel *m_phase;
    QLabel *m_version;
    QLabel *m_ready;
    QLabel *m_counts;
    QLabel *m_faults;
    QLabel *m_banner;
    QLabel *m_alert;
    bool m_skewed = false;
};

} // namespace shardscope
