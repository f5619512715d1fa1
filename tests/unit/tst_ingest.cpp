// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "ingest.h"
#include "ping/decode.h"
#include "testsupport.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace pingscope;
using pingscope::test::gzip;
using namespace Qt::StringLiterals;

namespace {

RawSubmission submission(const QByteArray &path, const QByteArray &body, const QByteArray &query = {})
{
    RawSubmission r;
    r.method = "POST";
    r.path = path;
    r.query = query;
    r.body = body;
    r.receivedAtUs = 1'700'000'000'000'000;
    r.headers = {{"Host", "h"},
                 {"X-Debug-ID", "my-tag"},
                 {"X-Source-Tags", "automation,perf"},
                 {"Date", "Mon, 23 Nov 2026 02:19:25 GMT"},
                 {"X-Telemetry-Agent", "Glean/67.3.2 (Rust on Linux)"}};
    return r;
}

const QByteArray kGoodPath = "/submit/org-example-app/custom/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c";

nlohmann::json errorsOf(const PingRecord &r)
{
    return nlohmann::json::parse(r.errorsJson.begin(), r.errorsJson.end());
}

} // namespace

class TestIngest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void gunzipPlainIsNotGzip();
    void gunzipRoundTrip();
    void gunzipConcatenatedMembers();
    void gunzipCorruptAndTruncated();
    void gunzipBombIsCapped();
    void utf8_data();
    void utf8();
    void jsonErrorPosition();
    void verdicts_data();
    void verdicts();
    void headerFieldsAndDerivedValues();
    void telemetryVersionFromBody();
    void refusedKeepsReason();
    void dateHeader_data();
    void dateHeader();
    void dateHeaderAgreesWithQt();
    void gleanDateTime();
    void warnings_data();
    void warnings();
};

void TestIngest::warnings_data()
{
    QTest::addColumn<QList<HttpHeader>>("headers");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QStringList>("kinds");
    const QByteArray glean = "/submit/org-example-app/custom/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c";
    const QByteArray now = QDateTime::currentDateTimeUtc().toString(Qt::RFC2822Date).toLatin1();
    QTest::addRow("clean") << QList<HttpHeader>{{"X-Debug-ID", "ok-tag-1"}, {"X-Source-Tags", "a,b-c"}}
                           << glean << QStringList();
    QTest::addRow("debug tag with underscore")
        << QList<HttpHeader>{{"X-Debug-ID", "my_tag"}} << glean << QStringList{u"debug-tag"_s};
    QTest::addRow("debug tag too long")
        << QList<HttpHeader>{{"X-Debug-ID", QByteArray(21, 'a')}} << glean << QStringList{u"debug-tag"_s};
    QTest::addRow("six source tags") << QList<HttpHeader>{{"X-Source-Tags", "a,b,c,d,e,f"}} << glean
                                     << QStringList{u"source-tags"_s};
    QTest::addRow("bad source tag") << QList<HttpHeader>{{"X-Source-Tags", "ok,not ok"}} << glean
                                    << QStringList{u"source-tags"_s};
    QTest::addRow("bad glean ping name")
        << QList<HttpHeader>{}
        << QByteArray("/submit/org-example-app/Custom_Ping/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c")
        << QStringList{u"ping-name"_s};
    QTest::addRow("date far off") << QList<HttpHeader>{{"Date", "Mon, 23 Nov 2020 02:19:25 GMT"}} << glean
                                  << QStringList{u"date-skew"_s};
}

void TestIngest::warnings()
{
    QFETCH(QList<HttpHeader>, headers);
    QFETCH(QByteArray, path);
    QFETCH(QStringList, kinds);
    RawSubmission raw;
    raw.method = "POST";
    raw.path = path;
    raw.headers = headers;
    raw.body = "{\"ping_info\":{\"seq\":1},\"client_info\":{\"client_id\":\"c\"}}";
    raw.receivedAtUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    const PingRecord r = ingestSubmission(raw, {});
    const auto w = nlohmann::json::parse(r.warningsJson.begin(), r.warningsJson.end());
    QStringList got;
    for (const auto &e : w)
        got << QString::fromStdString(e.at("kind").get<std::string>());
    QCOMPARE(got, kinds);
    QCOMPARE(r.warningCount, kinds.size());
    QCOMPARE(r.verdict, u"parsed"_s); // warnings never change the verdict
}

void TestIngest::gunzipPlainIsNotGzip()
{
    const auto r = gunzipIfGzip("{\"a\":1}", 1000);
    QCOMPARE(r.status, GunzipResult::Status::NotGzip);
}

void TestIngest::gunzipRoundTrip()
{
    const QByteArray text = QByteArray("{\"k\": \"") + QByteArray(5000, 'x') + "\"}";
    const auto r = gunzipIfGzip(gzip(text), 1 << 20);
    QCOMPARE(r.status, GunzipResult::Status::Ok);
    QCOMPARE(r.data, text);
}

