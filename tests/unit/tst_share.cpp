// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "ingest.h"
#include "share/capturefolder.h"
#include "share/gleanlog.h"
#include "share/har.h"
#include "share/jsonpings.h"
#include "share/ndjson.h"
#include "share/readany.h"
#include "testsupport.h"
#include "validation/validation.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

QByteArray headerOf(const QList<HttpHeader> &headers, QByteArrayView name)
{
    for (const HttpHeader &h : headers)
        if (QByteArrayView(h.name).compare(name, Qt::CaseInsensitive) == 0)
            return h.value;
    return {};
}

QString headersText(const QList<HttpHeader> &headers)
{
    QStringList out;
    for (const HttpHeader &h : headers)
        out << QString::fromLatin1(h.name + ": " + h.value);
    return out.join(u" | "_s);
}

// The requests of tests/data/captured-requests, as read by readCaptureFolder and ingested
// without schemas, with ids 1, 2, ... as a store would give them.
std::vector<PingRecord> ingestedCaptureFolder(ImportBatch *batchOut = nullptr)
{
    ImportBatch batch = readCaptureFolder(dataDir() + u"/captured-requests"_s);
    std::vector<PingRecord> records;
    qint64 id = 0;
    for (const ImportedRequest &r : batch.requests) {
        PingRecord rec = ingestSubmission(r.raw, IngestOptions());
        rec.id = ++id;
        records.push_back(std::move(rec));
    }
    if (batchOut)
        *batchOut = std::move(batch);
    return records;
}

QString compareRequest(const PingRecord &want, const RawSubmission &got)
{
    if (got.method != want.method.toLatin1())
        return u"method %1, not %2"_s.arg(QString::fromLatin1(got.method), want.method);
    if (got.path != want.path.toLatin1())
        return u"path %1, not %2"_s.arg(QString::fromLatin1(got.path), want.path);
    if (got.query != want.query.toLatin1())
        return u"query %1, not %2"_s.arg(QString::fromLatin1(got.query), want.query);
    if (headersText(got.headers) != headersText(want.headers))
        return u"headers\n  %1\nnot\n  %2"_s.arg(headersText(got.headers), headersText(want.headers));
    if (got.body != want.body)
        return u"a body of %1 bytes, not the %2 sent"_s.arg(got.body.size()).arg(want.body.size());
    if (got.receivedAtUs != want.receivedAtUs)
        return u"received at %1, not %2"_s.arg(got.receivedAtUs).arg(want.receivedAtUs);
    return {};
}

// What HAR 1.2 requires of a log (http://www.softwareishard.com/blog/har-12-spec/); empty when
// `har` has all of it.
QString harProblems(const QByteArray &har)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(har, &pe);
    if (pe.error != QJsonParseError::NoError)
        return u"not JSON: "_s + pe.errorString();
    QStringList problems;
    const auto need =
        [&problems](const QJsonObject &o, const QString &where,
                    std::initializer_list<std::pair<const char16_t *, QJsonValue::Type>> fields) {
            for (const auto &[name, type] : fields) {
                const QJsonValue v = o.value(QStringView(name));
                if (v.type() != type)
                    problems << where + u'.' + QStringView(name).toString();
            }
        };
    const QJsonObject log = doc.object().value(u"log"_s).toObject();
    need(log, u"log"_s,
         {{u"version", QJsonValue::String},
          {u"creator", QJsonValue::Object},
          {u"entries", QJsonValue::Array}});
    if (log.value(u"version"_s).toString() != u"1.2")
        problems << u"log.version is not 1.2"_s;
    need(log.value(u"creator"_s).toObject(), u"log.creator"_s,
         {{u"name", QJsonValue::String}, {u"version", QJsonValue::String}});
    const QJsonArray entries = log.value(u"entries"_s).toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonObject e = entries[i].toObject();
        const QString at = u"entries[%1]"_s.arg(i);
        need(e, at,
             {{u"startedDateTime", QJsonValue::String},
              {u"time", QJsonValue::Double},
              {u"request", QJsonValue::Object},
              {u"response", QJsonValue::Object},
              {u"cache", QJsonValue::Object},
              {u"timings", QJsonValue::Object}});
        if (!QDateTime::fromString(e.value(u"startedDateTime"_s).toString(), Qt::ISODateWithMs).isValid())
            problems << at + u".startedDateTime is not ISO 8601"_s;
        const QJsonObject req = e.value(u"request"_s).toObject();
        need(req, at + u".request"_s,
             {{u"method", QJsonValue::String},
              {u"url", QJsonValue::String},
              {u"httpVersion", QJsonValue::String},
              {u"cookies", QJsonValue::Array},
              {u"headers", QJsonValue::Array},
              {u"queryString", QJsonValue::Array},
              {u"headersSize", QJsonValue::Double},
              {u"bodySize", QJsonValue::Double}});
        for (const QJsonValue &h : req.value(u"headers"_s).toArray())
            need(h.toObject(), at + u".request.headers[]"_s,
                 {{u"name", QJsonValue::String}, {u"value", QJsonValue::String}});
        for (const QJsonValue &q : req.value(u"queryString"_s).toArray())
            need(q.toObject(), at + u".request.queryString[]"_s,
                 {{u"name", QJsonValue::String}, {u"value", QJsonValue::String}});
        if (req.contains(u"postData"_s))
            need(req.value(u"postData"_s).toObject(), at + u".request.postData"_s,
                 {{u"mimeType", QJsonValue::String}, {u"text", QJsonValue::String}});
        const QJsonObject resp = e.value(u"response"_s).toObject();
        need(resp, at + u".response"_s,
             {{u"status", QJsonValue::Double},
              {u"statusText", QJsonValue::String},
              {u"httpVersion", QJsonValue::String},
              {u"cookies", QJsonValue::Array},
              {u"headers", QJsonValue::Array},
              {u"content", QJsonValue::Object},
              {u"redirectURL", QJsonValue::String},
              {u"headersSize", QJsonValue::Double},
              {u"bodySize", QJsonValue::Double}});
        need(resp.value(u"content"_s).toObject(), at + u".response.content"_s,
             {{u"size", QJsonValue::Double}, {u"mimeType", QJsonValue::String}});
        need(
            e.value(u"timings"_s).toObject(), at + u".timings"_s,
            {{u"send", QJsonValue::Double}, {u"wait", QJsonValue::Double}, {u"receive", QJsonValue::Double}});
    }
    return problems.join(u", "_s);
}

