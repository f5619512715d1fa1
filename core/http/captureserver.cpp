// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "http/captureserver.h"
#include "http/faults.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

qint64 nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

qint64 wallClockUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Headers the production edge records as metadata; their values are capped like the path.
constexpr const char *kRecordedHeaders[] = {"content-length",
                                            "date",
                                            "dnt",
                                            "user-agent",
                                            "x-forwarded-for",
                                            "x-pingsender-version",
                                            "x-pipeline-proxy",
                                            "x-debug-id",
                                            "x-foxsec-ip-reputation",
                                            "x-lb-tags",
                                            "x-source-tags",
                                            "x-telemetry-agent"};

bool isRecordedHeader(const QByteArray &name)
{
    for (const char *h : kRecordedHeaders)
        if (name.compare(h, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

bool isSubmitPath(const QByteArray &path)
{
    return path.startsWith("/submit/") || path == "/submit";
}

// Answers to pings may be read by any page (browser SDKs post from their own origin); nothing
// else the endpoint serves carries this header.
const HttpHeader kAnyOrigin{"Access-Control-Allow-Origin", "*"};

// "host[:port]" with IPv6 literals in brackets, as in Host and in an origin's authority.
struct Authority
{
    QByteArray host; // lower case, IPv6 without brackets
    int port = -1;   // -1: none given
    bool ok = false;
};

Authority parseAuthority(QByteArrayView text)
{
    Authority a;
    QByteArrayView rest = text;
    if (rest.startsWith('[')) {
        const qsizetype close = rest.indexOf(']');
        if (close < 0)
            return a;
        a.host = rest.sliced(1, close - 1).toByteArray().toLower();
        rest = rest.sliced(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(':'))
            return a;
    } else {
        const qsizetype colon = rest.indexOf(':');
        a.host = (colon < 0 ? rest : rest.first(colon)).toByteArray().toLower();
        rest = colon < 0 ? QByteArrayView() : rest.sliced(colon);
    }
    if (rest.startsWith(':')) {
        bool ok = false;
        const int port = rest.sliced(1).toInt(&ok);
        if (!ok || port < 0 || port > 65535)
            return a;
        a.port = port;
    }
    a.ok = !a.host.isEmpty();
    return a;
}

bool sameSecret(QByteArrayView a, QByteArrayView b)
{
    // Constant time for equal lengths (the token's length is not a secret).
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace

bool CaptureServer::isOwnAuthority(QByteArrayView authority) const
{
    const Authority a = parseAuthority(authority);
    if (!a.ok)
        return false;
    if (a.port >= 0 && a.port != port()) // no port: the name alone decides (DNS rebinding needs a name)
        return false;
    if (a.host == "localhost")
        return true;
    QHostAddress addr;
    if (!addr.setAddress(QString::fromLatin1(a.host)))
        return false; // a name other than localhost: what DNS rebinding uses
    const QHostAddress listening = address();
    if (addr.isLoopback() || addr == listening)
        return true;
    // Listening on every interface: any address literal of this machine may be in use.
    return listening == QHostAddress::Any || listening == QHostAddress::AnyIPv4 ||
           listening == QHostAddress::AnyIPv6;
}

std::optional<QByteArray> CaptureServer::checkApiAccess(const HttpRequest &req, bool close) const
{
    auto refuse = [close](int status, const QByteArray &reason, QList<HttpHeader> extra = {}) {
        return httpResponse(status, "text/plain; charset=utf-8", reason + '\n', close, extra);
    };
    const QByteArray host = req.header("host");
    if (host.isEmpty())
        return refuse(403, "refused: the request has no Host header; the API answers requests for "
                           "127.0.0.1, localhost or [::1] with this endpoint's port");
    if (!isOwnAuthority(host))
        return refuse(403, "refused: Host " + host.left(200) +
                               " is not this endpoint (the API answers 127.0.0.1, localhost or [::1] with "
                               "its port, or the --listen address): a page reached through another name "
                               "cannot read captured pings");
    if (const QByteArray origin = req.header("origin"); !origin.isEmpty()) {
        const bool own = origin.startsWith("http://") && isOwnAuthority(QByteArrayView(origin).sliced(7));
        if (!own)
            return refuse(403, "refused: a page from origin " + origin.left(200) +
                                   " may not use the query API (it is private to you; only /submit/ "
                                   "accepts other origins)");
    }
    if (!m_config.apiToken.isEmpty() && req.path.startsWith("/pingscope/")) {
        const QByteArray auth = req.header("authorization");
        const QByteArray given = auth.startsWith("Bearer ") ? auth.mid(7).trimmed() : QByteArray();
        if (!sameSecret(given, m_config.apiToken))
            return refuse(401,
                          given.isEmpty() ? "the query API needs the token printed at start: "
                                            "Authorization: Bearer <token>"
                                          : "wrong API token",
                          {{"WWW-Authenticate", "Bearer realm=\"pingscope\""}});
    }
    return std::nullopt;
}

QByteArray httpReasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 499:
        return "Client Closed Request";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    case 507:
        return "Insufficient Storage";
    default:
        return status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Status";
    }
}

QByteArray httpHead(int status, const QByteArray &contentType, qint64 contentLength, bool close,
                    const QList<HttpHeader> &extraHeaders)
{
    QByteArray r;
    r.reserve(160);
    r += "HTTP/1.1 ";
    r += QByteArray::number(status);
    r += ' ';
    r += httpReasonPhrase(status);
    r += "\r\nServer: Pingscope/" PINGSCOPE_VERSION "\r\n";
    if (!contentType.isEmpty()) {
        r += "Content-Type: ";
        r += contentType;
        r += "\r\n";
    }
    for (const auto &h : extraHeaders) {
        r += h.name;
        r += ": ";
        r += h.value;
        r += "\r\n";
    }
    if (status != 204 && status >= 200 && contentLength >= 0) {
        r += "Content-Length: ";
        r += QByteArray::number(contentLength);
        r += "\r\n";
    }
    if (close)
        r += "Connection: close\r\n";
    r += "\r\n";
    return r;
}

QByteArray httpResponse(int status, const QByteArray &contentType, const QByteArray &body, bool close,
                        const QList<HttpHeader> &extraHeaders)
{
    QByteArray r = httpHead(status, contentType, body.size(), close, extraHeaders);
    r += body;
    return r;
}

// --- CaptureServer -------------------------------------------------------------------------

CaptureServer::CaptureServer(const CaptureConfig &config, ApiHandler *api, QObject *parent)
    : QObject(parent), m_config(config), m_apiWorker(api)
{
    m_apiThread = new QThread(this);
    m_apiThread->setObjectName(u"query-api"_s);
    if (m_apiWorker) {
        m_apiWorker->setParent(nullptr);
        m_apiWorker->setDeliver([server = this](quint64 ticket, QByteArray response, bool more) {
            QMetaObject::invokeMethod(
                server,
                [server, ticket, response = std::move(response), more] {
                    server->deliverApi(ticket, response, more);
                },
                Qt::QueuedConnection);
        });
        m_apiWorker->moveToThread(m_apiThread);
    }
    // Answers to scripts can wait; acks cannot: on a busy machine the API thread yields the CPU
    // to capture, ingest and the store (nice 10: about a tenth of a core when they all want it).
    connect(
        m_apiThread, &QThread::started, m_apiThread, [] { ::setpriority(PRIO_PROCESS, ::gettid(), 10); },
        Qt::DirectConnection);
    m_apiThread->start();
}

CaptureServer::~CaptureServer()
{
    // The API thread first: nothing it answers arrives after this. Its read connection is
    // closed on that thread, where it was opened.
    if (m_apiWorker)
        QMetaObject::invokeMethod(
            m_apiWorker, [w = m_apiWorker] { w->shutdown(); }, Qt::BlockingQueuedConnection);
    m_apiThread->quit();
    m_apiThread->wait();
    delete m_apiWorker; // its thread is gone: deleteLater would never run
    m_apiWorker = nullptr;
    // Every connection is a child, also those already closed and waiting for deleteLater (no
    // longer in m_connections): delete them all here, while this is still a CaptureServer, since
    // their destructors call back into it (UBSan caught ~QObject deleting one too late).
    m_connections.clear();
    const auto connections = findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly);
    for (HttpConnection *c : connections)
        delete c;
}

bool CaptureServer::listen(QString *error)
{
    // Each connection holds two descriptors (see HttpConnection::m_spareFd): make room for
    // the connection cap whatever the soft limit was.
    if (rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 65536);
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    m_server = new QTcpServer(this);
    m_server->setMaxPendingConnections(256);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &CaptureServer::onNewConnection);
    connect(m_server, &QTcpServer::acceptError, this, &CaptureServer::onAcceptError);
    if (!m_server->listen(m_config.address, m_config.port)) {
        if (error)
            *error = u"cannot listen on %1:%2: %3"_s.arg(m_config.address.toString())
                         .arg(m_config.port)
                         .arg(m_server->errorString());
        return false;
    }
    m_sweepTimer = new QTimer(this);
    m_sweepTimer->setInterval(250);
    connect(m_sweepTimer, &QTimer::timeout, this, &CaptureServer::sweep);
    m_sweepTimer->start();
    return true;
}

