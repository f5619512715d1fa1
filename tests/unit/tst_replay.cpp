// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "queryapi.h"
#include "store/store.h"
#include "testsupport.h"
#include "validation/decoderrules.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

// Replays what real Firefox ESR and Glean.js sent (tests/data/captured-requests) into a live
// server and checks every request is kept and decoded as the recording listener saw it.
class TestReplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void replay_data();
    void replay();
    void everyPostStored();

private:
    std::unique_ptr<TestEngine> m_engine;
};

void TestReplay::initTestCase()
{
    m_engine = std::make_unique<TestEngine>(CaptureConfig{}, IngestOptions{}, true);
    QVERIFY2(m_engine->ok(), qPrintable(m_engine->error()));
}

void TestReplay::replay_data()
{
    QTest::addColumn<int>("index");
    const auto all = loadCapturedRequests();
    QVERIFY2(all.size() >= 40, "the captured requests are in tests/data/captured-requests");
    for (int i = 0; i < all.size(); ++i)
        QTest::addRow("%s", qPrintable(all[i].name)) << i;
}

void TestReplay::replay()
{
    QFETCH(int, index);
    static const auto all = loadCapturedRequests();
    CapturedRequest c = all[index];
    // The client sent Host with the port it was captured on; here it connects to this one.
    for (HttpHeader &h : c.headers)
        if (h.name.compare("host", Qt::CaseInsensitive) == 0)
            h.value = "127.0.0.1:" + QByteArray::number(m_engine->port());
    const HttpResponse r = exchange(m_engine->port(), c.wire());
    if (c.method == "OPTIONS") {
        QCOMPARE(r.status, 204);
        QCOMPARE(r.header("Access-Control-Allow-Origin"), QByteArray("*"));
        return;
    }
    if (c.method == "GET") {
        QCOMPARE(r.status, 404); // /favicon.ico
        return;
    }
    QCOMPARE(r.status, 200);
    const qint64 id = r.header("X-Pingscope-Id").toLongLong();
    StoreReader reader(m_engine->dbPath());
    const auto rec = reader.get(id);
    QVERIFY(rec);

    // Expected routing, from the URL as recorded.
    const QByteArray path = c.url.left(c.url.indexOf('?') < 0 ? c.url.size() : c.url.indexOf('?'));
    const QList<QByteArray> parts = path.split('/'); // "", "submit", ns, ...
    QCOMPARE(rec->ns, QString::fromLatin1(parts[2]));
    if (parts[2] == "telemetry") {
        QCOMPARE(rec->docId, QString::fromLatin1(parts[3]));
        QCOMPARE(rec->docType, QString::fromLatin1(parts[4]));
        QCOMPARE(rec->appName, QString::fromLatin1(parts[5]));
        QCOMPARE(rec->docVersion, u"4"_s); // from the body's "version"
    } else {
        QCOMPARE(rec->docType, QString::fromLatin1(parts[3]));
        QCOMPARE(rec->docVersion, QString::fromLatin1(parts[4]));
        QCOMPARE(rec->docId, QString::fromLatin1(parts[5]));
    }
    QByteArray debugId;
    for (const auto &h : c.headers)
        if (h.name.compare("x-debug-id", Qt::CaseInsensitive) == 0)
            debugId = h.value;
    QCOMPARE(rec->debugId, QString::fromLatin1(debugId));
    // Raw bytes exactly as sent; headers in order with their case.
    QCOMPARE(rec->body, c.body);
    QCOMPARE(rec->headers.size(), c.headers.size());
    for (int i = 0; i < c.headers.size(); ++i) {
        QCOMPARE(rec->headers[i].name, c.headers[i].name);
        QCOMPARE(rec->headers[i].value, c.headers[i].value);
    }
    // Real pings from real clients, as production would take them: Firefox's (firefox-desktop
    // and legacy telemetry) are registered and valid; the Glean.js test apps' namespaces are not
    // in the registry, so production answers "No such docType", while the body passes glean.1.
    const auto pipeline = nlohmann::json::parse(rec->pipelineJson.begin(), rec->pipelineJson.end());
    if (rec->ns == u"firefox-desktop"_s || rec->ns == u"telemetry"_s) {
        QVERIFY2(rec->verdict == u"valid"_s,
                 qPrintable(rec->verdict + u' ' + QString::fromUtf8(rec->errorsJson)));
        QCOMPARE(rec->errorCount, 0);
        QVERIFY(!rec->schemaKey.isEmpty());
        if (rec->ns == u"firefox-desktop"_s) {
            QVERIFY2(rec->schemaKey.startsWith(u"glean/glean/glean"_s), qPrintable(rec->schemaKey));
            QCOMPARE(QString::fromStdString(pipeline.at("table").get<std::string>()),
                     u"firefox_desktop."_s + QString(rec->docType).replace(u'-', u'_') + u"_v1"_s);
            if (c.decodedJson.contains("\"client_info\"")) { // glean-min pings have none
                QCOMPARE(pipeline.value("normalized_os", ""), "Linux");
                QCOMPARE(pipeline.value("normalized_channel", ""), "esr");
            }
            if (!rec->clientId.isEmpty())
                QCOMPARE(pipeline.value("sample_id", -1), sampleIdOf(rec->clientId));
            // Python's zlib.crc32(b"a670d57c-0bc6-4205-9be7-fc8f50aad72f") % 100 == 52
            if (rec->clientId == u"a670d57c-0bc6-4205-9be7-fc8f50aad72f"_s)
                QCOMPARE(pipeline.value("sample_id", -1), 52);
        } else {
            QCOMPARE(rec->schemaKey,
                     u"telemetry/"_s + rec->docType + u'/' + rec->docType + u'.' + rec->docVersion);
        }
    } else {
        QVERIFY2(rec->verdict == u"unregistered"_s, qPrintable(rec->verdict));
        QVERIFY2(rec->errorsJson.contains(QByteArray(QByteArray("No such docType: ") + rec->ns.toUtf8() +
                                                     "/" + rec->docType.toUtf8())),
                 rec->errorsJson.constData());
        QVERIFY2(rec->schemaNote.contains(u"would pass glean/glean/glean.1 once registered"_s),
                 qPrintable(rec->schemaNote));
        QCOMPARE(pipeline.at("generic_valid").get<bool>(), true);
    }
    const auto got = nlohmann::json::parse(rec->payload.begin(), rec->payload.end());
    const auto want = nlohmann::json::parse(c.decodedJson.begin(), c.decodedJson.end());
    QVERIFY2(got == want, qPrintable(c.name));
    QCOMPARE(rec->decodedBytes, rec->payload.size());
    // Through the query API's JSON too.
    const auto detail = detailJson(*rec);
    QVERIFY(detail.at("payload") == want);
    QVERIFY(detail.at("pipeline") == pipeline);
    QVERIFY(!detail.at("checked_with").get<std::string>().empty());
}

// Every POST is kept, each once (its own engine: independent of the order tests run in).
void TestReplay::everyPostStored()
{
    TestEngine engine(CaptureConfig{}, IngestOptions{}, true);
    QVERIFY2(engine.ok(), qPrintable(engine.error()));
    int posts = 0;
    for (CapturedRequest c : loadCapturedRequests()) {
        for (HttpHeader &h : c.headers)
            if (h.name.compare("host", Qt::CaseInsensitive) == 0)
                h.value = "127.0.0.1:" + QByteArray::number(engine.port());
        const HttpResponse resp = exchange(engine.port(), c.wire());
        if (c.method != "POST")
            continue;
        QCOMPARE(resp.status, 200);
        ++posts;
    }
    StoreReader reader(engine.dbPath());
    QCOMPARE(reader.count(), qint64(posts));
    QVERIFY(posts >= 35);
}

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
