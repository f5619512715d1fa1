// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "http/httpparser.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <memory>

class QSslSocket;

namespace pingscope {

// What an upstream answered one request.
struct UpstreamAnswer
{
    int status = 0; // 0: no answer (see error)
    QByteArray reason;
    QList<HttpHeader> headers;
    QByteArray body;
    qint64 ms = 0;
    QString error; // why there is no answer: cannot connect, TLS, timeout, a malformed response
};

// Sends stored requests on to another endpoint as they were received (replay, forward mode):
// the method, path and query, every header in its order and case, and the body byte for byte.
// Only what must change does: Host names the upstream, Content-Length is the body's (a
// chunked request is sent with its length), hop-by-hop headers (Connection, Keep-Alive,
// Transfer-Encoding, Expect, TE, Upgrade) are left out. http:// and https:// (Qt's TLS
// backend); one keep-alive connection, made again when the upstream closes it. Blocking: use
// it on a thread of its own (or a command-line tool), one object per thread.
class HttpClient
{
public:
    // `base`: http(s)://host[:port][/prefix]; the prefix goes before each request's path.
    explicit HttpClient(const QUrl &base, int timeoutMs = 30'000);
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    // Empty when the base URL can be used; else what is wrong with it.
    static QString checkBase(const QUrl &base);

    UpstreamAnswer send(const QByteArray &method, const QByteArray &path, const QByteArray &query,
                        const QList<HttpHeader> &headers, const QByteArray &body);
    // The request bytes send() writes (tests, --dry-run).
    QByteArray requestBytes(const QByteArray &method, const QByteArray &path, const QByteArray &query,
                            const QList<HttpHeader> &headers, const QByteArray &body) const;

private:
    bool connectIfNeeded(QString *error);
    bool readResponse(UpstreamAnswer &answer, bool headRequest);
    QUrl m_base;
    int m_timeoutMs;
    std::unique_ptr<QSslSocket> m_socket;
    QByteArray m_buffer;
};

} // namespace pingscope
