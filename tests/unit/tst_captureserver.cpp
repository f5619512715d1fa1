// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "store/store.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kPath = "/submit/org-example-app/custom/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c";

QByteArray post(const QByteArray &body, const QList<HttpHeader> &headers = {}, const QByteArray &path = kPath)
{
    return buildRequest("POST", path, headers, body);
}

// The newest record in the engine's store.
std::optional<PingRecord> newest(TestEngine &e)
{
    StoreReader reader(e.dbPath());
    const auto list = reader.list({});
    if (list.empty())
        return std::nullopt;
    return reader.get(list.front().id);
}

qint64 storedCount(TestEngine &e)
{
    StoreReader reader(e.dbPath());
    return reader.count();
}

// Sends `bytes` on a new connection and closes it without reading an answer.
bool sendThenClose(quint16 port, const QByteArray &bytes)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(2000))
        return false;
    s.write(bytes);
    const bool written = s.waitForBytesWritten(2000);
    QTest::qWait(100);
    s.close();
    return written;
}

bool waitClosed(QTcpSocket &s, int ms)
{
    QElapsedTimer t;
    t.start();
    while (s.state() != QAbstractSocket::UnconnectedState && t.elapsed() < ms) {
        s.waitForReadyRead(50);
        s.readAll();
    }
    return s.state() == QAbstractSocket::UnconnectedState;
}

} // namespace

class TestCaptureServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void acceptsPostAndPutAfterCommit();
    void gzipDetectedFromBytes();
    void malformedRequests_data();
    void malformedRequests();
    void oversizedBodyRefusedBeforeBuffering();
    void oversizedBodySentWholeStillGets413();
    void longFields_data();
    void longFields();
    void wrongMethodAndRoute();
    void badPathAnswered200AndMarked();
    void gzipBombAndInvalidUtf8();
    void corsPreflight();
    void sendBeaconBody();
    void keepAliveAndPipelining();
    void expectContinue();
    void chunkedBody();
    void stalledClientDropped();
    void idleAndTricklingConnectionsDoNotBlockOthers();
    void tlsHandshakeExplained();
    void faultStatusAnswersButStores();
    void healthAndIndex();
    void apiIsPrivate();
    void connectionCapAnswers503();
    void idleConnectionsMakeRoom();
    void pipelinedInputHasBackPressure();
    void jsonBombStaysWithinTheBudget();
    void slowApiQueryNeverDelaysAnAck();
    void clearWhileCapturingLosesNothingAcknowledged();
    void bodyBytesInFlightAreBounded();
    void clientAbortsMidRequest();
    void halfClosedClientGetsItsAnswer();
    void refusedAt413KeepsFirstBytes();
    void apiTokenWhenConfigured();
    void hostilePayloadsThroughTheWholePipeline();
    void malformedJsonGetsAVerdict_data();
    void malformedJsonGetsAVerdict();

private:
    std::unique_ptr<TestEngine> m_engine;
};

void TestCaptureServer::init()
{
    CaptureConfig cfg;
    cfg.maxBody = 1024 * 1024;
    cfg.requestTimeoutMs = 1000;
    IngestOptions ingest;
    ingest.maxDecodedBytes = 4 * 1024 * 1024;
    m_engine = std::make_unique<TestEngine>(cfg, ingest);
    QVERIFY2(m_engine->ok(), qPrintable(m_engine->error()));
    QVERIFY(m_engine->port() != 0);
}

void TestCaptureServer::cleanup()
{
    m_engine.reset();
}

void TestCaptureServer::acceptsPostAndPutAfterCommit()
{
    const QByteArray body = "{\"ping_info\":{\"seq\":1}}";
    HttpResponse r = exchange(m_engine->port(), post(body, {{"X-Debug-ID", "t1"}}));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.isEmpty());
    const qint64 id = r.header("X-Pingscope-Id").toLongLong();
    QVERIFY(id > 0);
    // The answer came after the commit: a fresh reader sees the record at once.
    StoreReader reader(m_engine->dbPath());
    const auto rec = reader.get(id);
    QVERIFY(rec);
    QCOMPARE(rec->verdict, u"parsed"_s);
    QCOMPARE(rec->debugId, u"t1"_s);
    QCOMPARE(rec->payload, body);
    QCOMPARE(rec->statusCode, 200);
    QVERIFY(rec->peer.startsWith(u"127.0.0.1:"_s));

    r = exchange(m_engine->port(), buildRequest("PUT", kPath, {}, body));
    QCOMPARE(r.status, 200);
    QCOMPARE(newest(*m_engine)->method, u"PUT"_s);
}

void TestCaptureServer::gzipDetectedFromBytes()
{
    const QByteArray json = "{\"a\":\"" + QByteArray(3000, 'z') + "\"}";
    // gzip without a Content-Encoding header, and a plain body that claims gzip.
    QCOMPARE(exchange(m_engine->port(), post(gzip(json))).status, 200);
    auto rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"parsed"_s);
    QCOMPARE(rec->payload, json);
    QCOMPARE(rec->body, gzip(json));
    QCOMPARE(rec->decodedBytes, json.size());
    QCOMPARE(exchange(m_engine->port(), post(json, {{"Content-Encoding", "gzip"}})).status, 200);
    rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"parsed"_s);
    QCOMPARE(rec->contentEncoding, u"gzip"_s);
    QCOMPARE(rec->payload, json);
}

void TestCaptureServer::malformedRequests_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("stored");
    QTest::addRow("garbage line") << QByteArray("THIS IS NOT HTTP\r\n\r\n") << 400 << true;
    QTest::addRow("bad version") << QByteArray("POST " + kPath + " HTTP/9.Z\r\nHost: h\r\n\r\n") << 400
                                 << true;
    QTest::addRow("header without colon")
        << QByteArray("POST " + kPath + " HTTP/1.1\r\nHost h\r\nContent-Length: 2\r\n\r\n{}") << 400 << true;
    QTest::addRow("content-length abc")
        << QByteArray("POST " + kPath + " HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n{}") << 400
        << true;
    QTest::addRow("missing content-length")
        << QByteArray("POST " + kPath + " HTTP/1.1\r\nHost: h\r\n\r\n{}") << 411 << true;
    QTest::addRow("request line too long")
        << QByteArray("POST /submit/" + QByteArray(17000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n") << 414
        << true;
}

void TestCaptureServer::malformedRequests()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(bool, stored);
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(s.waitForConnected(2000));
    s.write(bytes);
    const HttpResponse r = readResponse(s);
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("Connection"), QByteArray("close"));
    QVERIFY(!r.body.isEmpty()); // the reason, in words
    QVERIFY(waitClosed(s, 4000));
    QCOMPARE(storedCount(*m_engine), stored ? 1 : 0);
    if (stored) {
        const auto rec = newest(*m_engine);
        QCOMPARE(rec->verdict, u"refused"_s);
        QCOMPARE(rec->statusCode, status);
        QVERIFY(rec->bodyTruncated);
        QVERIFY(!rec->body.isEmpty()); // the first bytes are kept
        QVERIFY(rec->body.size() <= 4096);
        QVERIFY(rec->errorsJson.contains(r.body.trimmed().left(20)));
    }
}

