// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "pingtablemodel.h"
#include "productionverdict.h"

#include <QColor>
#include <QDateTime>
#include <QGuiApplication>
#include <QHash>
#include <QIcon>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <algorithm>
#include <bit>
#include <compare>
#include <cstring>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

// Per-row flags.
constexpr quint8 kProblem = 0x1;    // verdict::isProblem(verdict)
constexpr quint8 kAutomation = 0x2; // source tags include "automation"
constexpr quint8 kDocUuid = 0x4;    // doc id held as 128 bits in docHi/docLo
constexpr quint8 kDocOther = 0x8;   // doc id is docIdPool entry docHi; neither flag: empty
constexpr quint8 kDuplicate = 0x10; // the store saw its doc id before (a duplicate-doc-id warning)

constexpr qint64 kAnyValue = -1; // exact-value filter not set
constexpr qint64 kNoValue = -2;  // exact-value filter set to a value no row has (yet)

// Signed to unsigned with the same order.
quint64 ordered(qint64 v)
{
    return static_cast<quint64>(v) ^ (quint64(1) << 63);
}

int hexValue(char16_t c)
{
    if (c >= u'0' && c <= u'9')
        return c - u'0';
    if (c >= u'a' && c <= u'f')
        return c - u'a' + 10;
    return -1;
}

// Only the canonical lower-case form, so that the text comes back unchanged.
bool parseUuid(QStringView s, quint64 &hi, quint64 &lo)
{
    if (s.size() != 36)
        return false;
    quint64 half[2] = {0, 0};
    int nibble = 0;
    for (qsizetype i = 0; i < 36; ++i) {
        const char16_t c = s[i].unicode();
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != u'-')
                return false;
            continue;
        }
        const int v = hexValue(c);
        if (v < 0)
            return false;
        half[nibble / 16] = (half[nibble / 16] << 4) | quint64(v);
        ++nibble;
    }
    hi = half[0];
    lo = half[1];
    return true;
}

void formatUuid(quint64 hi, quint64 lo, char *out) // 36 chars, no terminator
{
    static constexpr char digits[] = "0123456789abcdef";
    int pos = 0;
    for (int nibble = 0; nibble < 32; ++nibble) {
        if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20)
            out[pos++] = '-';
        const quint64 half = nibble < 16 ? hi : lo;
        out[pos++] = digits[(half >> (60 - 4 * (nibble % 16))) & 0xf];
    }
}

QString uuidText(quint64 hi, quint64 lo)
{
    char buf[36];
    formatUuid(hi, lo, buf);
    return QString::fromLatin1(buf, 36);
}

