// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "pingtablemodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QDateTime>
#include <QGuiApplication>
#include <QIcon>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <random>
#include <thread>

using namespace pingscope;
using namespace Qt::StringLiterals;

namespace {

using Model = PingTableModel;

constexpr qint64 kBaseUs = 1714566896789123; // 2024-05-01 12:34:56.789123 UTC

PingRecord record(qint64 id, const QString &ns, const QString &docType, const QString &verdict,
                  int errors = 0)
{
    PingRecord r;
    r.id = id;
    r.receivedAtUs = kBaseUs + id * 1000;
    r.ns = ns;
    r.docType = docType;
    r.docVersion = u"1"_s;
    r.verdict = verdict;
    r.errorCount = errors;
    r.docId = u"%1-a20e-4a8d-81a8-a11b44f1c75c"_s.arg(0xe8067600 + id, 8, 16, QChar(u'0'));
    r.clientId = u"c0ffee00-0000-4000-8000-00000000000%1"_s.arg(id % 3);
    r.seq = id;
    r.bodyBytes = 400 + id;
    r.decodedBytes = 800 + id;
    return r;
}

std::vector<PingRecord> newestFirst(std::vector<PingRecord> oldestFirst)
{
    std::reverse(oldestFirst.begin(), oldestFirst.end());
    return oldestFirst;
}

QList<qint64> shownIds(const Model &model)
{
    QList<qint64> out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.idAt(row));
    return out;
}

// ---- a reference implementation, written independently of the model's storage

int textCompare(const QString &a, const QString &b)
{
    if (a.isEmpty() != b.isEmpty())
        return a.isEmpty() ? -1 : 1;
    const int c = a.toLower().compare(b.toLower());
    return c != 0 ? c : a.compare(b);
}

int sign(qint64 v)
{
    return v < 0 ? -1 : (v > 0 ? 1 : 0);
}

int naturalCompare(const QString &a, const QString &b)
{
    if (a.isEmpty() != b.isEmpty())
        return a.isEmpty() ? -1 : 1;
    bool na = false, nb = false;
    const qlonglong x = a.toLongLong(&na), y = b.toLongLong(&nb);
    if (na != nb)
        return na ? -1 : 1;
    if (na && x != y)
        return x < y ? -1 : 1;
    return textCompare(a, b);
}

int referenceCompare(int column, const PingRecord &a, const PingRecord &b)
{
    switch (column) {
    case Model::Received:
        return sign(a.receivedAtUs - b.receivedAtUs);
    case Model::Namespace:
        return textCompare(a.ns, b.ns);
    case Model::DocType:
        return textCompare(a.docType, b.docType);
    case Model::Version:
        return naturalCompare(a.docVersion, b.docVersion);
    case Model::Verdict: {
        const bool pa = verdict::isProblem(a.verdict), pb = verdict::isProblem(b.verdict);
        if (pa != pb)
            return pa ? 1 : -1;
        const int c = textCompare(a.verdict, b.verdict);
        return c != 0 ? c : sign(a.errorCount - b.errorCount);
    }
    case Model::DebugTag:
        return textCompare(a.debugId, b.debugId);
    case Model::SourceTags:
        return textCompare(a.sourceTags, b.sourceTags);
    case Model::Seq:
        return sign(a.seq - b.seq);
    case Model::DocId:
        return sign(a.docId.compare(b.docId));
    case Model::Size:
        return a.bodyBytes != b.bodyBytes ? sign(a.bodyBytes - b.bodyBytes)
                                          : sign(a.decodedBytes - b.decodedBytes);
    case Model::ClientId:
        return textCompare(a.clientId, b.clientId);
    }
    return 0;
}

bool referenceMatch(const PingFilter &f, const PingRecord &r)
{
    const QString text = f.text.trimmed();
    if (!text.isEmpty()) {
        bool any = false;
        for (const QString *field : {&r.docId, &r.clientId, &r.ns, &r.docType, &r.debugId})
            any = any || field->contains(text, Qt::CaseInsensitive);
        if (!any)
            return false;
    }
    if (!f.verdicts.isEmpty() && !f.verdicts.contains(r.verdict))
        return false;
    if (f.problemsOnly && !verdict::isProblem(r.verdict))
        return false;
    if ((!f.ns.isEmpty() && r.ns != f.ns) || (!f.docType.isEmpty() && r.docType != f.docType) ||
        (!f.debugTag.isEmpty() && r.debugId != f.debugTag))
        return false;
    if ((f.receivedFromUs != 0 && r.receivedAtUs < f.receivedFromUs) ||
        (f.receivedToUs != 0 && r.receivedAtUs >= f.receivedToUs))
        return false;
    if (f.duplicatesOnly && !r.warningsJson.contains(R"("kind":"duplicate-doc-id")"))
        return false;
    if (f.hideAutomation)
        for (const QString &tag : r.sourceTags.split(u','))
            if (tag.trimmed().compare(u"automation"_s, Qt::CaseInsensitive) == 0)
                return false;
    return true;
}

// What the model should show: `all` in arrival order (oldest first).
QList<qint64> referenceIds(const std::vector<PingRecord> &all, const PingFilter &f, int column,
                           Qt::SortOrder order)
{
    std::vector<const PingRecord *> rows;
    for (auto it = all.rbegin(); it != all.rend(); ++it) // newest first
        if (referenceMatch(f, *it))
            rows.push_back(&*it);
    if (column >= 0)
        std::stable_sort(rows.begin(), rows.end(), [&](const PingRecord *a, const PingRecord *b) {
            const int c = referenceCompare(column, *a, *b);
            return order == Qt::AscendingOrder ? c < 0 : c > 0;
        });
    QList<qint64> out;
    for (const PingRecord *r : rows)
        out.append(r->id);
    return out;
}

QString randomUuid(std::mt19937 &rng)
{
    static const char16_t hex[] = u"0123456789abcdef";
    QString s;
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            s += u'-';
        s += QChar(hex[rng() % 16]);
    }
    return s;
}