quint16 CaptureServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QHostAddress CaptureServer::address() const
{
    return m_server ? m_server->serverAddress() : m_config.address;
}

void CaptureServer::onAcceptError()
{
    // Qt stops accepting after an error it does not take for temporary (ENOMEM, ENOBUFS, and on
    // some Qt versions EMFILE); the sweep resumes once there is room.
    pauseForDescriptors(m_server->errorString());
}

bool CaptureServer::haveDescriptorHeadroom() const
{
    // A connection takes two descriptors (the socket and its spare), and the store, API readers
    // and schema watcher need some now and then: probe for three.
    if (!m_server)
        return false;
    const int listenFd = static_cast<int>(m_server->socketDescriptor());
    int probes[3] = {-1, -1, -1};
    bool ok = true;
    for (int &fd : probes)
        if ((fd = ::fcntl(listenFd, F_DUPFD_CLOEXEC, 0)) < 0)
            ok = false;
    for (int fd : probes)
        if (fd >= 0)
            ::close(fd);
    return ok;
}

void CaptureServer::pauseForDescriptors(const QString &why)
{
    // At the open-file limit accept() fails at once, and on Qt 6.4 without acceptError: the
    // listening socket stays readable and the event loop would spin. Stop accepting until a
    // probe finds room (checked by the sweep, four times a second), and close the longest-idle
    // keep-alive connection to make some.
    if (!m_server)
        return;
    m_server->pauseAccepting();
    if (!m_acceptPaused) {
        m_acceptPaused = true;
        if (const qint64 now = nowMs(); now - m_acceptWarnedMs > 10'000) {
            m_acceptWarnedMs = now;
            qWarning("pingscope: cannot accept connections (%s): waiting for descriptors to free",
                     qPrintable(why));
        }
    }
    closeLongestIdle();
}

