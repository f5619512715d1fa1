// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The event timeline and the Events tab's panel, rendered offscreen: markers per lane, clicks
// selecting table rows, rows highlighting markers, zoom re-binning, tooltips, event streams.
#include "chart.h"
#include "eventsmodel.h"
#include "eventspanel.h"
#include "eventtimeline.h"
#include "timelinemodel.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolTip>

#include "testsupport.h"
#include "widgettest.h"

using namespace pingscope;
using pingscope::test::readDataFile;
using namespace Qt::StringLiterals;

namespace {

QByteArray firefoxEvents();

// Firefox's events ping on a timeline that is shown and binned.
struct ShownTimeline
{
    EventsModel events;
    EventTimeline w;
    explicit ShownTimeline(QSize size)
    {
        events.setPayload(firefoxEvents());
        w.setModel(&events);
        w.resize(size);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.rebin();
    }
};

QByteArray firefoxEvents()
{
    return readDataFile(u"captured-requests/firefox-esr/012-POST-firefox-desktop_events.body.json"_s);
}

QWidget *viewport(Chart *c)
{
    return c->inputWidget();
}

} // namespace

class TestEventTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void drawsMarkersPerLane()
    {
        ShownTimeline shown({1200, 500});
        EventsModel &events = shown.events;
        EventTimeline &w = shown.w;
        Chart *c = w.chart();
        QCOMPARE(w.highlightSeries(), 0);
        // Every marker is drawn once, on its lane (lane 0 at the top).
        int points = 0;
        for (int s = 1; s < c->seriesCount(); ++s) {
            const QList<QPointF> pts = c->seriesPoints(s);
            for (int i = 0; i < pts.size(); ++i) {
                const int m = w.markerAt(s, i);
                QVERIFY(m >= 0);
                const auto &marker = w.markers()->markers()[size_t(m)];
                QCOMPARE(pts[i].x(), marker.x);
                QCOMPARE(pts[i].y(), double(events.lanes().size() - 1 - marker.lane));
                ++points;
            }
        }
        QCOMPARE(points, w.markers()->rowCount());
        QVERIFY(points >= 12 && points <= 37);
        // Lanes and colours: the chart has a series per lane (plus merged markers).
        QVERIFY(c->seriesCount() >= 1 + 7);
        // The first lane's colour is on screen.
        const int found = test::countColour(w, c->seriesColor(1));
        QVERIFY2(found > 10, "markers are drawn");
    }

    void clickSelectsAndSelectionHighlights()
    {
        ShownTimeline shown({1200, 500});
        EventsModel &events = shown.events;
        EventTimeline &w = shown.w;
        Chart *c = w.chart();
        // jsonfile.load_logins: one event (row 12), alone in its lane.
        int series = -1, point = -1;
        for (int s = 1; s < c->seriesCount() && series < 0; ++s)
            for (int i = 0; i < c->seriesPoints(s).size(); ++i)
                if (const int m = w.markerAt(s, i);
                    m >= 0 && w.markers()->markers()[size_t(m)].firstRow == 12) {
                    series = s;
                    point = i;
                }
        QVERIFY(series > 0);
        const QPointF value = c->seriesPoints(series)[point];
        const QPoint at = viewport(c)->mapFrom(c, c->mapToPosition(value).toPoint());
        QTest::mouseClick(viewport(c), Qt::LeftButton, {}, at);
        QCOMPARE(w.selectedEvent(), 12);
        // Hovering the marker shows the event as a tooltip.
        QTest::mouseMove(viewport(c), at + QPoint(1, 0));
        QTRY_VERIFY(QToolTip::text().startsWith(u"jsonfile.load_logins\nTime: 1603 ms"_s));
        QVERIFY2(QToolTip::text().contains(u"value = error_notfounderror"_s), qPrintable(QToolTip::text()));
        QCOMPARE(w.table()->currentIndex().row(), 12);
        QCOMPARE(c->seriesPoints(w.highlightSeries()), QList<QPointF>{value});
        // Setting the same model again keeps the table's selection working.
        w.setModel(&events);
        QVERIFY(w.table()->selectionModel());
        // Selecting a row moves the highlight to its marker.
        w.table()->selectRow(32); // upgrade_dialog.trigger_reason
        const int marker = w.markers()->markerOfRow(32);
        QVERIFY(marker >= 0);
        const auto &m = w.markers()->markers()[size_t(marker)];
        QCOMPARE(c->seriesPoints(w.highlightSeries()),
                 QList<QPointF>{QPointF(m.x, double(events.lanes().size() - 1 - m.lane))});
        // The tooltip text of a single event says everything about it.
        const QString text = w.markerText(marker);
        QVERIFY2(text.contains(u"upgrade_dialog.trigger_reason"_s), qPrintable(text));
        QVERIFY(text.contains(u"Time: 2549 ms"_s));
        QVERIFY(text.contains(u"glean_timestamp = "_s));
    }

    void zoomSeparatesMergedEvents()
    {
        ShownTimeline shown({800, 400});
        EventTimeline &w = shown.w;
        const int before = w.markers()->rowCount();
        QVERIFY(before < 37); // zoomed out, nearby events share markers
        int merged = -1;
        for (int i = 0; i < before; ++i)
            if (w.markers()->markers()[size_t(i)].count > 1)
                merged = i;
        QVERIFY(merged >= 0);
        QVERIFY(w.markerText(merged).contains(u"events, "_s));
        // Zoom in around the session_restore burst (0-203 ms).
        w.chart()->setXRange(0, 210, true);
        QTRY_VERIFY(w.markers()->binWidth() < 5);
        int sessionRestore = 0;
        for (const auto &m : w.markers()->markers())
            sessionRestore += m.lane == 0;
        QCOMPARE(sessionRestore, 8); // each of the 8 events on its own
        w.chart()->resetZoom();
        QTRY_COMPARE(w.markers()->rowCount(), before);
    }

    void emptyAndFilteredStates()
    {
        EventsModel events;
        EventTimeline w;
        w.setModel(&events);
        w.resize(600, 300);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        events.setPayload(R"({"metrics":{}})");
        QVERIFY(w.findChild<QLabel *>()->isVisible());
        QCOMPARE(w.findChild<QLabel *>()->text(), u"This ping has no events."_s);
        events.setPayload(firefoxEvents());
        events.setFilter(u"nothing matches"_s, QString());
        QCOMPARE(w.findChild<QLabel *>()->text(), u"No event matches the filter."_s);
        events.setFilter(QString(), QString());
        QVERIFY(!w.findChild<QLabel *>()->isVisible());
    }

    // The Events tab: this ping, or a stream over pings given by the window.
    void panelStreams()
    {
        std::vector<PingRecord> pings;
        for (const auto &c : test::loadCapturedRequests()) {
            if (c.decodedJson.isEmpty())
                continue;
            PingRecord r;
            r.id = qint64(pings.size()) + 1;
            r.docType = QString::fromUtf8(c.url.split('/').value(3));
            r.debugId = QString::fromUtf8(c.url.contains("firefox") ? "firefox" : "glean");
            r.payload = c.decodedJson;
            pings.push_back(r);
        }
        std::vector<EventsPanel::Scope> asked;
        EventsPanel panel;
        panel.setPingSource([&](EventsPanel::Scope scope, const PingRecord &current, qint64 afterId, int) {
            asked.push_back(scope);
            std::vector<PingRecord> out;
            for (auto it = pings.rbegin(); it != pings.rend(); ++it)
                if (it->id > afterId &&
                    (scope != EventsPanel::Scope::DebugTag || it->debugId == current.debugId))
                    out.push_back(*it);
            return out;
        });
        panel.resize(1200, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const PingRecord *firefox = nullptr;
        for (const PingRecord &r : pings)
            if (r.payload.contains("nimbus_events"))
                firefox = &r;
        QVERIFY(firefox);
        panel.setPing(firefox);
        QCOMPARE(panel.timeline()->model(), static_cast<EventListModel *>(panel.pingEvents()));
        QCOMPARE(panel.summaryText(), u"37 events"_s);
        QVERIFY(asked.empty());
        panel.setScope(EventsPanel::Scope::CurrentFilter);
        QCOMPARE(asked.size(), size_t(1));
        QCOMPARE(panel.timeline()->model(), static_cast<EventListModel *>(panel.stream()));
        QCOMPARE(panel.stream()->rowCount(), 49);
        QCOMPARE(panel.summaryText(), u"49 events from 37 pings"_s);
        auto *sessions = panel.findChild<QComboBox *>(u"eventSession"_s);
        QCOMPARE(sessions->count(), 1 + 6);
        QVERIFY(sessions->isEnabled());
        panel.setSessionFilter(sessions->itemData(1).toString());
        QCOMPARE(panel.stream()->rowCount(), 2);
        panel.setSessionFilter(QString());
        panel.setNameFilter(u"peer.ui"_s);
        QCOMPARE(panel.stream()->rowCount(), 12);
        QCOMPARE(panel.summaryText(), u"12 of 49 events from 37 pings"_s);
        // The name filter applies to the single ping too.
        panel.setScope(EventsPanel::Scope::ThisPing);
        QCOMPARE(panel.pingEvents()->rowCount(), 0);
        panel.setNameFilter(QString());
        QCOMPARE(panel.pingEvents()->rowCount(), 37);
        // Same debug tag: only Firefox's pings.
        panel.setScope(EventsPanel::Scope::DebugTag);
        QCOMPARE(panel.stream()->rowCount(), 37);
        // A ping without a debug tag has no debug-tag stream, and says so.
        PingRecord untagged = *firefox;
        untagged.debugId.clear();
        panel.setPing(&untagged);
        QCOMPARE(panel.summaryText(), u"The selected ping has no debug tag (X-Debug-ID)."_s);
        panel.setPing(firefox);
        QCOMPARE(panel.stream()->rowCount(), 37);
        // Activating an event of a stream asks for its ping.
        QSignalSpy activated(&panel, &EventsPanel::pingActivated);
        QTableView *table = panel.timeline()->table();
        Q_EMIT table->activated(table->model()->index(0, 0));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated[0][0].toLongLong(), firefox->id);
        // New pings arrive: the stream catches up (coalesced) with only the newer ones.
        PingRecord newer = *firefox;
        newer.id = 1000;
        pings.push_back(newer);
        panel.pingsArrived();
        QTRY_COMPARE_WITH_TIMEOUT(panel.stream()->rowCount(), 74, 3000);
        QCOMPARE(panel.stream()->pingCount(),
                 qsizetype(std::count_if(pings.begin(), pings.end(),
                                         [](const PingRecord &r) { return r.debugId == u"firefox"_s; })));
    }
};

QTEST_MAIN(TestEventTimeline)
#include "tst_eventtimeline.moc"