// Rows with few distinct values (many ties), mixed-case values, odd doc ids, duplicate doc
// ids, and received times far apart (which exercises the sort's long-key path).
std::vector<PingRecord> randomRecords(std::mt19937 &rng, qint64 firstId, int n)
{
    auto pick = [&rng](std::initializer_list<QString> values) {
        return *(values.begin() + rng() % values.size());
    };
    QStringList docIds; // for duplicates
    std::vector<PingRecord> out;
    for (qint64 id = firstId; id < firstId + n; ++id) {
        PingRecord r;
        r.id = id;
        const unsigned t = rng() % 20;
        r.receivedAtUs = t == 0   ? 0
                         : t == 1 ? (qint64(1) << 60) + qint64(rng() % 100)
                                  : kBaseUs + qint64(rng() % 200);
        r.ns = pick({u"firefox-desktop"_s, u"org-mozilla-fenix"_s, u"Glean"_s, u"glean"_s, u"telemetry"_s,
                     QString()});
        r.docType =
            pick({u"baseline"_s, u"metrics"_s, u"events"_s, u"Events"_s, u"main"_s, u"deletion-request"_s});
        r.docVersion = pick({u"1"_s, u"2"_s, u"10"_s, u"4"_s, QString(), u"x"_s});
        r.verdict = pick({u"valid"_s, u"valid"_s, u"parsed"_s, u"no-schema"_s, u"invalid"_s, u"not-json"_s,
                          u"bad-encoding"_s, u"bad-path"_s, u"refused"_s});
        r.errorCount = verdict::isProblem(r.verdict) ? int(rng() % 4) : 0;
        r.debugId = pick({QString(), QString(), u"peers-1"_s, u"Peers-1"_s, u"alpha"_s});
        r.sourceTags = pick({QString(), QString(), u"automation"_s, u"perf, Automation"_s, u"perf"_s});
        switch (rng() % 10) {
        case 0:
            r.docId = QString();
            break;
        case 1:
            r.docId = u"not-a-uuid"_s;
            break;
        case 2:
            r.docId = randomUuid(rng).toUpper();
            break;
        case 3:
            r.docId = docIds.isEmpty() ? u"{abc}"_s : docIds[int(rng() % docIds.size())];
            if (!docIds.isEmpty()) // as the store marks a doc id it saw before
                r.warningsJson = R"([{"kind":"duplicate-doc-id","message":"doc id seen before"}])";
            break;
        case 4:
            r.docId = u"{E8067695-A20E-4A8D-81A8-A11B44F1C75C}"_s;
            break;
        default:
            r.docId = randomUuid(rng);
            docIds.append(r.docId);
        }
        r.clientId =
            pick({u"c0ffee00-0000-4000-8000-000000000001"_s, u"C0FFEE00-0000-4000-8000-000000000002"_s,
                  u"abcdef00-0000-4000-8000-000000000003"_s, QString()});
        r.seq = qint64(rng() % 8) - 1;
        r.bodyBytes = 100 + qint64(rng() % 5);
        if (rng() % 20 == 0) // a refused request's declared length: a long key for the sort
            r.bodyBytes = (qint64(1) << 49) + qint64(rng() % 4);
        r.decodedBytes = rng() % 3 == 0 ? -1 : r.bodyBytes * 2 + qint64(rng() % 3);
        if (id % 7 == 0 && r.warningsJson == "[]") // another warning that only names the kind
            r.warningsJson = R"([{"kind":"seq-skipped","message":"not a duplicate-doc-id"}])";
        out.push_back(r);
    }
    return out;
}

const char *columnName(int column)
{
    static const char *names[] = {"received",   "namespace", "doctype", "version", "verdict", "debugtag",
                                  "sourcetags", "seq",       "docid",   "size",    "clientid"};
    return names[column];
}

PingFilter someFilter()
{
    PingFilter f;
    f.hideAutomation = true;
    f.verdicts = {u"valid"_s, u"invalid"_s, u"not-json"_s, u"no-schema"_s};
    return f;
}

} // namespace

Q_DECLARE_METATYPE(pingscope::PingFilter)

class TestPingTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchesInsertOnce();
    void displayAndRoles_data();
    void displayAndRoles();
    void missingValues();
    void decorationAndColours();
    void filters_data();
    void filters();
    void filterCombinationsMatchReference_data();
    void filterCombinationsMatchReference();
    void sortColumns_data();
    void sortColumns();
    void liveRowsWhileFilteredAndSorted_data();
    void liveRowsWhileFilteredAndSorted();
    void newestOnTopIsOneInsertion();
    void persistentIndexesFollowRows();
    void clearKeepsFilterAndSort();
    void countsAndDistinctValues();
    void rowLookups();
    void receivedRangeWithLiveRows();
    void updatesFromRevalidation();
    void adoptOlderRowsBuiltElsewhere();
    void dropOldestKeepsTheRest();
};

// Re-validation changes the verdicts of rows already held: counts follow, a filter on problems
// shows and hides them, a sort by verdict reorders them, and the selected row stays selected.
void TestPingTableModel::updatesFromRevalidation()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addPings(newestFirst(
        {record(1, u"app"_s, u"a"_s, u"unregistered"_s, 1), record(2, u"app"_s, u"b"_s, u"valid"_s),
         record(3, u"app"_s, u"c"_s, u"unregistered"_s, 1), record(4, u"app"_s, u"d"_s, u"valid"_s)}));
    QCOMPARE(model.problemCount(), 2);
    QPersistentModelIndex selected = model.index(model.rowOfId(3), 0);
    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy repaints(&model, &QAbstractItemModel::dataChanged);

    // No filter, arrival order: a repaint, no layout change.
    PingRecord fixed = record(1, u"app"_s, u"a"_s, u"valid"_s);
    model.updatePings({fixed, record(99, u"app"_s, u"zz"_s, u"valid"_s)}); // 99 is not held: ignored
    QCOMPARE(model.problemCount(), 1);
    QCOMPARE(layouts.size(), 0);
    QCOMPARE(repaints.size(), 1);
    QCOMPARE(model.index(model.rowOfId(1), 0).data(PingTableModel::VerdictRole).toString(), u"valid"_s);
    model.updatePings({fixed}); // nothing changes: nothing emitted
    QCOMPARE(repaints.size(), 1);

    // Problems only: a row that becomes a problem appears, one that stops being one goes.
    model.setProblemsOnly(true);
    QCOMPARE(shownIds(model), QList<qint64>{3});
    layouts.clear();
    model.updatePings(
        {record(2, u"app"_s, u"b"_s, u"rejected"_s, 1), record(3, u"app"_s, u"c"_s, u"valid"_s)});
    QCOMPARE(layouts.size(), 1);
    QCOMPARE(shownIds(model), QList<qint64>{2});
    QCOMPARE(model.problemCount(), 1);
    QVERIFY(!selected.isValid()); // its row is filtered out now
    model.setProblemsOnly(false);

    // Sorted by verdict: the rows move, the selection with them.
    model.sort(PingTableModel::Verdict, Qt::AscendingOrder);
    selected = model.index(model.rowOfId(4), 0);
    model.updatePings({record(4, u"app"_s, u"d"_s, u"dropped"_s, 1)});
    QVERIFY(selected.isValid());
    QCOMPARE(model.idAt(selected.row()), 4);
    QCOMPARE(model.index(model.rowCount() - 1, 0).data(PingTableModel::ProblemRole).toBool(), true);
    QCOMPARE(model.problemCount(), 2);
}

