// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "http/httpparser.h"

#include <cctype>
#include <cstring>

namespace pingscope {

namespace {

bool isTchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != 0;
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (!isTchar(static_cast<unsigned char>(c)))
            return false;
    return true;
}

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

QByteArrayView trimmed(QByteArrayView v)
{
    qsizetype b = 0, e = v.size();
    while (b < e && (v[b] == ' ' || v[b] == '\t'))
        ++b;
    while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t'))
        --e;
    return v.sliced(b, e - b);
}

// Parses 1*DIGIT into a non-negative value; false on anything else or overflow.
bool parseDecimal(QByteArrayView s, qint64 &out)
{
    if (s.isEmpty() || s.size() > 18)
        return false;
    qint64 v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers)
        if (equalsIgnoreCase(h.name, name))
            return h.value.isNull() ? QByteArray("") : h.value;
    return {};
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    for (const auto &h : headers)
        if (equalsIgnoreCase(h.name, name))
            return true;
    return false;
}

void HttpRequestParser::reset()
{
    m_state = State::RequestLine;
    m_request = HttpRequest{};
    m_line.clear();
    m_headerBytes = 0;
    m_remaining = 0;
    m_errorStatus = 0;
    m_errorReason.clear();
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest r = std::move(m_request);
    m_request = HttpRequest{};
    return r;
}

void HttpRequestParser::fail(int status, QByteArray reason)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorReason = std::move(reason);
}

// Appends bytes up to and including LF to m_line. On a complete line, strips CRLF/LF and sets
// `complete`. Returns false when the line would exceed `cap` (caller fails).
bool HttpRequestParser::takeLine(const char *data, qsizetype size, qsizetype &pos, qsizetype cap,
                                 bool &complete)
{
    complete = false;
    const char *start = data + pos;
    const auto avail = size - pos;
    const void *lf = std::memchr(start, '\n', static_cast<size_t>(avail));
    const qsizetype take = lf ? static_cast<const char *>(lf) - start + 1 : avail;
    if (m_line.size() + take > cap + 2) // +2 for CRLF
        return false;
    m_line.append(start, take);
    pos += take;
    if (lf) {
        m_line.chop(1);
        if (m_line.endsWith('\r'))
            m_line.chop(1);
        complete = true;
    }
    return true;
}

bool HttpRequestParser::parseRequestLine()
{
    const QByteArrayView line(m_line);
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
        fail(400, "malformed request line");
        return false;
    }
    const auto method = line.first(sp1);
    const auto target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    const auto version = line.sliced(sp2 + 1);
    if (!isToken(method) || method.size() > 32) {
        fail(400, "malformed method in request line");
        return false;
    }
    if (target.isEmpty() || !(target[0] == '/' || (target == "*" && method == "OPTIONS"))) {
        fail(400, "request target must be an absolute path");
        return false;
    }
    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f) {
            fail(400, "invalid character in request target");
            return false;
        }
    }
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || version[5] < '0' ||
        version[5] > '9' || version[7] < '0' || version[7] > '9') {
        fail(400, "malformed HTTP version");
        return false;
    }
    if (version[5] != '1') {
        fail(505, "HTTP version not supported");
        return false;
    }
    m_request.method = method.toByteArray();
    m_request.target = target.toByteArray();
    const qsizetype q = target.indexOf('?');
    m_request.path = (q < 0 ? target : target.first(q)).toByteArray();
    m_request.query = q < 0 ? QByteArray() : target.sliced(q + 1).toByteArray();
    m_request.versionMinor = version[7] - '0';
    m_request.keepAlive = m_request.versionMinor >= 1;
    return true;
}

bool HttpRequestParser::parseHeaderLine()
{
    const QByteArrayView line(m_line);
    if (line[0] == ' ' || line[0] == '\t') {
        fail(400, "obsolete header line folding");
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        fail(400, "header line without a name and colon");
        return false;
    }
    const auto name = line.first(colon);
    if (!isToken(name)) {
        fail(400, "invalid header name");
        return false;
    }
    const auto value = trimmed(line.sliced(colon + 1));
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f) {
            fail(400, "control character in header value");
            return false;
        }
    }
    if (m_state == State::Trailers)
        return true; // trailers are checked but not kept
    if (m_request.headers.size() >= m_limits.maxHeaderCount) {
        fail(431, "too many header fields");
        return false;
    }
    m_request.headers.append({name.toByteArray(), value.toByteArray()});
    return true;
}

bool HttpRequestParser::finishHeaders()
{
    auto &r = m_request;
    QByteArray contentLength;
    int transferEncodings = 0;
    int hosts = 0;
    bool haveLength = false;
    for (const auto &h : std::as_const(r.headers)) {
        if (equalsIgnoreCase(h.name, "content-length")) {
            if (haveLength && h.value != contentLength) {
                fail(400, "conflicting Content-Length headers");
                return false;
            }
            haveLength = true;
            contentLength = h.value;
        } else if (equalsIgnoreCase(h.name, "host")) {
            ++hosts;
        } else if (equalsIgnoreCase(h.name, "transfer-encoding")) {
            ++transferEncodings;
            if (!equalsIgnoreCase(h.value, "chunked")) {
                fail(501, "unsupported Transfer-Encoding (only chunked is accepted)");
                return false;
            }
            r.chunked = true;
        } else if (equalsIgnoreCase(h.name, "connection")) {
            for (const QByteArray &part : h.value.split(',')) {
                const QByteArrayView token = trimmed(part);
                if (equalsIgnoreCase(token, "close"))
                    r.keepAlive = false;
                else if (equalsIgnoreCase(token, "keep-alive") && r.versionMinor == 0)
                    r.keepAlive = true;
            }
        } else if (equalsIgnoreCase(h.name, "expect")) {
            if (!equalsIgnoreCase(h.value, "100-continue")) {
                fail(417, "unsupported expectation");
                return false;
            }
            r.expectContinue = r.versionMinor >= 1;
        }
    }
    if (r.versionMinor >= 1 && hosts == 0) {
        fail(400, "HTTP/1.1 request without Host header");
        return false;
    }
    if (hosts > 1) {
        fail(400, "more than one Host header");
        return false;
    }
    if (r.chunked && r.versionMinor == 0) {
        fail(400, "Transfer-Encoding in an HTTP/1.0 request");
        return false;
    }
    if (transferEncodings > 1) {
        fail(400, "repeated Transfer-Encoding header");
        return false;
    }
    if (r.chunked && haveLength) {
        fail(400, "both Content-Length and Transfer-Encoding given");
        return false;
    }
    if (haveLength) {
        qint64 len = 0;
        if (!parseDecimal(contentLength, len)) {
            fail(400, "malformed Content-Length");
            return false;
        }
        r.contentLength = len;
        if (len > m_limits.maxBody) {
            fail(413, "payload too large");
            return false;
        }
    } else if (!r.chunked && (r.method == "POST" || r.method == "PUT")) {
        fail(411, "length required: no Content-Length and no chunked body");
        return false;
    }
    m_state = State::HeadersComplete;
    return true;
}

