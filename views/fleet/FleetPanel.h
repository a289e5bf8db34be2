#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

namespace shardscope {

class FleetFilterProxy;
class FleetModel;
class FleetView;

// The fleet view with its controls above it: `/` filter (id, state, version), "only
// unhealthy or skewed", the sort (node id or severity), a count of what is shown, and the
// next-node-needing-attention button (n, F8).
class FleetPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FleetPanel(FleetModel &fleet, QWidget *parent = nullptr);

    FleetView *view() const { return m_view; }
    FleetFilterProxy *proxy() const { return m_proxy; }
    QLineEdit *filterEdit() const { return m_filter; }
    QCheckBox *unhealthyBox() const { return m_unhealthy; }
    QComboBox *sortBox() const { return m_sort; }
    QString countText() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refreshCount();

    FleetModel &m_fleet;
    FleetFilterProxy *m_proxy;
    FleetView *m_view;
    QLineEdit *m_filter;
    QCheckBox *m_unhealthy;
    QComboBox *m_sort;
    QLabel *m_count;
};

} // namespace shardscope