void TestCaptureServer::oversizedBodyRefusedBeforeBuffering()
{
    // Announce 2 MiB (limit 1 MiB) but send only the headers and a few bytes: the 413 must
    // come without the server waiting for (or buffering) the body.
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(s.waitForConnected(2000));
    s.write("POST " + kPath +
            " HTTP/1.1\r\nHost: h\r\nX-Debug-ID: big\r\nContent-Length: 2097152\r\n\r\n{\"start\"");
    const HttpResponse r = readResponse(s, 3000);
    QCOMPARE(r.status, 413);
    QVERIFY(r.body.contains("payload too large"));
    const auto rec = newest(*m_engine);
    QVERIFY(rec);
    QCOMPARE(rec->verdict, u"refused"_s);
    QCOMPARE(rec->statusCode, 413);
    QCOMPARE(rec->bodyBytes, 2097152);
    QCOMPARE(rec->debugId, u"big"_s);
    QCOMPARE(rec->body, QByteArray("{\"start\""));
}

void TestCaptureServer::oversizedBodySentWholeStillGets413()
{
    // A client that writes its whole body before reading still reads the 413 (lingering close).
    const QByteArray big(1024 * 1024 + 1, 'x');
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(s.waitForConnected(2000));
    s.write(post(big));
    const HttpResponse r = readResponse(s, 5000);
    QCOMPARE(r.status, 413);
    // Exactly at the limit is accepted.
    QCOMPARE(exchange(m_engine->port(), post(QByteArray(1024 * 1024, 'x'))).status, 200);
    QCOMPARE(newest(*m_engine)->verdict, u"not-json"_s);
}

void TestCaptureServer::longFields_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    const QByteArray long1025(1025, 'a');
    QTest::addRow("long x-debug-id") << post("{}", {{"X-Debug-ID", long1025}}) << 431;
    QTest::addRow("long user-agent") << post("{}", {{"User-Agent", long1025}}) << 431;
    QTest::addRow("long path") << post("{}", {}, "/submit/" + long1025) << 431;
    QTest::addRow("long query") << post("{}", {}, kPath + "?q=" + long1025) << 431;
    QTest::addRow("1024 bytes is fine") << post("{}", {{"X-Debug-ID", QByteArray(1024, 'a')}}) << 200;
    QTest::addRow("long unrecorded header is fine") << post("{}", {{"Cookie", long1025}}) << 200;
}

void TestCaptureServer::longFields()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    const HttpResponse r = exchange(m_engine->port(), bytes);
    QCOMPARE(r.status, status);
    const auto rec = newest(*m_engine);
    QVERIFY(rec);
    QCOMPARE(rec->statusCode, status);
    QCOMPARE(rec->verdict, status == 200 ? u"parsed"_s : u"refused"_s);
}

void TestCaptureServer::wrongMethodAndRoute()
{
    HttpResponse r = exchange(m_engine->port(), buildRequest("GET", kPath, {}, {}, false));
    QCOMPARE(r.status, 405);
    auto rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"refused"_s);
    QCOMPARE(rec->method, u"GET"_s);
    QVERIFY(rec->errorsJson.contains("not allowed"));

    r = exchange(m_engine->port(), buildRequest("DELETE", kPath, {}, {}, false));
    QCOMPARE(r.status, 405);

    r = exchange(m_engine->port(), post("{}", {}, "/collect/a/b/1/x"));
    QCOMPARE(r.status, 404);
    rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"refused"_s);
    QCOMPARE(rec->path, u"/collect/a/b/1/x"_s);
    QCOMPARE(storedCount(*m_engine), 3);

    // A browser's GET of /favicon.ico is answered but is not a ping: not stored.
    r = exchange(m_engine->port(), buildRequest("GET", "/favicon.ico", {}, {}, false));
    QCOMPARE(r.status, 404);
    QCOMPARE(storedCount(*m_engine), 3);
}

void TestCaptureServer::badPathAnswered200AndMarked()
{
    const HttpResponse r = exchange(m_engine->port(), post("{}", {}, "/submit/app/only-two"));
    QCOMPARE(r.status, 200); // like the edge
    const auto rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"bad-path"_s);
    QVERIFY(rec->errorsJson.contains("path parts"));
    QCOMPARE(rec->payload, QByteArray("{}"));
}

void TestCaptureServer::gzipBombAndInvalidUtf8()
{
    const QByteArray bomb = gzip(QByteArray(16 * 1024 * 1024, ' '));
    QVERIFY(bomb.size() < 100 * 1024);
    QCOMPARE(exchange(m_engine->port(), post(bomb)).status, 200);
    auto rec = newest(*m_engine);
    // Under 8 MiB the decoder would look inside: past --max-decoded Pingscope cannot.
    QCOMPARE(rec->verdict, u"too-large"_s);
    QVERIFY(rec->errorsJson.contains("inflates to more than 4194304 bytes"));
    QCOMPARE(rec->body, bomb);

    QCOMPARE(exchange(m_engine->port(), post("{\"s\":\"caf\xe9\"}")).status, 200);
    rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"bad-encoding"_s);
    QVERIFY(rec->errorsJson.contains("not valid UTF-8"));
    QVERIFY(rec->errorsJson.contains("offset 9"));
}

void TestCaptureServer::corsPreflight()
{
    const HttpResponse r =
        exchange(m_engine->port(), buildRequest("OPTIONS", kPath,
                                                {{"Origin", "http://127.0.0.1:8787"},
                                                 {"Access-Control-Request-Method", "POST"},
                                                 {"Access-Control-Request-Headers",
                                                  "content-encoding,content-type,x-debug-id,x-source-tags"}},
                                                {}, false));
    QCOMPARE(r.status, 204);
    QCOMPARE(r.header("Access-Control-Allow-Origin"), QByteArray("*"));
    QVERIFY(r.header("Access-Control-Allow-Methods").contains("POST"));
    QVERIFY(r.header("Access-Control-Allow-Methods").contains("PUT"));
    QVERIFY(r.header("Access-Control-Allow-Headers").contains("x-debug-id"));
    QCOMPARE(storedCount(*m_engine), 0);
    // The POST that follows carries the CORS header too.
    const HttpResponse p = exchange(m_engine->port(), post("{}", {{"Origin", "http://127.0.0.1:8787"}}));
    QCOMPARE(p.status, 200);
    QCOMPARE(p.header("Access-Control-Allow-Origin"), QByteArray("*"));
}

void TestCaptureServer::sendBeaconBody()
{
    // navigator.sendBeacon: text/plain, no gzip, no Glean headers.
    const QByteArray body = "{\"ping_info\":{\"seq\":0},\"client_info\":{\"client_id\":\"b\"}}";
    QCOMPARE(exchange(m_engine->port(), post(body, {{"Content-Type", "text/plain;charset=UTF-8"}})).status,
             200);
    const auto rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"parsed"_s);
    QCOMPARE(rec->contentType, u"text/plain;charset=UTF-8"_s);
    QCOMPARE(rec->clientId, u"b"_s);
    QVERIFY(rec->debugId.isEmpty());
}

