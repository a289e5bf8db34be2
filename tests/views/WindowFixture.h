#pragma once

// What the window tests share: a main window over a scripted service, and a way to act
// on a modal dialog while exec() blocks the test.
#include "ScriptedBackendClient.h"

#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "model/shards/ShardTableModel.h"
#include "views/MainWindow.h"
#include "views/RestartDialog.h"
#include "views/ShardGridPanel.h"
#include "views/ShardGridView.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QPointer>
#include <QTest>
#include <QTimer>

#include <functional>

namespace shardscope::test {

struct Fixture {
    Fixture()
        : model(client)
        , window(model)
    {
        window.setFixedSize(1200, 760);
        window.show();
    }
    void frame(const ServiceSnapshot &s)
    {
        client.setSnapshot(s);
        model.pump().tick();
    }
    ShardGridView &grid() { return *window.grid()->view(); }
    int selectedId() { return grid().currentIndex().data(ShardTableModel::IdRole).toInt(); }

    ScriptedBackendClient client;
    ConsoleModel model;
    MainWindow window;
};

// Runs `fn` on the next modal dialog of that type that opens (exec() blocks the test
// until it closes). A dialog `fn` left open (a check in it failed before its click) is
// rejected, so exec() returns and the test fails instead of hanging to its timeout.
template <typename Dialog = RestartDialog>
inline void onNextDialog(std::function<void(Dialog &)> fn)
{
    auto *poll = new QTimer;
    poll->setInterval(10);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, fn] {
        if (auto *dialog = qobject_cast<Dialog *>(QApplication::activeModalWidget())) {
            poll->stop();
            poll->deleteLater();
            QPointer<Dialog> open(dialog);
            fn(*dialog);
            if (open && open->isVisible())
                open->reject();
        }
    });
    poll->start();
}

// Legacy chosen and confirmed as an operator does it: the mode, then the shard count typed.
inline void chooseLegacy(RestartDialog &d, const QString &typed)
{
    d.modeBox()->setCurrentIndex(1);
    QTest::keyClicks(d.confirmField(), typed);
}

} // namespace shardscope::test
