// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "chart.h"
#include "mainwindow.h"
#include "metricchart.h"
#include "metricplotmodel.h"
#include "metricsmodel.h"
#include "pingtablemodel.h"
#include "testsupport.h"

#include <QCheckBox>
#include <QGraphicsView>
#include <QImage>
#include <QLocale>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <QTreeView>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

// The plot beside the Metrics table, offscreen: bars as the model has them, readable ticks
// that do not overlap, the hint for anything else, and the main window's selection.
class TestMetricChart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void hintForNothing();
    void histogramMatchesModel();
    void ticksDoNotOverlap_data();
    void ticksDoNotOverlap();
    void logCountAxis();
    void labeledCounter();
    void hoverShowsRangeAndCount();
    void mainWindowPlotsSelectedMetric();
};

namespace {

QModelIndex find(const QAbstractItemModel &model, const QStringList &path)
{
    QModelIndex found;
    for (const QString &name : path) {
        QModelIndex next;
        for (int r = 0; r < model.rowCount(found) && !next.isValid(); ++r)
            if (model.index(r, 0, found).data().toString() == name)
                next = model.index(r, 0, found);
        if (!next.isValid())
            return {};
        found = next;
    }
    return found;
}

QByteArray healthPing()
{
    return readDataFile(u"captured-requests/firefox-esr/022-POST-firefox-desktop_health.body.json"_s);
}

QByteArray peerTest()
{
    return readDataFile(u"captured-requests/gleanjs/002-POST-peers-gleanjs-node_peer-test.body.json"_s);
}

QList<QPointF> expectedBars(const MetricPlotModel &model)
{
    QList<QPointF> out;
    for (int i = 0; i < model.rowCount(); ++i)
        out << QPointF(i, double(model.bars()[i].count));
    return out;
}

// Pixels of `colour` (within a small tolerance, for antialiasing) in the grabbed widget.
int pixelsOf(QWidget &w, const QColor &colour)
{
    const QImage image = w.grab().toImage().convertToFormat(QImage::Format_RGB32);
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
                    std::abs(c.blue() - colour.blue()) <
                12)
                ++n;
        }
    return n;
}

} // namespace

void TestMetricChart::initTestCase()
{
    QLocale::setDefault(QLocale::c());
}

void TestMetricChart::hintForNothing()
{
    MetricChart w;
    w.resize(600, 400);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(!w.isPlotting());
    QCOMPARE(w.hint(), u"Select a distribution or a labeled counter to plot it."_s);
    QVERIFY(!w.grab().isNull());
    MetricsModel metrics;
    metrics.setPayload(peerTest());
    w.showMetric(find(metrics, {u"counter"_s, u"peer.basic.button_clicks"_s}));
    QVERIFY(!w.isPlotting());
    QVERIFY(!w.hint().isEmpty());
    QCOMPARE(w.chart()->seriesCount(), 0);
    // A distribution without samples says so.
    metrics.setPayload(R"({"metrics": {"timing_distribution": {"a.b": {"values": {}, "sum": 0}}}})");
    w.showMetric(find(metrics, {u"timing_distribution"_s, u"a.b"_s}));
    QVERIFY(!w.isPlotting());
    QCOMPARE(w.hint(), u"a.b has no samples to plot."_s);
}

