// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "chart.h"

#include <QApplication>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QKeyEvent>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QStackedBarSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <map>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

// A qualitative palette that stays distinct on light and dark backgrounds.
const QColor kColours[] = {QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0x59, 0xa1, 0x4f),
                           QColor(0xe1, 0x57, 0x59), QColor(0x76, 0xb7, 0xb2), QColor(0xed, 0xc9, 0x48),
                           QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7), QColor(0x9c, 0x75, 0x5f),
                           QColor(0xba, 0xb0, 0xac)};

} // namespace

struct Chart::Private
{
    struct Series
    {
        SeriesKind kind = SeriesKind::Scatter;
        QString name;
        QColor colour;
        QXYSeries *xy = nullptr;
        QBarSet *set = nullptr;
    };

    QChart *chart = nullptr;
    QChartView *view = nullptr;
    QAbstractAxis *x = nullptr;
    QAbstractAxis *y = nullptr;
    AxisKind xKind = AxisKind::Value, yKind = AxisKind::Value;
    QString xTitle, yTitle;
    QString xFormat, yFormat;
    QStringList lanes;
    QList<QPair<double, QString>> xTicks;
    QAbstractBarSeries *bars = nullptr;
    std::vector<Series> series;
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    double fullMin = 0, fullMax = 1;
    bool zoomPan = false;
    bool dragging = false;
    QPoint pressPos;
    double pressMin = 0, pressMax = 0;
    int nextColour = 0;

    static QAbstractAxis *makeAxis(AxisKind kind, bool ticks)
    {
        switch (kind) {
        case AxisKind::Log: {
            auto *a = new QLogValueAxis;
            a->setBase(10);
            a->setMinorTickCount(-1);
            return a;
        }
        case AxisKind::DateTime:
            return new QDateTimeAxis;
        case AxisKind::Lanes:
            return new QCategoryAxis;
        case AxisKind::Value:
            return ticks ? static_cast<QAbstractAxis *>(new QCategoryAxis) : new QValueAxis;
        }
        return new QValueAxis;
    }

    static void setRange(QAbstractAxis *a, AxisKind kind, double min, double max, const QString &format = {})
    {
        if (auto *dt = qobject_cast<QDateTimeAxis *>(a)) {
            // Labels as precise as the range needs.
            const double span = max - min;
            dt->setFormat(span < 10'000               ? u"HH:mm:ss.zzz"_s
                          : span < 2 * 86'400'000.0   ? u"HH:mm:ss"_s
                          : span < 300 * 86'400'000.0 ? u"MM-dd HH:mm"_s
                                                      : u"yyyy-MM-dd"_s);
        }
        if (auto *v = qobject_cast<QValueAxis *>(a); v && !qobject_cast<QCategoryAxis *>(a) && max > min) {
            // Ticks on round numbers (1, 2 or 5 times a power of ten), about six of them.
            const double raw = (max - min) / 6;
            const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
            double step = magnitude;
            for (const double m : {1.0, 2.0, 5.0, 10.0})
                if (m * magnitude >= raw) {
                    step = m * magnitude;
                    break;
                }
            v->setTickType(QValueAxis::TicksDynamic);
            v->setTickAnchor(0);
            v->setTickInterval(step);
            // As many decimals as the step needs.
            if (format.isEmpty())
                v->setLabelFormat(u"%.%1f"_s.arg(std::max(0, int(-std::floor(std::log10(step))))));
        }
        if (kind == AxisKind::DateTime)
            a->setRange(QDateTime::fromMSecsSinceEpoch(qint64(std::floor(min))),
                        QDateTime::fromMSecsSinceEpoch(qint64(std::ceil(max))));
        else
            a->setRange(min, max);
    }

    // Axes are made once per kind and kept: Qt Charts 6.4 leaves the labels of a removed
    // axis in the scene, so switching kinds hides the old axis and detaches the series.
    std::map<int, QAbstractAxis *> xPool, yPool;

    QAbstractAxis *pooled(std::map<int, QAbstractAxis *> &pool, int key, AxisKind kind, bool ticks,
                          Qt::Alignment align)
    {
        auto it = pool.find(key);
        if (it != pool.end())
            return it->second;
        QAbstractAxis *a = makeAxis(kind, ticks);
        chart->addAxis(a, align);
        pool.emplace(key, a);
        return a;
    }

