// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "trafficmodel.h"

#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <thread>

#include <cmath>
#include <random>

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kSecondUs = 1'000'000;

struct DocTypeCell
{
    int bucket;
    QString docType;
    int count;
    double median;
    qint64 max;
};

struct BucketTotals
{
    int bucket;
    int requests, invalid, duplicates, refused;
};

// Compares every cell of the model with the expected non-empty cells; all others are empty.
void checkBuckets(const TrafficModel &model, const QList<BucketTotals> &totals,
                  const QList<DocTypeCell> &cells)
{
    const QStringList &types = model.docTypes();
    for (int row = 0; row < model.rowCount(); ++row) {
        BucketTotals want{row, 0, 0, 0, 0};
        for (const BucketTotals &t : totals)
            if (t.bucket == row)
                want = t;
        const QByteArray where = "bucket " + QByteArray::number(row);
        QVERIFY2(model.requests(row) == want.requests, where.constData());
        QVERIFY2(model.invalid(row) == want.invalid, where.constData());
        QVERIFY2(model.duplicates(row) == want.duplicates, where.constData());
        QVERIFY2(model.refused(row) == want.refused, where.constData());
        // The item interface says the same.
        QCOMPARE(model.index(row, TrafficModel::Requests).data(TrafficModel::ValueRole).toInt(),
                 want.requests);
        QCOMPARE(model.index(row, TrafficModel::Refused).data(TrafficModel::ValueRole).toInt(), want.refused);
        for (int t = 0; t < types.size(); ++t) {
            DocTypeCell cell{row, types[t], 0, std::nan(""), 0};
            for (const DocTypeCell &c : cells)
                if (c.bucket == row && c.docType == types[t])
                    cell = c;
            const QByteArray what = where + ' ' + types[t].toUtf8();
            QVERIFY2(model.count(row, t) == cell.count, what.constData());
            QCOMPARE(model.index(row, TrafficModel::column(t, TrafficModel::Count))
                         .data(TrafficModel::ValueRole)
                         .toInt(),
                     cell.count);
            if (cell.count == 0) {
                QVERIFY2(std::isnan(model.medianSize(row, t)), what.constData());
                QVERIFY2(!model.index(row, TrafficModel::column(t, TrafficModel::MedianSize))
                              .data(TrafficModel::ValueRole)
                              .isValid(),
                         what.constData());
                continue;
            }
            QVERIFY2(
                model.medianSize(row, t) == cell.median,
                QByteArray(what + " median " + QByteArray::number(model.medianSize(row, t))).constData());
            QVERIFY2(model.maxSize(row, t) == cell.max,
                     QByteArray(what + " max " + QByteArray::number(model.maxSize(row, t))).constData());
            QCOMPARE(model.index(row, TrafficModel::column(t, TrafficModel::MedianSize))
                         .data(TrafficModel::ValueRole)
                         .toDouble(),
                     cell.median);
            QCOMPARE(model.index(row, TrafficModel::column(t, TrafficModel::MaxSize))
                         .data(TrafficModel::ValueRole)
                         .toLongLong(),
                     cell.max);
        }
    }
    // Every expected cell names a doc type the model has.
    for (const DocTypeCell &c : cells)
        QVERIFY2(types.contains(c.docType), qPrintable(c.docType));
}

// Pings with chosen times, doc types, verdicts and sizes, for the layout tests.
PingRecord ping(qint64 id, qint64 atUs, const QString &docType, qint64 decoded = 100,
                const QString &verdictName = u"valid"_s)
{
    PingRecord r;
    r.id = id;
    r.receivedAtUs = atUs;
    r.ns = u"app"_s;
    r.docType = docType;
    r.verdict = verdictName;
    r.bodyBytes = decoded / 2;
    r.decodedBytes = decoded;
    return r;
}

std::vector<PingRecord> reversed(std::vector<PingRecord> v)
{
    std::reverse(v.begin(), v.end());
    return v;
}

// Every value of every cell, to compare two models.
QList<QVariant> allValues(const TrafficModel &m)
{
    QList<QVariant> out;
    for (int r = 0; r < m.rowCount(); ++r)
        for (int c = 0; c < m.columnCount(); ++c)
            out.append(m.index(r, c).data(TrafficModel::ValueRole));
    return out;
}

} // namespace

class TestTrafficModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firefoxCaptures();
    void samplePingsInAFixedRange();
    void bucketWidthChoice_data();
    void bucketWidthChoice();
    void bucketCountsForRanges();
    void liveAppends();
    void outOfOrderTimesMatchOneBatch();
    void deferredUpdates();
    void clearAndHeaders();
    void updatesFromRevalidation();
    void adoptOlderMatchesOneModel();
};

// The window's start on a large store: the newest pings first, the older ones built on another
// thread and adopted; the buckets and doc type columns are those of one model fed everything.
void TestTrafficModel::adoptOlderMatchesOneModel()
{
    std::vector<PingRecord> all;
    const QStringList types = {u"baseline"_s, u"metrics"_s, u"events"_s, u"newtab"_s};
    for (qint64 id = 1; id <= 900; ++id) {
        // Older pings bring a doc type the newest do not have; times are nearly ordered.
        const QString type = id <= 300 ? types[int(id % 4)] : types[int(id % 2)];
        all.push_back(ping(id, 1764547200000000 + id * 97'000 + (id % 7) * 1000, type, 100 + id % 50,
                           id % 11 == 0 ? u"invalid"_s : u"valid"_s));
    }
    TrafficModel reference;
    reference.addPings(reversed(all));

    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addPings(reversed({all.begin() + 600, all.begin() + 800}));
    TrafficModel::Older older;
    std::thread builder([&] {
        older.append({all.begin(), all.begin() + 400});
        older.append({all.begin() + 350, all.begin() + 600}); // repeats skipped
    });
    builder.join();
    QCOMPARE(older.size(), size_t(600));
    model.addPings(reversed({all.begin() + 800, all.end()})); // live, meanwhile
    QSignalSpy changed(&model, &TrafficModel::bucketsChanged);
    model.adoptOlder(std::move(older));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.entryCount(), qint64(all.size()));
    QCOMPARE(model.docTypes(), reference.docTypes());
    QCOMPARE(model.rowCount(), reference.rowCount());
    QCOMPARE(model.columnCount(), reference.columnCount());
    QCOMPARE(allValues(model), allValues(reference));
}

// Re-validation changes verdicts of pings already held: the Invalid and Duplicates series follow.
void TestTrafficModel::updatesFromRevalidation()
{
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<PingRecord> pings = firefoxEsrSession();
    model.addPings(pings);
    QCOMPARE(model.invalid(0), 0);
    QCOMPARE(model.invalid(15), 1);
    QCOMPARE(model.duplicates(15), 1);
    QSignalSpy changed(&model, &TrafficModel::bucketsChanged);
    // Every ping of the first second becomes unregistered; the not-json one stays as it was;
    // the re-sent baseline loses its duplicate warning.
    std::vector<PingRecord> updates;
    for (const PingRecord &r : pings) {
        PingRecord u = r;
        if (r.receivedAtUs < model.bucketStartUs(1) && r.verdict != u"refused"_s) {
            u.verdict = u"unregistered"_s;
            updates.push_back(u);
        } else if (r.warningsJson.contains("duplicate-doc-id")) {
            u.warningsJson = "[]";
            updates.push_back(u);
        }
    }
    QVERIFY(updates.size() >= 8);
    model.updatePings(updates);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.invalid(0), 7);
    QCOMPARE(model.requests(0), 7);
    QCOMPARE(model.invalid(15), 1);
    QCOMPARE(model.duplicates(15), 0);
    // Nothing changes: no recomputation.
    model.updatePings(updates);
    QCOMPARE(changed.size(), 1);
}

