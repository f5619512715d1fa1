// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "timelinemodel.h"

#include "eventsmodel.h"

#include <cmath>

namespace pingscope {

TimelineModel::TimelineModel(QObject *parent) : QAbstractTableModel(parent) {}

void TimelineModel::setSource(EventListModel *source)
{
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    if (m_source)
        connect(m_source, &QAbstractItemModel::modelReset, this, &TimelineModel::recompute);
    recompute();
}

void TimelineModel::setView(double xMin, double xMax, double binWidth)
{
    m_xMin = xMin;
    m_xMax = xMax;
    m_binWidth = binWidth;
    recompute();
}

void TimelineModel::recompute()
{
    std::vector<Marker> markers;
    if (m_source && m_xMax >= m_xMin) {
        const auto &events = m_source->events();
        std::vector<int> open(size_t(m_source->lanes().size()), -1); // lane → its last marker
        for (int row = m_source->lowerBound(m_xMin); row < int(events.size()); ++row) {
            const double x = m_source->xAt(row);
            if (x > m_xMax)
                break;
            const int lane = events[size_t(row)].lane;
            const qint64 bin = m_binWidth > 0 ? qint64(std::floor(x / m_binWidth)) : row;
            int &last = open[size_t(lane)];
            if (last >= 0 && markers[size_t(last)].bin == bin) {
                Marker &m = markers[size_t(last)];
                ++m.count;
                m.lastRow = row;
                m.x = (m_source->xAt(m.firstRow) + x) / 2;
                continue;
            }
            last = int(markers.size());
            markers.push_back({x, lane, 1, row, row, bin});
        }
    }
    beginResetModel();
    m_markers = std::move(markers);
    endResetModel();
}

int TimelineModel::markerOfRow(int row) const
{
    if (!m_source || row < 0 || row >= int(m_source->events().size()))
        return -1;
    const int lane = m_source->events()[size_t(row)].lane;
    // Markers are in order of their first row; the holder is the last one of the lane that
    // starts at or before the row.
    auto it = std::upper_bound(m_markers.begin(), m_markers.end(), row,
                               [](int r, const Marker &m) { return r < m.firstRow; });
    while (it != m_markers.begin()) {
        --it;
        if (it->lane == lane)
            return row <= it->lastRow ? int(it - m_markers.begin()) : -1;
    }
    return -1;
}

std::vector<int> TimelineModel::rowsOf(int marker) const
{
    std::vector<int> rows;
    if (!m_source || marker < 0 || marker >= int(m_markers.size()))
        return rows;
    const Marker &m = m_markers[size_t(marker)];
    for (int r = m.firstRow; r <= m.lastRow; ++r)
        if (m_source->events()[size_t(r)].lane == m.lane)
            rows.push_back(r);
    return rows;
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_markers.size());
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    const Marker &m = m_markers[size_t(index.row())];
    switch (index.column()) {
    case X:
        return m.x;
    case Lane:
        return m.lane;
    case Count:
        return m.count;
    case FirstRow:
        return m.firstRow;
    }
    return {};
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case X:
        return tr("X");
    case Lane:
        return tr("Lane");
    case Count:
        return tr("Events");
    case FirstRow:
        return tr("First event");
    }
    return {};
}

} // namespace pingscope
