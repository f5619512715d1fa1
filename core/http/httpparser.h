// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QByteArray>
#include <QList>

namespace pingscope {

struct HttpHeader
{
    QByteArray name;  // as received, original case
    QByteArray value; // leading/trailing whitespace trimmed
};

struct HttpRequest
{
    QByteArray method;
    QByteArray target; // request-target as received (path + '?' + query)
    QByteArray path;
    QByteArray query;     // without '?'; empty when absent
    int versionMinor = 1; // HTTP/1.x
    QList<HttpHeader> headers;
    QByteArray body;
    bool chunked = false;
    bool keepAlive = true;
    bool expectContinue = false;
    qint64 contentLength = -1; // -1: none given

    // Case-insensitive lookup of the first header with this name; null when absent.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
};

// A strict, incremental HTTP/1.1 request parser.
//
// It enforces every limit before buffering: the request line and the header section are
// capped while they are read, and a body's length is checked against maxBody before any of
// it is kept. The parser never reads past the end of one request, so pipelined requests stay
// in the caller's buffer. It is pure (no Qt event loop, no I/O) so that it can be fuzzed.
//
// Use: feed() bytes until state() is HeadersComplete; inspect request(); then either
// continueWithBody() or refuse. feed() more until Complete or Error; takeRequest(); reset().
class HttpRequestParser
{
public:
    struct Limits
    {
        qsizetype maxRequestLine = 16 * 1024; // beyond: 414
        qsizetype maxHeaderBytes = 64 * 1024; // whole header section; beyond: 431
        int maxHeaderCount = 128;             // beyond: 431
        qint64 maxBody = 10 * 1024 * 1024;    // beyond: 413
        qsizetype maxChunkLine = 1024;        // chunk-size line incl. extensions; beyond: 400
    };

    enum class State
    {
        RequestLine,
        Headers,
        HeadersComplete, // waiting for the caller to accept or refuse the body
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Complete,
        Error,
    };

    HttpRequestParser() = default;
    explicit HttpRequestParser(const Limits &limits) : m_limits(limits) {}

    // Consumes bytes of `data`; returns how many were used. Stops at HeadersComplete,
    // Complete and Error without consuming more.
    qsizetype feed(const char *data, qsizetype size);
    qsizetype feed(QByteArrayView data) { return feed(data.data(), data.size()); }

    void continueWithBody();

    State state() const { return m_state; }
    bool isIdle() const { return m_state == State::RequestLine && m_line.isEmpty(); }
    const HttpRequest &request() const { return m_request; }
    HttpRequest takeRequest();
    void reset();

    int errorStatus() const { return m_errorStatus; }
    const QByteArray &errorReason() const { return m_errorReason; }
    const Limits &limits() const { return m_limits; }
    void setMaxBody(qint64 maxBody) { m_limits.maxBody = maxBody; }
    // Bytes of the body received so far (for a chunked body: decoded bytes).
    qint64 bodyReceived() const { return m_request.body.size(); }

private:
    bool takeLine(const char *data, qsizetype size, qsizetype &pos, qsizetype cap, bool &complete);
    void fail(int status, QByteArray reason);
    bool parseRequestLine();
    bool parseHeaderLine();
    bool finishHeaders();
    bool parseChunkSize();

    Limits m_limits;
    State m_state = State::RequestLine;
    HttpRequest m_request;
    QByteArray m_line;
    qsizetype m_headerBytes = 0;
    qint64 m_remaining = 0; // body or chunk bytes still to read
    int m_errorStatus = 0;
    QByteArray m_errorReason;
};

} // namespace pingscope
