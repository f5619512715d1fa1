// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "eventtimeline.h"

#include "chart.h"
#include "eventsmodel.h"
#include "timelinemodel.h"

#include <QCursor>
#include <QDateTime>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedLayout>
#include <QTableView>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

constexpr int kLaneHeight = 18; // pixels per lane before the chart scrolls

} // namespace

EventTimeline::EventTimeline(QWidget *parent) : QWidget(parent)
{
    m_markers = new TimelineModel(this);
    m_chart = new Chart;
    m_chart->setObjectName(u"timelineChart"_s);
    m_chart->setZoomPanX(true);
    m_chart->setYAxis(Chart::AxisKind::Lanes, QString());
    m_chartScroll = new QScrollArea;
    m_chartScroll->setWidget(m_chart);
    m_chartScroll->setWidgetResizable(true);
    m_chartScroll->setFrameShape(QFrame::NoFrame);
    m_chartScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_table = new QTableView;
    m_table->setObjectName(u"eventsTable"_s);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);

    m_split = new QSplitter(Qt::Horizontal);
    m_split->addWidget(m_chartScroll);
    m_split->addWidget(m_table);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setChildrenCollapsible(false);

    m_empty = new QLabel(tr("This ping has no events."));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setEnabled(false);

    auto *stack = new QStackedLayout(this);
    stack->setContentsMargins(0, 0, 0, 0);
    stack->addWidget(m_split);
    stack->addWidget(m_empty);

    m_rebinTimer = new QTimer(this);
    m_rebinTimer->setSingleShot(true);
    m_rebinTimer->setInterval(15);
    connect(m_rebinTimer, &QTimer::timeout, this, &EventTimeline::rebin);
    connect(m_chart, &Chart::xRangeChanged, m_rebinTimer, qOverload<>(&QTimer::start));
    connect(m_chart, &Chart::pointClicked, this, [this](int series, int index) {
        const int marker = markerAt(series, index);
        if (marker >= 0)
            selectEvent(m_markers->markers()[size_t(marker)].firstRow);
    });
    connect(m_chart, &Chart::pointHovered, this, [this](int series, int index, bool entered) {
        const int marker = markerAt(series, index);
        if (entered && marker >= 0)
            QToolTip::showText(QCursor::pos(), markerText(marker), m_chart);
        else
            QToolTip::hideText();
    });
    connect(m_table, &QAbstractItemView::activated, this,
            [this](const QModelIndex &index) { Q_EMIT eventActivated(index.row()); });
    setModel(nullptr);
}

EventTimeline::~EventTimeline() = default;

void EventTimeline::setModel(EventListModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    // The view makes a new selection model for every model and leaves the old one to us.
    // (setting the same model again keeps the selection model: nothing to delete then).
    QItemSelectionModel *oldSelection = m_table->selectionModel();
    m_table->setModel(model);
    if (m_table->selectionModel() != oldSelection)
        delete oldSelection;
    m_markers->setSource(model);
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &EventTimeline::reload);
        connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
                &EventTimeline::drawHighlight);
        m_empty->setText(model->absoluteTime() ? tr("No events in these pings.")
                                               : tr("This ping has no events."));
    }
    reload();
}