// The first problem's message (a QVERIFY2 message is made even when the check passes).
QString firstProblem(const ImportBatch &batch)
{
    return batch.problems.empty() ? QString() : batch.problems.front().message;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

const QRegularExpression &uuidTail()
{
    static const QRegularExpression re(
        u"/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"_s);
    return re;
}

} // namespace

class TestShare : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void captureFolderReadsEveryRequest();
    void captureFolderByRelativePath();
    void ndjsonRoundTripOfEveryCapture();
    void harRoundTripOfEveryCapture();
    void harHasTheRequiredFields();
    void harCheckerCatchesMissingFields();
    void firefoxDevtoolsHar();
    void chromeDevtoolsHar();
    void ndjsonBrokenLine();
    void ndjsonLineProblems_data();
    void ndjsonLineProblems();
    void gleanLogs_data();
    void gleanLogs();
    void gleanLogTimes();
    void validationExampleNames();
    void legacyTelemetryUrl();
    void captureFolderHeadersObject();
    void readAnyPicksTheReader();

private:
    std::shared_ptr<const SchemaRegistry> m_registry;
};

void TestShare::initTestCase()
{
    m_registry = SchemaRegistry::load({}, true, nullptr);
    QVERIFY(m_registry);
}

// Every captured request comes back from its meta and body files as the listener kept it.
void TestShare::captureFolderReadsEveryRequest()
{
    const ImportBatch batch = readCaptureFolder(dataDir() + u"/captured-requests"_s);
    const QList<CapturedRequest> captured = loadCapturedRequests();
    QCOMPARE(batch.format, u"capture-folder"_s);
    QVERIFY2(batch.problems.empty(), qPrintable(firstProblem(batch)));
    QCOMPARE(qsizetype(batch.requests.size()), captured.size());
    QCOMPARE(captured.size(), 44);
    for (qsizetype i = 0; i < captured.size(); ++i) {
        const CapturedRequest &c = captured[i];
        const RawSubmission &raw = batch.requests[size_t(i)].raw;
        QCOMPARE(batch.requests[size_t(i)].position, c.name + u".meta.json"_s);
        QCOMPARE(raw.source, u"import: "_s + c.name + u".meta.json"_s);
        QCOMPARE(raw.method, c.method);
        QCOMPARE(raw.path + (raw.query.isEmpty() ? QByteArray() : '?' + raw.query), c.url);
        QCOMPARE(headersText(raw.headers), headersText(c.headers));
        QCOMPARE(raw.body, c.body);
        QCOMPARE(raw.peer, u"127.0.0.1"_s);
    }
    // Times are the meta files' received_at.
    QCOMPARE(batch.requests.front().raw.receivedAtUs, utcUs(u"2026-11-23T02:19:25.192Z"_s));
}

