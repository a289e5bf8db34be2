// The cost of recording one /v1/query reply in QueryQuality (the network thread pays it
// once per reply): a tight loop of record() calls, one thread, then two threads at once
// (the lock contended, which the single network thread never sees).
//   bench_quality [--records N]
#include "backend/record/QueryQuality.h"

#include <QCoreApplication>
#include <QDateTime>

#include <chrono>
#include <cstdio>
#include <thread>

using namespace shardscope;

namespace {

double nsPerRecord(QueryQuality &q, std::uint64_t records, std::int64_t startMs)
{
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < records; ++i) {
        // A new second every 10,000 records, so resets of ring seconds are in the figure.
        q.record(startMs + std::int64_t(i / 10) , int(i % QueryQuality::kProcedures), i % 50 ? 200 : 503,
                 100 + (i * 7919) % 200'000, 1 + i / 500'000);
    }
    const auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    return ns / double(records);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::uint64_t records = 10'000'000;
    const QStringList args = app.arguments();
    const qsizetype at = args.indexOf(QStringLiteral("--records"));
    if (at > 0 && at + 1 < args.size())
        records = args.at(at + 1).toULongLong();
    const std::int64_t start = QDateTime::currentMSecsSinceEpoch();
    QueryQuality one(start);
    const double single = nsPerRecord(one, records, start);
    QueryQuality shared(start);
    double contended[2] = {};
    std::thread other([&] { contended[1] = nsPerRecord(shared, records, start); });
    contended[0] = nsPerRecord(shared, records, start);
    other.join();
    std::printf("record(): %.1f ns on one thread, %.1f/%.1f ns with two threads at once; ring %zu bytes\n", single,
                contended[0], contended[1], one.memoryBytes());
    std::printf("JSON {\"records\": %llu, \"ns_per_record\": %.2f, \"ns_per_record_contended\": %.2f, \"bytes\": %zu}\n",
                static_cast<unsigned long long>(records), single, (contended[0] + contended[1]) / 2, one.memoryBytes());
    return 0;
}