bool hasAutomationTag(const QString &tags)
{
    for (QStringView tag : QStringView(tags).split(u','))
        if (tag.trimmed().compare(u"automation", Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

// The order of a pool's values.
enum class PoolOrder
{
    Text,    // case-insensitive, then case-sensitive
    Natural, // integers numerically and before other text, which is in Text order
    Exact,   // UTF-16 code units
    Verdict, // non-problems first, then Text
};

// Distinct values of one string column, each with a 32-bit index, its lower-case form (for
// free-text search), a row count and a flag computed once per value.
class StringPool
{
public:
    explicit StringPool(PoolOrder order, bool (*classify)(const QString &) = nullptr)
        : m_order(order), m_classify(classify)
    {
    }

    // Interns `s` and counts one more row with it.
    quint32 add(const QString &s)
    {
        quint32 id = m_last;
        if (id >= m_text.size() || m_text[id] != s) {
            const auto it = m_index.constFind(s);
            if (it != m_index.cend()) {
                id = *it;
            } else {
                id = static_cast<quint32>(m_text.size());
                m_text.push_back(s);
                m_lower.push_back(s.toLower());
                m_count.push_back(0);
                m_flag.push_back(m_classify && m_classify(s));
                m_index.insert(s, id);
            }
            m_last = id;
        }
        ++m_count[id];
        return id;
    }

    // One row fewer with value `id` (the row was dropped).
    void release(quint32 id)
    {
        if (id < m_count.size() && m_count[id] > 0)
            --m_count[id];
    }

    qint64 find(const QString &s) const // -1 when absent
    {
        const auto it = m_index.constFind(s);
        return it == m_index.cend() ? -1 : qint64(*it);
    }
    size_t size() const { return m_text.size(); }
    const QString &text(quint32 id) const { return m_text[id]; }
    const QString &lower(quint32 id) const { return m_lower[id]; }
    qint64 count(quint32 id) const { return m_count[id]; }
    bool flag(quint32 id) const { return m_flag[id]; }

    bool less(quint32 a, quint32 b) const
    {
        const QString &ta = m_text[a], &tb = m_text[b];
        if (ta.isEmpty() != tb.isEmpty())
            return ta.isEmpty();
        switch (m_order) {
        case PoolOrder::Exact:
            return ta < tb;
        case PoolOrder::Natural: {
            bool numA = false, numB = false;
            const qlonglong na = ta.toLongLong(&numA), nb = tb.toLongLong(&numB);
            if (numA != numB)
                return numA;
            if (numA && na != nb)
                return na < nb;
            break;
        }
        case PoolOrder::Verdict:
            if (m_flag[a] != m_flag[b])
                return !m_flag[a];
            break;
        case PoolOrder::Text:
            break;
        }
        const int c = m_lower[a].compare(m_lower[b]);
        return c != 0 ? c < 0 : ta < tb;
    }

    int compare(quint32 a, quint32 b) const { return a == b ? 0 : (less(a, b) ? -1 : 1); }

    // rank[id]: the value's position in the pool's order. Recomputed when values were added.
    const std::vector<quint32> &ranks() const
    {
        if (m_ranked != m_text.size()) {
            std::vector<quint32> ids(m_text.size());
            std::iota(ids.begin(), ids.end(), 0u);
            std::sort(ids.begin(), ids.end(), [this](quint32 a, quint32 b) { return less(a, b); });
            m_rank.assign(ids.size(), 0);
            for (size_t r = 0; r < ids.size(); ++r)
                m_rank[ids[r]] = static_cast<quint32>(r);
            m_ranked = m_text.size();
        }
        return m_rank;
    }

    void clear()
    {
        m_index.clear();
        m_text.clear();
        m_lower.clear();
        m_count.clear();
        m_flag.clear();
        m_rank.clear();
        m_ranked = 0;
        m_last = 0;
    }

    size_t bytes() const
    {
        // QHash node and span overhead, estimated; strings by their allocations.
        constexpr size_t header = 16; // QArrayData
        size_t total = m_text.capacity() * sizeof(QString) * 2 + m_count.capacity() * sizeof(qint64) +
                       m_flag.capacity() + m_rank.capacity() * sizeof(quint32) +
                       m_index.capacity() * (sizeof(QString) + sizeof(quint32) + 8);
        for (size_t i = 0; i < m_text.size(); ++i) {
            total += header + size_t(m_text[i].capacity() + 1) * 2;
            if (m_lower[i].constData() != m_text[i].constData())
                total += header + size_t(m_lower[i].capacity() + 1) * 2;
        }
        return total;
    }

private:
    PoolOrder m_order;
    bool (*m_classify)(const QString &);
    QHash<QString, quint32> m_index;
    std::vector<QString> m_text, m_lower;
    std::vector<qint64> m_count;
    std::vector<quint8> m_flag;
    mutable std::vector<quint32> m_rank;
    mutable size_t m_ranked = 0;
    quint32 m_last = 0; // the previous value: consecutive rows often repeat one
};

bool isProblemVerdict(const QString &v)
{
    return verdict::isProblem(v);
}

// LSD radix sort of the low `bits` bits (the rest must be zero).
void radixSort(std::vector<quint64> &keys, int bits)
{
    if (keys.size() < 512) {
        std::sort(keys.begin(), keys.end());
        return;
    }
    constexpr int digitBits = 11;
    constexpr size_t buckets = size_t(1) << digitBits;
    std::vector<quint64> tmp(keys.size());
    std::vector<size_t> count(buckets);
    for (int shift = 0; shift < bits; shift += digitBits) {
        std::fill(count.begin(), count.end(), 0);
        for (quint64 k : keys)
            ++count[(k >> shift) & (buckets - 1)];
        size_t sum = 0;
        for (size_t &c : count)
            sum += std::exchange(c, sum);
        for (quint64 k : keys)
            tmp[count[(k >> shift) & (buckets - 1)]++] = k;
        keys.swap(tmp);
    }
}

// Inserts items[j] before old element pos[j] (pos ascending, items in their final order),
// moving every element once.
void insertAt(std::vector<quint32> &v, const std::vector<quint32> &items, const std::vector<size_t> &pos)
{
    size_t src = v.size();
    v.resize(v.size() + items.size());
    size_t dst = v.size();
    for (size_t j = items.size(); j-- > 0;) {
        const size_t n = src - pos[j];
        dst -= n;
        std::memmove(v.data() + dst, v.data() + pos[j], n * sizeof(quint32));
        src = pos[j];
        v[--dst] = items[j];
    }
}

struct Key
{
    quint64 major = 0, minor = 0;
    friend auto operator<=>(const Key &, const Key &) =
        default; // NOLINT(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
};

// The rank of a row among rows with equal keys, in [0, n): n-1-row (newest first) when flipped.
struct Tie
{
    quint32 n;
    bool flip;
    int bits = std::bit_width(quint64(n > 0 ? n - 1 : 0));
    quint64 of(quint32 row) const { return flip ? n - 1 - row : row; }
    quint32 row(quint64 t) const { return flip ? n - 1 - quint32(t) : quint32(t); }
};

struct CompiledFilter
{
    bool active = false;
    QString needle;        // lower case; empty: no free-text criterion
    std::string hexNeedle; // the needle when a lower-case UUID text could contain it
    bool uuidCanMatch = false;
    bool verdictSet = false;
    std::vector<quint8> verdictOk; // per verdict pool entry
    bool problemsOnly = false, hideAutomation = false, duplicatesOnly = false;
    qint64 ns = kAnyValue, docType = kAnyValue, debugTag = kAnyValue;
    bool timeRange = false;
    qint64 fromUs = 0, toUs = 0; // [fromUs, toUs); 0: open end
    // Per pool entry: its lower-case text contains the needle.
    std::vector<quint8> nsText, docTypeText, debugTagText, clientIdText, docIdText;
    const std::vector<qint64> *payloadIds = nullptr; // ascending; rows whose payload matched
    std::vector<quint8> payloadHit; // per row, from payloadIds (computeMatch: one merge pass)
};

} // namespace

struct PingTableModel::Data
{
    // Columns: one entry per row held, in arrival order (the storage index, oldest first).
    std::vector<qint64> id, receivedUs, seq, bodyBytes, decodedBytes;
    std::vector<quint32> ns, docType, version, verdict, debugTag, sourceTags, clientId;
    std::vector<qint32> errorCount;
    std::vector<quint64> docHi, docLo;
    std::vector<quint8> flags;
    std::vector<quint8> match; // passes the current filter

    StringPool nsPool{PoolOrder::Text}, docTypePool{PoolOrder::Text}, versionPool{PoolOrder::Natural},
        verdictPool{PoolOrder::Verdict, isProblemVerdict}, debugTagPool{PoolOrder::Text},
        sourceTagsPool{PoolOrder::Text, hasAutomationTag}, clientIdPool{PoolOrder::Text},
        docIdPool{PoolOrder::Exact};
    qint64 problems = 0;

    int sortColumn = -1;
    Qt::SortOrder sortOrder = Qt::AscendingOrder;
    std::vector<quint32> order;   // every row in sort order; empty in arrival order
    std::vector<quint32> visible; // the rows that pass the filter, in display order

    PingFilter filter;
    CompiledFilter compiled;

    mutable QIcon icons[5]; // valid, parsed, no-schema, problem, dropped

    size_t size() const { return id.size(); }

    const StringPool *pool(int column) const
    {
        switch (column) {
        case Namespace:
            return &nsPool;
        case DocType:
            return &docTypePool;
        case Version:
            return &versionPool;
        case Verdict:
            return &verdictPool;
        case DebugTag:
            return &debugTagPool;
        case SourceTags:
            return &sourceTagsPool;
        case ClientId:
            return &clientIdPool;
        default:
            return nullptr;
        }
    }
    const std::vector<quint32> *poolColumn(int column) const
    {
        switch (column) {
        case Namespace:
            return &ns;
        case DocType:
            return &docType;
        case Version:
            return &version;
        case Verdict:
            return &verdict;
        case DebugTag:
            return &debugTag;
        case SourceTags:
            return &sourceTags;
        case ClientId:
            return &clientId;
        default:
            return nullptr;
        }
    }

    void append(const PingRecord &r)
    {
        id.push_back(r.id);
        receivedUs.push_back(r.receivedAtUs);
        seq.push_back(r.seq);
        bodyBytes.push_back(r.bodyBytes);
        decodedBytes.push_back(r.decodedBytes);
        ns.push_back(nsPool.add(r.ns));
        docType.push_back(docTypePool.add(r.docType));
        version.push_back(versionPool.add(r.docVersion));
        const quint32 v = verdictPool.add(r.verdict);
        verdict.push_back(v);
        debugTag.push_back(debugTagPool.add(r.debugId));
        const quint32 tags = sourceTagsPool.add(r.sourceTags);
        sourceTags.push_back(tags);
        clientId.push_back(clientIdPool.add(r.clientId));
        errorCount.push_back(r.errorCount);
        quint8 f = 0;
        if (verdictPool.flag(v)) {
            f |= kProblem;
            ++problems;
        }
        if (sourceTagsPool.flag(tags))
            f |= kAutomation;
        if (hasDuplicateWarning(r.warningsJson))
            f |= kDuplicate;
        quint64 hi = 0, lo = 0;
        if (parseUuid(r.docId, hi, lo))
            f |= kDocUuid;
        else if (!r.docId.isEmpty()) {
            hi = docIdPool.add(r.docId);
            f |= kDocOther;
        }
        docHi.push_back(hi);
        docLo.push_back(lo);
        flags.push_back(f);
        match.push_back(0);
    }

    // Row i of another Data, its strings interned here.
    void appendFrom(const Data &o, size_t i)
    {
        id.push_back(o.id[i]);
        receivedUs.push_back(o.receivedUs[i]);
        seq.push_back(o.seq[i]);
        bodyBytes.push_back(o.bodyBytes[i]);
        decodedBytes.push_back(o.decodedBytes[i]);
        ns.push_back(nsPool.add(o.nsPool.text(o.ns[i])));
        docType.push_back(docTypePool.add(o.docTypePool.text(o.docType[i])));
        version.push_back(versionPool.add(o.versionPool.text(o.version[i])));
        verdict.push_back(verdictPool.add(o.verdictPool.text(o.verdict[i])));
        debugTag.push_back(debugTagPool.add(o.debugTagPool.text(o.debugTag[i])));
        sourceTags.push_back(sourceTagsPool.add(o.sourceTagsPool.text(o.sourceTags[i])));
        clientId.push_back(clientIdPool.add(o.clientIdPool.text(o.clientId[i])));
        errorCount.push_back(o.errorCount[i]);
        const quint8 f = o.flags[i];
        if (f & kProblem)
            ++problems;
        docHi.push_back((f & kDocOther) ? docIdPool.add(o.docIdPool.text(quint32(o.docHi[i]))) : o.docHi[i]);
        docLo.push_back(o.docLo[i]);
        flags.push_back(f);
        match.push_back(0);
    }

    // Drops the k oldest rows (storage indexes [0, k)); every other index moves down by k.
    void dropFront(size_t k)
    {
        for (size_t i = 0; i < k; ++i) {
            nsPool.release(ns[i]);
            docTypePool.release(docType[i]);
            versionPool.release(version[i]);
            verdictPool.release(verdict[i]);
            debugTagPool.release(debugTag[i]);
            sourceTagsPool.release(sourceTags[i]);
            clientIdPool.release(clientId[i]);
            if (flags[i] & kDocOther)
                docIdPool.release(quint32(docHi[i]));
            if (flags[i] & kProblem)
                --problems;
        }
        auto front = [k](auto &v) { v.erase(v.begin(), v.begin() + ptrdiff_t(std::min(k, v.size()))); };
        for (auto *v : {&id, &receivedUs, &seq, &bodyBytes, &decodedBytes})
            front(*v);
        for (auto *v : {&ns, &docType, &version, &verdict, &debugTag, &sourceTags, &clientId})
            front(*v);
        front(errorCount);
        front(docHi);
        front(docLo);
        front(flags);
        front(match);
        front(compiled.payloadHit);
        auto renumber = [k](std::vector<quint32> &rows) {
            size_t out = 0;
            for (const quint32 r : rows)
                if (r >= k)
                    rows[out++] = quint32(r - k);
            rows.resize(out);
        };
        renumber(visible);
        renumber(order);
    }

    void clearRows()
    {
        for (auto *v : {&id, &receivedUs, &seq, &bodyBytes, &decodedBytes})
            std::vector<qint64>().swap(*v);
        for (auto *v :
             {&ns, &docType, &version, &verdict, &debugTag, &sourceTags, &clientId, &order, &visible})
            std::vector<quint32>().swap(*v);
        std::vector<qint32>().swap(errorCount);
        std::vector<quint64>().swap(docHi);
        std::vector<quint64>().swap(docLo);
        std::vector<quint8>().swap(flags);
        std::vector<quint8>().swap(match);
        for (StringPool *p : {&nsPool, &docTypePool, &versionPool, &verdictPool, &debugTagPool,
                              &sourceTagsPool, &clientIdPool, &docIdPool})
            p->clear();
        problems = 0;
        compile();
    }

    QString docIdText(quint32 i) const
    {
        if (flags[i] & kDocUuid)
            return uuidText(docHi[i], docLo[i]);
        if (flags[i] & kDocOther)
            return docIdPool.text(static_cast<quint32>(docHi[i]));
        return {};
    }

    // ---- filtering

    void compile()
    {
        CompiledFilter &c = compiled;
        c = CompiledFilter();
        c.needle = filter.text.trimmed().toLower();
        c.uuidCanMatch = !c.needle.isEmpty() && c.needle.size() <= 36 &&
                         std::all_of(c.needle.cbegin(), c.needle.cend(),
                                     [](QChar ch) { return ch == u'-' || hexValue(ch.unicode()) >= 0; });
        if (c.uuidCanMatch)
            c.hexNeedle = c.needle.toStdString();
        if (!c.needle.isEmpty() && !filter.payloadIds.empty())
            c.payloadIds = &filter.payloadIds;
        c.verdictSet = !filter.verdicts.isEmpty();
        c.problemsOnly = filter.problemsOnly;
        c.hideAutomation = filter.hideAutomation;
        c.duplicatesOnly = filter.duplicatesOnly;
        c.timeRange = filter.hasReceivedRange();
        c.fromUs = filter.receivedFromUs;
        c.toUs = filter.receivedToUs;
        c.active = !c.needle.isEmpty() || c.verdictSet || c.problemsOnly || c.hideAutomation ||
                   c.duplicatesOnly || c.timeRange || !filter.ns.isEmpty() || !filter.docType.isEmpty() ||
                   !filter.debugTag.isEmpty();
        refreshCompiled();
    }

    // Brings the compiled filter up to date with values added to the pools since.
    void refreshCompiled()
    {
        CompiledFilter &c = compiled;
        auto resolve = [](qint64 &target, const QString &value, const StringPool &p) {
            if (value.isEmpty())
                target = kAnyValue;
            else if (target < 0)
                target = p.find(value) >= 0 ? p.find(value) : kNoValue;
        };
        resolve(c.ns, filter.ns, nsPool);
        resolve(c.docType, filter.docType, docTypePool);
        resolve(c.debugTag, filter.debugTag, debugTagPool);
        for (size_t v = c.verdictOk.size(); v < verdictPool.size(); ++v)
            c.verdictOk.push_back(filter.verdicts.contains(verdictPool.text(quint32(v))));
        if (c.needle.isEmpty())
            return;
        auto extend = [&c](std::vector<quint8> &table, const StringPool &p) {
            for (size_t v = table.size(); v < p.size(); ++v)
                table.push_back(p.lower(quint32(v)).contains(c.needle));
        };
        extend(c.nsText, nsPool);
        extend(c.docTypeText, docTypePool);
        extend(c.debugTagText, debugTagPool);
        extend(c.clientIdText, clientIdPool);
        // Doc ids are not lowered: they are matched case-insensitively as they are.
        for (size_t v = c.docIdText.size(); v < docIdPool.size(); ++v)
            c.docIdText.push_back(docIdPool.text(quint32(v)).contains(c.needle, Qt::CaseInsensitive));
    }

    bool matches(size_t i) const
    {
        const CompiledFilter &c = compiled;
        if (!c.active)
            return true;
        const quint8 f = flags[i];
        if ((c.problemsOnly && !(f & kProblem)) || (c.hideAutomation && (f & kAutomation)) ||
            (c.duplicatesOnly && !(f & kDuplicate)))
            return false;
        if (c.verdictSet && !c.verdictOk[verdict[i]])
            return false;
        if (c.timeRange &&
            ((c.fromUs != 0 && receivedUs[i] < c.fromUs) || (c.toUs != 0 && receivedUs[i] >= c.toUs)))
            return false;
        if ((c.ns != kAnyValue && ns[i] != c.ns) || (c.docType != kAnyValue && docType[i] != c.docType) ||
            (c.debugTag != kAnyValue && debugTag[i] != c.debugTag))
            return false;
        if (c.needle.isEmpty())
            return true;
        if (c.nsText[ns[i]] || c.docTypeText[docType[i]] || c.debugTagText[debugTag[i]] ||
            c.clientIdText[clientId[i]])
            return true;
        if (i < c.payloadHit.size() && c.payloadHit[i])
            return true;
        if (f & kDocOther)
            return c.docIdText[docHi[i]];
        if ((f & kDocUuid) && c.uuidCanMatch) {
            char text[36];
            formatUuid(docHi[i], docLo[i], text);
            return std::string_view(text, 36).find(c.hexNeedle) != std::string_view::npos;
        }
        return false;
    }

    void computeMatch(size_t first)
    {
        if (!compiled.active) {
            std::fill(match.begin() + ptrdiff_t(first), match.end(), 1);
            return;
        }
        if (compiled.payloadIds) {
            // Rows and matches are both in id order: a merge, not a search per row.
            const std::vector<qint64> &ids = *compiled.payloadIds;
            compiled.payloadHit.resize(size());
            auto it = std::lower_bound(ids.begin(), ids.end(), first < size() ? id[first] : 0);
            for (size_t i = first; i < size(); ++i) {
                while (it != ids.end() && *it < id[i])
                    ++it;
                compiled.payloadHit[i] = it != ids.end() && *it == id[i];
            }
        } else {
            compiled.payloadHit.clear();
        }
        for (size_t i = first; i < size(); ++i)
            match[i] = matches(i);
    }

    void rebuildVisible()
    {
        visible.clear();
        if (sortColumn < 0) {
            for (size_t i = size(); i-- > 0;)
                if (match[i])
                    visible.push_back(quint32(i));
        } else {
            for (quint32 i : order)
                if (match[i])
                    visible.push_back(i);
        }
    }

    // ---- sorting

    // Compares the values of `column` in rows a and b: the primary sort key.
    int compareValues(int column, quint32 a, quint32 b) const
    {
        auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
        switch (column) {
        case Received:
            return cmp(receivedUs[a], receivedUs[b]);
        case Seq:
            return cmp(seq[a], seq[b]);
        case Size: {
            const int c = cmp(bodyBytes[a], bodyBytes[b]);
            return c != 0 ? c : cmp(decodedBytes[a], decodedBytes[b]);
        }
        case Verdict: {
            const int c = verdictPool.compare(verdict[a], verdict[b]);
            return c != 0 ? c : cmp(errorCount[a], errorCount[b]);
        }
        case DocId:
            return compareDocIds(a, b);
        default: {
            const auto &values = *poolColumn(column);
            return pool(column)->compare(values[a], values[b]);
        }
        }
    }

    int compareDocIds(quint32 a, quint32 b) const
    {
        const quint8 ka = flags[a] & (kDocUuid | kDocOther), kb = flags[b] & (kDocUuid | kDocOther);
        if (!ka || !kb)
            return (ka ? 1 : 0) - (kb ? 1 : 0); // empty first
        if (ka == kDocUuid && kb == kDocUuid) {
            const Key x{docHi[a], docLo[a]}, y{docHi[b], docLo[b]};
            return x < y ? -1 : (y < x ? 1 : 0);
        }
        if (ka == kDocOther && kb == kDocOther && docHi[a] == docHi[b])
            return 0;
        // UUID order is text order, and the pool's order is plain text order too.
        const int c = docIdText(a).compare(docIdText(b));
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }

    // True when row a is shown above row b in the current order.
    bool before(quint32 a, quint32 b) const
    {
        if (sortColumn >= 0) {
            const int c = compareValues(sortColumn, a, b);
            if (c != 0)
                return sortOrder == Qt::AscendingOrder ? c < 0 : c > 0;
        }
        return a > b; // arrival order, newest first
    }

    // Sorts `rows` by (key(row), tie) ascending. Keys are packed into 64 bits with the tie in
    // the low bits and radix sorted; when a key does not fit, its leading bits are sorted on and
    // runs that share them are sorted again on the whole key.
    template <typename KeyFn> void packedSort(std::vector<quint32> &rows, KeyFn key, const Tie &tie) const
    {
        if (rows.size() < 2)
            return;
        Key lo{~quint64(0), ~quint64(0)}, hi{0, 0};
        for (quint32 r : rows) {
            const Key k = key(r);
            lo.major = std::min(lo.major, k.major);
            lo.minor = std::min(lo.minor, k.minor);
            hi.major = std::max(hi.major, k.major);
            hi.minor = std::max(hi.minor, k.minor);
        }
        const int majorBits = std::bit_width(hi.major - lo.major);
        const int minorBits = std::bit_width(hi.minor - lo.minor);
        const int room = 64 - tie.bits; // tie.bits >= 1 here: at least two rows are held
        const bool lossless = majorBits + minorBits <= room;
        const int dropped = lossless ? 0 : majorBits + minorBits - room;
        auto prefix = [&](const Key &k) -> quint64 {
            const quint64 a = k.major - lo.major, b = k.minor - lo.minor;
            if (lossless)
                return minorBits == 0 ? a : (a << minorBits) | b;
            if (dropped >= minorBits)
                return a >> (dropped - minorBits);
            return (a << (minorBits - dropped)) | (b >> dropped);
        };
        std::vector<quint64> keys(rows.size());
        for (size_t j = 0; j < rows.size(); ++j)
            keys[j] = (prefix(key(rows[j])) << tie.bits) | tie.of(rows[j]);
        radixSort(keys, (lossless ? majorBits + minorBits : room) + tie.bits);
        const quint64 tieMask = ~quint64(0) >> (64 - tie.bits);
        for (size_t j = 0; j < rows.size(); ++j)
            rows[j] = tie.row(keys[j] & tieMask);
        if (lossless)
            return;
        for (size_t start = 0; start < keys.size();) {
            size_t end = start + 1;
            while (end < keys.size() && (keys[end] >> tie.bits) == (keys[start] >> tie.bits))
                ++end;
            if (end - start > 1)
                std::sort(rows.begin() + ptrdiff_t(start), rows.begin() + ptrdiff_t(end),
                          [&](quint32 a, quint32 b) {
                              const Key ka = key(a), kb = key(b);
                              return ka != kb ? ka < kb : tie.of(a) < tie.of(b);
                          });
            start = end;
        }
    }

    // Puts `rows` in display order for the current sort column and order.
    void sortRows(std::vector<quint32> &rows) const
    {
        const bool ascending = sortOrder == Qt::AscendingOrder;
        // Ascending: ties newest first, so the tie is n-1-row. Descending: sort ascending with
        // ties oldest first, then reverse, which leaves ties newest first.
        const Tie tie{quint32(size()), ascending};
        switch (sortColumn) {
        case Received:
            packedSort(
                rows,
                [this](quint32 r) {
                    return Key{ordered(receivedUs[r]), 0};
                },
                tie);
            break;
        case Seq:
            packedSort(
                rows,
                [this](quint32 r) {
                    return Key{ordered(seq[r]), 0};
                },
                tie);
            break;
        case Size:
            packedSort(
                rows,
                [this](quint32 r) {
                    return Key{ordered(bodyBytes[r]), ordered(decodedBytes[r])};
                },
                tie);
            break;
        case Verdict: {
            const auto &rank = verdictPool.ranks();
            packedSort(
                rows,
                [this, &rank](quint32 r) {
                    return Key{rank[verdict[r]], ordered(errorCount[r])};
                },
                tie);
            break;
        }
        case DocId:
            sortDocIds(rows, tie);
            break;
        default: {
            const auto &rank = pool(sortColumn)->ranks();
            const auto &values = *poolColumn(sortColumn);
            packedSort(
                rows,
                [&rank, &values](quint32 r) {
                    return Key{rank[values[r]], 0};
                },
                tie);
            break;
        }
        }
        if (!ascending)
            std::reverse(rows.begin(), rows.end());
    }

    void sortDocIds(std::vector<quint32> &rows, const Tie &tie) const
    {
        std::vector<quint32> empty, uuids, others;
        for (quint32 r : rows)
            (flags[r] & kDocUuid ? uuids : flags[r] & kDocOther ? others : empty).push_back(r);
        std::sort(empty.begin(), empty.end(), [&](quint32 a, quint32 b) { return tie.of(a) < tie.of(b); });
        packedSort(
            uuids,
            [this](quint32 r) {
                return Key{docHi[r], docLo[r]};
            },
            tie);
        const auto &rank = docIdPool.ranks();
        packedSort(
            others,
            [this, &rank](quint32 r) {
                return Key{rank[docHi[r]], 0};
            },
            tie);
        // Few doc ids are not UUIDs: place each by binary search rather than merging.
        std::vector<size_t> pos(others.size());
        for (size_t j = 0; j < others.size(); ++j)
            pos[j] =
                size_t(std::lower_bound(uuids.begin(), uuids.end(), others[j],
                                        [this](quint32 u, quint32 o) { return compareDocIds(u, o) < 0; }) -
                       uuids.begin());
        insertAt(uuids, others, pos);
        rows = std::move(empty);
        rows.insert(rows.end(), uuids.begin(), uuids.end());
    }

    void rebuildOrder()
    {
        if (sortColumn < 0) {
            std::vector<quint32>().swap(order);
            return;
        }
        order.resize(size());
        std::iota(order.begin(), order.end(), 0u);
        sortRows(order);
    }

    // ---- display

    QIcon verdictIcon(quint32 v) const;
};

namespace {

QColor verdictColor(const QString &v)
{
    if (verdict::isProblem(v))
        return QColor(0xc0, 0x1c, 0x28);
    if (v == QStringView(verdict::NoSchema))
        return QColor(0xa0, 0x5a, 0x00);
    if (v == QStringView(verdict::Valid))
        return QColor(0x26, 0x7d, 0x3a);
    return QColor(0x6b, 0x72, 0x80);
}

// A round badge: a check for valid, a dot for parsed, a ring for no-schema, "!" for problems,
// a grey struck disc for dropped (gone without an error row).
QPixmap paintBadge(int kind, int size)
{
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal s = size / 16.0;
    const QColor colors[] = {QColor(0x26, 0x7d, 0x3a), QColor(0x6b, 0x72, 0x80), QColor(0xa0, 0x5a, 0x00),
                             QColor(0xc0, 0x1c, 0x28)};
    const QColor c = kind == 4 ? QColor(0x6b, 0x72, 0x80) : colors[kind];
    const QRectF disc(1.5 * s, 1.5 * s, 13 * s, 13 * s);
    if (kind == 2) {
        p.setPen(QPen(c, 2.2 * s));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(disc.adjusted(s, s, -s, -s));
        return pm;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawEllipse(disc);
    p.setBrush(Qt::white);
    if (kind == 0) {
        QPainterPath check;
        check.moveTo(4.6 * s, 8.2 * s);
        check.lineTo(7.0 * s, 10.6 * s);
        check.lineTo(11.4 * s, 5.6 * s);
        p.setPen(QPen(Qt::white, 1.8 * s, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawPath(check);
    } else if (kind == 4) {
        p.setPen(QPen(Qt::white, 2.0 * s, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(4.6 * s, 11.4 * s), QPointF(11.4 * s, 4.6 * s));
    } else if (kind == 1) {
        p.drawEllipse(QPointF(8 * s, 8 * s), 2.2 * s, 2.2 * s);
    } else {
        p.drawRoundedRect(QRectF(7.0 * s, 3.8 * s, 2.0 * s, 5.8 * s), 0.8 * s, 0.8 * s);
        p.drawEllipse(QPointF(8 * s, 11.6 * s), 1.1 * s, 1.1 * s);
    }
    return pm;
}

} // namespace

QIcon PingTableModel::Data::verdictIcon(quint32 v) const
{
    const QString &name = verdictPool.text(v);
    const int kind = name == QStringView(verdict::Dropped)    ? 4
                     : verdictPool.flag(v)                    ? 3
                     : name == QStringView(verdict::Valid)    ? 0
                     : name == QStringView(verdict::NoSchema) ? 2
                                                              : 1;
    if (icons[kind].isNull()) {
        QIcon icon;
        icon.addPixmap(paintBadge(kind, 16));
        icon.addPixmap(paintBadge(kind, 32));
        icons[kind] = icon;
    }
    return icons[kind];
}

// ---------------------------------------------------------------------------------------------

PingTableModel::PingTableModel(QObject *parent) : QAbstractTableModel(parent), m_d(std::make_unique<Data>())
{
    m_d->compile();
}

PingTableModel::~PingTableModel() = default;

int PingTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_d->visible.size());
}

int PingTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags PingTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
}

QVariant PingTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Data &d = *m_d;
    const quint32 i = d.visible[size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Received: {
            const qint64 us = d.receivedUs[i];
            return QDateTime::fromMSecsSinceEpoch(us >= 0 ? us / 1000 : (us - 999) / 1000)
                .toString(u"HH:mm:ss.zzz"_s);
        }
        case Verdict: {
            const QString &v = d.verdictPool.text(d.verdict[i]);
            return d.errorCount[i] > 0 ? u"%1 (%2)"_s.arg(v).arg(d.errorCount[i]) : v;
        }
        case Seq:
            return d.seq[i] >= 0 ? QString::number(d.seq[i]) : QString();
        case DocId:
            if (d.flags[i] & kDocUuid) {
                char text[36];
                formatUuid(d.docHi[i], d.docLo[i], text);
                return QString::fromLatin1(text, 8);
            }
            return d.docIdText(i).left(8);
        case Size: {
            const QLocale locale;
            if (d.decodedBytes[i] >= 0 && d.decodedBytes[i] != d.bodyBytes[i])
                return u"%1 / %2"_s.arg(locale.formattedDataSize(d.bodyBytes[i]),
                                        locale.formattedDataSize(d.decodedBytes[i]));
            return locale.formattedDataSize(d.bodyBytes[i]);
        }
        case ClientId:
            return d.clientIdPool.text(d.clientId[i]).left(8);
        default:
            return d.pool(column)->text((*d.poolColumn(column))[i]);
        }
    case Qt::ToolTipRole:
        switch (column) {
        case Received: {
            const qint64 us = d.receivedUs[i];
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(us >= 0 ? us / 1000 : (us - 999) / 1000);
            const QString micros = u"%1"_s.arg((us % 1000 + 1000) % 1000, 3, 10, QChar(u'0'));
            return tr("%1 local time\n%2 UTC")
                .arg(t.toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) + micros,
                     t.toUTC().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) + micros);
        }
        case Verdict:
            return tr("%1, %n error(s)", nullptr, d.errorCount[i]).arg(d.verdictPool.text(d.verdict[i]));
        case DocId:
            return d.docIdText(i);
        case ClientId:
            return d.clientIdPool.text(d.clientId[i]);
        case Size: {
            const QLocale locale;
            if (d.decodedBytes[i] >= 0)
                return tr("%1 bytes on the wire, %2 bytes decoded")
                    .arg(locale.toString(d.bodyBytes[i]), locale.toString(d.decodedBytes[i]));
            return tr("%1 bytes on the wire, not decoded").arg(locale.toString(d.bodyBytes[i]));
        }
        case Seq:
            return d.seq[i] >= 0 ? QVariant(tr("ping_info.seq %1").arg(d.seq[i])) : QVariant();
        default: {
            const QString &text = d.pool(column)->text((*d.poolColumn(column))[i]);
            return text.isEmpty() ? QVariant() : QVariant(text);
        }
        }
    case Qt::DecorationRole:
        if (column != Verdict)
            return {};
        // Pixmaps need a QGuiApplication; without one (headless tools), a colour swatch.
        if (qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
            return d.verdictIcon(d.verdict[i]);
        return verdictColor(d.verdictPool.text(d.verdict[i]));
    case Qt::ForegroundRole:
        if (column == Verdict &&
            (d.flags[i] & kProblem || d.verdictPool.text(d.verdict[i]) == QStringView(verdict::NoSchema)))
            return verdictColor(d.verdictPool.text(d.verdict[i]));
        return {};
    case Qt::TextAlignmentRole:
        if (column == Seq || column == Size)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case IdRole:
        return d.id[i];
    case ReceivedUsRole:
        return d.receivedUs[i];
    case VerdictRole:
        return d.verdictPool.text(d.verdict[i]);
    case ErrorCountRole:
        return d.errorCount[i];
    case ProblemRole:
        return bool(d.flags[i] & kProblem);
    case DocIdRole:
        return d.docIdText(i);
    case ClientIdRole:
        return d.clientIdPool.text(d.clientId[i]);
    case SortRole:
        switch (column) {
        case Received:
            return d.receivedUs[i];
        case Seq:
            return d.seq[i];
        case Size:
            return d.bodyBytes[i];
        case DocId:
            return d.docIdText(i);
        default:
            return d.pool(column)->text((*d.poolColumn(column))[i]);
        }
    default:
        return {};
    }
}