void TestMetricChart::histogramMatchesModel()
{
    MetricsModel metrics;
    metrics.setPayload(healthPing());
    MetricChart w;
    w.resize(900, 480);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.showMetric(find(metrics, {u"timing_distribution"_s, u"glean.upload.send_success"_s}));
    QVERIFY(w.isPlotting());
    QCOMPARE(w.hint(), QString());
    QCOMPARE(w.model()->rowCount(), 30);
    QCOMPARE(w.chart()->seriesCount(), 1);
    QCOMPARE(w.chart()->seriesPoints(0), expectedBars(*w.model()));
    QCOMPARE(w.chart()->seriesPoints(0)[3], QPointF(3, 1)); // 8.39 ms, sent
    QCOMPARE(w.chart()->seriesPoints(0)[1], QPointF(1, 0)); // 7.05 ms, inserted empty
    QCOMPARE(w.chart()->xMin(), -0.5);
    QCOMPARE(w.chart()->xMax(), 29.5);
    QVERIFY(!w.logCount()); // counts of 1: linear
    QCOMPARE(w.chart()->yMin(), 0.0);
    QCOMPARE(w.chart()->yMax(), 4.0); // whole-number ticks 0..4
    QVERIFY2(w.title().contains(u"glean.upload.send_success"_s), qPrintable(w.title()));
    QVERIFY2(w.title().contains(u"count 9, sum 229 ms, mean 25.4 ms"_s), qPrintable(w.title()));
    QVERIFY2(w.title().contains(u"unit: ns"_s), qPrintable(w.title()));
    QCOMPARE(w.xTicks().front(), (QPair<double, QString>(-0.5, u"6.47 ms"_s)));
    // Narrower: fewer labels, still the bounds of every few buckets.
    const qsizetype wideTicks = w.xTicks().size();
    w.resize(420, 480);
    QVERIFY2(w.xTicks().size() < wideTicks, qPrintable(u"%1 → %2"_s.arg(wideTicks).arg(w.xTicks().size())));
    QCOMPARE(w.xTicks().front(), (QPair<double, QString>(-0.5, u"6.47 ms"_s)));
    w.resize(900, 480);
    QCOMPARE(w.xTicks().size(), wideTicks);
    // The bars are drawn: the grabbed widget has their colour.
    QTRY_VERIFY(pixelsOf(w, w.chart()->seriesColor(0)) > 200);

    // Another metric replaces the bars.
    metrics.setPayload(peerTest());
    w.showMetric(find(metrics, {u"custom_distribution"_s, u"peer.perf.frame_count"_s}));
    QCOMPARE(w.chart()->seriesCount(), 1);
    QCOMPARE(w.chart()->seriesPoints(0), (QList<QPointF>{{0, 3}, {1, 1}, {2, 1}}));
    QCOMPARE(w.xTicks(), (QList<QPair<double, QString>>{
                             {-0.5, u"1"_s}, {0.5, u"50"_s}, {1.5, u"87"_s}})); // upper end unknown
    QVERIFY(w.title().contains(u"no unit"_s));
}

void TestMetricChart::ticksDoNotOverlap_data()
{
    QTest::addColumn<int>("width");
    QTest::addRow("wide") << 1100;
    QTest::addRow("medium") << 700;
    QTest::addRow("narrow") << 380;
}

void TestMetricChart::ticksDoNotOverlap()
{
    // Glean.js' heap size: 33 buckets of 2^(i/16) bytes. Labels are thinned to fit the width.
    QFETCH(int, width);
    MetricsModel metrics;
    metrics.setPayload(peerTest());
    MetricChart w;
    w.resize(width, 420);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.showMetric(find(metrics, {u"memory_distribution"_s, u"peer.perf.heap_size"_s}));
    QCOMPARE(w.model()->rowCount(), 33);
    QCOMPARE(w.chart()->seriesPoints(0), expectedBars(*w.model()));
    QApplication::processEvents();
    const auto ticks = w.xTicks();
    QVERIFY(ticks.size() >= 2);
    QVERIFY(ticks.size() < 34); // 34 bounds (with the upper end) do not fit side by side
    QCOMPARE(ticks.front().second, u"1 MiB"_s);
    // On screen: the centres of two neighbouring labels are further apart than their half widths.
    const QFontMetrics fm(w.chart()->font());
    for (qsizetype i = 0; i + 1 < ticks.size(); ++i) {
        const double a = w.chart()->mapToPosition({ticks[i].first, 0}).x();
        const double b = w.chart()->mapToPosition({ticks[i + 1].first, 0}).x();
        const double need =
            (fm.horizontalAdvance(ticks[i].second) + fm.horizontalAdvance(ticks[i + 1].second)) / 2.0;
        QVERIFY2(b - a > need,
                 qPrintable(u"%1 and %2: %3 px apart, need %4"_s.arg(ticks[i].second, ticks[i + 1].second)
                                .arg(b - a)
                                .arg(need)));
    }
    // Every label is a bucket bound at its bar's left edge, or the last bucket's upper bound.
    for (const auto &[x, label] : ticks) {
        const int bar = int(x + 0.5);
        QCOMPARE(x, bar - 0.5);
        QCOMPARE(label, bar < 33 ? w.model()->bars()[bar].label : u"4.18 MiB"_s);
    }
}

