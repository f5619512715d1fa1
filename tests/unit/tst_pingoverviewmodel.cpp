// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "pingoverviewmodel.h"

#include "ingest.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QFile>
#include <QTest>

#include "testsupport.h"

using namespace pingscope;
using pingscope::test::readDataFile;
using namespace Qt::StringLiterals;

class TestPingOverviewModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void gleanPing();
    void experimentsAndMinuteTimes();
    void legacyTelemetry();
    void notJsonAndRefused();
    void skewFormatting_data();
    void skewFormatting();
    void pipelineOfRealCaptures_data();
    void pipelineOfRealCaptures();
    void pipelineCopyText();
};

namespace {

// A captured request ingested against the bundled production registry, received at
// `receivedIso`; `dropHeader` (lower case) is left out, as a replay without it would be.
PingRecord ingestCapture(const QString &name, const QString &receivedIso, const QByteArray &dropHeader = {})
{
    static const auto schemas = SchemaRegistry::load({}, true, nullptr);
    for (const auto &c : test::loadCapturedRequests()) {
        if (c.name != name)
            continue;
        QList<HttpHeader> headers;
        for (const auto &h : c.headers)
            if (h.name.toLower() != dropHeader)
                headers.append(h);
        IngestOptions o;
        o.schemas = schemas;
        Validator v(o.schemas);
        return ingestSubmission(test::rawSubmission(c.url, headers, c.body, test::utcUs(receivedIso)), o, &v);
    }
    qFatal("no capture %s", qPrintable(name));
}

// The rows of `section` as "field | value | details".
QStringList rowsOf(const PingOverviewModel &model, const QString &section)
{
    QStringList out;
    for (int s = 0; s < model.rowCount(); ++s) {
        const QModelIndex sec = model.index(s, 0);
        if (sec.data().toString() != section)
            continue;
        for (int r = 0; r < model.rowCount(sec); ++r)
            out << model.index(r, PingOverviewModel::Field, sec).data().toString() + u" | "_s +
                       model.index(r, PingOverviewModel::Value, sec).data().toString() + u" | "_s +
                       model.index(r, PingOverviewModel::Details, sec).data().toString();
    }
    return out;
}

} // namespace

void TestPingOverviewModel::gleanPing()
{
    PingOverviewModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PingRecord r;
    r.method = u"POST"_s;
    r.path = u"/submit/firefox-desktop/baseline/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c"_s;
    r.ns = u"firefox-desktop"_s;
    r.docType = u"baseline"_s;
    r.docVersion = u"1"_s;
    r.docId = u"e8067695-a20e-4a8d-81a8-a11b44f1c75c"_s;
    r.verdict = u"valid"_s;
    r.schemaKey = u"glean/glean/glean.1"_s;
    r.schemaNote = u"no schema for firefox-desktop/baseline/1; checked against the generic Glean schema"_s;
    r.debugId = u"peers-firefox"_s;
    r.dateHeader = u"Mon, 23 Nov 2026 02:19:25 GMT"_s;
    r.dateMs = QDateTime(QDate(2026, 11, 23), QTime(2, 19, 25), Qt::UTC).toMSecsSinceEpoch();
    r.receivedAtUs = (r.dateMs + 548) * 1000; // received 548 ms after the Date header
    r.warningsJson = R"([{"kind":"seq","message":"ping_info.seq jumped from 1 to 3"}])";
    r.payload = readDataFile(u"captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.body.json"_s);
    QVERIFY(!r.payload.isEmpty());
    model.setPing(r);
    QCOMPARE(model.sections(),
             (QStringList{u"Request"_s, u"Times"_s, u"ping_info"_s, u"Experiments"_s, u"client_info"_s}));
    QCOMPARE(model.value(u"Request"_s, u"Verdict"_s), u"valid"_s);
    QCOMPARE(model.value(u"Request"_s, u"Schema"_s), u"glean/glean/glean.1"_s);
    QVERIFY(model.details(u"Request"_s, u"Schema"_s).contains(u"generic Glean schema"_s));
    QCOMPARE(model.value(u"Request"_s, u"Warning"_s), u"seq"_s);
    QCOMPARE(model.value(u"ping_info"_s, u"seq"_s), u"0"_s);
    QCOMPARE(model.value(u"ping_info"_s, u"reason"_s), u"active"_s);
    QCOMPARE(model.value(u"ping_info"_s, u"ping type"_s), u"baseline"_s);
    QCOMPARE(model.details(u"Times"_s, u"Date header"_s), u"-548 ms from received"_s);
    QCOMPARE(model.value(u"Times"_s, u"start_time"_s), u"2026-11-23T02:19:24.990+00:00"_s);
    QCOMPARE(model.details(u"Times"_s, u"start_time"_s),
             u"-558 ms from received"_s); // 02:19:24.990 vs 02:19:25.548
    QCOMPARE(model.value(u"client_info"_s, u"client_id"_s), u"a670d57c-0bc6-4205-9be7-fc8f50aad72f"_s);
    QCOMPARE(model.value(u"client_info"_s, u"locale"_s), u"en-US"_s);
    // Optional fields the client did not send are listed and marked.
    QVERIFY(model.isAbsent(u"client_info"_s, u"device_model"_s));
    QVERIFY(model.isAbsent(u"client_info"_s, u"session_id"_s));
    QVERIFY(!model.isAbsent(u"client_info"_s, u"os"_s));
    QVERIFY(model.isAbsent(u"Experiments"_s, u"(none)"_s));
}

