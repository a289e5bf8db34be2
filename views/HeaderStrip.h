#pragma once

#include <QFrame>

class QLabel;

namespace shardscope {

class ConsoleModel;

// The strip across the top: service phase, version, ready or not, shards per state
// (as chips with the state's name, never colour alone), held requests, and a banner
// whenever more than one version serves.
class HeaderStrip : public QFrame
{
    Q_OBJECT
public:
    explicit HeaderStrip(ConsoleModel &model, QWidget *parent = nullptr);

    QString bannerText() const;
    QString alertText() const;
    QString readyText() const;

private:
    void refresh();

    ConsoleModel &m_model;
    QLabel *m_phase;
    QLabel *m_version;
    QLabel *m_ready;
    QLabel *m_counts;
    QLabel *m_banner;
    QLabel *m_alert;
};

} // namespace shardscope
