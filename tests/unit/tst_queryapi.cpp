// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "testsupport.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

json getJson(quint16 port, const QByteArray &target, int *status = nullptr, const QByteArray &method = "GET")
{
    const HttpResponse r = exchange(port, buildRequest(method, target, {}, {}, false));
    if (status)
        *status = r.status;
    return json::parse(r.body.begin(), r.body.end(), nullptr, false);
}

QByteArray uuid(int i)
{
    return QByteArray("00000000-0000-4000-8000-") + QByteArray::number(i).rightJustified(12, '0');
}

} // namespace

class TestQueryApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void listNewestFirstWithSummaryFields();
    void filtersAndPaging();
    void detail();
    void stats();
    void errors();
    void deleteClears();
    void longListsArePagedInOrder();
    void scriptingFilters();
    void longPollWaitsForPings();

private:
    std::unique_ptr<TestEngine> m_engine;
};

void TestQueryApi::initTestCase()
{
    m_engine = std::make_unique<TestEngine>();
    QVERIFY(m_engine->ok());
    const quint16 port = m_engine->port();
    // 6 good Glean pings (two doctypes, two debug ids), 2 not JSON, 1 bad path, 1 refused.
    for (int i = 1; i <= 6; ++i) {
        const QByteArray dt = i % 2 ? "baseline" : "metrics";
        const QByteArray body =
            "{\"ping_info\":{\"seq\":" + QByteArray::number(i) + "},\"client_info\":{\"client_id\":\"c\"}}";
        QCOMPARE(exchange(port, buildRequest("POST", "/submit/app-one/" + dt + "/1/" + uuid(i),
                                             {{"X-Debug-ID", i <= 3 ? "alpha" : "beta"},
                                              {"X-Source-Tags", "automation, perf"}},
                                             body))
                     .status,
                 200);
    }
    for (int i = 7; i <= 8; ++i)
        QCOMPARE(
            exchange(port, buildRequest("POST", "/submit/app-two/events/1/" + uuid(i), {}, "nope")).status,
            200);
    QCOMPARE(exchange(port, buildRequest("POST", "/submit/app-two/events", {}, "{}")).status, 200);
    QCOMPARE(
        exchange(port, buildRequest("POST", "/submit/app-two/events/1/" + uuid(10), {}, {}, false)).status,
        411);
}

void TestQueryApi::listNewestFirstWithSummaryFields()
{
    int status = 0;
    const json list = getJson(m_engine->port(), "/pingscope/v1/pings", &status);
    QCOMPARE(status, 200);
    QVERIFY(list.is_array());
    QCOMPARE(list.size(), size_t(10));
    QCOMPARE(list[0].at("id").get<int>(), 10);
    QCOMPARE(list[9].at("id").get<int>(), 1);
    for (const char *field :
         {"id", "received_at", "method", "path", "query", "namespace", "doctype", "doc_version", "doc_id",
          "status_code", "verdict", "error_count", "debug_id", "source_tags", "body_bytes", "decoded_bytes"})
        QVERIFY2(list[0].contains(field), field);
    QCOMPARE(list[0].at("verdict").get<std::string>(), std::string("refused"));
    QCOMPARE(list[0].at("status_code").get<int>(), 411);
    QVERIFY(list[9].at("source_tags") == json({"automation", "perf"}));
    QCOMPARE(list[9].at("doc_id").get<std::string>(), uuid(1).toStdString());
    QVERIFY(!list[0].contains("payload")); // summaries only
}

void TestQueryApi::filtersAndPaging()
{
    const quint16 port = m_engine->port();
    QCOMPARE(getJson(port, "/pingscope/v1/pings?namespace=app-one").size(), size_t(6));
    QCOMPARE(getJson(port, "/pingscope/v1/pings?doctype=metrics").size(), size_t(3));
    QCOMPARE(getJson(port, "/pingscope/v1/pings?namespace=app-one&doctype=baseline&debug_id=alpha").size(),
             size_t(2));
    QCOMPARE(getJson(port, "/pingscope/v1/pings?verdict=not-json").size(), size_t(2));
    QCOMPARE(getJson(port, "/pingscope/v1/pings?verdict=bad-path").size(), size_t(1));
    QCOMPARE(getJson(port, "/pingscope/v1/pings?debug_id=beta").size(), size_t(3));
    const json page = getJson(port, "/pingscope/v1/pings?limit=3&offset=2");
    QCOMPARE(page.size(), size_t(3));
    QCOMPARE(page[0].at("id").get<int>(), 8);
    QCOMPARE(getJson(port, "/pingscope/v1/pings?limit=0").size(), size_t(0));
}