void TestCaptureServer::keepAliveAndPipelining()
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(s.waitForConnected(2000));
    // Three pipelined requests in one write: three answers, in order.
    QByteArray three;
    for (int i = 0; i < 3; ++i)
        three += post("{\"n\":" + QByteArray::number(i) + "}", {{"X-Debug-ID", "p" + QByteArray::number(i)}});
    s.write(three);
    qint64 last = 0;
    for (int i = 0; i < 3; ++i) {
        const HttpResponse r = readResponse(s);
        QCOMPARE(r.status, 200);
        const qint64 id = r.header("X-Pingscope-Id").toLongLong();
        QVERIFY(id > last);
        last = id;
        StoreReader reader(m_engine->dbPath());
        QCOMPARE(reader.get(id)->debugId, u"p%1"_s.arg(i));
    }
    // The connection stays open for more.
    s.write(post("{}"));
    QCOMPARE(readResponse(s).status, 200);
    QCOMPARE(s.state(), QAbstractSocket::ConnectedState);
    // Many pipelined requests (more than the per-connection back-pressure window).
    QByteArray many;
    for (int i = 0; i < 200; ++i)
        many += post("{}");
    s.write(many);
    for (int i = 0; i < 200; ++i)
        QCOMPARE(readResponse(s).status, 200);
    QCOMPARE(storedCount(*m_engine), 204);
}

void TestCaptureServer::expectContinue()
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(s.waitForConnected(2000));
    s.write("POST " + kPath + " HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    QByteArray got;
    QElapsedTimer t;
    t.start();
    while (!got.contains("\r\n\r\n") && t.elapsed() < 2000 && s.waitForReadyRead(500))
        got += s.readAll();
    QVERIFY2(got.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), got.constData());
    s.write("{}");
    QCOMPARE(readResponse(s).status, 200);
}

void TestCaptureServer::chunkedBody()
{
    QByteArray req = "POST " + kPath +
                     " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
    QCOMPARE(exchange(m_engine->port(), req).status, 200);
    const auto rec = newest(*m_engine);
    QCOMPARE(rec->payload, QByteArray("{\"a\":1}"));
    QCOMPARE(rec->verdict, u"parsed"_s);
}

void TestCaptureServer::stalledClientDropped()
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(s.waitForConnected(2000));
    s.write("POST " + kPath + " HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n{\"partial\":");
    QElapsedTimer t;
    t.start();
    const HttpResponse r = readResponse(s, 5000);
    QCOMPARE(r.status, 408);
    QVERIFY(t.elapsed() >= 900);
    QVERIFY(waitClosed(s, 4000));
    const auto rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"refused"_s);
    QCOMPARE(rec->statusCode, 408);
    QCOMPARE(rec->body, QByteArray("{\"partial\":"));
}

void TestCaptureServer::idleAndTricklingConnectionsDoNotBlockOthers()
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 200; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(QHostAddress::LocalHost, m_engine->port());
        QVERIFY(s->waitForConnected(2000));
        if (i % 2) // half of them start a request and trickle
            s->write("POST " + kPath + " HTTP/1.1\r\nHo");
        s->flush();
        sockets.push_back(std::move(s));
    }
    QElapsedTimer t;
    t.start();
    for (int round = 0; round < 5; ++round) {
        for (size_t i = 1; i < sockets.size(); i += 2) {
            sockets[i]->write("x");
            sockets[i]->flush();
        }
        const HttpResponse r = exchange(m_engine->port(), post("{}"), 2000);
        QCOMPARE(r.status, 200);
    }
    QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
}

void TestCaptureServer::tlsHandshakeExplained()
{
    const QByteArray hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(s.waitForConnected(2000));
    s.write(hello + "\r\n");
    const HttpResponse r = readResponse(s);
    QCOMPARE(r.status, 400);
    QVERIFY(r.body.contains("TLS"));
    const auto rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"refused"_s);
    QVERIFY(rec->body.startsWith(hello));
}

void TestCaptureServer::faultStatusAnswersButStores()
{
    CaptureConfig cfg;
    cfg.faults = std::make_shared<FaultInjector>();
    cfg.faults->setRules({*parseFaultRule(u"status=503,retry-after=1", nullptr)});
    TestEngine e(cfg);
    QVERIFY(e.ok());
    const HttpResponse r = exchange(e.port(), post("{}"));
    QCOMPARE(r.status, 503);
    StoreReader reader(e.dbPath());
    QCOMPARE(reader.count(), 1);
    QCOMPARE(reader.list({}).front().statusCode, 503);
}

// Every request is kept: one the client gives up on halfway too, with what came of it.
void TestCaptureServer::clientAbortsMidRequest()
{
    const qint64 before = storedCount(*m_engine);
    QVERIFY(sendThenClose(m_engine->port(),
                          "POST " + kPath +
                              " HTTP/1.1\r\nHost: h\r\nX-Debug-ID: gone\r\nContent-Length: 1000\r\n\r\n" +
                              QByteArray(100, 'b')));
    QTRY_COMPARE_WITH_TIMEOUT(storedCount(*m_engine), before + 1, 5000);
    auto rec = newest(*m_engine);
    QCOMPARE(rec->verdict, u"refused"_s);
    QCOMPARE(rec->statusCode, 499);
    QCOMPARE(rec->debugId, u"gone"_s);
    QCOMPARE(rec->body, QByteArray(100, 'b'));
    QVERIFY2(rec->errorsJson.contains("after 100 of 1000 body bytes"), rec->errorsJson.constData());
    // In the middle of the headers.
    QVERIFY(sendThenClose(m_engine->port(), "POST " + kPath + " HTTP/1.1\r\nHost: h\r\nX-Debu"));
    QTRY_COMPARE_WITH_TIMEOUT(storedCount(*m_engine), before + 2, 5000);
    rec = newest(*m_engine);
    QCOMPARE(rec->statusCode, 499);
    QVERIFY(rec->body.startsWith("POST /submit/"));
    QVERIFY(rec->errorsJson.contains("middle of the request line and headers"));
    // A connection that opens and closes without a byte is no request.
    {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_engine->port());
        QVERIFY(s.waitForConnected(2000));
        s.close();
    }
    QTest::qWait(200);
    QCOMPARE(storedCount(*m_engine), before + 2);
}

// A client that sends its request and shuts its side (shutdown(SHUT_WR)) still reads the answer.
void TestCaptureServer::halfClosedClientGetsItsAnswer()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(m_engine->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    const QByteArray req = post("{\"half\": true}");
    QCOMPARE(::send(fd, req.constData(), size_t(req.size()), MSG_NOSIGNAL), ssize_t(req.size()));
    QCOMPARE(::shutdown(fd, SHUT_WR), 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    QByteArray answer;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        answer.append(buf, n);
    }
    ::close(fd);
    QVERIFY2(answer.startsWith("HTTP/1.1 200 OK"),
             qPrintable(u"got %1 bytes: "_s.arg(answer.size()) + QString::fromLatin1(answer.left(300))));
    const qsizetype at = answer.indexOf("X-Pingscope-Id: ");
    QVERIFY(at > 0);
    const qint64 id = answer.mid(at + 16, answer.indexOf('\r', at) - at - 16).toLongLong();
    StoreReader reader(m_engine->dbPath());
    QCOMPARE(reader.get(id)->payload, QByteArray("{\"half\": true}"));
}

