// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "trafficview.h"

#include "chart.h"
#include "trafficmodel.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

constexpr qint64 kSecondUs = 1'000'000;
constexpr qint64 kMinuteUs = 60 * kSecondUs;
constexpr qint64 kHourUs = 60 * kMinuteUs;
constexpr qint64 kDayUs = 24 * kHourUs;

const QColor kDocTypeColours[] = {
    QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0x59, 0xa1, 0x4f), QColor(0x76, 0xb7, 0xb2),
    QColor(0xed, 0xc9, 0x48), QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7), QColor(0x9c, 0x75, 0x5f),
    QColor(0xba, 0xb0, 0xac), QColor(0x1f, 0x9e, 0x89)};
const QColor kInvalidColour(0xc0, 0x1c, 0x28);
const QColor kDuplicateColour(0xd9, 0x8e, 0x04);
const QColor kRefusedColour(0x6a, 0x5a, 0xcd);

enum ProblemSeries
{
    InvalidSeries,
    DuplicateSeries,
    RefusedSeries
};

// A count axis's top: four equal steps of a whole number (1, 2, 3, 4, 5, 6, 8 x 10^k) with
// room for v, so that the default five labels are whole numbers.
double countAxisMax(double v)
{
    const double step = std::max(1.0, std::ceil(v / 4));
    const double p = std::pow(10.0, std::floor(std::log10(step)));
    for (const double m : {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
        if (m * p >= step)
            return 4 * m * p;
    return 40 * p;
}

qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

QString timeText(qint64 us, const QString &format)
{
    return QDateTime::fromMSecsSinceEpoch(floorDiv(us, 1000)).toString(format);
}

QString widthText(qint64 us)
{
    if (us % kDayUs == 0)
        return QObject::tr("%n day(s)", nullptr, int(us / kDayUs));
    if (us % kHourUs == 0)
        return QObject::tr("%n h", nullptr, int(us / kHourUs));
    if (us % kMinuteUs == 0)
        return QObject::tr("%n min", nullptr, int(us / kMinuteUs));
    return QObject::tr("%n s", nullptr, int(us / kSecondUs));
}

} // namespace

TrafficView::TrafficView(QWidget *parent) : QWidget(parent), m_model(new TrafficModel(this))
{
    qRegisterMetaType<TrafficSelection>();
    m_model->setDeferred(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2);
    auto *top = new QHBoxLayout;
    m_caption = new QLabel(this);
    m_caption->setObjectName(u"trafficCaption"_s);
    top->addWidget(m_caption, 1);
    auto *whole = new QToolButton(this);
    whole->setObjectName(u"trafficWholeSession"_s);
    whole->setText(tr("Whole session"));
    whole->setToolTip(tr("Show the whole capture session again (also: double click a chart, or Home)"));
    connect(whole, &QToolButton::clicked, this, &TrafficView::showWholeSession);
    top->addWidget(whole);
    layout->addLayout(top);

    auto makeChart = [this](const QString &name, const QString &title, const QString &yTitle,
                            Chart::AxisKind yKind) {
        auto *c = new Chart(this);
        c->setObjectName(name);
        c->setTitle(title);
        // The caption above says the time range and bucket width; no x title saves a line.
        c->setXAxis(Chart::AxisKind::Value, QString());
        c->setYAxis(yKind, yTitle);
        if (yKind == Chart::AxisKind::Value)
            c->setYLabelFormat(u"%.0f"_s);
        c->setLegendVisible(true);
        c->setLegendAlignment(Qt::AlignRight); // keeps the plot tall in a short dock
        c->setZoomPanX(true);
        c->setMinimumHeight(190); // below this, axis labels and titles get elided
        connect(c, &Chart::xRangeChanged, this, &TrafficView::xRangeChanged);
        connect(c, &Chart::pointClicked, this,
                [this, c](int series, int index) { clicked(c, series, index, false); });
        connect(c, &Chart::legendClicked, this, [this, c](int series) { clicked(c, series, -1, true); });
        return c;
    };
    m_counts = makeChart(u"trafficCounts"_s, tr("Pings per doc type and bucket"), tr("pings"),
                         Chart::AxisKind::Value);
    m_problems =
        makeChart(u"trafficProblems"_s, tr("Invalid pings, duplicates and refused requests per bucket"),
                  tr("requests"), Chart::AxisKind::Value);
    m_sizes = makeChart(
        u"trafficSizes"_s,
        tr("Size per doc type (decoded, else on the wire): median (line) and max (dots), colours as above"),
        tr("bytes"), Chart::AxisKind::Log);
    m_sizes->setYLabelFormat(u"%.0f"_s);
    // Two entries per doc type do not fit: the counts chart's legend names the colours.
    m_sizes->setLegendVisible(false);
    m_problems->addSeries(Chart::SeriesKind::Bars, tr("Invalid"), kInvalidColour);
    m_problems->addSeries(Chart::SeriesKind::Bars, tr("Duplicates"), kDuplicateColour);
    m_problems->addSeries(Chart::SeriesKind::Bars, tr("Refused"), kRefusedColour);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_counts);
    split->addWidget(m_problems);
    split->addWidget(m_sizes);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    // In a short dock the charts scroll rather than squeeze (or force the window to grow).
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(u"trafficScroll"_s);
    scroll->setWidget(split);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(scroll, 1);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(RefreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, [this] { refreshNow(); });
    // Wheel steps and drags come in bursts: re-bucket once they pause.
    m_zoomTimer = new QTimer(this);
    m_zoomTimer->setSingleShot(true);
    m_zoomTimer->setInterval(40);
    connect(m_zoomTimer, &QTimer::timeout, this, &TrafficView::applyZoom);
    redraw();
}

