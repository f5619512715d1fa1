// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "metricplotmodel.h"
#include "metricsmodel.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTest>

#include <cmath>

#include "testsupport.h"

using namespace pingscope;
using namespace Qt::StringLiterals;

class TestMetricPlotModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void firefoxTimingDistributionFilled();
    void firefoxHealthPing();
    void gleanJsDistributions();
    void customDistributionKeepsSentBuckets();
    void labeledCounter();
    void labeledCounterFromLabel();
    void notPlottable();
    void offGridKeepsSentBuckets();
    void zeroBucketAndSmallBounds();
    void logCountAxis();
    void formatValue_data();
    void formatValue();
    void everyCapturedDistribution();
};

namespace {

QByteArray healthPing()
{
    return test::readDataFile(u"captured-requests/firefox-esr/022-POST-firefox-desktop_health.body.json"_s);
}

QByteArray peerTest()
{
    return test::readDataFile(u"captured-requests/gleanjs/002-POST-peers-gleanjs-node_peer-test.body.json"_s);
}

// The index of metric `name` of `type` in `model` ("name[label]" for a label).
QModelIndex find(const MetricsModel &model, const QString &type, const QString &name, int column = 0)
{
    const qsizetype bracket = name.indexOf(u'[');
    const QString metric = bracket < 0 ? name : name.left(bracket);
    const QString label = bracket < 0 ? QString() : name.mid(bracket + 1).chopped(1);
    for (int g = 0; g < model.rowCount(); ++g) {
        const QModelIndex group = model.index(g, 0);
        if (group.data().toString() != type)
            continue;
        for (int m = 0; m < model.rowCount(group); ++m) {
            const QModelIndex mi = model.index(m, 0, group);
            if (mi.data().toString() != metric)
                continue;
            if (label.isEmpty())
                return mi.siblingAtColumn(column);
            for (int l = 0; l < model.rowCount(mi); ++l)
                if (model.index(l, 0, mi).data().toString() == label)
                    return model.index(l, column, mi);
        }
    }
    return {};
}

QList<double> lowers(const MetricPlotModel &m)
{
    QList<double> out;
    for (const auto &b : m.bars())
        out << b.lower;
    return out;
}

QList<qint64> counts(const MetricPlotModel &m)
{
    QList<qint64> out;
    for (const auto &b : m.bars())
        out << b.count;
    return out;
}

// Every bar's upper bound is the next one's lower bound.
void checkContiguous(const MetricPlotModel &m)
{
    for (qsizetype k = 0; k + 1 < m.bars().size(); ++k) {
        QVERIFY(m.bars()[k].lower < m.bars()[k + 1].lower);
        QCOMPARE(m.bars()[k].upper, m.bars()[k + 1].lower);
    }
}

} // namespace

void TestMetricPlotModel::initTestCase()
{
    QLocale::setDefault(QLocale::c());
}

void TestMetricPlotModel::firefoxTimingDistributionFilled()
{
    // Firefox ESR's health ping: glean.upload.send_success, nine samples in nine buckets of
    // Glean's timing grid (2^(i/8) ns). The 21 empty buckets in between are inserted.
    MetricsModel metrics;
    metrics.setPayload(healthPing());
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setMetric(
        find(metrics, u"timing_distribution"_s, u"glean.upload.send_success"_s, MetricsModel::Value)));
    QCOMPARE(model.kind(), MetricPlotModel::Kind::Distribution);
    QCOMPARE(model.metricName(), u"glean.upload.send_success"_s);
    const QList<double> expected = {
        6468501,  7053950,  7692387,  8388608,  9147841,  9975792,  10878678, 11863283, 12937002, 14107900,
        15384774, 16777216, 18295683, 19951584, 21757357, 23726566, 25874004, 28215801, 30769549, 33554432,
        36591367, 39903169, 43514714, 47453132, 51748008, 56431603, 61539099, 67108864, 73182735, 79806338};
    QCOMPARE(lowers(model), expected);
    const QList<qint64> expectedCounts = {1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1,
                                          0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    QCOMPARE(counts(model), expectedCounts);
    checkContiguous(model);
    QCOMPARE(model.bars().back().upper, 87029429.0);
    QCOMPARE(model.rowCount(), 30);
    QVERIFY(model.bucketsFilled());
    QVERIFY(model.bucketsLogSpaced());
    QVERIFY(!model.logCountFits());
    QCOMPARE(model.count(), 9);
    QCOMPARE(model.sum(), 228669380.0);
    QCOMPARE(model.unit(), u"ns"_s);
    QCOMPARE(model.mean(), 228669380.0 / 9);
    QCOMPARE(model.summary(), u"count 9, sum 229 ms, mean 25.4 ms"_s);
    // The sent buckets are marked as such; readable labels with the unit.
    QCOMPARE(model.index(0, MetricPlotModel::Bar).data().toString(), u"6.47 ms"_s);
    QCOMPARE(model.index(0, MetricPlotModel::To).data().toString(), u"7.05 ms"_s);
    QCOMPARE(model.index(29, MetricPlotModel::Bar).data().toString(), u"79.8 ms"_s);
    QCOMPARE(model.index(29, MetricPlotModel::To).data(MetricPlotModel::ValueRole).toDouble(), 87029429.0);
    QCOMPARE(model.index(3, MetricPlotModel::Bar).data().toString(), u"8.39 ms"_s);
    QCOMPARE(model.index(3, MetricPlotModel::Count).data(MetricPlotModel::ValueRole).toDouble(), 1.0);
    QVERIFY(model.index(3, 0).data(MetricPlotModel::SentRole).toBool());
    QVERIFY(!model.index(1, 0).data(MetricPlotModel::SentRole).toBool());
    QCOMPARE(model.index(2, 0).data(Qt::ToolTipRole).toString(), u"7.69 ms to 8.39 ms\ncount 1"_s);
    QCOMPARE(model.index(1, 0).data(Qt::ToolTipRole).toString(),
             u"7.05 ms to 7.69 ms\ncount 0\n(empty bucket, not sent)"_s);
    QCOMPARE(model.headerData(MetricPlotModel::Bar, Qt::Horizontal).toString(), u"Bucket"_s);
}