// A 413 decided at the headers still keeps the first 4 KiB of the body, sent right behind them.
void TestCaptureServer::refusedAt413KeepsFirstBytes()
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(s.waitForConnected(2000));
    s.write("POST " + kPath + " HTTP/1.1\r\nHost: h\r\nContent-Length: 2097152\r\n\r\n");
    QVERIFY(s.waitForBytesWritten(2000));
    QTest::qWait(50);
    QByteArray body;
    for (int i = 0; body.size() < 64 * 1024; ++i)
        body += QByteArray::number(i) + ',';
    s.write(body);
    const HttpResponse r = readResponse(s, 5000);
    QCOMPARE(r.status, 413);
    const auto rec = newest(*m_engine);
    QCOMPARE(rec->statusCode, 413);
    QCOMPARE(rec->body, body.left(4096));
    // A client waiting for 100-continue gets its 413 at once, with no body to keep.
    QTcpSocket e;
    e.connectToHost(QHostAddress::LocalHost, m_engine->port());
    QVERIFY(e.waitForConnected(2000));
    QElapsedTimer t;
    t.start();
    e.write("POST " + kPath +
            " HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2097152\r\n\r\n");
    QCOMPARE(readResponse(e, 5000).status, 413);
    QVERIFY2(t.elapsed() < 290, qPrintable(QString::number(t.elapsed()))); // not the 300 ms wait for a body
}

void TestCaptureServer::connectionCapAnswers503()
{
    CaptureConfig cfg;
    cfg.maxConnections = 3;
    TestEngine engine(cfg, IngestOptions{});
    QVERIFY(engine.ok());
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<QTcpSocket>());
        held.back()->connectToHost(QHostAddress::LocalHost, engine.port());
        QVERIFY(held.back()->waitForConnected(2000));
        // A ping answered on it (the server has taken this connection), then the start of another:
        // busy, not idle, so it is not closed to make room.
        held.back()->write(post("{}"));
        QCOMPARE(readResponse(*held.back(), 5000).status, 200);
        held.back()->write("POST /submit/a/b/1/x HTTP/1.1\r\nHost: h\r\n");
        QVERIFY(held.back()->waitForBytesWritten(2000));
    }
    QTest::qWait(100);
    QTcpSocket extra;
    extra.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(extra.waitForConnected(2000));
    const HttpResponse r = readResponse(extra, 3000);
    QCOMPARE(r.status, 503);
    QCOMPARE(r.header("Retry-After"), QByteArray("1"));
    QVERIFY(r.body.contains("too many connections"));
    // A slot frees: the next client is served.
    held.pop_back();
    QList<int> seen;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 15000) {
        seen << exchange(engine.port(), post("{}"), 2000).status;
        if (seen.constLast() == 200)
            break;
        QTest::qWait(100);
    }
    QString statuses;
    for (int st : seen)
        statuses += QString::number(st) + u' ';
    QVERIFY2(!seen.isEmpty() && seen.constLast() == 200,
             qPrintable(statuses + u"after "_s + QString::number(t.elapsed())));
}

// At the cap, the keep-alive connection idle longest is closed for a newcomer: idle clients
// cannot lock others out (a client reopens a connection when it has something to send).
void TestCaptureServer::idleConnectionsMakeRoom()
{
    CaptureConfig cfg;
    cfg.maxConnections = 3;
    TestEngine engine(cfg, IngestOptions{});
    QVERIFY(engine.ok());
    std::vector<std::unique_ptr<QTcpSocket>> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(std::make_unique<QTcpSocket>());
        idle.back()->connectToHost(QHostAddress::LocalHost, engine.port());
        QVERIFY(idle.back()->waitForConnected(2000));
        idle.back()->write(post("{}"));
        QCOMPARE(readResponse(*idle.back(), 5000).status, 200);
        QTest::qWait(20); // distinct idle times: the first is the oldest
    }
    QElapsedTimer t;
    t.start();
    const HttpResponse r = exchange(engine.port(), post("{}"), 3000);
    QCOMPARE(r.status, 200);
    QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
    // The oldest was closed (end of stream), the others are still open.
    QTRY_COMPARE_WITH_TIMEOUT(idle[0]->state(), QAbstractSocket::UnconnectedState, 3000);
    QCOMPARE(idle[2]->state(), QAbstractSocket::ConnectedState);
    idle[2]->write(post("{}"));
    QCOMPARE(readResponse(*idle[2], 5000).status, 200);
}

// A client that pipelines faster than its requests are answered is not read without bound:
// with 64 requests awaiting answers the server stops reading the socket (the kernel's buffers
// fill and the client's writes stall), and it catches up once answers go out.
void TestCaptureServer::pipelinedInputHasBackPressure()
{
    CaptureConfig cfg;
    cfg.port = 0;
    CaptureServer server(cfg, nullptr);
    std::vector<quint64> held;
    bool answerAtOnce = false;
    server.setSubmissionHandler([&](RawSubmission &&, quint64 ticket) {
        if (!answerAtOnce) {
            held.push_back(ticket); // the store is "slow": nothing is answered yet
            return;
        }
        WriteResult r;
        r.ticket = ticket;
        r.ok = true;
        r.id = 1;
        QTimer::singleShot(0, &server, [&server, r] { server.deliver({r}); });
    });
    QString err;
    QVERIFY2(server.listen(&err), qPrintable(err));
    const QByteArray one = post(QByteArray(4000, ' ') + "{}");
    const int count = 16'000; // 64 MiB
    QByteArray stream;
    stream.reserve(one.size() * count);
    for (int i = 0; i < count; ++i)
        stream += one;
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(s.waitForConnected(2000));
    s.write(stream);
    QTest::qWait(1500);
    const qint64 taken = stream.size() - s.bytesToWrite();
    // 64 requests in the parser's hands, 256 KiB buffered, and what the kernel holds.
    QVERIFY2(taken < 24 * 1024 * 1024, qPrintable(u"%1 of %2 bytes taken"_s.arg(taken).arg(stream.size())));
    QCOMPARE(int(held.size()), cfg.maxPendingPerConnection);
    // A slow store: one answer every 5 ms. Each answer lets one request through, and no more is
    // read than those need (not a read buffer's worth per answer).
    QTimer trickle;
    auto answerOne = [&] {
        if (held.empty())
            return;
        WriteResult r;
        r.ticket = held.front();
        r.ok = true;
        r.id = 1;
        held.erase(held.begin());
        server.deliver({r});
    };
    QObject::connect(&trickle, &QTimer::timeout, &server, answerOne);
    trickle.start(5);
    QTest::qWait(1500);
    trickle.stop();
    const qint64 takenSlowly = stream.size() - s.bytesToWrite();
    QVERIFY2(takenSlowly < 24 * 1024 * 1024,
             qPrintable(u"%1 of %2 bytes taken while answers trickle"_s.arg(takenSlowly).arg(stream.size())));
    // The store catches up: everything goes through, each request answered once.
    answerAtOnce = true;
    std::vector<WriteResult> results;
    for (quint64 t : held) {
        WriteResult r;
        r.ticket = t;
        r.ok = true;
        r.id = 1;
        results.push_back(r);
    }
    server.deliver(results);
    int answered = 0;
    QByteArray in;
    QElapsedTimer t;
    t.start();
    while (answered < count && t.elapsed() < 60000) {
        QTest::qWait(20);
        in += s.readAll();
        qsizetype pos = 0;
        while ((pos = in.indexOf("HTTP/1.1 200", pos)) >= 0) {
            ++answered;
            pos += 12;
        }
        in = in.right(11); // a match cut at the end is counted next time, none twice
    }
    QCOMPARE(answered, count);
}