void EventTimeline::reload()
{
    auto *stack = static_cast<QStackedLayout *>(layout());
    const bool any = m_model && m_model->rowCount() > 0;
    stack->setCurrentIndex(any ? 0 : 1);
    if (m_model && !any && m_model->totalCount() > 0)
        m_empty->setText(tr("No event matches the filter."));
    if (!m_model)
        return;
    const bool legacyOnly = std::all_of(m_model->events().begin(), m_model->events().end(),
                                        [](const TelemetryEvent &e) { return !e.process.isEmpty(); });
    const bool anyLegacy = std::any_of(m_model->events().begin(), m_model->events().end(),
                                       [](const TelemetryEvent &e) { return !e.process.isEmpty(); });
    const bool anySession = std::any_of(m_model->events().begin(), m_model->events().end(),
                                        [](const TelemetryEvent &e) { return !e.sessionId.isEmpty(); });
    m_table->setColumnHidden(EventListModel::Process, !anyLegacy);
    m_table->setColumnHidden(EventListModel::Object, !anyLegacy);
    m_table->setColumnHidden(EventListModel::Value, !anyLegacy);
    m_table->setColumnHidden(EventListModel::Session, !anySession);
    m_table->setColumnHidden(EventListModel::Ping, !m_model->absoluteTime());
    const QFontMetrics fm = fontMetrics();
    const std::pair<int, QString> widths[] = {
        {EventListModel::Timestamp, m_model->absoluteTime() ? u"00:00:00.000"_s : u"12345678"_s},
        {EventListModel::Process, u"content"_s},
        {EventListModel::Category, u"service_request_ab"_s},
        {EventListModel::Name, u"backup_can_be_loaded_session_file"_s},
        {EventListModel::Object, u"searchbar"_s},
        {EventListModel::Value, u"remote-settings"_s},
        {EventListModel::Session, u"abcdef12 #123"_s},
        {EventListModel::Extras, u"key=value, key=value, key=value"_s}};
    for (const auto &[column, sample] : widths)
        m_table->setColumnWidth(column, fm.horizontalAdvance(sample) + 16);

    if (!any)
        return;
    const auto &events = m_model->events();
    double min = m_model->xAt(0), max = m_model->xAt(int(events.size()) - 1);
    const double pad = std::max((max - min) * 0.03, m_model->absoluteTime() ? 500.0 : 5.0);
    m_chart->setXAxis(m_model->absoluteTime() ? Chart::AxisKind::DateTime : Chart::AxisKind::Value,
                      m_model->absoluteTime() ? tr("Time (local)")
                      : legacyOnly            ? tr("Time since the process started (ms)")
                                              : tr("Time since the ping started (ms)"));
    if (!m_model->absoluteTime())
        m_chart->setXLabelFormat(u"%.0f"_s);
    // Lanes from the top in order of first event: lane 0 is drawn at the top.
    QStringList lanes = m_model->lanes();
    std::reverse(lanes.begin(), lanes.end());
    m_chart->setLanes(lanes);
    m_chart->setMinimumHeight(70 + kLaneHeight * int(lanes.size()));
    m_chart->setXRange(min - pad, max + pad);
    rebin();
}

void EventTimeline::rebin()
{
    if (!m_model || m_model->rowCount() == 0)
        return;
    const double width = std::max(50.0, m_chart->plotWidth());
    const double span = m_chart->xMax() - m_chart->xMin();
    m_markers->setView(m_chart->xMin(), m_chart->xMax(), span / width * kMarkerPx);
    drawMarkers();
}

void EventTimeline::drawMarkers()
{
    m_chart->clearSeries();
    m_seriesMarkers.clear();
    const int laneCount = int(m_model->lanes().size());
    const auto y = [laneCount](int lane) { return double(laneCount - 1 - lane); };
    // The highlight first, so the markers are drawn over it as a halo.
    m_highlightSeries = m_chart->addSeries(Chart::SeriesKind::Scatter, tr("Selected"),
                                           palette().color(QPalette::Highlight), 20);
    m_seriesMarkers.emplace_back();
    // Per lane: single events (circles) and merged markers (larger).
    auto singles = std::vector<QList<QPointF>>(size_t(laneCount));
    auto merged = singles;
    auto singleIds = std::vector<std::vector<int>>(size_t(laneCount));
    auto mergedIds = singleIds;
    const auto &markers = m_markers->markers();
    for (size_t i = 0; i < markers.size(); ++i) {
        const auto &m = markers[i];
        auto &pts = m.count > 1 ? merged[size_t(m.lane)] : singles[size_t(m.lane)];
        auto &ids = m.count > 1 ? mergedIds[size_t(m.lane)] : singleIds[size_t(m.lane)];
        pts << QPointF(m.x, y(m.lane));
        ids.push_back(int(i));
    }
    for (int lane = 0; lane < laneCount; ++lane) {
        const int s = m_chart->addSeries(Chart::SeriesKind::Scatter, m_model->lanes()[lane], {}, 10);
        const QColor colour = m_chart->seriesColor(s);
        m_chart->setPoints(s, singles[size_t(lane)]);
        m_seriesMarkers.push_back(std::move(singleIds[size_t(lane)]));
        if (!merged[size_t(lane)].isEmpty()) {
            const int t = m_chart->addSeries(Chart::SeriesKind::Scatter, m_model->lanes()[lane], colour, 15);
            m_chart->setPoints(t, merged[size_t(lane)]);
            m_seriesMarkers.push_back(std::move(mergedIds[size_t(lane)]));
        }
    }
    drawHighlight();
}

