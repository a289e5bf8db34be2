#pragma once

#include "backend/http/HttpMessage.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace shardscope {

// An incremental, strict HTTP/1.1 request parser (RFC 9112) for input that may be
// hostile. Everything ambiguous is an error rather than a guess, because a guess that
// differs from a proxy's in front is how requests get smuggled: a Content-Length that
// is not plain digits, two that differ, one beside Transfer-Encoding, a space before a
// header's colon, folded header lines. Sizes are checked before anything is buffered:
// a body is refused by its declared length, the request line and the header section
// have their own limits, and so do a chunked body's framing and trailers. Chunk lines and
// trailer lines end in CR LF only. After an error the connection must close: the parser cannot
// know where the next request starts.
class RequestParser
{
public:
    struct Limits {
        qsizetype requestLine = 8 * 1024;  // method SP target SP version, without CR LF: 414 past it
        qsizetype headerBytes = 32 * 1024; // all header lines: 431 past it
        int headerCount = 100;             // 431 past it
        qsizetype body = 1024 * 1024;      // declared or de-chunked: 413 past it
        // A chunked body's framing (size lines, extensions, the CR LF after each chunk's
        // data): 413 past it, so that framing cannot cost more memory than a body may.
        qsizetype chunkFraming = 64 * 1024;
    };

    enum class Status {
        NeedMore,     // give it more bytes
        Request,      // take() the request
        Error,        // error() says what; answer it and close
    };

    struct Error {
        int status = 400;
        QString message;
    };

    RequestParser() = default;
    explicit RequestParser(Limits limits) : m_limits(limits) {}

    // Appends bytes read from the connection.
    void feed(const char *data, qsizetype size) { m_buffer.append(data, size); }
    // Parses as far as the buffered bytes allow.
    Status next();
    // The request after next() returned Request; the parser moves on to the next one.
    HttpRequest take();
    const Error &error() const { return m_error; }

    // Bytes held and not yet part of a returned request.
    qsizetype buffered() const { return m_buffer.size() - m_pos; }
    // Bytes held in memory, parsed or not (consumed ones are dropped in steps of 16 KiB).
    qsizetype held() const { return m_buffer.size(); }
    // True once some bytes of a request are in and the request is not complete.
    bool midRequest() const { return m_stage != Stage::Head || buffered() > 0; }
    // True when the request whose head is parsed asked for "100 Continue" and its body
    // has not started to arrive.
    bool wantsContinue() const { return m_expectContinue && m_stage != Stage::Head && m_bodyReceived == 0; }
    void continueSent() { m_expectContinue = false; }

private:
    enum class Stage { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers };

    Status fail(int status, QString message);
    Status parseHead();
    bool requestLineTooLong(bool complete, qsizetype length) const;
    Status parseRequestLine(const QByteArray &line);
    Status parseHeaderLine(const QByteArray &line);
    Status finishHead();
    Status parseBody();
    Status parseChunked();
    // One line each; Request here means "a line was taken, go on" (m_ready: done).
    Status parseChunkSize();
    Status parseTrailer();
    // The next chunk or trailer line (without its CR LF) from m_pos: only CR LF ends one.
    enum class Line { Taken, NeedMore, TooLong, BareCrOrLf };
    // `maxLength` counts the CR LF.
    Line takeCrLfLine(QByteArray *line, qsizetype maxLength);
    Status countFraming(qsizetype bytes);
    void compact();

    Limits m_limits;
    QByteArray m_buffer;
    qsizetype m_pos = 0;       // start of unparsed bytes in m_buffer
    qsizetype m_scanFrom = 0;  // where the search for the head's end resumes
    Stage m_stage = Stage::Head;
    HttpRequest m_request;
    Error m_error;
    bool m_failed = false;
    bool m_ready = false;
    bool m_expectContinue = false;
    bool m_chunked = false;
    std::int64_t m_contentLength = -1;
    std::int64_t m_chunkLeft = 0;
    qsizetype m_bodyReceived = 0;
    qsizetype m_trailerBytes = 0;
    qsizetype m_framingBytes = 0; // of this request's chunked framing
    int m_blankLines = 0; // stray line ends skipped before this request
};

} // namespace shardscope