void TestMetricChart::logCountAxis()
{
    MetricsModel metrics;
    metrics.setPayload(
        R"({"metrics": {"custom_distribution": {"a.b": {"values": {"1": 3, "10": 0, "100": 300}, "sum": 30003}}}})");
    MetricChart w;
    w.resize(600, 400);
    w.show();
    w.showMetric(find(metrics, {u"custom_distribution"_s, u"a.b"_s}));
    QVERIFY(w.logCount()); // 3 and 300: two decades
    auto *box = w.findChild<QCheckBox *>(u"logCount"_s);
    QVERIFY(box && box->isChecked());
    QCOMPARE(w.chart()->yMin(), 0.5);
    QCOMPARE(w.chart()->yMax(), 1000.0);
    // On the log axis an empty bucket sits at the axis floor (log 0 is not drawable).
    QCOMPARE(w.chart()->seriesPoints(0), (QList<QPointF>{{0, 3}, {1, 0.5}, {2, 300}}));
    box->setChecked(false);
    QCOMPARE(w.chart()->yMin(), 0.0);
    QCOMPARE(w.chart()->yMax(), 320.0);
    QCOMPARE(w.chart()->seriesPoints(0), (QList<QPointF>{{0, 3}, {1, 0}, {2, 300}}));
    QVERIFY(!w.grab().isNull());
}

void TestMetricChart::labeledCounter()
{
    MetricsModel metrics;
    metrics.setPayload(peerTest());
    MetricChart w;
    w.resize(700, 400);
    w.show();
    w.showMetric(find(metrics, {u"labeled_counter"_s, u"peer.basic.errors_by_kind"_s}));
    QVERIFY(w.isPlotting());
    QCOMPARE(w.chart()->seriesCount(), 1);
    QCOMPARE(w.chart()->seriesPoints(0), (QList<QPointF>{{0, 2}, {1, 1}, {2, 5}}));
    QCOMPARE(w.xTicks(),
             (QList<QPair<double, QString>>{{0, u"network"_s}, {1, u"parse"_s}, {2, u"__other__"_s}}));
    QVERIFY(w.title().contains(u"3 label(s), total 8"_s));
    QTRY_VERIFY(pixelsOf(w, w.chart()->seriesColor(0)) > 200);
    // One label selected: all labels, that one in its own colour.
    w.showMetric(find(metrics, {u"labeled_counter"_s, u"peer.basic.errors_by_kind"_s, u"parse"_s}));
    QCOMPARE(w.chart()->seriesCount(), 2);
    QCOMPARE(w.chart()->seriesPoints(0), (QList<QPointF>{{0, 2}, {1, 0}, {2, 5}}));
    QCOMPARE(w.chart()->seriesPoints(1), (QList<QPointF>{{0, 0}, {1, 1}, {2, 0}}));
    QCOMPARE(w.chart()->seriesName(1), u"parse"_s);
    QTRY_VERIFY(pixelsOf(w, w.chart()->seriesColor(1)) > 100);
    // Long label names are cut short on the axis.
    metrics.setPayload(
        R"({"metrics": {"labeled_counter": {"glean.error.invalid_label": {"peer.basic.clicks_by_button": 1}}}})");
    w.showMetric(find(metrics, {u"labeled_counter"_s, u"glean.error.invalid_label"_s}));
    QCOMPARE(w.xTicks(), (QList<QPair<double, QString>>{{0, u"peer.basic.clicks…"_s}}));
    QCOMPARE(w.barToolTip(0), u"peer.basic.clicks_by_button: 1"_s);
}

void TestMetricChart::hoverShowsRangeAndCount()
{
    MetricsModel metrics;
    metrics.setPayload(healthPing());
    MetricChart w;
    w.resize(900, 480);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.showMetric(find(metrics, {u"timing_distribution"_s, u"glean.upload.send_success"_s}));
    QCOMPARE(w.barToolTip(2), u"7.69 ms to 8.39 ms\ncount 1"_s);
    QCOMPARE(w.barToolTip(99), QString());
    // The pointer over the middle of bar 2 shows its tooltip.
    QApplication::processEvents();
    auto *view = w.chart()->findChild<QGraphicsView *>();
    QVERIFY(view);
    const QPoint at = w.chart()->mapToPosition({2, 0.5}).toPoint();
    QTest::mouseMove(view->viewport(), view->viewport()->mapFrom(w.chart(), at));
    QTRY_COMPARE(QToolTip::text(), u"7.69 ms to 8.39 ms\ncount 1"_s);
}