void TestMetricPlotModel::firefoxHealthPing()
{
    // The same ping's memory distribution (one bucket on the 2^(i/16) grid) and the earlier
    // health ping's timing distribution, from the raw JSON.
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setMetricJson(u"memory_distribution"_s, u"glean.database.size"_s,
                                R"({"values": {"71467": 1}, "sum": 73223})"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.bars()[0], (MetricPlotModel::BarData{u"69.8 KiB"_s, 71467, 74631, 1, true}));
    QCOMPARE(model.unit(), u"bytes"_s);
    QCOMPARE(model.summary(), u"count 1, sum 71.5 KiB, mean 71.5 KiB"_s);
    QVERIFY(!model.bucketsFilled());

    const QJsonObject ping =
        QJsonDocument::fromJson(
            test::readDataFile(u"captured-requests/firefox-esr/007-POST-firefox-desktop_health.body.json"_s))
            .object();
    const QByteArray json =
        QJsonDocument(ping[u"metrics"_s][u"timing_distribution"_s][u"glean.upload.send_success"_s].toObject())
            .toJson(QJsonDocument::Compact);
    QVERIFY(model.setMetricJson(u"timing_distribution"_s, u"glean.upload.send_success"_s, json));
    QCOMPARE(model.rowCount(), 22); // 15384774 (index 191) … 94906265 (index 212)
    QCOMPARE(model.bars().front(), (MetricPlotModel::BarData{u"15.4 ms"_s, 15384774, 16777216, 1, true}));
    QCOMPARE(model.bars()[6], (MetricPlotModel::BarData{u"25.9 ms"_s, 25874004, 28215801, 0, false}));
    QCOMPARE(model.bars()[7], (MetricPlotModel::BarData{u"28.2 ms"_s, 28215801, 30769549, 1, true}));
    QCOMPARE(model.bars().back(), (MetricPlotModel::BarData{u"94.9 ms"_s, 94906265, 103496016, 1, true}));
    checkContiguous(model);
    QCOMPARE(model.count(), 3);
    QCOMPARE(model.sum(), 142568700.0);
}

