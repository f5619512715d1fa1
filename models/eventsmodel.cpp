#include "eventsmodel.h"

#include "decode.h"
#include "ingest.h"

#include <QDateTime>
#include <QHash>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using ojson = nlohmann::ordered_json;

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

void readExtras(const ojson &extra, EventsModel::Event &e)
{
    if (!extra.is_object())
        return;
    for (auto it = extra.begin(); it != extra.end(); ++it)
        e.extras.append({QString::fromStdString(it.key()), str(*it)});
}

// [timestamp, category, method, object, value, extra]
void readLegacy(const ojson &list, const QString &process, std::vector<EventsModel::Event> &out)
{
    if (!list.is_array())
        return;
    for (const auto &a : list) {
        if (!a.is_array() || a.size() < 4 || !a[0].is_number())
            continue;
        EventsModel::Event e;
        e.timestamp = a[0].get<qint64>();
        e.process = process;
        e.category = str(a[1]);
        e.name = str(a[2]);
        e.object = str(a[3]);
        if (a.size() > 4)
            e.value = str(a[4]);
        if (a.size() > 5)
            readExtras(a[5], e);
        out.push_back(std::move(e));
    }
}

} // namespace

EventsModel::EventsModel(QObject *parent) : QAbstractTableModel(parent) {}

void EventsModel::clear()
{
    beginResetModel();
    m_events.clear();
    m_lanes.clear();
    endResetModel();
}

void EventsModel::setPayload(const QByteArray &payload)
{
    std::vector<Event> events;
    ojson doc;
    if (!payload.isEmpty() && jsonNestingDepth(payload) <= kMaxPrintableDepth)
        doc = ojson::parse(payload.begin(), payload.end(), nullptr, false);
    if (doc.is_object()) {
        qint64 startMs = 0;
        if (doc.contains("ping_info") && doc["ping_info"].is_object() && doc["ping_info"].contains("start_time"))
            startMs = parseGleanDateTime(str(doc["ping_info"]["start_time"]));
        if (doc.contains("events") && doc["events"].is_array()) {
            for (const auto &g : doc["events"]) {
                if (!g.is_object())
                    continue;
                Event e;
                e.timestamp = g.contains("timestamp") && g["timestamp"].is_number() ? g["timestamp"].get<qint64>() : 0;
                e.category = g.contains("category") ? str(g["category"]) : QString();
                e.name = g.contains("name") ? str(g["name"]) : QString();
                if (g.contains("extra"))
                    readExtras(g["extra"], e);
                e.absoluteMs = startMs > 0 ? startMs + e.timestamp : 0;
                for (const auto &[k, v] : std::as_const(e.extras))
                    if (k == u"glean_timestamp" && v.toLongLong() > 0)
                        e.absoluteMs = v.toLongLong();
                events.push_back(std::move(e));
            }
        }
        if (doc.contains("payload") && doc["payload"].is_object()) {
            const ojson &p = doc["payload"];
            if (p.contains("events") && p["events"].is_object())
                for (auto it = p["events"].begin(); it != p["events"].end(); ++it)
                    readLegacy(*it, QString::fromStdString(it.key()), events);
            if (p.contains("processes") && p["processes"].is_object())
                for (auto it = p["processes"].begin(); it != p["processes"].end(); ++it)
                    if (it->is_object() && it->contains("events"))
                        readLegacy((*it)["events"], QString::fromStdString(it.key()), events);
        }
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const Event &a, const Event &b) { return a.timestamp < b.timestamp; });
    // Lanes: category (with the process for legacy events); a category with few events is
    // split by name so that each of its events gets a readable lane.
    QHash<QString, int> perCategory;
    for (const Event &e : events)
        ++perCategory[e.process + u'\n' + e.category];
    QStringList lanes;
    QHash<QString, int> laneIndex;
    for (Event &e : events) {
        QString lane = perCategory.value(e.process + u'\n' + e.category) <= kFewEvents ? e.category + u'.' + e.name
                                                                                       : e.category;
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
    m_events = std::move(events);
    m_lanes = std::move(lanes);
    endResetModel();
}

int EventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Event &e = m_events[size_t(index.row())];
    switch (role) {
    case TimestampRole:
        return e.timestamp;
    case AbsoluteMsRole:
        return e.absoluteMs;
    case LaneRole:
        return e.lane;
    case ExtrasRole: {
        QVariantMap m;
        for (const auto &[k, v] : e.extras)
            m.insert(k, v);
        return m;
    }
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Timestamp: return e.timestamp;
        case Process: return e.process;
        case Category: return e.category;
        case Name: return e.name;
        case Object: return e.object;
        case Value: return e.value;
        case Extras: {
            QStringList parts;
            for (const auto &[k, v] : e.extras)
                parts << k + u'=' + v;
            return parts.join(u", "_s);
        }
        }
        return {};
    default:
        return {};
    }
}

QVariant EventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Timestamp: return tr("Time (ms)");
    case Process: return tr("Process");
    case Category: return tr("Category");
    case Name: return tr("Name / method");
    case Object: return tr("Object");
    case Value: return tr("Value");
    case Extras: return tr("Extras");
    }
    return {};
}

} // namespace pingscope