QVariant PingTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Received:
            return tr("Received");
        case Namespace:
            return tr("Namespace");
        case DocType:
            return tr("Doc type");
        case Version:
            return tr("Ver.");
        case Verdict:
            return tr("Verdict");
        case DebugTag:
            return tr("Debug tag");
        case SourceTags:
            return tr("Source tags");
        case Seq:
            return tr("Seq");
        case DocId:
            return tr("Doc id");
        case Size:
            return tr("Size (wire / decoded)");
        case ClientId:
            return tr("Client id");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case Received:
            return tr("When Pingscope received the request (local time)");
        case Verdict:
            return QString(tr("The verdict and the number of errors") + u'\n' + verdictLegend());
        case DebugTag:
            return tr("X-Debug-ID header");
        case SourceTags:
            return tr("X-Source-Tags header");
        case Seq:
            return tr("Glean ping_info.seq");
        case Size:
            return tr("Bytes on the wire / after decompression");
        }
    }
    return {};
}

// Changes the layout with `rebuild` and moves every persistent index to its row's new place
// (or invalidates it when the row is no longer visible).
template <typename Rebuild>
void PingTableModel::relayout(Rebuild rebuild, QAbstractItemModel::LayoutChangeHint hint, qint64 shift)
{
    Q_EMIT layoutAboutToBeChanged({}, hint);
    // Read after the signal: selection models save their selection as persistent indexes then.
    const QModelIndexList from = persistentIndexList();
    std::vector<qint64> rows; // each one's storage index after the rebuild
    rows.reserve(size_t(from.size()));
    {
        const Data &before = *m_d;
        for (const QModelIndex &p : from)
            rows.push_back(p.isValid() && size_t(p.row()) < before.visible.size()
                               ? qint64(before.visible[size_t(p.row())]) + shift
                               : -1);
    }
    rebuild();
    const Data &d = *m_d; // (the rebuild may have put other storage in place)
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype k = 0; k < from.size(); ++k) {
        const qint64 r = rows[size_t(k)];
        if (r < 0 || !d.match[size_t(r)]) {
            to.append(QModelIndex());
            continue;
        }
        const auto it = std::lower_bound(d.visible.begin(), d.visible.end(), quint32(r),
                                         [&d](quint32 a, quint32 b) { return d.before(a, b); });
        to.append(index(int(it - d.visible.begin()), from[k].column()));
    }
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, hint);
}

