// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "analysis/jsondiff.h"

#include <QDateTime>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <unordered_map>
#include <utility>

using namespace Qt::StringLiterals;

namespace pingscope {

using ojson = nlohmann::ordered_json;

std::string jsonPointerEscape(std::string_view key)
{
    std::string out;
    out.reserve(key.size());
    for (const char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

namespace {

// Past this many element pairs an array is compared index by index: the LCS table would take
// more than 16 MB and a noticeable time.
constexpr size_t kMaxLcsCells = 4'000'000;
// Unaligned runs of objects up to this many pairs are paired by likeness, not by position.
constexpr size_t kMaxLikenessCells = 40'000;

size_t mix(size_t h, size_t v)
{
    return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

// A hash that agrees with sameValue(): objects regardless of key order, numbers by value.
size_t hashValue(const ojson &v)
{
    switch (v.type()) {
    case ojson::value_t::null:
        return 0x51ed27;
    case ojson::value_t::boolean:
        return v.get<bool>() ? 0x7a3 : 0x7a4;
    case ojson::value_t::number_integer:
    case ojson::value_t::number_unsigned:
    case ojson::value_t::number_float: {
        const double d = v.get<double>();
        return std::hash<double>{}(d == 0 ? 0.0 : d); // -0 == 0
    }
    case ojson::value_t::string:
        return std::hash<std::string>{}(v.get_ref<const std::string &>());
    case ojson::value_t::array: {
        size_t h = 0xa11a7;
        for (const auto &e : v)
            h = mix(h, hashValue(e));
        return h;
    }
    case ojson::value_t::object: {
        // A sum of the members' hashes does not depend on their order.
        size_t h = 0x0b7ec7;
        for (auto it = v.begin(); it != v.end(); ++it)
            h += mix(std::hash<std::string>{}(it.key()), hashValue(it.value()));
        return h;
    }
    default:
        return 0;
    }
}

// ordered_json's lookups walk the members; big objects get a hash index.
class Members
{
public:
    explicit Members(const ojson &object) : m_object(object)
    {
        if (object.size() > 16)
            for (auto it = object.begin(); it != object.end(); ++it)
                m_index.emplace(it.key(), &it.value());
    }
    const ojson *find(const std::string &key) const
    {
        if (m_index.empty()) {
            const auto it = m_object.find(key);
            return it == m_object.end() ? nullptr : &*it;
        }
        const auto it = m_index.find(key);
        return it == m_index.end() ? nullptr : it->second;
    }

private:
    const ojson &m_object;
    std::unordered_map<std::string_view, const ojson *> m_index;
};

bool sameValue(const ojson &a, const ojson &b)
{
    if (a.is_object() && b.is_object()) {
        if (a.size() != b.size())
            return false;
        const Members mb(b);
        for (auto it = a.begin(); it != a.end(); ++it) {
            const ojson *other = mb.find(it.key());
            if (!other || !sameValue(it.value(), *other))
                return false;
        }
        return true;
    }
    if (a.is_array() && b.is_array()) {
        if (a.size() != b.size())
            return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (!sameValue(a[i], b[i]))
                return false;
        return true;
    }
    // Scalars, and values of two types (never equal, but 1 == 1.0).
    return a == b;
}

// A Glean event: {"category", "name", "timestamp", "extra"?}.
bool isEventArray(const ojson &array)
{
    return std::all_of(array.begin(), array.end(), [](const ojson &e) {
        return e.is_object() && e.contains("category") && e.contains("name") && e.contains("timestamp");
    });
}

// The members of an object as hashes, sorted, so that two objects' likeness (how many members
// they share) is a merge.
std::vector<size_t> memberHashes(const ojson &v)
{
    std::vector<size_t> out;
    if (!v.is_object())
        return out;
    out.reserve(v.size());
    for (auto it = v.begin(); it != v.end(); ++it)
        out.push_back(mix(std::hash<std::string>{}(it.key()), hashValue(it.value())));
    std::sort(out.begin(), out.end());
    return out;
}

size_t sharedCount(const std::vector<size_t> &a, const std::vector<size_t> &b)
{
    size_t n = 0;
    for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
        if (a[i] == b[j]) {
            ++n;
            ++i;
            ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    return n;
}

class Differ
{
public:
    explicit Differ(std::vector<DiffEntry> &out) : m_out(out) {}

    void value(const ojson &a, const ojson &b)
    {
        if (a.is_object() && b.is_object())
            object(a, b);
        else if (a.is_array() && b.is_array())
            array(a, b);
        else if (!sameValue(a, b))
            report(DiffEntry::Kind::Changed, &a, &b);
    }

private:
    // Appends one step to the current pointer for the life of the object.
    class Step
    {
    public:
        Step(std::string &pointer, std::string_view key) : m_pointer(pointer), m_size(pointer.size())
        {
            pointer += '/';
            pointer += jsonPointerEscape(key);
        }
        Step(std::string &pointer, size_t index) : m_pointer(pointer), m_size(pointer.size())
        {
            pointer += '/';
            pointer += std::to_string(index);
        }
        ~Step() { m_pointer.resize(m_size); }
        Step(const Step &) = delete;
        Step &operator=(const Step &) = delete;

    private:
        std::string &m_pointer;
        size_t m_size;
    };

    void report(DiffEntry::Kind kind, const ojson *before, const ojson *after)
    {
        DiffEntry e;
        e.kind = kind;
        e.pointer = m_pointer;
        if (before)
            e.before = *before;
        if (after)
            e.after = *after;
        m_out.push_back(std::move(e));
    }

    void object(const ojson &a, const ojson &b)
    {
        const Members inA(a), inB(b);
        for (auto it = a.begin(); it != a.end(); ++it) {
            const Step step(m_pointer, it.key());
            if (const ojson *other = inB.find(it.key()))
                value(it.value(), *other);
            else
                report(DiffEntry::Kind::Removed, &it.value(), nullptr);
        }
        for (auto it = b.begin(); it != b.end(); ++it) {
            if (inA.find(it.key()))
                continue;
            const Step step(m_pointer, it.key());
            report(DiffEntry::Kind::Added, nullptr, &it.value());
        }
    }

    void removed(const ojson &a, size_t i)
    {
        const Step step(m_pointer, i);
        report(DiffEntry::Kind::Removed, &a[i], nullptr);
    }
    void added(const ojson &b, size_t j)
    {
        const Step step(m_pointer, j);
        report(DiffEntry::Kind::Added, nullptr, &b[j]);
    }
    void paired(const ojson &a, size_t i, const ojson &b, size_t j)
    {
        const Step step(m_pointer, j);
        value(a[i], b[j]);
    }

    void array(const ojson &a, const ojson &b)
    {
        if (!a.empty() && !b.empty() && isEventArray(a) && isEventArray(b))
            events(a, b);
        else
            aligned(a, b);
    }

    // Glean events: an event keeps its (category, name, timestamp) when others come and go,
    // and mostly its (category, name) when only its extras or its timestamp changed.
    void events(const ojson &a, const ojson &b)
    {
        const auto key = [](const ojson &e, bool withTime) {
            const auto dump = [](const ojson &v) {
                return v.dump(-1, ' ', false, ojson::error_handler_t::replace);
            };
            std::string k = dump(e["category"]) + '\x1f' + dump(e["name"]);
            if (withTime)
                k += '\x1f' + dump(e["timestamp"]);
            return k;
        };
        std::vector<std::ptrdiff_t> matchOf(a.size(), -1);
        std::vector<bool> taken(b.size(), false);
        for (const bool withTime : {true, false}) {
            std::unordered_map<std::string, std::deque<size_t>> waiting;
            for (size_t j = 0; j < b.size(); ++j)
                if (!taken[j])
                    waiting[key(b[j], withTime)].push_back(j);
            for (size_t i = 0; i < a.size(); ++i) {
                if (matchOf[i] >= 0)
                    continue;
                const auto w = waiting.find(key(a[i], withTime));
                if (w == waiting.end() || w->second.empty())
                    continue;
                const size_t j = w->second.front();
                w->second.pop_front();
                matchOf[i] = static_cast<std::ptrdiff_t>(j);
                taken[j] = true;
            }
        }
        // In A's order; each of B's new events just before the first match that comes after it.
        size_t nextB = 0; // B's new events before this one are reported
        const auto addNewBefore = [&](size_t end) {
            for (; nextB < end; ++nextB)
                if (!taken[nextB])
                    added(b, nextB);
        };
        for (size_t i = 0; i < a.size(); ++i) {
            if (matchOf[i] < 0) {
                removed(a, i);
                continue;
            }
            const auto j = static_cast<size_t>(matchOf[i]);
            addNewBefore(j);
            paired(a, i, b, j);
        }
        addNewBefore(b.size());
    }

    // Other arrays: the longest common subsequence of equal elements anchors the alignment; the
    // runs between anchors are compared pairwise.
    void aligned(const ojson &a, const ojson &b)
    {
        const size_t n = a.size(), m = b.size();
        std::vector<size_t> ha(n), hb(m);
        for (size_t i = 0; i < n; ++i)
            ha[i] = hashValue(a[i]);
        for (size_t j = 0; j < m; ++j)
            hb[j] = hashValue(b[j]);
        const auto eq = [&](size_t i, size_t j) { return ha[i] == hb[j] && sameValue(a[i], b[j]); };

        std::vector<std::pair<size_t, size_t>> anchors;
        size_t head = 0;
        while (head < n && head < m && eq(head, head))
            ++head;
        size_t tail = 0;
        while (tail < n - head && tail < m - head && eq(n - 1 - tail, m - 1 - tail))
            ++tail;
        for (size_t k = 0; k < head; ++k)
            anchors.emplace_back(k, k);
        const size_t rows = n - head - tail, cols = m - head - tail;
        if (rows > 0 && cols > 0 && rows * cols <= kMaxLcsCells) {
            // lcs[i][j]: the LCS length of the middle parts from i and j on.
            std::vector<std::uint32_t> lcs((rows + 1) * (cols + 1), 0);
            const auto at = [&](size_t i, size_t j) -> std::uint32_t & { return lcs[i * (cols + 1) + j]; };
            for (size_t i = rows; i-- > 0;)
                for (size_t j = cols; j-- > 0;)
                    at(i, j) =
                        eq(head + i, head + j) ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
            for (size_t i = 0, j = 0; i < rows && j < cols;) {
                if (eq(head + i, head + j)) {
                    anchors.emplace_back(head + i, head + j);
                    ++i;
                    ++j;
                } else if (at(i + 1, j) >= at(i, j + 1)) {
                    ++i;
                } else {
                    ++j;
                }
            }
        }
        for (size_t k = 0; k < tail; ++k)
            anchors.emplace_back(n - tail + k, m - tail + k);

        size_t i = 0, j = 0;
        for (const auto &[ai, bj] : anchors) {
            run(a, i, ai, b, j, bj);
            i = ai + 1;
            j = bj + 1;
        }
        run(a, i, n, b, j, m);
    }

    // A[i0, i1) against B[j0, j1): the elements between two anchors (or an end), unaligned.
    void run(const ojson &a, size_t i0, size_t i1, const ojson &b, size_t j0, size_t j1)
    {
        const size_t rows = i1 - i0, cols = j1 - j0;
        if (rows == 0 || cols == 0 || rows == cols || rows * cols > kMaxLikenessCells ||
            !std::all_of(a.begin() + i0, a.begin() + i1, [](const ojson &e) { return e.is_object(); }) ||
            !std::all_of(b.begin() + j0, b.begin() + j1, [](const ojson &e) { return e.is_object(); })) {
            // Position by position: an element changed in place is one Changed (or its inner
            // differences); what is left over on one side was removed or added.
            const size_t k = std::min(rows, cols);
            for (size_t t = 0; t < k; ++t)
                paired(a, i0 + t, b, j0 + t);
            for (size_t t = k; t < rows; ++t)
                removed(a, i0 + t);
            for (size_t t = k; t < cols; ++t)
                added(b, j0 + t);
            return;
        }
        // Objects, more on one side: pair each with the most alike on the other (an ordered
        // matching that shares the most members), so that an inserted object is not paired with
        // the one it pushed along.
        std::vector<std::vector<size_t>> ma(rows), mb(cols);
        for (size_t t = 0; t < rows; ++t)
            ma[t] = memberHashes(a[i0 + t]);
        for (size_t t = 0; t < cols; ++t)
            mb[t] = memberHashes(b[j0 + t]);
        std::vector<size_t> best((rows + 1) * (cols + 1), 0);
        const auto at = [&](size_t r, size_t c) -> size_t & { return best[r * (cols + 1) + c]; };
        std::vector<size_t> shared(rows * cols);
        for (size_t r = 0; r < rows; ++r)
            for (size_t c = 0; c < cols; ++c)
                shared[r * cols + c] = sharedCount(ma[r], mb[c]);
        for (size_t r = rows; r-- > 0;)
            for (size_t c = cols; c-- > 0;) {
                const size_t s = shared[r * cols + c];
                at(r, c) = std::max({s > 0 ? at(r + 1, c + 1) + s : 0, at(r + 1, c), at(r, c + 1)});
            }
        size_t r = 0, c = 0;
        while (r < rows && c < cols) {
            const size_t s = shared[r * cols + c];
            if (s > 0 && at(r, c) == at(r + 1, c + 1) + s) {
                paired(a, i0 + r, b, j0 + c);
                ++r;
                ++c;
            } else if (at(r, c) == at(r + 1, c)) {
                removed(a, i0 + r);
                ++r;
            } else {
                added(b, j0 + c);
                ++c;
            }
        }
        for (; r < rows; ++r)
            removed(a, i0 + r);
        for (; c < cols; ++c)
            added(b, j0 + c);
    }

    std::vector<DiffEntry> &m_out;
    std::string m_pointer;
};

const ojson *member(const ojson &doc, std::initializer_list<const char *> path)
{
    const ojson *v = &doc;
    for (const char *key : path) {
        if (!v->is_object())
            return nullptr;
        const auto it = v->find(key);
        if (it == v->end())
            return nullptr;
        v = &*it;
    }
    return v;
}

QString text(const ojson *v)
{
    if (!v)
        return u"(none)"_s;
    if (v->is_string())
        return QString::fromStdString(v->get<std::string>());
    return QString::fromStdString(v->dump(-1, ' ', false, ojson::error_handler_t::replace));
}

// "+27.826 s", "-3 min 5 s", "+2 h 10 min", "+3 d 4 h".
QString signedDuration(qint64 ms)
{
    const QString sign = ms < 0 ? u"-"_s : u"+"_s;
    const qint64 v = ms < 0 ? -ms : ms;
    const qint64 s = v / 1000, min = s / 60, h = min / 60, d = h / 24;
    QString out;
    if (v < 1000)
        out = u"%1 ms"_s.arg(v);
    else if (v < 60'000)
        out = v % 1000 ? u"%1 s"_s.arg(QString::number(static_cast<double>(v) / 1000.0, 'f', 3))
                       : u"%1 s"_s.arg(s);
    else if (min < 60)
        out = s % 60 ? u"%1 min %2 s"_s.arg(min).arg(s % 60) : u"%1 min"_s.arg(min);
    else if (h < 48)
        out = min % 60 ? u"%1 h %2 min"_s.arg(h).arg(min % 60) : u"%1 h"_s.arg(h);
    else
        out = h % 24 ? u"%1 d %2 h"_s.arg(d).arg(h % 24) : u"%1 d"_s.arg(d);
    return sign + out;
}

QDateTime parseTime(const ojson *v)
{
    if (!v || !v->is_string())
        return {};
    return QDateTime::fromString(QString::fromStdString(v->get<std::string>()), Qt::ISODateWithMs);
}

// "ping_info.start_time +27.010 s (2026-...  → 2026-...)" when the two times differ.
void timeNote(std::vector<std::string> &notes, const QString &name, const ojson *a, const ojson *b,
              const QString &whenEarlier)
{
    if (!a || !b || sameValue(*a, *b))
        return;
    const QDateTime ta = parseTime(a), tb = parseTime(b);
    if (!ta.isValid() || !tb.isValid()) {
        notes.push_back(u"%1 %2 → %3"_s.arg(name, text(a), text(b)).toStdString());
        return;
    }
    const qint64 ms = ta.msecsTo(tb);
    QString note = u"%1 %2 (%3 → %4)"_s.arg(name, signedDuration(ms), text(a), text(b));
    if (ms < 0 && !whenEarlier.isEmpty())
        note += u": "_s + whenEarlier;
    notes.push_back(note.toStdString());
}

// Different strings at `a` and `b` (both present).
bool differ(const ojson *a, const ojson *b)
{
    return a && b && !sameValue(*a, *b);
}

void gleanNotes(const ojson &a, const ojson &b, std::vector<std::string> &notes)
{
    const ojson *clientA = member(a, {"client_info", "client_id"});
    const ojson *clientB = member(b, {"client_info", "client_id"});
    const bool otherClient = differ(clientA, clientB);
    if (otherClient)
        notes.push_back(
            u"different clients: client_info.client_id %1 → %2"_s.arg(text(clientA), text(clientB))
                .toStdString());

    const ojson *seqA = member(a, {"ping_info", "seq"});
    const ojson *seqB = member(b, {"ping_info", "seq"});
    if (seqA && seqB && seqA->is_number_integer() && seqB->is_number_integer()) {
        const qint64 sa = seqA->get<qint64>(), sb = seqB->get<qint64>();
        qint64 delta = 0;
        if (__builtin_sub_overflow(sb, sa, &delta)) // seqs no client sends: clamped, not overflowed
            delta = sb > sa ? std::numeric_limits<qint64>::max() : std::numeric_limits<qint64>::min();
        const QString head =
            u"ping_info.seq %1 → %2 (%3%4)"_s.arg(sa).arg(sb).arg(delta > 0 ? u"+"_s : QString()).arg(delta);
        QString note;
        if (otherClient)
            note =
                u"ping_info.seq %1 → %2: not comparable, the pings are from different clients"_s.arg(sa).arg(
                    sb);
        else if (delta == 0)
            note = u"ping_info.seq %1 in both: the same ping sent again, or a seq used twice"_s.arg(sa);
        else if (delta == 1)
            note = head + u": consecutive pings of this client"_s;
        else if (delta == 2)
            note = head + u": 1 ping of this client is missing between them"_s;
        else if (delta > 2)
            note = head + u": %1 pings of this client are missing between them"_s.arg(delta - 1);
        else
            note = head + u": seq went backwards (B was sent before A, or the client's data was reset)"_s;
        notes.push_back(note.toStdString());
    }

    const ojson *reasonA = member(a, {"ping_info", "reason"});
    const ojson *reasonB = member(b, {"ping_info", "reason"});
    if ((reasonA || reasonB) && (!reasonA || !reasonB || !sameValue(*reasonA, *reasonB)))
        notes.push_back(u"ping_info.reason %1 → %2"_s.arg(text(reasonA), text(reasonB)).toStdString());

    timeNote(notes, u"ping_info.start_time"_s, member(a, {"ping_info", "start_time"}),
             member(b, {"ping_info", "start_time"}), u"B started before A"_s);
    timeNote(notes, u"ping_info.end_time"_s, member(a, {"ping_info", "end_time"}),
             member(b, {"ping_info", "end_time"}), u"B ended before A"_s);
}

void telemetryNotes(const ojson &a, const ojson &b, std::vector<std::string> &notes)
{
    const ojson *clientA = member(a, {"clientId"});
    const ojson *clientB = member(b, {"clientId"});
    if (differ(clientA, clientB))
        notes.push_back(
            u"different clients: clientId %1 → %2"_s.arg(text(clientA), text(clientB)).toStdString());
    const ojson *idA = member(a, {"id"});
    const ojson *idB = member(b, {"id"});
    if (differ(idA, idB))
        notes.push_back(u"different documents: id %1 → %2"_s.arg(text(idA), text(idB)).toStdString());
    else if (idA && idB)
        notes.push_back(
            u"the same document id %1: the pipeline keeps the first copy and drops the other"_s.arg(text(idA))
                .toStdString());
    timeNote(notes, u"creationDate"_s, member(a, {"creationDate"}), member(b, {"creationDate"}),
             u"B was made before A"_s);
}

bool isGleanPing(const ojson &doc)
{
    const ojson *info = member(doc, {"ping_info"});
    return info && info->is_object();
}

bool isTelemetryPing(const ojson &doc)
{
    return doc.is_object() && doc.contains("payload") && doc.contains("application");
}

// Control characters of keys and values go to the terminal escaped: a ping's key must not be
// able to move the cursor or change colours.
QString printable(QString s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s.at(i).unicode();
        if (c < 0x20 || c == 0x7f) {
            const QString esc = u"\\u%1"_s.arg(static_cast<int>(c), 4, 16, QChar(u'0'));
            s.replace(i, 1, esc);
            i += esc.size() - 1;
        }
    }
    return s;
}

constexpr qsizetype kShownValueLength = 120;

QString shownValue(const ojson &v)
{
    QString s = QString::fromStdString(v.dump(-1, ' ', false, ojson::error_handler_t::replace));
    if (s.size() <= kShownValueLength)
        return s;
    qsizetype cut = kShownValueLength - 1;
    if (s.at(cut - 1).isHighSurrogate())
        --cut;
    return s.left(cut) + u"…"_s;
}

} // namespace

JsonDiff diffJson(const ojson &a, const ojson &b)
{
    JsonDiff diff;
    Differ(diff.entries).value(a, b);
    if (diff.equal())
        return diff;
    if (isGleanPing(a) && isGleanPing(b))
        gleanNotes(a, b, diff.notes);
    else if (isTelemetryPing(a) && isTelemetryPing(b))
        telemetryNotes(a, b, diff.notes);
    return diff;
}

QString formatDiff(const JsonDiff &diff, bool color)
{
    const auto paint = [color](const char *code, const QString &s) {
        return color ? u"\x1b["_s + QLatin1StringView(code) + u'm' + s + u"\x1b[0m"_s : s;
    };
    QStringList lines;
    for (const std::string &note : diff.notes)
        lines << paint("1;36", u"note: "_s + printable(QString::fromStdString(note)));
    int added = 0, removed = 0, changed = 0;
    for (const DiffEntry &e : diff.entries) {
        const QString where =
            e.pointer.empty() ? u"(the whole document)"_s : printable(QString::fromStdString(e.pointer));
        switch (e.kind) {
        case DiffEntry::Kind::Added:
            ++added;
            lines << paint("32", u"+ %1: %2"_s.arg(where, shownValue(e.after)));
            break;
        case DiffEntry::Kind::Removed:
            ++removed;
            lines << paint("31", u"- %1: %2"_s.arg(where, shownValue(e.before)));
            break;
        case DiffEntry::Kind::Changed:
            ++changed;
            lines << paint("33", u"~ %1: %2 → %3"_s.arg(where, shownValue(e.before), shownValue(e.after)));
            break;
        }
    }
    lines << (diff.equal() ? u"no differences"_s
                           : u"%1 added, %2 removed, %3 changed"_s.arg(added).arg(removed).arg(changed));
    return lines.join(u'\n');
}

ojson diffToJson(const JsonDiff &diff)
{
    ojson entries = ojson::array();
    for (const DiffEntry &e : diff.entries) {
        ojson j;
        switch (e.kind) {
        case DiffEntry::Kind::Added:
            j["op"] = "add";
            j["pointer"] = e.pointer;
            j["after"] = e.after;
            break;
        case DiffEntry::Kind::Removed:
            j["op"] = "remove";
            j["pointer"] = e.pointer;
            j["before"] = e.before;
            break;
        case DiffEntry::Kind::Changed:
            j["op"] = "change";
            j["pointer"] = e.pointer;
            j["before"] = e.before;
            j["after"] = e.after;
            break;
        }
        entries.push_back(std::move(j));
    }
    ojson out;
    out["equal"] = diff.equal();
    out["notes"] = diff.notes;
    out["entries"] = std::move(entries);
    return out;
}

} // namespace pingscope
