// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "eventsmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QFile>
#include <QTest>

#include "testsupport.h"

using namespace pingscope;
using pingscope::test::readDataFile;
using namespace Qt::StringLiterals;

// Exact points for real pings: the Glean docs' events ping, Firefox's own events ping, and
// the legacy event and main pings from mozilla-pipeline-schemas.
class TestEventsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void gleanDocsEvents();
    void firefoxEventsPing();
    void legacyEventPing();
    void legacyMainPing();
    void nothingToShow();
    void gleanSessions();
    void gleanJsClientSession();
    void streamOverCaptures();
    void streamAddsOnlyNewPings();
};

void TestEventsModel::gleanDocsEvents()
{
    EventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(readDataFile(u"sample-pings/glean-docs-events.json"_s));
    QCOMPARE(model.rowCount(), 2);
    const auto &e = model.events();
    QCOMPARE(e[0].timestamp, 0);
    QCOMPARE(e[0].category, u"examples"_s);
    QCOMPARE(e[0].name, u"event_example"_s);
    QCOMPARE(e[0].extras.size(), 2);
    QCOMPARE(e[0].extras[0], (QPair<QString, QString>{u"metadata1"_s, u"extra"_s}));
    QCOMPARE(e[1].timestamp, 1000);
    // start_time 2019-03-29T09:50-04:00 (no seconds) = 13:50 UTC; + 1000 ms.
    const qint64 start = QDateTime(QDate(2019, 3, 29), QTime(13, 50), Qt::UTC).toMSecsSinceEpoch();
    QCOMPARE(e[0].absoluteMs, start);
    QCOMPARE(e[1].absoluteMs, start + 1000);
    QCOMPARE(model.lanes(), QStringList{u"examples.event_example"_s}); // few events: split by name
    QCOMPARE(model.index(0, EventsModel::Extras).data().toString(),
             u"metadata1=extra, metadata2=more_extra"_s);
}

void TestEventsModel::firefoxEventsPing()
{
    EventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(
        readDataFile(u"captured-requests/firefox-esr/012-POST-firefox-desktop_events.body.json"_s));
    QCOMPARE(model.rowCount(), 37);
    const auto &e = model.events();
    QCOMPARE(e[0].category, u"session_restore"_s);
    QCOMPARE(e[0].name, u"backup_can_be_loaded_session_file"_s);
    QCOMPARE(e[0].absoluteMs, 1795400362291); // the glean_timestamp extra wins
    for (size_t i = 1; i < e.size(); ++i)
        QVERIFY(e[i - 1].timestamp <= e[i].timestamp);
    QVERIFY(!model.lanes().isEmpty());
    for (const auto &ev : e)
        QVERIFY(ev.lane >= 0 && ev.lane < model.lanes().size());
}

void TestEventsModel::legacyEventPing()
{
    EventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(readDataFile(u"sample-pings/telemetry-event-ping.json"_s));
    QCOMPARE(model.rowCount(), 3); // parent 2, socket 1
    const auto &e = model.events();
    // In time order: the socket process's event comes first.
    QCOMPARE(e[0].timestamp, 3484);
    QCOMPARE(e[0].process, u"socket"_s);
    QCOMPARE(e[1].timestamp, 1572303);
    QCOMPARE(e[1].process, u"parent"_s);
    QCOMPARE(e[1].category, u"devtools.main"_s);
    QCOMPARE(e[1].name, u"close"_s);
    QCOMPARE(e[1].object, u"tools"_s);
    QCOMPARE(e[1].value, QString());
    QCOMPARE(e[1].extras.size(), 2);
    QVERIFY(model.lanes().first().startsWith(u"socket: "_s));
    bool parentLane = false;
    for (const QString &l : model.lanes())
        parentLane = parentLane || l.startsWith(u"parent: "_s);
    QVERIFY(parentLane);
}