void TestMetricChart::mainWindowPlotsSelectedMetric()
{
    // A real Firefox health ping through the endpoint; the Metrics tab plots what is selected.
    QTemporaryDir dir;
    EngineOptions opts;
    opts.dbPath = dir.filePath(u"m.pingscope"_s);
    opts.capture.port = 0;
    MainWindow window(opts);
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const quint16 port = window.engine()->port();
    QCOMPARE(
        exchange(port,
                 buildRequest("POST", "/submit/firefox-desktop/health/1/00000000-0000-4000-8000-000000000022",
                              {}, healthPing()))
            .status,
        200);
    QCOMPARE(exchange(port, buildRequest(
                                "POST",
                                "/submit/peers-gleanjs-node/peer-test/1/00000000-0000-4000-8000-000000000002",
                                {}, peerTest()))
                 .status,
             200);
    QTRY_COMPARE_WITH_TIMEOUT(window.pingModel()->rowCount(), 2, 5000);
    auto *table = window.findChild<QTableView *>(u"pings"_s);
    auto *tabs = window.findChild<QTabWidget *>();
    auto *metricsView = window.findChild<QTreeView *>(u"metrics"_s);
    auto *plot = window.findChild<MetricChart *>(u"metricPlot"_s);
    auto *split = window.findChild<QSplitter *>(u"metricsSplit"_s);
    QVERIFY(table && tabs && metricsView && plot && split);
    QCOMPARE(split->widget(0), metricsView);
    QCOMPARE(split->widget(1), plot);
    tabs->setCurrentWidget(split);
    const int healthRow = window.pingModel()->idAt(0) == 1 ? 0 : 1;
    table->selectRow(healthRow);
    QVERIFY(!plot->isPlotting()); // nothing selected in the table of metrics
    QVERIFY(!plot->hint().isEmpty());
    const QModelIndex timing =
        find(*metricsView->model(), {u"timing_distribution"_s, u"glean.upload.send_success"_s});
    QVERIFY(timing.isValid());
    metricsView->setCurrentIndex(timing);
    QVERIFY(plot->isPlotting());
    QCOMPARE(plot->chart()->seriesPoints(0).size(), 30);
    QCOMPARE(plot->chart()->seriesPoints(0), expectedBars(*plot->model()));
    QVERIFY(plot->isVisible());
    QTRY_VERIFY(pixelsOf(*plot, plot->chart()->seriesColor(0)) > 200);
    // The labeled counter of the same ping.
    metricsView->setCurrentIndex(
        find(*metricsView->model(), {u"labeled_counter"_s, u"glean.validation.pings_submitted"_s}));
    QCOMPARE(plot->model()->kind(), MetricPlotModel::Kind::LabeledCounter);
    QCOMPARE(plot->chart()->seriesPoints(0),
             (QList<QPointF>{{0, 2}, {1, 1}, {2, 1}})); // baseline, events, health
    QCOMPARE(plot->xTicks(),
             (QList<QPair<double, QString>>{{0, u"baseline"_s}, {1, u"events"_s}, {2, u"health"_s}}));
    // The next ping (Glean.js) has no such metric: the hint again, and the same metric name
    // stays plotted across pings that have it.
    metricsView->setCurrentIndex(
        find(*metricsView->model(), {u"memory_distribution"_s, u"glean.database.size"_s}));
    QCOMPARE(plot->chart()->seriesPoints(0), (QList<QPointF>{{0, 1}}));
    table->selectRow(1 - healthRow);
    QVERIFY(!plot->isPlotting());
    metricsView->setCurrentIndex(
        find(*metricsView->model(), {u"memory_distribution"_s, u"peer.perf.heap_size"_s}));
    QCOMPARE(plot->model()->rowCount(), 33);
    table->selectRow(healthRow);
    QVERIFY(!plot->isPlotting());
    table->selectRow(1 - healthRow);
    QVERIFY(plot->isPlotting()); // heap_size again
    QCOMPARE(plot->model()->metricName(), u"peer.perf.heap_size"_s);
    // A plain metric: the hint.
    metricsView->setCurrentIndex(find(*metricsView->model(), {u"counter"_s, u"peer.basic.button_clicks"_s}));
    QVERIFY(!plot->isPlotting());
}

QTEST_MAIN(TestMetricChart)
#include "tst_metricchart.moc"