void PingTableModel::addPings(const std::vector<PingRecord> &newestFirst)
{
    Data &d = *m_d;
    const size_t first = d.size();
    const size_t valuesBefore = d.nsPool.size() + d.docTypePool.size() + d.versionPool.size() +
                                d.verdictPool.size() + d.debugTagPool.size() + d.sourceTagsPool.size() +
                                d.clientIdPool.size();
    for (auto it = newestFirst.rbegin(); it != newestFirst.rend(); ++it)
        if (d.id.empty() || it->id > d.id.back())
            d.append(*it);
    if (d.size() == first)
        return;
    const bool newValues = valuesBefore != d.nsPool.size() + d.docTypePool.size() + d.versionPool.size() +
                                               d.verdictPool.size() + d.debugTagPool.size() +
                                               d.sourceTagsPool.size() + d.clientIdPool.size();
    d.refreshCompiled();
    d.computeMatch(first);

    if (d.sortColumn < 0) {
        // Arrival order: every new row is newer than those shown, so the batch goes on top.
        std::vector<quint32> fresh;
        for (size_t i = d.size(); i-- > first;)
            if (d.match[i])
                fresh.push_back(quint32(i));
        if (!fresh.empty()) {
            beginInsertRows({}, 0, int(fresh.size()) - 1);
            d.visible.insert(d.visible.begin(), fresh.begin(), fresh.end());
            endInsertRows();
        }
    } else {
        insertSorted(first);
    }
    Q_EMIT countsChanged();
    if (newValues)
        Q_EMIT distinctValuesChanged();
}