TrafficView::~TrafficView() = default;

void TrafficView::addPings(const std::vector<PingRecord> &newestFirst)
{
    m_model->addPings(newestFirst);
    if (!m_model->isStale())
        return; // nothing new
    m_dirty = true;
    scheduleRefresh();
}

void TrafficView::dropOldest(size_t count)
{
    m_model->dropOldest(count);
    m_dirty = true;
    scheduleRefresh();
}

void TrafficView::adoptOlder(TrafficModel::Older &&older)
{
    m_model->adoptOlder(std::move(older));
    m_dirty = true;
    scheduleRefresh();
}

void TrafficView::updatePings(const std::vector<PingRecord> &records)
{
    m_model->updatePings(records);
    if (!m_model->isStale())
        return;
    m_dirty = true;
    scheduleRefresh();
}

void TrafficView::clear()
{
    m_model->clear();
    m_viewFromUs = m_viewToUs = 0;
    m_model->setRange(0, 0);
    m_dirty = true;
    scheduleRefresh();
}

void TrafficView::scheduleRefresh()
{
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void TrafficView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        QTimer::singleShot(0, this, [this] { refreshNow(); });
}

void TrafficView::refreshNow(bool evenIfHidden)
{
    if (!evenIfHidden && !isVisible())
        return;                    // caught up when shown
    if (m_zoomTimer->isActive()) { // a zoom is being applied: redraw with it
        scheduleRefresh();
        return;
    }
    redraw();
}

void TrafficView::showWholeSession()
{
    m_zoomTimer->stop();
    m_pendingFromUs = m_pendingToUs = 0;
    applyZoom();
}

void TrafficView::zoomTo(qint64 fromUs, qint64 toUs)
{
    m_zoomTimer->stop();
    m_pendingFromUs = fromUs;
    m_pendingToUs = toUs;
    applyZoom();
}

void TrafficView::xRangeChanged(double min, double max)
{
    if (m_updating || m_model->rowCount() == 0)
        return;
    const qint64 first = m_model->bucketStartUs(0), width = m_model->bucketWidthUs();
    // The charts' full range is the whole session: reaching it (zoom out, double click, Home)
    // means following the session again.
    if (min <= m_fullMin + 1e-9 && max >= m_fullMax - 1e-9) {
        m_pendingFromUs = m_pendingToUs = 0;
    } else {
        m_pendingFromUs = first + qint64(std::llround((min + 0.5) * double(width)));
        m_pendingToUs = first + qint64(std::llround((max + 0.5) * double(width)));
    }
    m_zoomTimer->start();
}

void TrafficView::applyZoom()
{
    // Not in the middle of a drag: re-bucketing moves the slots under the chart's pan.
    if (QGuiApplication::mouseButtons() & Qt::LeftButton) {
        m_zoomTimer->start();
        return;
    }
    if (m_pendingToUs <= m_pendingFromUs)
        m_pendingFromUs = m_pendingToUs = 0;
    m_viewFromUs = m_pendingFromUs;
    m_viewToUs = m_pendingToUs;
    m_model->setRange(m_viewFromUs, m_viewToUs);
    m_dirty = true;
    refreshNow();
}

QColor TrafficView::docTypeColour(int docType) const
{
    constexpr int n = int(std::size(kDocTypeColours));
    if (docType < n)
        return kDocTypeColours[docType];
    return QColor::fromHsv((docType * 47) % 360, 140, 200);
}