    void activate(QAbstractAxis *&current, QAbstractAxis *next)
    {
        if (current == next)
            return;
        for (const Series &s : series)
            if (s.xy) {
                if (current)
                    s.xy->detachAxis(current);
                s.xy->attachAxis(next);
            }
        if (bars) {
            if (current)
                bars->detachAxis(current);
            bars->attachAxis(next);
        }
        if (current)
            current->setVisible(false);
        next->setVisible(true);
        current = next;
    }

    static void clearCategories(QCategoryAxis *c)
    {
        const QStringList labels = c->categoriesLabels();
        for (const QString &l : labels)
            c->remove(l);
    }

    void rebuildX()
    {
        const bool ticks = xKind == AxisKind::Value && !xTicks.isEmpty();
        QAbstractAxis *next = pooled(xPool, ticks ? 100 : int(xKind), xKind, ticks, Qt::AlignBottom);
        next->setTitleText(xTitle);
        if (auto *c = qobject_cast<QCategoryAxis *>(next)) {
            clearCategories(c);
            c->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
            QStringList seen;
            for (auto [value, label] : std::as_const(xTicks)) {
                while (seen.contains(label))
                    label += QChar(0x200B); // category labels must be unique
                seen << label;
                c->append(label, value);
            }
        } else if (auto *v = qobject_cast<QValueAxis *>(next)) {
            if (!xFormat.isEmpty())
                v->setLabelFormat(xFormat);
        } else if (auto *l = qobject_cast<QLogValueAxis *>(next)) {
            l->setLabelFormat(xFormat.isEmpty() ? u"%g"_s : xFormat);
        } else if (auto *dt = qobject_cast<QDateTimeAxis *>(next)) {
            dt->setTickCount(6);
        }
        activate(x, next);
        setRange(x, xKind, xMin, xMax, xFormat);
    }

    void rebuildY()
    {
        QAbstractAxis *next = pooled(yPool, int(yKind), yKind, false, Qt::AlignLeft);
        next->setTitleText(yTitle);
        if (yKind == AxisKind::Lanes) {
            auto *c = static_cast<QCategoryAxis *>(next);
            clearCategories(c);
            c->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
            for (int i = 0; i < lanes.size(); ++i)
                c->append(lanes[i], i);
            c->setGridLineVisible(true);
            yMin = -0.5;
            yMax = std::max<double>(0.5, double(lanes.size()) - 0.5);
        } else if (auto *v = qobject_cast<QValueAxis *>(next)) {
            if (!yFormat.isEmpty())
                v->setLabelFormat(yFormat);
        } else if (auto *l = qobject_cast<QLogValueAxis *>(next)) {
            l->setLabelFormat(yFormat.isEmpty() ? u"%g"_s : yFormat);
        }
        activate(y, next);
        setRange(y, yKind, yMin, yMax, yFormat);
    }

    void applyPalette(const QPalette &pal)
    {
        const QColor base = pal.color(QPalette::Base);
        const QColor text = pal.color(QPalette::Text);
        QColor grid = pal.color(QPalette::Mid);
        const bool dark = base.lightness() < 128;
        grid = dark ? base.lighter(190) : base.darker(115);
        chart->setBackgroundBrush(base);
        chart->setPlotAreaBackgroundVisible(false);
        chart->setTitleBrush(text);
        chart->legend()->setLabelColor(text);
        view->setBackgroundBrush(base);
        std::vector<QAbstractAxis *> all;
        for (const auto &[k, a] : xPool)
            all.push_back(a);
        for (const auto &[k, a] : yPool)
            all.push_back(a);
        for (QAbstractAxis *a : all) {
            a->setLabelsColor(text);
            a->setTitleBrush(text);
            a->setGridLineColor(grid);
            a->setMinorGridLineColor(grid);
            a->setLinePenColor(pal.color(QPalette::Mid));
        }
    }
};

Chart::Chart(QWidget *parent) : QWidget(parent), d(std::make_unique<Private>())
{
    d->chart = new QChart;
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->layout()->setContentsMargins(0, 0, 0, 0);
    d->chart->setMargins(QMargins(6, 6, 12, 6));
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->legend()->hide();
    d->view = new QChartView(d->chart, this);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    d->view->viewport()->installEventFilter(this);
    d->view->installEventFilter(this);
    d->view->setFocusPolicy(Qt::StrongFocus);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->view);
    d->rebuildX();
    d->rebuildY();
    d->applyPalette(palette());
}

Chart::~Chart() = default;

void Chart::setTitle(const QString &title)
{
    d->chart->setTitle(title);
}