// A list longer than the API's internal page (2,000 rows) reads page after page: every row once,
// newest first, offset and filters applied across pages.
void TestQueryApi::longListsArePagedInOrder()
{
    TestEngine engine;
    QVERIFY(engine.ok());
    std::vector<std::pair<PingRecord, quint64>> records;
    for (int i = 1; i <= 4500; ++i) {
        PingRecord r;
        r.receivedAtUs = 1'700'000'000'000'000LL + i;
        r.method = u"POST"_s;
        r.ns = u"app"_s;
        r.docType = i % 3 ? u"a"_s : u"b"_s;
        r.docId = QString::number(i);
        r.verdict = u"parsed"_s;
        r.statusCode = 200;
        records.emplace_back(std::move(r), 0);
    }
    engine.engine().store()->enqueue(std::move(records));
    engine.engine().store()->flush();
    const json all = getJson(engine.port(), "/pingscope/v1/pings?limit=4000&offset=10");
    QCOMPARE(all.size(), size_t(4000));
    for (size_t k = 0; k < all.size(); ++k)
        QCOMPARE(all[k].at("id").get<int>(), 4490 - int(k));
    const json b = getJson(engine.port(), "/pingscope/v1/pings?limit=100000&doctype=b");
    QCOMPARE(b.size(), size_t(1500));
    QCOMPARE(b.front().at("id").get<int>(), 4500);
    QCOMPARE(b.back().at("id").get<int>(), 3);
    // Received in [since, until): an ISO 8601 time or epoch milliseconds (pings i at
    // 1,700,000,000,000,000 + i µs).
    const json window = getJson(
        engine.port(), "/pingscope/v1/pings?since=2023-11-14T22:13:20.002Z&until=1700000000003&limit=5000");
    QCOMPARE(window.size(), size_t(1000));
    QCOMPARE(window.front().at("id").get<int>(), 2999);
    QCOMPARE(window.back().at("id").get<int>(), 2000);
    // No zone means UTC; an offset is honoured.
    QCOMPARE(getJson(engine.port(),
                     "/pingscope/v1/"
                     "pings?since=2023-11-14T22:13:20.002&until=2023-11-14T17:13:20.003-05:00&limit=5000")
                 .size(),
             size_t(1000));
    int status = 0;
    getJson(engine.port(), "/pingscope/v1/pings?since=yesterday", &status);
    QCOMPARE(status, 400);

    // Streamed in HTTP/1.1 chunks, one part at a time; a request pipelined behind it is
    // answered after its last chunk, on the same connection.
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(s.waitForConnected(5000));
    s.write("GET /pingscope/v1/pings?limit=4500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            "GET /pingscope/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const HttpResponse listed = readResponse(s);
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.header("transfer-encoding"), QByteArray("chunked"));
    QVERIFY(listed.header("content-length").isNull());
    const json rows = json::parse(listed.body.toStdString());
    QCOMPARE(rows.size(), size_t(4500));
    QCOMPARE(rows.back().at("id").get<int>(), 1);
    const HttpResponse stats = readResponse(s);
    QCOMPARE(stats.status, 200);
    QCOMPARE(json::parse(stats.body.toStdString()).at("total").get<int>(), 4500);

    // An HTTP/1.0 client gets no chunks: the answer whole, with its length, so that a kept-alive
    // connection goes on (the body once ended only at a close that keep-alive never made).
    QTcpSocket old;
    old.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(old.waitForConnected(5000));
    old.write(
        "GET /pingscope/v1/pings?limit=3000 HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
    const HttpResponse whole = readResponse(old, 10000);
    QCOMPARE(whole.status, 200);
    QVERIFY(whole.header("transfer-encoding").isNull());
    QCOMPARE(whole.header("content-length").toLongLong(), whole.body.size());
    QCOMPARE(json::parse(whole.body.toStdString()).size(), size_t(3000));
    old.write("GET /pingscope/v1/stats HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
    QCOMPARE(readResponse(old, 5000).status, 200);
    QTcpSocket once;
    once.connectToHost(QHostAddress::LocalHost, engine.port());
    QVERIFY(once.waitForConnected(5000));
    once.write("GET /pingscope/v1/pings?limit=10 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    const HttpResponse closing = readResponse(once, 5000);
    QCOMPARE(closing.status, 200);
    QCOMPARE(closing.header("connection"), QByteArray("close"));
    QCOMPARE(json::parse(closing.body.toStdString()).size(), size_t(10));

    // A client that leaves in the middle of a long answer costs nothing after: the next one
    // is answered in full.
    {
        QTcpSocket quitter;
        quitter.connectToHost(QHostAddress::LocalHost, engine.port());
        QVERIFY(quitter.waitForConnected(5000));
        quitter.setReadBufferSize(4096);
        quitter.write("GET /pingscope/v1/pings?limit=4500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QVERIFY(quitter.waitForReadyRead(5000));
        quitter.abort();
    }
    QCOMPARE(getJson(engine.port(), "/pingscope/v1/pings?limit=4500").size(), size_t(4500));
}

void TestQueryApi::detail()
{
    int status = 0;
    const json d = getJson(m_engine->port(), "/pingscope/v1/pings/2", &status);
    QCOMPARE(status, 200);
    QCOMPARE(d.at("id").get<int>(), 2);
    QCOMPARE(d.at("payload").at("ping_info").at("seq").get<int>(), 2);
    QCOMPARE(d.at("seq").get<int>(), 2);
    QVERIFY(d.at("headers").is_array());
    bool sawDebug = false;
    for (const auto &h : d.at("headers"))
        sawDebug = sawDebug || (h[0] == "X-Debug-ID" && h[1] == "alpha");
    QVERIFY(sawDebug);
    const QByteArray body =
        QByteArray::fromBase64(QByteArray::fromStdString(d.at("body_base64").get<std::string>()));
    QVERIFY(body.startsWith("{\"ping_info\""));
    QVERIFY(d.at("errors").is_array());
    QCOMPARE(d.at("errors").size(), size_t(0));

    const json bad = getJson(m_engine->port(), "/pingscope/v1/pings/7");
    QVERIFY(bad.at("payload").is_null());
    QCOMPARE(bad.at("verdict").get<std::string>(), std::string("not-json"));
    QCOMPARE(bad.at("errors").size(), size_t(1));
    QCOMPARE(bad.at("errors")[0].at("kind").get<std::string>(), std::string("json"));
    QVERIFY(bad.at("errors")[0].contains("line"));
}

void TestQueryApi::stats()
{
    const json s = getJson(m_engine->port(), "/pingscope/v1/stats");
    QCOMPARE(s.at("total").get<int>(), 10);
    QCOMPARE(s.at("by_verdict").at("parsed").get<int>(), 6);
    QCOMPARE(s.at("by_verdict").at("not-json").get<int>(), 2);
    QCOMPARE(s.at("by_verdict").at("refused").get<int>(), 1);
    QCOMPARE(s.at("by_namespace").at("app-one").get<int>(), 6);
    QCOMPARE(s.at("by_doctype").at("baseline").get<int>(), 3);
}

void TestQueryApi::errors()
{
    int status = 0;
    getJson(m_engine->port(), "/pingscope/v1/pings/999", &status);
    QCOMPARE(status, 404);
    getJson(m_engine->port(), "/pingscope/v1/pings/abc", &status);
    QCOMPARE(status, 400);
    getJson(m_engine->port(), "/pingscope/v1/pings?limit=-3", &status);
    QCOMPARE(status, 400);
    getJson(m_engine->port(), "/pingscope/v1/nothing", &status);
    QCOMPARE(status, 404);
    getJson(m_engine->port(), "/pingscope/v1/stats", &status, "DELETE");
    QCOMPARE(status, 405);
}

// Its own engine: the shared fixture stays as initTestCase made it, whatever runs first.
void TestQueryApi::deleteClears()
{
    TestEngine engine;
    QVERIFY(engine.ok());
    const quint16 port = engine.port();
    QCOMPARE(exchange(port, buildRequest("POST", "/submit/app/events/1/" + uuid(1), {}, "{}")).status, 200);
    QCOMPARE(getJson(port, "/pingscope/v1/stats").at("total").get<int>(), 1);
    int status = 0;
    getJson(port, "/pingscope/v1/pings", &status, "DELETE");
    QCOMPARE(status, 200);
    QCOMPARE(getJson(port, "/pingscope/v1/stats").at("total").get<int>(), 0);
    QCOMPARE(getJson(port, "/pingscope/v1/pings").size(), size_t(0));
}

// What scripts need: the total beside a page, problems in one filter, stats of a filter, and a
// typo in a parameter named rather than silently ignored.
void TestQueryApi::scriptingFilters()
{
    const quint16 port = m_engine->port();
    HttpResponse r =
        exchange(port, buildRequest("GET", "/pingscope/v1/pings?namespace=app-one&limit=2", {}, {}, false));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Total-Count"), QByteArray("6"));
    QCOMPARE(json::parse(r.body.begin(), r.body.end()).size(), size_t(2));
    r = exchange(port, buildRequest("GET", "/pingscope/v1/pings", {}, {}, false));
    QCOMPARE(r.header("X-Total-Count"), QByteArray("10"));
    // 2 not JSON, 1 bad path, 1 refused; "parsed" is not a problem.
    const json problems = getJson(port, "/pingscope/v1/pings?verdict=problems");
    QCOMPARE(problems.size(), size_t(4));
    for (const json &p : problems)
        QVERIFY(p.at("verdict") != "parsed");
    json s = getJson(port, "/pingscope/v1/stats?verdict=problems");
    QCOMPARE(s.at("total").get<int>(), 4);
    QCOMPARE(s.at("by_verdict").at("not-json").get<int>(), 2);
    QVERIFY(!s.at("by_verdict").contains("parsed"));
    s = getJson(port, "/pingscope/v1/stats?namespace=app-one&doctype=metrics");
    QCOMPARE(s.at("total").get<int>(), 3);
    QCOMPARE(s.at("by_doctype").size(), size_t(1));
    QCOMPARE(s.at("by_namespace").at("app-one").get<int>(), 3);
    int status = 0;
    const json e = getJson(port, "/pingscope/v1/pings?namspace=app-one", &status);
    QCOMPARE(status, 400);
    QVERIFY2(
        QString::fromStdString(e.at("error").get<std::string>()).contains(u"unknown parameter namspace"_s),
        e.dump().c_str());
    getJson(port, "/pingscope/v1/stats?limit=3", &status);
    QCOMPARE(status, 400);
    getJson(port, "/pingscope/v1/pings?wait=301", &status);
    QCOMPARE(status, 400);
    getJson(port, "/pingscope/v1/pings?wait=x", &status);
    QCOMPARE(status, 400);
}

// GET ...&wait=S&min=N answers once N pings match (or at S seconds with what there is), and
// the API goes on answering other requests meanwhile.
void TestQueryApi::longPollWaitsForPings()
{
    TestEngine engine;
    QVERIFY(engine.ok());
    const quint16 port = engine.port();
    QTcpSocket poll;
    poll.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(poll.waitForConnected(5000));
    QElapsedTimer t;
    t.start();
    poll.write(buildRequest("GET", "/pingscope/v1/pings?doctype=events&wait=10&min=2", {}, {}, false));
    QVERIFY(poll.waitForBytesWritten(5000));
    QVERIFY(!poll.waitForReadyRead(300)); // none yet: it waits
    // Meanwhile the API answers others, and a ping of another doctype does not end the wait.
    QCOMPARE(exchange(port, buildRequest("GET", "/pingscope/v1/stats", {}, {}, false)).status, 200);
    QCOMPARE(exchange(port, buildRequest("POST", "/submit/app/baseline/1/" + uuid(1), {}, "{}")).status, 200);
    QCOMPARE(exchange(port, buildRequest("POST", "/submit/app/events/1/" + uuid(2), {}, "{}")).status, 200);
    QVERIFY(!poll.waitForReadyRead(300));
    QCOMPARE(exchange(port, buildRequest("POST", "/submit/app/events/1/" + uuid(3), {}, "{}")).status, 200);
    const HttpResponse r = readResponse(poll, 5000);
    QCOMPARE(r.status, 200);
    QVERIFY(t.elapsed() < 5000);
    QCOMPARE(r.header("X-Total-Count"), QByteArray("2"));
    QCOMPARE(json::parse(r.body.begin(), r.body.end()).size(), size_t(2));

    // At the deadline: what there is.
    t.restart();
    const HttpResponse late = exchange(
        port, buildRequest("GET", "/pingscope/v1/pings?doctype=events&wait=1&min=5", {}, {}, false), 5000);
    QCOMPARE(late.status, 200);
    QVERIFY(t.elapsed() >= 900);
    QCOMPARE(late.header("X-Total-Count"), QByteArray("2"));
    // Enough already: at once.
    t.restart();
    QCOMPARE(exchange(port, buildRequest("GET", "/pingscope/v1/pings?wait=30&min=1", {}, {}, false)).status,
             200);
    QVERIFY(t.elapsed() < 900);
}

QTEST_GUILESS_MAIN(TestQueryApi)
#include "tst_queryapi.moc"