// The time range of the traffic charts: rows arriving later pass or not by their own time,
// sorted or not, and the setter changes only that part of the filter.
void TestPingTableModel::receivedRangeWithLiveRows()
{
    std::mt19937 rng(3);
    std::vector<PingRecord> all = randomRecords(rng, 1, 200);
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addPings(newestFirst(all));
    model.setProblemsOnly(true);
    model.setReceivedRange(kBaseUs + 40, kBaseUs + 160);
    QCOMPARE(model.filter().problemsOnly, true);
    QCOMPARE(model.filter().receivedFromUs, kBaseUs + 40);
    QCOMPARE(model.filter().receivedToUs, kBaseUs + 160);
    QVERIFY(!model.filter().isEmpty());
    QList<qint64> expected = referenceIds(all, model.filter(), -1, Qt::AscendingOrder);
    QVERIFY(!expected.isEmpty());
    QCOMPARE(shownIds(model), expected);
    for (int batch = 0; batch < 4; ++batch) {
        if (batch == 2)
            model.sort(Model::Received, Qt::DescendingOrder);
        std::vector<PingRecord> rows = randomRecords(rng, qint64(all.size()) + 1, 30);
        all.insert(all.end(), rows.begin(), rows.end());
        model.addPings(newestFirst(rows));
        QCOMPARE(shownIds(model), referenceIds(all, model.filter(), model.sortColumn(), model.sortOrder()));
    }
    // An open end.
    model.setReceivedRange(0, kBaseUs + 100);
    QCOMPARE(shownIds(model), referenceIds(all, model.filter(), Model::Received, Qt::DescendingOrder));
    model.setReceivedRange(0, 0);
    model.setProblemsOnly(false);
    QVERIFY(model.filter().isEmpty());
    QCOMPARE(model.rowCount(), int(all.size()));
}

void TestPingTableModel::batchesInsertOnce()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy counts(&model, &Model::countsChanged);

    std::vector<PingRecord> first, second;
    for (qint64 id = 1; id <= 10; ++id)
        first.push_back(record(id, u"app"_s, u"baseline"_s, id % 4 == 0 ? u"not-json"_s : u"valid"_s));
    for (qint64 id = 11; id <= 15; ++id)
        second.push_back(record(id, u"app"_s, u"metrics"_s, id % 4 == 0 ? u"invalid"_s : u"valid"_s, 2));
    model.addPings(newestFirst(first));
    model.addPings(newestFirst(second));
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 9);
    QCOMPARE(inserted.at(1).at(1).toInt(), 0);
    QCOMPARE(inserted.at(1).at(2).toInt(), 4);
    QCOMPARE(layouts.count(), 0);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(counts.count(), 2);
    QCOMPARE(model.rowCount(), 15);
    QCOMPARE(model.idAt(0), 15);
    QCOMPARE(model.idAt(14), 1);
    QCOMPARE(model.newestId(), 15);
    QCOMPARE(model.totalCount(), 15);
    QCOMPARE(model.visibleCount(), 15);
    QCOMPARE(model.problemCount(), 3); // 4, 8, 12

    // Already held (a refresh that overlaps): nothing happens.
    model.addPings(newestFirst(second));
    model.addPings({});
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(counts.count(), 2);
    QCOMPARE(model.totalCount(), 15);
}

void TestPingTableModel::displayAndRoles_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("role");
    QTest::addColumn<QVariant>("expected");

    const QLocale locale;
    const QDateTime received = QDateTime::fromMSecsSinceEpoch(kBaseUs / 1000);
    const QString uuid = u"e8067695-a20e-4a8d-81a8-a11b44f1c75c"_s;
    const QString client = u"4c4d7ec2-4f4b-4d3c-9a4f-2b1c0e9d8f7a"_s;
    auto add = [](const char *name, int column, int role, const QVariant &expected) {
        QTest::addRow("%s", name) << column << role << expected;
    };
    add("received", Model::Received, Qt::DisplayRole, received.toString(u"HH:mm:ss.zzz"_s));
    add("namespace", Model::Namespace, Qt::DisplayRole, u"firefox-desktop"_s);
    add("doctype", Model::DocType, Qt::DisplayRole, u"baseline"_s);
    add("version", Model::Version, Qt::DisplayRole, u"1"_s);
    add("verdict", Model::Verdict, Qt::DisplayRole, u"invalid (3)"_s);
    add("debugtag", Model::DebugTag, Qt::DisplayRole, u"peers-1"_s);
    add("sourcetags", Model::SourceTags, Qt::DisplayRole, u"automation,perf"_s);
    add("seq", Model::Seq, Qt::DisplayRole, u"42"_s);
    add("docid", Model::DocId, Qt::DisplayRole, u"e8067695"_s);
    add("size", Model::Size, Qt::DisplayRole,
        u"%1 / %2"_s.arg(locale.formattedDataSize(490), locale.formattedDataSize(839)));
    add("clientid", Model::ClientId, Qt::DisplayRole, u"4c4d7ec2"_s);

    add("docid tooltip", Model::DocId, Qt::ToolTipRole, uuid);
    add("clientid tooltip", Model::ClientId, Qt::ToolTipRole, client);
    add("size tooltip", Model::Size, Qt::ToolTipRole,
        u"%1 bytes on the wire, %2 bytes decoded"_s.arg(locale.toString(490), locale.toString(839)));
    add("verdict tooltip", Model::Verdict, Qt::ToolTipRole, u"invalid, 3 error(s)"_s);
    add("received tooltip", Model::Received, Qt::ToolTipRole,
        QString(received.toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) +
                u"123 local time\n2024-05-01 12:34:56.789123 UTC"_s));

    add("id", Model::Seq, Model::IdRole, qint64(7));
    add("received us", Model::Namespace, Model::ReceivedUsRole, kBaseUs);
    add("verdict raw", Model::DocId, Model::VerdictRole, u"invalid"_s);
    add("errors", Model::Size, Model::ErrorCountRole, 3);
    add("problem", Model::Received, Model::ProblemRole, true);
    add("docid raw", Model::Received, Model::DocIdRole, uuid);
    add("clientid raw", Model::Received, Model::ClientIdRole, client);
    add("sort received", Model::Received, Model::SortRole, kBaseUs);
    add("sort size", Model::Size, Model::SortRole, qint64(490));
    add("sort seq", Model::Seq, Model::SortRole, qint64(42));
    add("sort namespace", Model::Namespace, Model::SortRole, u"firefox-desktop"_s);
    add("sort docid", Model::DocId, Model::SortRole, uuid);

    add("seq tooltip", Model::Seq, Qt::ToolTipRole, u"ping_info.seq 42"_s);
    add("namespace tooltip", Model::Namespace, Qt::ToolTipRole, u"firefox-desktop"_s);
    add("seq aligned right", Model::Seq, Qt::TextAlignmentRole, int(Qt::AlignRight | Qt::AlignVCenter));
    add("namespace not aligned", Model::Namespace, Qt::TextAlignmentRole, QVariant());
}

