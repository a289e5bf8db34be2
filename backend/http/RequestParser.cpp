#include "backend/http/RequestParser.h"
#include "backend/http/HttpGrammar.h"

#include <algorithm>

namespace shardscope {

using namespace httpgrammar;

namespace {

constexpr qsizetype kChunkLineMax = 1024; // size, extensions and CR LF
constexpr int kLeadingBlankLines = 8;     // RFC 9112 2.2: ignore stray CR LF before a request

} // namespace

RequestParser::Status RequestParser::fail(int status, QString message)
{
    m_failed = true;
    m_error = {status, std::move(message)};
    return Status::Error;
}

RequestParser::Status RequestParser::next()
{
    if (m_failed)
        return Status::Error;
    if (m_ready)
        return Status::Request;
    Status s = Status::NeedMore;
    if (m_stage == Stage::Head)
        s = parseHead();
    if (s == Status::NeedMore && m_stage != Stage::Head)
        s = parseBody();
    return s;
}

HttpRequest RequestParser::take()
{
    Q_ASSERT(m_ready);
    m_ready = false;
    m_stage = Stage::Head;
    m_expectContinue = m_chunked = false;
    m_contentLength = -1;
    m_chunkLeft = 0;
    m_bodyReceived = m_trailerBytes = m_framingBytes = 0;
    m_blankLines = 0;
    compact();
    return std::exchange(m_request, HttpRequest{});
}

void RequestParser::compact()
{
    if (m_pos == m_buffer.size()) {
        m_buffer.clear();
        m_pos = m_scanFrom = 0;
    } else if (m_pos > 16 * 1024) {
        m_buffer.remove(0, m_pos);
        m_scanFrom = std::max<qsizetype>(0, m_scanFrom - m_pos);
        m_pos = 0;
    }
}

RequestParser::Status RequestParser::parseHead()
{
    // Counted across reads, so that how the bytes arrive never changes the outcome.
    for (; m_blankLines < kLeadingBlankLines && m_pos < m_buffer.size(); ++m_blankLines) {
        if (m_buffer[m_pos] == '\n')
            ++m_pos;
        else if (m_buffer[m_pos] == '\r' && m_pos + 1 < m_buffer.size() && m_buffer[m_pos + 1] == '\n')
            m_pos += 2;
        else
            break;
    }
    const qsizetype from = std::max(m_pos, m_scanFrom - 3);
    qsizetype a = m_buffer.indexOf("\n\r\n", from);
    qsizetype b = m_buffer.indexOf("\n\n", from);
    qsizetype end = -1; // index just past the blank line that ends the head
    if (a >= 0 && (b < 0 || a < b))
        end = a + 3;
    else if (b >= 0)
        end = b + 2;
    const qsizetype firstLineEnd = m_buffer.indexOf('\n', m_pos);
    const qsizetype firstLineLength = (firstLineEnd < 0 || (end >= 0 && firstLineEnd >= end) ? m_buffer.size() : firstLineEnd) - m_pos;
    if (requestLineTooLong(firstLineEnd >= 0, firstLineLength)) {
        const qsizetype space = m_buffer.indexOf(' ', m_pos);
        const bool inTarget = space > m_pos && space - m_pos <= 32 && isToken(m_buffer.mid(m_pos, space - m_pos));
        return inTarget ? fail(414, QStringLiteral("the request line (method, target and version) is longer than %1 bytes").arg(m_limits.requestLine))
                        : fail(400, QStringLiteral("the request line is longer than %1 bytes and is not HTTP").arg(m_limits.requestLine));
    }
    if (end < 0) {
        m_scanFrom = m_buffer.size();
        if (m_buffer.size() - m_pos > m_limits.requestLine + m_limits.headerBytes)
            return fail(431, QStringLiteral("the request's header section is longer than %1 bytes").arg(m_limits.headerBytes));
        return Status::NeedMore;
    }
    if (end - m_pos - firstLineLength > m_limits.headerBytes)
        return fail(431, QStringLiteral("the request's header section is longer than %1 bytes").arg(m_limits.headerBytes));
    const QByteArray head = m_buffer.mid(m_pos, end - m_pos);
    m_pos = end;
    m_scanFrom = end;
    QList<QByteArray> lines;
    if (!splitLines(head, &lines))
        return fail(400, QStringLiteral("the request head holds a bare CR or a NUL byte"));
    // The head ends in a blank line; the split leaves it (and the one after LF) empty.
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines.isEmpty())
        return fail(400, QStringLiteral("empty request"));
    if (const Status s = parseRequestLine(lines.first()); s == Status::Error)
        return s;
    if (lines.size() - 1 > m_limits.headerCount)
        return fail(431, QStringLiteral("the request has more than %1 header fields").arg(m_limits.headerCount));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (const Status s = parseHeaderLine(lines[i]); s == Status::Error)
            return s;
    }
    return finishHead();
}

