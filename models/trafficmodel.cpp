// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "trafficmodel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

constexpr quint8 kInvalid = 0x1;
constexpr quint8 kDuplicate = 0x2;
constexpr quint8 kRefused = 0x4;
constexpr quint16 kNoDocType = 0xffff;
// Beyond this many distinct doc types (a client sending nonsense paths), the rest share one
// series, so that the model and the charts stay usable.
constexpr int kMaxDocTypes = 1000;

constexpr qint64 kSecond = 1'000'000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
constexpr qint64 kNiceWidths[] = {
    kSecond,     2 * kSecond,  5 * kSecond,  10 * kSecond, 15 * kSecond, 30 * kSecond, kMinute,   2 * kMinute,
    5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,        2 * kHour,    3 * kHour, 6 * kHour,
    12 * kHour,  kDay,         2 * kDay,     4 * kDay,     7 * kDay,     14 * kDay,    28 * kDay,
};

qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

} // namespace

TrafficModel::TrafficModel(QObject *parent) : QAbstractTableModel(parent) {}

TrafficModel::~TrafficModel() = default;

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstDocTypeColumn + m_bucketDocTypes * StatCount;
}

QString TrafficModel::docTypeLabel(const QString &docType)
{
    return docType.isEmpty() ? tr("(no doc type)") : docType;
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    const qint64 start = bucketStartUs(row);
    if (role == BucketStartUsRole)
        return start;
    if (role == BucketEndUsRole)
        return start + m_width;
    const int docType = column >= FirstDocTypeColumn ? (column - FirstDocTypeColumn) / StatCount : -1;
    const int stat = column >= FirstDocTypeColumn ? (column - FirstDocTypeColumn) % StatCount : -1;
    if (role == DocTypeRole)
        return docType >= 0 ? QVariant(m_docTypes[docType]) : QVariant();

    QVariant value;
    switch (column) {
    case BucketStart:
        value = start;
        break;
    case Requests:
        value = requests(row);
        break;
    case Invalid:
        value = invalid(row);
        break;
    case Duplicates:
        value = duplicates(row);
        break;
    case Refused:
        value = refused(row);
        break;
    default:
        if (stat == Count)
            value = count(row, docType);
        else if (count(row, docType) == 0)
            value = QVariant();
        else if (stat == MedianSize)
            value = medianSize(row, docType);
        else
            value = maxSize(row, docType);
    }

    switch (role) {
    case ValueRole:
        return value;
    case Qt::DisplayRole:
        if (column == BucketStart)
            return QDateTime::fromMSecsSinceEpoch(start / 1000)
                .toString(m_width >= kDay ? u"yyyy-MM-dd"_s : u"yyyy-MM-dd HH:mm:ss"_s);
        if (!value.isValid())
            return {};
        if (stat == MedianSize)
            return QLocale().toString(value.toDouble(), 'f', std::fmod(value.toDouble(), 1.0) == 0 ? 0 : 1);
        return QLocale().toString(value.toLongLong());
    case Qt::ToolTipRole: {
        const QString range =
            tr("%1 to %2")
                .arg(QDateTime::fromMSecsSinceEpoch(start / 1000).toString(u"yyyy-MM-dd HH:mm:ss"_s),
                     QDateTime::fromMSecsSinceEpoch((start + m_width) / 1000).toString(u"HH:mm:ss"_s));
        if (column == BucketStart)
            return range;
        return QString(range + u": "_s + headerData(column, Qt::Horizontal, Qt::DisplayRole).toString());
    }
    case Qt::TextAlignmentRole:
        return column == BucketStart ? QVariant() : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    default:
        return {};
    }
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    const int docType = section >= FirstDocTypeColumn ? (section - FirstDocTypeColumn) / StatCount : -1;
    if (role == DocTypeRole)
        return docType >= 0 ? QVariant(m_docTypes[docType]) : QVariant();
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case BucketStart:
        return tr("Bucket start");
    case Requests:
        return tr("Requests");
    case Invalid:
        return tr("Invalid");
    case Duplicates:
        return tr("Duplicates");
    case Refused:
        return tr("Refused");
    default:
        break;
    }
    const QString name = docTypeLabel(m_docTypes[docType]);
    switch ((section - FirstDocTypeColumn) % StatCount) {
    case Count:
        return name;
    case MedianSize:
        return tr("%1 median size").arg(name);
    default:
        return tr("%1 max size").arg(name);
    }
}

