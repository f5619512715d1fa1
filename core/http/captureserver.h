// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "http/apihandler.h"
#include "http/httpparser.h"
#include "http/submission.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>

class QThread;
class QTcpServer;
class QTcpSocket;
class QTimer;

namespace pingscope {

class FaultInjector;

struct CaptureConfig
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 9464;
    qint64 maxBody = 10 * 1024 * 1024; // larger bodies: 413
    qsizetype maxFieldBytes = 1024;    // path, query, recorded header value; larger: 431
    int requestTimeoutMs = 10'000;     // a request must arrive whole within this
    int idleTimeoutMs = 60'000;        // idle keep-alive connections are closed after this
    int maxConnections = 1000;
    // The fault rules in force (--fault, the Faults dialog, PUT /pingscope/v1/faults): shared
    // with whoever changes them; null: every ping is answered as usual.
    std::shared_ptr<FaultInjector> faults;
    qsizetype keptPrefixBytes = 4096; // bytes of a refused request's body that are kept
    int maxPendingPerConnection = 64; // pipelined requests awaiting their answer
    QByteArray apiToken;              // non-empty: /pingscope/ needs "Authorization: Bearer <token>"
    // Bodies being received or waiting for their answer, all connections together; a request
    // that would pass this gets 503 with Retry-After before its body is read.
    qint64 maxBodyBytesInFlight = 128 * 1024 * 1024;
};

struct FaultDecision;
class HttpConnection;

// The capture endpoint: a QTcpServer with our strict HTTP/1.1 parser.
//
// Threading: a CaptureServer and its connections live on one thread (the capture thread),
// never the GUI thread. Submissions leave through the submission handler (called on this
// thread); their answers come back through deliver(), which must be invoked on this thread
// (queued) once the store has committed them.
class CaptureServer : public QObject
{
    Q_OBJECT
public:
    using SubmissionHandler = std::function<void(RawSubmission &&, quint64 ticket)>;

    // Takes `api` (may be null: /pingscope/ then answers 503) and moves it to the API thread.
    CaptureServer(const CaptureConfig &config, ApiHandler *api, QObject *parent = nullptr);
    ~CaptureServer() override;

    void setSubmissionHandler(SubmissionHandler handler) { m_submit = std::move(handler); }
    bool listen(QString *error);
    quint16 port() const;
    QHostAddress address() const;
    const CaptureConfig &config() const { return m_config; }

    // Whether a Host value (or an origin's authority) names this endpoint: a loopback address,
    // localhost or the listen address, with the endpoint's port when a port is given.
    bool isOwnAuthority(QByteArrayView authority) const;
    // Everything but /submit/ is private to the user: a foreign Host (DNS rebinding), a foreign
    // Origin (a web page) or a missing token gets this answer; nullopt lets the request through.
    std::optional<QByteArray> checkApiAccess(const HttpRequest &req, bool close) const;

    // Answers the requests whose records were written (capture thread only).
    void deliver(const std::vector<WriteResult> &results);

    // Used by connections.
    void submit(RawSubmission &&raw, quint64 ticket);
    // Hands an API request to the API thread; its answer comes back to the connection.
    void submitApi(HttpRequest &&request, bool close, quint64 ticket);
    void pullApi(quint64 ticket);       // the next part of a streamed API answer
    void dropApiStream(quint64 ticket); // the connection went away before its end
    void connectionClosed(quint64 id);
    // The budget of body bytes in flight (capture thread only).
    bool chargeBody(qint64 bytes);
    void releaseBody(qint64 bytes);
    qint64 bodyBytesInFlight() const { return m_bodyBytesInFlight; }

private:
    void onNewConnection();
    void onAcceptError();
    void sweep();
    // At the connection cap: closes the keep-alive connection idle longest; false when none is idle.
    bool closeLongestIdle();
    bool haveDescriptorHeadroom() const;
    void pauseForDescriptors(const QString &why);
    bool m_acceptPaused = false;          // out of descriptors: the sweep resumes accepting
    qint64 m_acceptWarnedMs = -1'000'000; // said at most every 10 s

    CaptureConfig m_config;
    QTcpServer *m_server = nullptr;
    QTimer *m_sweepTimer = nullptr;
    QHash<quint64, HttpConnection *> m_connections;
    quint64 m_nextConnectionId = 1;
    SubmissionHandler m_submit;
    QThread *m_apiThread = nullptr;
    ApiHandler *m_apiWorker = nullptr;                                // lives on m_apiThread
    HttpConnection *connectionOf(quint64 ticket, quint32 *seq) const; // a request's connection and seq
    void deliverApi(quint64 ticket, const QByteArray &response, bool more);
    qint64 m_bodyBytesInFlight = 0;
};