void TestTrafficModel::firefoxCaptures()
{
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const std::vector<PingRecord> pings = firefoxEsrSession();
    QCOMPARE(pings.size(), size_t(26));
    model.addPings(pings);

    // 02:19:25.192 to 02:19:55.269: 1 s buckets (31 of them) from 02:19:25.
    QVERIFY(model.followsSession());
    QCOMPARE(model.bucketWidthUs(), kSecondUs);
    QCOMPARE(model.rowCount(), 31);
    const qint64 t0 = utcUs(u"2026-11-23T02:19:25.000Z"_s);
    QCOMPARE(model.bucketStartUs(0), t0);
    QCOMPARE(model.index(3, TrafficModel::BucketStart).data(TrafficModel::ValueRole).toLongLong(),
             t0 + 3 * kSecondUs);
    QCOMPARE(model.index(3, 5).data(TrafficModel::BucketEndUsRole).toLongLong(), t0 + 4 * kSecondUs);
    QCOMPARE(model.entryCount(), 26);
    // In order of first arrival; the refused request's "crash" is not a doc type.
    QCOMPARE(model.docTypes(),
             (QStringList{u"addons"_s, u"new-profile"_s, u"newtab"_s, u"nimbus-targeting-context"_s,
                          u"baseline"_s, u"usage-reporting"_s, u"health"_s, u"messaging-system"_s,
                          u"newtab-content"_s, u"main"_s, u"events"_s}));
    QCOMPARE(model.columnCount(), TrafficModel::FirstDocTypeColumn + 11 * 3);

    // From the captures' meta files: received_at and body_bytes_decoded.
    const QList<BucketTotals> totals = {
        {0, 7, 0, 0, 0},  {1, 2, 0, 0, 0},  {3, 1, 0, 0, 0},  {5, 1, 0, 0, 1},  {15, 2, 1, 1, 0},
        {16, 1, 0, 0, 0}, {27, 3, 0, 0, 0}, {28, 8, 0, 0, 0}, {30, 1, 0, 0, 0},
    };
    const QList<DocTypeCell> cells = {
        {0, u"addons"_s, 1, 3182, 3182},
        {0, u"new-profile"_s, 1, 6353, 6353},
        {0, u"newtab"_s, 1, 1106, 1106},
        {0, u"nimbus-targeting-context"_s, 1, 4093, 4093},
        {0, u"baseline"_s, 1, 839, 839},
        {0, u"usage-reporting"_s, 1, 447, 447},
        {0, u"health"_s, 1, 1084, 1084},
        {1, u"messaging-system"_s, 2, 764.5, 770},
        {3, u"newtab-content"_s, 1, 273, 273},
        // The re-sent baseline (839 bytes, a duplicate) and the 8-byte "not json" (invalid).
        {15, u"baseline"_s, 2, 423.5, 839},
        {16, u"main"_s, 1, 14350, 14350},
        {27, u"events"_s, 1, 8609, 8609},
        {27, u"baseline"_s, 1, 884, 884},
        {27, u"usage-reporting"_s, 1, 447, 447},
        {28, u"newtab"_s, 1, 954, 954},
        {28, u"nimbus-targeting-context"_s, 1, 4093, 4093},
        {28, u"baseline"_s, 1, 909, 909},
        {28, u"usage-reporting"_s, 1, 447, 447},
        {28, u"messaging-system"_s, 2, 764.5, 770},
        {28, u"addons"_s, 1, 3577, 3577},
        {28, u"health"_s, 1, 1618, 1618},
        {30, u"newtab-content"_s, 1, 273, 273},
    };
    checkBuckets(model, totals, cells);
    if (QTest::currentTestFailed())
        return;

    // The same pings again (the window re-reads a batch): already held, nothing changes.
    QSignalSpy changed(&model, &TrafficModel::bucketsChanged);
    model.addPings(pings);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(model.entryCount(), 26);

    // Zoomed on 02:19:52-02:19:54: still 1 s buckets, aligned.
    model.setRange(utcUs(u"2026-11-23T02:19:52.500Z"_s), utcUs(u"2026-11-23T02:19:54.000Z"_s));
    QVERIFY(!model.followsSession());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.bucketStartUs(0), t0 + 27 * kSecondUs);
    checkBuckets(model, {{0, 3, 0, 0, 0}, {1, 8, 0, 0, 0}},
                 {{0, u"events"_s, 1, 8609, 8609},
                  {0, u"baseline"_s, 1, 884, 884},
                  {0, u"usage-reporting"_s, 1, 447, 447},
                  {1, u"newtab"_s, 1, 954, 954},
                  {1, u"nimbus-targeting-context"_s, 1, 4093, 4093},
                  {1, u"baseline"_s, 1, 909, 909},
                  {1, u"usage-reporting"_s, 1, 447, 447},
                  {1, u"messaging-system"_s, 2, 764.5, 770},
                  {1, u"addons"_s, 1, 3577, 3577},
                  {1, u"health"_s, 1, 1618, 1618}});
    QCOMPARE(model.index(1, TrafficModel::column(7, TrafficModel::MedianSize)).data().toString(),
             QLocale().toString(764.5, 'f', 1));
    QCOMPARE(
        model.headerData(TrafficModel::column(7, TrafficModel::MedianSize), Qt::Horizontal, Qt::DisplayRole)
            .toString(),
        u"messaging-system median size"_s);
    model.setRange(0, 0);
    QCOMPARE(model.rowCount(), 31);
}

