// libFuzzer target: raw client bytes into the HTTP edge's request parser.
//   The first byte seeds how the rest is cut into reads (the network decides that, not
//   the client); small limits put every limit within the fuzzer's reach.
// Invariants: never crash (ASan/UBSan watch); the outcome (requests, then at most one
// error) is the same whether the bytes arrive at once or in pieces; every request has a
// token method, a path starting with '/' and no fragment, a body within the limit; every
// error has a status the edge sends and a message; nothing is parsed after an error.
// Chunked bodies with extensions and trailers, and framing past its limit, are in the
// seeds and the dictionary (fuzz/request_parsing.dict).
#include "backend/http/RequestParser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace shardscope;

namespace {

const RequestParser::Limits kLimits{256, 512, 8, 1024, 256};

struct Outcome {
    QList<HttpRequest> requests;
    int error = 0;
    QString message;
};

[[noreturn]] void fail(const char *what, const QByteArray &input)
{
    std::fprintf(stderr, "fuzz_http_edge invariant violated: %s\ninput: %s\n", what, input.toHex().left(400).constData());
    std::abort();
}

Outcome parse(const QByteArray &input, std::uint8_t seed)
{
    RequestParser parser(kLimits);
    Outcome out;
    std::uint32_t state = seed * 2654435761u + 1;
    for (qsizetype i = 0; i < input.size() && !out.error;) {
        state = state * 1103515245u + 12345u;
        const qsizetype step = seed == 0 ? input.size() : 1 + qsizetype((state >> 16) % 64);
        const qsizetype n = std::min(step, input.size() - i);
        parser.feed(input.constData() + i, n);
        i += n;
        for (;;) {
            const auto status = parser.next();
            if (status == RequestParser::Status::Request) {
                out.requests << parser.take();
                continue;
            }
            if (status == RequestParser::Status::Error) {
                out.error = parser.error().status;
                out.message = parser.error().message;
            }
            break;
        }
    }
    return out;
}

bool same(const HttpRequest &a, const HttpRequest &b)
{
    return a.method == b.method && a.path == b.path && a.query == b.query && a.body == b.body
        && a.headers == b.headers && a.keepAlive == b.keepAlive && a.minorVersion == b.minorVersion;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const Outcome whole = parse(input, 0);
    const Outcome pieces = parse(input, data[0] | 1);
    if (whole.error != pieces.error || whole.requests.size() != pieces.requests.size())
        fail("the outcome depends on how the bytes were cut", input);
    for (qsizetype i = 0; i < whole.requests.size(); ++i) {
        const HttpRequest &r = whole.requests[i];
        if (!same(r, pieces.requests[i]))
            fail("a request differs with how the bytes were cut", input);
        if (r.method.isEmpty() || !r.path.startsWith('/') || r.body.size() > kLimits.body)
            fail("a request outside its documented shape", input);
        if (r.path.contains('#') || r.query.contains('#'))
            fail("a request target kept a fragment", input);
    }
    static const int kStatuses[] = {400, 413, 414, 417, 431, 501, 505};
    if (whole.error && (std::find(std::begin(kStatuses), std::end(kStatuses), whole.error) == std::end(kStatuses)
                        || whole.message.isEmpty()))
        fail("an error without a known status or a message", input);
    return 0;
}
