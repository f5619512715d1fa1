// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The traffic charts (widgets/trafficview.h), offscreen: series and points as drawn for the
// Firefox ESR captures, clicks turned into filters, zoom re-bucketing, tick labels, and
// live updates only while shown.
#include "trafficview.h"

#include "chart.h"
#include "testsupport.h"
#include "trafficmodel.h"

#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>

#include "widgettest.h"

#include <cmath>

using namespace pingscope;
using pingscope::test::countColour;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kSecondUs = 1'000'000;

int seriesNamed(const Chart *c, const QString &name)
{
    for (int s = 0; s < c->seriesCount(); ++s)
        if (c->seriesName(s) == name)
            return s;
    return -1;
}

// Slot values of a bar series, as a map slot -> value of the non-zero ones.
QList<QPointF> nonZero(const QList<QPointF> &points)
{
    QList<QPointF> out;
    for (const QPointF &p : points)
        if (p.y() != 0)
            out.append(p);
    return out;
}

PingRecord ping(qint64 id, qint64 atUs, const QString &docType)
{
    PingRecord r;
    r.id = id;
    r.receivedAtUs = atUs;
    r.docType = docType;
    r.verdict = u"valid"_s;
    r.bodyBytes = 100;
    r.decodedBytes = 200 + id % 7;
    return r;
}

// One ping a second for `seconds` seconds, alternating two doc types; newest first.
std::vector<PingRecord> steady(qint64 t0, int seconds)
{
    std::vector<PingRecord> out;
    for (int i = seconds - 1; i >= 0; --i)
        out.push_back(ping(i + 1, t0 + i * kSecondUs + 1000, i % 2 ? u"metrics"_s : u"baseline"_s));
    return out;
}

} // namespace

class TestTrafficView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firefoxSessionAsDrawn();
    void clicksAskForFilters();
    void barClickWithTheMouse();
    void zoomChangesBucketWidth();
    void tickLabelsDoNotOverlap();
    void updatesOnlyWhileShown();
};

void TestTrafficView::firefoxSessionAsDrawn()
{
    TrafficView view;
    view.resize(1000, 800);
    view.addPings(firefoxEsrSession());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.refreshNow();
    const TrafficModel *m = view.model();
    QCOMPARE(m->rowCount(), 31);

    // Pings per doc type: one stacked series per doc type, 31 slots.
    const Chart *counts = view.countsChart();
    QCOMPARE(counts->seriesCount(), 11);
    QCOMPARE(counts->seriesName(0), u"addons"_s);
    QCOMPARE(counts->seriesPoints(0).size(), 31);
    QCOMPARE(nonZero(counts->seriesPoints(0)), (QList<QPointF>{{0, 1}, {28, 1}}));
    const int baseline = seriesNamed(counts, u"baseline"_s);
    QVERIFY(baseline >= 0);
    QCOMPARE(nonZero(counts->seriesPoints(baseline)), (QList<QPointF>{{0, 1}, {15, 2}, {27, 1}, {28, 1}}));
    QCOMPARE(nonZero(counts->seriesPoints(seriesNamed(counts, u"messaging-system"_s))),
             (QList<QPointF>{{1, 2}, {28, 2}}));
    QCOMPARE(seriesNamed(counts, u"crash"_s), -1); // the refused request
    QCOMPARE(counts->yMin(), 0.0);
    QCOMPARE(counts->yMax(), 8.0);               // 8 pings at 02:19:53: labels 0, 2, 4, 6, 8
    QCOMPARE(view.problemsChart()->yMax(), 4.0); // at most 1: labels 0 to 4

    // Problems.
    const Chart *problems = view.problemsChart();
    QCOMPARE(problems->seriesCount(), 3);
    QCOMPARE(problems->seriesName(0), u"Invalid"_s);
    QCOMPARE(nonZero(problems->seriesPoints(0)), (QList<QPointF>{{15, 1}}));
    QCOMPARE(nonZero(problems->seriesPoints(1)), (QList<QPointF>{{15, 1}}));
    QCOMPARE(nonZero(problems->seriesPoints(2)), (QList<QPointF>{{5, 1}}));

    // Sizes: a median line and max dots per doc type, only where it has pings.
    const Chart *sizes = view.sizesChart();
    QCOMPARE(sizes->seriesCount(), 22);
    QCOMPARE(sizes->seriesPoints(seriesNamed(sizes, u"messaging-system median"_s)),
             (QList<QPointF>{{1, 764.5}, {28, 764.5}}));
    QCOMPARE(sizes->seriesPoints(seriesNamed(sizes, u"messaging-system max"_s)),
             (QList<QPointF>{{1, 770}, {28, 770}}));
    QCOMPARE(sizes->seriesPoints(seriesNamed(sizes, u"baseline median"_s)),
             (QList<QPointF>{{0, 839}, {15, 423.5}, {27, 884}, {28, 909}}));
    QCOMPARE(sizes->yMin(), 100.0);    // 273 bytes (the 8-byte ping is only in a median)
    QCOMPARE(sizes->yMax(), 100000.0); // 14,350 bytes

    // The x axis: 31 slots, whole session.
    QCOMPARE(counts->xMin(), -0.5);
    QCOMPARE(counts->xMax(), 30.5);
    QVERIFY(view.findChild<QLabel *>(u"trafficCaption"_s)->text().contains(u"1 s buckets"_s));

    // Drawn: the first doc type's colour and the invalid colour are on screen.
    QVERIFY(countColour(view, counts->seriesColor(0)) > 20);
    QVERIFY(countColour(view, problems->seriesColor(0)) > 5);
}