void TestTrafficModel::samplePingsInAFixedRange()
{
    const qint64 t0 = utcUs(u"2026-11-23T00:00:00.000Z"_s);
    const QByteArray uuid = "0000000%1-0000-4000-8000-000000000000";
    auto glean = [&](const QString &file, const QByteArray &docType, int n, int second, bool gzipped) {
        const QByteArray body = readDataFile(u"sample-pings/"_s + file);
        return rawSubmission("/submit/org-mozilla-fenix/" + docType + "/1/" +
                                 QByteArray(uuid).replace("%1", QByteArray::number(n)),
                             {{"Content-Type", "application/json"}}, gzipped ? gzip(body) : body,
                             t0 + second * kSecondUs);
    };
    auto telemetry = [&](const QString &file, const QByteArray &docType, int n, int second) {
        return rawSubmission("/submit/telemetry/" + QByteArray(uuid).replace("%1", QByteArray::number(n)) +
                                 '/' + docType + "/Firefox/128.0/release/20240101000000?v=4",
                             {}, gzip(readDataFile(u"sample-pings/"_s + file)), t0 + second * kSecondUs);
    };
    const QList<RawSubmission> raws = {
        glean(u"glean-docs-baseline.json"_s, "baseline", 1, 1, true),
        glean(u"glean-docs-events.json"_s, "events", 2, 2, false),
        glean(u"glean-docs-deletion-request.json"_s, "deletion-request", 3, 20, true),
        glean(u"gleanjs-rally-deletion-request.json"_s, "deletion-request", 4, 25, false),
        glean(u"glean-docs-baseline.json"_s, "baseline", 1, 29, false), // re-sent: a duplicate
        glean(u"glean-docs-metrics-2019.json"_s, "metrics", 5, 40, true),
        // Not a whole ping (no client_info): fails the Glean schema (sample-pings/README.md).
        glean(u"glean-docs-server-knobs-fragment.json"_s, "metrics", 6, 44, false),
        telemetry(u"telemetry-event-ping.json"_s, "event", 7, 100),
        telemetry(u"telemetry-main-ping-with-events.json"_s, "main", 8, 110),
        telemetry(u"telemetry-sync-ping-with-events.json"_s, "sync", 9, 119),
    };
    const std::vector<PingRecord> pings = storedSummaries(raws, true);
    QCOMPARE(pings.size(), size_t(10));

    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // 20 minutes: 15 s buckets (10 s would need 120 of them plus one).
    model.setRange(t0, t0 + 20 * 60 * kSecondUs);
    QCOMPARE(model.rowCount(), 80);
    model.addPings(pings);
    QCOMPARE(model.bucketWidthUs(), 15 * kSecondUs);
    QCOMPARE(model.rowCount(), 80);
    QCOMPARE(model.docTypes(), (QStringList{u"baseline"_s, u"events"_s, u"deletion-request"_s, u"metrics"_s,
                                            u"event"_s, u"main"_s, u"sync"_s}));
    auto size = [](const QString &file) { return qint64(readDataFile(u"sample-pings/"_s + file).size()); };
    const qint64 knobs = size(u"glean-docs-server-knobs-fragment.json"_s);
    const qint64 metrics = size(u"glean-docs-metrics-2019.json"_s);
    const qint64 deletion = size(u"glean-docs-deletion-request.json"_s);
    const qint64 rally = size(u"gleanjs-rally-deletion-request.json"_s);
    const qint64 baseline = size(u"glean-docs-baseline.json"_s);
    checkBuckets(
        model, {{0, 2, 0, 0, 0}, {1, 3, 0, 1, 0}, {2, 2, 1, 0, 0}, {6, 1, 0, 0, 0}, {7, 2, 0, 0, 0}},
        {{0, u"baseline"_s, 1, double(baseline), baseline},
         {0, u"events"_s, 1, double(size(u"glean-docs-events.json"_s)), size(u"glean-docs-events.json"_s)},
         {1, u"deletion-request"_s, 2, double(deletion + rally) / 2, std::max(deletion, rally)},
         {1, u"baseline"_s, 1, double(baseline), baseline},
         {2, u"metrics"_s, 2, double(knobs + metrics) / 2, std::max(knobs, metrics)},
         {6, u"event"_s, 1, double(size(u"telemetry-event-ping.json"_s)),
          size(u"telemetry-event-ping.json"_s)},
         {7, u"main"_s, 1, double(size(u"telemetry-main-ping-with-events.json"_s)),
          size(u"telemetry-main-ping-with-events.json"_s)},
         {7, u"sync"_s, 1, double(size(u"telemetry-sync-ping-with-events.json"_s)),
          size(u"telemetry-sync-ping-with-events.json"_s)}});
    if (QTest::currentTestFailed())
        return;

    // Following the session instead: 00:00:01 to 00:01:59 in 1 s buckets.
    model.setRange(0, 0);
    QCOMPARE(model.bucketWidthUs(), kSecondUs);
    QCOMPARE(model.rowCount(), 119);
    QCOMPARE(model.bucketStartUs(0), t0 + kSecondUs);
    QCOMPARE(model.invalid(43), 1);
    QCOMPARE(model.duplicates(28), 1);
}