bool TrafficModel::byTime(const Entry &a, const Entry &b)
{
    return a.timeUs < b.timeUs;
}

quint16 TrafficModel::internInto(QStringList &docTypes, QHash<QString, quint16> &index,
                                 const QString &docType)
{
    if (const auto it = index.constFind(docType); it != index.cend())
        return *it;
    if (docTypes.size() >= kMaxDocTypes) {
        static const QString other = u"(other doc types)"_s;
        if (const auto it = index.constFind(other); it != index.cend())
            return *it;
        index.insert(other, quint16(docTypes.size()));
        docTypes.append(other);
        return quint16(docTypes.size() - 1);
    }
    const auto id = quint16(docTypes.size());
    docTypes.append(docType);
    index.insert(docType, id);
    return id;
}

quint16 TrafficModel::internDocType(const QString &docType)
{
    return internInto(m_docTypes, m_docTypeIndex, docType);
}

TrafficModel::Entry TrafficModel::entryOf(const PingRecord &r)
{
    Entry e{};
    e.timeUs = r.receivedAtUs;
    const qint64 size = r.decodedBytes >= 0 ? r.decodedBytes : r.bodyBytes;
    e.size = quint32(std::clamp<qint64>(size, 0, std::numeric_limits<quint32>::max()));
    e.docType = kNoDocType;
    if (r.verdict == QStringView(verdict::Refused)) {
        e.flags = kRefused;
    } else {
        if (verdict::isProblem(r.verdict))
            e.flags |= kInvalid;
        if (hasDuplicateWarning(r.warningsJson))
            e.flags |= kDuplicate;
    }
    return e;
}

void TrafficModel::Older::append(const std::vector<PingRecord> &oldestFirst)
{
    for (const PingRecord &r : oldestFirst) {
        if (r.id <= m_newestId)
            continue;
        m_newestId = r.id;
        Entry e = entryOf(r);
        if (!(e.flags & kRefused))
            e.docType = internInto(m_docTypes, m_docTypeIndex, r.docType);
        m_entries.push_back(e);
    }
}

void TrafficModel::Older::sortByTime()
{
    if (!std::is_sorted(m_entries.begin(), m_entries.end(), byTime))
        std::stable_sort(m_entries.begin(), m_entries.end(), byTime);
}

void TrafficModel::adoptOlder(Older &&older)
{
    // Ids are not in the entries: the caller reads them below the oldest id held, so all are
    // taken, unless ids overlap (then none: the held copies stay).
    std::vector<Entry> &taken = older.m_entries;
    if (taken.empty() || (m_oldestId > 0 && older.m_newestId >= m_oldestId))
        return;
    // Doc types in order of first arrival: the older ones first.
    QStringList docTypes;
    QHash<QString, quint16> index;
    std::vector<quint16> fromOlder, fromHeld;
    for (const QString &t : older.m_docTypes)
        fromOlder.push_back(internInto(docTypes, index, t));
    for (const QString &t : m_docTypes)
        fromHeld.push_back(internInto(docTypes, index, t));
    for (Entry &e : taken)
        if (e.docType != kNoDocType)
            e.docType = fromOlder[e.docType];
    for (Entry &e : m_entries)
        if (e.docType != kNoDocType)
            e.docType = fromHeld[e.docType];
    m_docTypes = docTypes;
    m_docTypeIndex = index;
    older.sortByTime(); // a check only, when the reader's thread did it
    // One pass: older entries first among equal times.
    std::deque<Entry> merged;
    std::merge(taken.begin(), taken.end(), m_entries.begin(), m_entries.end(), std::back_inserter(merged),
               byTime);
    m_entries.swap(merged);
    m_newestId = std::max(m_newestId, older.m_newestId);
    m_oldestId = 0; // unknown now; only the first adopt is checked
    older = Older();
    m_stale = true;
    m_dirtyFromUs = m_entries.front().timeUs;
    update(true);
}