void TestMetricPlotModel::gleanJsDistributions()
{
    // Glean.js computes the grid with floating powers: 2^20 comes out as 1048575.
    MetricsModel metrics;
    metrics.setPayload(peerTest());
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setMetric(find(metrics, u"memory_distribution"_s, u"peer.perf.heap_size"_s)));
    QCOMPARE(model.rowCount(), 33); // 1048575 (index 320) … 4194303 (index 352)
    QCOMPARE(model.bars().front(), (MetricPlotModel::BarData{u"1 MiB"_s, 1048575, 1095000, 1, true}));
    QCOMPARE(model.bars()[16], (MetricPlotModel::BarData{u"2 MiB"_s, 2097151, 2190000, 0, false}));
    QCOMPARE(model.bars().back(), (MetricPlotModel::BarData{u"4 MiB"_s, 4194303, 4380001, 1, true}));
    checkContiguous(model);
    QCOMPARE(model.summary(), u"count 2, sum 5 MiB, mean 2.5 MiB"_s);
    QVERIFY(model.bucketsLogSpaced());

    QVERIFY(model.setMetric(find(metrics, u"timing_distribution"_s, u"peer.perf.page_load"_s)));
    const QList<double> expected = {25874004, 28215801, 30769549, 33554432, 36591367,
                                    39903169, 43514714, 47453132, 51748008, 56431603};
    QCOMPARE(lowers(model), expected);
    QCOMPARE(counts(model), (QList<qint64>{1, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    QCOMPARE(model.bars().back().upper, 61539099.0);
    QCOMPARE(model.bars().back().label, u"56.4 ms"_s);
    QCOMPARE(model.summary(), u"count 2, sum 87.2 ms, mean 43.6 ms"_s);
}

void TestMetricPlotModel::customDistributionKeepsSentBuckets()
{
    // A custom distribution's bucketing is in metrics.yaml only: the three sent buckets stay.
    MetricsModel metrics;
    metrics.setPayload(peerTest());
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setMetric(find(metrics, u"custom_distribution"_s, u"peer.perf.frame_count"_s)));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.bars()[0], (MetricPlotModel::BarData{u"1"_s, 1, 50, 3, true}));
    QCOMPARE(model.bars()[1], (MetricPlotModel::BarData{u"50"_s, 50, 87, 1, true}));
    QCOMPARE(model.bars()[2].label, u"87"_s);
    QCOMPARE(model.bars()[2].lower, 87.0);
    QVERIFY(std::isnan(model.bars()[2].upper));
    QCOMPARE(model.bars()[2].count, 1);
    QVERIFY(!model.index(2, MetricPlotModel::To).data(MetricPlotModel::ValueRole).isValid());
    QCOMPARE(model.index(2, MetricPlotModel::To).data().toString(), QString());
    QCOMPARE(model.index(2, 0).data(Qt::ToolTipRole).toString(), u"≥ 87\ncount 1"_s);
    QCOMPARE(model.unit(), QString());
    QCOMPARE(model.summary(), u"count 5, sum 160, mean 32"_s);
    QVERIFY(!model.bucketsFilled());
    QVERIFY(!model.bucketsLogSpaced()); // 1, 50, 87: not a geometric progression

    // An exponential custom bucketing (as an older Glean sends it, with empty buckets).
    QVERIFY(model.setMetricJson(u"custom_distribution"_s, u"x"_s,
                                R"({"values": {"1": 0, "3": 5, "9": 7, "27": 2, "81": 0}, "sum": 200})"));
    QVERIFY(model.bucketsLogSpaced());
    QCOMPARE(model.count(), 14);
    // And a linear one.
    QVERIFY(model.setMetricJson(u"custom_distribution"_s, u"x"_s,
                                R"({"values": {"10": 1, "20": 5, "30": 7, "40": 2, "50": 1}, "sum": 480})"));
    QVERIFY(!model.bucketsLogSpaced());
}

void TestMetricPlotModel::labeledCounter()
{
    MetricsModel metrics;
    metrics.setPayload(peerTest());
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setMetric(
        find(metrics, u"labeled_counter"_s, u"peer.basic.errors_by_kind"_s, MetricsModel::Type)));
    QCOMPARE(model.kind(), MetricPlotModel::Kind::LabeledCounter);
    QCOMPARE(model.metricName(), u"peer.basic.errors_by_kind"_s);
    QCOMPARE(model.rowCount(), 3);                 // in the client's order
    QCOMPARE(model.bars()[0].label, u"network"_s); // labels have no bounds
    QVERIFY(std::isnan(model.bars()[0].lower) && std::isnan(model.bars()[0].upper));
    QCOMPARE(model.bars()[0].count, 2);
    QCOMPARE(model.index(0, MetricPlotModel::Bar).data().toString(), u"network"_s);
    QCOMPARE(model.index(0, MetricPlotModel::Count).data().toString(), u"2"_s);
    QCOMPARE(model.index(1, MetricPlotModel::Bar).data().toString(), u"parse"_s);
    QCOMPARE(model.index(1, MetricPlotModel::Count).data().toString(), u"1"_s);
    QCOMPARE(model.index(2, MetricPlotModel::Bar).data().toString(), u"__other__"_s);
    QCOMPARE(model.index(2, MetricPlotModel::Count).data(MetricPlotModel::ValueRole).toDouble(), 5.0);
    QCOMPARE(model.index(2, MetricPlotModel::From).data().toString(), QString());
    QCOMPARE(model.index(2, 0).data(Qt::ToolTipRole).toString(), u"__other__: 5"_s);
    QCOMPARE(model.count(), 8);
    QCOMPARE(model.highlightedRow(), -1);
    QCOMPARE(model.summary(), u"3 label(s), total 8"_s);
    QCOMPARE(model.headerData(MetricPlotModel::Bar, Qt::Horizontal).toString(), u"Label"_s);
    QVERIFY(std::isnan(model.mean()));

    // Firefox's health ping, from the raw JSON.
    QVERIFY(model.setMetricJson(u"labeled_counter"_s, u"glean.health.file_read_error"_s,
                                R"({"file-not-found": 1})"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.bars()[0].label, u"file-not-found"_s);
    QCOMPARE(model.bars()[0].count, 1);
}