void PingTableModel::updatePings(const std::vector<PingRecord> &records)
{
    Data &d = *m_d;
    std::vector<size_t> changed; // storage indexes whose verdict, count or flags changed
    for (const PingRecord &r : records) {
        const auto it = std::lower_bound(d.id.begin(), d.id.end(), r.id);
        if (it == d.id.end() || *it != r.id)
            continue;
        const size_t i = size_t(it - d.id.begin());
        const quint32 v = d.verdictPool.add(r.verdict);
        quint8 f = d.flags[i] & quint8(~(kProblem | kDuplicate));
        if (d.verdictPool.flag(v))
            f |= kProblem;
        if (hasDuplicateWarning(r.warningsJson))
            f |= kDuplicate;
        if (v == d.verdict[i] && f == d.flags[i] && r.errorCount == d.errorCount[i])
            continue;
        if ((d.flags[i] & kProblem) != (f & kProblem))
            d.problems += (f & kProblem) ? 1 : -1;
        d.verdict[i] = v;
        d.errorCount[i] = r.errorCount;
        d.flags[i] = f;
        changed.push_back(i);
    }
    if (changed.empty())
        return;
    // Only rows that start or stop passing the filter (or a sort by verdict) move anything; the
    // rest is a repaint. Checking just the changed rows keeps a slice cheap at a million rows.
    d.refreshCompiled();
    bool flips = d.sortColumn == Verdict;
    for (size_t i : changed)
        flips = flips || quint8(d.compiled.active ? d.matches(i) : 1) != d.match[i];
    if (flips) {
        relayout(
            [&d, &changed] {
                for (size_t i : changed)
                    d.match[i] = d.compiled.active ? d.matches(i) : 1;
                if (d.sortColumn == Verdict)
                    d.rebuildOrder();
                d.rebuildVisible();
            },
            QAbstractItemModel::NoLayoutChangeHint);
    } else if (!d.visible.empty()) {
        Q_EMIT dataChanged(index(0, Verdict), index(int(d.visible.size()) - 1, Verdict));
    }
    Q_EMIT countsChanged();
    Q_EMIT distinctValuesChanged();
}

