#pragma once

#include <QLabel>
#include <QTimer>

namespace shardscope {

class ConsoleModel;

// A red strip while the console has lost its service, with when it last heard from it,
// and a grey veil over the widgets that show live state (header, grid) so that nothing
// stale passes for live.
class ConnectionBanner : public QLabel
{
    Q_OBJECT
public:
    ConnectionBanner(ConsoleModel &model, QList<QWidget *> veiled, QWidget *parent = nullptr);

    bool isShowingLoss() const { return !isHidden(); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();

    ConsoleModel &m_model;
    QList<QWidget *> m_veiled;
    QList<QWidget *> m_veils; // one per veiled widget, its child
    QTimer m_clock;
};

} // namespace shardscope
