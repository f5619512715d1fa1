// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QAbstractTableModel>
#include <QPointer>

#include <vector>

namespace pingscope {

class EventListModel;

// The markers of the event timeline: the events of an EventListModel inside the visible x
// range, merged per lane into bins of a given width, so the chart draws at most one marker
// per bin and lane however many events there are (a marker per event when they are far
// enough apart). Bins are aligned on multiples of the width, so panning does not regroup.
//
// Rows: markers in x order of their first event. Columns: X (the event's x, or the middle of
// the first and last event's x for a merged marker), Lane, Count, FirstRow (the first event's
// row in the source).
//
// Threading: GUI thread only.
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        X,
        Lane,
        Count,
        FirstRow,
        ColumnCount
    };

    struct Marker
    {
        double x = 0;
        int lane = 0;
        int count = 0;
        int firstRow = 0, lastRow = 0; // source rows (events of other lanes may lie between)
        qint64 bin = 0;
        friend bool operator==(const Marker &, const Marker &) = default;
    };

    explicit TimelineModel(QObject *parent = nullptr);

    // Follows the source's resets (recomputing the markers for the current view).
    void setSource(EventListModel *source);
    EventListModel *source() const { return m_source; }
    // Visible x range and bin width (<= 0: one marker per event). One model reset.
    void setView(double xMin, double xMax, double binWidth);
    double binWidth() const { return m_binWidth; }

    const std::vector<Marker> &markers() const { return m_markers; }
    // The marker that holds source row `row`; -1 when the row is outside the view.
    int markerOfRow(int row) const;
    // Source rows of marker `marker`, in x order.
    std::vector<int> rowsOf(int marker) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void recompute();

    QPointer<EventListModel> m_source;
    double m_xMin = 0, m_xMax = 0, m_binWidth = 0;
    std::vector<Marker> m_markers;
};

} // namespace pingscope