void TestTrafficView::clicksAskForFilters()
{
    TrafficView view;
    view.resize(1000, 800);
    view.addPings(firefoxEsrSession());
    view.refreshNow(true);
    QSignalSpy asked(&view, &TrafficView::filterRequested);
    const qint64 t0 = utcUs(u"2026-11-23T02:19:25.000Z"_s);
    auto last = [&asked] { return asked.last()[0].value<TrafficSelection>(); };

    // A baseline bar of bucket 15: that doc type in that second.
    const int baseline = seriesNamed(view.countsChart(), u"baseline"_s);
    Q_EMIT view.countsChart()->pointClicked(baseline, 15);
    QCOMPARE(asked.count(), 1);
    TrafficSelection want;
    want.fromUs = t0 + 15 * kSecondUs;
    want.toUs = t0 + 16 * kSecondUs;
    want.hasDocType = true;
    want.docType = u"baseline"_s;
    QCOMPARE(last(), want);
    // Its legend entry: the doc type at any time.
    Q_EMIT view.countsChart()->legendClicked(baseline);
    want.fromUs = want.toUs = 0;
    QCOMPARE(last(), want);
    // Invalid in bucket 15: problems then.
    Q_EMIT view.problemsChart()->pointClicked(0, 15);
    want = {};
    want.fromUs = t0 + 15 * kSecondUs;
    want.toUs = t0 + 16 * kSecondUs;
    want.problemsOnly = true;
    QCOMPARE(last(), want);
    // Refused in bucket 5.
    Q_EMIT view.problemsChart()->pointClicked(2, 5);
    want = {};
    want.fromUs = t0 + 5 * kSecondUs;
    want.toUs = t0 + 6 * kSecondUs;
    want.verdict = u"refused"_s;
    QCOMPARE(last(), want);
    // Duplicates in bucket 15, then at any time (the legend).
    Q_EMIT view.problemsChart()->pointClicked(1, 15);
    want = {};
    want.fromUs = t0 + 15 * kSecondUs;
    want.toUs = t0 + 16 * kSecondUs;
    want.duplicatesOnly = true;
    QCOMPARE(last(), want);
    Q_EMIT view.problemsChart()->legendClicked(1);
    want = {};
    want.duplicatesOnly = true;
    QCOMPARE(last(), want);
    // A size point: the second max dot of messaging-system is bucket 28.
    Q_EMIT view.sizesChart()->pointClicked(seriesNamed(view.sizesChart(), u"messaging-system max"_s), 1);
    want = {};
    want.fromUs = t0 + 28 * kSecondUs;
    want.toUs = t0 + 29 * kSecondUs;
    want.hasDocType = true;
    want.docType = u"messaging-system"_s;
    QCOMPARE(last(), want);
}

void TestTrafficView::barClickWithTheMouse()
{
    TrafficView view;
    view.resize(1000, 800);
    const qint64 t0 = utcUs(u"2026-11-23T08:00:00.000Z"_s);
    view.addPings(steady(t0, 10));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.refreshNow();
    Chart *counts = view.countsChart();
    QCOMPARE(counts->seriesCount(), 2);
    QSignalSpy asked(&view, &TrafficView::filterRequested);
    // Slot 3 holds one metrics ping (the 4th second): click the middle of its bar.
    const QPoint at = counts->mapToPosition({3, 0.5}).toPoint();
    QWidget *viewport = counts->inputWidget();
    QTest::mouseClick(viewport, Qt::LeftButton, {}, viewport->mapFrom(counts, at));
    QCOMPARE(asked.count(), 1);
    const auto s = asked[0][0].value<TrafficSelection>();
    QCOMPARE(s.docType, u"metrics"_s);
    QCOMPARE(s.fromUs, t0 + 3 * kSecondUs);
    QCOMPARE(s.toUs, t0 + 4 * kSecondUs);
}

