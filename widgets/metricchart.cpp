// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "metricchart.h"

#include "chart.h"
#include "metricplotmodel.h"

#include <QCheckBox>
#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QModelIndex>
#include <QStackedWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

// Room the y axis (labels and title) and the margins take from the chart's width.
constexpr int kYAxisRoom = 90;
constexpr int kTickGap = 14;
constexpr int kMaxLabelChars = 18;

// An upper end for a linear count axis with 5 ticks (4 steps) on whole numbers.
double niceCountMax(double max)
{
    const double raw = std::max(1.0, max * 1.05 / 4);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
        if (m * power >= raw)
            return 4 * m * power;
    return 40 * power;
}

QString elided(const QString &label)
{
    return label.size() > kMaxLabelChars ? label.left(kMaxLabelChars - 1) + u'…' : label;
}

} // namespace

MetricChart::MetricChart(QWidget *parent) : QWidget(parent), m_model(new MetricPlotModel(this))
{
    m_stack = new QStackedWidget(this);
    m_hint = new QLabel(this);
    m_hint->setObjectName(u"metricChartHint"_s);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setMargin(24);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_hint);

    m_plotPage = new QWidget(this);
    auto *plotLayout = new QVBoxLayout(m_plotPage);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->setSpacing(2);
    m_chart = new Chart(m_plotPage);
    m_chart->setObjectName(u"metricChart"_s);
    m_chart->setMinimumSize(320, 220);
    plotLayout->addWidget(m_chart, 1);
    auto *bottom = new QHBoxLayout;
    bottom->setContentsMargins(6, 0, 6, 2);
    m_note = new QLabel(m_plotPage);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->setWordWrap(true);
    bottom->addWidget(m_note, 1);
    m_logCount = new QCheckBox(tr("Log count axis"), m_plotPage);
    m_logCount->setObjectName(u"logCount"_s);
    m_logCount->setToolTip(
        tr("A logarithmic count axis shows small counts beside large ones; empty buckets are not drawn."));
    bottom->addWidget(m_logCount);
    plotLayout->addLayout(bottom);
    m_stack->addWidget(m_plotPage);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    connect(m_logCount, &QCheckBox::toggled, this, &MetricChart::replot);
    connect(m_chart, &Chart::pointHovered, this, [this](int, int slot, bool entered) {
        if (entered)
            QToolTip::showText(QCursor::pos(), barToolTip(slot), m_chart);
        else
            QToolTip::hideText();
    });
    clear();
}

MetricChart::~MetricChart() = default;

void MetricChart::clear()
{
    m_model->clear();
    showHint(tr("Select a distribution or a labeled counter to plot it."));
}

void MetricChart::showHint(const QString &text)
{
    m_chart->clearSeries();
    m_ticks.clear();
    m_title.clear();
    m_hint->setText(text);
    m_stack->setCurrentWidget(m_hint);
}

bool MetricChart::isPlotting() const
{
    return m_stack->currentWidget() == m_plotPage;
}

QString MetricChart::hint() const
{
    return isPlotting() ? QString() : m_hint->text();
}

bool MetricChart::logCount() const
{
    return m_logCount->isChecked();
}

void MetricChart::setLogCount(bool on)
{
    m_logCount->setChecked(on);
}

void MetricChart::showMetric(const QModelIndex &metricsIndex)
{
    if (!m_model->setMetric(metricsIndex)) {
        if (m_model->kind() == MetricPlotModel::Kind::Distribution)
            showHint(tr("%1 has no samples to plot.").arg(m_model->metricName()));
        else
            clear();
        return;
    }
    // The log axis is the default where it fits; the check box switches.
    const QSignalBlocker block(m_logCount);
    m_logCount->setChecked(m_model->logCountFits());
    replot();
}

QString MetricChart::barToolTip(int slot) const
{
    if (slot < 0 || slot >= m_model->rowCount())
        return {};
    return m_model->index(slot, MetricPlotModel::Bar).data(Qt::ToolTipRole).toString();
}