void TestShare::ndjsonRoundTripOfEveryCapture()
{
    const std::vector<PingRecord> records = ingestedCaptureFolder();
    QCOMPARE(records.size(), size_t(44));
    QByteArray file;
    for (const PingRecord &r : records) {
        const QByteArray line = toNdjsonLine(r);
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        QCOMPARE(o.value(u"format"_s).toString(), u"pingscope-ndjson/1"_s);
        QCOMPARE(o.value(u"id"_s).toInteger(), r.id);
        QVERIFY(o.value(u"errors"_s).isArray() && o.value(u"warnings"_s).isArray());
        QCOMPARE(o.value(u"verdict"_s).toString(), r.verdict);
        // Microseconds, in UTC.
        QVERIFY2(QRegularExpression(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$"_s)
                     .match(o.value(u"received_at"_s).toString())
                     .hasMatch(),
                 qPrintable(o.value(u"received_at"_s).toString()));
        file += line;
    }
    const ImportBatch back = readNdjson(file, u"capture.ndjson"_s);
    QVERIFY(back.problems.empty());
    QCOMPARE(back.requests.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
        const QString diff = compareRequest(records[i], back.requests[i].raw);
        QVERIFY2(diff.isEmpty(), qPrintable(records[i].path + u": "_s + diff));
        QCOMPARE(back.requests[i].position, u"capture.ndjson line %1"_s.arg(i + 1));
        QCOMPARE(back.requests[i].raw.source, u"import: capture.ndjson line %1"_s.arg(i + 1));
        // Ingested again, the same record comes out.
        const PingRecord again = ingestSubmission(back.requests[i].raw, IngestOptions());
        QCOMPARE(again.verdict, records[i].verdict);
        QCOMPARE(again.payload, records[i].payload);
    }
}

void TestShare::harRoundTripOfEveryCapture()
{
    const std::vector<PingRecord> records = ingestedCaptureFolder();
    const ImportBatch back = readHar(toHar(records), u"capture.har"_s);
    std::vector<const PingRecord *> submissions;
    for (const PingRecord &r : records)
        if ((r.method == u"POST" || r.method == u"PUT") && r.path.startsWith(u"/submit/"_s))
            submissions.push_back(&r);
    QCOMPARE(submissions.size(), size_t(37));
    QCOMPARE(back.errorCount(), 0);
    QCOMPARE(back.skippedCount(), qsizetype(records.size() - submissions.size())); // GETs and preflights
    QCOMPARE(back.requests.size(), submissions.size());
    for (size_t i = 0; i < submissions.size(); ++i) {
        const QString diff = compareRequest(*submissions[i], back.requests[i].raw);
        QVERIFY2(diff.isEmpty(), qPrintable(submissions[i]->path + u": "_s + diff));
        QCOMPARE(back.requests[i].raw.answerStatus, submissions[i]->statusCode);
    }
    QVERIFY(back.requests.front().position.startsWith(u"capture.har entry "_s));
}

void TestShare::harHasTheRequiredFields()
{
    const std::vector<PingRecord> records = ingestedCaptureFolder();
    const QByteArray har = toHar(records);
    const QString problems = harProblems(har);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
    const QJsonObject log = QJsonDocument::fromJson(har).object().value(u"log"_s).toObject();
    QCOMPARE(log.value(u"creator"_s).toObject().value(u"name"_s).toString(), u"Pingscope"_s);
    const QJsonArray entries = log.value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), qsizetype(records.size()));
    bool sawText = false, sawBase64 = false;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const PingRecord &r = records[size_t(i)];
        const QJsonObject e = entries[i].toObject();
        const QJsonObject req = e.value(u"request"_s).toObject();
        QCOMPARE(e.value(u"startedDateTime"_s).toString(),
                 QDateTime::fromMSecsSinceEpoch(r.receivedAtUs / 1000, QTimeZone::utc())
                     .toString(u"yyyy-MM-ddTHH:mm:ss.zzzZ"_s));
        QCOMPARE(req.value(u"method"_s).toString(), r.method);
        QCOMPARE(req.value(u"httpVersion"_s).toString(), u"HTTP/1.1"_s);
        QCOMPARE(req.value(u"bodySize"_s).toInteger(), r.bodyBytes);
        const QJsonArray headers = req.value(u"headers"_s).toArray();
        QCOMPARE(headers.size(), r.headers.size());
        for (qsizetype h = 0; h < headers.size(); ++h)
            QCOMPARE(headers[h].toObject().value(u"name"_s).toString(),
                     QString::fromLatin1(r.headers[h].name));
        const QString host = QString::fromLatin1(headerOf(r.headers, "host"));
        QCOMPARE(req.value(u"url"_s).toString(),
                 u"http://"_s + host + r.path + (r.query.isEmpty() ? QString() : u'?' + r.query));
        QCOMPARE(e.value(u"response"_s).toObject().value(u"status"_s).toInt(), r.statusCode);
        QCOMPARE(e.value(u"_pingscope"_s).toObject().value(u"id"_s).toInteger(), r.id);
        const QJsonObject post = req.value(u"postData"_s).toObject();
        if (post.isEmpty())
            continue;
        if (post.value(u"encoding"_s).toString() == u"base64") {
            sawBase64 = true;
            QCOMPARE(QByteArray::fromBase64(post.value(u"text"_s).toString().toLatin1()), r.body);
            QCOMPARE(post.value(u"_pingscope_body_base64"_s).toString(), post.value(u"text"_s).toString());
        } else {
            sawText = true;
            QCOMPARE(post.value(u"text"_s).toString().toUtf8(), r.body);
        }
    }
    QVERIFY(sawText);   // Glean.js beacons: plain JSON
    QVERIFY(sawBase64); // gzip
}