// The limit counts method, target and version with their two spaces, not the CR LF that
// ends the line; `length` counts every byte before the LF (or all that is in).
bool RequestParser::requestLineTooLong(bool complete, qsizetype length) const
{
    const QByteArrayView line(m_buffer.constData() + m_pos, length);
    const bool endsInCr = line.endsWith('\r');
    if (complete)
        return length - (endsInCr ? 1 : 0) > m_limits.requestLine;
    // Not all in yet: one byte past the limit may still be the CR before the LF.
    return length > m_limits.requestLine + 1 || (length == m_limits.requestLine + 1 && !endsInCr);
}

RequestParser::Status RequestParser::parseRequestLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty())
        return fail(400, QStringLiteral("malformed request line: want METHOD SP TARGET SP HTTP-VERSION"));
    if (!std::all_of(parts[1].begin(), parts[1].end(), isTargetChar))
        return fail(400, QStringLiteral("the request target holds a character that must be percent-encoded"));
    const QByteArray &version = parts[2];
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || !isDigits(version.mid(5, 1))
        || !isDigits(version.mid(7, 1)))
        return fail(400, QStringLiteral("malformed HTTP version"));
    if (version[5] != '1')
        return fail(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are served"));
    m_request.method = parts[0];
    m_request.minorVersion = version[7] - '0';
    QByteArray target = parts[1];
    if (target.contains('#'))
        return fail(400, QStringLiteral("a request target carries no fragment"));
    if (target.left(7).toLower() == "http://") { // absolute-form (RFC 9112 3.2.2)
        // The authority ends at the first '/', '?' or '#' (RFC 3986 3.2): "http://x?/a" is
        // the path "/" with the query "/a", never the path "/a".
        qsizetype cut = target.size();
        for (const char c : {'/', '?'}) {
            const qsizetype at = target.indexOf(c, 7);
            if (at >= 0)
                cut = std::min(cut, at);
        }
        if (cut == 7)
            return fail(400, QStringLiteral("an absolute request target needs a host"));
        target = target.mid(cut);
        if (!target.startsWith('/'))
            target.prepend('/'); // an empty path is "/"
    }
    if (!target.startsWith('/'))
        return fail(400, QStringLiteral("the request target must be a path starting with /"));
    const qsizetype q = target.indexOf('?');
    m_request.path = q < 0 ? target : target.left(q);
    m_request.query = q < 0 ? QByteArray() : target.mid(q + 1);
    return Status::NeedMore;
}

RequestParser::Status RequestParser::parseHeaderLine(const QByteArray &line)
{
    if (line.startsWith(' ') || line.startsWith('\t'))
        return fail(400, QStringLiteral("folded header lines are not accepted"));
    const qsizetype colon = line.indexOf(':');
    const QByteArray name = colon < 0 ? QByteArray() : line.left(colon);
    if (!isToken(name))
        return fail(400, QStringLiteral("malformed header field (no name, or a space before the colon)"));
    const QByteArray value = trimOws(line.mid(colon + 1));
    if (!std::all_of(value.begin(), value.end(), isValueChar))
        return fail(400, QStringLiteral("a control character in the %1 header").arg(QString::fromLatin1(name)));
    const QByteArray lower = name.toLower();
    if (lower == "content-length") {
        if (!isDigits(value) || value.size() > 15)
            return fail(400, QStringLiteral("Content-Length must be a decimal number of at most 15 digits"));
        const std::int64_t length = value.toLongLong();
        if (m_contentLength >= 0 && m_contentLength != length)
            return fail(400, QStringLiteral("two different Content-Length headers"));
        m_contentLength = length;
    } else if (lower == "transfer-encoding") {
        for (const QByteArray &coding : listItems(value)) {
            if (m_chunked)
                return fail(400, QStringLiteral("chunked must be the last transfer coding, and only once"));
            if (coding != "chunked")
                return fail(501, QStringLiteral("transfer coding '%1' is not supported").arg(QString::fromLatin1(coding)));
            m_chunked = true;
        }
        if (!m_chunked)
            return fail(400, QStringLiteral("an empty Transfer-Encoding header"));
    } else if (lower == "host" && !m_request.header("host").isNull()) {
        return fail(400, QStringLiteral("more than one Host header"));
    } else if (lower == "expect") {
        if (value.toLower() != "100-continue")
            return fail(417, QStringLiteral("only Expect: 100-continue is understood"));
        m_expectContinue = true;
    }
    m_request.headers.append({lower, value.isNull() ? QByteArray("") : value});
    return Status::NeedMore;
}