void TestPingTableModel::displayAndRoles()
{
    QFETCH(int, column);
    QFETCH(int, role);
    QFETCH(QVariant, expected);

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PingRecord r = record(7, u"firefox-desktop"_s, u"baseline"_s, u"invalid"_s, 3);
    r.receivedAtUs = kBaseUs;
    r.debugId = u"peers-1"_s;
    r.sourceTags = u"automation,perf"_s;
    r.seq = 42;
    r.docId = u"e8067695-a20e-4a8d-81a8-a11b44f1c75c"_s;
    r.clientId = u"4c4d7ec2-4f4b-4d3c-9a4f-2b1c0e9d8f7a"_s;
    r.bodyBytes = 490;
    r.decodedBytes = 839;
    model.addPings({r});

    const QVariant actual = model.data(model.index(0, column), role);
    QCOMPARE(actual, expected);
}

void TestPingTableModel::missingValues()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PingRecord r = record(1, u"app"_s, u"baseline"_s, u"bad-path"_s);
    r.docId = u"not-a-uuid"_s;
    r.seq = -1;
    r.decodedBytes = -1;
    r.debugId.clear();
    PingRecord same = record(2, u"app"_s, u"baseline"_s, u"valid"_s);
    same.docId.clear();
    same.clientId.clear();
    same.decodedBytes = same.bodyBytes;
    model.addPings({same, r});
    const QLocale locale;
    auto cell = [&model](qint64 id, int column, int role = Qt::DisplayRole) {
        return model.index(model.rowOfId(id), column).data(role);
    };
    QCOMPARE(cell(1, Model::DocId).toString(), u"not-a-uu"_s);
    QCOMPARE(cell(1, Model::DocId, Qt::ToolTipRole).toString(), u"not-a-uuid"_s);
    QCOMPARE(cell(1, Model::Seq).toString(), QString());
    QVERIFY(!cell(1, Model::Seq, Qt::ToolTipRole).isValid());
    QVERIFY(!cell(1, Model::DebugTag, Qt::ToolTipRole).isValid());
    QCOMPARE(cell(1, Model::Size).toString(), locale.formattedDataSize(401));
    QCOMPARE(cell(1, Model::Size, Qt::ToolTipRole).toString(),
             u"%1 bytes on the wire, not decoded"_s.arg(locale.toString(401)));
    QCOMPARE(cell(1, Model::Verdict).toString(), u"bad-path"_s);
    QCOMPARE(cell(2, Model::Size).toString(), locale.formattedDataSize(402));
    QCOMPARE(cell(2, Model::DocId).toString(), QString());
    QCOMPARE(cell(2, Model::ClientId).toString(), QString());
    QCOMPARE(cell(2, Model::DocIdRole).toString(), QString());
    QCOMPARE(model.flags(model.index(0, 0)),
             Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemNeverHasChildren);
    QCOMPARE(model.headerData(Model::Size, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"Size (wire / decoded)"_s);
}

void TestPingTableModel::decorationAndColours()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QStringList verdicts = {u"valid"_s, u"parsed"_s, u"no-schema"_s, u"invalid"_s, u"refused"_s};
    std::vector<PingRecord> rows;
    for (qsizetype i = 0; i < verdicts.size(); ++i)
        rows.push_back(record(i + 1, u"app"_s, u"baseline"_s, verdicts[i]));
    model.addPings(newestFirst(rows));
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex verdictCell = model.index(row, Model::Verdict);
        const QVariant decoration = verdictCell.data(Qt::DecorationRole);
        QCOMPARE(decoration.typeId(), qMetaTypeId<QIcon>());
        QVERIFY(!decoration.value<QIcon>().pixmap(16).isNull());
        QVERIFY(!model.index(row, Model::Namespace).data(Qt::DecorationRole).isValid());
        const QString v = verdictCell.data(Model::VerdictRole).toString();
        const QVariant foreground = verdictCell.data(Qt::ForegroundRole);
        QCOMPARE(foreground.isValid(), verdict::isProblem(v) || v == u"no-schema"_s);
        if (verdict::isProblem(v))
            QCOMPARE(foreground.value<QColor>(), QColor(0xc0, 0x1c, 0x28));
    }
    // Same class, same icon (cached): "invalid" and "refused" share the problem badge.
    const QIcon a = model.index(model.rowOfId(4), Model::Verdict).data(Qt::DecorationRole).value<QIcon>();
    const QIcon b = model.index(model.rowOfId(5), Model::Verdict).data(Qt::DecorationRole).value<QIcon>();
    QCOMPARE(a.cacheKey(), b.cacheKey());
}

