// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "http/httpclient.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QSslSocket>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

bool isHopByHop(const QByteArray &name)
{
    const QByteArray n = name.toLower();
    return n == "connection" || n == "keep-alive" || n == "transfer-encoding" || n == "expect" || n == "te" ||
           n == "upgrade" || n == "proxy-connection" || n == "content-length" || n == "host";
}

constexpr qsizetype kMaxResponseBytes = 16 * 1024 * 1024;

} // namespace

HttpClient::HttpClient(const QUrl &base, int timeoutMs) : m_base(base), m_timeoutMs(timeoutMs) {}

HttpClient::~HttpClient() = default;

QString HttpClient::checkBase(const QUrl &base)
{
    if (!base.isValid() || base.host().isEmpty())
        return u"\"%1\" is not a URL such as http://127.0.0.1:8080 or https://edge.example.com"_s.arg(
            base.toString());
    if (base.scheme() != u"http" && base.scheme() != u"https")
        return u"%1: only http:// and https:// URLs can be sent to"_s.arg(base.toString());
    if (base.scheme() == u"https" && !QSslSocket::supportsSsl())
        return u"%1: this Qt has no working TLS backend (is libssl3 installed?)"_s.arg(base.toString());
    if (base.hasQuery() || base.hasFragment())
        return u"%1: the URL may have a path prefix but no query or fragment"_s.arg(base.toString());
    return {};
}

QByteArray HttpClient::requestBytes(const QByteArray &method, const QByteArray &path, const QByteArray &query,
                                    const QList<HttpHeader> &headers, const QByteArray &body) const
{
    QByteArray prefix = m_base.path(QUrl::FullyEncoded).toUtf8();
    while (prefix.endsWith('/'))
        prefix.chop(1);
    QByteArray out = method + ' ' + prefix + path;
    if (!query.isEmpty())
        out += '?' + query;
    out += " HTTP/1.1\r\nHost: ";
    out += m_base.host(QUrl::FullyEncoded).toUtf8();
    const int defaultPort = m_base.scheme() == u"https" ? 443 : 80;
    if (m_base.port(defaultPort) != defaultPort)
        out += ':' + QByteArray::number(m_base.port());
    out += "\r\n";
    for (const HttpHeader &h : headers) {
        if (isHopByHop(h.name))
            continue;
        out += h.name + ": " + h.value + "\r\n";
    }
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    return out;
}

bool HttpClient::connectIfNeeded(QString *error)
{
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        return true;
    m_socket = std::make_unique<QSslSocket>();
    m_buffer.clear();
    const bool tls = m_base.scheme() == u"https";
    const quint16 port = quint16(m_base.port(tls ? 443 : 80));
    if (tls) {
        m_socket->connectToHostEncrypted(m_base.host(), port);
        if (!m_socket->waitForEncrypted(m_timeoutMs)) {
            *error = u"cannot connect to %1 over TLS: %2"_s.arg(m_base.toString(), m_socket->errorString());
            m_socket.reset();
            return false;
        }
    } else {
        m_socket->connectToHost(m_base.host(), port);
        if (!m_socket->waitForConnected(m_timeoutMs)) {
            *error = u"cannot connect to %1: %2"_s.arg(m_base.toString(), m_socket->errorString());
            m_socket.reset();
            return false;
        }
    }
    return true;
}

UpstreamAnswer HttpClient::send(const QByteArray &method, const QByteArray &path, const QByteArray &query,
                                const QList<HttpHeader> &headers, const QByteArray &body)
{
    UpstreamAnswer a;
    QElapsedTimer clock;
    clock.start();
    const QByteArray bytes = requestBytes(method, path, query, headers, body);
    // A kept-alive connection the upstream closed meanwhile fails on first use: one more try on
    // a new connection.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
        QString error;
        if (!connectIfNeeded(&error)) {
            a.error = error;
            break;
        }
        m_socket->write(bytes);
        bool ok = true;
        while (ok && m_socket->bytesToWrite() > 0)
            ok = m_socket->waitForBytesWritten(m_timeoutMs);
        if (ok && readResponse(a, method == "HEAD"))
            break;
        if (a.error.isEmpty())
            a.error = u"the connection to %1 failed: %2"_s.arg(m_base.toString(), m_socket->errorString());
        m_socket.reset();
        if (!reused || a.status != 0)
            break;
        a = UpstreamAnswer();
    }
    a.ms = clock.elapsed();
    return a;
}

bool HttpClient::readResponse(UpstreamAnswer &a, bool headRequest)
{
    QDeadlineTimer deadline(m_timeoutMs);
    auto fill = [&]() {
        if (m_socket->bytesAvailable() == 0 && !m_socket->waitForReadyRead(int(deadline.remainingTime())))
            return false;
        m_buffer += m_socket->readAll();
        return m_buffer.size() <= kMaxResponseBytes;
    };
    qsizetype headEnd;
    while ((headEnd = m_buffer.indexOf("\r\n\r\n")) < 0) {
        if (!fill()) {
            a.error = deadline.hasExpired()
                          ? u"no answer from %1 within %2 s"_s.arg(m_base.toString()).arg(m_timeoutMs / 1000)
                          : QString();
            return false;
        }
    }
    const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
    m_buffer.remove(0, headEnd + 4);
    const QByteArray statusLine = lines.value(0).trimmed();
    if (!statusLine.startsWith("HTTP/1.") || statusLine.size() < 12) {
        a.error = u"%1 answered something that is not HTTP/1.x: %2"_s.arg(
            m_base.toString(), QString::fromLatin1(statusLine.left(80)));
        return false;
    }
    a.status = statusLine.mid(9, 3).toInt();
    a.reason = statusLine.mid(13);
    qint64 length = -1;
    bool chunked = false, closes = statusLine.startsWith("HTTP/1.0");
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        HttpHeader h{line.left(colon).trimmed(), line.mid(colon + 1).trimmed()};
        const QByteArray n = h.name.toLower();
        if (n == "content-length")
            length = h.value.toLongLong();
        else if (n == "transfer-encoding")
            chunked = h.value.toLower().contains("chunked");
        else if (n == "connection")
            closes =
                h.value.toLower().contains("close") || (closes && !h.value.toLower().contains("keep-alive"));
        a.headers.append(h);
    }
    const bool noBody = headRequest || a.status == 204 || a.status == 304 || a.status / 100 == 1;
    if (noBody) {
        length = 0;
        chunked = false;
    }
    if (chunked) {
        QByteArray body;
        for (;;) {
            qsizetype eol;
            while ((eol = m_buffer.indexOf("\r\n")) < 0)
                if (!fill())
                    return false;
            bool ok = false;
            const qint64 size = m_buffer.left(eol).split(';').value(0).trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0 || size > kMaxResponseBytes) {
                a.error = u"%1 sent a malformed chunked answer"_s.arg(m_base.toString());
                return false;
            }
            while (m_buffer.size() < eol + 2 + size + 2)
                if (!fill())
                    return false;
            body += m_buffer.mid(eol + 2, size);
            m_buffer.remove(0, eol + 2 + size + 2);
            if (size == 0)
                break;
        }
        a.body = body;
    } else if (length >= 0) {
        while (m_buffer.size() < length)
            if (!fill())
                return false;
        a.body = m_buffer.left(length);
        m_buffer.remove(0, length);
    } else {
        // Delimited by the close.
        while (fill()) {
        }
        a.body = m_buffer;
        m_buffer.clear();
        closes = true;
    }
    if (closes)
        m_socket.reset();
    return true;
}

} // namespace pingscope