void TrafficModel::updatePings(const std::vector<PingRecord> &records)
{
    qint64 oldest = std::numeric_limits<qint64>::max();
    for (const PingRecord &r : records) {
        if (r.verdict == QStringView(verdict::Refused))
            continue;
        quint8 want = 0;
        if (verdict::isProblem(r.verdict))
            want |= kInvalid;
        if (hasDuplicateWarning(r.warningsJson))
            want |= kDuplicate;
        Entry key{};
        key.timeUs = r.receivedAtUs;
        const auto [from, to] = std::equal_range(m_entries.begin(), m_entries.end(), key, byTime);
        for (auto it = from; it != to; ++it) {
            if (it->flags & kRefused)
                continue;
            const quint8 flags = quint8((it->flags & ~(kInvalid | kDuplicate)) | want);
            if (flags != it->flags) {
                it->flags = flags;
                oldest = std::min(oldest, it->timeUs);
                break;
            }
        }
    }
    if (oldest == std::numeric_limits<qint64>::max())
        return;
    m_dirtyFromUs = m_stale ? std::min(m_dirtyFromUs, oldest) : oldest;
    m_stale = true;
    if (!m_deferred)
        update(false);
}

void TrafficModel::addPings(const std::vector<PingRecord> &newestFirst)
{
    const size_t before = m_entries.size();
    quint16 lastDocType = kNoDocType;
    const QString *lastDocTypeText = nullptr;
    for (auto it = newestFirst.rbegin(); it != newestFirst.rend(); ++it) {
        const PingRecord &r = *it;
        if (r.id != 0) {
            if (r.id <= m_newestId)
                continue;
            m_newestId = r.id;
            if (m_oldestId == 0)
                m_oldestId = r.id;
        }
        Entry e = entryOf(r);
        if (!(e.flags & kRefused)) {
            // Consecutive pings often share a doc type: skip the hash then.
            if (!lastDocTypeText || *lastDocTypeText != r.docType) {
                lastDocType = internDocType(r.docType);
                lastDocTypeText = &r.docType;
            }
            e.docType = lastDocType;
        }
        m_entries.push_back(e);
    }
    if (m_entries.size() == before)
        return;
    const auto fresh = m_entries.begin() + ptrdiff_t(before);
    std::stable_sort(fresh, m_entries.end(), byTime);
    const qint64 oldest = fresh->timeUs;
    if (before > 0 && oldest < m_entries[before - 1].timeUs) {
        // Times are nearly in order (ingest threads race by milliseconds): merge only the
        // tail that the batch reaches into, not the whole session.
        const auto from = std::upper_bound(m_entries.begin(), fresh, *fresh, byTime);
        std::inplace_merge(from, fresh, m_entries.end(), byTime);
    }
    m_dirtyFromUs = m_stale ? std::min(m_dirtyFromUs, oldest) : oldest;
    m_stale = true;
    if (!m_deferred)
        update(false);
}

void TrafficModel::dropOldest(size_t count)
{
    count = std::min(count, m_entries.size());
    if (count == 0)
        return;
    m_entries.erase(m_entries.begin(), m_entries.begin() + ptrdiff_t(count));
    m_entries.shrink_to_fit();
    m_stale = true;
    m_dirtyFromUs = m_entries.empty() ? 0 : m_entries.front().timeUs;
    if (!m_deferred)
        update(true);
}

void TrafficModel::clear()
{
    beginResetModel();
    std::deque<Entry>().swap(m_entries);
    m_docTypes.clear();
    m_docTypeIndex.clear();
    m_newestId = 0;
    m_oldestId = 0;
    m_stale = false;
    m_firstUs = m_width = 0;
    m_rows = 0;
    resizeBuckets(0, 0);
    m_scratch.clear();
    endResetModel();
    Q_EMIT bucketsChanged();
}

void TrafficModel::setRange(qint64 fromUs, qint64 toUs)
{
    if (toUs < fromUs)
        std::swap(fromUs, toUs);
    if (fromUs == m_fixedFromUs && toUs == m_fixedToUs)
        return;
    m_fixedFromUs = fromUs;
    m_fixedToUs = toUs;
    update(true);
}

bool TrafficModel::followsSession() const
{
    return m_fixedFromUs == 0 && m_fixedToUs == 0;
}

qint64 TrafficModel::rangeFromUs() const
{
    return followsSession() ? sessionStartUs() : m_fixedFromUs;
}

