// The CAF side of bench_actor: N echo server actors and `senders` client actors that keep
// `window` requests outstanding each, with CAF 0.17's request(...).then(...). Kept free of
// Qt headers (CAF and Qt macros do not mix).
#include "tests/bench/BenchCommon.h"
#include "tests/bench/EchoBench.h"

#include <caf/all.hpp>

#include <condition_variable>
#include <functional>
#include <mutex>

namespace shardscope::bench {
namespace {

using echo_atom = caf::atom_constant<caf::atom("echo")>;

caf::behavior echoServer(caf::event_based_actor *)
{
    return {
        [](echo_atom, std::uint64_t id, const std::string &payload) { return caf::make_message(id, payload); },
    };
}

struct Shared {
    explicit Shared(std::uint64_t maxRequests, int clients)
        : maxRequests(maxRequests)
        , clientsLeft(clients)
        , latency(2'000'000)
    {
    }
    const std::uint64_t maxRequests;
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> issued{0};
    std::atomic<std::uint64_t> replies{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::int64_t> lastReplyNs{0};
    std::mutex mutex;
    std::condition_variable done;
    int clientsLeft;
    LatencyRecorder latency;

    void clientDone()
    {
        std::lock_guard lock(mutex);
        --clientsLeft;
        done.notify_all();
    }
};

struct ClientState {
    std::vector<caf::actor> servers;
    std::size_t next = 0;
    int liveSlots = 0;
    std::function<void()> sendOne;
};

caf::behavior echoClient(caf::stateful_actor<ClientState> *self, std::vector<caf::actor> servers, int window,
                         Shared *shared, std::string payload)
{
    self->state.servers = std::move(servers);
    self->state.liveSlots = window;
    self->state.sendOne = [self, shared, payload] {
        ClientState &st = self->state;
        if (shared->stop.load(std::memory_order_relaxed)
            || shared->issued.fetch_add(1, std::memory_order_relaxed) >= shared->maxRequests) {
            if (--st.liveSlots == 0) {
                shared->clientDone();
                self->quit();
            }
            return;
        }
        const caf::actor &target = st.servers[st.next++ % st.servers.size()];
        const std::int64_t t0 = nowNs();
        const std::uint64_t id = st.next;
        self->request(target, caf::infinite, echo_atom::value, id, payload)
            .then(
                [self, shared, t0](std::uint64_t, const std::string &) {
                    const std::int64_t t1 = nowNs();
                    shared->latency.record(t1 - t0);
                    shared->replies.fetch_add(1, std::memory_order_relaxed);
                    shared->lastReplyNs.store(t1, std::memory_order_relaxed);
                    self->state.sendOne();
                },
                [self, shared](caf::error &) {
                    shared->errors.fetch_add(1, std::memory_order_relaxed);
                    self->state.sendOne();
                });
    };
    for (int i = 0; i < window; ++i)
        self->state.sendOne();
    return {
        [](int) {}, // never used: the client only handles responses
    };
}

} // namespace

bool cafAvailable()
{
    return true;
}

EchoRun runCafEcho(const EchoParams &p)
{
    EchoRun run;
    caf::actor_system_config cfg;
    if (p.workerThreads > 0)
        cfg.set("scheduler.max-threads", static_cast<std::size_t>(p.workerThreads));
    caf::actor_system system{cfg};
    std::vector<caf::actor> servers;
    for (int i = 0; i < p.servers; ++i)
        servers.push_back(system.spawn(echoServer));
    Shared shared(p.maxRequests, p.senders);
    // The same payload bytes as the ShardService run's echo args.
    const std::string payload = R"({"x":1,"s":"hello"})";
    const Usage u0 = processUsage();
    const std::int64_t start = nowNs();
    for (int s = 0; s < p.senders; ++s)
        system.spawn(echoClient, servers, p.window, &shared, payload);
    finishEchoRun(run, shared, [&] { return shared.clientsLeft == 0; }, p, u0, start, "CAF");
    for (auto &s : servers)
        caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
    servers.clear();
    return run;
}

} // namespace shardscope::bench
