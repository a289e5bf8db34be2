#include "model/workload/WorkloadDriver.h"

#include "model/client/BackendClient.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <mutex>

namespace shardscope {

using namespace std::chrono_literals;
namespace {
constexpr auto kTick = 10ms;
}

QString WorkloadConfig::procedureName(int p)
{
    static const char *const names[] = {"echo", "degree", "neighbors", "khop", "spin", "sleep"};
    return p >= 0 && p < ProcedureCount ? QString::fromLatin1(names[p]) : QString();
}

struct WorkloadDriver::Shared {
    std::mutex configMutex;
    WorkloadConfig config;
    std::atomic<quint64> sent{0}, ok{0}, inFlight{0};
    std::atomic<quint64> f400{0}, f404{0}, f500{0}, f503{0}, fOther{0};
    std::atomic<bool> stallOutstanding{false}; // the stalled scenario's long wait is in flight

    void count(const QueryReply &reply)
    {
        switch (reply.status) {
        case QueryStatus::Ok: ok.fetch_add(1, std::memory_order_relaxed); break;
        case QueryStatus::BadRequest: f400.fetch_add(1, std::memory_order_relaxed); break;
        case QueryStatus::NotFound: f404.fetch_add(1, std::memory_order_relaxed); break;
        case QueryStatus::Internal: f500.fetch_add(1, std::memory_order_relaxed); break;
        case QueryStatus::Unavailable: f503.fetch_add(1, std::memory_order_relaxed); break;
        default: fOther.fetch_add(1, std::memory_order_relaxed); break;
        }
        inFlight.fetch_sub(1, std::memory_order_relaxed);
    }
};

namespace {

QueryRequest makeRequest(const WorkloadConfig &c, QRandomGenerator &rng)
{
    int total = 0;
    for (int w : c.weights)
        total += std::max(0, w);
    int pick = total > 0 ? int(rng.bounded(total)) : 0;
    int procedure = WorkloadConfig::Echo;
    for (int p = 0; p < WorkloadConfig::ProcedureCount; ++p) {
        pick -= std::max(0, c.weights[std::size_t(p)]);
        if (pick < 0) {
            procedure = p;
            break;
        }
    }
    const int v = int(rng.bounded(std::max(1, c.vertexCount)));
    QueryRequest r;
    if (c.shardCount > 1 && rng.generateDouble() < ScenarioPacer::hotShare(c.scenario))
        r.pinnedShard = kHotShard % c.shardCount;
    r.procedure = WorkloadConfig::procedureName(procedure);
    switch (procedure) {
    case WorkloadConfig::Echo: r.args = {{QStringLiteral("text"), QStringLiteral("shardscope")}}; break;
    case WorkloadConfig::Degree:
    case WorkloadConfig::Neighbors: r.args = {{QStringLiteral("v"), v}}; break;
    case WorkloadConfig::Khop: r.args = {{QStringLiteral("v"), v}, {QStringLiteral("k"), 2}}; break;
    case WorkloadConfig::Spin: r.args = {{QStringLiteral("ms"), c.spinMs}}; break;
    case WorkloadConfig::Sleep: r.args = {{QStringLiteral("ms"), c.sleepMs}}; break;
    }
    return r;
}

// Lives on the workload thread; owns the pacing timer.
class Worker : public QObject
{
public:
    Worker(BackendClient &client, std::shared_ptr<WorkloadDriver::Shared> shared)
        : m_client(client), m_shared(std::move(shared)), m_timer(new QTimer(this))
    {
        m_timer->setTimerType(Qt::PreciseTimer);
        m_timer->setInterval(kTick);
        connect(m_timer, &QTimer::timeout, this, [this] { tick(); });
    }
    void start()
    {
        m_budget = 0;
        m_pacer = ScenarioPacer{};
        m_clock.start();
        m_timer->start();
    }
    void stop() { m_timer->stop(); }

private:
    void tick()
    {
        WorkloadConfig c;
        {
            std::lock_guard lock(m_shared->configMutex);
            c = m_shared->config;
        }
        const double elapsedS = double(m_clock.restart()) / 1000.0;
        // Carry fractions between ticks; never bank more than one tick's worth of slack.
        m_budget = std::min(m_budget + c.ratePerSecond * elapsedS, std::max(1.0, c.ratePerSecond * 0.05));
        while (m_budget >= 1.0) {
            if (m_shared->inFlight.load(std::memory_order_relaxed) >= quint64(std::max(1, c.clients))) {
                m_budget = 0; // all clients busy: a closed-loop client would wait too
                break;
            }
            m_budget -= 1.0;
            m_shared->inFlight.fetch_add(1, std::memory_order_relaxed);
            m_shared->sent.fetch_add(1, std::memory_order_relaxed);
            send(makeRequest(c, m_rng));
        }
        const bool stalled = m_shared->stallOutstanding.load(std::memory_order_relaxed);
        for (QueryRequest &r : m_pacer.due(c.scenario, c.shardCount, elapsedS * 1000.0, stalled)) {
            m_shared->inFlight.fetch_add(1, std::memory_order_relaxed);
            m_shared->sent.fetch_add(1, std::memory_order_relaxed);
            send(std::move(r));
        }
    }