void TestPingTableModel::filters_data()
{
    QTest::addColumn<PingFilter>("filter");
    QTest::addColumn<QList<qint64>>("expected");

    auto text = [](const QString &t) {
        PingFilter f;
        f.text = t;
        return f;
    };
    QTest::addRow("none") << PingFilter() << QList<qint64>{8, 7, 6, 5, 4, 3, 2, 1};
    QTest::addRow("doc id, upper case") << text(u"E8067603"_s) << QList<qint64>{3};
    QTest::addRow("doc id middle") << text(u"-a20e-4a8d-"_s) << QList<qint64>{7, 6, 5, 4, 3, 2, 1};
    QTest::addRow("odd doc id") << text(u"NOT-a-U"_s) << QList<qint64>{8};
    QTest::addRow("client id") << text(u"000000000002"_s) << QList<qint64>{8, 5, 2};
    QTest::addRow("namespace, spaces") << text(u"  FENIX "_s) << QList<qint64>{6, 5};
    QTest::addRow("text doctype, namespace") << text(u"metr"_s) << QList<qint64>{7, 4, 3}; // telemetry
    QTest::addRow("text debug tag") << text(u"PEERS"_s) << QList<qint64>{7};
    QTest::addRow("no match") << text(u"zzz"_s) << QList<qint64>{};
    QTest::addRow("verdict names not searched") << text(u"invalid"_s) << QList<qint64>{};

    PingFilter f;
    f.problemsOnly = true;
    QTest::addRow("problems") << f << QList<qint64>{8, 6, 3};
    f = {};
    f.verdicts = {u"valid"_s, u"not-json"_s};
    QTest::addRow("verdict set") << f << QList<qint64>{8, 7, 5, 4, 2, 1};
    f = {};
    f.ns = u"org-mozilla-fenix"_s;
    QTest::addRow("namespace") << f << QList<qint64>{6, 5};
    f.ns = u"ORG-mozilla-fenix"_s;
    QTest::addRow("namespace is exact") << f << QList<qint64>{};
    f = {};
    f.docType = u"metrics"_s;
    QTest::addRow("doctype") << f << QList<qint64>{4, 3};
    f = {};
    f.debugTag = u"peers-1"_s;
    QTest::addRow("debug tag") << f << QList<qint64>{7};
    f = {};
    f.hideAutomation = true;
    QTest::addRow("hide automation") << f << QList<qint64>{8, 6, 5, 4, 3, 1};
    f.problemsOnly = true;
    QTest::addRow("hide automation + problems") << f << QList<qint64>{8, 6, 3};
    f.ns = u"firefox-desktop"_s;
    QTest::addRow("+ namespace") << f << QList<qint64>{8, 3};
    f.text = u"e80676"_s;
    QTest::addRow("+ text") << f << QList<qint64>{3};
    f.docType = u"baseline"_s;
    QTest::addRow("+ doctype") << f << QList<qint64>{};

    // Received times are kBaseUs + id ms; the range is [from, to).
    f = {};
    f.receivedFromUs = kBaseUs + 6000;
    QTest::addRow("received from") << f << QList<qint64>{8, 7, 6};
    f = {};
    f.receivedToUs = kBaseUs + 3000;
    QTest::addRow("received before (end excluded)") << f << QList<qint64>{2, 1};
    f.receivedFromUs = kBaseUs + 2000;
    QTest::addRow("received range") << f << QList<qint64>{2};
    f.receivedFromUs = kBaseUs + 3000;
    QTest::addRow("empty range") << f << QList<qint64>{};
    f = {};
    f.receivedFromUs = kBaseUs + 3000;
    f.receivedToUs = kBaseUs + 7001;
    f.docType = u"metrics"_s;
    QTest::addRow("range + doctype") << f << QList<qint64>{4, 3};
    f.docType.clear();
    f.problemsOnly = true;
    QTest::addRow("range + problems") << f << QList<qint64>{6, 3};
}

void TestPingTableModel::filters()
{
    QFETCH(PingFilter, filter);
    QFETCH(QList<qint64>, expected);

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<PingRecord> rows = {
        record(1, u"firefox-desktop"_s, u"baseline"_s, u"valid"_s),
        record(2, u"firefox-desktop"_s, u"events"_s, u"valid"_s),
        record(3, u"firefox-desktop"_s, u"metrics"_s, u"invalid"_s, 2),
        record(4, u"glean"_s, u"metrics"_s, u"valid"_s),
        record(5, u"org-mozilla-fenix"_s, u"baseline"_s, u"valid"_s),
        record(6, u"org-mozilla-fenix"_s, u"events"_s, u"bad-path"_s),
        record(7, u"telemetry"_s, u"main"_s, u"valid"_s),
        record(8, u"firefox-desktop"_s, u"baseline"_s, u"not-json"_s),
    };
    rows[1].sourceTags = u"automation"_s;
    rows[6].sourceTags = u"perf, automation"_s;
    rows[6].debugId = u"peers-1"_s;
    rows[7].docId = u"not-a-uuid"_s;
    model.addPings(newestFirst(rows));

    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setFilter(filter);
    QCOMPARE(shownIds(model), expected);
    QCOMPARE(model.visibleCount(), expected.size());
    QCOMPARE(model.totalCount(), 8);
    QCOMPARE(layouts.count(), filter.isEmpty() ? 0 : 1);
    model.clearFilter();
    QCOMPARE(model.rowCount(), 8);
    QCOMPARE(resets.count(), 0);
}

void TestPingTableModel::filterCombinationsMatchReference_data()
{
    QTest::addColumn<PingFilter>("filter");
    PingFilter f;
    for (const QString &t : {u"glean"_s, u"EVENTS"_s, u"000000000002"_s, u"a"_s, u"-4"_s, u"{"_s})
        QTest::addRow("text %s", qPrintable(t))
            << PingFilter{t, {}, false, {}, {}, {}, false, {}, 0, 0, false};
    f.problemsOnly = true;
    f.hideAutomation = true;
    QTest::addRow("problems, no automation") << f;
    f.text = u"peers"_s;
    QTest::addRow("+ text") << f;
    f = someFilter();
    QTest::addRow("verdicts, no automation") << f;
    f.ns = u"Glean"_s;
    QTest::addRow("+ namespace") << f;
    f = {};
    f.docType = u"Events"_s;
    f.debugTag = u"Peers-1"_s;
    QTest::addRow("doctype + debug tag") << f;
    // Times are 0, kBaseUs + [0, 200) or 2^60 + [0, 100).
    f = {};
    f.receivedFromUs = kBaseUs + 50;
    f.receivedToUs = kBaseUs + 150;
    QTest::addRow("received range") << f;
    f = {};
    f.receivedFromUs = kBaseUs + 100;
    f.problemsOnly = true;
    QTest::addRow("received from + problems") << f;
    f = {};
    f.receivedToUs = kBaseUs + 1;
    QTest::addRow("received before") << f;
    f = {};
    f.duplicatesOnly = true;
    QTest::addRow("duplicates") << f;
    f.docType = u"baseline"_s;
    QTest::addRow("duplicates + doc type") << f;
}