void TestIngest::gunzipConcatenatedMembers()
{
    const auto r = gunzipIfGzip(gzip("{\"a\":") + gzip("1}"), 1000);
    QCOMPARE(r.status, GunzipResult::Status::Ok);
    QCOMPARE(r.data, QByteArray("{\"a\":1}"));
}

void TestIngest::gunzipCorruptAndTruncated()
{
    QByteArray z = gzip(QByteArray(1000, 'a'));
    const auto truncated = gunzipIfGzip(z.left(z.size() / 2), 1 << 20);
    QCOMPARE(truncated.status, GunzipResult::Status::Corrupt);
    QVERIFY2(truncated.message.contains(u"truncated"_s), qPrintable(truncated.message));
    QByteArray bad = z;
    bad[12] = char(0xff);
    bad[13] = char(0xff);
    QCOMPARE(gunzipIfGzip(bad, 1 << 20).status, GunzipResult::Status::Corrupt);
    const auto garbage = gunzipIfGzip(z + "trailing", 1 << 20);
    QCOMPARE(garbage.status, GunzipResult::Status::Corrupt);
    QVERIFY2(garbage.message.contains(u"garbage"_s), qPrintable(garbage.message));
}

void TestIngest::gunzipBombIsCapped()
{
    // 64 MiB of zeros compress to about 64 KiB.
    const QByteArray bomb = gzip(QByteArray(64 * 1024 * 1024, '\0'));
    QVERIFY(bomb.size() < 200 * 1024);
    const auto r = gunzipIfGzip(bomb, 1024 * 1024);
    QCOMPARE(r.status, GunzipResult::Status::TooLarge);
    QCOMPARE(r.data.size(), 1024 * 1024);
    QVERIFY2(r.message.contains(u"1048576"_s), qPrintable(r.message));

    IngestOptions opts;
    opts.maxDecodedBytes = 1024 * 1024;
    const PingRecord rec = ingestSubmission(submission(kGoodPath, bomb), opts);
    // Under 8 MiB production would look inside; past --max-decoded Pingscope cannot: too-large.
    QCOMPARE(rec.verdict, u"too-large"_s);
    QCOMPARE(rec.body, bomb); // raw bytes kept exactly

    // With the cap at or past production's 8 MiB limit, the bomb is what the decoder rejects,
    // with LimitPayloadSize's message and the exact size (counted without keeping the bytes).
    opts.maxDecodedBytes = 16 * 1024 * 1024;
    const PingRecord big = ingestSubmission(submission(kGoodPath, bomb), opts);
    QCOMPARE(big.verdict, u"rejected"_s);
    QVERIFY2(big.errorsJson.contains(
                 "Message payload is 67108864bytes, larger than the configured limit of 8388608"),
             big.errorsJson.constData());
    QCOMPARE(big.decodedBytes, 64 * 1024 * 1024);
    QVERIFY(big.payload.isEmpty());
    QCOMPARE(gzipInflatedSize(bomb, qint64(1) << 30), qint64(64) * 1024 * 1024);
    QCOMPARE(gzipInflatedSize(bomb, 1000), 1001);
    QCOMPARE(gzipInflatedSize("{}", 1000), -1);
}

void TestIngest::utf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("offset");
    QTest::addRow("ascii") << QByteArray("hello world, long enough for the fast path") << -1;
    QTest::addRow("two-byte") << QByteArray("caf\xc3\xa9") << -1;
    QTest::addRow("emoji") << QByteArray("\xf0\x9f\x98\x80 ok") << -1;
    QTest::addRow("lone continuation") << QByteArray("abc\x80") << 3;
    QTest::addRow("overlong slash") << QByteArray("0123456789\xc0\xaf") << 10;
    QTest::addRow("overlong 3-byte") << QByteArray("\xe0\x80\xaf") << 0;
    QTest::addRow("surrogate") << QByteArray("ab\xed\xa0\x80") << 2;
    QTest::addRow("above max") << QByteArray("\xf4\x90\x80\x80") << 0;
    QTest::addRow("truncated") << QByteArray("abcdefghij\xe2\x82") << 10;
    QTest::addRow("latin1") << QByteArray("na\xefve") << 2;
}

void TestIngest::utf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, offset);
    QCOMPARE(firstInvalidUtf8(bytes), qsizetype(offset));
}