void TestMetricPlotModel::labeledCounterFromLabel()
{
    // Selecting one label plots all the labels of its counter, that one highlighted.
    MetricsModel metrics;
    metrics.setPayload(peerTest());
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QModelIndex label =
        find(metrics, u"labeled_counter"_s, u"peer.basic.clicks_by_button[__other__]"_s);
    QVERIFY(label.isValid());
    QVERIFY(model.setMetric(label));
    QCOMPARE(model.metricName(), u"peer.basic.clicks_by_button"_s);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.bars()[0].label, u"save_button"_s);
    QCOMPARE(model.bars()[1].label, u"__other__"_s);
    QCOMPARE(model.highlightedRow(), 1);
}

void TestMetricPlotModel::notPlottable()
{
    MetricsModel metrics;
    metrics.setPayload(peerTest());
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setMetric(find(metrics, u"custom_distribution"_s, u"peer.perf.frame_count"_s)));
    QVERIFY(!model.setMetric(find(metrics, u"counter"_s, u"peer.basic.button_clicks"_s)));
    QCOMPARE(model.kind(), MetricPlotModel::Kind::None);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.summary(), QString());
    QVERIFY(model.setMetric(find(metrics, u"labeled_counter"_s, u"peer.basic.errors_by_kind"_s)));
    QVERIFY(!model.setMetric(metrics.index(0, 0))); // a type group
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(
        !model.setMetric(find(metrics, u"labeled_boolean"_s, u"peer.basic.feature_flags[telemetry_on]"_s)));
    QVERIFY(!model.setMetric(QModelIndex()));
    QVERIFY(!model.setMetricJson(u"timing_distribution"_s, u"x"_s, "not json"));
    QVERIFY(!model.setMetricJson(u"quantity"_s, u"x"_s, "3"));
    // A distribution without samples: nothing to plot, but it is still that distribution.
    QVERIFY(!model.setMetricJson(u"timing_distribution"_s, u"x"_s, R"({"values": {}, "sum": 0})"));
    QCOMPARE(model.kind(), MetricPlotModel::Kind::Distribution);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.summary(), u"count 0, sum 0 ns"_s);
    model.clear();
    QCOMPARE(model.kind(), MetricPlotModel::Kind::None);
}

void TestMetricPlotModel::offGridKeepsSentBuckets()
{
    // Bounds that are not on Glean's timing grid (another client's bucketing): no guessing.
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setMetricJson(u"timing_distribution"_s, u"x"_s,
                                R"({"values": {"5000000": 2, "1000": 1, "1500": 4}, "sum": 10007000})"));
    QCOMPARE(lowers(model), (QList<double>{1000, 1500, 5000000}));
    QCOMPARE(counts(model), (QList<qint64>{1, 4, 2}));
    QCOMPARE(model.bars()[0].label, u"1 µs"_s);
    QCOMPARE(model.bars()[1].upper, 5000000.0);
    QVERIFY(std::isnan(model.bars()[2].upper));
    QVERIFY(!model.bucketsFilled());
}

void TestMetricPlotModel::zeroBucketAndSmallBounds()
{
    // The bucket of 0 is [0, 1); small indices share a bound (floor(2^(i/8)) = 1 for i < 8).
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(
        model.setMetricJson(u"timing_distribution"_s, u"x"_s, R"({"values": {"0": 1, "4": 2}, "sum": 9})"));
    QCOMPARE(lowers(model), (QList<double>{0, 1, 2, 3, 4}));
    QCOMPARE(counts(model), (QList<qint64>{1, 0, 0, 0, 2}));
    QCOMPARE(model.bars().back().upper, 5.0); // floor(2^(19/8)) = 5
    QCOMPARE(model.bars()[0].label, u"0 ns"_s);
    checkContiguous(model);
}