void TestPingTableModel::filterCombinationsMatchReference()
{
    QFETCH(PingFilter, filter);
    std::mt19937 rng(7);
    const std::vector<PingRecord> all = randomRecords(rng, 1, 400);
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addPings(newestFirst(all));
    model.setFilter(filter);
    const QList<qint64> expected = referenceIds(all, filter, -1, Qt::AscendingOrder);
    QVERIFY(!expected.isEmpty());
    QCOMPARE(shownIds(model), expected);
    model.sort(Model::DocType, Qt::DescendingOrder);
    QCOMPARE(shownIds(model), referenceIds(all, filter, Model::DocType, Qt::DescendingOrder));
}

void TestPingTableModel::sortColumns_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<bool>("filtered");
    for (int column = 0; column < Model::ColumnCount; ++column)
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder})
            for (const bool filtered : {false, true})
                QTest::addRow("%s %s%s", columnName(column), order == Qt::AscendingOrder ? "asc" : "desc",
                              filtered ? " filtered" : "")
                    << column << order << filtered;
}

void TestPingTableModel::sortColumns()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(bool, filtered);

    std::mt19937 rng(uint(column * 2 + int(order)));
    const std::vector<PingRecord> all = randomRecords(rng, 1, 600);
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addPings(newestFirst(all));
    const PingFilter filter = filtered ? someFilter() : PingFilter();
    model.setFilter(filter);

    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    model.sort(column, order);
    QCOMPARE(layouts.count(), 1);
    QCOMPARE(layouts.at(0).at(1).value<QAbstractItemModel::LayoutChangeHint>(),
             QAbstractItemModel::VerticalSortHint);
    QCOMPARE(model.sortColumn(), column);
    QCOMPARE(model.sortOrder(), order);
    QCOMPARE(shownIds(model), referenceIds(all, filter, column, order));

    // Back to arrival order.
    model.sort(-1);
    QCOMPARE(shownIds(model), referenceIds(all, filter, -1, order));
}

void TestPingTableModel::liveRowsWhileFilteredAndSorted_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<bool>("filtered");
    for (int column : {-1, int(Model::Received), int(Model::Namespace), int(Model::Verdict),
                       int(Model::DocId), int(Model::Size), int(Model::Seq)})
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder})
            for (const bool filtered : {false, true})
                QTest::addRow("%s %s%s", column < 0 ? "arrival" : columnName(column),
                              order == Qt::AscendingOrder ? "asc" : "desc", filtered ? " filtered" : "")
                    << column << order << filtered;
}

void TestPingTableModel::liveRowsWhileFilteredAndSorted()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(bool, filtered);

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const PingFilter filter = filtered ? someFilter() : PingFilter();
    model.setFilter(filter);
    model.sort(column, order);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    std::mt19937 rng(uint(column + 100 * int(order) + (filtered ? 1000 : 0)));
    std::vector<PingRecord> all;
    qint64 nextId = 1;
    for (int batch = 0; batch < 25; ++batch) {
        const int n = batch == 0 ? 150 : 1 + int(rng() % 30); // the first is a "large" batch
        std::vector<PingRecord> rows = randomRecords(rng, nextId, n);
        nextId += n;
        all.insert(all.end(), rows.begin(), rows.end());
        const qsizetype signalsBefore = inserted.count() + layouts.count();
        model.addPings(newestFirst(rows));
        QVERIFY(inserted.count() + layouts.count() - signalsBefore <= 1); // one signal per batch
        QCOMPARE(shownIds(model), referenceIds(all, filter, column, order));
    }
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.totalCount(), qint64(all.size()));
}