void TestTrafficModel::bucketWidthChoice_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<qint64>("width");
    const qint64 s = kSecondUs, min = 60 * s, h = 60 * min, day = 24 * h;
    QTest::addRow("nothing") << qint64(0) << s;
    QTest::addRow("30 s") << 30 * s << s;
    QTest::addRow("119 s") << 119 * s << s;
    QTest::addRow("119 s + 1 us") << 119 * s + 1 << 2 * s;
    QTest::addRow("5 min") << 5 * min << 5 * s;
    QTest::addRow("10 min") << 10 * min << 10 * s;
    QTest::addRow("20 min") << 20 * min << 15 * s;
    QTest::addRow("1 h") << h << min;
    QTest::addRow("8 h") << 8 * h << 5 * min;
    QTest::addRow("1 day") << day << 15 * min;
    QTest::addRow("1 week") << 7 * day << 2 * h;
    QTest::addRow("1 year") << 365 * day << 4 * day;
    QTest::addRow("2 years") << 2 * 365 * day << 7 * day;
    QTest::addRow("20 years") << 20 * 365 * day << 3 * 28 * day;
    QTest::addRow("119 x 8 weeks") << 119 * 56 * day << 56 * day;
}

void TestTrafficModel::bucketWidthChoice()
{
    QFETCH(qint64, span);
    QFETCH(qint64, width);
    QCOMPARE(TrafficModel::bucketWidthForSpan(span), width);
}

// Any range of a minute or more gets between about 50 and 120 aligned buckets covering it.
void TestTrafficModel::bucketCountsForRanges()
{
    std::mt19937_64 rng(42);
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const qint64 base = utcUs(u"2026-11-23T00:00:00.000Z"_s);
    for (int i = 0; i < 300; ++i) {
        const qint64 span = 119 * kSecondUs + qint64(rng() % quint64(400LL * 24 * 3600 * kSecondUs));
        const qint64 from = base + qint64(rng() % quint64(kSecondUs * 3600 * 24));
        model.setRange(from, from + span);
        const QByteArray what = "span " + QByteArray::number(span);
        QVERIFY2(model.rowCount() >= 47 && model.rowCount() <= TrafficModel::MaxBuckets, what.constData());
        QVERIFY2(model.bucketStartUs(0) <= from, what.constData());
        QVERIFY2(model.bucketStartUs(0) % model.bucketWidthUs() == 0, what.constData());
        QVERIFY2(model.bucketStartUs(model.rowCount() - 1) + model.bucketWidthUs() >= from + span,
                 what.constData());
        QVERIFY2(model.bucketStartUs(model.rowCount() - 1) < from + span, what.constData());
    }
}