void EventTimeline::drawHighlight()
{
    if (m_highlightSeries < 0 || !m_model)
        return;
    const int row = selectedEvent();
    QList<QPointF> pts;
    if (row >= 0 && row < m_model->rowCount()) {
        const int laneCount = int(m_model->lanes().size());
        const double x = m_model->xAt(row);
        // Bring it into view when it is outside.
        if (x < m_chart->xMin() || x > m_chart->xMax()) {
            const double span = m_chart->xMax() - m_chart->xMin();
            m_chart->setXRange(x - span / 2, x + span / 2, true);
        }
        const int marker = m_markers->markerOfRow(row);
        const double mx = marker >= 0 ? m_markers->markers()[size_t(marker)].x : x;
        pts << QPointF(mx, double(laneCount - 1 - m_model->events()[size_t(row)].lane));
        m_chartScroll->ensureVisible(0, int(m_chart->mapToPosition(pts.front()).y()), 0, kLaneHeight);
    }
    m_chart->setPoints(m_highlightSeries, pts);
}

void EventTimeline::selectEvent(int row)
{
    if (!m_model || row < 0 || row >= m_model->rowCount())
        return;
    const QModelIndex index = m_model->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

int EventTimeline::selectedEvent() const
{
    if (!m_model || !m_table->selectionModel())
        return -1;
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? current.row() : -1;
}

int EventTimeline::markerAt(int series, int index) const
{
    if (series < 0 || size_t(series) >= m_seriesMarkers.size())
        return -1;
    const auto &ids = m_seriesMarkers[size_t(series)];
    return index >= 0 && size_t(index) < ids.size() ? ids[size_t(index)] : -1;
}

QString EventTimeline::markerText(int marker) const
{
    if (!m_model || marker < 0 || marker >= int(m_markers->markers().size()))
        return {};
    const std::vector<int> rows = m_markers->rowsOf(marker);
    if (rows.size() == 1)
        return EventListModel::detailText(m_model->events()[size_t(rows.front())], m_model->absoluteTime());
    QStringList lines;
    const auto time = [this](int row) {
        const auto &e = m_model->events()[size_t(row)];
        return m_model->absoluteTime()
                   ? QDateTime::fromMSecsSinceEpoch(e.absoluteMs).toString(u"HH:mm:ss.zzz"_s)
                   : QString::number(e.timestamp) + u" ms"_s;
    };
    lines << tr("%1 events, %2 – %3 (zoom in to separate them)")
                 .arg(rows.size())
                 .arg(time(rows.front()), time(rows.back()));
    constexpr size_t kListed = 8;
    for (size_t i = 0; i < std::min(rows.size(), kListed); ++i)
        lines << u"  %1  %2"_s.arg(time(rows[i]), m_model->events()[size_t(rows[i])].fullName());
    if (rows.size() > kListed)
        lines << tr("  … %1 more").arg(rows.size() - kListed);
    return lines.join(u'\n');
}

void EventTimeline::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // The table beside the chart when there is room for both, else below it.
    const Qt::Orientation o = width() >= 900 && width() > 2 * height() ? Qt::Horizontal : Qt::Vertical;
    if (o != m_split->orientation()) {
        m_split->setOrientation(o);
        m_sized = false;
    }
    if (isVisible())
        placeSplitter();
    m_rebinTimer->start();
}

void EventTimeline::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    placeSplitter();
}

void EventTimeline::placeSplitter()
{
    // The chart gets three fifths (the table's own size hint would take all of its columns).
    if (m_sized)
        return;
    const int total = m_split->orientation() == Qt::Horizontal ? width() : height();
    if (total <= 0)
        return;
    m_split->setSizes({total * 3 / 5, total - total * 3 / 5});
    m_sized = true;
}

} // namespace pingscope
