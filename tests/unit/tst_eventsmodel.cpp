#include "eventsmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QFile>
#include <QTest>

#include "testsupport.h"

using namespace pingscope;
using pingscope::test::readSharedFile;
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
};

void TestEventsModel::gleanDocsEvents()
{
    EventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(readSharedFile(u"sample-pings/glean-docs-events.json"_s));
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
    QCOMPARE(model.index(0, EventsModel::Extras).data().toString(), u"metadata1=extra, metadata2=more_extra"_s);
}

void TestEventsModel::firefoxEventsPing()
{
    EventsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(readSharedFile(u"captured-requests/firefox-esr/012-POST-firefox-desktop_events.body.json"_s));
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
    model.setPayload(readSharedFile(u"sample-pings/telemetry-event-ping.json"_s));
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
    model.setPayload(readSharedFile(u"sample-pings/telemetry-main-ping-with-events.json"_s));
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

QTEST_GUILESS_MAIN(TestEventsModel)
#include "tst_eventsmodel.moc"