RequestParser::Status RequestParser::finishHead()
{
    const bool hasTe = m_chunked || !m_request.header("transfer-encoding").isNull();
    if (hasTe && m_contentLength >= 0)
        return fail(400, QStringLiteral("a request may not carry both Content-Length and Transfer-Encoding"));
    if (hasTe && m_request.minorVersion == 0)
        return fail(400, QStringLiteral("Transfer-Encoding is not allowed in an HTTP/1.0 request"));
    if (m_request.minorVersion >= 1 && m_request.header("host").isNull())
        return fail(400, QStringLiteral("an HTTP/1.1 request needs a Host header"));
    const QList<QByteArray> connection = listItems(m_request.header("connection"));
    m_request.keepAlive = m_request.minorVersion >= 1 ? !connection.contains("close") : connection.contains("keep-alive");
    if (m_contentLength > m_limits.body)
        return fail(413, QStringLiteral("a request body of %1 bytes exceeds the limit of %2 bytes").arg(m_contentLength).arg(m_limits.body));
    if (m_chunked) {
        m_stage = Stage::ChunkSize;
    } else if (m_contentLength > 0) {
        m_stage = Stage::FixedBody;
    } else {
        m_expectContinue = false;
        m_ready = true;
        return Status::Request;
    }
    return Status::NeedMore;
}

RequestParser::Status RequestParser::parseBody()
{
    if (m_stage != Stage::FixedBody)
        return parseChunked();
    const qsizetype want = qsizetype(m_contentLength) - m_request.body.size();
    const qsizetype have = std::min(want, m_buffer.size() - m_pos);
    if (have > 0) {
        if (m_request.body.isEmpty())
            m_request.body.reserve(qsizetype(m_contentLength));
        m_request.body.append(m_buffer.constData() + m_pos, have);
        m_pos += have;
        m_bodyReceived += have;
    }
    compact();
    if (m_request.body.size() < m_contentLength)
        return Status::NeedMore;
    m_ready = true;
    return Status::Request;
}

RequestParser::Line RequestParser::takeCrLfLine(QByteArray *line, qsizetype maxLength)
{
    const qsizetype nl = m_buffer.indexOf('\n', m_pos);
    if ((nl < 0 ? m_buffer.size() : nl + 1) - m_pos > maxLength)
        return Line::TooLong;
    if (nl < 0)
        return Line::NeedMore;
    *line = m_buffer.mid(m_pos, nl - m_pos);
    if (!line->endsWith('\r'))
        return Line::BareCrOrLf;
    line->chop(1);
    if (line->contains('\r'))
        return Line::BareCrOrLf;
    m_pos = nl + 1;
    return Line::Taken;
}

RequestParser::Status RequestParser::countFraming(qsizetype bytes)
{
    m_framingBytes += bytes;
    if (m_framingBytes > m_limits.chunkFraming)
        return fail(413, QStringLiteral("the chunked framing of the request body exceeds %1 bytes").arg(m_limits.chunkFraming));
    return Status::NeedMore;
}