void TestTrafficModel::liveAppends()
{
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy rows(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy columns(&model, &QAbstractItemModel::columnsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    const qint64 t0 = utcUs(u"2026-11-23T10:00:00.000Z"_s);

    model.addPings({ping(1, t0 + 100'000, u"baseline"_s, 300)});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(resets.count(), 1); // the first layout
    resets.clear();

    // Same bucket, same doc type: one dataChanged of that row.
    model.addPings(
        reversed({ping(2, t0 + 200'000, u"baseline"_s, 100), ping(3, t0 + 300'000, u"baseline"_s, 200)}));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(rows.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed[0][0].value<QModelIndex>().row(), 0);
    QCOMPARE(model.count(0, 0), 3);
    QCOMPARE(model.medianSize(0, 0), 200.0);
    QCOMPARE(model.maxSize(0, 0), 300);

    // A new doc type 3 s later: three columns, three rows at the end, no reset.
    changed.clear();
    model.addPings({ping(4, t0 + 3 * kSecondUs + 5, u"metrics"_s, 5000, u"invalid"_s)});
    QCOMPARE(resets.count(), 0);
    QCOMPARE(columns.count(), 1);
    QCOMPARE(columns[0][1].toInt(), TrafficModel::FirstDocTypeColumn + 3);
    QCOMPARE(columns[0][2].toInt(), TrafficModel::FirstDocTypeColumn + 5);
    QCOMPARE(rows.count(), 1);
    QCOMPARE(rows[0][1].toInt(), 1);
    QCOMPARE(rows[0][2].toInt(), 3);
    QCOMPARE(changed.count(), 0); // the new ping is in a new row only
    QCOMPARE(model.count(3, 1), 1);
    QCOMPARE(model.invalid(3), 1);
    QCOMPARE(model.count(0, 1), 0);
    QVERIFY(std::isnan(model.medianSize(0, 1)));

    // A refused request: its own series, no doc type.
    model.addPings({ping(5, t0 + 3 * kSecondUs + 10, u"crash"_s, 70, u"refused"_s)});
    QCOMPARE(model.docTypes(), (QStringList{u"baseline"_s, u"metrics"_s}));
    QCOMPARE(model.refused(3), 1);
    QCOMPARE(model.requests(3), 2);
    QCOMPARE(model.invalid(3), 1);

    // Past 120 s the width doubles: a reset, then the same values in 2 s buckets.
    model.addPings({ping(6, t0 + 150 * kSecondUs, u"baseline"_s, 10)});
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.bucketWidthUs(), 2 * kSecondUs);
    QCOMPARE(model.rowCount(), 76);
    QCOMPARE(model.count(0, 0), 3);
    QCOMPARE(model.count(1, 1), 1);
    QCOMPARE(model.refused(1), 1);
    QCOMPARE(model.count(75, 0), 1);

    // Fed all at once, a model ends up the same.
    TrafficModel once;
    once.addPings(
        reversed({ping(1, t0 + 100'000, u"baseline"_s, 300), ping(2, t0 + 200'000, u"baseline"_s, 100),
                  ping(3, t0 + 300'000, u"baseline"_s, 200),
                  ping(4, t0 + 3 * kSecondUs + 5, u"metrics"_s, 5000, u"invalid"_s),
                  ping(5, t0 + 3 * kSecondUs + 10, u"crash"_s, 70, u"refused"_s),
                  ping(6, t0 + 150 * kSecondUs, u"baseline"_s, 10)}));
    QCOMPARE(allValues(model), allValues(once));
}

// Received times need not ascend with ids (several ingest threads): batches in any order give
// the buckets of one batch.
void TestTrafficModel::outOfOrderTimesMatchOneBatch()
{
    std::mt19937 rng(9);
    const qint64 t0 = utcUs(u"2026-11-23T10:00:00.000Z"_s);
    const QString types[] = {u"baseline"_s, u"metrics"_s, u"events"_s, QString()};
    const QString verdicts[] = {u"valid"_s, u"valid"_s, u"invalid"_s, u"refused"_s, u"not-json"_s};
    std::vector<PingRecord> all;
    for (qint64 id = 1; id <= 3000; ++id) {
        PingRecord r = ping(id, t0 + id * 20'000 + qint64(rng() % 3'000'000), types[rng() % 4],
                            qint64(rng() % 5000), verdicts[rng() % 5]);
        if (rng() % 7 == 0)
            r.warningsJson = R"([{"kind":"duplicate-doc-id","message":"docId x was already received"}])";
        else if (rng() % 7 == 0)
            r.warningsJson = R"([{"kind":"seq","message":"not a duplicate-doc-id"}])"; // mentions it only
        all.push_back(r);
    }
    TrafficModel live;
    QAbstractItemModelTester tester(&live, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (size_t at = 0; at < all.size();) {
        const size_t n = std::min(all.size() - at, size_t(1 + rng() % 200));
        live.addPings(
            reversed(std::vector<PingRecord>(all.begin() + ptrdiff_t(at), all.begin() + ptrdiff_t(at + n))));
        at += n;
    }
    TrafficModel once;
    once.addPings(reversed(all));
    QCOMPARE(live.rowCount(), once.rowCount());
    QCOMPARE(live.docTypes(), once.docTypes());
    QCOMPARE(allValues(live), allValues(once));

    // A reference count, written independently: duplicates and refused over every bucket.
    qint64 dup = 0, refused = 0, invalid = 0;
    for (const PingRecord &r : all) {
        const bool isRefused = r.verdict == u"refused"_s;
        refused += isRefused;
        invalid += !isRefused && (r.verdict == u"invalid"_s || r.verdict == u"not-json"_s);
        dup += !isRefused && r.warningsJson.contains(R"("kind":"duplicate-doc-id")");
    }
    qint64 gotDup = 0, gotRefused = 0, gotInvalid = 0, gotRequests = 0;
    for (int row = 0; row < once.rowCount(); ++row) {
        gotDup += once.duplicates(row);
        gotRefused += once.refused(row);
        gotInvalid += once.invalid(row);
        gotRequests += once.requests(row);
    }
    QCOMPARE(gotDup, dup);
    QCOMPARE(gotRefused, refused);
    QCOMPARE(gotInvalid, invalid);
    QCOMPARE(gotRequests, qint64(all.size()));
}

void TestTrafficModel::deferredUpdates()
{
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDeferred(true);
    const qint64 t0 = utcUs(u"2026-11-23T10:00:00.000Z"_s);
    QSignalSpy changed(&model, &TrafficModel::bucketsChanged);
    model.addPings({ping(1, t0, u"baseline"_s)});
    model.addPings({ping(2, t0 + 4 * kSecondUs, u"metrics"_s)});
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.isStale());
    QCOMPARE(changed.count(), 0);
    model.recompute();
    QVERIFY(!model.isStale());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.count(0, 0), 1);
    QCOMPARE(model.count(4, 1), 1);
    model.addPings({ping(3, t0 + 4 * kSecondUs + 1, u"metrics"_s)});
    QCOMPARE(model.count(4, 1), 1);
    model.setDeferred(false); // catches up
    QCOMPARE(model.count(4, 1), 2);
}

void TestTrafficModel::clearAndHeaders()
{
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const qint64 t0 = utcUs(u"2026-11-23T10:00:00.000Z"_s);
    model.addPings(reversed({ping(1, t0, u"baseline"_s), ping(2, t0, QString(), 10, u"bad-path"_s)}));
    QCOMPARE(model.headerData(TrafficModel::Invalid, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"Invalid"_s);
    QCOMPARE(model.headerData(TrafficModel::column(1, TrafficModel::Count), Qt::Horizontal, Qt::DisplayRole)
                 .toString(),
             u"(no doc type)"_s);
    QCOMPARE(model
                 .headerData(TrafficModel::column(1, TrafficModel::Count), Qt::Horizontal,
                             TrafficModel::DocTypeRole)
                 .toString(),
             QString());
    QCOMPARE(model.headerData(TrafficModel::column(0, TrafficModel::MaxSize), Qt::Horizontal, Qt::DisplayRole)
                 .toString(),
             u"baseline max size"_s);
    QCOMPARE(model.index(0, TrafficModel::column(0, TrafficModel::Count))
                 .data(TrafficModel::DocTypeRole)
                 .toString(),
             u"baseline"_s);
    QCOMPARE(model.invalid(0), 1);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.clear();
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(TrafficModel::FirstDocTypeColumn));
    QVERIFY(model.docTypes().isEmpty());
    QCOMPARE(model.entryCount(), 0);
    // A new store starts its ids at 1 again.
    model.addPings({ping(1, t0 + 7, u"events"_s)});
    QCOMPARE(model.docTypes(), QStringList{u"events"_s});
    QCOMPARE(model.rowCount(), 1);
}

QTEST_GUILESS_MAIN(TestTrafficModel)
#include "tst_trafficmodel.moc"