// The checker is not a rubber stamp.
void TestShare::harCheckerCatchesMissingFields()
{
    std::vector<PingRecord> records = ingestedCaptureFolder();
    records.resize(1);
    QByteArray har = toHar(records);
    QVERIFY(harProblems(har).isEmpty());
    QVERIFY(!harProblems(QByteArray(har).replace("\"timings\"", "\"timing\"")).isEmpty());
    QVERIFY(!harProblems(QByteArray(har).replace("\"version\":\"1.2\"", "\"version\":\"1.1\"")).isEmpty());
    QVERIFY(!harProblems(QByteArray(har).replace("\"headersSize\"", "\"headerSize\"")).isEmpty());
    QVERIFY(!harProblems(har.left(har.size() / 2)).isEmpty());
}

void TestShare::firefoxDevtoolsHar()
{
    const ImportBatch batch = readHar(readDataFile(u"har/firefox-devtools.har"_s), u"firefox-devtools.har"_s);
    QCOMPARE(batch.format, u"har"_s);
    QCOMPARE(batch.requests.size(), size_t(1));
    QCOMPARE(batch.skippedCount(), 4); // two GETs, a preflight, a POST that is not to /submit/
    QCOMPARE(batch.errorCount(), 1);
    QStringList skipped;
    for (const ImportProblem &p : batch.problems)
        if (p.skipped)
            skipped << p.position;
    QCOMPARE(skipped, QStringList({u"firefox-devtools.har entry 1"_s, u"firefox-devtools.har entry 2"_s,
                                   u"firefox-devtools.har entry 4"_s, u"firefox-devtools.har entry 6"_s}));
    // Entry 5's gzip body was saved with U+FFFD in place of bytes: lost, and said so.
    const auto lost = std::find_if(batch.problems.begin(), batch.problems.end(),
                                   [](const ImportProblem &p) { return !p.skipped; });
    QCOMPARE(lost->position, u"firefox-devtools.har entry 5"_s);
    QVERIFY2(lost->message.contains(u"U+FFFD"_s), qPrintable(lost->message));

    // Entry 3, a Glean.js beacon: plain text, as captured.
    const ImportedRequest &r = batch.requests.front();
    QCOMPARE(r.position, u"firefox-devtools.har entry 3"_s);
    QCOMPARE(r.raw.method, "POST");
    QCOMPARE(r.raw.path, "/submit/peers-gleanjs-web-beacon/events/1/9e64256c-ef34-465b-8373-0a04ab2ea12f");
    QCOMPARE(r.raw.body,
             readDataFile(u"captured-requests/gleanjs/014-POST-peers-gleanjs-web-beacon_events.body.raw"_s));
    QCOMPARE(r.raw.receivedAtUs, utcUs(u"2026-11-23T02:19:06.517Z"_s)); // +01:00 in the file
    QCOMPARE(r.raw.headers.first().name, "Host");
    QCOMPARE(headerOf(r.raw.headers, "content-type"), "text/plain;charset=UTF-8");
    QCOMPARE(r.raw.headers.size(), 12);
    const PingRecord rec = ingestSubmission(r.raw, IngestOptions());
    QCOMPARE(rec.verdict, u"parsed"_s);
    QCOMPARE(rec.docType, u"events"_s);
}

