// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QPair>
#include <QString>
#include <QWidget>

class QCheckBox;
class QLabel;
class QModelIndex;
class QStackedWidget;

namespace pingscope {

class Chart;
class MetricPlotModel;

// The plot beside the Metrics table: a distribution's histogram (one bar per bucket, x ticks =
// bucket lower bounds with the unit, thinned out so they never overlap; y = count, log scale
// when the counts span two decades, with a check box to switch) or a labeled counter's bars.
// The title gives count, sum, mean and unit. Hovering a bar shows its range and count.
// Anything else shows a short hint instead of an empty pane.
//
// Threading: GUI thread only.
class MetricChart : public QWidget
{
    Q_OBJECT
public:
    explicit MetricChart(QWidget *parent = nullptr);
    ~MetricChart() override;

    // An index of MetricsModel; see MetricPlotModel::setMetric.
    void showMetric(const QModelIndex &metricsIndex);
    void clear();

    MetricPlotModel *model() const { return m_model; }
    Chart *chart() const { return m_chart; }
    bool isPlotting() const; // the chart is shown, not the hint
    QString hint() const;    // the hint's text
    QString title() const { return m_title; }
    bool logCount() const;
    void setLogCount(bool on);
    // The x ticks as drawn: (x, label). Bar i is centred on x = i; a histogram's ticks are
    // bucket bounds at the bars' edges (i - 0.5), a labeled counter's are labels at i.
    const QList<QPair<double, QString>> &xTicks() const { return m_ticks; }
    // What hovering bar `slot` shows.
    QString barToolTip(int slot) const;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void replot();
    void updateTicks();
    void showHint(const QString &text);

    MetricPlotModel *m_model = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_hint = nullptr;
    QWidget *m_plotPage = nullptr;
    Chart *m_chart = nullptr;
    QCheckBox *m_logCount = nullptr;
    QLabel *m_note = nullptr;
    QString m_title;
    QList<QPair<double, QString>> m_ticks;
};

} // namespace pingscope
