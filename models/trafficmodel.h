// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

#include <deque>
#include <vector>

namespace pingscope {

// The capture session's traffic in time buckets, for the traffic charts.
//
// Input: the same batches of summaries the ping table gets (addPings), kept as one compact
// entry per request (16 bytes: received time, size, doc type index, flags), ordered by time.
//
// Rows are buckets of one width over a range of time: the whole session (the default; it
// follows new pings) or a range set with setRange() (a zoom). The width is a "nice" one
// (1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 min, ... 1 h, ... 1 day, ...), the smallest that covers
// the range in at most MaxBuckets buckets, so a range gets about 50 to 120 buckets (fewer
// only when it is shorter than a minute or so: the width is never under a second). Buckets
// are aligned to multiples of their width since the epoch (UTC) and always cover
// [start, start + width) in full, also where the range cuts them.
//
// Columns: the bucket start, then the series: every request, invalid pings, duplicates,
// refused requests, then three per doc type (in order of first arrival): its ping count,
// median size and max size.
//  - Invalid: the verdict is a problem (verdict::isProblem) other than "refused".
//  - Duplicate: the store marked it with a "duplicate-doc-id" warning (its doc id was
//    received before). It still counts as a ping of its doc type.
//  - Refused: the server refused the request (verdict "refused"). A refused request has no
//    doc type here: it counts only in the Refused and Requests series.
//  - Size: decoded bytes when the body was decoded (PingRecord::decodedBytes >= 0), else
//    bytes on the wire. The median of an even number of sizes is the mean of the middle two.
//  - Pings with no doc type (a bad path) form the doc type "" (shown "(no doc type)").
//
// Updates: by default every addPings() updates the buckets at once: new rows are one
// rowsInserted at the end, changed ones one dataChanged, new doc types one
// columnsInserted; a change of width or first bucket (the session grew past MaxBuckets
// buckets, or a new range) is a model reset. With setDeferred(true), addPings() only stores
// the entries and the buckets catch up on recompute() (the traffic view does this at most a
// few times a second, and only while shown). Recomputing touches only the buckets from the
// oldest new entry on, unless the layout changed.
//
// Threading: GUI thread only.
class TrafficModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int MaxBuckets = 120;

    enum Column
    {
        BucketStart, // local time; ValueRole: UTC microseconds since the epoch
        Requests,    // every request received in the bucket, refused ones included
        Invalid,
        Duplicates,
        Refused,
        FirstDocTypeColumn // then Count, MedianSize, MaxSize for doc type 0, 1, ...
    };
    Q_ENUM(Column)
    enum DocTypeStat
    {
        Count,
        MedianSize,
        MaxSize,
        StatCount
    };
    Q_ENUM(DocTypeStat)

    enum Role
    {
        ValueRole = Qt::UserRole + 1, // the raw number: qint64 (times, counts, max size) or
                                      // double (median size); invalid when the bucket has
                                      // no ping of the column's doc type (sizes)
        BucketStartUsRole,            // qint64, in every column
        BucketEndUsRole,              // qint64: start + width (exclusive)
        DocTypeRole,                  // QString: the column's doc type (also in headerData)
    };
    Q_ENUM(Role)

    struct Entry
    {
        qint64 timeUs;
        quint32 size;
        quint16 docType; // index into the doc types; 0xffff for refused requests
        quint8 flags;
    };

    // Entries built on another thread (the background load of a large store), handed over
    // whole with adoptOlder(). Use one Older object on one thread at a time.
    class Older
    {
    public:
        // Oldest first; records whose id is not greater than the newest one held are skipped.
        void append(const std::vector<PingRecord> &oldestFirst);
        // Puts the entries in time order (stable), on the thread that built them: the GUI
        // thread's adoptOlder() then only merges.
        void sortByTime();
        size_t size() const { return m_entries.size(); }

    private:
        friend class TrafficModel;
        std::vector<Entry> m_entries; // in arrival order
        QStringList m_docTypes;
        QHash<QString, quint16> m_docTypeIndex;
        qint64 m_newestId = 0;
    };