void Chart::setLegendVisible(bool visible)
{
    d->chart->legend()->setVisible(visible);
}

void Chart::setLegendAlignment(Qt::Alignment alignment)
{
    d->chart->legend()->setAlignment(alignment);
}

void Chart::setXAxis(AxisKind kind, const QString &title)
{
    d->xKind = kind == AxisKind::Lanes ? AxisKind::Value : kind;
    d->xTitle = title;
    d->rebuildX();
    d->applyPalette(palette());
}

void Chart::setYAxis(AxisKind kind, const QString &title)
{
    d->yKind = kind;
    d->yTitle = title;
    d->rebuildY();
    d->applyPalette(palette());
}

void Chart::setLanes(const QStringList &names)
{
    d->lanes = names;
    if (d->yKind == AxisKind::Lanes) {
        d->rebuildY();
        d->applyPalette(palette());
    }
}

void Chart::setXTicks(const QList<QPair<double, QString>> &ticks)
{
    if (ticks == d->xTicks)
        return;
    d->xTicks = ticks;
    d->rebuildX();
    d->applyPalette(palette());
}

void Chart::setXLabelFormat(const QString &printfFormat)
{
    d->xFormat = printfFormat;
    d->rebuildX();
    d->applyPalette(palette());
}

void Chart::setYLabelFormat(const QString &printfFormat)
{
    d->yFormat = printfFormat;
    d->rebuildY();
    d->applyPalette(palette());
}

void Chart::clearSeries()
{
    d->chart->removeAllSeries(); // deletes the series and their bar sets
    d->series.clear();
    d->bars = nullptr;
    d->nextColour = 0;
}

int Chart::addSeries(SeriesKind kind, const QString &name, const QColor &color, double markerSize)
{
    Private::Series s;
    s.kind = kind;
    s.name = name;
    s.colour = color.isValid() ? color : kColours[d->nextColour++ % std::size(kColours)];
    switch (kind) {
    case SeriesKind::Scatter: {
        auto *sc = new QScatterSeries;
        sc->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        sc->setMarkerSize(markerSize > 0 ? markerSize : 9);
        sc->setColor(s.colour);
        sc->setBorderColor(s.colour.darker(140));
        s.xy = sc;
        break;
    }
    case SeriesKind::Line: {
        auto *l = new QLineSeries;
        QPen pen(s.colour);
        pen.setWidthF(2);
        l->setPen(pen);
        if (markerSize > 0) {
            l->setPointsVisible(true);
            l->setMarkerSize(markerSize);
        }
        s.xy = l;
        break;
    }
    case SeriesKind::Bars:
    case SeriesKind::StackedBars: {
        if (!d->bars) {
            if (kind == SeriesKind::StackedBars)
                d->bars = new QStackedBarSeries;
            else
                d->bars = new QBarSeries;
            d->bars->setBarWidth(0.85);
            d->chart->addSeries(d->bars);
            d->bars->attachAxis(d->x);
            d->bars->attachAxis(d->y);
            const int index = int(d->series.size());
            connect(d->bars, &QAbstractBarSeries::clicked, this, [this](int slot, QBarSet *set) {
                for (size_t i = 0; i < d->series.size(); ++i)
                    if (d->series[i].set == set)
                        Q_EMIT pointClicked(int(i), slot);
            });
            connect(d->bars, &QAbstractBarSeries::hovered, this,
                    [this](bool entered, int slot, QBarSet *set) {
                        for (size_t i = 0; i < d->series.size(); ++i)
                            if (d->series[i].set == set)
                                Q_EMIT pointHovered(int(i), slot, entered);
                    });
            Q_UNUSED(index);
        }
        s.set = new QBarSet(name);
        s.set->setColor(s.colour);
        s.set->setBorderColor(s.colour.darker(130));
        d->bars->append(s.set);
        break;
    }
    }
    const int index = int(d->series.size());
    if (s.xy) {
        s.xy->setName(name);
        d->chart->addSeries(s.xy);
        s.xy->attachAxis(d->x);
        s.xy->attachAxis(d->y);
        QXYSeries *xy = s.xy;
        connect(xy, &QXYSeries::clicked, this, [this, index, xy](const QPointF &p) {
            const QList<QPointF> pts = xy->points();
            // The nearest point to the click (markers report their own value).
            const QPointF at = d->chart->mapToPosition(p, xy);
            int best = -1;
            double bestDist = 0;
            for (int i = 0; i < pts.size(); ++i) {
                const double dist = (d->chart->mapToPosition(pts[i], xy) - at).manhattanLength();
                if (best < 0 || dist < bestDist) {
                    best = i;
                    bestDist = dist;
                }
            }
            if (best >= 0)
                Q_EMIT pointClicked(index, best);
        });
        connect(xy, &QXYSeries::hovered, this, [this, index, xy](const QPointF &p, bool entered) {
            const QList<QPointF> pts = xy->points();
            int best = -1;
            double bestDist = 0;
            for (int i = 0; i < pts.size(); ++i) {
                const double dist = std::abs(pts[i].x() - p.x()) + std::abs(pts[i].y() - p.y());
                if (best < 0 || dist < bestDist) {
                    best = i;
                    bestDist = dist;
                }
            }
            if (best >= 0)
                Q_EMIT pointHovered(index, best, entered);
        });
    }
    d->series.push_back(s);
    // Legend markers: clicking one reports the series.
    const auto markers = d->chart->legend()->markers();
    for (QLegendMarker *m : markers) {
        disconnect(m, &QLegendMarker::clicked, this, nullptr);
        connect(m, &QLegendMarker::clicked, this, [this, m] {
            for (size_t i = 0; i < d->series.size(); ++i)
                if ((d->series[i].set && m->label() == d->series[i].name && m->series() == d->bars) ||
                    (d->series[i].xy && m->series() == d->series[i].xy))
                    Q_EMIT legendClicked(int(i));
        });
    }
    return index;
}

