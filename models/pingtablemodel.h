// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"
#include "pingfilter.h"

#include <QAbstractTableModel>
#include <QList>

#include <memory>
#include <vector>

namespace pingscope {

// The live list of captured pings, built for a million rows: filtering and sorting happen
// inside the model (no QSortFilterProxyModel on top), on compact column storage.
//
// Rows. Summaries arrive in batches through addPings(). Without a sort (sortColumn() == -1,
// the initial state) rows are in arrival order, newest first, and a batch is one
// rowsInserted at row 0. With a sort, a batch whose visible rows land in one place is one
// rowsInserted there; otherwise it is one layoutChanged, with every persistent index (the
// view's selection and current index) moved to its row's new place. Filter and sort changes
// are layoutChanged too; a persistent index whose row is filtered out becomes invalid. Only
// clear() resets the model.
//
// Sorting is stable with respect to arrival order: rows that compare equal stay newest first,
// in both directions. Strings sort case-insensitively (then case-sensitively), versions
// numerically, verdicts with the non-problems first (then by name, then by error count),
// sizes by wire then decoded bytes, doc ids by their text (empty ones first).
//
// Storage. One entry per row in each of a few flat arrays: times, sizes and ids as integers,
// doc ids as 128-bit UUIDs (any other doc id text is interned), and every low-cardinality
// string (namespace, doc type, version, verdict, debug tag, source tags, client id) as a
// 32-bit index into a per-column pool of distinct values. About 100 bytes per row; a distinct
// value costs about 200 bytes more once, which matters only if nearly every ping has its own
// client id (then about 290 bytes per row, and the first sort by client id takes a second).
//
// Threading: GUI thread only.
class PingTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    struct Data; // the row storage; defined in the .cpp only
    enum Column
    {
        Received,
        Namespace,
        DocType,
        Version,
        Verdict, // verdict and error count; a QIcon in Qt::DecorationRole (a QColor
                 // without a QGuiApplication, where pixmaps cannot be made)
        DebugTag,
        SourceTags,
        Seq,
        DocId,    // first 8 characters; the whole id in the tooltip and DocIdRole
        Size,     // wire / decoded
        ClientId, // first 8 characters; the whole id in the tooltip and ClientIdRole
        ColumnCount
    };
    Q_ENUM(Column)

    // Raw values, the same in every column of a row (except SortRole).
    enum Role
    {
        IdRole = Qt::UserRole + 1, // qint64: the store's id
        ReceivedUsRole,            // qint64: UTC, microseconds since the epoch
        VerdictRole,               // QString: verdict name
        ErrorCountRole,            // int
        ProblemRole,               // bool: verdict::isProblem(verdict)
        DocIdRole,                 // QString: the whole doc id
        ClientIdRole,              // QString: the whole client id
        SortRole,                  // this column's raw value: qint64 (times, seq, wire bytes) or QString
    };
    Q_ENUM(Role)

    struct ValueCount
    {
        QString value;
        qint64 count = 0;
        friend bool operator==(const ValueCount &, const ValueCount &) = default;
    };

    // Rows built on another thread (the background load of a large store), handed over
    // whole with adoptOlder(). Use one Rows object on one thread at a time.
    class Rows
    {
    public:
        Rows();
        ~Rows();
        Rows(Rows &&) noexcept;
        Rows &operator=(Rows &&) noexcept;
        // Oldest first; records whose id is not greater than the newest one held are skipped.
        void append(const std::vector<PingRecord> &oldestFirst);
        size_t size() const;
        qint64 newestId() const; // 0 when empty

    private:
        friend class PingTableModel;
        std::unique_ptr<Data> d;
    };

    explicit PingTableModel(QObject *parent = nullptr);
    ~PingTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // column -1 (or any column out of range): arrival order, newest first.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // Adds a batch, newest first (as StoreReader::list returns it). Records whose id is not
    // greater than newestId() are skipped as already held, so ids stay unique and ascending.
    void addPings(const std::vector<PingRecord> &newestFirst);
    // Replaces the verdict, error count and warning flags of rows already held (re-validation
    // after a schema change), matched by id; other records are ignored. Rows whose verdict or
    // flags change are re-filtered (and re-sorted when sorted by verdict) in one layoutChanged;
    // otherwise one dataChanged over the Verdict column.
    void updatePings(const std::vector<PingRecord> &records);
    // Takes the rows of `older` that are older than every row held (the rest are dropped: the
    // model has them), under the current filter and sort, in one layoutChanged; the
    // selection and current index stay on their rows. For a store too large to read on the
    // GUI thread: show its newest rows at once, read the rest into Rows meanwhile.
    void adoptOlder(Rows &&older);
    // Drops the `count` oldest rows (by arrival), in one layoutChanged: persistent indexes on
    // them become invalid, the others follow their rows. For a list kept to a bounded size.
    void dropOldest(size_t count);
    // Removes every row (a model reset). The filter and the sort stay.
    void clear();

    void setFilter(const PingFilter &filter);
    const PingFilter &filter() const;
    // Convenience: change one part of filter().
    void setFilterText(const QString &text);
    void setProblemsOnly(bool on);
    void setNamespaceFilter(const QString &ns);
    void setHideAutomation(bool on);
    // Received time in [fromUs, toUs) (UTC microseconds); 0 leaves that end open.
    void setReceivedRange(qint64 fromUs, qint64 toUs);
    void clearFilter();

    int sortColumn() const;
    Qt::SortOrder sortOrder() const;

    qint64 totalCount() const;    // rows held
    int visibleCount() const;     // rows passing the filter (= rowCount())
    qint64 problemCount() const;  // rows held whose verdict is a problem
    qint64 newestId() const;      // 0 when empty
    qint64 oldestId() const;      // 0 when empty
    qint64 idAt(int row) const;   // 0 when out of range
    int rowOfId(qint64 id) const; // -1 when not held or filtered out

    // Distinct non-empty values of a string column (Namespace, DocType, Version, Verdict,
    // DebugTag, SourceTags, ClientId) over all rows held, filter or not, with their row
    // counts, in the column's sort order. Empty for other columns.
    QList<ValueCount> distinctValues(Column column) const;

    // Bytes held by the row storage and the value pools (pools estimated from string sizes).
    size_t storageBytes() const;

Q_SIGNALS:
    // Totals, visible rows, problem count or distinct value counts may have changed.
    void countsChanged();
    // A string column gained a value it did not have (or the model was cleared).
    void distinctValuesChanged();

private:
    template <typename Rebuild>
    void relayout(Rebuild rebuild, QAbstractItemModel::LayoutChangeHint hint, qint64 shift = 0);
    void insertSorted(size_t first);

    std::unique_ptr<Data> m_d;
};

} // namespace pingscope
