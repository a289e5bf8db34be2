#pragma once

#include <QMainWindow>

#include <map>

class QAction;
class QLabel;
class QScrollArea;
class QSplitter;
class QVBoxLayout;

namespace shardscope {

class ClusterEventView;
class ClusterHeader;
class ClusterModel;
class NodeBand;

// The console in cluster mode: the cluster header, then a band per node (in id order,
// never removed: lost and left nodes stay greyed) with that node's tiles, the cluster's
// event log under them, and Restart All for the whole cluster. Reads the ClusterModel only.
class ClusterWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit ClusterWindow(ClusterModel &model, QWidget *parent = nullptr);

    ClusterHeader *header() const { return m_header; }
    ClusterEventView *eventView() const { return m_events; }
    NodeBand *band(const QString &nodeId) const;
    const std::map<QString, NodeBand *> &bands() const { return m_bands; }
    QAction *restartAction() const { return m_restartAction; }
    QAction *abortAction() const { return m_abortAction; }
    // The newest command outcome the status bar shows.
    QString lastMessage() const { return m_lastMessage; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

public Q_SLOTS:
    // The strategy and blast-radius dialog (Cancel default); on OK asks the cluster.
    void showRestartDialog();

private:
    void addBand(const QString &nodeId);
    void refreshActions();
    void refreshSource();
    void fitSplit();
    void onCommandFinished(const QString &command, bool ok, const QString &message);

    ClusterModel &m_model;
    ClusterHeader *m_header;
    ClusterEventView *m_events;
    QVBoxLayout *m_bandLayout;
    QScrollArea *m_bandScroll;
    QSplitter *m_split;
    bool m_splitMoved = false; // the operator placed the line between bands and log
    std::map<QString, NodeBand *> m_bands;
    QAction *m_restartAction;
    QAction *m_abortAction;
    QLabel *m_source; // which node's cluster status is shown
    QString m_lastMessage;
};

} // namespace shardscope
