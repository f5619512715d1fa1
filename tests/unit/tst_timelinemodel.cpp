// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Timeline markers: the events of a view, merged per lane and bin. Exact markers for
// Firefox's captured events ping (computed independently from the JSON).
#include "eventsmodel.h"
#include "timelinemodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

#include "testsupport.h"

using namespace pingscope;
using pingscope::test::readDataFile;
using namespace Qt::StringLiterals;

namespace {

using M = TimelineModel::Marker;

// (x, lane, count, first row) of every marker.
QList<std::tuple<double, int, int, int>> summary(const TimelineModel &t)
{
    QList<std::tuple<double, int, int, int>> out;
    for (const M &m : t.markers())
        out.append({m.x, m.lane, m.count, m.firstRow});
    return out;
}

} // namespace

class TestTimelineModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firefoxEventsPing()
    {
        EventsModel events;
        events.setPayload(
            readDataFile(u"captured-requests/firefox-esr/012-POST-firefox-desktop_events.body.json"_s));
        QCOMPARE(events.lanes(),
                 (QStringList{u"session_restore"_s, u"service_request"_s, u"jsonfile.load_logins"_s,
                              u"nimbus_events"_s, u"jsonfile.load_autofillprofiles"_s,
                              u"containers.container_profile_loaded"_s, u"upgrade_dialog.trigger_reason"_s}));
        TimelineModel t;
        QAbstractItemModelTester tester(&t, QAbstractItemModelTester::FailureReportingMode::QtTest);
        t.setSource(&events);
        // No merging: a marker per event.
        t.setView(0, 4000, 0);
        QCOMPARE(t.rowCount(), 37);
        for (int i = 0; i < 37; ++i) {
            QCOMPARE(t.markers()[size_t(i)].firstRow, i);
            QCOMPARE(t.markers()[size_t(i)].x, events.xAt(i));
        }
        // Bins of 500 ms.
        t.setView(0, 4000, 500);
        const QList<std::tuple<double, int, int, int>> expected500 = {
            {101.5, 0, 8, 0},   {579, 1, 1, 8},     {1037.5, 1, 3, 9},  {1603, 2, 1, 12},
            {1654, 3, 2, 13},   {1769.5, 1, 3, 15}, {2235.5, 3, 8, 18}, {2150, 4, 1, 23},
            {2390.5, 1, 4, 24}, {2352, 5, 1, 25},   {2549, 6, 1, 32},   {3695, 1, 4, 33}};
        QCOMPARE(summary(t), expected500);
        QCOMPARE(t.index(0, TimelineModel::Count).data().toInt(), 8);
        QCOMPARE(t.index(6, TimelineModel::X).data().toDouble(), 2235.5);
        // Every event is in exactly one marker.
        int total = 0;
        for (const M &m : t.markers())
            total += m.count;
        QCOMPARE(total, 37);
        for (int row = 0; row < 37; ++row) {
            const int m = t.markerOfRow(row);
            QVERIFY(m >= 0);
            const auto rows = t.rowsOf(m);
            QVERIFY(std::find(rows.begin(), rows.end(), row) != rows.end());
        }
        QCOMPARE(t.rowsOf(0), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
        // A narrower view: only the events inside it.
        t.setView(1000, 2000, 250);
        const QList<std::tuple<double, int, int, int>> expectedZoom = {
            {1037.5, 1, 3, 9}, {1603, 2, 1, 12}, {1654, 3, 2, 13}, {1769.5, 1, 3, 15}};
        QCOMPARE(summary(t), expectedZoom);
        QCOMPARE(t.markerOfRow(0), -1); // outside the view
        QCOMPARE(t.markerOfRow(36), -1);
    }

    void followsTheSource()
    {
        EventsModel events;
        TimelineModel t;
        QAbstractItemModelTester tester(&t, QAbstractItemModelTester::FailureReportingMode::QtTest);
        t.setSource(&events);
        t.setView(0, 1e9, 10);
        QCOMPARE(t.rowCount(), 0);
        events.setPayload(readDataFile(u"sample-pings/telemetry-main-ping-with-events.json"_s));
        QCOMPARE(t.rowCount(), 3); // 12141232, 12144813, 12152377: far apart for 10 ms bins
        events.setFilter(u"nothing"_s, QString());
        QCOMPARE(t.rowCount(), 0);
        events.setFilter(QString(), QString());
        t.setView(0, 1e9, 1e6);
        QCOMPARE(t.rowCount(), 1); // one 1,000 s bin holds all three
        QCOMPARE(t.markers()[0].count, 3);
    }

    // Thousands of events in one lane: markers stay bounded by the bins.
    void manyEvents()
    {
        QByteArray json = R"({"ping_info":{"start_time":"2026-01-01T00:00+00:00"},"events":[)";
        for (int i = 0; i < 10000; ++i)
            json += (i ? "," : "") + QByteArray(R"({"timestamp":)") + QByteArray::number(i * 3) +
                    R"(,"category":"load","name":"tick"})";
        json += "]}";
        EventsModel events;
        events.setPayload(json);
        QCOMPARE(events.rowCount(), 10000);
        TimelineModel t;
        t.setSource(&events);
        t.setView(0, 30000, 300); // 100 bins
        QCOMPARE(t.rowCount(), 100);
        for (const M &m : t.markers())
            QCOMPARE(m.count, 100);
    }
};

QTEST_GUILESS_MAIN(TestTimelineModel)
#include "tst_timelinemodel.moc"
