// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Fault rules: their syntax, attempt counting, and what a raw-socket client sees of each kind
// (a status, Retry-After, a delay, a close, a reset), changed live through the API; every
// faulted request is stored with what it was answered, and the attempts of a docId are listed.
#include "http/faults.h"
#include "queryapi.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QTest>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace pingscope;
using namespace pingscope::test;
using nlohmann::json;

namespace {

// What a client that sent one request saw: the bytes before the end, and how the connection
// ended (the server's FIN, a reset, or still open when the time was up).
struct RawOutcome
{
    QByteArray bytes;
    bool closed = false; // orderly end of stream (recv() == 0)
    bool reset = false;  // ECONNRESET
    qint64 firstByteMs = -1;
};

RawOutcome sendRaw(quint16 port, const QByteArray &request, int waitMs = 3000)
{
    RawOutcome out;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        if (fd >= 0)
            ::close(fd);
        return out;
    }
    QElapsedTimer clock;
    clock.start();
    [[maybe_unused]] auto sent = ::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL);
    // Until the end of the stream, a reset, or a whole answer has been quiet for 300 ms.
    while (clock.elapsed() < waitMs) {
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, out.bytes.contains("\r\n\r\n") ? 300 : 100);
        if (ready == 0) {
            if (out.bytes.contains("\r\n\r\n"))
                break;
            continue;
        }
        char buf[4096];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            if (out.firstByteMs < 0)
                out.firstByteMs = clock.elapsed();
            out.bytes.append(buf, n);
        } else if (n == 0) {
            out.closed = true;
            break;
        } else {
            out.reset = errno == ECONNRESET;
            break;
        }
    }
    ::close(fd);
    return out;
}

QByteArray ping(const QByteArray &path)
{
    return buildRequest("POST", path, {{"Content-Type", "application/json"}, {"Host", "127.0.0.1"}},
                        R"({"ping_info":{"seq":0}})");
}

int statusOf(const QByteArray &response)
{
    return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : 0;
}

FaultRule rule(const char *spec)
{
    QString err;
    auto r = parseFaultRule(QString::fromUtf8(spec), &err);
    if (!r)
        qFatal("bad rule %s: %s", spec, qPrintable(err));
    return *r;
}

json apiJson(quint16 port, const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
             int *status = nullptr)
{
    QList<HttpHeader> headers{{"Host", "127.0.0.1"}};
    if (!body.isEmpty())
        headers.append(HttpHeader{"Content-Type", "application/json"});
    const HttpResponse r = exchange(port, buildRequest(method, target, headers, body));
    if (status)
        *status = r.status;
    return json::parse(r.body.begin(), r.body.end(), nullptr, false);
}

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesRules_data();
    void parsesRules();
    void refusesBadRules_data();
    void refusesBadRules();
    void countsAttemptsPerDocId();
    void matchesNamespaceAndDocTypeGlobs();
    void percentTakesAShare();
    void statusWithRetryAfterIsStored();
    void delayHoldsTheAnswer();
    void closeAndResetSendNoAnswer();
    void rulesChangeLiveThroughTheApi();
    void attemptsOfADocIdAreListed();
};

void TestFaults::parsesRules_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("effect");
    QTest::newRow("status") << u"status=503"_s << u"status=503"_s << u"503"_s;
    QTest::newRow("first N") << u"first=2, status=503, retry-after=60"_s
                             << u"attempt=1-2,status=503,retry-after=60"_s << u"503 with Retry-After: 60"_s;
    QTest::newRow("globs") << u"namespace=glean-*,doctype=base?ine,status=500"_s
                           << u"namespace=glean-*,doctype=base?ine,status=500"_s << u"500"_s;
    QTest::newRow("attempt from") << u"attempt=3+,close"_s << u"attempt=3+,close"_s
                                  << u"closed without an answer"_s;
    QTest::newRow("one attempt") << u"attempt=2,reset"_s << u"attempt=2,reset"_s << u"connection reset"_s;
    QTest::newRow("delay only") << u"delay=1500ms"_s << u"delay=1500"_s
                                << u"the usual answer after 1500 ms"_s;
    QTest::newRow("percent") << u"percent=30%,status=429,retry-after=5"_s
                             << u"percent=30,status=429,retry-after=5"_s << u"429 with Retry-After: 5"_s;
}