    explicit TrafficModel(QObject *parent = nullptr);
    ~TrafficModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // A batch of summaries, newest first (as StoreReader::list returns them). Records whose
    // id is not greater than the newest id seen are skipped as already held (id 0: always
    // taken).
    void addPings(const std::vector<PingRecord> &newestFirst);
    // Re-validation changed the verdicts of pings already held: their entries' invalid and
    // duplicate flags follow (matched by received time, receivedAtUs; pings received in the same
    // microsecond fall in one bucket, so which of them changes does not change a count).
    void updatePings(const std::vector<PingRecord> &records);
    // Adds the entries of `older` that are older than every ping held (by id), in time order
    // with those held; the buckets are recomputed (a reset unless deferred).
    void adoptOlder(Older &&older);
    // Drops the `count` oldest entries (by time), as the ping list drops its oldest rows; the
    // buckets are recomputed (a reset unless deferred, then on the next recompute()).
    void dropOldest(size_t count);
    // Drops every entry (a model reset). The range stays.
    void clear();

    // Buckets over [fromUs, toUs) (UTC microseconds); fromUs == toUs == 0: the whole session,
    // following new pings.
    void setRange(qint64 fromUs, qint64 toUs);
    bool followsSession() const;
    qint64 rangeFromUs() const; // the range in use (the session's, when following)
    qint64 rangeToUs() const;

    void setDeferred(bool deferred);
    bool isDeferred() const;
    bool isStale() const; // entries arrived since the buckets were computed
    void recompute();

    // The nice width for a range of spanUs: the smallest with span <= (MaxBuckets - 1) * width,
    // which aligned gives at most MaxBuckets buckets.
    static qint64 bucketWidthForSpan(qint64 spanUs);
    // The smallest nice width of at least `us` (also for time axis ticks).
    static qint64 niceWidthAtLeast(qint64 us);

    qint64 bucketWidthUs() const; // 0 when there are no buckets
    qint64 bucketStartUs(int bucket) const;
    qint64 entryCount() const;
    qint64 sessionStartUs() const; // the oldest entry's time; 0 when empty
    qint64 sessionEndUs() const;   // the newest entry's time; 0 when empty

    // Doc types in order of first arrival; "" is the pings without one.
    const QStringList &docTypes() const;
    static int column(int docType, DocTypeStat stat)
    {
        return FirstDocTypeColumn + docType * StatCount + stat;
    }
    // Direct reads for the charts (no QVariant). bucket in [0, rowCount()).
    int requests(int bucket) const;
    int invalid(int bucket) const;
    int duplicates(int bucket) const;
    int refused(int bucket) const;
    int count(int bucket, int docType) const;
    double medianSize(int bucket, int docType) const; // NaN when count() is 0
    qint64 maxSize(int bucket, int docType) const;    // 0 when count() is 0

    // The display name of a doc type ("(no doc type)" for "").
    static QString docTypeLabel(const QString &docType);

Q_SIGNALS:
    // The buckets changed (after the row/column/reset signals of that change).
    void bucketsChanged();

private:
    quint16 internDocType(const QString &docType);
    static quint16 internInto(QStringList &docTypes, QHash<QString, quint16> &index, const QString &docType);
    static Entry entryOf(const PingRecord &r);          // docType left to the caller
    static bool byTime(const Entry &a, const Entry &b); // the entries' order
    qint64 m_oldestId = 0;                              // the oldest id held (0: none)
    void update(bool force);
    void computeBuckets(int firstRow, int lastRow); // [first, last)
    void resizeBuckets(int rows, int docTypes);

    // By time (stable: arrival order among equal times). A deque: it grows without copying
    // what it holds (a vector's doubling at a million entries stalls the GUI for 50 ms).
    std::deque<Entry> m_entries;
    QStringList m_docTypes;
    QHash<QString, quint16> m_docTypeIndex;
    qint64 m_newestId = 0;
    qint64 m_dirtyFromUs = 0; // the oldest time added since the last computation
    bool m_stale = false;
    bool m_deferred = false;

    qint64 m_fixedFromUs = 0, m_fixedToUs = 0; // both 0: follow the session

    // Buckets as computed: m_rows rows of m_width from m_firstUs, m_bucketDocTypes doc types.
    qint64 m_firstUs = 0, m_width = 0;
    int m_rows = 0;
    int m_bucketDocTypes = 0;
    std::vector<int> m_requests, m_invalid, m_duplicates, m_refused;
    std::vector<int> m_count;                    // [row * m_bucketDocTypes + docType]
    std::vector<double> m_median;                // idem
    std::vector<qint64> m_max;                   // idem
    std::vector<std::vector<quint32>> m_scratch; // sizes per doc type of one bucket
};

} // namespace pingscope
