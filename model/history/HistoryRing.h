#pragma once

#include <cstddef>
#include <vector>

namespace shardscope {

// A fixed-capacity ring: push() overwrites the oldest value once full. Index 0 is the
// oldest value kept. Memory is reserved once, so a frame never allocates.
template <typename T>
class HistoryRing
{
public:
    explicit HistoryRing(std::size_t capacity = 0) { reset(capacity); }

    void reset(std::size_t capacity)
    {
        m_data.assign(capacity, T{});
        m_start = 0;
        m_size = 0;
    }
    void push(const T &value)
    {
        if (m_data.empty())
            return;
        if (m_size < m_data.size()) {
            m_data[(m_start + m_size) % m_data.size()] = value;
            ++m_size;
        } else {
            m_data[m_start] = value;
            m_start = (m_start + 1) % m_data.size();
        }
    }
    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_data.size(); }
    bool empty() const { return m_size == 0; }
    const T &at(std::size_t i) const { return m_data[(m_start + i) % m_data.size()]; }
    const T &back() const { return at(m_size - 1); }
    std::vector<T> toVector() const
    {
        std::vector<T> out;
        out.reserve(m_size);
        for (std::size_t i = 0; i < m_size; ++i)
            out.push_back(at(i));
        return out;
    }

private:
    std::vector<T> m_data;
    std::size_t m_start = 0;
    std::size_t m_size = 0;
};

} // namespace shardscope