void TestFaults::parsesRules()
{
    QFETCH(QString, text);
    QFETCH(QString, spec);
    QFETCH(QString, effect);
    QString err;
    const auto r = parseFaultRule(text, &err);
    QVERIFY2(r, qPrintable(err));
    QCOMPARE(r->spec(), spec);
    QCOMPARE(r->effect(), effect);
    // The canonical form parses to the same rule.
    const auto again = parseFaultRule(r->spec(), &err);
    QVERIFY(again);
    QCOMPARE(again->spec(), spec);
}

void TestFaults::refusesBadRules_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << u""_s << u"empty"_s;
    QTest::newRow("no action") << u"doctype=baseline"_s << u"does nothing"_s;
    QTest::newRow("unknown") << u"status=503,explode"_s << u"unknown item \"explode\""_s;
    QTest::newRow("bad status") << u"status=9000"_s << u"not an HTTP status"_s;
    QTest::newRow("retry-after alone") << u"retry-after=3,delay=10"_s << u"needs a status"_s;
    QTest::newRow("close with status") << u"close,status=503"_s << u"no status"_s;
    QTest::newRow("close and reset") << u"close,reset"_s << u"not both"_s;
    QTest::newRow("bad range") << u"attempt=3-1,status=500"_s << u"not a range"_s;
    QTest::newRow("two attempts") << u"first=1,attempt=2,status=500"_s << u"given twice"_s;
    QTest::newRow("percent") << u"percent=120,status=500"_s << u"from 0 to 100"_s;
}

void TestFaults::refusesBadRules()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QString err;
    QVERIFY(!parseFaultRule(text, &err));
    QVERIFY2(err.contains(message), qPrintable(err));
}

void TestFaults::countsAttemptsPerDocId()
{
    FaultInjector f;
    QVERIFY(!f.decide("/submit/app/baseline/1/a").faulted); // no rules: nothing counted
    f.setRules({rule("first=2,status=503")});
    const QByteArray a = "/submit/app/baseline/1/aaaa", b = "/submit/app/baseline/1/BBBB";
    auto d = f.decide(a);
    QVERIFY(d.faulted);
    QCOMPARE(d.attempt, 1);
    QCOMPARE(d.status, 503);
    QCOMPARE(d.description, u"503 (rule 1: attempt=1-2,status=503; attempt 1)"_s);
    QCOMPARE(f.decide(b).attempt, 1);
    QVERIFY(f.decide(a).faulted);
    d = f.decide(a);
    QVERIFY(!d.faulted);
    QCOMPARE(d.attempt, 3);
    QCOMPARE(f.decide("/submit/app/baseline/1/bbbb").attempt, 2); // doc ids are case-insensitive
    QCOMPARE(f.takenCounts(), (std::vector<qint64>{4}));          // bbbb is attempt 2 of BBBB
    // Legacy Telemetry puts the doc id first.
    const auto t = FaultInjector::targetOf("/submit/telemetry/ID-1/main/Firefox/130.0/release/2024");
    QCOMPARE(t.ns, QByteArray("telemetry"));
    QCOMPARE(t.docId, QByteArray("ID-1"));
    QCOMPARE(t.docType, QByteArray("main"));
}

void TestFaults::matchesNamespaceAndDocTypeGlobs()
{
    FaultInjector f;
    f.setRules({rule("namespace=firefox-*,doctype=event?,reset"), rule("doctype=baseline,status=500")});
    auto d = f.decide("/submit/firefox-desktop/events/1/x1");
    QVERIFY(d.faulted);
    QCOMPARE(d.rule, 1);
    QCOMPARE(d.action, FaultRule::Action::Reset);
    QVERIFY(!f.decide("/submit/org-mozilla-fenix/events/1/x2").faulted);
    d = f.decide("/submit/org-mozilla-fenix/baseline/1/x3");
    QCOMPARE(d.rule, 2);
    QVERIFY(!f.decide("/submit/firefox-desktop/metrics/1/x4").faulted);
    QCOMPARE(f.decide("/submit/telemetry/x5/event/Firefox/1/r/2").faulted, false);
}

void TestFaults::percentTakesAShare()
{
    FaultInjector f;
    f.seed(7);
    f.setRules({rule("percent=50,status=500")});
    int taken = 0;
    for (int i = 0; i < 400; ++i)
        taken += f.decide(QByteArray(QByteArray("/submit/a/b/1/") + QByteArray::number(i))).faulted ? 1 : 0;
    QVERIFY2(taken > 140 && taken < 260, qPrintable(QString::number(taken)));
    f.setRules({rule("percent=0,status=500")});
    for (int i = 0; i < 50; ++i)
        QVERIFY(!f.decide(QByteArray(QByteArray("/submit/a/b/1/z") + QByteArray::number(i))).faulted);
}