bool CaptureServer::closeLongestIdle()
{
    HttpConnection *oldest = nullptr;
    for (HttpConnection *c : std::as_const(m_connections))
        if (c->isIdleKeepAlive() && (!oldest || c->lastActivityMs() < oldest->lastActivityMs()))
            oldest = c;
    if (!oldest)
        return false;
    m_connections.remove(oldest->id());
    oldest->closeIdle();
    return true;
}

void CaptureServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        // At the cap, an idle keep-alive connection makes room: the client opens another when it
        // has something to send, whereas a refused newcomer may have a ping in hand.
        if (m_connections.size() >= m_config.maxConnections)
            closeLongestIdle();
        if (m_connections.size() >= m_config.maxConnections) {
            // Over the cap: a plain answer rather than a reset, so the client knows to retry.
            // Its request is never read: shut our side once the answer is out and drain what
            // comes, so that closing does not reset the connection before the client read it.
            socket->setParent(this);
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
            connect(socket, &QTcpSocket::bytesWritten, socket, [socket] {
                if (socket->bytesToWrite() == 0)
                    ::shutdown(static_cast<int>(socket->socketDescriptor()), SHUT_WR);
            });
            QTimer::singleShot(2000, socket, [socket] { socket->abort(); });
            socket->write(httpResponse(503, "text/plain; charset=utf-8",
                                       "too many connections (" +
                                           QByteArray::number(m_config.maxConnections) +
                                           " open): try again shortly\n",
                                       true, {{"Retry-After", "1"}}));
            continue;
        }
        const quint64 id = m_nextConnectionId++;
        m_connections.insert(id, new HttpConnection(id, socket, this));
    }
    if (!haveDescriptorHeadroom())
        pauseForDescriptors(u"the open-file limit is reached"_s);
}

void CaptureServer::connectionClosed(quint64 id)
{
    if (HttpConnection *c = m_connections.take(id))
        c->deleteLater();
}

bool CaptureServer::chargeBody(qint64 bytes)
{
    if (bytes > 0 && m_bodyBytesInFlight + bytes > m_config.maxBodyBytesInFlight)
        return false;
    m_bodyBytesInFlight += qMax<qint64>(0, bytes);
    return true;
}

void CaptureServer::releaseBody(qint64 bytes)
{
    m_bodyBytesInFlight = qMax<qint64>(0, m_bodyBytesInFlight - qMax<qint64>(0, bytes));
}

void CaptureServer::sweep()
{
    if (m_acceptPaused) {
        if (haveDescriptorHeadroom()) {
            m_acceptPaused = false;
            m_server->resumeAccepting();
        } else {
            closeLongestIdle();
        }
    }
    const qint64 now = nowMs();
    const auto connections = m_connections; // checkTimeouts may close connections
    for (HttpConnection *c : connections)
        c->checkTimeouts(now);
}

void CaptureServer::submit(RawSubmission &&raw, quint64 ticket)
{
    if (m_submit) {
        m_submit(std::move(raw), ticket);
    } else {
        WriteResult r;
        r.ticket = ticket;
        r.error = u"no store attached"_s;
        deliver({r});
    }
}

HttpConnection *CaptureServer::connectionOf(quint64 ticket, quint32 *seq) const
{
    *seq = static_cast<quint32>(ticket & ((quint64(1) << HttpConnection::SeqBits) - 1));
    return m_connections.value(ticket >> HttpConnection::SeqBits);
}

void CaptureServer::deliver(const std::vector<WriteResult> &results)
{
    quint32 seq = 0;
    for (const WriteResult &r : results)
        if (HttpConnection *c = connectionOf(r.ticket, &seq))
            c->answerStored(seq, r);
}