// Rows [first, size) were appended to the storage while sorted.
void PingTableModel::insertSorted(size_t first)
{
    Data &d = *m_d;
    const size_t added = d.size() - first;
    if (added * 8 > d.size()) {  // a large batch: sorting everything is cheaper than placing
        if (d.visible.empty()) { // nothing shown yet: the batch is one insertion
            d.rebuildOrder();
            std::vector<quint32> shown;
            for (quint32 r : d.order)
                if (d.match[r])
                    shown.push_back(r);
            if (!shown.empty()) {
                beginInsertRows({}, 0, int(shown.size()) - 1);
                d.visible.swap(shown);
                endInsertRows();
            }
            return;
        }
        relayout(
            [&d] {
                d.rebuildOrder();
                d.rebuildVisible();
            },
            QAbstractItemModel::NoLayoutChangeHint);
        return;
    }
    auto before = [&d](quint32 a, quint32 b) { return d.before(a, b); };
    std::vector<quint32> fresh(added);
    std::iota(fresh.begin(), fresh.end(), quint32(first));
    std::sort(fresh.begin(), fresh.end(), before);

    // Every row, in order (binary search among the rows held before the batch).
    std::vector<size_t> pos(fresh.size());
    for (size_t j = 0; j < fresh.size(); ++j)
        pos[j] = size_t(std::lower_bound(d.order.begin(), d.order.end(), fresh[j], before) - d.order.begin());
    insertAt(d.order, fresh, pos);

    // The visible ones.
    std::vector<quint32> shown;
    for (quint32 r : fresh)
        if (d.match[r])
            shown.push_back(r);
    if (shown.empty())
        return;
    pos.resize(shown.size());
    for (size_t j = 0; j < shown.size(); ++j)
        pos[j] = size_t(std::lower_bound(d.visible.begin(), d.visible.end(), shown[j], before) -
                        d.visible.begin());
    if (pos.front() == pos.back()) {
        const int at = int(pos.front());
        beginInsertRows({}, at, at + int(shown.size()) - 1);
        insertAt(d.visible, shown, pos);
        endInsertRows();
        return;
    }
    // Interleaved: one layout change. Old row r moves down by the new rows placed before it.
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::NoLayoutChangeHint);
    const QModelIndexList from = persistentIndexList();
    insertAt(d.visible, shown, pos);
    QModelIndexList to;
    to.reserve(from.size());
    for (const QModelIndex &p : from) {
        if (!p.isValid()) {
            to.append(QModelIndex());
            continue;
        }
        const size_t r = size_t(p.row());
        to.append(
            index(int(r + size_t(std::upper_bound(pos.begin(), pos.end(), r) - pos.begin())), p.column()));
    }
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, QAbstractItemModel::NoLayoutChangeHint);
}