void TestShare::chromeDevtoolsHar()
{
    const ImportBatch batch = readHar(readDataFile(u"har/chrome-devtools.har"_s), u"chrome-devtools.har"_s);
    QVERIFY(batch.problems.empty());
    QCOMPARE(batch.requests.size(), size_t(1));
    const RawSubmission &raw = batch.requests.front().raw;
    // The gzip bytes, one per character in the file, come back as they were sent.
    QCOMPARE(raw.body,
             readDataFile(u"captured-requests/gleanjs/021-POST-org-peers-gleanjs-web_events.body.raw"_s));
    QCOMPARE(raw.path, "/submit/org-peers-gleanjs-web/events/1/f840bf61-95cd-47d2-b21f-1399b474f982");
    // HTTP/2 pseudo-headers are not headers of the request; :authority is its Host.
    QCOMPARE(raw.headers.first().name, "Host");
    QCOMPARE(raw.headers.first().value, "127.0.0.1:8443");
    for (const HttpHeader &h : raw.headers)
        QVERIFY2(!h.name.startsWith(':'), h.name.constData());
    const PingRecord rec = ingestSubmission(raw, IngestOptions());
    QCOMPARE(rec.verdict, u"parsed"_s);
    QCOMPARE(rec.contentEncoding, u"gzip"_s);
}

void TestShare::ndjsonBrokenLine()
{
    std::vector<PingRecord> records = ingestedCaptureFolder();
    const QByteArray one = toNdjsonLine(records[0]), three = toNdjsonLine(records[2]);
    const QByteArray file = one + one.left(one.size() / 2) + '\n' + three;
    const ImportBatch batch = readNdjson(file, u"shared.ndjson"_s);
    QCOMPARE(batch.requests.size(), size_t(2));
    QCOMPARE(batch.problems.size(), size_t(1));
    QCOMPARE(batch.problems.front().position, u"shared.ndjson line 2"_s);
    QCOMPARE(batch.problems.front().file, u"shared.ndjson"_s);
    QVERIFY(!batch.problems.front().skipped);
    QCOMPARE(batch.requests[0].position, u"shared.ndjson line 1"_s);
    QCOMPARE(batch.requests[1].position, u"shared.ndjson line 3"_s);
    QVERIFY(compareRequest(records[2], batch.requests[1].raw).isEmpty());
}

void TestShare::ndjsonLineProblems_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("message");
    const QByteArray good =
        R"({"format":"pingscope-ndjson/1","received_at_us":1,"method":"POST","path":"/submit/a/b/1/c",)"
        R"("headers":[["Host","x"]],"body_base64":"e30="})";
    QTest::newRow("good") << good << QString();
    QTest::newRow("no format") << QByteArray(good).replace(R"("format":"pingscope-ndjson/1",)", "")
                               << u"not a pingscope-ndjson/1 line"_s;
    QTest::newRow("other format") << QByteArray(good).replace("ndjson/1", "ndjson/2")
                                  << u"is not pingscope-ndjson/1"_s;
    QTest::newRow("bad base64") << QByteArray(good).replace("e30=", "e30*") << u"not base64"_s;
    QTest::newRow("no method") << QByteArray(good).replace(R"("method":"POST",)", "") << u"\"method\""_s;
    QTest::newRow("header pair") << QByteArray(good).replace(R"(["Host","x"])", R"(["Host"])")
                                 << u"[name, value]"_s;
    QTest::newRow("no time") << QByteArray(good).replace(R"("received_at_us":1,)", "") << u"received_at"_s;
    QTest::newRow("array") << QByteArray("[1,2]") << u"not a JSON object"_s;
}

void TestShare::ndjsonLineProblems()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, message);
    const QByteArray file = "\n" + line + "\r\n\n";
    const ImportBatch batch = readNdjson(file, u"x.ndjson"_s);
    if (message.isEmpty()) {
        QVERIFY(batch.problems.empty());
        QCOMPARE(batch.requests.size(), size_t(1));
        QCOMPARE(batch.requests.front().raw.body, "{}");
        QCOMPARE(batch.requests.front().position, u"x.ndjson line 2"_s);
        return;
    }
    QVERIFY(batch.requests.empty());
    QCOMPARE(batch.problems.size(), size_t(1));
    QCOMPARE(batch.problems.front().position, u"x.ndjson line 2"_s);
    QVERIFY2(firstProblem(batch).contains(message), qPrintable(firstProblem(batch)));
}

void TestShare::gleanLogs_data()
{
    QTest::addColumn<QString>("log");
    const QJsonObject manifest =
        QJsonDocument::fromJson(readDataFile(u"glean-logs/expected/manifest.json"_s)).object();
    QCOMPARE(manifest.size(), 4);
    for (const QString &log : manifest.keys())
        QTest::newRow(qPrintable(log)) << log;
}

