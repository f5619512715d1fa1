// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "eventsmodel.h"

#include "ingest.h"
#include "payloadjson.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

QString str(const ojson &v)
{
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_null())
        return {};
    return QString::fromStdString(v.dump(-1, ' ', false, ojson::error_handler_t::replace));
}

qint64 integer(const ojson *v, qint64 fallback)
{
    if (!v || !v->is_number())
        return fallback;
    if (v->is_number_float())
        return qint64(v->get<double>());
    return v->get<qint64>();
}

void readExtras(const ojson &extra, TelemetryEvent &e)
{
    if (!extra.is_object())
        return;
    for (auto it = extra.begin(); it != extra.end(); ++it)
        e.extras.append({QString::fromStdString(it.key()), str(*it)});
}

void readSession(const ojson &s, TelemetryEvent &e)
{
    if (!s.is_object())
        return;
    if (const ojson *v = member(s, "session_id"))
        e.sessionId = str(*v);
    e.sessionSeq = integer(member(s, "session_seq"), -1);
    e.eventSeq = integer(member(s, "event_seq"), -1);
    if (const ojson *v = member(s, "session_sample_rate"); v && v->is_number())
        e.sessionSampleRate = v->get<double>();
    if (const ojson *v = member(s, "session_start_time"))
        e.sessionStartTime = str(*v);
}

// [timestamp, category, method, object, value, extra]
void readLegacy(const ojson &list, const QString &process, qint64 processStartMs,
                std::vector<TelemetryEvent> &out)
{
    if (!list.is_array())
        return;
    for (const auto &a : list) {
        if (!a.is_array() || a.size() < 4 || !a[0].is_number())
            continue;
        TelemetryEvent e;
        e.timestamp = integer(&a[0], 0);
        e.process = process;
        e.category = str(a[1]);
        e.name = str(a[2]);
        e.object = str(a[3]);
        if (a.size() > 4)
            e.value = str(a[4]);
        if (a.size() > 5)
            readExtras(a[5], e);
        e.absoluteMs = processStartMs > 0 ? processStartMs + e.timestamp : 0;
        out.push_back(std::move(e));
    }
}

} // namespace

std::vector<TelemetryEvent> parseEvents(const QByteArray &payload)
{
    std::vector<TelemetryEvent> events;
    const ojson doc = parsePayload(payload);
    if (!doc.is_object())
        return events;
    qint64 startMs = 0;
    if (const ojson *pi = member(doc, "ping_info"))
        if (const ojson *st = member(*pi, "start_time"))
            startMs = parseGleanDateTime(str(*st));
    // Glean.js reports its session in client_info (session_id, session_count).
    QString clientSession;
    qint64 clientSessionCount = -1;
    if (const ojson *ci = member(doc, "client_info")) {
        if (const ojson *v = member(*ci, "session_id"); v && v->is_string())
            clientSession = str(*v);
        clientSessionCount = integer(member(*ci, "session_count"), -1);
    }
    if (const ojson *list = member(doc, "events"); list && list->is_array()) {
        events.reserve(list->size());
        for (const auto &g : *list) {
            if (!g.is_object())
                continue;
            TelemetryEvent e;
            e.timestamp = integer(member(g, "timestamp"), 0);
            if (const ojson *v = member(g, "category"))
                e.category = str(*v);
            if (const ojson *v = member(g, "name"))
                e.name = str(*v);
            if (const ojson *v = member(g, "extra"))
                readExtras(*v, e);
            if (const ojson *v = member(g, "session"))
                readSession(*v, e);
            e.absoluteMs = startMs > 0 ? startMs + e.timestamp : 0;
            for (const auto &[k, v] : std::as_const(e.extras)) {
                if (k == u"glean_timestamp" && v.toLongLong() > 0)
                    e.absoluteMs = v.toLongLong();
                // glean.session_start / session_end name their session in extras.
                if (e.sessionId.isEmpty() && k == u"session_id")
                    e.sessionId = v;
                if (e.sessionSeq < 0 && k == u"session_seq" && !v.isEmpty())
                    e.sessionSeq = v.toLongLong();
            }
            if (e.sessionId.isEmpty() && !clientSession.isEmpty()) {
                e.sessionId = clientSession;
                e.sessionSeq = clientSessionCount;
            }
            events.push_back(std::move(e));
        }
    }
    if (const ojson *p = member(doc, "payload"); p && p->is_object()) {
        // Process start: event pings say it; for main pings, creationDate - sessionLength.
        qint64 processStart = integer(member(*p, "processStartTimestamp"), 0);
        if (processStart <= 0) {
            const ojson *created = member(doc, "creationDate");
            const ojson *info = member(*p, "info");
            const ojson *length = info ? member(*info, "sessionLength") : nullptr;
            if (created && created->is_string() && length && length->is_number()) {
                const QDateTime c = QDateTime::fromString(str(*created), Qt::ISODateWithMs);
                if (c.isValid())
                    processStart = c.toMSecsSinceEpoch() - integer(length, 0) * 1000;
            }
        }
        if (const ojson *ev = member(*p, "events"); ev && ev->is_object())
            for (auto it = ev->begin(); it != ev->end(); ++it)
                readLegacy(*it, QString::fromStdString(it.key()), processStart, events);
        if (const ojson *procs = member(*p, "processes"); procs && procs->is_object())
            for (auto it = procs->begin(); it != procs->end(); ++it)
                if (const ojson *ev = member(*it, "events"))
                    readLegacy(*ev, QString::fromStdString(it.key()), processStart, events);
    }
    return events;
}