// A gzip JSON bomb (a small body inflating to millions of values) is never parsed past the
// memory budget: it is kept with the verdict too-large, the process's peak grows by far less
// than a parse would take, and an ordinary ping sent meanwhile is answered at once (the bomb
// is worked on in the large lane). A large body within the budget is parsed as usual.
void TestCaptureServer::jsonBombStaysWithinTheBudget()
{
    // 128 MiB: 32 for bodies, 16 to inflate, 20 for the ordinary lane, 60 to parse one body.
    TestEngine engine(CaptureConfig{}, IngestOptions{}, true, 128LL << 20);
    QVERIFY(engine.ok());
    QByteArray values;
    values.reserve(7 << 20);
    values += '[';
    while (values.size() < (7 << 20) - 4)
        values += "[],";
    values += "[]]";
    const QByteArray bomb = gzip(values);
    QVERIFY(bomb.size() < 200 * 1024);
    // Under production's 8 MiB; a parse of it would take about 120 MB with nlohmann (2.4 million
    // values), twice what the budget leaves.
    QFile clear(u"/proc/self/clear_refs"_s);
    const bool peakReset = clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
    clear.close();
    const qint64 peakBefore = procStatusKb("VmHWM:");
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(s.waitForConnected(2000));
    s.write(post(bomb, {{"Content-Encoding", "gzip"}}));
    QVERIFY(s.waitForBytesWritten(2000));
    QTest::qWait(20);
    QElapsedTimer t;
    t.start();
    const HttpResponse normal = exchange(engine.port(), post("{}"), 10000);
    const qint64 normalMs = t.elapsed();
    QCOMPARE(normal.status, 200);
    const HttpResponse r = readResponse(s, 30000);
    QCOMPARE(r.status, 200);
    StoreReader reader(engine.dbPath());
    const auto rec = reader.get(r.header("X-Pingscope-Id").toLongLong());
    QVERIFY(rec);
    QCOMPARE(rec->verdict, u"too-large"_s);
    QVERIFY2(rec->errorsJson.contains("too large to inspect here: 2446678 JSON values"),
             rec->errorsJson.constData());
    QVERIFY2(!rec->pipelineJson.contains("error_table"), rec->pipelineJson.constData()); // not known
    QCOMPARE(rec->body, bomb);
    qInfo("ordinary ping answered in %lld ms during the bomb; peak RSS %lld -> %lld MB (reset: %d)", normalMs,
          peakBefore / 1024, procStatusKb("VmHWM:") / 1024, peakReset);
    QVERIFY2(normalMs < 2000, qPrintable(QString::number(normalMs)));
    if (peakReset)
        QVERIFY2(procStatusKb("VmHWM:") - peakBefore < 60 * 1024,
                 qPrintable(u"peak grew by %1 MB"_s.arg((procStatusKb("VmHWM:") - peakBefore) / 1024)));

    // 1.5 MiB of the same shape fits the budget (in the large lane): parsed and checked as usual.
    QByteArray small = "{\"ping_info\": " + values.left(1 + 3 * 500000) + "[]]}"; // ends after a comma
    const HttpResponse ok = exchange(engine.port(), post(gzip(small), {{"Content-Encoding", "gzip"}}), 30000);
    QCOMPARE(ok.status, 200);
    const auto parsed = reader.get(ok.header("X-Pingscope-Id").toLongLong());
    QVERIFY(parsed);
    QVERIFY2(parsed->verdict != u"too-large"_s && parsed->verdict != u"not-json"_s,
             qPrintable(parsed->verdict));
}

// The query API answers on its own thread: a slow query (100,000 summaries of a large store)
// does not hold up the answer to a ping sent while it runs.
void TestCaptureServer::slowApiQueryNeverDelaysAnAck()
{
    TestEngine engine;
    QVERIFY(engine.ok());
    Store *store = engine.engine().store();
    std::vector<std::pair<PingRecord, quint64>> records;
    for (int i = 0; i < 60'000; ++i) {
        PingRecord r;
        r.receivedAtUs = 1'700'000'000'000'000LL + i;
        r.method = u"POST"_s;
        r.path = u"/submit/firefox-desktop/baseline/1/%1"_s.arg(i);
        r.ns = u"firefox-desktop"_s;
        r.docType = u"baseline"_s;
        r.docVersion = u"1"_s;
        r.docId = QString::number(i);
        r.verdict = u"valid"_s;
        r.statusCode = 200;
        r.schemaKey = u"glean/glean/glean.1.schema.json"_s;
        r.pipelineJson =
            R"({"table":"moz-fx-data-shared-prod.firefox_desktop_live.baseline_v1","sample_id":42})";
        records.emplace_back(std::move(r), 0);
    }
    store->enqueue(std::move(records));
    store->flush();
    QTcpSocket api;
    api.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(api.waitForConnected(2000));
    QElapsedTimer query;
    query.start();
    api.write(buildRequest("GET", "/pingscope/v1/pings?limit=100000", {}, {}, false));
    QVERIFY(api.waitForBytesWritten(2000));
    QTest::qWait(30); // the query is under way
    QElapsedTimer ack;
    ack.start();
    const HttpResponse r = exchange(engine.port(), post("{}"), 10000);
    const qint64 ackMs = ack.elapsed();
    QCOMPARE(r.status, 200);
    const HttpResponse list = readResponse(api, 60000);
    const qint64 queryMs = query.elapsed();
    QCOMPARE(list.status, 200);
    qInfo("ack %lld ms while a %lld ms query of 60,000 summaries ran", ackMs, queryMs);
    // A large answer goes out in slices; what was pipelined behind it follows, in order.
    QTcpSocket piped;
    piped.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(piped.waitForConnected(2000));
    piped.write(buildRequest("GET", "/pingscope/v1/pings?limit=30000", {}, {}, false) +
                buildRequest("GET", "/pingscope/v1/stats", {}, {}, false) + post("{}"));
    const HttpResponse big = readResponse(piped, 60000);
    QCOMPARE(big.status, 200);
    QVERIFY(big.body.startsWith('[') && big.body.endsWith("]\n"));
    QCOMPARE(big.body.count("\"received_at_us\":"), 30000); // one per summary
    const HttpResponse stats = readResponse(piped, 10000);
    QCOMPARE(stats.status, 200);
    QVERIFY2(stats.body.contains("\"total\":60001"), stats.body.constData()); // and the ping sent above
    QCOMPARE(readResponse(piped, 10000).status, 200);
    if (queryMs < 200)
        QSKIP("the query was too quick here to show anything");
    QVERIFY2(ackMs < queryMs / 2, qPrintable(u"ack took %1 ms, the query %2 ms"_s.arg(ackMs).arg(queryMs)));
}