PingTableModel::Rows::Rows() : d(std::make_unique<Data>()) {}
PingTableModel::Rows::~Rows() = default;
PingTableModel::Rows::Rows(Rows &&) noexcept = default;
PingTableModel::Rows &PingTableModel::Rows::operator=(Rows &&) noexcept = default;

void PingTableModel::Rows::append(const std::vector<PingRecord> &oldestFirst)
{
    if (!d)
        d = std::make_unique<Data>();
    for (const PingRecord &r : oldestFirst)
        if (d->id.empty() || r.id > d->id.back())
            d->append(r);
}

size_t PingTableModel::Rows::size() const
{
    return d ? d->size() : 0;
}

qint64 PingTableModel::Rows::newestId() const
{
    return d && !d->id.empty() ? d->id.back() : 0;
}

void PingTableModel::adoptOlder(Rows &&older)
{
    if (!older.d || older.d->id.empty())
        return;
    Data &cur = *m_d;
    // Keep only what is older than every row held, then add the rows held after it.
    Data &n = *older.d;
    if (!cur.id.empty() && n.id.back() >= cur.id.front()) {
        const size_t keep = size_t(std::lower_bound(n.id.begin(), n.id.end(), cur.id.front()) - n.id.begin());
        Data trimmed;
        for (size_t i = 0; i < keep; ++i)
            trimmed.appendFrom(n, i);
        n = std::move(trimmed);
    }
    const size_t shift = n.size();
    for (size_t i = 0; i < cur.size(); ++i)
        n.appendFrom(cur, i);
    n.filter = cur.filter;
    n.sortColumn = cur.sortColumn;
    n.sortOrder = cur.sortOrder;
    n.compile();
    n.computeMatch(0);
    n.rebuildOrder();
    n.rebuildVisible();

    // The rows held move up by `shift` in the new storage.
    relayout([this, &older] { m_d.swap(older.d); }, QAbstractItemModel::NoLayoutChangeHint, qint64(shift));
    older.d.reset();
    Q_EMIT countsChanged();
    Q_EMIT distinctValuesChanged();
}

