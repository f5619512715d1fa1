// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Sending stored requests on: HttpClient's request bytes, forward mode (--forward) from one
// Pingscope to another with the upstream's answer recorded, and `pingscope replay`.
#include "engine.h"
#include "http/httpclient.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using namespace pingscope;
using namespace pingscope::test;

namespace {

struct RunningEngine
{
    QTemporaryDir dir;
    Engine engine;
    QString db() const { return dir.filePath(u"s.pingscope"_s); }
    bool start(QUrl forward = {}, std::vector<FaultRule> faults = {})
    {
        EngineOptions o;
        o.dbPath = db();
        o.capture.port = 0;
        o.memoryBudget = 0;
        o.ingestThreads = 1;
        o.validate = false;
        o.forwardUrl = std::move(forward);
        o.faultRules = std::move(faults);
        QString err;
        const bool ok = engine.start(o, &err);
        if (!ok)
            qWarning("%s", qPrintable(err));
        return ok;
    }
    QUrl url() const { return QUrl(engine.endpointUrl()); }
};

// The Firefox ESR captures that are whole POSTs to /submit/.
QList<CapturedRequest> firefoxPosts()
{
    QList<CapturedRequest> out;
    for (const CapturedRequest &c : loadCapturedRequests())
        if (c.name.startsWith(u"firefox-esr/"_s) && c.method == "POST" && c.url.startsWith("/submit/"))
            out << c;
    return out;
}

PingQuery firstN(int limit, bool oldestFirst)
{
    PingQuery q;
    q.limit = limit;
    q.oldestFirst = oldestFirst;
    return q;
}

} // namespace

class TestForward : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestBytesKeepOrderAndBody();
    void forwardModeRecordsTheUpstreamAnswer();
    void forwardToNothingRecordsTheError();
    void replayResendsByteForByte();
};

void TestForward::requestBytesKeepOrderAndBody()
{
    HttpClient c(QUrl(u"http://edge.example:8080/prefix/"_s));
    const QByteArray bytes = c.requestBytes("POST", "/submit/a/b/1/x", "v=4",
                                            {{"host", "localhost:9464"},
                                             {"X-Debug-ID", "t"},
                                             {"content-length", "99"},
                                             {"Connection", "keep-alive"},
                                             {"Content-Encoding", "gzip"},
                                             {"Transfer-Encoding", "chunked"}},
                                            QByteArray("\x1f\x8b\x00\x01", 4));
    QCOMPARE(bytes, QByteArray("POST /prefix/submit/a/b/1/x?v=4 HTTP/1.1\r\nHost: edge.example:8080\r\n"
                               "X-Debug-ID: t\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n") +
                        QByteArray("\x1f\x8b\x00\x01", 4));
    QVERIFY(HttpClient::checkBase(QUrl(u"ftp://x"_s)).contains(u"only http"_s));
    QVERIFY(HttpClient::checkBase(QUrl(u"http://x/?q=1"_s)).contains(u"no query"_s));
    QVERIFY(HttpClient::checkBase(QUrl(u"https://edge.example"_s)).isEmpty());
}

