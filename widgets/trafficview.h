// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "ping/ping.h"
#include "trafficmodel.h"

#include <QMetaType>
#include <QWidget>

#include <vector>

class QLabel;
class QTimer;

namespace pingscope {

class Chart;
class TrafficModel;

// What a click on the traffic charts asks the ping table to show.
struct TrafficSelection
{
    qint64 fromUs = 0, toUs = 0; // received time in [fromUs, toUs); both 0: any time
    bool hasDocType = false;     // filter to docType ("" = pings without one)
    QString docType;
    bool problemsOnly = false;   // the Invalid series
    QString verdict;             // e.g. "refused" (the Refused series); empty: any
    bool duplicatesOnly = false; // the Duplicates series

    friend bool operator==(const TrafficSelection &, const TrafficSelection &) = default;
};

// The traffic monitor: three charts over the capture session, in time buckets that follow the
// zoom (TrafficModel): pings per doc type (stacked bars), problems (invalid pings, duplicates,
// refused requests: bars), and sizes per doc type (median: lines, max: dots; log scale).
//
// The x axis of every chart is in bucket slots (slot i = bucket i of the model), and all three
// share one time range. Zooming or panning one (wheel, drag, +/-, arrows; double click or Home:
// the whole session) re-buckets the model for the new range and redraws the three. The
// chart's "full" range is kept at the whole session, so zooming out always goes back to it.
//
// Clicks: a bar of a doc type asks for that doc type and the bucket's time range; its legend
// entry for the doc type at any time; an Invalid bar for problems in the bucket, a Refused
// one for refused requests, a Duplicates one for the bucket's time range; a size point for
// its doc type and bucket. They are reported as filterRequested().
//
// Live: addPings() only stores the batch in the model (deferred); the buckets are recomputed
// and the charts redrawn at most every RefreshIntervalMs, and only while the view is visible
// (it catches up when shown).
//
// Threading: GUI thread only.
class TrafficView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int RefreshIntervalMs = 250;

    explicit TrafficView(QWidget *parent = nullptr);
    ~TrafficView() override;

    TrafficModel *model() const { return m_model; }
    Chart *countsChart() const { return m_counts; }
    Chart *problemsChart() const { return m_problems; }
    Chart *sizesChart() const { return m_sizes; }

    // A batch, newest first, as the ping table gets it.
    void addPings(const std::vector<PingRecord> &newestFirst);
    // The older pings of a large store, read in the background (see TrafficModel::adoptOlder).
    void adoptOlder(TrafficModel::Older &&older);
    // The list dropped its oldest rows: so do the charts (see TrafficModel::dropOldest).
    void dropOldest(size_t count);
    // Verdicts changed by re-validation (see TrafficModel::updatePings).
    void updatePings(const std::vector<PingRecord> &records);
    void clear();

    // Recomputes and redraws now (when visible, or `evenIfHidden`).
    void refreshNow(bool evenIfHidden = false);
    // Shows the whole session again (following new pings).
    void showWholeSession();
    // The time range shown, as a zoom set it; both 0: the whole session.
    qint64 viewFromUs() const { return m_viewFromUs; }
    qint64 viewToUs() const { return m_viewToUs; }
    // Zooms to [fromUs, toUs) as the user would.
    void zoomTo(qint64 fromUs, qint64 toUs);

    // The time labels on the x axes: (slot position, text).
    const QList<QPair<double, QString>> &xTicks() const { return m_ticks; }

    // Cost of the last refresh (recompute + redraw), for benchmarks.
    double lastRecomputeMs() const { return m_lastRecomputeMs; }
    double lastRedrawMs() const { return m_lastRedrawMs; }

    // What a click on series `series`, slot/point `index` of `chart` asks for (also used by
    // the charts' signals). Returns false when it asks for nothing.
    bool selectionFor(const Chart *chart, int series, int index, bool legend, TrafficSelection *out) const;

Q_SIGNALS:
    void filterRequested(const pingscope::TrafficSelection &selection);
    // The charts were redrawn (lastRecomputeMs() and lastRedrawMs() tell the cost).
    void refreshed();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void scheduleRefresh();
    void redraw();
    void xRangeChanged(double min, double max);
    void applyZoom();
    void clicked(const Chart *chart, int series, int index, bool legend);
    QColor docTypeColour(int docType) const;

    TrafficModel *m_model = nullptr;
    Chart *m_counts = nullptr;
    Chart *m_problems = nullptr;
    Chart *m_sizes = nullptr;
    QLabel *m_caption = nullptr;
    QTimer *m_refreshTimer = nullptr;
    QTimer *m_zoomTimer = nullptr;
    bool m_updating = false; // setting the charts' ranges ourselves
    bool m_dirty = false;    // pings or a range arrived since the last redraw
    qint64 m_viewFromUs = 0, m_viewToUs = 0;
    qint64 m_pendingFromUs = 0, m_pendingToUs = 0;
    double m_fullMin = 0, m_fullMax = 0; // the charts' full x range (the session, in slots)
    // What the drawn series are.
    std::vector<int> m_countSeriesDocType;
    std::vector<int> m_sizeSeriesDocType;
    std::vector<std::vector<int>> m_sizePointBucket; // per size series: bucket of each point
    std::vector<QList<double>> m_drawnCounts;        // values last given to the charts
    QList<double> m_drawnProblems[3];
    double m_lastRecomputeMs = 0, m_lastRedrawMs = 0;
    QList<QPair<double, QString>> m_ticks;
};

} // namespace pingscope

Q_DECLARE_METATYPE(pingscope::TrafficSelection)