void TrafficView::redraw()
{
    QElapsedTimer timer;
    timer.start();
    m_model->recompute();
    m_lastRecomputeMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    m_dirty = false;

    const TrafficModel &m = *m_model;
    const int n = m.rowCount();
    const QStringList &types = m.docTypes();
    std::vector<int> shown; // doc types with pings in these buckets
    for (int t = 0; t < int(types.size()); ++t)
        for (int row = 0; row < n; ++row)
            if (m.count(row, t) > 0) {
                shown.push_back(t);
                break;
            }

    // The shared x range (in slots) and time ticks, set before any series is (re)built: xy
    // series attached to one axis and moved to the ticks' axis afterwards lose the labels.
    double fullMin = -0.5, fullMax = std::max(0.5, n - 0.5), viewMin = fullMin, viewMax = fullMax;
    QList<QPair<double, QString>> ticks;
    QString caption = tr("No pings yet");
    if (n > 0) {
        const qint64 first = m.bucketStartUs(0), width = m.bucketWidthUs();
        const auto toX = [first, width](qint64 t) { return double(t - first) / double(width) - 0.5; };
        qint64 from = m.bucketStartUs(0), to = m.bucketStartUs(n - 1) + width;
        if (!m.followsSession()) {
            from = m_viewFromUs;
            to = m_viewToUs;
            viewMin = toX(from);
            viewMax = toX(to);
            fullMin = std::min(viewMin,
                               m.entryCount() ? toX(floorDiv(m.sessionStartUs(), width) * width) : viewMin);
            fullMax = std::max(viewMax, m.entryCount() ? toX((floorDiv(m.sessionEndUs(), width) + 1) * width)
                                                       : viewMax);
        }
        // Labels at nice times, spaced so that they never overlap.
        const double plot =
            m_counts->plotWidth() > 50 ? m_counts->plotWidth() : std::max(200, QWidget::width() - 80);
        const int labelPx = fontMetrics().horizontalAdvance(u"00-00 00:00"_s) + 24;
        const int maxLabels = std::max(2, int(plot / labelPx));
        const qint64 span = to - from;
        const qint64 interval = TrafficModel::niceWidthAtLeast(std::max(width, span / maxLabels + 1));
        const bool days = floorDiv(from, kDayUs) != floorDiv(to - 1, kDayUs);
        const QString format = interval >= kDayUs              ? u"MM-dd"_s
                               : days && interval >= kMinuteUs ? u"MM-dd HH:mm"_s
                               : interval >= kMinuteUs         ? u"HH:mm"_s
                                                               : u"HH:mm:ss"_s;
        for (qint64 t = (floorDiv(from - 1, interval) + 1) * interval; t <= to; t += interval)
            ticks.append({toX(t), timeText(t, format)});
        caption =
            tr("%1 buckets, %2 to %3")
                .arg(widthText(width), timeText(from, u"yyyy-MM-dd HH:mm:ss"_s), timeText(to, u"HH:mm:ss"_s));
        caption += m.followsSession()
                       ? tr(" (whole session, live)")
                       : tr(" (zoomed: wheel to zoom, drag to pan, double click for the whole session)");
    }
    m_caption->setText(caption);
    m_ticks = ticks;
    m_fullMin = fullMin;
    m_fullMax = fullMax;
    m_updating = true;
    for (Chart *c : {m_counts, m_problems, m_sizes}) {
        c->setXTicks(ticks);
        c->setXRange(fullMin, fullMax);
        c->setXRange(viewMin, viewMax, true);
    }
    m_updating = false;

    // Pings per doc type, stacked.
    // Series whose values did not change are not touched: Qt Charts lays out a bar series
    // again for every changed set, and live, only the newest buckets change.
    if (shown != m_countSeriesDocType) {
        m_counts->clearSeries();
        for (const int t : shown)
            m_counts->addSeries(Chart::SeriesKind::StackedBars, TrafficModel::docTypeLabel(types[t]),
                                docTypeColour(t));
        m_countSeriesDocType = shown;
        m_drawnCounts.assign(shown.size(), {});
        // Tall enough for every legend entry (a legend does not scroll; the dock does).
        m_counts->setMinimumHeight(std::max(190, 60 + (fontMetrics().height() + 8) * int(shown.size())));
    }
    std::vector<double> stack(size_t(n), 0);
    for (size_t s = 0; s < shown.size(); ++s) {
        QList<double> values(n);
        for (int row = 0; row < n; ++row) {
            values[row] = m.count(row, shown[s]);
            stack[size_t(row)] += values[row];
        }
        if (values != m_drawnCounts[s]) {
            m_counts->setBarValues(int(s), values);
            m_drawnCounts[s] = values;
        }
    }
    m_counts->setYRange(0, countAxisMax(stack.empty() ? 0 : *std::max_element(stack.begin(), stack.end())));

    // Problems, side by side.
    QList<double> invalid(n), duplicates(n), refused(n);
    double problemMax = 0;
    for (int row = 0; row < n; ++row) {
        invalid[row] = m.invalid(row);
        duplicates[row] = m.duplicates(row);
        refused[row] = m.refused(row);
        problemMax = std::max({problemMax, invalid[row], duplicates[row], refused[row]});
    }
    for (const auto &[series, values] :
         {std::pair{InvalidSeries, &invalid}, std::pair{DuplicateSeries, &duplicates},
          std::pair{RefusedSeries, &refused}})
        if (*values != m_drawnProblems[series]) {
            m_problems->setBarValues(series, *values);
            m_drawnProblems[series] = *values;
        }
    m_problems->setYRange(0, countAxisMax(problemMax));

    // Sizes: a median line and max dots per doc type.
    std::vector<int> sizeTypes;
    for (size_t s = 0; s < m_sizeSeriesDocType.size(); s += 2)
        sizeTypes.push_back(m_sizeSeriesDocType[s]);
    if (shown != sizeTypes) {
        m_sizes->clearSeries();
        m_sizeSeriesDocType.clear();
        for (const int t : shown) {
            const QString name = TrafficModel::docTypeLabel(types[t]);
            m_sizes->addSeries(Chart::SeriesKind::Line, tr("%1 median").arg(name), docTypeColour(t), 5);
            m_sizes->addSeries(Chart::SeriesKind::Scatter, tr("%1 max").arg(name),
                               docTypeColour(t).darker(125), 6);
            m_sizeSeriesDocType.push_back(t);
            m_sizeSeriesDocType.push_back(t);
        }
    }
    m_sizePointBucket.assign(m_sizeSeriesDocType.size(), {});
    double sizeMin = 0, sizeMax = 0;
    for (size_t s = 0; s < m_sizeSeriesDocType.size(); ++s) {
        const int t = m_sizeSeriesDocType[s];
        const bool median = s % 2 == 0;
        QList<QPointF> points;
        for (int row = 0; row < n; ++row) {
            if (m.count(row, t) == 0)
                continue;
            const double v = median ? m.medianSize(row, t) : double(m.maxSize(row, t));
            if (!(v > 0)) // a log axis: empty bodies are not drawn
                continue;
            points.append(QPointF(row, v));
            m_sizePointBucket[s].push_back(row);
            sizeMin = sizeMin > 0 ? std::min(sizeMin, v) : v;
            sizeMax = std::max(sizeMax, v);
        }
        if (points != m_sizes->seriesPoints(int(s)))
            m_sizes->setPoints(int(s), points);
    }
    if (sizeMax > 0)
        m_sizes->setYRange(
            std::pow(10.0, std::floor(std::log10(sizeMin))),
            std::pow(10.0, std::max(std::ceil(std::log10(sizeMax)), std::floor(std::log10(sizeMin)) + 1)));
    else
        m_sizes->setYRange(1, 1000);

    m_lastRedrawMs = double(timer.nsecsElapsed()) / 1e6;
    Q_EMIT refreshed();
}

