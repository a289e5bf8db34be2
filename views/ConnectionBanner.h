#pragma once

#include <QLabel>
#include <QTimer>

namespace shardscope {

class ConsoleModel;

// A red strip while the console has lost its service, with when it last heard from it,
// and a grey veil over a widget (the shard grid) so stale tiles never pass for live.
class ConnectionBanner : public QLabel
{
    Q_OBJECT
public:
    ConnectionBanner(ConsoleModel &model, QWidget *veiled, QWidget *parent = nullptr);

    bool isShowingLoss() const { return !isHidden(); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();

    ConsoleModel &m_model;
    QWidget *m_veiled;
    QWidget *m_veil;
    QTimer m_clock;
};

} // namespace shardscope
