#pragma once

#include <QLabel>
#include <QTimer>

namespace shardscope {

class ConsoleModel;

// A red strip while the console has lost its service, with when it last heard from it,
// and a grey veil over the widgets that show live state (header, grid) so that nothing
// stale passes for live. While a remote console is live by polling (its event stream
// is unavailable), an amber strip says so and why; nothing is veiled.
class ConnectionBanner : public QLabel
{
    Q_OBJECT
public:
    ConnectionBanner(ConsoleModel &model, QList<QWidget *> veiled, QWidget *parent = nullptr);

    bool isShowingLoss() const { return m_lost; }
    bool isShowingPolling() const { return !isHidden() && !m_lost; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();
    void showLoss();

    ConsoleModel &m_model;
    QList<QWidget *> m_veiled;
    QList<QWidget *> m_veils; // one per veiled widget, its child
    QTimer m_clock;
    bool m_lost = false;
};

} // namespace shardscope