qint64 TrafficModel::rangeToUs() const
{
    return followsSession() ? (m_entries.empty() ? 0 : sessionEndUs() + 1) : m_fixedToUs;
}

void TrafficModel::setDeferred(bool deferred)
{
    m_deferred = deferred;
    if (!deferred && m_stale)
        update(false);
}

bool TrafficModel::isDeferred() const
{
    return m_deferred;
}

bool TrafficModel::isStale() const
{
    return m_stale;
}

void TrafficModel::recompute()
{
    if (m_stale)
        update(false);
}

qint64 TrafficModel::niceWidthAtLeast(qint64 us)
{
    for (const qint64 w : kNiceWidths)
        if (w >= us)
            return w;
    // Beyond the list: whole multiples of four weeks.
    const qint64 unit = 28 * kDay;
    return (us / unit + (us % unit != 0 ? 1 : 0)) * unit;
}

qint64 TrafficModel::bucketWidthForSpan(qint64 spanUs)
{
    const qint64 cover = MaxBuckets - 1;
    return niceWidthAtLeast(spanUs / cover + (spanUs % cover != 0 ? 1 : 0));
}

qint64 TrafficModel::bucketWidthUs() const
{
    return m_width;
}

qint64 TrafficModel::bucketStartUs(int bucket) const
{
    return m_firstUs + qint64(bucket) * m_width;
}

qint64 TrafficModel::entryCount() const
{
    return qint64(m_entries.size());
}

qint64 TrafficModel::sessionStartUs() const
{
    return m_entries.empty() ? 0 : m_entries.front().timeUs;
}

qint64 TrafficModel::sessionEndUs() const
{
    return m_entries.empty() ? 0 : m_entries.back().timeUs;
}

const QStringList &TrafficModel::docTypes() const
{
    return m_docTypes;
}

int TrafficModel::requests(int bucket) const
{
    return m_requests[size_t(bucket)];
}

int TrafficModel::invalid(int bucket) const
{
    return m_invalid[size_t(bucket)];
}

int TrafficModel::duplicates(int bucket) const
{
    return m_duplicates[size_t(bucket)];
}

int TrafficModel::refused(int bucket) const
{
    return m_refused[size_t(bucket)];
}

int TrafficModel::count(int bucket, int docType) const
{
    return m_count[size_t(bucket) * size_t(m_bucketDocTypes) + size_t(docType)];
}

double TrafficModel::medianSize(int bucket, int docType) const
{
    return m_median[size_t(bucket) * size_t(m_bucketDocTypes) + size_t(docType)];
}

qint64 TrafficModel::maxSize(int bucket, int docType) const
{
    return m_max[size_t(bucket) * size_t(m_bucketDocTypes) + size_t(docType)];
}

