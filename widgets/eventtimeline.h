// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QWidget>

#include <vector>

class QLabel;
class QScrollArea;
class QSplitter;
class QTableView;
class QTimer;

namespace pingscope {

class Chart;
class EventListModel;
class TimelineModel;

// The event timeline: a chart with one lane per category (TimelineModel's markers, merged
// per bin when zoomed out so thousands of events stay cheap) above a table of the events.
// Hovering a marker shows the event (or the events of a merged marker); clicking one selects
// it in the table; selecting a row highlights its marker and brings it into view. The x axis
// zooms (wheel, +/-) and pans (drag, arrow keys); a double click or Home shows everything.
//
// Threading: GUI thread only.
class EventTimeline : public QWidget
{
    Q_OBJECT
public:
    static constexpr double kMarkerPx = 10; // markers closer than this are merged

    explicit EventTimeline(QWidget *parent = nullptr);
    ~EventTimeline() override;

    // The events to show (not owned); nullptr shows nothing.
    void setModel(EventListModel *model);
    EventListModel *model() const { return m_model; }

    Chart *chart() const { return m_chart; }
    QTableView *table() const { return m_table; }
    TimelineModel *markers() const { return m_markers; }
    // Selects event `row` of the model in the table (and highlights its marker).
    void selectEvent(int row);
    int selectedEvent() const;
    // The marker drawn at series `series`, point `index` of the chart; -1 for none.
    int markerAt(int series, int index) const;
    // Series of the highlight marker (the selected event), or -1 when none is drawn.
    int highlightSeries() const { return m_highlightSeries; }
    // Tooltip text of a marker.
    QString markerText(int marker) const;
    // Re-bins now (normally after a zoom or resize, coalesced).
    void rebin();

Q_SIGNALS:
    // An event was activated (double click / Enter in the table): its model row.
    void eventActivated(int row);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void reload();
    void drawMarkers();
    void drawHighlight();
    void placeSplitter();

    EventListModel *m_model = nullptr;
    TimelineModel *m_markers = nullptr;
    Chart *m_chart = nullptr;
    QScrollArea *m_chartScroll = nullptr;
    QTableView *m_table = nullptr;
    QSplitter *m_split = nullptr;
    QLabel *m_empty = nullptr;
    QTimer *m_rebinTimer = nullptr;
    // For each chart series: the marker of each of its points.
    std::vector<std::vector<int>> m_seriesMarkers;
    int m_highlightSeries = -1;
    bool m_sized = false; // the splitter got its first sizes
};

} // namespace pingscope