void TestIngest::jsonErrorPosition()
{
    nlohmann::json doc;
    JsonParseError e;
    QVERIFY(!parseJson("{\n  \"a\": 1,\n  \"b\": tru\n}", doc, e));
    QCOMPARE(e.line, 3);
    QVERIFY2(e.column >= 8 && e.column <= 11, qPrintable(QString::number(e.column)));
    QVERIFY2(e.byteOffset >= 19 && e.byteOffset <= 22, qPrintable(QString::number(e.byteOffset)));
    QVERIFY(!e.message.isEmpty());
    QVERIFY(parseJson("[1,2]", doc, e));
    QVERIFY(doc.is_array());
}

void TestIngest::verdicts_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<int>("errors");
    QTest::addColumn<QString>("kinds");

    const QByteArray json = "{\"ping_info\":{\"seq\":3},\"client_info\":{\"client_id\":\"c1\"}}";
    QTest::addRow("plain json") << kGoodPath << json << u"parsed"_s << 0 << QString();
    QTest::addRow("gzip json") << kGoodPath << gzip(json) << u"parsed"_s << 0 << QString();
    QTest::addRow("not json") << kGoodPath << QByteArray("hello") << u"not-json"_s << 1 << u"json"_s;
    QTest::addRow("empty body") << kGoodPath << QByteArray() << u"not-json"_s << 1 << u"json"_s;
    QTest::addRow("gzip of not json") << kGoodPath << gzip("nope") << u"not-json"_s << 1 << u"json"_s;
    QTest::addRow("corrupt gzip") << kGoodPath << QByteArray("\x1f\x8b garbage") << u"bad-encoding"_s << 1
                                  << u"encoding"_s;
    QTest::addRow("invalid utf8") << kGoodPath << QByteArray("{\"a\":\"\xff\"}") << u"bad-encoding"_s << 1
                                  << u"encoding"_s;
    QTest::addRow("bad path, good body")
        << QByteArray("/submit/a/b") << json << u"bad-path"_s << 1 << u"path"_s;
    QTest::addRow("bad path and not json")
        << QByteArray("/submit/a/b") << QByteArray("x") << u"bad-path-nojson"_s << 2 << u"path,json"_s;
}

void TestIngest::verdicts()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, verdict);
    QFETCH(int, errors);
    QFETCH(QString, kinds);
    const PingRecord rec = ingestSubmission(submission(path, body), {});
    if (verdict == u"bad-path-nojson"_s)
        verdict = u"bad-path"_s; // the path problem wins; the JSON problem is still listed
    QCOMPARE(rec.verdict, verdict);
    QCOMPARE(rec.errorCount, errors);
    QCOMPARE(rec.body, body);
    const auto errs = errorsOf(rec);
    QCOMPARE(int(errs.size()), errors);
    QStringList got;
    for (const auto &e : errs) {
        got << QString::fromStdString(e.at("kind").get<std::string>());
        QVERIFY(!e.at("message").get<std::string>().empty());
    }
    QCOMPARE(got.join(u','), kinds);
    if (verdict == u"parsed"_s || kinds == u"path"_s)
        QVERIFY(!rec.payload.isEmpty()); // a bad URL does not hide a good body
    else
        QVERIFY(rec.payload.isEmpty());
}

void TestIngest::headerFieldsAndDerivedValues()
{
    const QByteArray json = "{\"ping_info\":{\"seq\":42},\"client_info\":{\"client_id\":\"abc\"}}";
    const PingRecord r = ingestSubmission(submission(kGoodPath, gzip(json)), {});
    QCOMPARE(r.ns, u"org-example-app"_s);
    QCOMPARE(r.docType, u"custom"_s);
    QCOMPARE(r.docVersion, u"1"_s);
    QCOMPARE(r.docId, u"e8067695-a20e-4a8d-81a8-a11b44f1c75c"_s);
    QCOMPARE(r.debugId, u"my-tag"_s);
    QCOMPARE(r.sourceTags, u"automation,perf"_s);
    QCOMPARE(r.telemetryAgent, u"Glean/67.3.2 (Rust on Linux)"_s);
    QCOMPARE(r.seq, 42);
    QCOMPARE(r.clientId, u"abc"_s);
    QCOMPARE(r.decodedBytes, json.size());
    QCOMPARE(r.payload, json);
    QCOMPARE(r.headers.size(), 5);
    QCOMPARE(r.dateMs, QDateTime(QDate(2026, 11, 23), QTime(2, 19, 25), Qt::UTC).toMSecsSinceEpoch());
}

void TestIngest::telemetryVersionFromBody()
{
    const QByteArray path = "/submit/telemetry/ba5715fa-a3d5-4da2-a8a5-6e27c870d6e7/main/Firefox/1/esr/2";
    PingRecord r = ingestSubmission(submission(path, "{\"version\":4,\"clientId\":\"x\"}", "v=4"), {});
    QCOMPARE(r.verdict, u"parsed"_s);
    QCOMPARE(r.docVersion, u"4"_s);
    QCOMPARE(r.clientId, u"x"_s);
    r = ingestSubmission(submission(path, "{\"v\":\"3\"}", "v=4"), {});
    QCOMPARE(r.docVersion, u"3"_s);
}