// Sizes the bucket arrays for `rows` x `docTypes`, keeping the values of existing cells
// (new doc type cells of old rows are zero: those rows had no such ping).
void TrafficModel::resizeBuckets(int rows, int docTypes)
{
    const auto r = size_t(rows), n = size_t(docTypes), oldN = size_t(m_bucketDocTypes);
    for (auto *v : {&m_requests, &m_invalid, &m_duplicates, &m_refused})
        v->resize(r, 0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (n != oldN) {
        std::vector<int> count(r * n, 0);
        std::vector<double> median(r * n, nan);
        std::vector<qint64> max(r * n, 0);
        const size_t keepRows = std::min(r, oldN ? m_count.size() / oldN : 0);
        for (size_t row = 0; row < keepRows; ++row)
            for (size_t t = 0; t < std::min(n, oldN); ++t) {
                count[row * n + t] = m_count[row * oldN + t];
                median[row * n + t] = m_median[row * oldN + t];
                max[row * n + t] = m_max[row * oldN + t];
            }
        m_count.swap(count);
        m_median.swap(median);
        m_max.swap(max);
        m_bucketDocTypes = docTypes;
    } else {
        m_count.resize(r * n, 0);
        m_median.resize(r * n, nan);
        m_max.resize(r * n, 0);
    }
}

// Recomputes rows [firstRow, lastRow) from the entries.
void TrafficModel::computeBuckets(int firstRow, int lastRow)
{
    const size_t n = size_t(m_bucketDocTypes);
    if (m_scratch.size() < n)
        m_scratch.resize(n);
    const auto beforeTime = [](const Entry &e, qint64 t) { return e.timeUs < t; };
    auto it = std::lower_bound(m_entries.cbegin(), m_entries.cend(), bucketStartUs(firstRow), beforeTime);
    for (int row = firstRow; row < lastRow; ++row) {
        const qint64 end = bucketStartUs(row) + m_width;
        int requests = 0, invalid = 0, duplicates = 0, refused = 0;
        const size_t base = size_t(row) * n;
        std::fill_n(m_count.begin() + ptrdiff_t(base), n, 0);
        std::fill_n(m_max.begin() + ptrdiff_t(base), n, 0);
        for (auto &s : m_scratch)
            s.clear();
        for (; it != m_entries.cend() && it->timeUs < end; ++it) {
            ++requests;
            if (it->flags & kRefused) {
                ++refused;
                continue;
            }
            invalid += (it->flags & kInvalid) ? 1 : 0;
            duplicates += (it->flags & kDuplicate) ? 1 : 0;
            const size_t t = it->docType;
            ++m_count[base + t];
            m_max[base + t] = std::max(m_max[base + t], qint64(it->size));
            m_scratch[t].push_back(it->size);
        }
        m_requests[size_t(row)] = requests;
        m_invalid[size_t(row)] = invalid;
        m_duplicates[size_t(row)] = duplicates;
        m_refused[size_t(row)] = refused;
        for (size_t t = 0; t < n; ++t) {
            auto &s = m_scratch[t];
            double median = std::numeric_limits<double>::quiet_NaN();
            if (!s.empty()) {
                const auto mid = s.begin() + ptrdiff_t(s.size() / 2);
                std::nth_element(s.begin(), mid, s.end());
                median = double(*mid);
                if (s.size() % 2 == 0) // the mean of the middle two
                    median = (median + double(*std::max_element(s.begin(), mid))) / 2.0;
            }
            m_median[base + t] = median;
        }
    }
}

void TrafficModel::update(bool force)
{
    // The layout the range asks for now.
    qint64 from = 0, to = 0, width = 0, first = 0;
    int rows = 0;
    if (!followsSession()) {
        from = m_fixedFromUs;
        to = m_fixedToUs;
    } else if (!m_entries.empty()) {
        from = sessionStartUs();
        to = sessionEndUs() + 1;
    }
    if (to > from) {
        width = bucketWidthForSpan(to - from);
        first = floorDiv(from, width) * width;
        rows = int(floorDiv(to - 1, width) - floorDiv(from, width) + 1);
    }
    const int docTypes = int(m_docTypes.size());
    m_stale = false;

    if (force || width != m_width || first != m_firstUs || rows < m_rows) {
        beginResetModel();
        m_width = width;
        m_firstUs = first;
        m_rows = rows;
        resizeBuckets(0, docTypes);
        resizeBuckets(rows, docTypes);
        if (rows > 0)
            computeBuckets(0, rows);
        endResetModel();
        Q_EMIT bucketsChanged();
        return;
    }
    // Same layout: new doc types are new columns, new buckets new rows at the end, and the
    // buckets from the oldest new entry on are recomputed.
    if (docTypes > m_bucketDocTypes) {
        beginInsertColumns({}, FirstDocTypeColumn + m_bucketDocTypes * StatCount,
                           FirstDocTypeColumn + docTypes * StatCount - 1);
        resizeBuckets(m_rows, docTypes);
        endInsertColumns();
    }
    if (rows == 0)
        return;
    const int dirty = int(std::clamp<qint64>(floorDiv(m_dirtyFromUs - m_firstUs, m_width), 0, rows));
    const int oldRows = m_rows;
    if (rows > oldRows) {
        beginInsertRows({}, oldRows, rows - 1);
        m_rows = rows;
        resizeBuckets(rows, docTypes);
        computeBuckets(std::min(dirty, oldRows), rows);
        endInsertRows();
    } else if (dirty < oldRows) {
        computeBuckets(dirty, oldRows);
    }
    if (dirty < oldRows)
        Q_EMIT dataChanged(index(dirty, 0), index(oldRows - 1, columnCount() - 1));
    Q_EMIT bucketsChanged();
}

} // namespace pingscope