void Chart::setPoints(int series, const QList<QPointF> &points)
{
    if (series < 0 || size_t(series) >= d->series.size() || !d->series[size_t(series)].xy)
        return;
    d->series[size_t(series)].xy->replace(points);
}

void Chart::setBarValues(int series, const QList<double> &values)
{
    if (series < 0 || size_t(series) >= d->series.size() || !d->series[size_t(series)].set)
        return;
    QBarSet *set = d->series[size_t(series)].set;
    set->remove(0, set->count());
    QList<qreal> v(values.begin(), values.end());
    set->append(v);
}

int Chart::seriesCount() const
{
    return int(d->series.size());
}

QString Chart::seriesName(int series) const
{
    return series >= 0 && size_t(series) < d->series.size() ? d->series[size_t(series)].name : QString();
}

QColor Chart::seriesColor(int series) const
{
    return series >= 0 && size_t(series) < d->series.size() ? d->series[size_t(series)].colour : QColor();
}

QList<QPointF> Chart::seriesPoints(int series) const
{
    if (series < 0 || size_t(series) >= d->series.size())
        return {};
    const Private::Series &s = d->series[size_t(series)];
    if (s.xy)
        return s.xy->points();
    QList<QPointF> out;
    for (int i = 0; i < s.set->count(); ++i)
        out << QPointF(i, s.set->at(i));
    return out;
}

void Chart::setXRange(double min, double max, bool keepFull)
{
    if (!(max > min))
        max = min + 1;
    if (!keepFull) {
        d->fullMin = min;
        d->fullMax = max;
    }
    const bool changed = min != d->xMin || max != d->xMax;
    d->xMin = min;
    d->xMax = max;
    Private::setRange(d->x, d->xKind, min, max, d->xFormat);
    if (changed)
        Q_EMIT xRangeChanged(min, max);
}

void Chart::setYRange(double min, double max)
{
    if (d->yKind == AxisKind::Lanes)
        return;
    if (!(max > min))
        max = min + 1;
    d->yMin = min;
    d->yMax = max;
    Private::setRange(d->y, d->yKind, min, max, d->yFormat);
}

double Chart::xMin() const
{
    return d->xMin;
}
double Chart::xMax() const
{
    return d->xMax;
}
double Chart::yMin() const
{
    return d->yMin;
}
double Chart::yMax() const
{
    return d->yMax;
}

void Chart::setZoomPanX(bool on)
{
    d->zoomPan = on;
    d->view->setCursor(on ? Qt::OpenHandCursor : Qt::ArrowCursor);
}

void Chart::zoomX(double factor, double centre)
{
    const double fullSpan = d->fullMax - d->fullMin;
    double span = (d->xMax - d->xMin) * factor;
    span = std::clamp(span, fullSpan * 1e-6, fullSpan);
    const double rel = d->xMax > d->xMin ? (centre - d->xMin) / (d->xMax - d->xMin) : 0.5;
    double min = centre - rel * span;
    min = std::clamp(min, d->fullMin, d->fullMax - span);
    setXRange(min, min + span, true);
}