void CaptureServer::submitApi(HttpRequest &&request, bool close, quint64 ticket)
{
    if (!m_apiWorker) {
        deliverApi(ticket,
                   httpResponse(503, "text/plain; charset=utf-8", "No query API in this process.\n", close),
                   false);
        return;
    }
    QMetaObject::invokeMethod(
        m_apiWorker,
        [w = m_apiWorker, server = this, req = std::move(request), close, ticket] {
            bool more = false;
            std::optional<QByteArray> answer = w->handle(req, close, ticket, &more);
            if (!answer)
                return; // a long poll: ApiHandler::Deliver sends it later
            QMetaObject::invokeMethod(
                server,
                [server, ticket, response = std::move(*answer), more] {
                    server->deliverApi(ticket, response, more);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void CaptureServer::deliverApi(quint64 ticket, const QByteArray &response, bool more)
{
    quint32 seq = 0;
    if (HttpConnection *c = connectionOf(ticket, &seq))
        c->answerApi(seq, response, more);
    else if (more)
        dropApiStream(ticket);
}

void CaptureServer::pullApi(quint64 ticket)
{
    if (!m_apiWorker)
        return;
    QMetaObject::invokeMethod(
        m_apiWorker,
        [w = m_apiWorker, server = this, ticket] {
            bool more = false;
            QByteArray part = w->nextPart(ticket, &more);
            QMetaObject::invokeMethod(
                server,
                [server, ticket, part = std::move(part), more] {
                    quint32 seq = 0;
                    if (HttpConnection *c = server->connectionOf(ticket, &seq))
                        c->apiPart(part, more);
                    else if (more)
                        server->dropApiStream(ticket);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void CaptureServer::dropApiStream(quint64 ticket)
{
    if (!m_apiWorker)
        return;
    QMetaObject::invokeMethod(
        m_apiWorker, [w = m_apiWorker, ticket] { w->dropStream(ticket); }, Qt::QueuedConnection);
}

// --- HttpConnection ------------------------------------------------------------------------

HttpConnection::HttpConnection(quint64 id, QTcpSocket *socket, CaptureServer *server)
    : QObject(server), m_id(id), m_socket(socket), m_server(server)
{
    HttpRequestParser::Limits limits;
    limits.maxBody = server->config().maxBody;
    m_parser = HttpRequestParser(limits);
    m_socket->setParent(this);
    // Qt reads no more than this ahead; past it the kernel holds the rest (see pullInput()).
    m_socket->setReadBufferSize(kMaxBufferedInput);
    m_lastActivityMs = nowMs();
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_lingering && m_socket->bytesToWrite() == 0)
            ::shutdown(static_cast<int>(m_socket->socketDescriptor()), SHUT_WR);
        if (!m_outLarge.isEmpty()) {
            if (m_socket->bytesToWrite() < kSliceBytes)
                writeLargeSlice();
            return;
        }
        // Unsent answers drained below the limit: parsing resumes.
        if (!m_lingering && m_parser.isIdle() && m_socket->bytesToWrite() <= kMaxUnsentBytes)
            resumeInputLater();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    ensureSpareDescriptor(); // before Qt can see the end of the stream and close its descriptor
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

HttpConnection::~HttpConnection()
{
    if (m_streaming && !m_streamEnded)
        m_server->dropApiStream(m_streamTicket);
    releaseSpareDescriptor();
    releaseReceivingCharge();
    for (const Pending &p : m_pending)
        m_server->releaseBody(p.charge);
}

void HttpConnection::releaseReceivingCharge()
{
    m_server->releaseBody(m_receivingCharge);
    m_receivingCharge = 0;
}

void HttpConnection::ensureSpareDescriptor()
{
    if (m_spareFd < 0 && m_socket->socketDescriptor() >= 0)
        m_spareFd = ::fcntl(static_cast<int>(m_socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
}

void HttpConnection::releaseSpareDescriptor()
{
    if (m_spareFd >= 0)
        ::close(m_spareFd);
    m_spareFd = -1;
}

void HttpConnection::writeOut(const QByteArray &bytes)
{
    // Straight to the kernel when nothing is queued in Qt: an answer handed to Qt's buffer just
    // before the client's end of stream is read would be dropped with the socket. Once Qt's side
    // is closed (the client half-closed, or left) this is the only way out; answers are small,
    // and what the kernel does not take at once is dropped, as for a client that is gone.
    qsizetype sent = 0;
    if (m_spareFd >= 0 && (m_peerGone || m_socket->bytesToWrite() == 0)) {
        const auto n = ::send(m_spareFd, bytes.constData(), static_cast<size_t>(bytes.size()),
                              MSG_NOSIGNAL | MSG_DONTWAIT);
        sent = n > 0 ? static_cast<qsizetype>(n) : 0;
    }
    if (!m_peerGone && sent < bytes.size())
        m_socket->write(bytes.constData() + sent, bytes.size() - sent);
}

void HttpConnection::onDisconnected()
{
    if (m_peerGone)
        return;
    // Qt may have read the last request and the end of the stream in one go: what it buffered
    // is still readable after the close.
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (!m_closing && !m_lingering) {
        if (m_parser.isIdle() && m_inPos < m_in.size())
            processInput(); // what came with the close: whole requests are answered, a part is kept
        if (m_collectingPrefix)
            finishPrefixCollection();
        else if (!m_closing && !m_parser.isIdle())
            storeAborted();
    }
    const bool owed =
        std::any_of(m_pending.begin(), m_pending.end(), [](const Pending &p) { return !p.ready; });
    if (owed && m_spareFd >= 0) {
        m_peerGone = true;
        m_peerGoneMs = nowMs();
        return; // flushResponses() finishes once the store answered
    }
    m_server->connectionClosed(m_id);
}

// The client closed the connection in the middle of a request: keep what came, say so.
void HttpConnection::storeAborted()
{
    const HttpRequest &req = m_parser.request();
    QString reason;
    if (m_parser.state() == HttpRequestParser::State::RequestLine ||
        m_parser.state() == HttpRequestParser::State::Headers) {
        reason =
            u"the client closed the connection in the middle of the request line and headers (%1 bytes): "
            u"no answer could be sent"_s.arg(m_in.size());
    } else if (req.chunked) {
        reason =
            u"the client closed the connection after %1 bytes of a chunked body: no answer could be sent"_s
                .arg(m_parser.bodyReceived());
    } else {
        reason = u"the client closed the connection after %1 of %2 body bytes: no answer could be sent"_s
                     .arg(m_parser.bodyReceived())
                     .arg(req.contentLength);
    }
    RawSubmission raw = refusedSubmission(499, reason);
    const auto st = m_parser.state();
    if (st == HttpRequestParser::State::RequestLine || st == HttpRequestParser::State::Headers)
        raw.body = m_in.left(m_server->config().keptPrefixBytes); // the request as far as it came
    m_parser.reset();
    m_routeAccepted = false;
    m_closing = true;
    if (!raw.path.startsWith("/pingscope/"))
        queueStored(std::move(raw), true);
}

bool HttpConnection::isIdleKeepAlive() const
{
    return m_parser.isIdle() && m_inPos >= m_in.size() && m_pending.empty() && !m_closing && !m_lingering &&
           !m_peerGone && !m_collectingPrefix && m_socket->bytesToWrite() == 0 &&
           m_socket->bytesAvailable() == 0;
}

void HttpConnection::closeIdle()
{
    // Nothing is owed: a plain close, as for the idle timeout.
    m_closing = true;
    m_socket->disconnectFromHost();
    deleteLater();
}

bool HttpConnection::requestsPaused() const
{
    return static_cast<int>(m_pending.size()) >= m_server->config().maxPendingPerConnection ||
           m_socket->bytesToWrite() > kMaxUnsentBytes || !m_outLarge.isEmpty() || m_streaming ||
           m_apiInFlight > 0; // requests after an API call start once it is answered (RFC 9112 9.3.2)
}

void HttpConnection::pullInput()
{
    if (m_collectingPrefix) {
        // Only the first bytes are kept; the rest is not read into memory.
        const qsizetype room = m_inPos + m_server->config().keptPrefixBytes - m_in.size();
        if (room > 0)
            m_in.append(m_socket->read(room));
        m_socket->readAll();
        return;
    }
    // Back-pressure on the socket: between requests, with this much already buffered (pipelined
    // requests waiting their turn), nothing more is read; the rest stays in the kernel and the
    // client's window closes. processInput() pulls again as it consumes.
    if (m_parser.isIdle() && m_in.size() - m_inPos >= kMaxBufferedInput)
        return;
    m_in.append(m_socket->readAll());
}

void HttpConnection::onReadyRead()
{
    m_lastActivityMs = nowMs();
    if (m_lingering || m_closing) {
        m_socket->readAll(); // discard: we are closing after an error answer
        return;
    }
    pullInput();
    processInput();
}

void HttpConnection::processInput()
{
    using State = HttpRequestParser::State;
    while (!m_closing) {
        const State st = m_parser.state();
        if (st == State::HeadersComplete) {
            onHeadersComplete();
            continue;
        }
        if (st == State::Complete) {
            onRequestComplete();
            continue;
        }
        if (st == State::Error) {
            onParseError();
            break;
        }
        if (m_inPos >= m_in.size() || (m_parser.isIdle() && m_in.size() - m_inPos < kMaxBufferedInput)) {
            // Consumed (or nearly), or resumed after back-pressure: what Qt holds back comes next,
            // without waiting for a readyRead that a full read buffer does not send.
            if (!m_lingering && !m_peerGone && m_socket->bytesAvailable() > 0)
                pullInput();
            if (m_inPos >= m_in.size())
                break;
        }
        if (m_parser.isIdle()) {
            if (requestsPaused())
                break; // back-pressure: read no further requests until answers go out
            // Start of a new request: forget what earlier requests used.
            m_in.remove(0, m_inPos);
            m_inPos = 0;
            m_requestStartMs = nowMs();
            m_routeAccepted = false;
        }
        m_inPos += m_parser.feed(m_in.constData() + m_inPos, m_in.size() - m_inPos);
        // Past the headers, the bytes read so far are in the parser: drop them from m_in.
        const State now = m_parser.state();
        if ((now == State::Body || now == State::ChunkData || now == State::ChunkSize) &&
            m_inPos > 64 * 1024) {
            m_in.remove(0, m_inPos);
            m_inPos = 0;
        }
    }
    if (m_parser.isIdle() && m_inPos >= m_in.size()) {
        m_in.clear();
        m_inPos = 0;
    }
}

void HttpConnection::onHeadersComplete()
{
    const HttpRequest &req = m_parser.request();
    const QByteArray &method = req.method;
    const QByteArray &path = req.path;
    const qsizetype cap = m_server->config().maxFieldBytes;

    if (isSubmitPath(path) && method != "OPTIONS") {
        if (method != "POST" && method != "PUT") {
            refuse(405, u"method %1 is not allowed on /submit/ (use POST or PUT)"_s.arg(
                            QString::fromLatin1(method)));
            return;
        }
        if (path.size() > cap) {
            refuse(431,
                   u"URL path is %1 bytes; the edge refuses paths over %2 bytes"_s.arg(path.size()).arg(cap));
            return;
        }
        if (req.query.size() > cap) {
            refuse(431, u"query string is %1 bytes; the edge refuses query strings over %2 bytes"_s
                            .arg(req.query.size())
                            .arg(cap));
            return;
        }
        for (const auto &h : req.headers) {
            if (h.value.size() > cap && isRecordedHeader(h.name)) {
                refuse(431, u"header %1 is %2 bytes; the edge refuses recorded headers over %3 bytes"_s
                                .arg(QString::fromLatin1(h.name))
                                .arg(h.value.size())
                                .arg(cap));
                return;
            }
        }
        // Chunked bodies are charged the most they may grow to.
        const qint64 charge = req.chunked ? m_server->config().maxBody : qMax<qint64>(0, req.contentLength);
        if (!m_server->chargeBody(charge)) {
            refuse(
                503,
                u"busy: %1 MiB of request bodies are already in flight (the limit is %2 MiB); send it again "
                u"shortly"_s.arg(m_server->bodyBytesInFlight() >> 20)
                    .arg(m_server->config().maxBodyBytesInFlight >> 20));
            return;
        }
        m_receivingCharge = charge;
        m_routeAccepted = true;
        if (req.expectContinue && m_pending.empty() && req.contentLength != 0)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    } else if ((method == "POST" || method == "PUT") && !path.startsWith("/pingscope/")) {
        refuse(404, u"unknown route %1: pings go to /submit/<namespace>/<docType>/<docVersion>/<docId>"_s.arg(
                        QString::fromLatin1(path.left(200))));
        return;
    }
    m_parser.continueWithBody();
}

RawSubmission HttpConnection::makeSubmission(HttpRequest &&request) const
{
    RawSubmission raw;
    raw.receivedAtUs = wallClockUs();
    raw.method = std::move(request.method);
    raw.path = std::move(request.path);
    raw.query = std::move(request.query);
    raw.headers = std::move(request.headers);
    raw.body = std::move(request.body);
    raw.declaredLength = request.contentLength;
    raw.peer = m_socket->peerAddress().toString() + u':' + QString::number(m_socket->peerPort());
    return raw;
}

void HttpConnection::onRequestComplete()
{
    HttpRequest req = m_parser.takeRequest();
    m_parser.reset();
    m_requestStartMs = 0;
    const bool close = !req.keepAlive;

    if (!isSubmitPath(req.path)) {
        // The API, the health routes and the index page: private to the user, no CORS.
        if (std::optional<QByteArray> refused = m_server->checkApiAccess(req, close)) {
            queueResponse(std::move(*refused), close);
            return;
        }
        if (req.method == "OPTIONS") {
            queueResponse(httpResponse(204, {}, {}, close, {{"Allow", "GET, POST, DELETE, OPTIONS"}}), close);
            return;
        }
        queueApi(std::move(req), close);
        return;
    }
    if (req.method == "OPTIONS") {
        // CORS preflight: allow any origin to POST/PUT pings with the Glean headers.
        QByteArray allowHeaders = req.header("access-control-request-headers");
        if (allowHeaders.isEmpty())
            allowHeaders = "content-type, content-encoding, date, x-debug-id, x-source-tags, "
                           "x-telemetry-agent, x-pingsender-version";
        QByteArray origin = req.header("origin");
        queueResponse(httpResponse(204, {}, {}, close,
                                   {kAnyOrigin,
                                    {"Access-Control-Allow-Methods", "POST, PUT, OPTIONS"},
                                    {"Access-Control-Allow-Headers", allowHeaders},
                                    {"Access-Control-Max-Age", "86400"},
                                    {"Allow", "POST, PUT, OPTIONS"}}),
                      close);
        return;
    }
    if (m_routeAccepted) {
        RawSubmission raw = makeSubmission(std::move(req));
        FaultDecision fault;
        if (const auto &faults = m_server->config().faults)
            fault = faults->decide(raw.path);
        if (fault.faulted) {
            raw.fault = fault.description;
            raw.answerStatus = fault.action != FaultRule::Action::Answer ? 0
                               : fault.status > 0                        ? fault.status
                                                                         : 200;
        }
        queueStored(std::move(raw), close, fault.faulted ? &fault : nullptr);
        return;
    }
    queueApi(std::move(req), close);
}

void HttpConnection::onParseError()
{
    const HttpRequest &req = m_parser.request();
    const qsizetype wanted = m_server->config().keptPrefixBytes;
    if (m_parser.errorStatus() == 413 && !req.method.isEmpty() && !req.expectContinue && req.body.isEmpty()) {
        // Refused at the headers: wait a moment for the body's first bytes (the client sends them
        // right behind), so that the record keeps them as it does for every other refusal.
        if (m_in.size() - m_inPos >= wanted) {
            finishPrefixCollection();
            return;
        }
        if (!m_collectingPrefix) {
            m_collectingPrefix = true;
            QTimer::singleShot(300, this, [this] {
                if (m_collectingPrefix)
                    finishPrefixCollection();
            });
        }
        return;
    }
    QString reason = QString::fromLatin1(m_parser.errorReason());
    // m_in starts at the current request's first byte; 16 03 opens a TLS ClientHello.
    if (m_parser.request().method.isEmpty() && m_in.size() >= 2 &&
        static_cast<unsigned char>(m_in[0]) == 0x16 && static_cast<unsigned char>(m_in[1]) == 0x03)
        reason = u"the client started a TLS handshake: this endpoint speaks plain HTTP (use http://, "
                 u"not https://)"_s;
    refuse(m_parser.errorStatus(), reason);
}

RawSubmission HttpConnection::refusedSubmission(int status, const QString &reason) const
{
    const CaptureConfig &cfg = m_server->config();
    const HttpRequest &req = m_parser.request();
    RawSubmission raw;
    raw.receivedAtUs = wallClockUs();
    raw.method = req.method;
    raw.path = req.path;
    raw.query = req.query;
    raw.headers = req.headers;
    raw.declaredLength = req.contentLength;
    raw.peer = m_socket->peerAddress().toString() + u':' + QString::number(m_socket->peerPort());
    raw.answerStatus = status;
    raw.refusedReason = reason;
    raw.bodyTruncated = true;
    if (req.method.isEmpty()) {
        // Nothing usable was parsed: keep the first bytes of what the client sent.
        raw.body = m_in.left(cfg.keptPrefixBytes);
    } else if (!req.body.isEmpty()) {
        raw.body = req.body.left(cfg.keptPrefixBytes);
    } else {
        raw.body = m_in.mid(m_inPos, cfg.keptPrefixBytes);
    }
    return raw;
}

void HttpConnection::refuse(int status, const QString &reason)
{
    const HttpRequest &req = m_parser.request();
    RawSubmission raw = refusedSubmission(status, reason);

    // Refusals of pings are stored so that "why didn't my ping arrive" has an answer; a
    // browser's GET of /favicon.ico is not a ping and is not kept.
    // Calls of the query API are never pings, whatever went wrong with them.
    const bool looksLikeSubmission =
        isSubmitPath(req.path) || req.method.isEmpty() ||
        ((req.method == "POST" || req.method == "PUT") && !req.path.startsWith("/pingscope/"));
    m_parser.reset();
    m_routeAccepted = false;
    if (looksLikeSubmission) {
        queueStored(std::move(raw), true);
    } else {
        queueResponse(httpResponse(status, "text/plain; charset=utf-8", reason.toUtf8() + '\n', true), true);
    }
    m_closing = true;
}

void HttpConnection::queueStored(RawSubmission &&raw, bool closeAfter, const FaultDecision *fault)
{
    const quint32 seq = m_nextSeq++;
    Pending p;
    p.seq = seq;
    p.closeAfter = closeAfter;
    p.status = raw.answerStatus;
    if (fault) {
        p.faulted = true;
        p.delayMs = fault->delayMs;
        p.retryAfter = fault->retryAfter;
        p.drop = fault->action == FaultRule::Action::Close   ? Pending::Drop::Close
                 : fault->action == FaultRule::Action::Reset ? Pending::Drop::Reset
                                                             : Pending::Drop::None;
        if (fault->status > 0)
            p.response = "pingscope fault rule: " + fault->description.toUtf8() + '\n';
    }
    p.charge = std::exchange(m_receivingCharge, 0); // held until the answer goes out
    if (!raw.refusedReason.isEmpty())
        p.response = raw.refusedReason.toUtf8() + '\n';
    m_pending.push_back(std::move(p));
    m_server->submit(std::move(raw), ticketOf(seq));
}

void HttpConnection::queueResponse(QByteArray response, bool closeAfter)
{
    Pending p;
    p.seq = m_nextSeq++;
    p.ready = true;
    p.closeAfter = closeAfter;
    p.response = std::move(response);
    m_pending.push_back(std::move(p));
    flushResponses();
}

void HttpConnection::queueApi(HttpRequest &&request, bool closeAfter)
{
    Pending p;
    p.seq = m_nextSeq++;
    p.closeAfter = closeAfter;
    const quint64 ticket = ticketOf(p.seq);
    m_pending.push_back(std::move(p));
    ++m_apiInFlight;
    m_server->submitApi(std::move(request), closeAfter, ticket);
}

quint64 HttpConnection::ticketOf(quint32 seq) const
{
    return (m_id << SeqBits) | (seq & ((quint32(1) << SeqBits) - 1));
}

HttpConnection::Pending *HttpConnection::unanswered(quint32 seq)
{
    constexpr quint32 mask = (quint32(1) << SeqBits) - 1;
    for (Pending &p : m_pending)
        if ((p.seq & mask) == seq && !p.ready)
            return &p;
    return nullptr;
}

void HttpConnection::resumeInputLater()
{
    if (!m_closing && (m_inPos < m_in.size() || m_socket->bytesAvailable() > 0))
        QMetaObject::invokeMethod(this, &HttpConnection::processInput, Qt::QueuedConnection);
}

void HttpConnection::endAfterLastAnswer()
{
    m_pending.clear();
    if (m_closing) {
        startLingeringClose();
    } else {
        m_closing = true;
        m_socket->disconnectFromHost();
    }
}

void HttpConnection::answerApi(quint32 seq, const QByteArray &response, bool more)
{
    if (Pending *p = unanswered(seq)) {
        p->response = response;
        p->ready = true;
        p->streams = more;
        --m_apiInFlight;
    } else if (more) {
        m_server->dropApiStream(ticketOf(seq));
    }
    flushResponses();
    if (m_apiInFlight == 0)
        resumeInputLater(); // the requests held back behind it may start
}

void HttpConnection::answerStored(quint32 seq, const WriteResult &result)
{
    if (Pending *p = unanswered(seq)) {
        int status = p->status;
        QByteArray body = p->response;
        QList<HttpHeader> extra{kAnyOrigin};
        m_server->releaseBody(std::exchange(p->charge, 0));
        if (result.ok && p->faulted) {
            if (p->retryAfter >= 0)
                extra.append(HttpHeader{"Retry-After", QByteArray::number(p->retryAfter)});
            extra.append(HttpHeader{"X-Pingscope-Fault", "1"});
        } else if (result.ok && (status == 503 || status == 507)) {
            extra.append(HttpHeader{"Retry-After", "1"}); // refused for now (the body budget): soon
        }
        if (!result.ok) {
            p->drop = Pending::Drop::None; // not kept: the client must hear it and send it again
            p->delayMs = 0;
            // Not kept: the client should send it again (Glean retries 5xx), once space frees.
            status = result.diskFull ? 507 : 503;
            extra.append(HttpHeader{"Retry-After", "10"});
            if (result.storeFull || result.storeGone)
                body = "the ping was not stored: " + result.error.toUtf8() + "\n";
            else
                body = (result.diskFull ? "the ping was not stored: the disk is full ("
                                        : "the ping was not stored (") +
                       result.error.toUtf8() + "); send it again later\n";
        } else {
            extra.append({"X-Pingscope-Id", QByteArray::number(result.id)});
        }
        p->response = httpResponse(status, body.isEmpty() ? QByteArray() : "text/plain; charset=utf-8", body,
                                   p->closeAfter, extra);
        if (p->delayMs > 0) {
            // A fault rule's delay: the answer (or the close) goes out that much later; the
            // answers behind it wait, as behind a slow server.
            p->delayed = true;
            QTimer::singleShot(p->delayMs, this, [this, full = p->seq] {
                for (Pending &q : m_pending)
                    if (q.seq == full && q.delayed) {
                        q.delayed = false;
                        q.ready = true;
                    }
                flushResponses();
            });
        } else {
            p->ready = true;
        }
    }
    flushResponses();
}

void HttpConnection::dropConnection(bool reset)
{
    for (const Pending &p : m_pending)
        m_server->releaseBody(p.charge);
    m_pending.clear();
    m_closing = true;
    m_in.clear();
    m_inPos = 0;
    if (reset) {
        // SO_LINGER 0: closing the last descriptor of the socket sends RST, not FIN.
        const linger lg{1, 0};
        const int fd = m_spareFd >= 0 ? m_spareFd : static_cast<int>(m_socket->socketDescriptor());
        if (fd >= 0)
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    releaseSpareDescriptor();
    if (m_peerGone) {
        m_server->connectionClosed(m_id);
        return;
    }
    if (reset)
        m_socket->abort();
    else
        m_socket->disconnectFromHost();
}

void HttpConnection::flushResponses()
{
    bool wrote = false;
    while (!m_streaming && m_outLarge.isEmpty() && !m_pending.empty() && m_pending.front().ready) {
        if (m_pending.front().drop != Pending::Drop::None) {
            dropConnection(m_pending.front().drop == Pending::Drop::Reset);
            return;
        }
        Pending p = std::move(m_pending.front());
        m_pending.pop_front();
        wrote = true;
        if (p.streams) {
            if (m_peerGone) {
                m_server->dropApiStream(ticketOf(p.seq));
                continue;
            }
            // An API list: its parts are made as the client reads them (pullApi).
            m_streaming = true;
            m_streamEnded = m_streamAwaiting = false;
            m_streamTicket = ticketOf(p.seq);
            m_outLargeClose = p.closeAfter;
            startLarge(std::move(p.response));
            return;
        }
        if (p.response.size() > kSliceBytes && !m_peerGone) {
            // A large answer goes out a slice at a time as the client reads it: no copy of it
            // in Qt's buffer, and the capture thread never spends long on one write.
            m_outLargeClose = p.closeAfter;
            startLarge(std::move(p.response));
            return;
        }
        writeOut(p.response);
        if (p.closeAfter) {
            if (m_peerGone) {
                m_pending.clear();
                break;
            }
            endAfterLastAnswer();
            return;
        }
    }
    if (m_peerGone) {
        if (m_pending.empty()) {
            ::shutdown(m_spareFd, SHUT_WR);
            m_server->connectionClosed(m_id);
        }
        return;
    }
    if (wrote)
        resumeInputLater(); // answers went out: requests held back by back-pressure may proceed
}

void HttpConnection::startLarge(QByteArray bytes)
{
    m_outLarge = std::move(bytes);
    m_outLargePos = 0;
    if (m_outLarge.isEmpty())
        finishLarge();
    else
        writeLargeSlice(); // bytesWritten carries on
}

void HttpConnection::apiPart(const QByteArray &part, bool more)
{
    if (!m_streaming)
        return;
    m_streamAwaiting = false;
    m_streamEnded = !more;
    if (m_peerGone) {
        if (more)
            m_server->dropApiStream(m_streamTicket);
        m_streamEnded = true;
        m_streaming = false;
        flushResponses();
        return;
    }
    startLarge(part);
}

void HttpConnection::writeLargeSlice()
{
    // Slices the kernel takes whole leave Qt nothing to write, so no bytesWritten would follow:
    // go on until one is (partly) left with Qt, or all is out.
    do {
        const qsizetype n = qMin<qsizetype>(kSliceBytes, m_outLarge.size() - m_outLargePos);
        writeOut(QByteArray::fromRawData(m_outLarge.constData() + m_outLargePos, n));
        m_outLargePos += n;
    } while (m_outLargePos < m_outLarge.size() && m_socket->bytesToWrite() == 0);
    if (m_outLargePos < m_outLarge.size())
        return;
    finishLarge();
}

void HttpConnection::finishLarge()
{
    m_outLarge = QByteArray();
    m_outLargePos = 0;
    if (m_streaming) {
        if (!m_streamEnded) {
            // The next part once this one is with the kernel or Qt: one part in memory at a time.
            if (!m_streamAwaiting) {
                m_streamAwaiting = true;
                m_server->pullApi(m_streamTicket);
            }
            return;
        }
        m_streaming = false;
    }
    if (m_outLargeClose) {
        endAfterLastAnswer();
        return;
    }
    flushResponses();
    resumeInputLater(); // requests held back while it went out may proceed
}

void HttpConnection::finishPrefixCollection()
{
    m_collectingPrefix = false;
    refuse(m_parser.errorStatus(), QString::fromLatin1(m_parser.errorReason()));
}

void HttpConnection::startLingeringClose()
{
    // After an error answer the client may still be sending its body. Closing at once would
    // make the kernel reset the connection and could destroy our answer before the client
    // read it; so shut our side down once the answer is written and drain input for a while.
    m_lingering = true;
    m_lingerStartMs = nowMs();
    m_in.clear();
    m_inPos = 0;
    if (m_socket->bytesToWrite() == 0)
        ::shutdown(static_cast<int>(m_socket->socketDescriptor()), SHUT_WR);
}

void HttpConnection::checkTimeouts(qint64 now)
{
    const CaptureConfig &cfg = m_server->config();
    if (m_peerGone) {
        if (now - m_peerGoneMs > 30'000) // the store never answered: give up on this client
            m_server->connectionClosed(m_id);
        return;
    }
    if (m_collectingPrefix)
        return;
    if (m_lingering) {
        if (now - m_lingerStartMs > 2000)
            m_socket->abort();
        return;
    }
    if (m_closing)
        return;
    if (!m_parser.isIdle() && m_requestStartMs > 0 && now - m_requestStartMs > cfg.requestTimeoutMs) {
        const qint64 got = m_parser.bodyReceived() + (m_parser.request().method.isEmpty() ? m_in.size() : 0);
        refuse(408, u"the client sent only part of its request (%1 bytes) within %2 s: connection dropped"_s
                        .arg(got)
                        .arg(cfg.requestTimeoutMs / 1000.0));
        return;
    }
    if (m_parser.isIdle() && m_pending.empty() && now - m_lastActivityMs > cfg.idleTimeoutMs) {
        m_closing = true;
        m_socket->disconnectFromHost();
    }
}

} // namespace pingscope