// DELETE /pingscope/v1/pings while pings keep coming: capture never stops (every ping is
// answered 200), and every ping acknowledged after the clear was answered is in the store.
void TestCaptureServer::clearWhileCapturingLosesNothingAcknowledged()
{
    TestEngine engine;
    QVERIFY(engine.ok());
    auto docId = [](int n) -> QByteArray {
        return "00000000-0000-4000-8000-" + QByteArray::number(n).rightJustified(12, '0');
    };
    for (int n = 0; n < 200; ++n)
        QCOMPARE(exchange(engine.port(), post("{}", {}, "/submit/app/ping/1/" + docId(n))).status, 200);
    QTcpSocket api;
    api.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(api.waitForConnected(2000));
    api.write(buildRequest("DELETE", "/pingscope/v1/pings", {}, {}, false));
    QVERIFY(api.waitForBytesWritten(2000));
    QSet<QByteArray> ackedAfter;
    bool clearAnswered = false;
    for (int n = 200; n < 400; ++n) {
        const HttpResponse r = exchange(engine.port(), post("{}", {}, "/submit/app/ping/1/" + docId(n)));
        QCOMPARE(r.status, 200);
        if (!clearAnswered && api.bytesAvailable() > 0) {
            const HttpResponse c = readResponse(api, 5000);
            QCOMPARE(c.status, 200);
            clearAnswered = true;
            continue; // this one may have been before or after the clear
        }
        if (clearAnswered)
            ackedAfter.insert(docId(n));
    }
    if (!clearAnswered) {
        QCOMPARE(readResponse(api, 10000).status, 200);
    }
    StoreReader reader(engine.dbPath());
    PingQuery q;
    q.limit = -1;
    QSet<QByteArray> stored;
    for (const PingRecord &r : reader.list(q))
        stored.insert(r.docId.toLatin1());
    for (const QByteArray &id : std::as_const(ackedAfter))
        QVERIFY2(stored.contains(id), id.constData());
    QVERIFY(!stored.contains(docId(0))); // from before the clear
    QVERIFY(stored.size() < 400);
}