void TestForward::forwardModeRecordsTheUpstreamAnswer()
{
    RunningEngine upstream, front;
    QVERIFY(upstream.start({}, {*parseFaultRule(u"doctype=events,status=503"_s, nullptr)}));
    QVERIFY(front.start(upstream.url()));
    const auto posts = firefoxPosts();
    QVERIFY(posts.size() >= 10);
    for (const CapturedRequest &c : posts)
        QCOMPARE(exchange(front.engine.port(), c.wire()).status, 200);
    StoreReader up(upstream.db()), mine(front.db());
    QTRY_COMPARE_WITH_TIMEOUT(up.count(), qint64(posts.size()), 10000);
    // Every request arrived upstream as it was sent: path, headers in order (but Host and the
    // length), body bytes.
    const auto theirs = up.list(firstN(1000, true));
    for (int i = 0; i < posts.size(); ++i) {
        const auto r = up.get(theirs[size_t(i)].id);
        QVERIFY(r);
        QCOMPARE(r->path.toLatin1() + (r->query.isEmpty() ? QByteArray() : "?" + r->query.toLatin1()),
                 posts[i].url);
        QCOMPARE(r->body, posts[i].body);
        QList<HttpHeader> sent;
        for (const HttpHeader &h : posts[i].headers)
            if (h.name.toLower() != "host" && h.name.toLower() != "content-length" &&
                h.name.toLower() != "connection")
                sent << h;
        QList<HttpHeader> got;
        for (const HttpHeader &h : r->headers)
            if (h.name.toLower() != "host" && h.name.toLower() != "content-length")
                got << h;
        QCOMPARE(got.size(), sent.size());
        for (int k = 0; k < got.size(); ++k) {
            QCOMPARE(got[k].name, sent[k].name);
            QCOMPARE(got[k].value, sent[k].value);
        }
    }
    // And the front records what the upstream said, 503 for the events pings.
    int recorded = 0, unavailable = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            recorded = unavailable = 0;
            for (const PingRecord &s : mine.list(firstN(1000, false))) {
                const auto r = mine.get(s.id);
                if (!r || r->upstreamJson.isEmpty())
                    continue;
                const auto j = nlohmann::json::parse(r->upstreamJson.begin(), r->upstreamJson.end());
                ++recorded;
                if (j["status"] == 503) {
                    ++unavailable;
                    if (r->docType != u"events")
                        return false;
                } else if (j["status"] != 200) {
                    return false;
                }
            }
            return recorded == posts.size();
        }(),
        10000);
    QVERIFY(unavailable >= 1);
}

void TestForward::forwardToNothingRecordsTheError()
{
    // A port nothing listens on (the engine's own port once it has stopped).
    quint16 deadPort = 0;
    {
        RunningEngine gone;
        QVERIFY(gone.start());
        deadPort = gone.engine.port();
    }
    RunningEngine front;
    QVERIFY(front.start(QUrl(u"http://127.0.0.1:%1"_s.arg(deadPort))));
    const auto posts = firefoxPosts();
    QCOMPARE(exchange(front.engine.port(), posts.first().wire()).status,
             200); // the client never waits for it
    StoreReader mine(front.db());
    QTRY_VERIFY_WITH_TIMEOUT(mine.count() == 1 && !mine.get(1).value_or(PingRecord{}).upstreamJson.isEmpty(),
                             10000);
    const QByteArray j = mine.get(1)->upstreamJson;
    QVERIFY2(j.contains("cannot connect"), j.constData());
}

void TestForward::replayResendsByteForByte()
{
    RunningEngine source, target;
    QVERIFY(source.start());
    QVERIFY(target.start({}, {*parseFaultRule(u"doctype=health,status=500"_s, nullptr)}));
    const auto posts = firefoxPosts();
    for (const CapturedRequest &c : posts)
        QCOMPARE(exchange(source.engine.port(), c.wire()).status, 200);
    source.engine.store()->flush();
    const QString bin = qEnvironmentVariable("PINGSCOPE_BIN");
    QVERIFY2(!bin.isEmpty(), "PINGSCOPE_BIN names the pingscope binary (ctest sets it)");
    // Only the baseline pings: all answered 200.
    ProcessResult r = runProcess(bin, {u"replay"_s, u"--db"_s, source.db(), u"--doctype"_s, u"baseline"_s,
                                       u"--to"_s, target.url().toString()});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.out.contains("-> 200"));
    StoreReader got(target.db());
    qint64 baselines = 0;
    for (const CapturedRequest &c : posts)
        baselines += c.url.contains("/baseline/") ? 1 : 0;
    QTRY_COMPARE(got.count(), baselines);
    const auto first = got.get(got.list(firstN(1, true)).front().id);
    bool matched = false;
    for (const CapturedRequest &c : posts)
        matched = matched || (c.body == first->body && c.url.startsWith(first->path.toLatin1()));
    QVERIFY(matched);
    // Everything: the health pings get the target's 500, so the replay fails.
    r = runProcess(bin, {u"replay"_s, u"--db"_s, source.db(), u"--to"_s, target.url().toString()});
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.contains("-> 500"));
    QVERIFY(r.err.contains("not"));
    // Usage errors.
    QCOMPARE(runProcess(bin, {u"replay"_s, u"--db"_s, source.db()}).code, 2);
    QCOMPARE(runProcess(bin, {u"replay"_s, u"--db"_s, source.db(), u"--to"_s, u"ftp://x"_s}).code, 2);
}

QTEST_GUILESS_MAIN(TestForward)
#include "tst_forward.moc"