void MetricChart::replot()
{
    if (m_model->rowCount() == 0)
        return;
    const bool distribution = m_model->kind() == MetricPlotModel::Kind::Distribution;
    const auto &bars = m_model->bars();
    const bool log = m_logCount->isChecked();

    m_title =
        u"<b>%1</b><br>%2"_s.arg(m_model->metricName().toHtmlEscaped(), m_model->summary().toHtmlEscaped());
    if (distribution)
        m_title +=
            tr(" (%1)").arg(m_model->unit().isEmpty() ? tr("no unit") : tr("unit: %1").arg(m_model->unit()));
    m_chart->setTitle(m_title);

    QString xTitle;
    if (!distribution)
        xTitle = tr("label");
    else if (m_model->bucketsLogSpaced())
        xTitle = tr("bucket bounds (log-spaced buckets)");
    else
        xTitle = tr("bucket bounds");
    m_chart->clearSeries();
    m_chart->setXAxis(Chart::AxisKind::Value, xTitle);
    m_chart->setYAxis(log ? Chart::AxisKind::Log : Chart::AxisKind::Value,
                      distribution ? tr("count") : tr("value"));
    m_chart->setYLabelFormat(log ? u"%g"_s : u"%.0f"_s);

    // On the log axis, empty bars sit at its floor: log 0 cannot be drawn.
    constexpr double kLogFloor = 0.5;
    QList<double> values;
    qint64 max = 0;
    for (const auto &b : bars) {
        values << (log && b.count <= 0 ? kLogFloor : double(b.count));
        max = std::max(max, b.count);
    }
    const int highlighted = m_model->highlightedRow();
    if (highlighted >= 0 && !log) {
        // The selected label in its own colour, stacked on an empty slot of the others (on a
        // log axis a stack would shift it by the floor: one series there).
        const int others = m_chart->addSeries(Chart::SeriesKind::StackedBars, tr("value"));
        const int selected = m_chart->addSeries(Chart::SeriesKind::StackedBars, bars[highlighted].label);
        QList<double> mine(values.size(), 0.0);
        mine[highlighted] = values[highlighted];
        values[highlighted] = 0.0;
        m_chart->setBarValues(others, values);
        m_chart->setBarValues(selected, mine);
    } else {
        const int s = m_chart->addSeries(Chart::SeriesKind::Bars, distribution ? tr("count") : tr("value"));
        m_chart->setBarValues(s, values);
    }
    m_chart->setXRange(-0.5, double(bars.size()) - 0.5);
    if (log)
        m_chart->setYRange(kLogFloor,
                           std::pow(10.0, std::ceil(std::log10(double(std::max<qint64>(max, 1)) * 1.5))));
    else
        m_chart->setYRange(0, niceCountMax(double(max)));

    QString note;
    if (distribution && m_model->bucketsFilled())
        note = tr("Empty buckets between the sent ones are drawn at Glean's bucket bounds.");
    else if (distribution && m_model->metricType() == u"custom_distribution")
        note = tr("The buckets the client sent (a custom distribution's bucketing is not in the ping).");
    m_note->setText(note);
    m_stack->setCurrentWidget(m_plotPage);
    updateTicks();
}

void MetricChart::updateTicks()
{
    const auto &bars = m_model->bars();
    if (bars.isEmpty() || !isPlotting())
        return;
    // A histogram's ticks are the bucket bounds, at the bars' edges (bar i spans i ± 0.5), the
    // last bucket's upper bound included when known; a labeled counter's are its labels, under
    // the bars. Every `step`-th one is labelled, so that the widest label plus a gap fits.
    const bool distribution = m_model->kind() == MetricPlotModel::Kind::Distribution;
    QList<QPair<double, QString>> all;
    for (int i = 0; i < bars.size(); ++i)
        all.append({distribution ? i - 0.5 : double(i), elided(bars[i].label)});
    if (distribution && !std::isnan(bars.back().upper))
        all.append({bars.size() - 0.5, MetricPlotModel::formatValue(bars.back().upper, m_model->unit())});
    const QFontMetrics fm(m_chart->font());
    int widest = 1;
    for (const auto &tick : all)
        widest = std::max(widest, fm.horizontalAdvance(tick.second));
    const double room = std::max(60, width() - kYAxisRoom);
    const double perBar = room / double(bars.size());
    const int step = std::max(1, int(std::ceil(double(widest + kTickGap) / perBar)));
    QList<QPair<double, QString>> ticks;
    for (qsizetype i = 0; i < all.size(); i += step)
        ticks.append(all[i]);
    if (ticks == m_ticks)
        return;
    m_ticks = ticks;
    m_chart->setXTicks(ticks);
    m_chart->setXRange(-0.5, double(bars.size()) - 0.5);
}

void MetricChart::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateTicks();
}

} // namespace pingscope