RequestParser::Status RequestParser::parseChunkSize()
{
    QByteArray line;
    switch (takeCrLfLine(&line, kChunkLineMax)) {
    case Line::NeedMore: return Status::NeedMore;
    case Line::TooLong: return fail(400, QStringLiteral("a chunk-size line is longer than %1 bytes").arg(kChunkLineMax));
    case Line::BareCrOrLf: return fail(400, QStringLiteral("a chunk-size line must end in CR LF and hold no other CR or LF"));
    case Line::Taken: break;
    }
    if (countFraming(line.size() + 2) == Status::Error)
        return Status::Error;
    const qsizetype digits = std::find_if_not(line.begin(), line.end(), isHexDigit) - line.begin();
    if (digits == 0 || digits > 8 || !isChunkExtensions(QByteArrayView(line).sliced(digits)))
        return fail(400, QStringLiteral("malformed chunk-size line: want hex digits, then only ;name[=value] extensions"));
    const qint64 size = line.left(digits).toLongLong(nullptr, 16);
    if (m_bodyReceived + size > m_limits.body)
        return fail(413, QStringLiteral("a chunked request body exceeds the limit of %1 bytes").arg(m_limits.body));
    m_chunkLeft = size;
    m_stage = size == 0 ? Stage::Trailers : Stage::ChunkData;
    return Status::Request; // a line was taken: go on
}

RequestParser::Status RequestParser::parseTrailer()
{
    QByteArray line;
    switch (takeCrLfLine(&line, m_limits.headerBytes - m_trailerBytes)) {
    case Line::NeedMore: return Status::NeedMore;
    case Line::TooLong: return fail(431, QStringLiteral("the trailer section is longer than %1 bytes").arg(m_limits.headerBytes));
    case Line::BareCrOrLf: return fail(400, QStringLiteral("a trailer line must end in CR LF and hold no other CR or LF"));
    case Line::Taken: break;
    }
    m_trailerBytes += line.size() + 2;
    if (line.isEmpty()) {
        m_ready = true;
        return Status::Request;
    }
    // Held to the header lines' rules, although no route reads a trailer.
    if (line.startsWith(' ') || line.startsWith('\t'))
        return fail(400, QStringLiteral("folded trailer lines are not accepted"));
    const qsizetype colon = line.indexOf(':');
    if (colon < 0 || !isToken(line.left(colon)))
        return fail(400, QStringLiteral("malformed trailer field (no name, or a space before the colon)"));
    const QByteArray value = line.mid(colon + 1);
    if (!std::all_of(value.begin(), value.end(), isValueChar))
        return fail(400, QStringLiteral("a control character in a trailer field"));
    return Status::Request; // read and dropped: go on
}

RequestParser::Status RequestParser::parseChunked()
{
    // Consumed framing is dropped as it goes (compact), never held until the body ends.
    for (;;) {
        Status s = Status::NeedMore;
        switch (m_stage) {
        case Stage::ChunkSize:
            s = parseChunkSize();
            break;
        case Stage::ChunkData: {
            const qsizetype have = std::min<qsizetype>(m_chunkLeft, m_buffer.size() - m_pos);
            if (have == 0)
                break;
            m_request.body.append(m_buffer.constData() + m_pos, have);
            m_pos += have;
            m_chunkLeft -= have;
            m_bodyReceived += have;
            if (m_chunkLeft == 0)
                m_stage = Stage::ChunkDataEnd;
            s = Status::Request;
            break;
        }
        case Stage::ChunkDataEnd: {
            QByteArray line;
            const Line got = takeCrLfLine(&line, 2);
            if (got == Line::TooLong || (got == Line::Taken && !line.isEmpty()))
                return fail(400, QStringLiteral("chunk data is longer than its size"));
            if (got == Line::BareCrOrLf)
                return fail(400, QStringLiteral("chunk data must be followed by CR LF"));
            if (got == Line::Taken) {
                m_stage = Stage::ChunkSize;
                s = countFraming(2) == Status::Error ? Status::Error : Status::Request;
            }
            break;
        }
        case Stage::Trailers:
            s = parseTrailer();
            break;
        case Stage::Head:
        case Stage::FixedBody:
            break;
        }
        if (s == Status::Error)
            return s;
        if (m_ready) {
            compact();
            return Status::Request;
        }
        if (s == Status::NeedMore) {
            compact();
            return s;
        }
    }
}

} // namespace shardscope