// One client connection. Answers go out in request order (pipelining), each once its record
// is committed. Lives on the capture thread, owned by CaptureServer.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    static constexpr int SeqBits = 24;

    HttpConnection(quint64 id, QTcpSocket *socket, CaptureServer *server);
    ~HttpConnection() override;

    quint64 id() const { return m_id; }
    void answerApi(quint32 seq, const QByteArray &response, bool more);
    void apiPart(const QByteArray &part, bool more); // the next part of the answer streaming out
    // Between requests with nothing owed or buffered: may be closed to make room for another.
    bool isIdleKeepAlive() const;
    qint64 lastActivityMs() const { return m_lastActivityMs; }
    void closeIdle();
    // Pipelined input is read no further while this much waits unparsed, and requests are
    // parsed no further while this much of the answers is unsent (a client that never reads).
    static constexpr qsizetype kMaxBufferedInput = 256 * 1024;
    static constexpr qint64 kMaxUnsentBytes = 1024 * 1024;
    static constexpr qsizetype kSliceBytes = 256 * 1024; // larger answers are written in slices
    void answerStored(quint32 seq, const WriteResult &result);
    // Called by the server's sweep timer.
    void checkTimeouts(qint64 nowMs);

private:
    struct Pending
    {
        quint32 seq = 0;
        bool ready = false;
        bool closeAfter = false;
        int status = 0; // answer for a stored request (0: not known yet)
        QByteArray response;
        qint64 charge = 0;    // body bytes charged to the server's budget until answered
        bool streams = false; // an API answer whose body follows in parts (pullApi)
        // A fault rule's answer (FaultDecision): held back delayMs once stored, a Retry-After
        // header, or no answer at all (the connection closed or reset instead).
        enum class Drop : quint8
        {
            None,
            Close,
            Reset,
        };
        Drop drop = Drop::None;
        bool faulted = false;
        bool delayed = false; // the answer is made and waits for its delay
        int delayMs = 0;
        int retryAfter = -1;
    };

    void onReadyRead();
    void processInput();
    bool requestsPaused() const; // back-pressure: no new request is started
    void pullInput();            // reads what the socket has, within the limits
    void onHeadersComplete();
    void onRequestComplete();
    void onParseError();
    void refuse(int status, const QString &reason);
    void queueStored(RawSubmission &&raw, bool closeAfter, const FaultDecision *fault = nullptr);
    void dropConnection(bool reset); // a fault rule's close or reset, instead of an answer
    void queueResponse(QByteArray response, bool closeAfter);
    void queueApi(HttpRequest &&request, bool closeAfter); // answered on the API thread
    void flushResponses();
    quint64 ticketOf(quint32 seq) const; // names a request to the store and the API thread
    Pending *unanswered(quint32 seq);    // the request waiting for that answer, if still here
    void resumeInputLater();             // parses on once back-pressure has eased
    void endAfterLastAnswer();           // closes once a Connection: close answer is out
    void writeLargeSlice();              // the next slice of m_outLarge; what follows it once it is all out
    void startLingeringClose();
    void onDisconnected();
    void finishPrefixCollection();
    void storeAborted();
    void ensureSpareDescriptor();
    void releaseSpareDescriptor();
    void writeOut(const QByteArray &bytes);
    RawSubmission makeSubmission(HttpRequest &&request) const;
    RawSubmission refusedSubmission(int status, const QString &reason) const;

    quint64 m_id;
    QTcpSocket *m_socket;
    CaptureServer *m_server;
    HttpRequestParser m_parser;
    QByteArray m_in;
    qsizetype m_inPos = 0;
    std::deque<Pending> m_pending;
    quint32 m_nextSeq = 0;
    bool m_closing = false;       // no more requests are read
    bool m_lingering = false;     // write side shut; discarding input until EOF or timeout
    bool m_routeAccepted = false; // current request passed route checks
    qint64 m_requestStartMs = 0;
    qint64 m_lastActivityMs = 0;
    qint64 m_lingerStartMs = 0;
    // A 413 waits briefly for the body's first bytes, to keep them like every refusal's.
    bool m_collectingPrefix = false;
    // A second descriptor of the socket: Qt closes its own when the client half-closes (EOF),
    // and this one still carries the answers owed out.
    int m_spareFd = -1;
    bool m_peerGone = false;           // Qt's socket is closed; answers go out through m_spareFd
    int m_apiInFlight = 0;             // API requests of this connection not answered yet
    void startLarge(QByteArray bytes); // writes bytes a slice at a time; then finishLarge()
    void finishLarge();
    bool m_streaming = false;      // an API answer streams out: nothing else is written meanwhile
    bool m_streamEnded = false;    // its last part arrived
    bool m_streamAwaiting = false; // a part was asked for
    quint64 m_streamTicket = 0;
    QByteArray m_outLarge; // a large answer going out a slice at a time
    qsizetype m_outLargePos = 0;
    bool m_outLargeClose = false;
    qint64 m_receivingCharge = 0; // budget held by the request being received
    void releaseReceivingCharge();
    qint64 m_peerGoneMs = 0;
};

// The status line and headers of an HTTP/1.1 response, through the empty line. contentLength
// -1: none (a chunked body, which extraHeaders announce).
QByteArray httpHead(int status, const QByteArray &contentType, qint64 contentLength, bool close,
                    const QList<HttpHeader> &extraHeaders = {});
// HTTP/1.1 response bytes.
QByteArray httpResponse(int status, const QByteArray &contentType, const QByteArray &body, bool close,
                        const QList<HttpHeader> &extraHeaders = {});
QByteArray httpReasonPhrase(int status);

} // namespace pingscope