void TestFaults::statusWithRetryAfterIsStored()
{
    CaptureConfig cfg;
    cfg.faults = std::make_shared<FaultInjector>();
    cfg.faults->setRules({rule("doctype=baseline,first=1,status=429,retry-after=60")});
    TestEngine e(cfg);
    QVERIFY2(e.ok(), qPrintable(e.error()));
    const QByteArray path = "/submit/app/baseline/1/0f8d5a3c-7a53-4d53-9d3b-2b9a3b2d9c01";
    RawOutcome first = sendRaw(e.port(), ping(path));
    QCOMPARE(statusOf(first.bytes), 429);
    QVERIFY2(first.bytes.contains("\r\nRetry-After: 60\r\n"), first.bytes.constData());
    QVERIFY(first.bytes.contains("X-Pingscope-Fault: 1"));
    QVERIFY(first.bytes.contains("rule 1"));
    RawOutcome second = sendRaw(e.port(), ping(path));
    QCOMPARE(statusOf(second.bytes), 200);
    QVERIFY(!second.bytes.contains("Retry-After"));
    QCOMPARE(statusOf(sendRaw(e.port(), ping("/submit/app/metrics/1/other")).bytes), 200);
    StoreReader reader(e.dbPath());
    QTRY_COMPARE(reader.count(), 3);
    const auto list = reader.list({});
    QCOMPARE(list[2].statusCode, 429);
    QCOMPARE(
        list[2].fault,
        u"429 with Retry-After: 60 (rule 1: doctype=baseline,attempt=1,status=429,retry-after=60; attempt 1)"_s);
    QCOMPARE(list[1].statusCode, 200);
    QVERIFY(list[1].fault.isEmpty());
}

void TestFaults::delayHoldsTheAnswer()
{
    CaptureConfig cfg;
    cfg.faults = std::make_shared<FaultInjector>();
    cfg.faults->setRules({rule("delay=400,status=503")});
    TestEngine e(cfg);
    QVERIFY(e.ok());
    const RawOutcome r = sendRaw(e.port(), ping("/submit/app/baseline/1/d1"));
    QCOMPARE(statusOf(r.bytes), 503);
    QVERIFY2(r.firstByteMs >= 400, qPrintable(QString::number(r.firstByteMs)));
    StoreReader reader(e.dbPath());
    QTRY_COMPARE(reader.count(), 1);
    QVERIFY(reader.list({}).front().fault.startsWith(u"503 after 400 ms"_s));
}

void TestFaults::closeAndResetSendNoAnswer()
{
    CaptureConfig cfg;
    cfg.faults = std::make_shared<FaultInjector>();
    cfg.faults->setRules({rule("doctype=closed,close"), rule("doctype=reset,reset")});
    TestEngine e(cfg);
    QVERIFY(e.ok());
    const RawOutcome closed = sendRaw(e.port(), ping("/submit/app/closed/1/c1"));
    QVERIFY(closed.bytes.isEmpty());
    QVERIFY(closed.closed);
    QVERIFY(!closed.reset);
    const RawOutcome reset = sendRaw(e.port(), ping("/submit/app/reset/1/r1"));
    QVERIFY(reset.bytes.isEmpty());
    QVERIFY(reset.reset);
    // Both stored, with what became of them.
    StoreReader reader(e.dbPath());
    QTRY_COMPARE(reader.count(), 2);
    const auto list = reader.list({});
    QCOMPARE(list[0].statusCode, 0);
    QVERIFY2(list[0].fault.startsWith(u"connection reset (rule 2"_s), qPrintable(list[0].fault));
    QCOMPARE(list[1].statusCode, 0);
    QVERIFY(list[1].fault.startsWith(u"closed without an answer (rule 1"_s));
    // The server goes on answering other connections.
    QCOMPARE(statusOf(sendRaw(e.port(), ping("/submit/app/baseline/1/ok")).bytes), 200);
}