void HttpRequestParser::continueWithBody()
{
    if (m_state != State::HeadersComplete)
        return;
    if (m_request.chunked) {
        m_state = State::ChunkSize;
    } else if (m_request.contentLength > 0) {
        m_remaining = m_request.contentLength;
        m_request.body.reserve(static_cast<qsizetype>(qMin<qint64>(m_remaining, 256 * 1024)));
        m_state = State::Body;
    } else {
        m_state = State::Complete;
    }
}

bool HttpRequestParser::parseChunkSize()
{
    QByteArrayView line(m_line);
    qsizetype end = 0;
    while (end < line.size() && std::isxdigit(static_cast<unsigned char>(line[end])))
        ++end;
    if (end == 0 || end > 15) {
        fail(400, "malformed chunk size");
        return false;
    }
    const auto rest = trimmed(line.sliced(end));
    if (!rest.isEmpty() && rest[0] != ';') {
        fail(400, "malformed chunk size line");
        return false;
    }
    bool ok = false;
    const qint64 size = line.first(end).toByteArray().toLongLong(&ok, 16);
    if (!ok) {
        fail(400, "malformed chunk size");
        return false;
    }
    if (m_request.body.size() + size > m_limits.maxBody) {
        fail(413, "payload too large");
        return false;
    }
    m_remaining = size;
    m_state = size == 0 ? State::Trailers : State::ChunkData;
    return true;
}

qsizetype HttpRequestParser::feed(const char *data, qsizetype size)
{
    qsizetype pos = 0;
    while (pos < size) {
        switch (m_state) {
        case State::RequestLine: {
            bool complete = false;
            if (!takeLine(data, size, pos, m_limits.maxRequestLine, complete)) {
                fail(414, "request line too long");
                return pos;
            }
            if (!complete)
                return pos;
            if (m_line.isEmpty()) { // tolerate blank lines between requests (RFC 9112 2.2)
                m_headerBytes += 2;
                if (m_headerBytes > 64) {
                    fail(400, "too many blank lines before request line");
                    return pos;
                }
                continue;
            }
            if (!parseRequestLine())
                return pos;
            m_line.clear();
            m_headerBytes = 0;
            m_state = State::Headers;
            break;
        }
        case State::Headers:
        case State::Trailers: {
            bool complete = false;
            const qsizetype cap = m_limits.maxHeaderBytes - m_headerBytes;
            // Count the bytes of a line that arrived in earlier pieces too, so that the limit
            // does not depend on how the client's bytes were split.
            const qsizetype before = pos - m_line.size();
            if (!takeLine(data, size, pos, cap, complete)) {
                fail(431,
                     m_state == State::Trailers ? "trailer section too large" : "header section too large");
                return pos;
            }
            if (!complete)
                return pos;
            m_headerBytes += pos - before;
            if (m_line.isEmpty()) {
                m_line.clear();
                if (m_state == State::Trailers) {
                    m_state = State::Complete;
                    return pos;
                }
                finishHeaders();
                return pos;
            }
            if (!parseHeaderLine())
                return pos;
            m_line.clear();
            break;
        }
        case State::Body: {
            const qint64 take = qMin<qint64>(m_remaining, size - pos);
            m_request.body.append(data + pos, static_cast<qsizetype>(take));
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0) {
                m_state = State::Complete;
                return pos;
            }
            break;
        }
        case State::ChunkSize: {
            bool complete = false;
            if (!takeLine(data, size, pos, m_limits.maxChunkLine, complete)) {
                fail(400, "chunk size line too long");
                return pos;
            }
            if (!complete)
                return pos;
            if (!parseChunkSize())
                return pos;
            m_line.clear();
            break;
        }
        case State::ChunkData: {
            const qint64 take = qMin<qint64>(m_remaining, size - pos);
            m_request.body.append(data + pos, static_cast<qsizetype>(take));
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            bool complete = false;
            if (!takeLine(data, size, pos, 0, complete)) {
                fail(400, "chunk data not followed by CRLF");
                return pos;
            }
            if (!complete)
                return pos;
            if (!m_line.isEmpty()) {
                fail(400, "chunk data not followed by CRLF");
                return pos;
            }
            m_state = State::ChunkSize;
            break;
        }
        case State::HeadersComplete:
        case State::Complete:
        case State::Error:
            return pos;
        }
    }
    if (m_state == State::Body && m_remaining == 0)
        m_state = State::Complete;
    return pos;
}

} // namespace pingscope