// Each logged ping comes back byte for byte, also from logcat's parts; the cut ones are
// problems at the line they start.
void TestShare::gleanLogs()
{
    QFETCH(QString, log);
    const QJsonObject expected = QJsonDocument::fromJson(readDataFile(u"glean-logs/expected/manifest.json"_s))
                                     .object()
                                     .value(log)
                                     .toObject();
    const ImportBatch batch = readGleanLog(readDataFile(u"glean-logs/"_s + log), log);
    QCOMPARE(batch.format, u"glean-log"_s);
    const QJsonArray pings = expected.value(u"pings"_s).toArray();
    QStringList got, want;
    for (const ImportedRequest &r : batch.requests)
        got << r.position + u' ' + QString::fromLatin1(r.raw.path);
    for (const QJsonValue &p : pings)
        want << u"%1 line %2 %3"_s.arg(log)
                    .arg(p.toObject().value(u"line"_s).toInt())
                    .arg(p.toObject().value(u"path"_s).toString());
    QCOMPARE(got, want);
    for (qsizetype i = 0; i < pings.size(); ++i) {
        const RawSubmission &raw = batch.requests[size_t(i)].raw;
        const QByteArray body =
            readDataFile(u"glean-logs/"_s + pings[i].toObject().value(u"body"_s).toString());
        QVERIFY(!body.isEmpty());
        if (raw.body != body) {
            qsizetype at = 0;
            while (at < body.size() && at < raw.body.size() && body[at] == raw.body[at])
                ++at;
            QFAIL(qPrintable(u"%1: %2 bytes, not %3; they differ from byte %4: ...%5..."_s.arg(want[i])
                                 .arg(raw.body.size())
                                 .arg(body.size())
                                 .arg(at)
                                 .arg(QString::fromUtf8(raw.body.mid(qMax(0, at - 20), 40)))));
        }
        QCOMPARE(raw.method, "POST");
        QCOMPARE(headerOf(raw.headers, "content-type"), "application/json; charset=utf-8");
        QCOMPARE(raw.source, u"import: "_s + batch.requests[size_t(i)].position);
    }
    QStringList gotProblems, wantProblems;
    for (const ImportProblem &p : batch.problems)
        gotProblems << p.position;
    for (const QJsonValue &p : expected.value(u"problems"_s).toArray())
        wantProblems << u"%1 line %2"_s.arg(log).arg(p.toObject().value(u"line"_s).toInt());
    QCOMPARE(gotProblems, wantProblems);
}

void TestShare::gleanLogTimes()
{
    // env_logger's time stamp, with its zone.
    ImportBatch desktop = readGleanLog(readDataFile(u"glean-logs/desktop-env-logger.log"_s), u"d.log"_s);
    QVERIFY(!desktop.requests.empty());
    QCOMPARE(desktop.requests.front().raw.receivedAtUs, utcUs(u"2026-08-21T10:31:15.000Z"_s));
    QVERIFY2(firstProblem(desktop).contains(u"cut off"_s), qPrintable(firstProblem(desktop)));
    // Logcat's has no year and no zone: the ping's end_time.
    ImportBatch android =
        readGleanLog(readDataFile(u"glean-logs/android-threadtime.logcat"_s), u"a.logcat"_s);
    QVERIFY(!android.requests.empty());
    QCOMPARE(android.requests.front().raw.receivedAtUs, utcUs(u"2026-08-21T10:30:48.530Z"_s));
    QVERIFY2(firstProblem(android).contains(u"parts 1 to 1 of 2"_s), qPrintable(firstProblem(android)));
    ImportBatch plain = readGleanLog(readDataFile(u"glean-logs/desktop-plain.log"_s), u"p.log"_s);
    QVERIFY2(firstProblem(plain).contains(u"<invalid ping payload>"_s), qPrintable(firstProblem(plain)));
}