void Chart::resetZoom()
{
    setXRange(d->fullMin, d->fullMax, true);
}

QPointF Chart::mapToPosition(const QPointF &value) const
{
    QAbstractSeries *s = d->series.empty()      ? nullptr
                         : d->series.front().xy ? static_cast<QAbstractSeries *>(d->series.front().xy)
                                                : d->bars;
    const QPointF scene = d->chart->mapToScene(d->chart->mapToPosition(value, s));
    return d->view->mapTo(this, d->view->mapFromScene(scene));
}

QPointF Chart::mapToValue(const QPointF &position) const
{
    QAbstractSeries *s = d->series.empty()      ? nullptr
                         : d->series.front().xy ? static_cast<QAbstractSeries *>(d->series.front().xy)
                                                : d->bars;
    const QPointF scene = d->view->mapToScene(d->view->mapFrom(this, position.toPoint()));
    return d->chart->mapToValue(d->chart->mapFromScene(scene), s);
}

QWidget *Chart::inputWidget() const
{
    return d->view->viewport();
}

double Chart::plotWidth() const
{
    return d->chart->plotArea().width();
}

bool Chart::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::PaletteChange && watched == d->view)
        d->applyPalette(palette());
    if (!d->zoomPan)
        return QWidget::eventFilter(watched, event);
    const auto valueAt = [this](QPointF viewportPos) {
        const QPointF scene = d->view->mapToScene(viewportPos.toPoint());
        const QRectF plot = d->chart->plotArea();
        const QPointF inChart = d->chart->mapFromScene(scene);
        const double rel = plot.width() > 0 ? (inChart.x() - plot.left()) / plot.width() : 0.5;
        return d->xMin + std::clamp(rel, 0.0, 1.0) * (d->xMax - d->xMin);
    };
    switch (event->type()) {
    case QEvent::Wheel: {
        auto *w = static_cast<QWheelEvent *>(event);
        const double steps = w->angleDelta().y() / 120.0;
        if (steps == 0)
            return false;
        zoomX(std::pow(0.8, steps), valueAt(w->position()));
        return true;
    }
    case QEvent::MouseButtonPress: {
        auto *m = static_cast<QMouseEvent *>(event);
        if (m->button() == Qt::LeftButton) {
            d->dragging = true;
            d->pressPos = m->position().toPoint();
            d->pressMin = d->xMin;
            d->pressMax = d->xMax;
        }
        return false;
    }
    case QEvent::MouseMove: {
        auto *m = static_cast<QMouseEvent *>(event);
        if (!d->dragging || !(m->buttons() & Qt::LeftButton))
            return false;
        const int dx = m->position().toPoint().x() - d->pressPos.x();
        if (std::abs(dx) < 4)
            return false;
        const double w = plotWidth();
        if (w <= 0)
            return false;
        const double span = d->pressMax - d->pressMin;
        double min = d->pressMin - dx / w * span;
        min = std::clamp(min, d->fullMin, std::max(d->fullMin, d->fullMax - span));
        d->view->viewport()->setCursor(Qt::ClosedHandCursor);
        setXRange(min, min + span, true);
        return true;
    }
    case QEvent::MouseButtonRelease:
        d->dragging = false;
        d->view->viewport()->setCursor(Qt::OpenHandCursor);
        return false;
    case QEvent::MouseButtonDblClick:
        resetZoom();
        return true;
    case QEvent::KeyPress: {
        auto *k = static_cast<QKeyEvent *>(event);
        const double centre = (d->xMin + d->xMax) / 2;
        if (k->key() == Qt::Key_Home || k->key() == Qt::Key_0) {
            resetZoom();
            return true;
        }
        if (k->key() == Qt::Key_Plus || k->key() == Qt::Key_Equal) {
            zoomX(0.5, centre);
            return true;
        }
        if (k->key() == Qt::Key_Minus) {
            zoomX(2.0, centre);
            return true;
        }
        if (k->key() == Qt::Key_Left || k->key() == Qt::Key_Right) {
            const double span = d->xMax - d->xMin;
            double min = d->xMin + (k->key() == Qt::Key_Left ? -0.2 : 0.2) * span;
            min = std::clamp(min, d->fullMin, std::max(d->fullMin, d->fullMax - span));
            setXRange(min, min + span, true);
            return true;
        }
        return false;
    }
    default:
        return QWidget::eventFilter(watched, event);
    }
}

} // namespace pingscope
