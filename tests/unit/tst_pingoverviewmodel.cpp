#include "pingoverviewmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QFile>
#include <QTest>

#include "testsupport.h"

using namespace pingscope;
using pingscope::test::readSharedFile;
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
};

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
    r.payload = readSharedFile(u"captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.body.json"_s);
    QVERIFY(!r.payload.isEmpty());
    model.setPing(r);
    QCOMPARE(model.sections(), (QStringList{u"Request"_s, u"Times"_s, u"ping_info"_s, u"Experiments"_s, u"client_info"_s}));
    QCOMPARE(model.value(u"Request"_s, u"Verdict"_s), u"valid"_s);
    QCOMPARE(model.value(u"Request"_s, u"Schema"_s), u"glean/glean/glean.1"_s);
    QVERIFY(model.details(u"Request"_s, u"Schema"_s).contains(u"generic Glean schema"_s));
    QCOMPARE(model.value(u"Request"_s, u"Warning"_s), u"seq"_s);
    QCOMPARE(model.value(u"ping_info"_s, u"seq"_s), u"0"_s);
    QCOMPARE(model.value(u"ping_info"_s, u"reason"_s), u"active"_s);
    QCOMPARE(model.value(u"ping_info"_s, u"ping type"_s), u"baseline"_s);
    QCOMPARE(model.details(u"Times"_s, u"Date header"_s), u"-548 ms from received"_s);
    QCOMPARE(model.value(u"Times"_s, u"start_time"_s), u"2026-11-23T02:19:24.990+00:00"_s);
    QCOMPARE(model.details(u"Times"_s, u"start_time"_s), u"-558 ms from received"_s); // 02:19:24.990 vs 02:19:25.548
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
    r.payload = readSharedFile(u"sample-pings/glean-docs-baseline.json"_s);
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
    r.payload = readSharedFile(u"captured-requests/firefox-esr/002-POST-telemetry_ba5715fa-a3d5-4da2-a8a5-6e27c870d6e7.body.json"_s);
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
    QCOMPARE(model.sections(), (QStringList{u"Request"_s, u"Times"_s}));
    QCOMPARE(model.value(u"Request"_s, u"Answered"_s), u"413"_s);
    QVERIFY(model.data(model.index(0, 0, model.index(0, 0))).isValid());
    QVERIFY(model.isAbsent(u"Times"_s, u"Date header"_s));
    r.payload = QByteArray(200000, '[') + QByteArray(200000, ']'); // too deep to print: no crash
    model.setPing(r);
    QCOMPARE(model.sections().size(), 2);
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
