#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

namespace pingscope {

// Every event of one ping, in time order, as rows for the events table and points for the
// timeline chart (the charts issue). Reads Glean events (top-level "events": timestamp in ms
// since the ping's start, category, name, extra) and legacy Firefox Telemetry events, the
// array form [timestamp, category, method, object, value, extra] under payload.events.<process>
// (event pings) or payload.processes.<process>.events (main pings).
//
// Lanes: one per category, or per category.name for a category with few events; legacy events
// get one lane group per process ("parent: navigation"). Absolute time: the extra
// "glean_timestamp" (ms since the epoch) when present, else ping_info.start_time + timestamp.
//
// Threading: GUI thread only.
class EventsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Timestamp, Process, Category, Name, Object, Value, Extras, ColumnCount };
    enum Role { TimestampRole = Qt::UserRole + 1, AbsoluteMsRole, LaneRole, ExtrasRole };

    static constexpr int kFewEvents = 5; // a category with at most this many events is split by name

    explicit EventsModel(QObject *parent = nullptr);

    void setPayload(const QByteArray &payload); // one model reset
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const QStringList &lanes() const { return m_lanes; }

    struct Event
    {
        qint64 timestamp = 0;   // as in the ping: ms (Glean: since the ping's start)
        qint64 absoluteMs = 0;  // ms since the epoch; 0 when unknown
        QString process;        // legacy only
        QString category, name; // name: Glean name or legacy method
        QString object, value;  // legacy only
        QList<QPair<QString, QString>> extras;
        int lane = 0;
    };
    const std::vector<Event> &events() const { return m_events; }

private:
    std::vector<Event> m_events;
    QStringList m_lanes;
};

} // namespace pingscope