void TestFaults::rulesChangeLiveThroughTheApi()
{
    TestEngine e;
    QVERIFY(e.ok());
    int status = 0;
    json j = apiJson(e.port(), "GET", "/pingscope/v1/faults", {}, &status);
    QCOMPARE(status, 200);
    QVERIFY(j["active"] == false);
    QCOMPARE(statusOf(sendRaw(e.port(), ping("/submit/app/baseline/1/l1")).bytes), 200);

    j = apiJson(e.port(), "PUT", "/pingscope/v1/faults",
                R"({"rules": ["doctype=baseline,status=500", {"doctype": "events", "action": "close"}]})",
                &status);
    QCOMPARE(status, 200);
    QCOMPARE(j["rules"].size(), 2u);
    QVERIFY(j["rules"][1]["spec"] == "doctype=events,close");
    QCOMPARE(statusOf(sendRaw(e.port(), ping("/submit/app/baseline/1/l2")).bytes), 500);
    QVERIFY(sendRaw(e.port(), ping("/submit/app/events/1/l3")).closed);
    j = apiJson(e.port(), "GET", "/pingscope/v1/faults");
    QVERIFY(j["rules"][0]["taken"] == 1);
    QVERIFY(j["rules"][1]["taken"] == 1);
    QCOMPARE(e.engine().faults()->rules().size(), 2u); // the window sees the same rules

    // A bad rule is a 400 that names it, and leaves the rules as they were.
    j = apiJson(e.port(), "PUT", "/pingscope/v1/faults", R"({"rules": ["status=200", "doctype=x"]})",
                &status);
    QCOMPARE(status, 400);
    QVERIFY2(QString::fromStdString(j.dump()).contains(u"rule 2"_s), j.dump().c_str());
    QCOMPARE(e.engine().faults()->rules().size(), 2u);
    // Not JSON: 415 (a web page cannot send JSON here without a preflight).
    const HttpResponse plain =
        exchange(e.port(), buildRequest("PUT", "/pingscope/v1/faults",
                                        {{"Host", "127.0.0.1"}, {"Content-Type", "text/plain"}}, "{}"));
    QCOMPARE(plain.status, 415);

    apiJson(e.port(), "DELETE", "/pingscope/v1/faults", {}, &status);
    QCOMPARE(status, 200);
    QVERIFY(!e.engine().faults()->active());
    QCOMPARE(statusOf(sendRaw(e.port(), ping("/submit/app/baseline/1/l4")).bytes), 200);
}

void TestFaults::attemptsOfADocIdAreListed()
{
    CaptureConfig cfg;
    cfg.faults = std::make_shared<FaultInjector>();
    cfg.faults->setRules({rule("first=2,status=503")});
    TestEngine e(cfg);
    QVERIFY(e.ok());
    const QByteArray path = "/submit/app/baseline/1/5e5e5e5e-0000-4000-8000-000000000001";
    for (int expected : {503, 503, 200})
        QCOMPARE(statusOf(sendRaw(e.port(), ping(path)).bytes), expected);
    QCOMPARE(statusOf(sendRaw(e.port(), ping("/submit/app/baseline/1/lonely")).bytes), 503);
    StoreReader reader(e.dbPath());
    QTRY_COMPARE(reader.count(), 4);
    const qint64 last = reader.list({}).at(1).id;

    json j = apiJson(e.port(), "GET", "/pingscope/v1/pings/" + QByteArray::number(last) + "/attempts");
    QVERIFY(j["doc_id"] == "5e5e5e5e-0000-4000-8000-000000000001");
    QCOMPARE(j["attempts"].size(), 3u);
    QVERIFY(j["attempts"][0]["status_code"] == 503);
    QVERIFY(j["attempts"][1]["status_code"] == 503);
    QVERIFY(j["attempts"][2]["status_code"] == 200);
    QVERIFY(j["attempts"][2]["attempt"] == 3);
    QVERIFY(j["attempts"][0]["fault"].is_string());
    QVERIFY(j["attempts"][2]["fault"].is_null());
    QVERIFY(j["attempts"][2]["since_first_ms"].get<qint64>() >=
            j["attempts"][1]["since_first_ms"].get<qint64>());

    // Retried doc ids, the latest first: one faulted once counts too.
    j = apiJson(e.port(), "GET", "/pingscope/v1/retries");
    QCOMPARE(j["doc_ids"].size(), 2u);
    QVERIFY(j["doc_ids"][0]["doc_id"] == "lonely");
    QCOMPARE(j["doc_ids"][1]["attempts"].size(), 3u);
    int status = 0;
    apiJson(e.port(), "GET", "/pingscope/v1/retries?limit=0", {}, &status);
    QCOMPARE(status, 400);
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
