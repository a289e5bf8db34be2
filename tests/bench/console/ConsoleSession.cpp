#include "ConsoleSession.h"

#include "EventLoopWait.h"
#include "FrameRecorder.h"
#include "LoadDriver.h"
#include "PaintTap.h"
#include "PixelProbe.h"
#include "ProcStats.h"

#include "backend/http/HttpServerHost.h"
#include "backend/ShardService.h"
#include "model/client/EmbeddedBackendClient.h"
#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "model/shards/ShardTableModel.h"
#include "views/MainWindow.h"
#include "views/ShardGridPanel.h"
#include "views/ShardGridView.h"

#include "tests/bench/BenchCommon.h"

#include <QStyleFactory>

namespace shardscope::bench {

ConsoleSession::ConsoleSession(PaintTapApplication &app, const ConsoleBenchOptions &options)
    : m_app(app)
    , m_options(options)
{
}

ConsoleSession::~ConsoleSession()
{
    stop();
}

bool ConsoleSession::startService(QString *error)
{
    ServiceConfig config; // the app's defaults: generated 100k-vertex graph
    config.shards = m_options.shards;
    m_service = std::make_unique<ShardService>(config);
    if (!m_service->start(error))
        return false;
    m_http = std::make_unique<HttpServerHost>(*m_service);
    return m_http->start(QHostAddress(QHostAddress::LocalHost), 0, error) != 0;
}

// What a click on the tile does: current and selected (the tile draws its outline).
void ConsoleSession::selectTile()
{
    ShardGridView &grid = *m_window->grid()->view();
    if (m_options.selectShard < 0)
        grid.selectionModel()->clear();
    else
        grid.selectionModel()->setCurrentIndex(grid.model()->index(m_model->shards().rowOfShard(m_options.selectShard), 0),
                                               QItemSelectionModel::ClearAndSelect);
}

void ConsoleSession::buildConsole()
{
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    m_client = std::make_unique<EmbeddedBackendClient>(*m_service, m_http->url());
    m_model = std::make_unique<ConsoleModel>(*m_client);
    m_window = std::make_unique<MainWindow>(*m_model);
    m_window->resize(m_options.window);
    m_window->show();
    m_frames = std::make_unique<FrameRecorder>(m_app, *m_model);
    QObject::connect(m_model.get(), &ConsoleModel::frame, m_window.get(), [this] { m_frames->onModelFrame(); });
    ShardGridView &grid = *m_window->grid()->view();
    m_probe = std::make_unique<PixelProbe>(*m_window, grid);
    m_app.watchPaints(m_window.get(), grid.viewport(), [this](const QRegion &gridRegion) {
        const bool gridPainted = !gridRegion.isEmpty();
        const std::int64_t tick = m_frames->pendingTickNs();
        const std::int64_t tickUs = tick == 0 ? 0 : epochUs() - (nowNs() - tick) / 1000;
        m_frames->onWindowPainted();
        m_probe->onWindowPainted(gridPainted, tickUs);
    });
    m_load = std::make_unique<LoadDriver>(*m_client, m_options.shards, std::chrono::milliseconds(m_options.loadPeriodMs));
}

bool ConsoleSession::start(QString *error)
{
    if (!startService(error))
        return false;
    buildConsole();
    m_model->pump().start();
    m_load->start();
    if (!waitUntil([this] { return m_model->shards().rowCount() == m_options.shards && m_window->isVisible(); }, 10000)) {
        *error = QStringLiteral("the grid did not show %1 shards within 10 s").arg(m_options.shards);
        return false;
    }
    selectTile();
    return true;
}

void ConsoleSession::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_app.watchPaints(nullptr, nullptr, {});
    if (m_load)
        m_load->stop();
    if (m_model)
        m_model->pump().stop();
    if (m_service)
        m_service->shutdown(std::chrono::seconds(2));
    if (m_http)
        m_http->stop();
}

} // namespace shardscope::bench