EventListModel::EventListModel(bool absoluteTime, QObject *parent)
    : QAbstractTableModel(parent), m_absolute(absoluteTime)
{
    m_rowsView.m_all = &m_all;
    m_rowsView.m_index = &m_rows;
}

void EventListModel::setAll(std::vector<TelemetryEvent> events)
{
    // Sort an index (cheap to move), then move each event once into its place.
    std::vector<int> order(events.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = int(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return xOf(events[size_t(a)]) < xOf(events[size_t(b)]); });
    std::vector<TelemetryEvent> sorted;
    sorted.reserve(events.size());
    for (int i : order)
        sorted.push_back(std::move(events[size_t(i)]));
    rebuild(&sorted);
}

void EventListModel::setFilter(const QString &name, const QString &sessionId)
{
    m_nameFilter = name.trimmed();
    m_sessionFilter = sessionId;
    rebuild();
}

QStringList EventListModel::sessionIds() const
{
    QStringList out;
    QSet<QString> seen;
    for (const TelemetryEvent &e : m_all)
        if (!e.sessionId.isEmpty() && !seen.contains(e.sessionId)) {
            seen.insert(e.sessionId);
            out << e.sessionId;
        }
    return out;
}

void EventListModel::rebuild(std::vector<TelemetryEvent> *replacement)
{
    std::vector<TelemetryEvent> &all = replacement ? *replacement : m_all;
    std::vector<int> rows;
    rows.reserve(all.size());
    qsizetype undated = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        const TelemetryEvent &e = all[i];
        if (m_absolute && e.absoluteMs <= 0) {
            ++undated;
            continue;
        }
        if (!m_sessionFilter.isEmpty() && e.sessionId != m_sessionFilter)
            continue;
        if (!m_nameFilter.isEmpty() && !e.fullName().contains(m_nameFilter, Qt::CaseInsensitive))
            continue;
        rows.push_back(int(i));
    }
    // Lanes: category (with the process for legacy events); a category with few events is
    // split by name so that each of its events gets a readable lane.
    QHash<QString, int> perCategory;
    for (int i : rows)
        ++perCategory[all[size_t(i)].process + u'\n' + all[size_t(i)].category];
    QStringList lanes;
    QHash<QString, int> laneIndex;
    for (int i : rows) {
        TelemetryEvent &e = all[size_t(i)];
        QString lane =
            perCategory.value(e.process + u'\n' + e.category) <= kFewEvents ? e.fullName() : e.category;
        if (!e.process.isEmpty())
            lane = e.process + u": "_s + lane;
        auto it = laneIndex.find(lane);
        if (it == laneIndex.end()) {
            it = laneIndex.insert(lane, int(lanes.size()));
            lanes << lane;
        }
        e.lane = *it;
    }
    beginResetModel();
    if (replacement)
        m_all = std::move(*replacement);
    m_rows = std::move(rows);
    m_lanes = std::move(lanes);
    m_undated = undated;
    endResetModel();
}

int EventListModel::lowerBound(double x) const
{
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), x,
                                     [this](int i, double v) { return xOf(m_all[size_t(i)]) < v; });
    return int(it - m_rows.begin());
}

int EventListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventListModel::detailText(const TelemetryEvent &e, bool absolute)
{
    QStringList lines;
    lines << e.fullName();
    if (!e.process.isEmpty())
        lines << tr("Process: %1").arg(e.process);
    if (absolute || e.absoluteMs > 0) {
        const QString when =
            e.absoluteMs > 0
                ? QDateTime::fromMSecsSinceEpoch(e.absoluteMs).toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s)
                : tr("unknown");
        lines << tr("Time: %1 ms (%2)").arg(e.timestamp).arg(when);
    } else {
        lines << tr("Time: %1 ms").arg(e.timestamp);
    }
    if (!e.object.isEmpty())
        lines << tr("Object: %1").arg(e.object);
    if (!e.value.isEmpty())
        lines << tr("Value: %1").arg(e.value);
    for (const auto &[k, v] : e.extras)
        lines << u"  %1 = %2"_s.arg(k, v.size() > 200 ? v.left(200) + u'…' : v);
    if (!e.sessionId.isEmpty()) {
        QStringList parts;
        if (e.sessionSeq >= 0)
            parts << tr("session seq %1").arg(e.sessionSeq);
        if (e.eventSeq >= 0)
            parts << tr("event seq %1").arg(e.eventSeq);
        if (e.sessionSampleRate >= 0)
            parts << tr("sample rate %1").arg(e.sessionSampleRate);
        if (!e.sessionStartTime.isEmpty())
            parts << tr("started %1").arg(e.sessionStartTime);
        lines << tr("Session %1").arg(e.sessionId) +
                     (parts.isEmpty() ? QString() : u" ("_s + parts.join(u", "_s) + u')');
    }
    if (e.pingId > 0)
        lines << tr("Ping #%1 %2").arg(e.pingId).arg(e.pingDocType);
    return lines.join(u'\n');
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TelemetryEvent &e = m_rowsView[size_t(index.row())];
    switch (role) {
    case TimestampRole:
        return e.timestamp;
    case AbsoluteMsRole:
        return e.absoluteMs;
    case LaneRole:
        return e.lane;
    case XRole:
        return xOf(e);
    case SessionIdRole:
        return e.sessionId;
    case PingIdRole:
        return e.pingId;
    case DetailRole:
        return detailText(e, m_absolute);
    case ExtrasRole: {
        QVariantMap m;
        for (const auto &[k, v] : e.extras)
            m.insert(k, v);
        return m;
    }
    case Qt::ToolTipRole:
        return detailText(e, m_absolute);
    case Qt::DisplayRole:
        switch (index.column()) {
        case Timestamp:
            if (m_absolute)
                return QDateTime::fromMSecsSinceEpoch(e.absoluteMs).toString(u"HH:mm:ss.zzz"_s);
            return e.timestamp;
        case Process:
            return e.process;
        case Category:
            return e.category;
        case Name:
            return e.name;
        case Object:
            return e.object;
        case Value:
            return e.value;
        case Session:
            if (e.sessionId.isEmpty())
                return QString();
            return e.eventSeq >= 0 ? u"%1 #%2"_s.arg(e.sessionId.left(8)).arg(e.eventSeq)
                                   : e.sessionId.left(8);
        case Extras: {
            QStringList parts;
            for (const auto &[k, v] : e.extras)
                parts << k + u'=' + v;
            return parts.join(u", "_s);
        }
        case Ping:
            return e.pingId > 0 ? u"#%1 %2"_s.arg(e.pingId).arg(e.pingDocType) : QString();
        }
        return {};
    default:
        return {};
    }
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Timestamp:
        return m_absolute ? tr("Time") : tr("Time (ms)");
    case Process:
        return tr("Process");
    case Category:
        return tr("Category");
    case Name:
        return tr("Name / method");
    case Object:
        return tr("Object");
    case Value:
        return tr("Value");
    case Session:
        return tr("Session");
    case Extras:
        return tr("Extras");
    case Ping:
        return tr("Ping");
    }
    return {};
}

EventsModel::EventsModel(QObject *parent) : EventListModel(false, parent) {}

void EventsModel::setPayload(const QByteArray &payload)
{
    setAll(parseEvents(payload));
}

void EventsModel::clear()
{
    setAll({});
}

EventStreamModel::EventStreamModel(QObject *parent) : EventListModel(true, parent) {}

void EventStreamModel::clear()
{
    m_pingIds.clear();
    setAll({});
}

bool EventStreamModel::holdsPing(qint64 id) const
{
    return std::binary_search(m_pingIds.begin(), m_pingIds.end(), id);
}

void EventStreamModel::setPings(const std::vector<PingRecord> &records)
{
    m_pingIds.clear();
    m_all.clear();
    addPings(records);
    if (records.empty())
        setAll({});
}

void EventStreamModel::addPings(const std::vector<PingRecord> &records)
{
    std::vector<TelemetryEvent> all = std::move(m_all);
    bool added = false;
    for (const PingRecord &r : records) {
        if (holdsPing(r.id))
            continue;
        m_pingIds.insert(std::upper_bound(m_pingIds.begin(), m_pingIds.end(), r.id), r.id);
        added = true;
        for (TelemetryEvent &e : parseEvents(r.payload)) {
            e.pingId = r.id;
            e.pingDocType = r.docType;
            all.push_back(std::move(e));
        }
    }
    if (added)
        setAll(std::move(all));
    else
        m_all = std::move(all);
}

} // namespace pingscope