void TestShare::validationExampleNames()
{
    const QString dir = dataDir() + u"/pipeline-schemas/validation/"_s;
    ImportBatch batch = readJsonFiles({dir + u"glean/glean.1.locale.pass.json"_s}, {});
    QVERIFY(batch.problems.empty());
    QCOMPARE(batch.requests.size(), size_t(1));
    const QString path = QString::fromLatin1(batch.requests.front().raw.path);
    QVERIFY2(path.startsWith(u"/submit/glean/glean/1/"_s) && uuidTail().match(path).hasMatch(),
             qPrintable(path));
    QCOMPARE(batch.requests.front().raw.body, readFile(dir + u"glean/glean.1.locale.pass.json"_s));
    QCOMPARE(batch.requests.front().position, u"glean.1.locale.pass.json"_s);
    // Each file gets its own document id.
    ImportBatch twice = readJsonFiles(
        {dir + u"glean/glean.1.locale.pass.json"_s, dir + u"glean/glean.1.locale.pass.json"_s}, {});
    QCOMPARE(twice.requests.size(), size_t(2));
    QVERIFY(twice.requests[0].raw.path != twice.requests[1].raw.path);
    // A folder: every example in it, in name order; the fail examples too.
    ImportBatch folder = readJsonFiles({dir + u"glean"_s}, {});
    QVERIFY(folder.problems.empty());
    QCOMPARE(qsizetype(folder.requests.size()),
             QDir(dir + u"glean"_s).entryList({u"*.json"_s}, QDir::Files).size());
    QVERIFY(std::is_sorted(
        folder.requests.begin(), folder.requests.end(),
        [](const ImportedRequest &a, const ImportedRequest &b) { return a.position < b.position; }));

    // A name that says nothing: a problem that says what to do.
    ImportBatch unnamed = readJsonFiles({dataDir() + u"/sample-pings/glean-docs-baseline.json"_s}, {});
    QVERIFY(unnamed.requests.empty());
    QCOMPARE(unnamed.problems.size(), size_t(1));
    QVERIFY2(firstProblem(unnamed).contains(u"--namespace/--doctype/--version"_s),
             qPrintable(firstProblem(unnamed)));
    // ... or the overrides.
    ImportBatch told = readJsonFiles({dataDir() + u"/sample-pings/glean-docs-baseline.json"_s},
                                     {u"org-mozilla-fenix"_s, u"baseline"_s, u"1"_s});
    QCOMPARE(told.requests.size(), size_t(1));
    QVERIFY(told.requests.front().raw.path.startsWith("/submit/org-mozilla-fenix/baseline/1/"));
    const PingRecord rec = ingestSubmission(told.requests.front().raw, IngestOptions());
    QCOMPARE(rec.verdict, u"parsed"_s);
}

void TestShare::legacyTelemetryUrl()
{
    Validator validator(m_registry);
    IngestOptions options;
    options.schemas = m_registry;
    // From the overrides: the id and application come from the ping.
    ImportBatch batch = readJsonFiles({dataDir() + u"/sample-pings/telemetry-event-ping.json"_s},
                                      {u"telemetry"_s, u"event"_s, QString()});
    QVERIFY(batch.problems.empty());
    QCOMPARE(batch.requests.size(), size_t(1));
    const RawSubmission &raw = batch.requests.front().raw;
    QCOMPARE(
        raw.path,
        "/submit/telemetry/1c640570-51f7-48cc-9170-6ca93a5df178/event/Firefox/62.0a1/default/20180509105613");
    QCOMPARE(raw.query, "v=4");
    PingRecord rec = ingestSubmission(raw, options, &validator);
    QCOMPARE(rec.verdict, u"valid"_s);
    QCOMPARE(rec.appBuildId, u"20180509105613"_s);
    // From a validation example's name.
    const QString example = dataDir() + u"/pipeline-schemas/validation/telemetry/main.4.sample.pass.json"_s;
    batch = readJsonFiles({example}, {});
    QCOMPARE(batch.requests.size(), size_t(1));
    QCOMPARE(batch.requests.front().raw.path,
             "/submit/telemetry/0fdac909-d2ec-454c-b625-261a3e5d5c9b/main/Firefox/45.0/beta/20151103030248");
    rec = ingestSubmission(batch.requests.front().raw, options, &validator);
    QCOMPARE(rec.docType, u"main"_s);
    QCOMPARE(rec.appUpdateChannel, u"beta"_s);
    // Without an application there is no URL to send it to.
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir(u"telemetry"_s));
    const QString bare = dir.filePath(u"telemetry/main.4.bare.pass.json"_s);
    QVERIFY(writeFile(bare, R"({"type":"main","id":"0fdac909-d2ec-454c-b625-261a3e5d5c9b","version":4})"));
    batch = readJsonFiles({bare}, {});
    QVERIFY(batch.requests.empty());
    QVERIFY2(firstProblem(batch).contains(u"application.name"_s), qPrintable(firstProblem(batch)));
}