void TestMetricPlotModel::logCountAxis()
{
    MetricPlotModel model;
    QVERIFY(model.setMetricJson(u"custom_distribution"_s, u"x"_s,
                                R"({"values": {"1": 1, "10": 99}, "sum": 991})"));
    QVERIFY(!model.logCountFits()); // 99 / 1: under two decades
    QVERIFY(model.setMetricJson(u"custom_distribution"_s, u"x"_s,
                                R"({"values": {"1": 3, "10": 0, "100": 300}, "sum": 30003})"));
    QVERIFY(model.logCountFits()); // zero counts are left out
    QVERIFY(model.setLabeledCounter(u"x"_s, {{u"a"_s, 1000}, {u"b"_s, 2}}));
    QVERIFY(model.logCountFits());
}

void TestMetricPlotModel::formatValue_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("unit");
    QTest::addColumn<QString>("text");
    QTest::addRow("ns") << 999.0 << u"ns"_s << u"999 ns"_s;
    QTest::addRow("µs") << 1234.0 << u"ns"_s << u"1.23 µs"_s;
    QTest::addRow("ms round up") << 999600.0 << u"ns"_s << u"1 ms"_s;
    QTest::addRow("ms") << 1.2e6 << u"ns"_s << u"1.2 ms"_s;
    QTest::addRow("s") << 12.5e9 << u"ns"_s << u"12.5 s"_s;
    QTest::addRow("long") << 3.6e12 << u"ns"_s << u"3600 s"_s;
    QTest::addRow("bytes") << 512.0 << u"bytes"_s << u"512 B"_s;
    QTest::addRow("KiB") << 65536.0 << u"bytes"_s << u"64 KiB"_s;
    QTest::addRow("1023 KiB") << 1023.0 * 1024 << u"bytes"_s << u"1023 KiB"_s;
    QTest::addRow("GiB") << 3.0 * 1073741824 << u"bytes"_s << u"3 GiB"_s;
    QTest::addRow("plain") << 87.0 << QString() << u"87"_s;
    QTest::addRow("plain fraction") << 2.5 << QString() << u"2.5"_s;
    QTest::addRow("other unit") << 7.0 << u"frames"_s << u"7 frames"_s;
    QTest::addRow("unknown") << double(NAN) << u"ns"_s << u"?"_s;
}

void TestMetricPlotModel::formatValue()
{
    QFETCH(double, value);
    QFETCH(QString, unit);
    QFETCH(QString, text);
    QCOMPARE(MetricPlotModel::formatValue(value, unit), text);
}

void TestMetricPlotModel::everyCapturedDistribution()
{
    // Every distribution in every captured Glean ping: the bars hold exactly the sent buckets
    // (inserted ones are empty), in increasing order, adding up to the count.
    MetricPlotModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    int seen = 0;
    for (const QString &folder : {u"captured-requests/firefox-esr"_s, u"captured-requests/gleanjs"_s}) {
        const QStringList files =
            QDir(test::dataDir() + u'/' + folder).entryList({u"*.body.json"_s}, QDir::Files);
        for (const QString &file : files) {
            const QByteArray body = test::readDataFile(folder + u'/' + file);
            const QJsonObject metricsJson = QJsonDocument::fromJson(body).object()[u"metrics"_s].toObject();
            MetricsModel metrics;
            metrics.setPayload(body);
            for (const QString &type :
                 {u"timing_distribution"_s, u"memory_distribution"_s, u"custom_distribution"_s}) {
                const QJsonObject all = metricsJson[type].toObject();
                for (auto it = all.begin(); it != all.end(); ++it) {
                    QVERIFY2(model.setMetric(find(metrics, type, it.key())),
                             qPrintable(file + u' ' + it.key()));
                    const QJsonObject values = it.value().toObject()[u"values"_s].toObject();
                    qint64 total = 0;
                    int sent = 0;
                    for (const auto &b : model.bars()) {
                        total += b.count;
                        const QString key = QString::number(qint64(b.lower));
                        if (b.sent) {
                            ++sent;
                            QCOMPARE(b.count, values[key].toInteger());
                        } else {
                            QCOMPARE(b.count, 0);
                            QVERIFY(!values.contains(key));
                        }
                    }
                    QCOMPARE(sent, values.size());
                    QCOMPARE(total, model.count());
                    QCOMPARE(model.sum(), it.value().toObject()[u"sum"_s].toDouble());
                    checkContiguous(model);
                    ++seen;
                }
            }
        }
    }
    QCOMPARE(seen, 3 + 3 * 6); // Firefox: 2 health pings; Glean.js: 6 peer-test pings
}

QTEST_GUILESS_MAIN(TestMetricPlotModel)
#include "tst_metricplotmodel.moc"