// Bodies in flight, all connections together, stay under the budget: past it a request gets
// 503 with Retry-After before its body is read, and the budget frees as answers go out.
void TestCaptureServer::bodyBytesInFlightAreBounded()
{
    CaptureConfig cfg;
    cfg.maxBody = 1024 * 1024;
    cfg.maxBodyBytesInFlight = 2 * 1024 * 1024 + 512 * 1024; // two 1 MiB bodies fit, a third does not
    TestEngine engine(cfg, IngestOptions{});
    QVERIFY(engine.ok());
    const QByteArray head = "POST " + kPath + " HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n";
    std::vector<std::unique_ptr<QTcpSocket>> slow;
    for (int i = 0; i < 2; ++i) {
        slow.push_back(std::make_unique<QTcpSocket>());
        slow.back()->connectToHost(QHostAddress::LocalHost, engine.port());
        QVERIFY(slow.back()->waitForConnected(2000));
        slow.back()->write(head + QByteArray(1000, 'x')); // the rest of the body is still to come
        QVERIFY(slow.back()->waitForBytesWritten(2000));
    }
    QTest::qWait(100);
    QTcpSocket third;
    third.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(third.waitForConnected(2000));
    third.write(head);
    HttpResponse r = readResponse(third, 3000);
    QCOMPARE(r.status, 503);
    QCOMPARE(r.header("Retry-After"), QByteArray("1"));
    QVERIFY(r.body.contains("in flight"));
    // Small pings still fit, and are not held up.
    QCOMPARE(exchange(engine.port(), post("{}")).status, 200);
    // The first slow body completes and is answered: its share is free again.
    slow[0]->write(QByteArray(1048576 - 1000, 'x'));
    QCOMPARE(readResponse(*slow[0], 5000).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(exchange(engine.port(), post(QByteArray(1048576, 'y'))).status, 200, 3000);
    // A connection that dies mid-body gives its share back too: two new slow bodies fit again.
    slow[1]->abort();
    QTest::qWait(200);
    std::vector<std::unique_ptr<QTcpSocket>> again;
    for (int i = 0; i < 2; ++i) {
        again.push_back(std::make_unique<QTcpSocket>());
        again.back()->connectToHost(QHostAddress::LocalHost, engine.port());
        QVERIFY(again.back()->waitForConnected(2000));
        again.back()->write(head);
        QVERIFY(again.back()->waitForBytesWritten(2000));
    }
    QTest::qWait(200);
    for (auto &c : again) {
        c->waitForReadyRead(50);
        QVERIFY2(c->bytesAvailable() == 0, c->readAll().constData()); // not refused
    }
}

// The query API answers the user's own tools, never a web page or a rebinding DNS name.
void TestCaptureServer::apiIsPrivate()
{
    const quint16 port = m_engine->port();
    const QByteArray own = "127.0.0.1:" + QByteArray::number(port);
    QCOMPARE(exchange(port, post("{}")).header("Access-Control-Allow-Origin"),
             QByteArray("*")); // pings: any origin
    const qint64 stored = storedCount(*m_engine);

    struct Probe
    {
        QList<HttpHeader> headers;
        int status;
    };
    const QList<Probe> probes = {
        {{{"Host", own}}, 200},
        {{{"Host", "localhost:" + QByteArray::number(port)}}, 200},
        {{{"Host", "[::1]:" + QByteArray::number(port)}}, 200},
        {{{"Host", "127.0.0.1"}}, 200},
        {{{"Host", own}, {"Origin", "http://" + own}}, 200}, // the endpoint itself
        {{{"Host", own}, {"Origin", "http://localhost:" + QByteArray::number(port)}}, 200},
        {{{"Host", own}, {"Origin", "https://evil.example"}}, 403},    // any other page
        {{{"Host", own}, {"Origin", "null"}}, 403},                    // sandboxed iframe, file://
        {{{"Host", own}, {"Origin", "http://127.0.0.1:1"}}, 403},      // another local port
        {{{"Host", "evil.example:" + QByteArray::number(port)}}, 403}, // DNS rebinding
        {{{"Host", "127.0.0.1.nip.io:" + QByteArray::number(port)}}, 403},
        {{{"Host", "127.0.0.1:1"}}, 403},
        {{{"Host", "[::1"}}, 403},
    };
    for (const Probe &pr : probes) {
        for (const QByteArray &path : {QByteArray("/pingscope/v1/pings"), QByteArray("/pingscope/v1/stats"),
                                       QByteArray("/pingscope/v1/schemas"), QByteArray("/__heartbeat__")}) {
            const HttpResponse r = exchange(port, buildRequest("GET", path, pr.headers, {}));
            QVERIFY2(r.status == pr.status,
                     qPrintable(u"%1 %2: %3 %4"_s.arg(QString::fromLatin1(path))
                                    .arg(QString::fromLatin1(pr.headers.constLast().value))
                                    .arg(r.status)
                                    .arg(QString::fromUtf8(r.body))));
            QVERIFY(r.header("Access-Control-Allow-Origin").isEmpty()); // never, on any answer of the API
            if (r.status == 403)
                QVERIFY(r.body.startsWith("refused: "));
        }
    }
    // A preflight from a page gets no CORS grant (so the page cannot send DELETE or JSON POSTs).
    HttpResponse r = exchange(port, buildRequest("OPTIONS", "/pingscope/v1/pings",
                                                 {{"Host", own},
                                                  {"Origin", "https://evil.example"},
                                                  {"Access-Control-Request-Method", "DELETE"}},
                                                 {}));
    QCOMPARE(r.status, 403);
    QVERIFY(r.header("Access-Control-Allow-Origin").isEmpty());
    QVERIFY(r.header("Access-Control-Allow-Methods").isEmpty());
    // State changes need a method or content type that a page cannot send without a preflight.
    r = exchange(port, buildRequest("POST", "/pingscope/v1/revalidate",
                                    {{"Host", own}, {"Content-Type", "text/plain"}}, "{}"));
    QCOMPARE(r.status, 415);
    r = exchange(port, buildRequest("POST", "/pingscope/v1/revalidate", {{"Host", own}}, {}));
    QCOMPARE(r.status, 415);
    r = exchange(port, buildRequest("GET", "/pingscope/v1/revalidate?start=1", {{"Host", own}}, {}));
    QVERIFY(r.status != 202);
    // A refused API call, a wrong method on the API, an API call with too big a body: none of
    // them becomes a ping record.
    r = exchange(port, buildRequest("PATCH", "/pingscope/v1/pings", {{"Host", own}}, "x"));
    QCOMPARE(r.status, 405);
    r = exchange(
        port, buildRequest("POST", "/pingscope/v1/pings", {{"Host", own}}, QByteArray(2 * 1024 * 1024, 'x')));
    QCOMPARE(r.status, 413);
    r = exchange(port, buildRequest("DELETE", "/pingscope/v1/pings", {{"Host", "evil.example"}}, {}));
    QCOMPARE(r.status, 403);
    QCOMPARE(storedCount(*m_engine), stored);
}

void TestCaptureServer::apiTokenWhenConfigured()
{
    CaptureConfig cfg;
    cfg.apiToken = "0123456789abcdef0123456789abcdef";
    TestEngine engine(cfg, IngestOptions{});
    QVERIFY2(engine.ok(), qPrintable(engine.error()));
    const quint16 port = engine.port();
    // Pings and health checks need no token; the API does.
    QCOMPARE(exchange(port, post("{}")).status, 200);
    QCOMPARE(exchange(port, buildRequest("GET", "/__heartbeat__", {}, {})).status, 200);
    HttpResponse r = exchange(port, buildRequest("GET", "/pingscope/v1/pings", {}, {}));
    QCOMPARE(r.status, 401);
    QVERIFY(r.header("WWW-Authenticate").startsWith("Bearer"));
    QCOMPARE(
        exchange(port, buildRequest("GET", "/pingscope/v1/pings", {{"Authorization", "Bearer nope"}}, {}))
            .status,
        401);
    QCOMPARE(exchange(port, buildRequest("GET", "/pingscope/v1/pings",
                                         {{"Authorization", "Bearer 0123456789abcdef0123456789abcdeX"}}, {}))
                 .status,
             401);
    r = exchange(
        port, buildRequest("GET", "/pingscope/v1/pings", {{"Authorization", "Bearer " + cfg.apiToken}}, {}));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("\"id\""));
}

void TestCaptureServer::healthAndIndex()
{
    HttpResponse r = exchange(m_engine->port(), buildRequest("GET", "/__heartbeat__", {}, {}, false));
    QCOMPARE(r.status, 200);
    r = exchange(m_engine->port(), buildRequest("GET", "/", {}, {}, false));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("/submit/"));
    QCOMPARE(storedCount(*m_engine), 0);
}

void TestCaptureServer::hostilePayloadsThroughTheWholePipeline()
{
    // Untrusted pings, with schema validation on: a 1,000,000-character url metric under the
    // Glean url pattern, 100,000 levels of nesting, a 1 MiB key. Each is answered, stored, and
    // readable through the query API.
    TestEngine e(CaptureConfig{}, IngestOptions{}, true);
    QVERIFY(e.ok());
    const QByteArray info = R"("ping_info": {"seq": 1, "start_time": "2026-11-23T02:19:24+00:00",
        "end_time": "2026-11-23T02:19:25+00:00"}, "client_info": {"telemetry_sdk_build": "1",
        "app_build": "1", "app_display_version": "1", "architecture": "x", "os": "Linux",
        "os_version": "6", "first_run_date": "2026-11-23+00:00"})";
    const QByteArray longUrl = "{" + info + R"(, "metrics": {"url": {"app.page": "https://example.com/)" +
                               QByteArray(1'000'000, 'a') + "\"}}}";
    const QByteArray deep = "{" + info + R"(, "metrics": {"object": {"app.deep": )" +
                            QByteArray(100'000, '[') + QByteArray(100'000, ']') + "}}}";
    const QByteArray bigKey = "{" + info + R"(, "extra": {")" + QByteArray(1024 * 1024, 'k') + "\": 1}}";
    for (const QByteArray &body : {longUrl, deep, bigKey}) {
        const HttpResponse r = exchange(e.port(), post(body), 20000);
        QCOMPARE(r.status, 200);
        const QByteArray id = r.header("X-Pingscope-Id");
        const HttpResponse d =
            exchange(e.port(), buildRequest("GET", "/pingscope/v1/pings/" + id, {}, {}, false), 20000);
        QCOMPARE(d.status, 200);
        QVERIFY(d.body.contains("\"verdict\""));
    }
    StoreReader reader(e.dbPath());
    QCOMPARE(reader.count(), 3);
    const auto url = reader.get(1);
    // org-example-app is not in the registry: unregistered, with the generic schema's result.
    QVERIFY2(url->verdict == u"unregistered"_s, qPrintable(url->verdict));
    QVERIFY(url->pipelineJson.contains("\"generic_valid\""));
    // Production's parser stops at 1,000 levels (Jackson's StreamReadConstraints): not JSON to it.
    const auto deepRec = reader.get(2);
    QVERIFY2(deepRec->verdict == u"not-json"_s, qPrintable(deepRec->verdict));
    QVERIFY2(deepRec->errorsJson.contains("nesting depth (1001) exceeds the maximum allowed (1000"),
             deepRec->errorsJson.constData());
}