// A listener that kept only a lower-cased headers object: read in the file's order; a
// missing body file is a problem of that request, not of the folder.
void TestShare::captureFolderHeadersObject()
{
    QTemporaryDir dir;
    const QByteArray meta =
        R"({"method":"POST","url":"/submit/a/b/1/c?x=1","received_at":"2026-11-23T02:19:25.192Z",)"
        R"("remote":"10.0.0.2","headers":{"host":"h","x-debug-id":"t","content-type":"application/json",)"
        R"("accept":["a","b"]}})";
    QVERIFY(writeFile(dir.filePath(u"1.meta.json"_s), meta));
    QVERIFY(writeFile(dir.filePath(u"1.body.raw"_s), "{}"));
    QVERIFY(writeFile(dir.filePath(u"2.meta.json"_s),
                      QByteArray(meta).replace("\"remote\"", "\"body_bytes_raw\":5,\"r\"")));
    QVERIFY(writeFile(dir.filePath(u"3.meta.json"_s), "{"));
    const ImportBatch batch = readCaptureFolder(dir.path());
    QCOMPARE(batch.requests.size(), size_t(1));
    const RawSubmission &raw = batch.requests.front().raw;
    QCOMPARE(headersText(raw.headers),
             u"host: h | x-debug-id: t | content-type: application/json | accept: a | accept: b"_s);
    QCOMPARE(raw.path, "/submit/a/b/1/c");
    QCOMPARE(raw.query, "x=1");
    QCOMPARE(raw.peer, u"10.0.0.2"_s);
    QCOMPARE(raw.body, "{}");
    QCOMPARE(batch.problems.size(), size_t(2));
    QCOMPARE(batch.problems[0].position, u"2.meta.json"_s);
    QVERIFY2(batch.problems[0].message.contains(u"2.body.raw"_s), qPrintable(batch.problems[0].message));
    QCOMPARE(batch.problems[1].position, u"3.meta.json"_s);
    // One meta file alone.
    const ImportBatch one = readCaptureFolder(dir.filePath(u"1.meta.json"_s));
    QCOMPARE(one.requests.size(), size_t(1));
    QVERIFY(one.problems.empty());
}

void TestShare::readAnyPicksTheReader()
{
    QTemporaryDir dir;
    std::vector<PingRecord> records = ingestedCaptureFolder();
    records.resize(3);
    QByteArray ndjson;
    for (const PingRecord &r : records)
        ndjson += toNdjsonLine(r);
    const QByteArray har = toHar(records);
    QVERIFY(writeFile(dir.filePath(u"a.ndjson"_s), ndjson));
    QVERIFY(writeFile(dir.filePath(u"a.jsonl"_s), ndjson));
    QVERIFY(writeFile(dir.filePath(u"shared.txt"_s), ndjson));
    QVERIFY(writeFile(dir.filePath(u"a.har"_s), har));
    QVERIFY(writeFile(dir.filePath(u"har.json"_s), har));
    QVERIFY(writeFile(dir.filePath(u"glean.txt"_s), readDataFile(u"glean-logs/desktop-plain.log"_s)));
    QVERIFY(writeFile(dir.filePath(u"notes.txt"_s), "nothing to see"));
    const auto formatOf = [&](const QString &name) { return readAny(dir.filePath(name), {}).format; };
    QCOMPARE(formatOf(u"a.ndjson"_s), u"pingscope-ndjson/1"_s);
    QCOMPARE(formatOf(u"a.jsonl"_s), u"pingscope-ndjson/1"_s);
    QCOMPARE(formatOf(u"shared.txt"_s), u"pingscope-ndjson/1"_s);
    QCOMPARE(formatOf(u"a.har"_s), u"har"_s);
    QCOMPARE(formatOf(u"har.json"_s), u"har"_s);
    QCOMPARE(formatOf(u"glean.txt"_s), u"glean-log"_s);
    QCOMPARE(readAny(dir.filePath(u"shared.txt"_s), {}).requests.size(), size_t(3));
    const ImportBatch notes = readAny(dir.filePath(u"notes.txt"_s), {});
    QVERIFY(notes.requests.empty());
    QVERIFY(firstProblem(notes).contains(u"cannot tell"_s));
    const ImportBatch missing = readAny(dir.filePath(u"gone.ndjson"_s), {});
    QCOMPARE(firstProblem(missing), u"no such file or folder"_s);
    // Folders: captured requests at any depth, else JSON pings.
    QCOMPARE(readAny(dataDir() + u"/captured-requests"_s, {}).format, u"capture-folder"_s);
    QCOMPARE(
        readAny(dataDir() + u"/captured-requests/gleanjs/001-POST-peers-gleanjs-node_events.meta.json"_s, {})
            .requests.size(),
        size_t(1));
    const ImportBatch examples = readAny(dataDir() + u"/pipeline-schemas/validation/glean"_s, {});
    QCOMPARE(examples.format, u"json-pings"_s);
    QVERIFY(!examples.requests.empty());
    QCOMPARE(readAny(dataDir() + u"/pipeline-schemas/validation/glean/glean.1.locale.pass.json"_s, {}).format,
             u"json-pings"_s);
}

// A folder named relative to the working directory (pingscope import tests/data/...): each
// request is read from the folder once, not from the folder named twice.
void TestShare::captureFolderByRelativePath()
{
    const QString cwd = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dataDir()));
    const ImportBatch batch = readCaptureFolder(u"captured-requests/firefox-esr"_s);
    QDir::setCurrent(cwd);
    QCOMPARE(batch.errorCount(), 0);
    QCOMPARE(qsizetype(batch.requests.size()), qsizetype(23));
}

QTEST_GUILESS_MAIN(TestShare)
#include "tst_share.moc"
