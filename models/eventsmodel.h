// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <iterator>
#include <vector>

namespace pingscope {

// One telemetry event, from a Glean ping's top-level "events" or from a legacy Firefox
// Telemetry ping's array form [timestamp, category, method, object, value, extra] under
// payload.events.<process> (event pings) or payload.processes.<process>.events (main pings).
struct TelemetryEvent
{
    qint64 timestamp =
        0; // as in the ping: ms (Glean: since the ping's start; legacy: since the process's start)
    qint64 absoluteMs = 0;  // ms since the epoch; 0 when unknown
    QString process;        // legacy only
    QString category, name; // name: Glean name or legacy method
    QString object, value;  // legacy only
    QList<QPair<QString, QString>> extras;
    // Glean session: the event's "session" object when present; else the session_id and
    // session_seq extras of glean.session_start/session_end; else client_info.session_id and
    // session_count (Glean.js).
    QString sessionId;
    qint64 sessionSeq = -1, eventSeq = -1;
    double sessionSampleRate = -1;
    QString sessionStartTime;
    // Which ping the event came from (event streams).
    qint64 pingId = 0;
    QString pingDocType;
    int lane = 0;

    QString fullName() const { return category.isEmpty() ? name : category + u'.' + name; }
};

// Every event of a decoded payload, in the ping's order. Absolute times: the extra
// "glean_timestamp" (ms since the epoch) when present, else ping_info.start_time + timestamp
// (Glean); payload.processStartTimestamp + timestamp (legacy event pings); for legacy main
// pings the process start is estimated as creationDate - payload.info.sessionLength seconds.
std::vector<TelemetryEvent> parseEvents(const QByteArray &payload);

// A list of events as rows for the events table and points for the timeline: sorted by the
// timeline's x value, grouped into lanes, filterable by event name and session id.
//
// Lanes: one per category, or per category.name for a category with few events; legacy events
// get one lane group per process ("parent: navigation"). Lanes are in order of first event.
//
// X value (XRole and the Time column): the ping's own timestamp (ms since the ping or process
// start) for one ping; the absolute time (ms since the epoch) for an event stream, where
// events without an absolute time are left out of the rows and counted in undatedCount().
//
// Threading: GUI thread only.
class EventListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Timestamp,
        Process,
        Category,
        Name,
        Object,
        Value,
        Session,
        Extras,
        Ping,
        ColumnCount
    };
    enum Role
    {
        TimestampRole = Qt::UserRole + 1, // qint64, the ping's own timestamp
        AbsoluteMsRole,                   // qint64, 0 when unknown
        LaneRole,                         // int
        ExtrasRole,                       // QVariantMap
        XRole,                            // double: the timeline's x value
        SessionIdRole,                    // QString
        PingIdRole,                       // qint64
        DetailRole,                       // QString: every field, one per line (tooltips)
    };

    static constexpr int kFewEvents = 5; // a category with at most this many events is split by name

    bool absoluteTime() const { return m_absolute; }

    // Shows only events whose category.name contains `name` (case-insensitive) and, when
    // `sessionId` is not empty, whose session id is `sessionId`. One model reset.
    void setFilter(const QString &name, const QString &sessionId);
    QString nameFilter() const { return m_nameFilter; }
    QString sessionFilter() const { return m_sessionFilter; }
    // Distinct session ids of all events held (filter or not), in order of first appearance.
    QStringList sessionIds() const;
    qsizetype totalCount() const { return qsizetype(m_all.size()); }
    qsizetype undatedCount() const { return m_undated; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const QStringList &lanes() const { return m_lanes; }

    // The rows (the events passing the filter), in x order: a view into the events held, so
    // filtering copies no event. `lane` is valid for the rows only.
    class Rows
    {
    public:
        struct Iterator
        {
            using iterator_category = std::forward_iterator_tag;
            using value_type = TelemetryEvent;
            using difference_type = std::ptrdiff_t;
            using pointer = const TelemetryEvent *;
            using reference = const TelemetryEvent &;
            const Rows *rows = nullptr;
            size_t i = 0;
            reference operator*() const { return (*rows)[i]; }
            pointer operator->() const { return &(*rows)[i]; }
            Iterator &operator++()
            {
                ++i;
                return *this;
            }
            Iterator operator++(int)
            {
                Iterator old = *this;
                ++i;
                return old;
            }
            friend bool operator==(const Iterator &a, const Iterator &b) { return a.i == b.i; }
        };
        const TelemetryEvent &operator[](size_t i) const { return (*m_all)[size_t((*m_index)[i])]; }
        size_t size() const { return m_index->size(); }
        bool empty() const { return m_index->empty(); }
        const TelemetryEvent &front() const { return (*this)[0]; }
        const TelemetryEvent &back() const { return (*this)[size() - 1]; }
        Iterator begin() const { return {this, 0}; }
        Iterator end() const { return {this, size()}; }

    private:
        friend class EventListModel;
        const std::vector<TelemetryEvent> *m_all = nullptr;
        const std::vector<int> *m_index = nullptr;
    };
    const Rows &events() const { return m_rowsView; }
    double xOf(const TelemetryEvent &e) const { return double(m_absolute ? e.absoluteMs : e.timestamp); }
    double xAt(int row) const { return xOf(m_rowsView[size_t(row)]); }
    // Events are sorted by x: the first row with x >= value.
    int lowerBound(double x) const;

    static QString detailText(const TelemetryEvent &e, bool absolute);

protected:
    explicit EventListModel(bool absoluteTime, QObject *parent);
    // Replaces every event (filter kept). One model reset.
    void setAll(std::vector<TelemetryEvent> events);
    std::vector<TelemetryEvent> m_all; // unfiltered, in x order

private:
    // Filters and lays out the events held, or `replacement` (which then becomes them).
    void rebuild(std::vector<TelemetryEvent> *replacement = nullptr);

    bool m_absolute = false;
    std::vector<int> m_rows; // indexes into m_all of the events passing the filter
    Rows m_rowsView;
    QStringList m_lanes;
    QString m_nameFilter, m_sessionFilter;
    qsizetype m_undated = 0;
};

// The events of one ping; x = the ping's own timestamps.
class EventsModel : public EventListModel
{
    Q_OBJECT
public:
    using Event = TelemetryEvent;
    explicit EventsModel(QObject *parent = nullptr);
    void setPayload(const QByteArray &payload); // one model reset
    void clear();
};

// The events of many pings (a debug tag, a client, or the current filter) on absolute time.
class EventStreamModel : public EventListModel
{
    Q_OBJECT
public:
    explicit EventStreamModel(QObject *parent = nullptr);
    // Replaces the pings (records need id, docType and payload). One model reset.
    void setPings(const std::vector<PingRecord> &records);
    // Adds pings not held yet (by id). One model reset when anything was added.
    void addPings(const std::vector<PingRecord> &records);
    void clear();
    qsizetype pingCount() const { return qsizetype(m_pingIds.size()); }
    bool holdsPing(qint64 id) const;
    qint64 newestPingId() const { return m_pingIds.empty() ? 0 : m_pingIds.back(); } // 0: none

private:
    std::vector<qint64> m_pingIds; // sorted
};

} // namespace pingscope