void TestPingTableModel::newestOnTopIsOneInsertion()
{
    // Sorted newest first by time, new pings land on top: one rowsInserted, no layout change.
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<PingRecord> rows;
    for (qint64 id = 1; id <= 50; ++id)
        rows.push_back(record(id, u"app"_s, u"baseline"_s, u"valid"_s));
    model.addPings(newestFirst(rows));
    model.sort(Model::Received, Qt::DescendingOrder);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    rows.clear();
    for (qint64 id = 51; id <= 53; ++id)
        rows.push_back(record(id, u"app"_s, u"baseline"_s, u"valid"_s));
    model.addPings(newestFirst(rows));
    QCOMPARE(layouts.count(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2);
    QCOMPARE(model.idAt(0), 53);

    // Sorted by namespace, a batch spread over the list: one layout change.
    model.sort(Model::Namespace, Qt::AscendingOrder);
    inserted.clear();
    layouts.clear();
    rows = {record(54, u"aaa"_s, u"baseline"_s, u"valid"_s), record(55, u"zzz"_s, u"baseline"_s, u"valid"_s)};
    model.addPings(newestFirst(rows));
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(layouts.count(), 1);
    QCOMPARE(model.idAt(0), 54);
    QCOMPARE(model.idAt(model.rowCount() - 1), 55);
}

void TestPingTableModel::persistentIndexesFollowRows()
{
    std::mt19937 rng(11);
    std::vector<PingRecord> all = randomRecords(rng, 1, 300);
    for (PingRecord &r : all)
        if (r.id == 120 || r.id == 250) { // keep both through the filters below
            r.verdict = u"invalid"_s;
            r.sourceTags.clear();
            r.ns = u"glean"_s;
        }
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addPings(newestFirst(all));

    const QPersistentModelIndex a(model.index(model.rowOfId(120), Model::Version));
    const QPersistentModelIndex b(model.index(model.rowOfId(250), Model::DocId));
    auto check = [&](const char *step) {
        for (const auto &[p, id] : {std::pair{&a, qint64(120)}, std::pair{&b, qint64(250)}}) {
            QVERIFY2(p->isValid(), step);
            QCOMPARE(p->row(), model.rowOfId(id));
            QCOMPARE(p->data(Model::IdRole).toLongLong(), id);
        }
        QCOMPARE(a.column(), int(Model::Version));
        QCOMPARE(b.column(), int(Model::DocId));
    };
#define CHECK(step)                                                                                          \
    do {                                                                                                     \
        check(step);                                                                                         \
        if (QTest::currentTestFailed())                                                                      \
            return;                                                                                          \
    } while (false)
    CHECK("start");
    for (int column = 0; column < Model::ColumnCount; ++column) {
        model.sort(column, Qt::AscendingOrder);
        CHECK("sort asc");
        model.sort(column, Qt::DescendingOrder);
        CHECK("sort desc");
    }
    model.setProblemsOnly(true);
    CHECK("problems only");
    model.setHideAutomation(true);
    CHECK("hide automation");
    model.setNamespaceFilter(u"glean"_s);
    CHECK("namespace");

    // Appends while sorted and filtered, interleaved and not.
    qint64 nextId = 301;
    for (int batch = 0; batch < 10; ++batch) {
        std::vector<PingRecord> rows = randomRecords(rng, nextId, 20);
        nextId += 20;
        for (PingRecord &r : rows)
            if (r.id % 2 == 0) {
                r.ns = u"glean"_s;
                r.verdict = u"refused"_s;
                r.sourceTags.clear();
            }
        model.addPings(newestFirst(rows));
        CHECK("append");
    }
    model.sort(-1);
    model.addPings(newestFirst(randomRecords(rng, nextId, 20)));
    CHECK("append in arrival order");
    model.clearFilter();
    CHECK("filter cleared");

    model.setFilterText(u"no such text"_s);
    QVERIFY(!a.isValid());
    QVERIFY(!b.isValid());
#undef CHECK
}

void TestPingTableModel::clearKeepsFilterAndSort()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::mt19937 rng(5);
    model.addPings(newestFirst(randomRecords(rng, 1, 100)));
    model.setProblemsOnly(true);
    model.sort(Model::Namespace, Qt::DescendingOrder);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy values(&model, &Model::distinctValuesChanged);
    model.clear();
    QCOMPARE(resets.count(), 1);
    QCOMPARE(values.count(), 1);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.totalCount(), 0);
    QCOMPARE(model.problemCount(), 0);
    QCOMPARE(model.newestId(), 0);
    QVERIFY(model.distinctValues(Model::Namespace).isEmpty());
    QCOMPARE(model.sortColumn(), int(Model::Namespace));
    QVERIFY(model.filter().problemsOnly);

    // Ids may start again after a clear; the filter and sort still apply.
    const std::vector<PingRecord> again = randomRecords(rng, 1, 100);
    model.addPings(newestFirst(again));
    QCOMPARE(shownIds(model), referenceIds(again, model.filter(), Model::Namespace, Qt::DescendingOrder));
    QCOMPARE(resets.count(), 1);
}

void TestPingTableModel::countsAndDistinctValues()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy values(&model, &Model::distinctValuesChanged);
    std::vector<PingRecord> rows = {
        record(1, u"glean"_s, u"baseline"_s, u"valid"_s),
        record(2, u"Firefox-desktop"_s, u"metrics"_s, u"invalid"_s, 1),
        record(3, u"glean"_s, u"baseline"_s, u"not-json"_s),
        record(4, u"telemetry"_s, u"main"_s, u"no-schema"_s),
    };
    rows[2].debugId = u"peers-1"_s;
    model.addPings(newestFirst(rows));
    QCOMPARE(values.count(), 1);
    QCOMPARE(model.problemCount(), 2);

    using VC = Model::ValueCount;
    QCOMPARE(model.distinctValues(Model::Namespace),
             (QList<VC>{{u"Firefox-desktop"_s, 1}, {u"glean"_s, 2}, {u"telemetry"_s, 1}}));
    QCOMPARE(model.distinctValues(Model::DocType),
             (QList<VC>{{u"baseline"_s, 2}, {u"main"_s, 1}, {u"metrics"_s, 1}}));
    QCOMPARE(model.distinctValues(Model::DebugTag), (QList<VC>{{u"peers-1"_s, 1}})); // no empty value
    QCOMPARE(model.distinctValues(Model::Verdict),
             (QList<VC>{{u"no-schema"_s, 1}, {u"valid"_s, 1}, {u"invalid"_s, 1}, {u"not-json"_s, 1}}));
    QVERIFY(model.distinctValues(Model::Size).isEmpty());

    // Counts cover every row, filtered or not; only a new value is a distinctValuesChanged.
    model.setProblemsOnly(true);
    QCOMPARE(model.visibleCount(), 2);
    model.addPings({record(5, u"glean"_s, u"baseline"_s, u"valid"_s)});
    QCOMPARE(values.count(), 1);
    QCOMPARE(model.distinctValues(Model::Namespace).at(1), (VC{u"glean"_s, 3}));
    QCOMPARE(model.visibleCount(), 2);
    QCOMPARE(model.totalCount(), 5);
    model.addPings({record(6, u"glean"_s, u"events"_s, u"bad-path"_s)});
    QCOMPARE(values.count(), 2);
    QCOMPARE(model.problemCount(), 3);
    QCOMPARE(model.visibleCount(), 3);

    // A namespace filter set before any row has the value starts to match when one arrives.
    model.setFilter({});
    model.setNamespaceFilter(u"later"_s);
    QCOMPARE(model.rowCount(), 0);
    model.addPings({record(7, u"later"_s, u"baseline"_s, u"valid"_s)});
    QCOMPARE(shownIds(model), QList<qint64>{7});
    QVERIFY(model.storageBytes() > 0);
}