void TestTrafficView::zoomChangesBucketWidth()
{
    TrafficView view;
    view.resize(1000, 800);
    const qint64 t0 = utcUs(u"2026-11-23T08:00:00.000Z"_s);
    view.addPings(steady(t0, 600)); // ten minutes
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.refreshNow();
    const TrafficModel *m = view.model();
    QCOMPARE(m->bucketWidthUs(), 10 * kSecondUs);
    QCOMPARE(m->rowCount(), 60);
    Chart *counts = view.countsChart();
    QCOMPARE(counts->seriesPoints(0).size(), 60);

    // The wheel (as the chart applies it): a tenth of the range, around bucket 30.
    counts->zoomX(0.1, 30);
    QTRY_VERIFY(!m->followsSession());
    // About a minute now: 1 s buckets, and every chart shows the same range.
    QCOMPARE(m->bucketWidthUs(), kSecondUs);
    QVERIFY(view.viewToUs() - view.viewFromUs() > 55 * kSecondUs);
    QVERIFY(view.viewToUs() - view.viewFromUs() < 65 * kSecondUs);
    // (30 - 0.1 x 60 x 30.5 / 60 + 0.5) buckets of 10 s: 274.5 s in.
    QVERIFY(std::abs(view.viewFromUs() - (t0 + 274'500'000)) <= kSecondUs / 10);
    QCOMPARE(counts->seriesPoints(0).size(), m->rowCount());
    QCOMPARE(view.sizesChart()->xMin(), counts->xMin());
    QCOMPARE(view.problemsChart()->xMax(), counts->xMax());
    // One ping per second: every bucket has one, of either doc type.
    for (int row = 0; row < m->rowCount(); ++row)
        QCOMPARE(m->count(row, 0) + m->count(row, 1), 1);
    // The full range is still the session: zooming out all the way shows it again.
    counts->zoomX(1000, counts->xMin());
    QTRY_VERIFY(m->followsSession());
    QCOMPARE(m->bucketWidthUs(), 10 * kSecondUs);
    // Double click (resetZoom) too.
    view.zoomTo(t0 + 100 * kSecondUs, t0 + 400 * kSecondUs); // 5 min: 5 s buckets
    QCOMPARE(m->bucketWidthUs(), 5 * kSecondUs);
    QCOMPARE(m->rowCount(), 60);
    counts->resetZoom();
    QTRY_VERIFY(m->followsSession());
    QCOMPARE(m->rowCount(), 60);
}

void TestTrafficView::tickLabelsDoNotOverlap()
{
    for (const int width : {500, 1400}) {
        TrafficView view;
        view.resize(width, 700);
        const qint64 t0 = utcUs(u"2026-11-23T08:00:00.000Z"_s);
        view.addPings(steady(t0, 3000));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refreshNow();
        const auto ticks = view.xTicks();
        QVERIFY2(ticks.size() >= 2, qPrintable(QString::number(ticks.size())));
        const Chart *counts = view.countsChart();
        for (qsizetype i = 1; i < ticks.size(); ++i) {
            const double gap = counts->mapToPosition({ticks[i].first, 0}).x() -
                               counts->mapToPosition({ticks[i - 1].first, 0}).x();
            const int label = view.fontMetrics().horizontalAdvance(ticks[i - 1].second);
            QVERIFY2(gap > label + 4, qPrintable(u"%1 px between %2 and %3"_s.arg(gap).arg(
                                          ticks[i - 1].second, ticks[i].second)));
        }
        // Times of day at minute steps: "HH:mm".
        QCOMPARE(ticks[0].second.size(), 5);
    }
}

void TestTrafficView::updatesOnlyWhileShown()
{
    TrafficView view;
    view.resize(800, 600);
    const qint64 t0 = utcUs(u"2026-11-23T08:00:00.000Z"_s);
    QSignalSpy recomputed(view.model(), &TrafficModel::bucketsChanged);
    view.addPings(steady(t0, 5));
    QTest::qWait(TrafficView::RefreshIntervalMs + 100);
    QCOMPARE(recomputed.count(), 0); // hidden: nothing computed
    QVERIFY(view.model()->isStale());
    view.show();
    QTRY_COMPARE(view.model()->rowCount(), 5);
    QCOMPARE(recomputed.count(), 1);
    // Batches in quick succession: one recompute for all of them.
    std::vector<PingRecord> more = steady(t0, 9);
    for (int i = 5; i < 9; ++i) // ids 6..9, one batch each
        view.addPings({more[size_t(8 - i)]});
    QTRY_COMPARE(view.model()->rowCount(), 9);
    QCOMPARE(recomputed.count(), 2);
    QCOMPARE(view.countsChart()->seriesPoints(0).size(), 9);
    view.clear();
    QTRY_COMPARE(view.countsChart()->seriesCount(), 0);
}

QTEST_MAIN(TestTrafficView)
#include "tst_trafficview.moc"