void TestIngest::refusedKeepsReason()
{
    RawSubmission raw = submission(kGoodPath, "partial");
    raw.answerStatus = 413;
    raw.refusedReason = u"payload too large"_s;
    raw.bodyTruncated = true;
    raw.declaredLength = 20'000'000;
    const PingRecord r = ingestSubmission(raw, {});
    QCOMPARE(r.verdict, u"refused"_s);
    QCOMPARE(r.statusCode, 413);
    QCOMPARE(r.bodyBytes, 20'000'000);
    QCOMPARE(r.body, QByteArray("partial"));
    const auto errs = errorsOf(r);
    QCOMPARE(errs.size(), size_t(1));
    QCOMPARE(errs[0].at("message").get<std::string>(), std::string("payload too large"));
}

void TestIngest::dateHeader_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<qint64>("ms");
    const qint64 t = QDateTime(QDate(2026, 11, 23), QTime(2, 19, 25), Qt::UTC).toMSecsSinceEpoch();
    QTest::addRow("imf-fixdate") << u"Mon, 23 Nov 2026 02:19:25 GMT"_s << t;
    QTest::addRow("iso with ms") << u"2026-11-23T02:19:25.000Z"_s << t;
    QTest::addRow("iso with offset") << u"2026-11-23T03:19:25+01:00"_s << t;
    QTest::addRow("garbage") << u"yesterday"_s << qint64(0);
    QTest::addRow("empty") << QString() << qint64(0);
    QTest::addRow("leap day")
        << u"Thu, 29 Feb 2024 23:59:59 GMT"_s
        << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59), Qt::UTC).toMSecsSinceEpoch();
    QTest::addRow("epoch") << u"Thu, 01 Jan 1970 00:00:00 GMT"_s << qint64(0);
    QTest::addRow("rfc 850") << u"Monday, 23-Nov-26 02:19:25 GMT"_s << t;
    QTest::addRow("asctime") << u"Mon Nov 23 02:19:25 2026"_s << t;
}

// The hand-written IMF-fixdate reader agrees with Qt's parser on every day of 1970..2100 (and
// at every hour, minute and second), and leaves what it does not accept to Qt: impossible
// dates, a weekday that is not the date's, other spacing.
void TestIngest::dateHeaderAgreesWithQt()
{
    const QLocale c = QLocale::c();
    auto qtParse = [&](const QString &v) {
        QDateTime dt = c.toDateTime(v, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
        dt.setTimeSpec(Qt::UTC);
        return dt.isValid() ? dt.toMSecsSinceEpoch() : qint64(0);
    };
    int checked = 0;
    for (QDate d(1970, 1, 1); d.year() <= 2100; d = d.addDays(1)) {
        const QTime time((d.day() * 7) % 24, (d.dayOfYear() * 11) % 60, (d.month() * 13 + d.day()) % 60);
        const QDateTime dt(d, time, Qt::UTC);
        const QString v = c.toString(dt, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
        QCOMPARE(parseDateHeader(v), dt.toMSecsSinceEpoch());
        ++checked;
    }
    QVERIFY(checked > 47'000);
    for (const QString &v : {u"Wed, 30 Feb 2026 10:00:00 GMT"_s, u"Tue, 23 Nov 2026 02:19:25 GMT"_s,
                             u"Mon, 23 Nov 2026 24:00:00 GMT"_s, u"Mon,  23 Nov 2026 02:19:25 GMT"_s,
                             u"Mon, 23 Nov 2026 02:19:25 UTC"_s, u"Mon, 23 Xyz 2026 02:19:25 GMT"_s})
        QCOMPARE(parseDateHeader(v), qtParse(v));
}

void TestIngest::gleanDateTime()
{
    const qint64 t = QDateTime(QDate(2019, 3, 29), QTime(13, 50), Qt::UTC).toMSecsSinceEpoch();
    QCOMPARE(parseGleanDateTime(u"2019-03-29T09:50-04:00"_s), t); // no seconds
    QCOMPARE(parseGleanDateTime(u"2019-03-29T09:50:00-04:00"_s), t);
    QCOMPARE(parseGleanDateTime(u"2019-03-29T13:50:00.250+00:00"_s), t + 250);
    QCOMPARE(parseGleanDateTime(u"yesterday"_s), qint64(0));
}

void TestIngest::dateHeader()
{
    QFETCH(QString, value);
    QFETCH(qint64, ms);
    QCOMPARE(parseDateHeader(value), ms);
}

QTEST_GUILESS_MAIN(TestIngest)
#include "tst_ingest.moc"
