#include "tests/bench/PlainShards.h"

namespace shardscope::bench {

PlainShards::PlainShards(int shards)
{
    for (int i = 0; i < shards; ++i) {
        m_boxes.push_back(std::make_unique<Box>());
        Box &box = *m_boxes.back();
        box.thread = std::thread([&box] { run(box); });
    }
}

PlainShards::~PlainShards()
{
    for (auto &box : m_boxes) {
        {
            std::lock_guard lock(box->mutex);
            box->stopping = true;
        }
        box->wake.notify_one();
    }
    for (auto &box : m_boxes)
        box->thread.join();
}

void PlainShards::post(int shard, std::function<void()> job)
{
    Box &box = *m_boxes[std::size_t(shard)];
    bool wake = false;
    {
        std::lock_guard lock(box.mutex);
        box.jobs.push_back(std::move(job));
        wake = box.sleeping;
    }
    if (wake)
        box.wake.notify_one();
}

void PlainShards::run(Box &box)
{
    std::unique_lock lock(box.mutex);
    for (;;) {
        box.sleeping = true;
        box.wake.wait(lock, [&] { return box.stopping || !box.jobs.empty(); });
        box.sleeping = false;
        if (box.stopping && box.jobs.empty())
            return;
        std::function<void()> job = std::move(box.jobs.front());
        box.jobs.pop_front();
        lock.unlock();
        job();
        lock.lock();
    }
}

} // namespace shardscope::bench
