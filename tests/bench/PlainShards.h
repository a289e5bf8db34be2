#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace shardscope::bench {

// The reference for part 2 of the benchmarks: the least a design with one OS thread per
// shard pays. Each thread has a mutex, a condition variable and a queue of jobs and is
// woken only when it sleeps; there is no gate, router, ledger, counter or actor.
class PlainShards
{
public:
    explicit PlainShards(int shards);
    ~PlainShards();
    PlainShards(const PlainShards &) = delete;
    PlainShards &operator=(const PlainShards &) = delete;

    int size() const { return int(m_boxes.size()); }
    void post(int shard, std::function<void()> job);

private:
    struct Box {
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<std::function<void()>> jobs;
        bool sleeping = false;
        bool stopping = false;
        std::thread thread;
    };
    static void run(Box &box);

    std::vector<std::unique_ptr<Box>> m_boxes;
};

} // namespace shardscope::bench