void TestPingTableModel::rowLookups()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<PingRecord> rows;
    for (qint64 id = 10; id <= 100; id += 10)
        rows.push_back(record(id, id % 20 ? u"a"_s : u"b"_s, u"baseline"_s, u"valid"_s));
    model.addPings(newestFirst(rows));
    QCOMPARE(model.idAt(-1), 0);
    QCOMPARE(model.idAt(10), 0);
    QCOMPARE(model.rowOfId(15), -1);
    QCOMPARE(model.rowOfId(0), -1);
    QCOMPARE(model.rowOfId(1000), -1);
    model.sort(Model::Namespace, Qt::AscendingOrder);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOfId(model.idAt(row)), row);
    model.setNamespaceFilter(u"b"_s);
    QCOMPARE(model.rowOfId(10), -1);
    QCOMPARE(model.rowOfId(20), model.rowCount() - 1);
}

// The window's start on a large store: the newest rows first, the older ones built on another
// thread and adopted whole, under whatever filter and sort the user set meanwhile, with live
// rows that arrived in between, and the selection kept on its row.
void TestPingTableModel::adoptOlderRowsBuiltElsewhere()
{
    std::mt19937 rng(23);
    const std::vector<PingRecord> all = randomRecords(rng, 1, 600);
    const std::vector<PingRecord> older(all.begin(), all.begin() + 400); // ids 1..400
    const std::vector<PingRecord> firstPage(all.begin() + 400, all.begin() + 500);
    const std::vector<PingRecord> live(all.begin() + 500, all.end());

    for (const int column : {-1, int(Model::DocType), int(Model::Received)}) {
        Model model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.addPings(newestFirst(firstPage));
        model.sort(column, Qt::DescendingOrder);
        model.setProblemsOnly(true);
        // A selected row (the first problem shown) must stay selected through the adoption.
        QVERIFY(model.rowCount() > 0);
        const qint64 selectedId = model.idAt(0);
        const QPersistentModelIndex selected(model.index(0, Model::Verdict));

        Model::Rows rows;
        // Built on another thread, as the window's background reader does.
        std::thread builder([&] {
            rows.append(std::vector<PingRecord>(older.begin(), older.begin() + 150));
            rows.append(std::vector<PingRecord>(older.begin() + 100, older.end())); // repeats skipped
        });
        builder.join();
        QCOMPARE(rows.size(), size_t(400));
        QCOMPARE(rows.newestId(), qint64(400));
        model.addPings(newestFirst(live)); // arrived while the rest was read
        const qint64 problemsBefore = model.problemCount();
        model.adoptOlder(std::move(rows));

        QCOMPARE(model.totalCount(), qint64(all.size()));
        PingFilter f;
        f.problemsOnly = true;
        QCOMPARE(shownIds(model), referenceIds(all, f, column, Qt::DescendingOrder));
        qint64 problems = 0;
        for (const PingRecord &r : all)
            problems += verdict::isProblem(r.verdict) ? 1 : 0;
        QCOMPARE(model.problemCount(), problems);
        QVERIFY(problems > problemsBefore);
        QVERIFY(selected.isValid());
        QCOMPARE(selected.data(Model::IdRole).toLongLong(), selectedId);
        QCOMPARE(selected.row(), model.rowOfId(selectedId));
        QCOMPARE(selected.column(), int(Model::Verdict));
        // The distinct values count the older rows too.
        qint64 counted = 0, withNs = 0;
        for (const auto &v : model.distinctValues(Model::Namespace))
            counted += v.count;
        for (const PingRecord &r : all)
            withNs += r.ns.isEmpty() ? 0 : 1;
        QCOMPARE(counted, withNs);

        // Rows the model already holds are not taken twice.
        Model::Rows again;
        again.append(std::vector<PingRecord>(all.begin(), all.begin() + 450));
        model.adoptOlder(std::move(again));
        QCOMPARE(model.totalCount(), qint64(all.size()));
        model.setProblemsOnly(false);
        QCOMPARE(shownIds(model), referenceIds(all, PingFilter(), column, Qt::DescendingOrder));
    }
}

// A list kept to a bounded size: the oldest rows go, under any sort and filter; what stays is
// what a model fed only the newer rows would show; counts and distinct values follow.
void TestPingTableModel::dropOldestKeepsTheRest()
{
    std::mt19937 rng(31);
    const std::vector<PingRecord> all = randomRecords(rng, 1, 500);
    for (const int column : {-1, int(Model::Verdict), int(Model::Size)}) {
        Model model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.addPings(newestFirst(all));
        model.sort(column, Qt::AscendingOrder);
        model.setProblemsOnly(column == int(Model::Verdict));
        const QPersistentModelIndex oldest(model.index(model.rowOfId(model.filter().problemsOnly ? [&] {
            for (const PingRecord &r : all)
                if (verdict::isProblem(r.verdict))
                    return r.id;
            return qint64(0);
        }() : 1), 0));
        const QPersistentModelIndex newest(model.index(model.rowOfId(500), Model::DocType));
        model.dropOldest(200);
        const std::vector<PingRecord> kept(all.begin() + 200, all.end());
        QCOMPARE(model.totalCount(), qint64(300));
        QCOMPARE(shownIds(model), referenceIds(kept, model.filter(), column, Qt::AscendingOrder));
        qint64 problems = 0;
        for (const PingRecord &r : kept)
            problems += verdict::isProblem(r.verdict) ? 1 : 0;
        QCOMPARE(model.problemCount(), problems);
        QVERIFY(!oldest.isValid());
        if (verdict::isProblem(all.back().verdict) || !model.filter().problemsOnly) {
            QVERIFY(newest.isValid());
            QCOMPARE(newest.data(Model::IdRole).toLongLong(), qint64(500));
        }
        qint64 counted = 0;
        for (const auto &v : model.distinctValues(Model::DocType))
            counted += v.count;
        qint64 withType = 0;
        for (const PingRecord &r : kept)
            withType += r.docType.isEmpty() ? 0 : 1;
        QCOMPARE(counted, withType);
        // New rows still join on top, and dropping everything leaves an empty list.
        model.addPings({record(501, u"app"_s, u"late"_s, u"invalid"_s, 1)});
        QCOMPARE(model.totalCount(), qint64(301));
        QCOMPARE(model.newestId(), qint64(501));
        model.dropOldest(10'000);
        QCOMPARE(model.totalCount(), qint64(0));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.problemCount(), qint64(0));
    }
}

int main(int argc, char **argv)
{
    // The verdict icons are pixmaps, which need a QGuiApplication; offscreen needs no display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestPingTableModel test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_pingtablemodel.moc"
