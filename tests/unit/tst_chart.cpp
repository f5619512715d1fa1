// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The chart adapter (widgets/chart.h): series, axes, zoom and pan, clicks, offscreen rendering.
#include "chart.h"

#include <QChartView>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include "widgettest.h"

using namespace pingscope;
using pingscope::test::countColour;
using namespace Qt::StringLiterals;

namespace {

// Every visible text item of the chart's scene (axis labels and titles).
QStringList visibleTexts(Chart &c)
{
    QStringList out;
    const auto items = c.findChild<QChartView *>()->scene()->items();
    for (QGraphicsItem *i : items)
        if (auto *t = dynamic_cast<QGraphicsTextItem *>(i);
            t && t->isVisible() && !t->toPlainText().isEmpty())
            out << t->toPlainText();
    return out;
}

QWidget *viewport(Chart &c)
{
    return c.findChild<QChartView *>()->viewport();
}

} // namespace

class TestChart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scatterOnLanes()
    {
        Chart c;
        c.resize(600, 300);
        c.setXAxis(Chart::AxisKind::Value, u"Time (ms)"_s);
        c.setYAxis(Chart::AxisKind::Lanes, u"Lane"_s);
        c.setLanes({u"a"_s, u"b"_s});
        const QColor red(200, 10, 10);
        const int s = c.addSeries(Chart::SeriesKind::Scatter, u"a"_s, red, 12);
        QCOMPARE(s, 0);
        c.setPoints(s, {{10, 0}, {50, 1}});
        c.setXRange(0, 100);
        QCOMPARE(c.seriesCount(), 1);
        QCOMPARE(c.seriesPoints(0), (QList<QPointF>{{10, 0}, {50, 1}}));
        QCOMPARE(c.yMin(), -0.5);
        QCOMPARE(c.yMax(), 1.5);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QVERIFY2(countColour(c, red) > 40, "markers are drawn");
        // A click on a marker reports its series and index.
        QSignalSpy clicked(&c, &Chart::pointClicked);
        const QPoint at = c.mapToPosition({50, 1}).toPoint();
        QVERIFY(c.rect().contains(at));
        const QPointF back = c.mapToValue(at);
        QVERIFY(std::abs(back.x() - 50) < 1.0);
        QTest::mouseClick(viewport(c), Qt::LeftButton, {}, viewport(c)->mapFrom(&c, at));
        QCOMPARE(clicked.size(), 1);
        QCOMPARE(clicked[0][0].toInt(), 0);
        QCOMPARE(clicked[0][1].toInt(), 1);
    }

    void zoomAndPan()
    {
        Chart c;
        c.resize(600, 300);
        c.addSeries(Chart::SeriesKind::Line, u"l"_s);
        c.setPoints(0, {{0, 0}, {100, 1}});
        c.setXRange(0, 100);
        c.setZoomPanX(true);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QSignalSpy range(&c, &Chart::xRangeChanged);
        c.zoomX(0.5, 50);
        QCOMPARE(range.size(), 1);
        QCOMPARE(c.xMin(), 25.0);
        QCOMPARE(c.xMax(), 75.0);
        // Zooming out never goes past the full range.
        c.zoomX(10, 50);
        QCOMPARE(c.xMin(), 0.0);
        QCOMPARE(c.xMax(), 100.0);
        // Wheel zooms in around the pointer; a drag pans; a double click resets.
        const QPoint mid = viewport(c)->mapFrom(&c, c.mapToPosition({50, 0.5}).toPoint());
        QWheelEvent wheel(mid, viewport(c)->mapToGlobal(mid), {}, {0, 120}, Qt::NoButton, {},
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(viewport(c), &wheel);
        QVERIFY(c.xMax() - c.xMin() < 100);
        QVERIFY(c.xMin() > 0 && c.xMax() < 100);
        const double before = c.xMin();
        QTest::mousePress(viewport(c), Qt::LeftButton, {}, mid);
        QTest::mouseMove(viewport(c), mid + QPoint(60, 0));
        QTest::mouseRelease(viewport(c), Qt::LeftButton, {}, mid + QPoint(60, 0));
        QVERIFY2(c.xMin() < before, "dragging right shows earlier values");
        QTest::keyClick(viewport(c)->parentWidget(), Qt::Key_Home);
        QCOMPARE(c.xMin(), 0.0);
        QCOMPARE(c.xMax(), 100.0);
    }

    void stackedBarsAndTicks()
    {
        Chart c;
        c.resize(600, 300);
        c.setXAxis(Chart::AxisKind::Value, u"Time"_s);
        c.setYAxis(Chart::AxisKind::Value, u"Pings"_s);
        const QColor blue(10, 10, 210), green(10, 180, 10);
        const int a = c.addSeries(Chart::SeriesKind::StackedBars, u"baseline"_s, blue);
        const int b = c.addSeries(Chart::SeriesKind::StackedBars, u"events"_s, green);
        c.setBarValues(a, {1, 2, 3});
        c.setBarValues(b, {3, 2, 1});
        c.setXTicks({{0, u"12:00"_s}, {2, u"12:02"_s}});
        c.setXRange(-0.5, 2.5);
        c.setYRange(0, 4);
        c.setLegendVisible(true);
        QCOMPARE(c.seriesPoints(b), (QList<QPointF>{{0, 3}, {1, 2}, {2, 1}}));
        QCOMPARE(c.seriesName(a), u"baseline"_s);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QVERIFY(countColour(c, blue) > 500);
        QVERIFY(countColour(c, green) > 500);
        QSignalSpy clicked(&c, &Chart::pointClicked);
        // Slot 2: baseline holds 0..3, events 3..4.
        const QPoint at = viewport(c)->mapFrom(&c, c.mapToPosition({2, 3.5}).toPoint());
        QTest::mouseClick(viewport(c), Qt::LeftButton, {}, at);
        QCOMPARE(clicked.size(), 1);
        QCOMPARE(clicked[0][0].toInt(), b);
        QCOMPARE(clicked[0][1].toInt(), 2);
        c.clearSeries();
        QCOMPARE(c.seriesCount(), 0);
    }

    // Qt Charts 6.4 keeps the labels of a removed axis in the scene: new lanes and axis kinds
    // must replace the old labels, not pile up on them.
    void axesReplaceTheirLabels()
    {
        Chart c;
        c.resize(500, 300);
        c.setYAxis(Chart::AxisKind::Lanes, QString());
        c.setLanes({u"alpha"_s, u"beta"_s});
        c.addSeries(Chart::SeriesKind::Scatter, u"s"_s);
        c.setPoints(0, {{1, 0}, {2, 1}});
        c.setXRange(0, 3);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QCOMPARE(visibleTexts(c).count(u"alpha"_s), 1);
        c.clearSeries();
        c.setLanes({u"gamma"_s, u"delta"_s, u"eps"_s});
        c.setXAxis(Chart::AxisKind::DateTime, u"when"_s);
        c.setXAxis(Chart::AxisKind::Value, u"x"_s);
        c.addSeries(Chart::SeriesKind::Scatter, u"s"_s);
        c.setPoints(0, {{1, 0}, {2, 1}});
        c.setXRange(0, 3);
        QCoreApplication::processEvents();
        const QStringList texts = visibleTexts(c);
        QVERIFY2(!texts.contains(u"alpha"_s), qPrintable(texts.join(u' ')));
        QVERIFY(texts.contains(u"gamma"_s));
        QCOMPARE(texts.count(u"x"_s), 1);
        QVERIFY(!texts.contains(u"when"_s));
        QCOMPARE(texts.count(u"1.5"_s), 1); // nice ticks, one set of them
    }

    void darkPalette()
    {
        Chart c;
        c.resize(300, 200);
        QPalette dark = c.palette();
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        c.setPalette(dark);
        c.show();
        QVERIFY(QTest::qWaitForWindowExposed(&c));
        QVERIFY2(countColour(c, QColor(30, 30, 30)) > 300 * 200 / 2, "background follows the palette");
    }
};

QTEST_MAIN(TestChart)
#include "tst_chart.moc"