void TestPingOverviewModel::experimentsAndMinuteTimes()
{
    PingOverviewModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PingRecord r;
    r.ns = u"org-mozilla-fenix"_s;
    r.docType = u"baseline"_s;
    r.receivedAtUs = QDateTime(QDate(2019, 3, 29), QTime(13, 53), Qt::UTC).toMSecsSinceEpoch() * 1000;
    r.payload = readDataFile(u"sample-pings/glean-docs-baseline.json"_s);
    model.setPing(r);
    QCOMPARE(model.value(u"Experiments"_s, u"third_party_library"_s), u"enabled"_s);
    // "2019-03-29T09:53-04:00" has no seconds; it is 13:53 UTC, the received time.
    QCOMPARE(model.details(u"Times"_s, u"end_time"_s), u"+0 ms from received"_s);
}

void TestPingOverviewModel::legacyTelemetry()
{
    PingOverviewModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PingRecord r;
    r.ns = u"telemetry"_s;
    r.docType = u"new-profile"_s;
    r.docVersion = u"4"_s;
    r.appName = u"Firefox"_s;
    r.payload = readDataFile(
        u"captured-requests/firefox-esr/002-POST-telemetry_ba5715fa-a3d5-4da2-a8a5-6e27c870d6e7.body.json"_s);
    QVERIFY(!r.payload.isEmpty());
    r.clientId = u"from-record"_s;
    r.receivedAtUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    model.setPing(r);
    QVERIFY(model.sections().contains(u"Application"_s));
    QVERIFY(model.sections().contains(u"Environment"_s));
    QCOMPARE(model.value(u"Application"_s, u"type"_s), u"new-profile"_s);
    QCOMPARE(model.value(u"Application"_s, u"application.name"_s), u"Firefox"_s);
    QCOMPARE(model.value(u"Environment"_s, u"os"_s), u"Linux"_s);
    QCOMPARE(model.value(u"Request"_s, u"Application (URL)"_s), u"Firefox"_s);
    QVERIFY(!model.value(u"Times"_s, u"creationDate"_s).isEmpty());
}