    void send(QueryRequest r)
    {
        const bool stall = isStallRequest(r);
        if (stall)
            m_shared->stallOutstanding.store(true, std::memory_order_relaxed);
        m_client.submitQuery(std::move(r), [shared = m_shared, stall](QueryReply reply) {
            shared->count(reply);
            if (stall)
                shared->stallOutstanding.store(false, std::memory_order_relaxed);
        });
    }

    BackendClient &m_client;
    std::shared_ptr<WorkloadDriver::Shared> m_shared;
    QTimer *m_timer;
    QElapsedTimer m_clock;
    QRandomGenerator m_rng{20261126};
    double m_budget = 0;
    ScenarioPacer m_pacer;
};

} // namespace

WorkloadDriver::WorkloadDriver(BackendClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_shared(std::make_shared<Shared>())
{
    m_thread.setObjectName(QStringLiteral("workload"));
    m_worker = new Worker(m_client, m_shared);
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

WorkloadDriver::~WorkloadDriver()
{
    // The timer belongs to the worker thread: stop it there, then join.
    auto *worker = static_cast<Worker *>(m_worker);
    QMetaObject::invokeMethod(worker, [worker] { worker->stop(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

void WorkloadDriver::setConfig(const WorkloadConfig &config)
{
    std::lock_guard lock(m_shared->configMutex);
    m_shared->config = config;
}

WorkloadConfig WorkloadDriver::config() const
{
    std::lock_guard lock(m_shared->configMutex);
    return m_shared->config;
}

void WorkloadDriver::start()
{
    if (m_running)
        return;
    m_running = true;
    auto *worker = static_cast<Worker *>(m_worker);
    QMetaObject::invokeMethod(worker, [worker] { worker->start(); }, Qt::QueuedConnection);
    Q_EMIT runningChanged(true);
}

void WorkloadDriver::stop()
{
    if (!m_running)
        return;
    m_running = false;
    auto *worker = static_cast<Worker *>(m_worker);
    QMetaObject::invokeMethod(worker, [worker] { worker->stop(); }, Qt::QueuedConnection);
    Q_EMIT runningChanged(false);
}

WorkloadStats WorkloadDriver::stats() const
{
    WorkloadStats s;
    s.running = m_running;
    s.sent = m_shared->sent.load(std::memory_order_relaxed);
    s.ok = m_shared->ok.load(std::memory_order_relaxed);
    s.inFlight = m_shared->inFlight.load(std::memory_order_relaxed);
    s.failed400 = m_shared->f400.load(std::memory_order_relaxed);
    s.failed404 = m_shared->f404.load(std::memory_order_relaxed);
    s.failed500 = m_shared->f500.load(std::memory_order_relaxed);
    s.failed503 = m_shared->f503.load(std::memory_order_relaxed);
    s.failedOther = m_shared->fOther.load(std::memory_order_relaxed);
    return s;
}

} // namespace shardscope