void TestEventsModel::legacyMainPing()
{
    EventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(readDataFile(u"sample-pings/telemetry-main-ping-with-events.json"_s));
    QCOMPARE(model.rowCount(), 3); // payload.processes.parent.events
    const auto &e = model.events();
    QCOMPARE(e[0].timestamp, 12141232);
    QCOMPARE(e[0].category, u"navigation"_s);
    QCOMPARE(e[0].name, u"search"_s);
    QCOMPARE(e[0].object, u"searchbar"_s);
    QCOMPARE(e[0].value, u"enter"_s);
    QCOMPARE(e[0].extras.value(0), (QPair<QString, QString>{u"engine"_s, u"google"_s}));
}

void TestEventsModel::nothingToShow()
{
    EventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload("not json");
    QCOMPARE(model.rowCount(), 0);
    model.setPayload(R"({"events": [1, {"timestamp": "x"}, [2]]})");
    QCOMPARE(model.rowCount(), 1); // the one object, with no usable timestamp
    model.setPayload(QByteArray(100000, '[') + QByteArray(100000, ']'));
    QCOMPARE(model.rowCount(), 0);
    model.clear();
    QCOMPARE(model.lanes().size(), 0);
}

// The schema repository's own example of events with session metadata.
void TestEventsModel::gleanSessions()
{
    EventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(
        readDataFile(u"pipeline-schemas/validation/glean/glean.1.events_with_session.pass.json"_s));
    QCOMPARE(model.rowCount(), 4);
    const QString id = u"9f9eae08-00b0-4a91-9b08-2287d86d8353"_s;
    const auto &e = model.events();
    QCOMPARE(e[0].fullName(), u"ui.click"_s);
    QCOMPARE(e[0].sessionId, id);
    QCOMPARE(e[0].sessionSeq, 3);
    QCOMPARE(e[0].eventSeq, 42);
    QCOMPARE(e[0].sessionSampleRate, 1.0);
    QCOMPARE(e[0].sessionStartTime, u"2025-11-10T15:42:00.000Z"_s);
    // glean.session_start names its session in extras.
    QCOMPARE(e[1].fullName(), u"glean.session_start"_s);
    QCOMPARE(e[1].sessionId, id);
    QCOMPARE(e[1].sessionSeq, 3);
    QCOMPARE(e[1].eventSeq, -1);
    QCOMPARE(e[2].eventSeq, 43);
    QCOMPARE(e[2].sessionSampleRate, 0.5);
    QCOMPARE(model.index(0, EventsModel::Session).data().toString(), u"9f9eae08 #42"_s);
    QVERIFY(
        model.index(0, 0)
            .data(Qt::ToolTipRole)
            .toString()
            .contains(
                u"Session 9f9eae08-00b0-4a91-9b08-2287d86d8353 (session seq 3, event seq 42, sample rate 1, started 2025-11-10T15:42:00.000Z)"_s));
    QCOMPARE(model.sessionIds(), QStringList{id});
    QCOMPARE(model.lanes(), (QStringList{u"ui.click"_s, u"glean.session_start"_s, u"glean.session_end"_s}));
    // Filters: by name (case-insensitive, category.name), by session, both.
    model.setFilter(u"CLICK"_s, QString());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.lanes(), QStringList{u"ui.click"_s});
    model.setFilter(QString(), u"another"_s);
    QCOMPARE(model.rowCount(), 0);
    model.setFilter(u"session_"_s, id);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.totalCount(), 4);
    model.setFilter(QString(), QString());
    QCOMPARE(model.rowCount(), 4);
}

// Glean.js sends its session in client_info; every event of the ping belongs to it.
void TestEventsModel::gleanJsClientSession()
{
    EventsModel model;
    model.setPayload(
        readDataFile(u"captured-requests/gleanjs/001-POST-peers-gleanjs-node_events.body.json"_s));
    QCOMPARE(model.rowCount(), 2);
    for (const auto &e : model.events()) {
        QCOMPARE(e.sessionId, u"2d73c8ee-419b-43e2-8344-0d6b108749b7"_s);
        QCOMPARE(e.sessionSeq, 1);
    }
    QCOMPARE(model.events()[0].absoluteMs, 1795400332499);
    QCOMPARE(model.events()[1].absoluteMs, 1795400332500);
}