void TestPingOverviewModel::notJsonAndRefused()
{
    PingOverviewModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PingRecord r;
    r.verdict = u"refused"_s;
    r.statusCode = 413;
    r.errorCount = 1;
    model.setPing(r);
    // Refused by the endpoint: the pipeline never sees it, and derives nothing.
    QCOMPARE(model.sections(), (QStringList{u"Pipeline"_s, u"Request"_s, u"Times"_s}));
    QCOMPARE(model.value(u"Pipeline"_s, u"Outcome"_s), u"Not accepted: the edge answered 413"_s);
    QCOMPARE(model.rowCount(model.index(0, 0)), 1);
    QCOMPARE(model.value(u"Request"_s, u"Answered"_s), u"413"_s);
    QVERIFY(model.data(model.index(0, 0, model.index(0, 0))).isValid());
    QVERIFY(model.isAbsent(u"Times"_s, u"Date header"_s));
    r.payload = QByteArray(200000, '[') + QByteArray(200000, ']'); // too deep to print: no crash
    model.setPing(r);
    QCOMPARE(model.sections().size(), 3);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestPingOverviewModel::skewFormatting_data()
{
    QTest::addColumn<qint64>("delta");
    QTest::addColumn<QString>("text");
    QTest::addRow("ms") << qint64(-350) << u"-350 ms"_s;
    QTest::addRow("s") << qint64(12'300) << u"+12.3 s"_s;
    QTest::addRow("min") << qint64(-125'000) << u"-2 min 5 s"_s;
    QTest::addRow("h") << qint64(2 * 3'600'000 + 60'000) << u"+2 h 1 min"_s;
    QTest::addRow("days") << qint64(-3 * 86'400'000LL) << u"-3 days"_s;
}

void TestPingOverviewModel::skewFormatting()
{
    QFETCH(qint64, delta);
    QFETCH(QString, text);
    QCOMPARE(formatSkew(1'000'000'000 + delta, 1'000'000'000), text);
}

QTEST_MAIN(TestPingOverviewModel)
#include "tst_pingoverviewmodel.moc"

// The Pipeline section of real captures, ingested with the bundled registry: exactly what the
// user reads (and copies).
void TestPingOverviewModel::pipelineOfRealCaptures_data()
{
    QTest::addColumn<QString>("capture");
    QTest::addColumn<QByteArray>("dropHeader");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("outcome");
    QTest::addColumn<QStringList>("rows");
    const QString baseline = u"firefox-esr/005-POST-firefox-desktop_baseline"_s;
    const QString registry =
        u"Registry | 2026-07-02 (19c97f5) | verdict checked with 2026-07-02 (19c97f5) from bundled"_s;
    const QString timestamp =
        u"submission_timestamp | 2026-11-23T02:19:25.548000Z | as the edge writes it (UTC)"_s;
    const QString firefoxSample =
        u"sample_id | 52 | CRC32 of client_id a670d57c-0bc6-4205-9be7-fc8f50aad72f, mod 100"_s;
    QTest::newRow("Firefox ESR baseline: kept, automation")
        << baseline << QByteArray() << u"valid"_s
        << u"Kept: firefox_desktop.baseline_v1, live table only. Not in the stable tables: automation source tag"_s
        << QStringList{
               u"Outcome | Kept: firefox_desktop.baseline_v1 | live table only. Not in the stable tables: automation source tag"_s,
               u"Table | firefox_desktop.baseline_v1 | live table only"_s,
               u"normalized_channel | esr | "_s,
               u"normalized_os | Linux | "_s,
               u"normalized_os_version | 6.18 | "_s,
               firefoxSample,
               timestamp,
               registry};
    QTest::newRow("replay without X-Telemetry-Agent: rejected")
        << baseline << QByteArray("x-telemetry-agent") << u"rejected"_s
        << u"Error table payload_bytes_error.structured: "
           u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1684980"_s
        << QStringList{
               u"Outcome | Error table payload_bytes_error.structured | firefox-desktop pings need a "
               u"User-Agent or "
               u"X-Telemetry-Agent starting with \"Glean\" (bug 1684980); a replay without X-Telemetry-Agent is rejected"_s,
               u"error_type | ParsePayload | MessageScrubber"_s,
               u"error_message | com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1684980 | "_s,
               u"Error table | moz-fx-data-shared-prod.payload_bytes_error.structured | "_s,
               u"Table | firefox_desktop.baseline_v1 | if it were accepted"_s,
               u"normalized_channel | esr | "_s,
               u"normalized_os | Linux | "_s,
               u"normalized_os_version | 6.18 | "_s,
               firefoxSample,
               timestamp,
               registry};
    QTest::newRow("Glean.js test app: unregistered")
        << u"gleanjs/001-POST-peers-gleanjs-node_events"_s << QByteArray() << u"unregistered"_s
        << u"Unregistered: No such docType: peers-gleanjs-node/events; the body would pass "
           u"glean/glean/glean.1 once "
           u"registered"_s
        << QStringList{
               u"Outcome | Unregistered: No such docType: peers-gleanjs-node/events | the body would pass "
               u"glean/glean/glean.1 once registered"_s,
               u"error_type | ParsePayload | SchemaNotFoundException"_s,
               u"error_message | com.mozilla.telemetry.ingestion.core.schema.SchemaNotFoundException: No "
               u"such docType: "
               u"peers-gleanjs-node/events | "_s,
               u"Error table | moz-fx-data-shared-prod.payload_bytes_error.structured | "_s,
               u"Table | (none: not in the registry) | "_s,
               u"Generic schema | glean/glean/glean.1 | the body passes it: accepted once registered"_s,
               u"normalized_channel | Other | "_s,
               u"normalized_os | Linux | "_s,
               u"normalized_os_version | (empty) | "_s,
               u"sample_id | 78 | CRC32 of client_id df3de72a-027c-4462-849c-a42d99aed161, mod 100"_s,
               timestamp,
               registry};
}

void TestPingOverviewModel::pipelineOfRealCaptures()
{
    QFETCH(QString, capture);
    QFETCH(QByteArray, dropHeader);
    QFETCH(QString, verdict);
    QFETCH(QString, outcome);
    QFETCH(QStringList, rows);
    const PingRecord r = ingestCapture(capture, u"2026-11-23T02:19:25.548Z"_s, dropHeader);
    QCOMPARE(r.verdict, verdict);
    PingOverviewModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPing(r);
    QCOMPARE(model.sections().value(0), u"Pipeline"_s); // first: what production does with it
    const QModelIndex pipeline = model.index(0, 0);
    const QStringList got = rowsOf(model, u"Pipeline"_s);
    if (got != rows)
        qWarning().noquote() << got.join(u'\n');
    QCOMPARE(got, rows);
    QCOMPARE(model.copyText(model.index(0, PingOverviewModel::Value, pipeline)), outcome);
    QCOMPARE(model.index(0, PingOverviewModel::Value, pipeline).data(Qt::ToolTipRole).toString(), outcome);
    // Problems are marked in the Outcome row; a kept ping is not.
    QCOMPARE(model.index(0, PingOverviewModel::Value, pipeline).data(PingOverviewModel::WarnRole).toBool(),
             verdict != u"valid"_s);
}

// Copy: a row's value (the whole sentence for the Outcome), a row as tab-separated text, a
// section as its title and rows.
void TestPingOverviewModel::pipelineCopyText()
{
    const PingRecord r = ingestCapture(u"firefox-esr/005-POST-firefox-desktop_baseline"_s,
                                       u"2026-11-23T02:19:25.548Z"_s, "x-telemetry-agent");
    PingOverviewModel model;
    model.setPing(r);
    const QModelIndex pipeline = model.index(0, 0);
    QCOMPARE(pipeline.data().toString(), u"Pipeline"_s);
    QModelIndex message;
    for (int i = 0; i < model.rowCount(pipeline); ++i)
        if (model.index(i, 0, pipeline).data().toString() == u"error_message"_s)
            message = model.index(i, PingOverviewModel::Value, pipeline);
    QVERIFY(message.isValid());
    QCOMPARE(model.copyText(message),
             u"com.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1684980"_s);
    QCOMPARE(
        model.rowText(message),
        u"error_message\tcom.mozilla.telemetry.decoder.MessageScrubber$UnwantedDataException: 1684980"_s);
    const QStringList lines = model.copyText(pipeline).split(u'\n');
    QCOMPARE(lines.value(0), u"Pipeline"_s);
    QCOMPARE(lines.size(), model.rowCount(pipeline) + 1);
    QVERIFY2(
        lines.contains(u"sample_id\t52\tCRC32 of client_id a670d57c-0bc6-4205-9be7-fc8f50aad72f, mod 100"_s),
        qPrintable(lines.join(u'\n')));
}
