// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

namespace pingscope {

// The one adapter between Pingscope and the chart library (Qt Charts). Only chart.cpp
// includes Qt Charts; every chart of the window draws through this class, so the library
// could be swapped by rewriting that one file.
//
// A chart has an x and a y axis and any number of series. Kinds of series:
//  - Scatter: markers at points (x, y); the timeline uses one per lane.
//  - Line: a polyline through points (x, y).
//  - Bars / StackedBars: one value per slot; slot i is drawn centred on x = i, so an x axis
//    of kind Value with ticks (setXTicks) labels slots with anything (times, bucket bounds).
//    Every bar series of a chart must have the same kind.
// Axis kinds: Value (linear), Log (base 10; values <= 0 are not drawn), DateTime (x in ms
// since the epoch, labels in local time), Lanes (y only: lane i is centred on y = i and
// labelled with its name; the range shows every lane).
//
// Interaction: with setZoomPanX(true) the mouse wheel zooms the x axis around the pointer,
// dragging pans it, a double click or Home restores the full range, +/- zoom by keys, and
// xRangeChanged() reports every change (the timeline re-bins its points on it).
//
// Threading: GUI thread only.
class Chart : public QWidget
{
    Q_OBJECT
public:
    enum class SeriesKind
    {
        Scatter,
        Line,
        Bars,
        StackedBars
    };
    enum class AxisKind
    {
        Value,
        Log,
        DateTime,
        Lanes
    };

    explicit Chart(QWidget *parent = nullptr);
    ~Chart() override;

    void setTitle(const QString &title);
    void setLegendVisible(bool visible);
    // Where the legend goes: Qt::AlignBottom (default), AlignRight, AlignTop or AlignLeft.
    void setLegendAlignment(Qt::Alignment alignment);
    // Axes; a new kind drops the old axis and re-attaches every series.
    void setXAxis(AxisKind kind, const QString &title);
    void setYAxis(AxisKind kind, const QString &title);
    // Lanes axis: names from the bottom (lane 0) up.
    void setLanes(const QStringList &names);
    // Labels at chosen x values instead of the automatic ticks (Value axis only); an empty
    // list restores the automatic ticks.
    void setXTicks(const QList<QPair<double, QString>> &ticks);
    void setXLabelFormat(const QString &printfFormat); // Value/Log axes, e.g. "%.0f"
    void setYLabelFormat(const QString &printfFormat);

    // Removes every series.
    void clearSeries();
    // Returns the series' number (0, 1, ... in the order added). An invalid colour picks the
    // palette's next one. markerSize applies to Scatter (and Line points when > 0).
    int addSeries(SeriesKind kind, const QString &name, const QColor &color = {}, double markerSize = 0);
    // Scatter and Line series.
    void setPoints(int series, const QList<QPointF> &points);
    // Bar series: value per slot (all bar series of a chart should have as many slots).
    void setBarValues(int series, const QList<double> &values);
    int seriesCount() const;
    QString seriesName(int series) const;
    QColor seriesColor(int series) const;
    // Points (Scatter/Line) or values as (slot, value) (bars) of a series, as drawn.
    QList<QPointF> seriesPoints(int series) const;

    // Axis ranges. Setting the x range of a zoomable chart sets the "full" range too unless
    // keepFull is true (used while zooming).
    void setXRange(double min, double max, bool keepFull = false);
    void setYRange(double min, double max);
    double xMin() const;
    double xMax() const;
    double yMin() const;
    double yMax() const;
    void setZoomPanX(bool on);
    // Zooms the x axis by `factor` (< 1 zooms in) around x value `centre`.
    void zoomX(double factor, double centre);
    void resetZoom();

    // Screen position (in this widget's coordinates) of a value, and the value at a position.
    QPointF mapToPosition(const QPointF &value) const;
    QPointF mapToValue(const QPointF &position) const;
    // Width in pixels of the plot area (for binning).
    double plotWidth() const;
    // The widget that receives the mouse (for tests that click and hover like a user).
    QWidget *inputWidget() const;

Q_SIGNALS:
    // Scatter/Line: index = point index in the series; bars: index = slot.
    void pointClicked(int series, int index);
    void pointHovered(int series, int index, bool entered);
    // A click on a series' legend entry.
    void legendClicked(int series);
    void xRangeChanged(double min, double max);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace pingscope