void TestCaptureServer::malformedJsonGetsAVerdict_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("verdicts"); // any of these
    QTest::addColumn<QByteArray>("payloadHas");
    const QByteArray ping = R"({"ping_info": {"seq": 1, "start_time": "2026-11-23T02:19:24+00:00",
        "end_time": "2026-11-23T02:19:25+00:00"}, "client_info": {"telemetry_sdk_build": "1",
        "app_build": "1", "app_display_version": "1", "architecture": "x", "os": "Linux",
        "os_version": "6", "first_run_date": "2026-11-23+00:00", "client_id": "a670d57c-0bc6-4205-9be7-fc8f50aad72f"},
        "metrics": {"quantity": {"app.n": VALUE}}})";
    auto with = [&](const QByteArray &value) { return QByteArray(ping).replace("VALUE", value); };
    // What production's parser does with each (Jackson 2.15 readTree, defaults; README "How
    // bodies are read"), then its decoder.
    const QStringList parses = {u"valid"_s, u"invalid"_s};
    // Infinity: validation's conversion throws NumberFormatException, which the decoder does not catch.
    QTest::addRow("1e400") << with("1e400") << QStringList{u"dropped"_s}
                           << QByteArray("NumberFormatException");
    QTest::addRow("-1e400") << with("-1e400") << QStringList{u"dropped"_s} << QByteArray("at byte 413");
    QTest::addRow("-0") << with("-0") << QStringList{u"valid"_s} << QByteArray();
    QTest::addRow("2^64+1") << with("18446744073709551617") << parses << QByteArray();
    QTest::addRow("-2^63-1") << with("-9223372036854775809") << parses << QByteArray();
    QTest::addRow("400-digit integer")
        << with(QByteArray(400, '9')) << parses << QByteArray("number-overflow");
    QTest::addRow("1001-digit integer") << with(QByteArray(1001, '9')) << QStringList{u"not-json"_s}
                                        << QByteArray("Number value length (1001) exceeds");
    // Jackson, like nlohmann, keeps the last of duplicate keys: the validated value is 2.
    QTest::addRow("duplicate keys") << QByteArray(ping).replace("\"app.n\": VALUE",
                                                                "\"app.n\": \"x\", \"app.n\": 2")
                                    << QStringList{u"valid"_s} << QByteArray();
    QTest::addRow("BOM") << QByteArray("\xEF\xBB\xBF") + with("1") << QStringList{u"valid"_s}
                         << QByteArray(); // skipped, as Jackson does
    QTest::addRow("escaped NUL") << QByteArray(ping).replace(
                                        "\"app.n\": VALUE",
                                        "\"app.n\": 1}, \"string\": {\"app.s\": \"a\\u0000b\"")
                                 << QStringList{u"valid"_s} << QByteArray();
    // The NUL inside the literal: its length from sizeof, not counted by hand (ASan caught 47 for 38).
    static constexpr char rawNul[] = "\"app.n\": 1}, \"string\": {\"app.s\": \"a\0b\"";
    QTest::addRow("raw NUL in string")
        << QByteArray(ping).replace("\"app.n\": VALUE", QByteArray(rawNul, sizeof rawNul - 1))
        << QStringList{u"not-json"_s} << QByteArray("control character");
    // Jackson stops after the first value: what follows is ignored, NUL or not.
    QTest::addRow("NUL after the document")
        << with("1") + QByteArray("\0garbage", 8) << QStringList{u"valid"_s} << QByteArray("trailing-data");
    QTest::addRow("garbage after the document")
        << with("1") + "garbage" << QStringList{u"valid"_s} << QByteArray("7 bytes after the JSON document");
    QTest::addRow("two documents") << with("1") + "{}" << QStringList{u"valid"_s}
                                   << QByteArray("trailing-data");
    QTest::addRow("lone surrogate") << QByteArray(ping).replace(
                                           "\"app.n\": VALUE",
                                           "\"app.n\": 1}, \"string\": {\"app.s\": \"\\ud800\"")
                                    << QStringList{u"valid"_s} << QByteArray("lone-surrogate");
    QTest::addRow("10^6-deep arrays") << with(QByteArray(1'000'000, '[') + QByteArray(1'000'000, ']'))
                                      << QStringList{u"not-json"_s} << QByteArray("nesting depth (1001)");
    QByteArray keys = "{";
    for (int i = 0; i < 100'000; ++i)
        keys += "\"k" + QByteArray::number(i) + "\": " + QByteArray::number(i) + ',';
    keys += "\"end\": 0}";
    QTest::addRow("10^5 keys") << with("1").replace("\"metrics\"",
                                                    QByteArray("\"extra\": " + keys + ", \"metrics\""))
                               << QStringList{u"invalid"_s} << QByteArray(); // "extra" is not in the schema
    QTest::addRow("10 MB string") << with("\"" + QByteArray(10'000'000, 's') + "\"")
                                  << QStringList{u"rejected"_s} << QByteArray();
}

// Hostile but well-formed-looking JSON: every body is answered, stored, gets a verdict and can
// be read back through the API; nothing crashes or hangs.
void TestCaptureServer::malformedJsonGetsAVerdict()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, verdicts);
    static std::unique_ptr<TestEngine> engine;
    if (!engine) {
        CaptureConfig cfg;
        cfg.maxBody = 16 * 1024 * 1024;
        engine = std::make_unique<TestEngine>(cfg, IngestOptions{}, true);
        QVERIFY(engine->ok());
    }
    const HttpResponse r =
        exchange(engine->port(),
                 post(body, {{"X-Telemetry-Agent", "Glean/60.0.0 (Rust on Linux)"}},
                      "/submit/firefox-desktop/baseline/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c"),
                 30000);
    QCOMPARE(r.status, 200);
    const QByteArray id = r.header("X-Pingscope-Id");
    const HttpResponse d =
        exchange(engine->port(), buildRequest("GET", "/pingscope/v1/pings/" + id, {}, {}, false), 30000);
    QCOMPARE(d.status, 200);
    StoreReader reader(engine->dbPath());
    const auto rec = reader.get(id.toLongLong());
    QVERIFY(rec);
    QVERIFY2(verdicts.contains(rec->verdict),
             qPrintable(rec->verdict + u": "_s + QString::fromUtf8(rec->errorsJson.left(400))));
    QFETCH(QByteArray, payloadHas);
    QVERIFY2(QByteArray(rec->errorsJson + rec->warningsJson).contains(payloadHas),
             qPrintable(QString::fromUtf8(rec->errorsJson.left(400) + rec->warningsJson.left(400))));
    qInfo("%s -> %s %s", QTest::currentDataTag(), qPrintable(rec->verdict),
          rec->errorsJson.left(200).constData());
}

QTEST_GUILESS_MAIN(TestCaptureServer)
#include "tst_captureserver.moc"