bool TrafficView::selectionFor(const Chart *chart, int series, int index, bool legend,
                               TrafficSelection *out) const
{
    TrafficSelection s;
    int bucket = legend ? -1 : index;
    if (chart == m_counts) {
        if (series < 0 || size_t(series) >= m_countSeriesDocType.size())
            return false;
        s.hasDocType = true;
        s.docType = m_model->docTypes()[m_countSeriesDocType[size_t(series)]];
    } else if (chart == m_problems) {
        switch (series) {
        case InvalidSeries:
            s.problemsOnly = true;
            break;
        case DuplicateSeries:
            s.duplicatesOnly = true;
            break;
        case RefusedSeries:
            s.verdict = QString::fromUtf16(verdict::Refused);
            break;
        default:
            return false;
        }
    } else if (chart == m_sizes) {
        if (series < 0 || size_t(series) >= m_sizeSeriesDocType.size())
            return false;
        s.hasDocType = true;
        s.docType = m_model->docTypes()[m_sizeSeriesDocType[size_t(series)]];
        if (!legend) {
            const auto &buckets = m_sizePointBucket[size_t(series)];
            if (index < 0 || size_t(index) >= buckets.size())
                return false;
            bucket = buckets[size_t(index)];
        }
    } else {
        return false;
    }
    if (s.hasDocType && s.docType.isEmpty()) {
        // Pings without a doc type had a bad path: the table can show them as problems.
        s.hasDocType = false;
        s.problemsOnly = true;
    }
    if (!legend) {
        if (bucket < 0 || bucket >= m_model->rowCount())
            return false;
        s.fromUs = m_model->bucketStartUs(bucket);
        s.toUs = s.fromUs + m_model->bucketWidthUs();
    }
    *out = s;
    return true;
}

void TrafficView::clicked(const Chart *chart, int series, int index, bool legend)
{
    TrafficSelection s;
    if (selectionFor(chart, series, index, legend, &s))
        Q_EMIT filterRequested(s);
}

} // namespace pingscope