void PingTableModel::dropOldest(size_t count)
{
    Data &d = *m_d;
    count = std::min(count, d.size());
    if (count == 0)
        return;
    relayout([&d, count] { d.dropFront(count); }, QAbstractItemModel::NoLayoutChangeHint, -qint64(count));
    Q_EMIT countsChanged();
    Q_EMIT distinctValuesChanged();
}

void PingTableModel::clear()
{
    beginResetModel();
    m_d->clearRows();
    endResetModel();
    Q_EMIT countsChanged();
    Q_EMIT distinctValuesChanged();
}

void PingTableModel::sort(int column, Qt::SortOrder order)
{
    Data &d = *m_d;
    if (column < 0 || column >= ColumnCount)
        column = -1;
    if (column == d.sortColumn && (column < 0 || order == d.sortOrder))
        return;
    relayout(
        [&d, column, order] {
            d.sortColumn = column;
            d.sortOrder = order;
            d.rebuildOrder();
            d.rebuildVisible();
        },
        QAbstractItemModel::VerticalSortHint);
}

void PingTableModel::setFilter(const PingFilter &filter)
{
    Data &d = *m_d;
    if (filter == d.filter)
        return;
    relayout(
        [&d, &filter] {
            d.filter = filter;
            d.compile();
            d.computeMatch(0);
            d.rebuildVisible();
        },
        QAbstractItemModel::NoLayoutChangeHint);
    Q_EMIT countsChanged();
}

const PingFilter &PingTableModel::filter() const
{
    return m_d->filter;
}

void PingTableModel::setFilterText(const QString &text)
{
    PingFilter f = m_d->filter;
    f.text = text;
    setFilter(f);
}

void PingTableModel::setProblemsOnly(bool on)
{
    PingFilter f = m_d->filter;
    f.problemsOnly = on;
    setFilter(f);
}

void PingTableModel::setNamespaceFilter(const QString &ns)
{
    PingFilter f = m_d->filter;
    f.ns = ns;
    setFilter(f);
}

void PingTableModel::setHideAutomation(bool on)
{
    PingFilter f = m_d->filter;
    f.hideAutomation = on;
    setFilter(f);
}

void PingTableModel::setReceivedRange(qint64 fromUs, qint64 toUs)
{
    PingFilter f = m_d->filter;
    f.receivedFromUs = fromUs;
    f.receivedToUs = toUs;
    setFilter(f);
}

void PingTableModel::clearFilter()
{
    setFilter(PingFilter());
}

int PingTableModel::sortColumn() const
{
    return m_d->sortColumn;
}

Qt::SortOrder PingTableModel::sortOrder() const
{
    return m_d->sortOrder;
}

qint64 PingTableModel::totalCount() const
{
    return qint64(m_d->size());
}

int PingTableModel::visibleCount() const
{
    return int(m_d->visible.size());
}

qint64 PingTableModel::problemCount() const
{
    return m_d->problems;
}

qint64 PingTableModel::oldestId() const
{
    return m_d->id.empty() ? 0 : m_d->id.front();
}

qint64 PingTableModel::newestId() const
{
    return m_d->id.empty() ? 0 : m_d->id.back();
}

qint64 PingTableModel::idAt(int row) const
{
    if (row < 0 || size_t(row) >= m_d->visible.size())
        return 0;
    return m_d->id[m_d->visible[size_t(row)]];
}

int PingTableModel::rowOfId(qint64 id) const
{
    const Data &d = *m_d;
    const auto it = std::lower_bound(d.id.begin(), d.id.end(), id); // ids ascend (addPings)
    if (it == d.id.end() || *it != id)
        return -1;
    const auto r = quint32(it - d.id.begin());
    if (!d.match[r])
        return -1;
    const auto pos = std::lower_bound(d.visible.begin(), d.visible.end(), r,
                                      [&d](quint32 a, quint32 b) { return d.before(a, b); });
    return pos != d.visible.end() && *pos == r ? int(pos - d.visible.begin()) : -1;
}

QList<PingTableModel::ValueCount> PingTableModel::distinctValues(Column column) const
{
    const StringPool *p = m_d->pool(column);
    if (!p)
        return {};
    const auto &rank = p->ranks();
    std::vector<quint32> ids(p->size());
    for (quint32 v = 0; v < ids.size(); ++v)
        ids[rank[v]] = v;
    QList<ValueCount> out;
    for (quint32 v : ids)
        if (p->count(v) > 0 && !p->text(v).isEmpty())
            out.append({p->text(v), p->count(v)});
    return out;
}

size_t PingTableModel::storageBytes() const
{
    const Data &d = *m_d;
    auto bytes = [](const auto &v) { return v.capacity() * sizeof(v[0]); };
    size_t total = 0;
    for (const auto *v : {&d.id, &d.receivedUs, &d.seq, &d.bodyBytes, &d.decodedBytes})
        total += bytes(*v);
    for (const auto *v : {&d.ns, &d.docType, &d.version, &d.verdict, &d.debugTag, &d.sourceTags, &d.clientId,
                          &d.order, &d.visible})
        total += bytes(*v);
    total += bytes(d.errorCount) + bytes(d.docHi) + bytes(d.docLo) + bytes(d.flags) + bytes(d.match);
    for (const StringPool *p : {&d.nsPool, &d.docTypePool, &d.versionPool, &d.verdictPool, &d.debugTagPool,
                                &d.sourceTagsPool, &d.clientIdPool, &d.docIdPool})
        total += p->bytes();
    return total;
}

} // namespace pingscope