namespace {

// Every captured request with a JSON body, as the store would hand it over.
std::vector<PingRecord> capturedPings()
{
    std::vector<PingRecord> out;
    const auto captured = pingscope::test::loadCapturedRequests();
    for (const auto &c : captured) {
        if (c.decodedJson.isEmpty() || (c.method != "POST" && c.method != "PUT"))
            continue;
        PingRecord r;
        r.id = qint64(out.size()) + 1;
        const QList<QByteArray> parts = c.url.split('/');
        r.docType = parts.size() > 3 ? QString::fromUtf8(parts[3]) : QString();
        r.payload = c.decodedJson;
        out.push_back(r);
    }
    return out;
}

} // namespace

// Firefox's and Glean.js's captured pings on one absolute time line.
void TestEventsModel::streamOverCaptures()
{
    EventStreamModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto pings = capturedPings();
    QCOMPARE(pings.size(), size_t(37));
    model.setPings(pings);
    QCOMPARE(model.pingCount(), 37);
    QCOMPARE(model.rowCount(), 49);
    QCOMPARE(model.undatedCount(), 0);
    QVERIFY(model.absoluteTime());
    const auto &e = model.events();
    QCOMPARE(e.front().absoluteMs, 1795400332499);
    QCOMPARE(e.front().fullName(), u"peer.ui.item_selected"_s);
    QCOMPARE(e.back().absoluteMs, 1795400366171);
    QCOMPARE(e.back().fullName(), u"service_request.bypass_proxy_info"_s);
    for (size_t i = 1; i < e.size(); ++i)
        QVERIFY(e[i - 1].absoluteMs <= e[i].absoluteMs);
    QCOMPARE(model.xAt(0), 1795400332499.0);
    QCOMPARE(model.index(0, EventListModel::Timestamp).data(EventListModel::XRole).toDouble(),
             1795400332499.0);
    QVERIFY(model.index(0, EventListModel::Ping).data().toString().endsWith(u"events"_s));
    QCOMPARE(model.sessionIds().size(), 6); // six Glean.js sessions
    model.setFilter(u"peer.ui"_s, QString());
    QCOMPARE(model.rowCount(), 12);
    model.setFilter(QString(), u"2d73c8ee-419b-43e2-8344-0d6b108749b7"_s);
    QCOMPARE(model.rowCount(), 2);
    model.setFilter(QString(), QString());
    // The legacy sample pings have their own clocks: the event ping's processStartTimestamp,
    // the main ping's creationDate - sessionLength.
    PingRecord event;
    event.id = 100;
    event.payload = readDataFile(u"sample-pings/telemetry-event-ping.json"_s);
    PingRecord main;
    main.id = 101;
    main.payload = readDataFile(u"sample-pings/telemetry-main-ping-with-events.json"_s);
    model.addPings({event, main});
    QCOMPARE(model.rowCount(), 49 + 3 + 3);
    QCOMPARE(model.events()[0].absoluteMs,
             QDateTime(QDate(2015, 11, 5), QTime(1, 25, 43, 312), Qt::UTC).toMSecsSinceEpoch() -
                 44180 * 1000 + 12141232);
    QCOMPARE(model.events()[3].absoluteMs, 1527179580000 + 3484); // socket event of the event ping
}

void TestEventsModel::streamAddsOnlyNewPings()
{
    EventStreamModel model;
    PingRecord firefox; // 012: Firefox's events ping, 37 events
    for (const PingRecord &r : capturedPings())
        if (r.docType == u"events"_s && r.payload.contains("nimbus_events"))
            firefox = r;
    model.setPings({firefox});
    QCOMPARE(model.rowCount(), 37);
    QVERIFY(model.holdsPing(firefox.id));
    model.addPings({firefox});
    QCOMPARE(model.rowCount(), 37);
    PingRecord undated;
    undated.id = 500;
    undated.payload = R"({"events":[{"timestamp":5,"category":"a","name":"b"}]})";
    model.addPings({undated});
    QCOMPARE(model.rowCount(), 37);
    QCOMPARE(model.undatedCount(), 1);
    QCOMPARE(model.totalCount(), 38);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.pingCount(), 0);
}

QTEST_GUILESS_MAIN(TestEventsModel)
#include "tst_eventsmodel.moc"
