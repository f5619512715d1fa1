// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "metricsmodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QFile>
#include <QPointF>
#include <QTest>

#include "testsupport.h"

#include "ingest.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <nlohmann/json.hpp>

using namespace pingscope;
using namespace Qt::StringLiterals;

class TestMetricsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void peerTestPing_data();
    void peerTestPing();
    void groupsAndBuckets();
    void noMetrics();
    void bigQueryColumnWarning();
};

namespace {

QByteArray peerTest()
{
    return pingscope::test::readDataFile(
        u"captured-requests/gleanjs/002-POST-peers-gleanjs-node_peer-test.body.json"_s);
}

} // namespace

void TestMetricsModel::peerTestPing_data()
{
    // The real Glean.js ping with about twenty metric types: exact readable values.
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addRow("counter") << u"counter"_s << u"peer.basic.button_clicks"_s << u"4"_s;
    QTest::addRow("labeled counter") << u"labeled_counter"_s << u"peer.basic.errors_by_kind[network]"_s
                                     << u"2"_s;
    QTest::addRow("labeled counter group")
        << u"labeled_counter"_s << u"peer.basic.errors_by_kind"_s << u"3 label(s)"_s;
    QTest::addRow("boolean") << u"boolean"_s << u"peer.basic.dark_mode"_s << u"true"_s;
    QTest::addRow("labeled boolean") << u"labeled_boolean"_s << u"peer.basic.feature_flags[telemetry_on]"_s
                                     << u"true"_s;
    QTest::addRow("quantity") << u"quantity"_s << u"peer.basic.open_tabs"_s << u"42"_s;
    QTest::addRow("uuid") << u"uuid"_s << u"peer.basic.session_uuid"_s
                          << u"16859b38-cef4-4150-bb11-b81711923712"_s;
    QTest::addRow("string list") << u"string_list"_s << u"peer.basic.enabled_features"_s << u"beta, alpha"_s;
    QTest::addRow("url") << u"url"_s << u"peer.basic.landing_url"_s << u"https://example.com/landing?x=1"_s;
    QTest::addRow("timespan") << u"timespan"_s << u"peer.perf.startup_time"_s << u"88 milliseconds"_s;
    QTest::addRow("rate") << u"rate"_s << u"peer.perf.cache_hit_rate"_s << u"7 / 10"_s;
    QTest::addRow("labeled string") << u"labeled_string"_s << u"peer.basic.os_names[primary]"_s << u"Linux"_s;
    QTest::addRow("custom distribution")
        << u"custom_distribution"_s << u"peer.perf.frame_count"_s << u"count 5, sum 160, 3 bucket(s) used"_s;
    QTest::addRow("memory distribution") << u"memory_distribution"_s << u"peer.perf.heap_size"_s
                                         << u"count 2, sum 5242880 bytes, 2 bucket(s) used"_s;
}

void TestMetricsModel::peerTestPing()
{
    QFETCH(QString, type);
    QFETCH(QString, name);
    QFETCH(QString, value);
    MetricsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QLocale::setDefault(QLocale::c()); // numbers without group separators
    model.setPayload(peerTest());
    QCOMPARE(model.valueOf(type, name), value);
}

void TestMetricsModel::groupsAndBuckets()
{
    MetricsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(peerTest());
    QCOMPARE(model.rowCount(), 17); // one group per metric type, in the client's order
    QCOMPARE(model.index(0, 0).data().toString(), u"counter"_s);
    QVERIFY(model.metricCount() >= 20);
    // The custom distribution keeps its buckets, sorted, for the charts.
    for (int g = 0; g < model.rowCount(); ++g) {
        const QModelIndex group = model.index(g, 0);
        if (group.data().toString() != u"custom_distribution"_s)
            continue;
        const QModelIndex metric = model.index(0, 0, group);
        const QVariantList buckets = metric.data(MetricsModel::BucketsRole).toList();
        QCOMPARE(buckets.size(), 3);
        QCOMPARE(buckets[0].toPointF(), QPointF(1, 3));
        QCOMPARE(buckets[2].toPointF(), QPointF(87, 1));
        QCOMPARE(metric.data(MetricsModel::CountRole).toLongLong(), 5);
        QCOMPARE(metric.data(MetricsModel::SumRole).toDouble(), 160.0);
        return;
    }
    QFAIL("no custom_distribution group");
}

void TestMetricsModel::noMetrics()
{
    MetricsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload("not json");
    QCOMPARE(model.rowCount(), 0);
    model.setPayload(R"({"ping_info":{}})");
    QCOMPARE(model.rowCount(), 0);
    model.setPayload(QByteArray(100000, '[') + QByteArray(100000, ']'));
    QCOMPARE(model.rowCount(), 0);
    model.clear();
}

// A newtab ping with a counter its production table has no column for, through the engine: the
// metric's row is marked (warning colour, the warning's message in its tooltip and WarningRole),
// the declared metrics are not. Without a QGuiApplication the marker is the warning colour.
void TestMetricsModel::bigQueryColumnWarning()
{
    const PingRecord r = pingscope::test::newtabWithUndeclaredCounter();
    QCOMPARE(r.verdict, u"valid"_s);

    MetricsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(r.payload, r.warningsJson);
    QCOMPARE(model.warnedMetricCount(), 1);
    const QModelIndex warned = model.indexOf(u"counter"_s, u"newtab.undeclared_clicks"_s);
    QVERIFY(warned.isValid());
    const QString message =
        u"`metrics.counter.newtab.undeclared_clicks` is not a column of firefox_desktop.newtab_v1 "
        u"(the table has no counter metrics at all): it will land in additional_properties, where "
        u"analysts rarely look"_s;
    QCOMPARE(warned.data(MetricsModel::WarningRole).toString(), message);
    QCOMPARE(warned.data(Qt::ToolTipRole).toString(), message + u"\n\n3"_s);
    for (int column = 0; column < MetricsModel::ColumnCount; ++column)
        QCOMPARE(warned.siblingAtColumn(column).data(Qt::ForegroundRole).value<QColor>(),
                 QColor(0xa0, 0x5a, 0x00));
    QCOMPARE(warned.data(Qt::DecorationRole).value<QColor>(), QColor(0xa0, 0x5a, 0x00)); // no QGuiApplication
    QVERIFY(!warned.siblingAtColumn(MetricsModel::Value).data(Qt::DecorationRole).isValid());
    // Declared metrics of the same ping are not marked.
    const QModelIndex locale = model.indexOf(u"string"_s, u"newtab.locale"_s);
    QVERIFY(locale.isValid());
    QVERIFY(locale.data(MetricsModel::WarningRole).toString().isEmpty());
    QVERIFY(!locale.data(Qt::ForegroundRole).isValid());
    QVERIFY(!locale.data(Qt::DecorationRole).isValid());
    // The next ping without warnings: nothing marked.
    model.setPayload(r.payload);
    QCOMPARE(model.warnedMetricCount(), 0);
    QVERIFY(model.indexOf(u"counter"_s, u"newtab.undeclared_clicks"_s)
                .data(MetricsModel::WarningRole)
                .toString()
                .isEmpty());
}

QTEST_GUILESS_MAIN(TestMetricsModel)
#include "tst_metricsmodel.moc"
